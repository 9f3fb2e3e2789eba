"""The Python API: a data folder, an endpoint URL, Python values, pandas when installed."""

from __future__ import annotations

import datetime
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import live_server

from budgetkg import api
from budgetkg.queries.catalog import ParameterError, UnknownQuery
from budgetkg.service import close_app, create_app


DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.fixture(scope="module")
def data_dir(two_year_data_dir):
    return two_year_data_dir


@pytest.fixture(scope="module")
def endpoint(data_dir):
    app = create_app({"data_dir": data_dir, "workers": 0})
    with live_server(app, threads=2) as url:
        yield f"{url}/sparql"
    close_app(app)


def test_folder_rows_are_python_values(data_dir):
    with api.open(data_dir) as kg:
        assert kg.years() == [2022, 2023]
        projects = kg.run("projects", year=2022)
        assert len(projects) == 37 and projects.columns[:3] == ["year", "sequence", "project"]
        first = projects[0]
        assert first["year"] == 2022 and first["sequence"] == 1 and first["isCarryover"] is False
        assert first["totalWanYuan"] == Decimal(73398) and first["project"] == "就业专项资金"
        assert first["attribute"] == "02" and first["projectYear"].startswith("https://")
        timeliness = kg.run("indicator-targets", indicator="完成时间")
        assert any(isinstance(r["dateEnd"], datetime.date) for r in timeliness)
        assert any(r["month"] is None for r in kg.run("timeliness-by-month"))  # targets with no date


def test_endpoint_gives_the_same_rows(data_dir, endpoint):
    with api.open(data_dir) as local, api.open(endpoint) as remote:
        for name, params in [("compare-lines", {}), ("fund-sources", {"year": 2023}),
                             ("indicator-targets", {"indicator": "培训合格率"})]:
            assert remote.run(name, **params) == local.run(name, **params), name
        assert remote.years() == [2022, 2023]


def test_errors(data_dir):
    with api.open(data_dir) as kg:
        with pytest.raises(ParameterError, match="'year'"):
            kg.run("projects", year="last year")
        with pytest.raises(ParameterError, match="'colour'"):
            kg.run("projects", colour="red")
        with pytest.raises(UnknownQuery):
            kg.run("no-such-query")
        assert "VALUES ?minProjects" in kg.query_text("shared-indicators", minProjects=2)
        assert {q.name for q in kg.queries()} >= {"compare-lines", "project-indicators"}


def test_to_pandas(data_dir):
    with api.open(data_dir) as kg:
        rows = kg.run("fund-sources")
    try:
        import pandas  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match=r"pip install 'budgetkg\[notebook\]'"):
            rows.to_pandas()
    else:
        frame = rows.to_pandas()
        assert list(frame.columns) == rows.columns and len(frame) == len(rows)


def test_notebook_example_runs():
    done = subprocess.run([sys.executable, "-P", str(DOCS / "notebook_example.py")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "fiscal years: [2022, 2023]" in done.stdout and "零就业家庭帮扶率" in done.stdout


def test_endpoint_rows_are_whole_by_default(data_dir):
    """Past the interactive row cap: the API asks for the whole answer (all=1)."""
    import warnings

    app = create_app({"data_dir": data_dir, "workers": 0, "max_rows": 3})
    try:
        with live_server(app, threads=2) as url:
            with api.open(f"{url}/sparql") as kg, warnings.catch_warnings():
                warnings.simplefilter("error")
                rows = kg.run("projects", year=2022)
            assert len(rows) == 37 and not rows.truncated
            with api.open(f"{url}/sparql", whole=False) as kg:
                with pytest.warns(api.TruncatedResults, match="row cap of 3"):
                    capped = kg.run("projects", year=2022)
            assert len(capped) == 3 and capped.truncated
    finally:
        close_app(app)


def test_endpoint_rows_cut_at_the_cap_warn(data_dir):
    # the download limit is a cap too: rows past it are flagged and warned about
    app = create_app({"data_dir": data_dir, "workers": 0, "max_rows": 3, "max_download_rows": 3})
    try:
        with live_server(app, threads=2) as url, api.open(f"{url}/sparql") as kg:
            with pytest.warns(api.TruncatedResults, match="row cap of 3"):
                rows = kg.run("projects", year=2022)
            assert len(rows) == 3 and rows.truncated and rows.limit == 3
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("error")
                few = kg.sparql("SELECT ?x WHERE { VALUES ?x { 1 2 } }")
            assert not few.truncated and len(few) == 2
    finally:
        close_app(app)
