"""Result serialization: the JSON the service writes itself is byte for byte pyoxigraph's."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

import csv
import io
import xml.etree.ElementTree as ET

import rdflib

from budgetkg.service.formats import FORMATS_BY_NAME, NotInXml, serialize_graph, serialize_results

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


@pytest.mark.parametrize("name", ["json", "csv", "tsv"])
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


SRX = "{http://www.w3.org/2005/sparql-results#}"


def test_xml_results_keep_carriage_returns():
    # A raw CR in XML text reaches the reader as a LF (XML 1.0 §2.11): it must be &#13;.
    q = 'SELECT ?x WHERE { VALUES ?x { "a\\r\\nb" "c\\rd"@en } }'
    body = serialize_results(ox.Store().query(q), FORMATS_BY_NAME["xml"], 10).body
    assert b"\r" not in body
    texts = [el.text for el in ET.fromstring(body).iter(SRX + "literal")]
    assert texts == ["a\r\nb", "c\rd"]


def test_rdfxml_keeps_carriage_returns():
    t = ox.Triple(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"), ox.Literal("a\rb\r\nc"))
    body = serialize_graph([t], FORMATS_BY_NAME["rdfxml"])
    g = rdflib.Graph().parse(data=body, format="xml")
    assert [str(o) for o in g.objects()] == ["a\rb\r\nc"]


@pytest.mark.parametrize("char", ["\x01", "\x08", "\x0b", "\x1f", "\ufffe", "\uffff"])
def test_xml_refuses_characters_xml_cannot_carry(char):
    # XML 1.0 has no way to write these, not even as &#1;: an error that says so, never a
    # document no parser reads.
    lit = ox.Literal("a" + char + "b")
    q = f"SELECT ?x WHERE {{ BIND({lit} AS ?x) }}"
    with pytest.raises(NotInXml, match=f"U\\+{ord(char):04X}"):
        serialize_results(ox.Store().query(q), FORMATS_BY_NAME["xml"], 10)
    with pytest.raises(NotInXml):
        serialize_graph([ox.Triple(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"), lit)], FORMATS_BY_NAME["rdfxml"])
    # the other formats carry it
    for name in ("json", "csv", "tsv"):
        assert serialize_results(ox.Store().query(q), FORMATS_BY_NAME[name], 10).body


def test_csv_quotes_every_kind_of_term():
    # RFC 4180: a field with a comma, quote or line break is quoted, an IRI too.
    q = ('SELECT ?a ?b WHERE { VALUES (?a ?b) { (<http://example.org/a,b> "x,y") '
         '(<http://example.org/q> "say \\"hi\\"") (UNDEF "l1\\r\\nl2") (<http://example.org/plain> 1) } }')
    body = serialize_results(ox.Store().query(q), FORMATS_BY_NAME["csv"], 10).body
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    assert rows == [["a", "b"], ["http://example.org/a,b", "x,y"], ["http://example.org/q", 'say "hi"'],
                    ["", "l1\r\nl2"], ["http://example.org/plain", "1"]]
    assert body.endswith(b"\r\n")


def test_compacted_json_ld_keeps_an_empty_string_among_a_propertys_values():
    """rdflib's compaction took a first value "" for none and overwrote it: printed
    targets "" and "95%" of one subject lost the "". Read back with pyoxigraph."""
    from budgetkg.service.rdf_out import serialize_description

    s, p = ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p")
    triples = [ox.Triple(s, p, ox.Literal(v)) for v in ("", "95%", "100%")]
    triples.append(ox.Triple(s, ox.NamedNode("http://e/q"), ox.Literal("")))  # alone: kept before too
    body = serialize_description(triples, FORMATS_BY_NAME["jsonld-compacted"], {"e": "http://e/"}, "http://e/s")
    back = {q.triple for q in ox.parse(body, format=ox.RdfFormat.JSON_LD)}
    assert back == set(triples)
