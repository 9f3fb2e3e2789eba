"""The queries rewritten for 10M triples (issue #21: keyword-search, carryover-chains,
satisfaction-targets, timeliness-by-month) give the rows of their plain texts
(bench/naive_queries) on Oxigraph: on the seed with a generated corpus, and on small
hand-made graphs with the shapes a rewrite can get wrong (a fact stated in two
documents' graphs, which Oxigraph's union default graph returns twice; missing values;
values that are not strings; several tables carrying over from one)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from budgetkg import year_statistics
from budgetkg.queries.catalog import load_catalog, parse_query
from budgetkg.store import OxigraphStore

from test_bench_rows import rows
from generated_store import seed_and_generated
from test_summaries import as_json

PLAIN = Path(__file__).resolve().parents[1] / "bench" / "naive_queries"
REWRITTEN = ("keyword-search", "carryover-chains", "satisfaction-targets", "timeliness-by-month", "projects",
             "years")


def plain_text(name: str):
    """The plain text with the library query's header, so that it binds the same way."""
    lines = load_catalog()[name].text.splitlines()
    header = "".join(x + "\n" for x in lines[:next(i for i, x in enumerate(lines) if not x.startswith("#"))])
    return parse_query(name, header + (PLAIN / f"{name}.rq").read_text(encoding="utf-8"))


def same_rows(store, name: str, values: dict, years: list[int]) -> dict:
    query = load_catalog()[name]
    got = as_json(store.query(query.bind(values, years)))
    plain = plain_text(name)
    want = as_json(store.query(plain.bind(values, years)))
    return rows.compare(want, got, query.text)


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory):
    """The seed (2022) and a generated corpus of three years (continuity on)."""
    return seed_and_generated(tmp_path_factory.mktemp("rewrites"), seed=11, tables=120)


CORPUS_BINDINGS = {
    "keyword-search": [{"keyword": "培训"}, {"keyword": "满意度"}, {"keyword": "费"},
                       {"keyword": "没有这个词"}],
    "carryover-chains": [{}, {"year": "2022"}, {"year": "2023"}],
    "satisfaction-targets": [{"year": "2021"}, {"year": "2022"}, {"year": "2023"}],
    "timeliness-by-month": [{"year": "2021"}, {"year": "2022"}, {"year": "2023"}],
    "projects": [{"year": "2021"}, {"year": "2022"}, {"year": "2023"}],
    "years": [{}],
}


@pytest.mark.parametrize("name", REWRITTEN)
def test_a_rewritten_query_gives_its_plain_texts_rows_on_a_corpus(corpus_store, name):
    years = [2021, 2022, 2023]
    found = 0
    for values in CORPUS_BINDINGS[name]:
        check = same_rows(corpus_store, name, values, years)
        assert check["same"], (name, values, check)
        found += check["rows"]
    assert found > 0, name


# --- hand-made graphs -------------------------------------------------------------------

PREFIXES = """@prefix bkg: <https://w3id.org/budgetkg/def/> .
@prefix level: <https://w3id.org/budgetkg/def/indicator-level/> .
@prefix fund: <https://w3id.org/budgetkg/def/fund-source/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix : <https://example.org/t/> .
"""


def hand_made(trig: str) -> OxigraphStore:
    """The graphs in a store, with the statistics of their years made (as a load makes them)."""
    store = OxigraphStore(None)
    store.replace_graphs(PREFIXES + trig, "application/trig")
    year_statistics.refresh(store, "https://example.org/t/")
    return store


#: Two documents' graphs. Line L1 is described in both (its type and name twice in the
#: union); row r1 is stated in both with the same name, r2 with two names (one matching);
#: r3's name is a number, r4's is language-tagged, r5 matches but has no concept, r6 has
#: no table; N1 has a normalized name but is no project line; concept C2 has no label.
KEYWORD_GRAPHS = """
:g1 {
  :L1 a bkg:ProjectLine ; bkg:normalizedName "职业培训项目" .
  :L2 a bkg:ProjectLine ; bkg:normalizedName "其他项目" .
  :N1 bkg:normalizedName "培训不是项目" .
  :p1 bkg:projectLine :L1 ; bkg:fiscalYear "2022"^^xsd:gYear ; bkg:isCarryover false ; bkg:hasIndicator :r1 , :r2 , :r3 , :r5 .
  :p2 bkg:projectLine :L2 ; bkg:fiscalYear "2022"^^xsd:gYear ; bkg:isCarryover false ; bkg:hasIndicator :r4 .
  :r1 bkg:printedName "培训人次" ; bkg:indicatorConcept :C1 .
  :r2 bkg:printedName "培训合格率" ; bkg:indicatorConcept :C1 .
  :r3 bkg:printedName 42 ; bkg:indicatorConcept :C1 .
  :r4 bkg:printedName "培训天数"@zh ; bkg:indicatorConcept :C2 .
  :r5 bkg:printedName "培训资料" .
  :r6 bkg:printedName "培训场次" ; bkg:indicatorConcept :C1 .
  :C1 skos:prefLabel "培训人次"@zh .
}
:g2 {
  :L1 a bkg:ProjectLine ; bkg:normalizedName "职业培训项目" .
  :p3 bkg:projectLine :L1 ; bkg:fiscalYear "2023"^^xsd:gYear ; bkg:isCarryover false ; bkg:hasIndicator :r1 , :r2 .
  :r1 bkg:printedName "培训人次" ; bkg:indicatorConcept :C1 .
  :r2 bkg:printedName "合格率" ; bkg:indicatorConcept :C1 .
  :C1 skos:prefLabel "培训人次"@zh .
}
"""


def test_keyword_search_edge_cases():
    store = hand_made(KEYWORD_GRAPHS)
    for keyword in ("培训", "合格", "项目", "42", "无"):
        check = same_rows(store, "keyword-search", {"keyword": keyword}, [2022, 2023])
        assert check["same"], (keyword, check)
    got = as_json(store.query(load_catalog()["keyword-search"].bind({"keyword": "培训"}, [2022, 2023])))
    kinds = sorted((b["kind"]["value"], b["match"]["value"].rsplit("/", 1)[1], b["uses"]["value"])
                   for b in got["results"]["bindings"])
    # C1: r1 and r2 (by its first name); r3 (a number), r5 (no concept) and r6 (no table)
    # are not counted; N1 is no project line
    assert kinds == [("indicator", "C1", "2"), ("indicator", "C2", "1"), ("project", "L1", "2")]


#: A carries over from B (loaded, its type stated in two graphs: two rows in the union),
#: C and D both from E (loaded, itself carrying over from F, not loaded), G from H (named
#: but no table), and B has two totals. Amounts as the loader writes them (the totals
#: are derived at load: bkg:totalYuan). (An amount node stated in two graphs is left
#: out: the plain text multiplies its triples there, the library's summary does not,
#: before these rewrites as after.)
CARRYOVER_GRAPHS = """
:g1 {
  :A a bkg:ProjectYear ; bkg:isCarryover true ; bkg:fiscalYear "2023"^^xsd:gYear ; bkg:printedName "甲（上年结转）" ;
     bkg:carriesOverFrom :B ; bkg:carryoverFromYear "2022"^^xsd:gYear ; bkg:carryoverMarker "上年结转" .
  :A-total bkg:projectYear :A ; bkg:fundSource fund:total ; bkg:amount 12.5 .
  :A-carry bkg:projectYear :A ; bkg:fundSource fund:carryover ; bkg:amount 2.5 .
  :C a bkg:ProjectYear ; bkg:isCarryover true ; bkg:fiscalYear "2023"^^xsd:gYear ; bkg:printedName "丙" ;
     bkg:carriesOverFrom :E .
  :D a bkg:ProjectYear ; bkg:isCarryover true ; bkg:fiscalYear "2023"^^xsd:gYear ; bkg:printedName "丁" ;
     bkg:carriesOverFrom :E ; bkg:carryoverMarker "结转" , "上年结转" .
  :G a bkg:ProjectYear ; bkg:isCarryover true ; bkg:fiscalYear "2023"^^xsd:gYear ; bkg:printedName "庚" ;
     bkg:carriesOverFrom :H .
  :H bkg:printedName "辛" .
  :B a bkg:ProjectYear .
}
:g2 {
  :B a bkg:ProjectYear ; bkg:isCarryover false ; bkg:fiscalYear "2022"^^xsd:gYear ; bkg:printedName "甲" .
  :B-total bkg:projectYear :B ; bkg:fundSource fund:total ; bkg:amount 10 .
  :B-total2 bkg:projectYear :B ; bkg:fundSource fund:total ; bkg:amount 11 .
  :E a bkg:ProjectYear ; bkg:isCarryover true ; bkg:fiscalYear "2022"^^xsd:gYear ; bkg:printedName "戊" ;
     bkg:carriesOverFrom :F .
}
"""


def test_carryover_chains_edge_cases():
    store = hand_made(CARRYOVER_GRAPHS)
    for values in ({}, {"year": "2023"}, {"year": "2022"}):
        check = same_rows(store, "carryover-chains", values, [2022, 2023])
        assert check["same"], (values, check)
    got = as_json(store.query(load_catalog()["carryover-chains"].bind({}, [2022, 2023])))
    tables = sorted(b["projectYear"]["value"].rsplit("/", 1)[1] for b in got["results"]["bindings"])
    # A: B typed twice x two totals; D: two markers; E's own row (F not loaded)
    assert tables == ["A"] * 4 + ["C", "D", "D", "E", "G"]


#: Table P1 is stated in two graphs (its year and line twice in the union); P2 of another
#: year; rows without a target kind, comparator or number; a row with two targets.
LEVEL_GRAPHS = """
:g0 { :kindN skos:notation "numeric" . }
:g1 {
  :P1 bkg:fiscalYear "2023"^^xsd:gYear ; bkg:isCarryover false ; bkg:projectLine :L1 ; bkg:hasIndicator :s1 , :s2 , :t1 , :t2 .
  :P2 bkg:fiscalYear "2022"^^xsd:gYear ; bkg:isCarryover false ; bkg:projectLine :L2 ; bkg:hasIndicator :s3 , :t3 .
  :s1 bkg:level1 level:3 ; bkg:printedValue "≥90%" ; bkg:target :s1t .
  :s1t bkg:targetKind :kindN ; bkg:comparatorText "≥" ; bkg:value 90 ; bkg:unitText "%" .
  :s2 bkg:level1 level:3 ; bkg:printedValue "满意" ; bkg:target :s2t , :s2u .
  :s2u bkg:comparatorText "≥" .
  :s3 bkg:level1 level:3 ; bkg:printedValue "≥90%" ; bkg:target :s3t .
  :s3t bkg:targetKind :kindN ; bkg:comparatorText "≥" ; bkg:value 90 ; bkg:unitText "%" .
  :t1 bkg:level2 level:13 ; bkg:printedValue "2023年6月底前" ; bkg:target :t1t .
  :t1t bkg:dateEnd "2023-06-30"^^xsd:date .
  :t2 bkg:level2 level:13 ; bkg:printedValue "及时" ; bkg:target :t2t .
  :t3 bkg:level2 level:13 ; bkg:printedValue "2022年底前" ; bkg:target :t3t .
  :t3t bkg:dateEnd "2022-12-31"^^xsd:date .
}
:g2 {
  :P1 bkg:fiscalYear "2023"^^xsd:gYear ; bkg:isCarryover false ; bkg:projectLine :L1 ; bkg:hasIndicator :s1 .
  :P3 bkg:fiscalYear "2023"^^xsd:gYear ; bkg:isCarryover false ; bkg:projectLine :L1 ; bkg:hasIndicator :s1 , :t1 .
}
"""


@pytest.mark.parametrize("name", ["satisfaction-targets", "timeliness-by-month"])
def test_level_queries_edge_cases(name):
    store = hand_made(LEVEL_GRAPHS)
    for values in ({"year": "2023"}, {"year": "2022"}):
        check = same_rows(store, name, values, [2022, 2023])
        assert check["same"], (name, values, check)
        assert check["rows"] > 0, (name, values)


#: T1 is stated in two documents' graphs (its type and year twice in the union: its
#: indicator rows counted once per combination, by the plain text as by the library's);
#: T2 has no indicator rows; T3 has no type; T4 is of the other year.
PROJECT_GRAPHS = """
:g1 {
  :D1 org:identifier "301" .
  :T1 a bkg:ProjectYear ; bkg:fiscalYear "2023"^^xsd:gYear ; bkg:sequence 1 ; bkg:isCarryover false ;
      bkg:department :D1 ; bkg:printedName "甲" ; bkg:hasIndicator :i1 , :i2 .
  :T2 a bkg:ProjectYear ; bkg:fiscalYear "2023"^^xsd:gYear ; bkg:sequence 2 ; bkg:isCarryover false ;
      bkg:department :D1 ; bkg:printedName "乙" .
  :T3 bkg:fiscalYear "2023"^^xsd:gYear ; bkg:sequence 3 ; bkg:isCarryover false ;
      bkg:department :D1 ; bkg:printedName "丙" .
  :T4 a bkg:ProjectYear ; bkg:fiscalYear "2022"^^xsd:gYear ; bkg:sequence 1 ; bkg:isCarryover false ;
      bkg:department :D1 ; bkg:printedName "丁" ; bkg:hasIndicator :i3 .
}
:g2 {
  :D1 org:identifier "301" .
  :T1 a bkg:ProjectYear ; bkg:fiscalYear "2023"^^xsd:gYear ; bkg:isCarryover false ; bkg:hasIndicator :i1 .
}
"""


def test_projects_edge_cases():
    store = hand_made(PROJECT_GRAPHS)
    for values in ({"year": "2023"}, {"year": "2022"}, {"year": "2023", "department": "301"}):
        check = same_rows(store, "projects", values, [2022, 2023])
        assert check["same"], (values, check)
        assert check["rows"] > 0, values


#: T1 is stated in two graphs and derived from two documents, T2 from none; the row i1
#: is derived from a document of the other year (not a table: not counted).
YEARS_GRAPHS = """
:g1 {
  :T1 a bkg:ProjectYear ; bkg:fiscalYear "2023"^^xsd:gYear ; bkg:projectLine :L1 ; bkg:isCarryover false ;
      bkg:department :D1 ; bkg:hasIndicator :i1 ; <http://www.w3.org/ns/prov#wasDerivedFrom> :doc1 .
  :T1-total bkg:projectYear :T1 ; bkg:fundSource fund:total ; bkg:fiscalYear "2023"^^xsd:gYear ; bkg:amount 10 .
  :T2 a bkg:ProjectYear ; bkg:fiscalYear "2023"^^xsd:gYear ; bkg:projectLine :L2 ; bkg:isCarryover false .
  :i1 <http://www.w3.org/ns/prov#wasDerivedFrom> :doc3 .
}
:g2 {
  :T1 a bkg:ProjectYear ; bkg:fiscalYear "2023"^^xsd:gYear ; bkg:projectLine :L1 ;
      <http://www.w3.org/ns/prov#wasDerivedFrom> :doc2 .
}
:g3 {
  :T4 a bkg:ProjectYear ; bkg:fiscalYear "2022"^^xsd:gYear ; bkg:projectLine :L1 ; bkg:isCarryover false ;
      bkg:hasIndicator :i3 ; <http://www.w3.org/ns/prov#wasDerivedFrom> :doc3 .
  :T4-total bkg:projectYear :T4 ; bkg:fundSource fund:total ; bkg:fiscalYear "2022"^^xsd:gYear ; bkg:amount 5 .
  :X-total bkg:fundSource fund:total ; bkg:fiscalYear "2022"^^xsd:gYear ; bkg:amount 100 .
}
"""


def test_years_edge_cases():
    store = hand_made(YEARS_GRAPHS)
    check = same_rows(store, "years", {}, [2022, 2023])
    assert check["same"], check
    got = as_json(store.query(load_catalog()["years"].bind({}, [2022, 2023])))
    documents = {b["fiscalYear"]["value"]: b["documents"]["value"] for b in got["results"]["bindings"]}
    assert documents == {"2022": "1", "2023": "2"}
    # the project totals: a total of no table (X-total) is none of them
    totals = {b["fiscalYear"]["value"]: Decimal(b["totalWanYuan"]["value"]) for b in got["results"]["bindings"]}
    assert totals == {"2022": Decimal("0.0005"), "2023": Decimal("0.001")}


def test_keyword_search_cuts_a_tie_at_its_limit_the_same_way_every_time():
    """600 project lines of the same name, each used once: the 500 kept are those of the
    smallest IRIs (the sort's last key), not whichever of the tie an engine sees first,
    so that two engines (and a re-run) give the same rows."""
    lines = "\n".join(
        f":L{i:03d} a bkg:ProjectLine ; bkg:normalizedName \"职业培训\" .\n"
        f":p{i:03d} bkg:projectLine :L{i:03d} ; bkg:fiscalYear \"2022\"^^xsd:gYear ; bkg:isCarryover false ."
        for i in range(600))
    store = hand_made(":g1 {\n" + lines + "\n}\n")
    got = as_json(store.query(load_catalog()["keyword-search"].bind({"keyword": "培训"}, [2022])))
    matches = [b["match"]["value"] for b in got["results"]["bindings"]]
    assert matches == [f"https://example.org/t/L{i:03d}" for i in range(500)]


def test_shared_indicators_cuts_a_tie_at_its_limit_the_same_way_every_time():
    """The same for shared-indicators' LIMIT: concepts of one label, used alike, in the
    order of their IRIs."""
    from budgetkg.queries.catalog import parse_query as parse

    text = load_catalog()["shared-indicators"].text.replace("LIMIT 10000", "LIMIT 5")
    query = parse("shared-indicators", text)
    rows_ = []
    for i in range(8):
        rows_.append(f":C{i} skos:prefLabel \"培训人次\"@zh .")
        for j in range(3):
            rows_.append(f":p{i}{j} bkg:projectLine :L{i}{j} ; bkg:fiscalYear \"2022\"^^xsd:gYear ; bkg:isCarryover false ; "
                         f"bkg:hasIndicator :r{i}{j} .\n:r{i}{j} bkg:indicatorConcept :C{i} ; "
                         f"bkg:printedValue \"≥90%\" .")
    store = hand_made(":g1 {\n" + "\n".join(rows_) + "\n}\n")
    got = as_json(store.query(query.bind({}, [2022])))
    assert [b["concept"]["value"] for b in got["results"]["bindings"]] == [
        f"https://example.org/t/C{i}" for i in range(5)]


#: Fund amounts of two documents (fund-sources reads their fund groups, vocabulary 0.7.0):
#: table P1 of g1 and P2 of g2 both have totals and own-level amounts in 2023 (P1's total
#: an integer, P2's a decimal); A3 has two amounts (both counted) and A4 none (no row);
#: in 2022 a carry-over amount that is no number makes its source's sum fail, in the
#: groups as over the rows; a 2022 total belongs to a table of 2022. A6, a total of no
#: table, is no project total: in no sum and not in the year's total (the percentages).
FUND_GRAPHS = """
:g1 {
  :P1 a bkg:ProjectYear ; bkg:isCarryover false ; bkg:fiscalYear "2023"^^xsd:gYear .
  :A1 bkg:projectYear :P1 ; bkg:fundSource fund:total ; bkg:fiscalYear "2023"^^xsd:gYear ; bkg:amount 100 .
  :A3 bkg:projectYear :P1 ; bkg:fundSource fund:own-level-total ; bkg:fiscalYear "2023"^^xsd:gYear ;
      bkg:amount 30.5 , 9.5 .
  :A4 bkg:projectYear :P1 ; bkg:fundSource fund:carryover ; bkg:fiscalYear "2023"^^xsd:gYear .
  :Q1 a bkg:ProjectYear ; bkg:isCarryover false ; bkg:fiscalYear "2022"^^xsd:gYear .
  :B1 bkg:projectYear :Q1 ; bkg:fundSource fund:total ; bkg:fiscalYear "2022"^^xsd:gYear ; bkg:amount 80.0 .
  :B2 bkg:projectYear :Q1 ; bkg:fundSource fund:carryover ; bkg:fiscalYear "2022"^^xsd:gYear ;
      bkg:amount "八十"^^xsd:decimal .
}
:g2 {
  :P2 a bkg:ProjectYear ; bkg:isCarryover false ; bkg:fiscalYear "2023"^^xsd:gYear .
  :A2 bkg:projectYear :P2 ; bkg:fundSource fund:total ; bkg:fiscalYear "2023"^^xsd:gYear ; bkg:amount 60.25 .
  :A5 bkg:projectYear :P2 ; bkg:fundSource fund:own-level-total ; bkg:fiscalYear "2023"^^xsd:gYear ; bkg:amount 10 .
  :A6 bkg:fundSource fund:total ; bkg:fiscalYear "2023"^^xsd:gYear ; bkg:amount 1000 .
  :Q2 a bkg:ProjectYear ; bkg:isCarryover false ; bkg:fiscalYear "2022"^^xsd:gYear .
  :B3 bkg:projectYear :Q2 ; bkg:fundSource fund:carryover ; bkg:fiscalYear "2022"^^xsd:gYear ; bkg:amount 5.0 .
}
"""


def test_fund_sources_adds_the_documents_groups_as_the_rows_would_be():
    store = hand_made(FUND_GRAPHS)
    for year in ("2022", "2023"):
        check = same_rows(store, "fund-sources", {"year": year}, [2022, 2023])
        assert check["same"], (year, check)
    got = as_json(store.query(load_catalog()["fund-sources"].bind({"year": "2023"}, [2022, 2023])))
    by_source = {b["fundSource"]["value"].rsplit("/", 1)[1]: b for b in got["results"]["bindings"]}
    assert set(by_source) == {"total", "own-level-total"}
    assert Decimal(by_source["total"]["sumWanYuan"]["value"]) * 10000 == Decimal("160.25")
    assert Decimal(by_source["own-level-total"]["sumWanYuan"]["value"]) * 10000 == Decimal("50")
    assert by_source["own-level-total"]["projects"]["value"] == "2"
    assert Decimal(by_source["own-level-total"]["percentOfTotal"]["value"]) == Decimal("31.2")  # 50 / 160.25
    old = as_json(store.query(load_catalog()["fund-sources"].bind({"year": "2022"}, [2022, 2023])))
    [carry] = [b for b in old["results"]["bindings"] if b["fundSource"]["value"].endswith("/carryover")]
    assert "sumWanYuan" not in carry and carry["projects"]["value"] == "2"


#: Queries sorted by a key computed in memory (a stored name or IRI is read back at every
#: comparison): their rows still come in the order of the columns the key is made from.
SORTED = {
    "new-discontinued": lambda b: (b["status"] != "new", b["project"]),
    "indicator-targets": lambda b: (b["year"], b["project"], b["indicatorRow"]),
    "line-totals-two-years": lambda b: (-abs(Decimal(b["difference"])), b["nameB"]),
}


@pytest.mark.parametrize("name", sorted(SORTED))
def test_a_query_sorted_by_a_computed_key_keeps_the_order_of_its_columns(corpus_store, name):
    query = load_catalog()[name]
    pairs = [{"yearA": "2021", "yearB": "2022"}, {"yearA": "2022", "yearB": "2023"}]
    seen, last = 0, set()
    for values in pairs if "yearB" in {p.name for p in query.parameters} else [{}]:
        got = as_json(corpus_store.query(query.bind(values, [2021, 2022, 2023])))
        keys = [SORTED[name]({k: v["value"] for k, v in b.items()}) for b in got["results"]["bindings"]]
        assert keys == sorted(keys), values
        seen += len(keys)
        last |= {k[-1] for k in keys}
    assert seen > 10 and len(last) > 1  # the last key does sort something
