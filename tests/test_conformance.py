"""What real clients send and expect, at the HTTP level (issue #18): descriptions that
claim only what the data says, relative IRIs, format names of common clients, Accept
types with parameters, ``text/*``, CR and control characters in XML, CSV quoting.

Answers are read with independent parsers (rdflib, ElementTree, the csv module).
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
import rdflib
from rdflib.namespace import RDF
from web_seed import seeded_data_dir

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
JSONLD = "http://www.w3.org/ns/json-ld#"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from budgetkg.service import close_app, create_app

    app = create_app({"data_dir": seeded_data_dir(tmp_path_factory), "workers": 1})
    yield app
    close_app(app)


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


def select(client, query: str) -> list[dict]:
    r = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.data
    return r.get_json()["results"]["bindings"]


@pytest.fixture(scope="module")
def sample_iris(client) -> list[str]:
    """One resource of every type in the data, and every named graph."""
    typed = select(client, "SELECT ?t (SAMPLE(?s) AS ?x) WHERE { ?s a ?t FILTER(isIRI(?s)) } GROUP BY ?t")
    graphs = select(client, "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
    iris = sorted({b["x"]["value"] for b in typed} | {b["g"]["value"] for b in graphs})
    assert len(iris) > 10
    return iris


# -- 1. a description states only the types the data gives ------------------------


def test_every_type_in_a_description_is_in_the_data(client, sample_iris):
    graphs = {b["g"]["value"] for b in select(client, "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")}
    for iri in sample_iris:
        r = client.get("/resource", query_string={"iri": iri}, headers={"Accept": "application/n-triples"})
        assert r.status_code == 200, (iri, r.data)
        g = rdflib.Graph().parse(data=r.data, format="nt")
        for t in g.objects(rdflib.URIRef(iri), RDF.type):
            if t == SD.Graph and iri in graphs:  # a named graph of the store is described as one
                continue
            ask = client.get("/sparql", query_string={"query": f"ASK {{ <{iri}> a <{t}> }}"},
                             headers={"Accept": "application/sparql-results+json"})
            assert ask.get_json()["boolean"], f"the description of <{iri}> says it is a <{t}>; the data does not"


def test_a_named_graph_is_described_with_its_size(client):
    g_iri = select(client, "SELECT ?g WHERE { GRAPH ?g { } } LIMIT 1")[0]["g"]["value"]
    r = client.get("/resource", query_string={"iri": g_iri}, headers={"Accept": "application/n-triples"})
    g = rdflib.Graph().parse(data=r.data, format="nt")
    assert (rdflib.URIRef(g_iri), RDF.type, SD.Graph) in g
    assert int(g.value(rdflib.URIRef(g_iri), rdflib.URIRef("http://rdfs.org/ns/void#triples"))) > 0


# -- 2. relative IRIs resolve against the endpoint -----------------------------------


def test_relative_iris_resolve_against_the_endpoint(client):
    # W3C protocol test query_content_type_construct
    r = client.post("/sparql", data="CONSTRUCT { <s> <p> 1 } WHERE {}", content_type="application/sparql-query",
                    headers={"Accept": "application/n-triples"})
    assert r.status_code == 200, r.data
    g = rdflib.Graph().parse(data=r.data, format="nt")
    assert set(g) == {(rdflib.URIRef("http://localhost/s"), rdflib.URIRef("http://localhost/p"), rdflib.Literal(1))}


def test_a_base_of_the_query_wins(client):
    r = client.get("/sparql", query_string={"query": "BASE <http://example.org/x/> SELECT ?i { BIND(<y> AS ?i) }"})
    assert r.get_json()["results"]["bindings"][0]["i"]["value"] == "http://example.org/x/y"


def test_syntax_errors_still_point_at_the_query(client):
    r = client.get("/sparql", query_string={"query": "SELECT ?x\nWHERE { ?x ?y }"})
    assert r.status_code == 400
    assert "at line 2, column" in r.get_json()["error"]["detail"]  # the line of the user's text, not ours


# -- 4. format names common clients send ---------------------------------------------

CONSTRUCT = "CONSTRUCT { ?s a ?t } WHERE { ?s a ?t } LIMIT 3"


@pytest.mark.parametrize("params, mimetype", [
    ({"format": ["rdf+xml", "application/rdf+xml"], "output": "rdf+xml", "results": "rdf+xml"}, "application/rdf+xml"),
    ({"format": "n3", "output": "n3", "results": "n3"}, "text/turtle"),
    ({"format": "xml"}, "application/rdf+xml"),
    ({"format": ["json-ld", "application/ld+json"]}, "application/ld+json"),
    ({"output": "turtle"}, "text/turtle"),
    ({"format": "", "output": "nt"}, "application/n-triples"),
])
def test_graph_format_names_of_clients(client, params, mimetype):
    r = client.get("/sparql", query_string={"query": CONSTRUCT, **params})
    assert r.status_code == 200, r.data
    assert r.mimetype == mimetype


@pytest.mark.parametrize("params, mimetype", [
    ({"format": ["tsv", "text/tab-separated-values"], "output": "tsv"}, "text/tab-separated-values"),
    ({"output": "json"}, "application/sparql-results+json"),
    ({"output": "xml"}, "application/sparql-results+xml"),
    ({"results": "csv"}, "text/csv"),
])
def test_result_format_names_of_clients(client, params, mimetype):
    r = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1", **params})
    assert r.status_code == 200, r.data
    assert r.mimetype == mimetype


# -- 5. Accept types with parameters -------------------------------------------------


@pytest.mark.parametrize("accept, mimetype", [
    ("text/turtle; charset=utf-8", "text/turtle"),
    ('text/turtle;charset="UTF-8"', "text/turtle"),
    ("application/n-triples; charset=utf-8", "application/n-triples"),
    ('application/ld+json; profile="http://www.w3.org/ns/json-ld#expanded"', "application/ld+json"),
    ('application/ld+json; profile="http://example.org/my-context"', "application/ld+json"),  # unknown: ignored
    ("text/turtle; charset=iso-8859-1, application/n-triples;q=0.5", "application/n-triples"),  # not latin-1
    ("application/rdf+xml; q=0.9; foo=bar", "application/rdf+xml"),
])
def test_accept_parameters_on_construct(client, accept, mimetype):
    r = client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": accept})
    assert r.status_code == 200, r.data
    assert r.mimetype == mimetype and r.mimetype_params.get("charset") == "utf-8"


def test_accept_asking_another_charset_only_is_406(client):
    r = client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": "text/turtle; charset=iso-8859-1"})
    assert r.status_code == 406


def test_select_accept_with_charset(client):
    r = client.get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o } LIMIT 1"},
                   headers={"Accept": "application/sparql-results+json; charset=utf-8"})
    assert r.status_code == 200 and r.mimetype == "application/sparql-results+json"


def _jsonld_nodes(doc):
    return doc["@graph"] if isinstance(doc, dict) and "@graph" in doc else doc if isinstance(doc, list) else [doc]


def test_jsonld_profiles(client):
    query = "CONSTRUCT { ?s a ?t ; <http://www.w3.org/2000/01/rdf-schema#label> ?l } WHERE { ?s a ?t ; <http://www.w3.org/2000/01/rdf-schema#label> ?l } LIMIT 20"
    answers = {}
    for form in ("expanded", "compacted", "flattened"):
        r = client.get("/sparql", query_string={"query": query},
                       headers={"Accept": f'application/ld+json; profile="{JSONLD}{form}"'})
        assert r.status_code == 200, r.data
        assert r.mimetype == "application/ld+json"
        answers[form] = r
        # same triples whichever the form
        assert rdflib.Graph().parse(data=r.data, format="json-ld").isomorphic(
            rdflib.Graph().parse(data=answers["expanded"].data, format="json-ld"))
    expanded = json.loads(answers["expanded"].data)
    assert isinstance(expanded, list) and "@context" not in json.dumps(expanded)
    compacted = json.loads(answers["compacted"].data)
    assert "@context" in compacted and f"{JSONLD}compacted" in answers["compacted"].headers["Content-Type"]
    flattened = json.loads(answers["flattened"].data)
    ids = [n["@id"] for n in _jsonld_nodes(flattened)]
    assert len(ids) == len(set(ids)), "flattened: one node object per subject"
    assert f"{JSONLD}flattened" in answers["flattened"].headers["Content-Type"]


def test_accept_parameters_on_resources(client, sample_iris):
    iri = sample_iris[0]
    for accept, mimetype in [("text/turtle; charset=utf-8", "text/turtle"),
                             ('application/ld+json; profile="http://www.w3.org/ns/json-ld#compacted"', "application/ld+json"),
                             ("text/html; charset=utf-8", "text/html")]:
        r = client.get("/resource", query_string={"iri": iri}, headers={"Accept": accept})
        assert r.status_code == 200, (accept, r.data)
        assert r.mimetype == mimetype
        if mimetype == "application/ld+json":
            assert "@context" in json.loads(r.data)


# -- 6. text/* ----------------------------------------------------------------------


@pytest.mark.parametrize("accept", ["text/*", "text/*, application/xml;q=0.5", "text/*;q=0.9, */*;q=0.1"])
def test_text_star_on_select_is_csv_or_tsv(client, accept):
    r = client.get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o } LIMIT 1"}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.mimetype in ("text/csv", "text/tab-separated-values")


def test_an_alias_media_type_is_answered_as_asked(client):
    r = client.get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o } LIMIT 1"}, headers={"Accept": "text/xml"})
    assert r.status_code == 200 and r.mimetype == "text/xml"
    ET.fromstring(r.data)


# -- 7. XML: carriage returns and characters XML cannot carry ---------------------


def test_carriage_return_survives_xml_results(client):
    r = client.get("/sparql", query_string={"query": 'SELECT ?x { BIND("a\\rb" AS ?x) }'},
                   headers={"Accept": "application/sparql-results+xml"})
    lit = ET.fromstring(r.data).find(".//{http://www.w3.org/2005/sparql-results#}literal")
    assert lit.text == "a\rb"


def test_carriage_return_survives_rdfxml(client):
    r = client.get("/sparql", query_string={"query": 'CONSTRUCT { <http://x/s> <http://x/p> ?x } WHERE { BIND("a\\rb" AS ?x) }'},
                   headers={"Accept": "application/rdf+xml"})
    assert [str(o) for o in rdflib.Graph().parse(data=r.data, format="xml").objects()] == ["a\rb"]


@pytest.mark.parametrize("accept", ["application/sparql-results+xml", "application/rdf+xml"])
def test_control_character_in_xml_is_a_clear_406(client, accept):
    form = "SELECT ?x {" if "results" in accept else "CONSTRUCT { <http://x/s> <http://x/p> ?x } WHERE {"
    r = client.get("/sparql", query_string={"query": form + ' BIND("a\\u0001b" AS ?x) }'}, headers={"Accept": accept})
    assert r.status_code == 406, r.data
    err = r.get_json()["error"]
    assert "U+0001" in err["detail"] and "XML" in err["detail"]
    ok = client.get("/sparql", query_string={"query": form + ' BIND("a\\u0001b" AS ?x) }'},
                    headers={"Accept": "application/json, application/ld+json"})
    assert ok.status_code == 200


# -- 8. CSV ------------------------------------------------------------------------


def test_csv_quotes_an_iri_with_a_comma(client):
    r = client.get("/sparql", query_string={"query": 'SELECT ?i ?l { BIND(IRI("http://example.org/a,b") AS ?i) BIND("x" AS ?l) }'},
                   headers={"Accept": "text/csv"})
    assert list(csv.reader(io.StringIO(r.data.decode(), newline=""))) == [["i", "l"], ["http://example.org/a,b", "x"]]


def test_resource_jsonld_forms(client, sample_iris):
    # a resource's JSON-LD document is compacted; a profile asks for another form
    iri = sample_iris[0]
    plain = client.get("/resource", query_string={"iri": iri}, headers={"Accept": "application/ld+json"})
    assert "@context" in json.loads(plain.data) and f"{JSONLD}compacted" in plain.headers["Content-Type"]
    expanded = client.get("/resource", query_string={"iri": iri},
                          headers={"Accept": f'application/ld+json; profile="{JSONLD}expanded"'})
    doc = json.loads(expanded.data)
    assert isinstance(doc, list) and "@context" not in expanded.data.decode()
    assert "compacted" not in expanded.headers["Content-Type"]
    for r in (plain, expanded):
        assert rdflib.Graph().parse(data=r.data, format="json-ld").isomorphic(
            rdflib.Graph().parse(data=plain.data, format="json-ld"))
