"""The /sparql endpoint speaks the SPARQL 1.1 Protocol (in-process client)."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from conftest_virtuoso import BACKENDS, app_on_backend

from budgetkg.service import close_app
from budgetkg.store import OxigraphStore

FIXTURE = Path(__file__).parent / "fixtures" / "small.trig"
ID = "https://budgetkg.example.org/id/"
BK = "https://budgetkg.example.org/ontology#"
G2021, G2022 = ID + "graph/doc2021", ID + "graph/doc2022"
PROJECTS = f"SELECT ?p WHERE {{ ?p a <{BK}Project> }} ORDER BY ?p"
CONSTRUCT = f"CONSTRUCT {{ ?p <{BK}total> ?t }} WHERE {{ ?p <{BK}total> ?t }}"
ALL_PROJECTS = [ID + "project/p1/2021", ID + "project/p1/2022", ID + "project/p2/2022"]


def make_store(folder: Path) -> Path:
    with OxigraphStore(folder) as s:
        s.replace_graphs(FIXTURE.read_bytes(), "application/trig")
    return folder


@pytest.fixture(scope="module", params=BACKENDS)
def app(request, tmp_path_factory):
    # Every check runs on the embedded store and in front of a remote one (Virtuoso).
    app = app_on_backend(request, tmp_path_factory, FIXTURE.read_bytes(), {"workers": 1, "query_timeout": 10})
    yield app
    close_app(app)


@pytest.fixture
def client(app):
    return app.test_client()


def bindings(response, var="p"):
    assert response.status_code == 200, response.data
    return [b[var]["value"] for b in response.get_json()["results"]["bindings"]]


def assert_error(response, status):
    assert response.status_code == status, response.data
    assert response.mimetype == "application/json"
    err = response.get_json()["error"]
    assert err["status"] == status and err["title"] and err["detail"]
    return err


# -- the three ways to send a query ------------------------------------------------


def test_get(client):
    r = client.get("/sparql", query_string={"query": PROJECTS})
    assert r.mimetype == "application/sparql-results+json"
    assert bindings(r) == ALL_PROJECTS


def test_post_form(client):
    r = client.post("/sparql", data={"query": PROJECTS})
    assert bindings(r) == ALL_PROJECTS


def test_post_direct(client):
    r = client.post("/sparql", data=PROJECTS.encode(), content_type="application/sparql-query; charset=utf-8")
    assert bindings(r) == ALL_PROJECTS


def test_post_direct_non_ascii(client):
    q = 'SELECT ?p WHERE { ?p <http://www.w3.org/2000/01/rdf-schema#label> "就业补助"@zh }'
    r = client.post("/sparql", data=q.encode("utf-8"), content_type="application/sparql-query")
    assert bindings(r) == [ID + "project/p2/2022"]


# -- the dataset -------------------------------------------------------------------


def test_default_graph_uri(client):
    r = client.get("/sparql", query_string={"query": PROJECTS, "default-graph-uri": G2021})
    assert bindings(r) == [ID + "project/p1/2021"]
    both = client.get("/sparql", query_string=[("query", PROJECTS), ("default-graph-uri", G2021),
                                               ("default-graph-uri", G2022)])
    assert bindings(both) == ALL_PROJECTS


def test_named_graph_uri(client):
    q = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    r = client.post("/sparql", data={"query": q, "named-graph-uri": G2022})
    assert bindings(r, "g") == [G2022]
    # dataset parameters in the URL of a direct POST
    r = client.post(f"/sparql?named-graph-uri={G2021}", data=q, content_type="application/sparql-query")
    assert bindings(r, "g") == [G2021]


def test_from_in_the_query(client):
    q = f"SELECT ?p FROM <{G2022}> WHERE {{ ?p a <{BK}Project> }} ORDER BY ?p"
    assert bindings(client.get("/sparql", query_string={"query": q})) == ALL_PROJECTS[1:]


def test_ask(client):
    r = client.get("/sparql", query_string={"query": f"ASK {{ ?p a <{BK}Project> }}"})
    assert r.status_code == 200 and r.get_json() == {"head": {}, "boolean": True}


# -- result formats ----------------------------------------------------------------

SELECT_FORMATS = [
    ("json", "application/sparql-results+json"),
    ("xml", "application/sparql-results+xml"),
    ("csv", "text/csv"),
    ("tsv", "text/tab-separated-values"),
]


def parse_projects(mimetype: str, body: bytes) -> list[str]:
    text = body.decode("utf-8")
    if mimetype.endswith("json"):
        return [b["p"]["value"] for b in json.loads(text)["results"]["bindings"]]
    if mimetype.endswith("xml"):
        ns = {"r": "http://www.w3.org/2005/sparql-results#"}
        return [e.text for e in ET.fromstring(text).findall(".//r:binding/r:uri", ns)]
    if mimetype == "text/csv":
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == ["p"]
        return [r[0] for r in rows[1:]]
    lines = text.splitlines()
    assert lines[0] == "?p"
    return [line.strip("<>") for line in lines[1:]]


@pytest.mark.parametrize(("name", "mimetype"), SELECT_FORMATS)
def test_select_formats_by_accept_and_by_parameter(client, name, mimetype):
    by_accept = client.get("/sparql", query_string={"query": PROJECTS}, headers={"Accept": mimetype})
    by_param = client.get("/sparql", query_string={"query": PROJECTS, "format": name})
    for r in (by_accept, by_param):
        assert r.status_code == 200 and r.mimetype == mimetype
        assert parse_projects(mimetype, r.data) == ALL_PROJECTS
    assert "Accept" in by_accept.headers["Vary"]


GRAPH_FORMATS = [
    ("turtle", "text/turtle", "turtle"),
    ("ntriples", "application/n-triples", "nt"),
    ("jsonld", "application/ld+json", "json-ld"),
    ("rdfxml", "application/rdf+xml", "xml"),
]


@pytest.mark.parametrize(("name", "mimetype", "rdflib_format"), GRAPH_FORMATS)
def test_construct_formats_by_accept_and_by_parameter(client, name, mimetype, rdflib_format):
    by_accept = client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": mimetype})
    by_param = client.post("/sparql", data={"query": CONSTRUCT, "format": name})
    for r in (by_accept, by_param):
        assert r.status_code == 200 and r.mimetype == mimetype, r.data
        g = rdflib.Graph().parse(data=r.data, format=rdflib_format)
        totals = {str(s): float(o) for s, _, o in g}
        assert totals == {ALL_PROJECTS[0]: 500.0, ALL_PROJECTS[1]: 886.7, ALL_PROJECTS[2]: 120.0}


def test_describe_is_a_graph(client):
    r = client.get("/sparql", query_string={"query": f"DESCRIBE <{ALL_PROJECTS[2]}>"})
    assert r.status_code == 200 and r.mimetype == "text/turtle"
    assert len(rdflib.Graph().parse(data=r.data, format="turtle")) == 4


def test_q_values_pick_the_preferred_format(client):
    r = client.get("/sparql", query_string={"query": PROJECTS},
                   headers={"Accept": "text/csv;q=0.5, application/sparql-results+xml"})
    assert r.mimetype == "application/sparql-results+xml"
    r = client.get("/sparql", query_string={"query": PROJECTS},
                   headers={"Accept": "application/sparql-results+json;q=0.1, text/tab-separated-values;q=0.9"})
    assert r.mimetype == "text/tab-separated-values"
    r = client.get("/sparql", query_string={"query": CONSTRUCT},
                   headers={"Accept": "text/turtle;q=0.2, application/n-triples;q=0.8, */*;q=0.1"})
    assert r.mimetype == "application/n-triples"


def test_format_parameter_beats_accept(client):
    r = client.get("/sparql", query_string={"query": PROJECTS, "format": "csv"},
                   headers={"Accept": "application/sparql-results+xml"})
    assert r.mimetype == "text/csv"


def test_nothing_acceptable_is_406(client):
    r = client.get("/sparql", query_string={"query": PROJECTS}, headers={"Accept": "image/png"})
    assert "application/sparql-results+json" in assert_error(r, 406)["detail"]
    r = client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": "text/csv"})
    assert_error(r, 406)


def test_unknown_format_parameter_is_400(client):
    r = client.get("/sparql", query_string={"query": PROJECTS, "format": "yaml"})
    assert "csv" in assert_error(r, 400)["detail"]


# -- service description -----------------------------------------------------------

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")


def test_service_description(client):
    r = client.get("/sparql")
    assert r.status_code == 200 and r.mimetype == "text/turtle"
    g = rdflib.Graph().parse(data=r.data, format="turtle")
    service = g.value(predicate=rdflib.RDF.type, object=SD.Service)
    assert g.value(service, SD.endpoint) == rdflib.URIRef("http://localhost/sparql")
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in g
    assert (service, SD.feature, SD.UnionDefaultGraph) in g
    assert (service, SD.resultFormat, rdflib.URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON")) in g
    dataset = g.value(service, SD.defaultDataset)
    assert g.value(dataset, SD.defaultGraph) is not None
    names = {str(g.value(ng, SD.name)) for ng in g.objects(dataset, SD.namedGraph)}
    assert names == {G2021, G2022, ID + "graph/vocabulary"}


def test_service_description_is_negotiated(client):
    r = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert r.mimetype == "application/ld+json"
    g = rdflib.Graph().parse(data=r.data, format="json-ld")
    assert (None, SD.supportedLanguage, SD.SPARQL11Query) in g
    assert client.get("/sparql?format=ntriples").mimetype == "application/n-triples"


# -- headers: caching, CORS --------------------------------------------------------


def test_etag_allows_conditional_requests(client):
    r = client.get("/sparql", query_string={"query": PROJECTS})
    etag = r.headers["ETag"]
    again = client.get("/sparql", query_string={"query": PROJECTS}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other = client.get("/sparql", query_string={"query": PROJECTS, "format": "csv"}, headers={"If-None-Match": etag})
    assert other.status_code == 200


def test_cors_headers_and_preflight(client):
    r = client.get("/sparql", query_string={"query": PROJECTS}, headers={"Origin": "https://example.com"})
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-Results-Truncated" in r.headers["Access-Control-Expose-Headers"]
    pre = client.options("/sparql", headers={"Origin": "https://example.com",
                                             "Access-Control-Request-Method": "POST"})
    assert pre.status_code == 200
    assert "POST" in pre.headers["Access-Control-Allow-Methods"]
    # errors carry CORS headers too, so browser scripts can read them
    err = client.get("/sparql", query_string={"query": "SELEC"})
    assert err.headers["Access-Control-Allow-Origin"] == "*"


# -- the row cap -------------------------------------------------------------------


@pytest.fixture(scope="module", params=BACKENDS)
def capped(request, tmp_path_factory):
    app = app_on_backend(request, tmp_path_factory, FIXTURE.read_bytes(),
                         {"workers": 0, "max_rows": 2, "cors_origin": ""})
    yield app.test_client()
    close_app(app)


@pytest.mark.parametrize(("name", "mimetype"), SELECT_FORMATS)
def test_row_cap_truncates_and_says_so(capped, name, mimetype):
    r = capped.get("/sparql", query_string={"query": PROJECTS, "format": name})
    assert r.status_code == 200
    assert r.headers["X-Results-Truncated"] == "true" and r.headers["X-Results-Limit"] == "2"
    assert parse_projects(mimetype, r.data) == ALL_PROJECTS[:2]
    assert "Access-Control-Allow-Origin" not in r.headers  # cors_origin "" turns CORS off


def test_row_cap_on_graphs_and_no_flag_when_complete(capped):
    r = capped.get("/sparql", query_string={"query": CONSTRUCT})
    assert r.headers["X-Results-Truncated"] == "true"
    assert len(rdflib.Graph().parse(data=r.data, format="turtle")) == 2
    r = capped.get("/sparql", query_string={"query": PROJECTS + " LIMIT 2"})
    assert "X-Results-Truncated" not in r.headers and len(bindings(r)) == 2


def test_capped_results_are_byte_identical_to_pyoxigraph(capped):
    # The cap re-serializes the kept rows; the bytes must be what pyoxigraph writes.
    q = "SELECT ?s ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?s ?l LIMIT 2"
    store = ox.Store()
    store.load(FIXTURE.read_bytes(), format=ox.RdfFormat.TRIG)
    for name, fmt in [("json", ox.QueryResultsFormat.JSON), ("xml", ox.QueryResultsFormat.XML),
                      ("tsv", ox.QueryResultsFormat.TSV)]:
        expected = store.query(q, use_default_graph_as_union=True).serialize(format=fmt)
        assert capped.get("/sparql", query_string={"query": q, "format": name}).data == expected


def test_row_cap_keeps_rdf_1_2_terms_exactly(capped):
    if capped.application.extensions["budgetkg"].store.shared:
        pytest.skip("RDF 1.2 terms (STRLANGDIR, triple terms): the embedded engine only")
    q = ('SELECT ?x ?t WHERE { BIND(STRLANGDIR("x", "ar", "rtl") AS ?x) '
         'BIND(<<( <http://a> <http://b> "c"@en )>> AS ?t) }')
    expected = ox.Store().query(q).serialize(format=ox.QueryResultsFormat.JSON)
    r = capped.get("/sparql", query_string={"query": q})
    assert r.data == expected and b'"its:dir":"rtl"' in r.data
