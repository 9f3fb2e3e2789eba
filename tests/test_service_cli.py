"""`budgetkg load` and `budgetkg query` (CliRunner; a live endpoint for query)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from conftest import live_server

from budgetkg.cli import main
from budgetkg.commands.query import format_table
from budgetkg.service import close_app, create_app
from budgetkg.store import OxigraphStore

FIXTURE = Path(__file__).parent / "fixtures" / "small.trig"
BROKEN = Path(__file__).parent / "fixtures" / "broken.trig"
ID = "https://budgetkg.example.org/id/"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def graphs(folder: Path) -> list[str]:
    with OxigraphStore(folder, read_only=True) as s:
        return s.graphs()


def test_load_rdf_files_into_the_store(tmp_path):
    result = run("load", str(FIXTURE), "--data-dir", str(tmp_path / "d"))
    assert result.exit_code == 0, result.output
    assert "loaded 1 of 1 files" in result.output
    names = graphs(tmp_path / "d")
    assert {ID + "graph/doc2021", ID + "graph/doc2022", ID + "graph/ontology"} <= set(names)
    # loading again replaces, never duplicates
    assert run("load", str(FIXTURE), "--data-dir", str(tmp_path / "d")).exit_code == 0
    with OxigraphStore(tmp_path / "d", read_only=True) as s:
        n = list(s.query(f"SELECT (COUNT(*) AS ?n) FROM <{ID}graph/doc2022> WHERE {{ ?s ?p ?o }}"))
    assert n[0]["n"].value == "16"


def test_bad_file_is_named_with_its_line_and_good_ones_still_load(tmp_path):
    result = run("load", str(BROKEN), str(FIXTURE), "--data-dir", str(tmp_path / "d"))
    assert result.exit_code == 1
    assert "broken.trig" in result.output and "line 4" in result.output
    assert ID + "graph/doc2022" in graphs(tmp_path / "d")


def test_unreadable_file_is_exit_2(tmp_path):
    result = run("load", str(tmp_path / "missing.txt"), "--data-dir", str(tmp_path / "d"))
    assert result.exit_code == 2 and "cannot read" in result.output


def test_store_in_use_is_exit_2(tmp_path):
    with OxigraphStore(tmp_path / "d"):
        result = run("load", str(FIXTURE), "--data-dir", str(tmp_path / "d"))
    assert result.exit_code == 2 and "in use" in result.output


def test_load_tables_to_a_file(tmp_path, seed_path):
    out = tmp_path / "seed.nq"
    result = run("load", str(seed_path), "--out", str(out))
    assert result.exit_code == 0, result.output
    quads = list(ox.parse(path=str(out)))
    names = {q.graph_name.value for q in quads}
    assert len(names) == 2 and ID + "graph/ontology" in names  # ontology + one document


def test_load_tables_into_the_store(tmp_path, seed_path):
    result = run("load", str(seed_path), "--data-dir", str(tmp_path / "d"))
    assert result.exit_code == 0, result.output
    assert "37 tables" in result.output
    assert "statistics of 2022 made again" in result.output
    assert len(graphs(tmp_path / "d")) == 3  # the ontology, the document, its year's statistics


# -- query -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli") / "data"
    with OxigraphStore(folder) as s:
        s.replace_graphs(FIXTURE.read_bytes(), "application/trig")
    app = create_app({"data_dir": folder, "workers": 1})
    with live_server(app, threads=2) as url:
        yield f"{url}/sparql"
    close_app(app)


LABELS = ("SELECT ?p ?l WHERE { ?p a <https://budgetkg.example.org/ontology#Project> ; "
          "<http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?p")


def test_query_prints_a_table(endpoint):
    result = run("query", "--endpoint", endpoint, "-e", LABELS)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split("|")[0].strip() == "p"
    assert "职业技能培训@zh" in lines[2] and "(3 rows)" in lines[-1]


def test_query_csv_json_and_files(endpoint, tmp_path):
    result = run("query", "--endpoint", endpoint, "--format", "csv", "-e", LABELS)
    assert result.output.splitlines()[0] == "p,l" and len(result.output.splitlines()) == 4
    rq = tmp_path / "labels.rq"
    rq.write_text(LABELS, encoding="utf-8")
    result = run("query", str(rq), "--endpoint", endpoint, "--format", "json")
    assert '"vars":["p","l"]' in result.output.replace(" ", "")


def test_query_errors(endpoint):
    bad = run("query", "--endpoint", endpoint, "-e", "SELECT ?x WHERE {")
    assert bad.exit_code == 1 and "Malformed query" in bad.output
    refused = run("query", "--endpoint", endpoint, "-e", "DROP ALL")
    assert refused.exit_code == 1 and "read-only" in refused.output
    unknown = run("query", "no_such_query_name", "--endpoint", endpoint)
    assert unknown.exit_code == 2 and "no query named" in unknown.output
    both = run("query", "x.rq", "-e", "ASK {}")
    assert both.exit_code == 2
    down = run("query", "--endpoint", "http://127.0.0.1:9/sparql", "-e", "ASK {}")
    assert down.exit_code == 2 and "cannot reach" in down.output


def test_format_table_aligns_wide_characters():
    table = format_table({
        "head": {"vars": ["name", "n"]},
        "results": {"bindings": [{"name": {"type": "literal", "value": "满意度"}, "n": {"type": "literal", "value": "1"}},
                                 {"name": {"type": "literal", "value": "abc"}}]},
    })
    lines = table.splitlines()
    # "满意度" takes 6 terminal columns, like "abc" plus 3 spaces of padding
    assert lines[2].startswith("满意度 | 1") and lines[3].startswith("abc    |")
    assert format_table({"head": {}, "boolean": False}) == "false"


# -- results cut at the row cap ------------------------------------------------------


@pytest.fixture(scope="module")
def capped_endpoint(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli-cap") / "data"
    with OxigraphStore(folder) as s:
        s.replace_graphs(FIXTURE.read_bytes(), "application/trig")
    app = create_app({"data_dir": folder, "workers": 1, "max_rows": 2})
    with live_server(app, threads=2) as url:
        yield f"{url}/sparql"
    close_app(app)


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_query_warns_on_stderr_when_results_were_cut(capped_endpoint, fmt):
    result = run("query", "--endpoint", capped_endpoint, "--format", fmt, "-e", LABELS)
    assert result.exit_code == 0
    assert "cut the results at its row cap of 2" in result.stderr and "2 rows kept" in result.stderr
    assert "warning" not in result.stdout  # the answer itself stays clean
    if fmt == "csv":
        assert result.stdout.splitlines()[0] == "p,l"  # the header is kept


def test_query_does_not_warn_when_nothing_was_cut(capped_endpoint):
    result = run("query", "--endpoint", capped_endpoint, "-e", LABELS + " LIMIT 2")
    assert result.exit_code == 0 and "warning" not in result.stderr
