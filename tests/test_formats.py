"""Result serialization: the JSON the service writes itself is byte for byte pyoxigraph's."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from budgetkg.service.formats import FORMATS_BY_NAME, serialize_results

XSD = "http://www.w3.org/2001/XMLSchema#"
# quotes, backslash, control characters, a line separator, a slash, astral plane, CJK
AWKWARD = "a\"b\\c\nd\te\x01f\x7f\u2028g/h\U0001F600 中文"


@pytest.fixture(scope="module")
def store():
    s = ox.Store()
    p = ox.NamedNode("http://x/p")
    for i, o in enumerate([ox.Literal(AWKWARD, language="zh"), ox.Literal(AWKWARD),
                           ox.Literal("5", datatype=ox.NamedNode(XSD + "integer")),
                           ox.Literal("1.50", datatype=ox.NamedNode(XSD + "decimal")),
                           ox.NamedNode("http://x/o?a=1&b=%3C2%3E#\u4e2d")]):
        s.add(ox.Quad(ox.NamedNode(f"http://x/s{i}"), p, o))
    return s


QUERY = "SELECT ?s ?o ?unbound WHERE { ?s ?p ?o OPTIONAL { ?s <http://x/none> ?unbound } } ORDER BY ?s"


@pytest.mark.parametrize("name", ["json", "xml", "csv", "tsv"])
def test_uncapped_results_are_pyoxigraphs_bytes(store, name):
    ours = serialize_results(store.query(QUERY), FORMATS_BY_NAME[name], 100)
    theirs = store.query(QUERY).serialize(format=getattr(ox.QueryResultsFormat, name.upper()))
    assert not ours.truncated and ours.body == theirs


def test_capped_json_keeps_the_first_rows(store):
    out = serialize_results(store.query(QUERY), FORMATS_BY_NAME["json"], 2)
    rows = list(ox.parse_query_results(out.body, format=ox.QueryResultsFormat.JSON))
    assert out.truncated and [r["s"].value for r in rows] == ["http://x/s0", "http://x/s1"]


@pytest.mark.parametrize("query", [
    "SELECT ?x WHERE { VALUES ?x { UNDEF } }",  # one row, nothing bound
    "SELECT ?x WHERE { FILTER(false) }",  # no rows
    "SELECT * WHERE { }",  # no variables
    'SELECT ?t WHERE { BIND(<<( <http://x/s> <http://x/p> "o"@en )>> AS ?t) }',  # a triple term
    'SELECT ?b ?t WHERE { BIND(BNODE("k") AS ?b) BIND(<<( <http://x/s> <http://x/p> "o" )>> AS ?t) }',
])
def test_edge_shapes_are_pyoxigraphs_bytes(store, query):
    ours = serialize_results(store.query(query), FORMATS_BY_NAME["json"], 100)
    theirs = store.query(query).serialize(format=ox.QueryResultsFormat.JSON)
    if "BNODE" in query:  # blank node labels are fresh per run: compare the shape
        ours_rows = list(ox.parse_query_results(ours.body, format=ox.QueryResultsFormat.JSON))
        assert isinstance(ours_rows[0]["b"], ox.BlankNode) and isinstance(ours_rows[0]["t"], ox.Triple)
        return
    assert ours.body == theirs
