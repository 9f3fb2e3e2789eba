"""bench/naive_queries/: each plain text gives the library query's rows (bench/naive_check.py).

The naive baseline's ratio is only worth something when rdflib answers the same
question: here every plain text runs on rdflib and its library query on the embedded
store, over a small generated corpus of two continued years (the latest in the 2021
indicator framework, as bench/run.py's corpora) and the seed, bound as the bench binds
them.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).parents[1] / "bench"


@pytest.fixture(scope="module")
def naive_check():
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location("naive_check", BENCH / "naive_check.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.path.remove(str(BENCH))


@pytest.fixture(scope="module")
def store(naive_check, tmp_path_factory):
    from budgetkg.pipeline import seed_path
    from budgetkg.synthetic import generate_corpus

    folder = tmp_path_factory.mktemp("corpus")
    paths = generate_corpus(folder, seed=3, tables=44, years=(2023, 2024), framework_2021=2024)
    assert len(paths) >= 2
    # and the seed (2022): its cost rows that do not add up give cost-mismatches rows
    return naive_check.embedded([seed_path(), *paths])


def test_every_plain_text_gives_the_library_rows(naive_check, store):
    from budgetkg.queries.catalog import load_catalog

    report = naive_check.check(store, timeout=120)
    plain = {p.stem for p in (BENCH / "naive_queries").glob("*.rq")}
    # every plain text ran (a two-year store: none skipped), and those whose year is left
    # open by default once more for the latest year, as the bench times them
    open_year = {name for name, q in load_catalog().items()
                 if any(p.name == "year" and p.default is None for p in q.parameters)}
    assert len(open_year) >= 5
    assert set(report) == plain | {f"{name}@2024" for name in open_year}
    differ = {name: r for name, r in report.items() if not r["same"]}
    assert not differ, differ
    rows = {n: r["rows"] for n, r in report.items()}
    assert all(rows[name] > 0 for name in plain), rows
    # one year may have none of a query's rows (the generated years' cost rows add up)
    assert sum(rows[f"{name}@2024"] > 0 for name in open_year) >= len(open_year) - 1, rows


def test_a_plain_text_with_other_rows_is_caught(naive_check, store, monkeypatch):
    import run

    real = run.queries_for

    def wrong(s):
        texts, plain = real(s)
        plain["years"] = plain["years"].rstrip() + "\nOFFSET 1\n"  # one year fewer
        return texts, plain

    monkeypatch.setattr(run, "queries_for", wrong)
    report = naive_check.check(store, only={"years"}, timeout=60)
    assert report["years"]["same"] is False and report["years"]["missing"] == 1
