"""The query library: headers, parameter checking and binding, every query on the seed."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from budgetkg import pipeline
from budgetkg.loader.iris import DEFAULT_BASE
from budgetkg.queries.catalog import (
    YEARS_QUERY,
    HeaderError,
    ParameterError,
    UnknownQuery,
    YearsError,
    load_catalog,
    parse_query,
    years_from_values,
)
from budgetkg.store import OxigraphStore

REQUIRED = {
    # the list
    "shared-indicators", "indicator-targets", "project-totals", "fund-sources", "cost-mismatches",
    "satisfaction-targets", "timeliness-by-month", "keyword-search", "carryover-chains",
    "compare-lines", "compare-targets", "new-discontinued",
    # run by the benchmarks
    "indicators-by-level2", "line-totals-two-years", "project-indicators",
}
#: Queries that compare two years: a YearsError naming the year when the store holds one only.
CROSS_YEAR = {"compare-lines", "compare-targets", "new-discontinued", "line-totals-two-years"}
INJECTIONS = [
    '"} . ?s ?p ?o {',
    '培训" } ?s ?p ?o . FILTER("" = "',
    "x\\\" } UNION { ?s ?p ?o } #",
    "line\nbreak } ?s ?p ?o {",
    "'''} ?s ?p ?o {'''",
]


@pytest.fixture(scope="module")
def seed_store():
    store = OxigraphStore(None)
    pipeline.load_seed(store, base=DEFAULT_BASE)
    yield store
    store.close()


@pytest.fixture(scope="module")
def years(seed_store):
    return years_from_values([row[0].value for row in seed_store.query(YEARS_QUERY)])


def rows(store, text):
    results = store.query(text)
    names = [v.value for v in results.variables]
    return [{n: (t.value if t is not None else None) for n, t in zip(names, row)} for row in results]


def test_catalog_has_the_queries():
    catalog = load_catalog()
    assert len(catalog) >= 14
    assert REQUIRED <= set(catalog), REQUIRED - set(catalog)


@pytest.mark.parametrize("name", sorted(load_catalog()))
def test_header_is_complete(name):
    q = load_catalog()[name]
    assert q.title_zh and q.title_en and len(q.description) > 40
    assert any("\u4e00" <= c <= "\u9fff" for c in q.title_zh)  # Chinese title
    for p in q.parameters:
        assert p.description, f"{name}: parameter {p.name} has no description"


@pytest.mark.parametrize("name", sorted(load_catalog()))
def test_runs_as_is_and_with_defaults(seed_store, years, name):
    q = load_catalog()[name]
    # The file itself is a valid query (as pasted into a SPARQL editor) ...
    rows(seed_store, q.text)
    # ... and with the catalog's defaults it answers on the seed alone.
    if name in CROSS_YEAR:
        # one year loaded: nothing to compare, and the error says so (not an empty answer)
        with pytest.raises(YearsError, match="holds only 2022.*compares two years") as caught:
            q.bind({}, years)
        assert caught.value.years == (2022,)
        return
    found = rows(seed_store, q.bind({}, years))
    assert found, f"{name} returned no rows on the seed"


def test_seed_answers(seed_store, years):
    catalog = load_catalog()
    by_level = {r["code"]: int(r["indicators"]) for r in rows(seed_store, catalog["indicators-by-level2"].bind())}
    assert by_level["11"] == 215 and by_level["14"] == 226 and len(by_level) == 9
    shared = rows(seed_store, catalog["shared-indicators"].bind({"minProjects": 4}))
    assert {r["name"] for r in shared} == {"项目完成时间", "培训合格率", "考生满意度", "完成时间", "质保金"}
    indicators = rows(seed_store, catalog["project-indicators"].bind())
    assert [r["position"] for r in indicators] == [str(n) for n in range(1, 22)]
    assert indicators[0]["printedName"] == "国家级高技能人才培训基地建设"
    projects = rows(seed_store, catalog["projects"].bind({}, years))
    assert len(projects) == 37 and {r["year"] for r in projects} == {"2022"}
    hits = rows(seed_store, catalog["keyword-search"].bind({"keyword": "考务"}))
    assert hits and all("考务" in r["name"] for r in hits)


def test_years_default_to_the_store(seed_store, years):
    assert years == [2022]
    q = load_catalog()["compare-lines"]
    text = q.bind({}, [2021, 2022, 2023])
    assert 'VALUES ?yearA { "2022"^^<http://www.w3.org/2001/XMLSchema#gYear> }' in text
    assert 'VALUES ?yearB { "2023"^^<http://www.w3.org/2001/XMLSchema#gYear> }' in text
    # yearB given: yearA is the latest year before it
    assert '"2021"^^' in q.bind({"yearB": 2022}, [2021, 2022, 2023]).split("VALUES ?yearA")[1][:60]
    # a single year: nothing to compare, said by a typed error naming the year held
    with pytest.raises(YearsError, match="holds only 2022"):
        q.resolve({}, [2022])
    # a year the store does not hold: named, with the years it holds
    with pytest.raises(YearsError, match=r"no table of 2030; it holds 2021, 2022, 2023") as caught:
        q.resolve({"yearB": 2030}, [2021, 2022, 2023])
    assert caught.value.param == "yearB" and caught.value.years == (2021, 2022, 2023)
    # also for a year filter that has no store default
    with pytest.raises(YearsError, match="it holds 2022"):
        load_catalog()["cost-mismatches"].resolve({"year": 2019}, [2022])
    # no earlier year than the one given
    with pytest.raises(YearsError, match="no year before 2021"):
        q.resolve({"yearB": 2021}, [2021, 2022])


@pytest.mark.parametrize(
    ("name", "params", "bad"),
    [
        ("projects", {"year": "20x2"}, "year"),
        ("projects", {"year": ""}, "year"),
        ("projects", {"nope": "1"}, "nope"),
        ("shared-indicators", {"minProjects": "three"}, "minProjects"),
        ("shared-indicators", {"minProjects": "2.5"}, "minProjects"),
        ("project-indicators", {"project": "not an iri"}, "project"),
        ("project-indicators", {"project": "http://x/a> } ?s ?p ?o { <http://x/b"}, "project"),
        ("keyword-search", {"keyword": "x" * 501}, "keyword"),
        ("keyword-search", {"keyword": "a\x00b"}, "keyword"),
    ],
)
def test_bad_parameters_name_the_parameter(name, params, bad):
    with pytest.raises(ParameterError) as info:
        load_catalog()[name].bind(params)
    assert info.value.param == bad and repr(bad) in str(info.value)


def test_unknown_query():
    with pytest.raises(UnknownQuery, match="nope"):
        load_catalog()["nope"]


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_is_quoted(seed_store, value):
    q = load_catalog()["keyword-search"]
    text = q.bind({"keyword": value})
    # The VALUES lines stay the only ones, and the query still parses and finds nothing
    # (no project or indicator name contains the text) instead of matching every triple.
    lines = [x for x in text.splitlines() if "VALUES ?keyword" in x]
    assert len(lines) == q.text.count("VALUES ?keyword") and len(text.splitlines()) == len(q.text.splitlines())
    assert rows(seed_store, text) == []
    for line in lines:
        parsed = rows(seed_store, "SELECT ?keyword WHERE { " + line + " }")
        assert parsed == [{"keyword": value}]  # the term reads back as exactly the given text


def test_values_are_typed():
    q = load_catalog()["shared-indicators"]
    assert "VALUES ?minProjects { \"5\"^^<http://www.w3.org/2001/XMLSchema#integer> }" in q.bind({"minProjects": 5})
    q = load_catalog()["indicator-targets"]
    assert 'VALUES ?indicator { "满意度"@zh }' in q.bind({"indicator": "满意度"})
    q = load_catalog()["project-indicators"]
    assert "VALUES ?project { <https://e.org/a> }" in q.bind({"project": "<https://e.org/a>"})


HEADER = """# @title.zh 测试
# @title.en Test
# @description A test query
#   over two lines.
# @param year gYear 2022 The year.
PREFIX bkg: <https://w3id.org/budgetkg/def/>
SELECT * WHERE {
  VALUES ?year { "2022"^^<http://www.w3.org/2001/XMLSchema#gYear> }
}
"""


def test_header_parsing():
    q = parse_query("t", HEADER)
    assert q.description == "A test query over two lines."
    assert [(p.name, p.type, p.default) for p in q.parameters] == [("year", "gYear", "2022")]
    assert q.to_json(with_text=False)["parameters"][0]["datatype"].endswith("#gYear")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("# @title.en Test\n", ""), "lacks @title.en"),
        (("@param year gYear 2022", "@param year date 2022"), "unknown type"),
        (("@param year gYear 2022", "@param year gYear 2021"), "VALUES line says"),
        (("  VALUES ?year", "  # VALUES ?year"), "needs a line"),
        (("@param year gYear 2022", "@param format gYear 2022"), "bad parameter name"),
        (("# @description", "# @summary"), "unknown header field"),
    ],
)
def test_header_errors_name_the_line(change, message):
    with pytest.raises(HeaderError, match=message) as info:
        parse_query("t", HEADER.replace(*change))
    assert str(info.value).startswith("t.rq")


def test_every_query_parses_in_rdflib_too():
    # Backend independence: rdflib's parser (another engine) reads every bound query.
    from rdflib.plugins.sparql import prepareQuery

    for name, q in load_catalog().items():
        prepareQuery(q.bind({}, [2022, 2023]))


def test_oxigraph_reads_injected_iri_safely():
    q = load_catalog()["project-indicators"]
    with pytest.raises(ParameterError):
        q.bind({"project": "http://x/a>"})
    text = q.bind({"project": "urn:x:1"})
    assert ox.Store().query(text) is not None


@pytest.mark.parametrize("name", sorted(load_catalog()))
def test_sparqlwrapper_sees_a_select(name):
    # Clients that guess the form from the text (SPARQLWrapper: "removed" -> MOVE) get the
    # query without comments; it must still be the same query.
    import warnings

    from SPARQLWrapper import SPARQLWrapper

    from budgetkg.queries.catalog import strip_comments

    text = strip_comments(load_catalog()[name].bind({}, [2022, 2023]))
    client = SPARQLWrapper("http://127.0.0.1:9/sparql")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        client.setQuery(text)
    assert client.queryType == "SELECT"
    assert "#" not in "".join(line.strip()[:1] for line in text.splitlines())


def test_a_values_line_the_binder_cannot_rewrite_is_refused():
    # the binder replaces whole "VALUES ?name { … }" lines; one sharing its line with other
    # text would silently keep its default
    text = ("# @title.zh 甲\n# @title.en A\n# @description D\n# @param year gYear latest Y\n"
            "SELECT * {\n  VALUES ?year { UNDEF }\n  { SELECT * { VALUES ?year { UNDEF } ?s ?p ?year } }\n}\n")
    with pytest.raises(HeaderError, match="line of its own"):
        parse_query("bad", text)
