"""indicator-across-regions gives the rows of its earlier text (three grouped parts
joined, kept in tests/fixtures/indicator-across-regions.joined.rq: no answer within 30 s
on a 1M store, exact on a small one) and of its plain text (bench/naive_queries/, the
naive baseline's): low/high and units per department, year and layout family, the
row's own tables (until 2026-12-07 they spanned the department's families).

The store: the seed, a generated corpus of two years, the cross-template pair (a 2023
申报表 and a 2024 目标表 of 某县民政局) and a 2024 transfer-payment table of the same
department that prints a target per region, one of them named like the department: so
one department has two layout families in a year, a region target meets the
department's low/high, and the Ningxia tables have no family.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetkg import pipeline
from budgetkg.loader.iris import DEFAULT_BASE
from budgetkg.queries.catalog import load_catalog, parse_query
from budgetkg.store import OxigraphStore
from budgetkg.synthetic import generate_corpus

from test_bench_rows import rows
from test_summaries import as_json

HERE = Path(__file__).parent
ROOT = HERE.parents[0]
NAME = "indicator-across-regions"
JOINED = HERE / "fixtures" / f"{NAME}.joined.rq"
PLAIN = ROOT / "bench" / "naive_queries" / f"{NAME}.rq"
DOCS = [HERE / "cross_template" / "2023_shenbao.txt", HERE / "cross_template" / "2024_mubiao.txt",
        HERE / "across_regions" / "2024_transfer_region.txt"]
SKOS_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("regions")
    paths = generate_corpus(folder / "tables", seed=7, tables=30, years=(2022, 2023))
    s = OxigraphStore(None)
    pipeline.load_ontology(s, base=DEFAULT_BASE)
    pipeline.load_seed(s, base=DEFAULT_BASE)
    summary = pipeline.load_corpus(s, [*paths, *DOCS], base=DEFAULT_BASE, workers=0)
    assert summary.loaded == len(paths) + len(DOCS)
    yield s
    s.close()


#: The indicators of the hand-made tables: 某县民政局 prints them in two families in 2024.
HAND_MADE = ("老人满意度", "服务老人人数")


def _indicators(store) -> list[str]:
    """老人满意度 (both families, region targets) and the concepts used in most departments."""
    found = store.query(f"""SELECT ?name (COUNT(DISTINCT ?d) AS ?n) WHERE {{
      ?row <https://w3id.org/budgetkg/def/indicatorConcept> ?c . ?c <{SKOS_LABEL}> ?name .
      ?py <https://w3id.org/budgetkg/def/hasIndicator> ?row ; <https://w3id.org/budgetkg/def/department> ?d
    }} GROUP BY ?name ORDER BY DESC(?n) ?name LIMIT 3""")
    return [*HAND_MADE, *(r["name"].value for r in found)]


def _references():
    header = "".join(line + "\n" for line in load_catalog()[NAME].text.splitlines() if line.startswith("#"))
    return [parse_query(NAME, JOINED.read_text(encoding="utf-8")),
            parse_query(NAME, header + PLAIN.read_text(encoding="utf-8"))]


def _rows(store, **values) -> list[dict]:
    results = store.query(load_catalog()[NAME].bind(values))
    names = [v.value for v in results.variables]
    return [{n: (t.value if t is not None else None) for n, t in zip(names, row)} for row in results]


def test_the_store_has_the_cases_that_matter(store):
    hand = _rows(store, indicator="老人满意度")
    own = [r for r in hand if r["year"] == "2024" and r["region"] == "某县民政局" and r["low"] is not None]
    assert {r["family"] for r in own} == {"central_xmzc", "transfer_region"}  # one department, two families
    # low/high of the row's own tables (its family's), as its targets: ≥92% in the 目标表,
    # ≥88% in the transfer-payment table (its per-region targets are printed only)
    assert {(r["family"], r["low"], r["high"]) for r in own} == {("central_xmzc", "92", "92"),
                                                                 ("transfer_region", "88", "88")}
    assert any(r["region"] == "甲县" and r["low"] is None for r in hand)  # a target printed per region
    generated = _rows(store, indicator=_indicators(store)[2])
    assert any(r["family"] is None and r["low"] is not None and r["units"] for r in generated)  # Ningxia


@pytest.mark.parametrize("year", [None, "2023"])
def test_rows_are_those_of_the_joined_and_the_plain_text(store, year):
    query = load_catalog()[NAME]
    years = [2022, 2023, 2024]
    checked = 0
    refs = _references()
    for name in _indicators(store):
        values = {"indicator": name, **({"year": year} if year else {})}
        got = as_json(store.query(query.bind(values, years)))
        for ref in refs:
            check = rows.compare(as_json(store.query(ref.bind(values, years))), got, query.text)
            assert check["same"], (name, year, ref is refs[0], check)
        checked += check["rows"]
    assert checked > 0


@pytest.fixture(scope="module")
def both(virtuoso, seed_path, tmp_path_factory):
    """The seed and the hand-made tables in Virtuoso 7.2.5 and in an embedded store."""
    from conftest_virtuoso import loaded_both_ways

    folder = tmp_path_factory.mktemp("regions-virtuoso") / "data"
    with loaded_both_ways(virtuoso, [str(seed_path), *map(str, DOCS)], folder) as stores:
        yield stores


@pytest.mark.parametrize(("indicator", "year"), [("老人满意度", None), ("服务老人人数", None), ("培训合格率", None),
                                               ("老人满意度", "2024"), ("培训合格率", "2022")])
def test_same_rows_on_virtuoso(both, indicator, year):
    embedded, remote = both
    query = load_catalog()[NAME]
    text = query.bind({"indicator": indicator, **({"year": year} if year else {})}, [2022, 2023, 2024])
    expected = as_json(embedded.query(text))
    check = rows.compare(expected, as_json(remote.query(text)), query.text)
    assert check["same"] and check["rows"] > 0, check
