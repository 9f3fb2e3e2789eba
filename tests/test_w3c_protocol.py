"""The W3C SPARQL 1.1 Protocol tests that apply to a read-only endpoint, over real HTTP.

The requests and expectations follow the manifest of the W3C test suite
(w3c/rdf-tests, sparql/sparql11/protocol/manifest.ttl: the ``query_*`` tests and the
``bad_*`` ones; the ``update_*`` tests need a writable endpoint and are replaced here by
the expectation that every update is refused with a 4xx). The data is the suite's: three
graphs ``http://kasei.us/2009/09/sparql/data/data{1,2,3}.rdf``, each typing its own IRI
``foaf:Document``. Each request is sent as written (``http.client``: no header added
but Host and Content-Length), to a live server on a loopback port. The suite's paths
start ``/sparql/``; the endpoint here is ``/sparql``.
"""

from __future__ import annotations

import csv
import http.client
import io
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

import pytest
import rdflib
from conftest import live_server

DATA = "http://kasei.us/2009/09/sparql/data/"
FOAF_DOCUMENT = "http://xmlns.com/foaf/0.1/Document"
D0 = quote(DATA + "data0.rdf", safe="")  # named in some requests, held by no graph
D1, D2, D3 = (quote(DATA + f"data{i}.rdf", safe="") for i in (1, 2, 3))
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
SRX = "{http://www.w3.org/2005/sparql-results#}"


@dataclass(frozen=True)
class Case:
    method: str
    target: str  # path and query string
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    status: int = 2  # expected class: 2 (2xx or 3xx, as the suite allows) or 4
    form: str | None = None  # "boolean", "tabular" or "RDF"
    boolean: bool | None = None


def q(text: str) -> str:
    return quote(text, safe="")


ASK_1_AND_2 = f"ASK {{ <{DATA}data1.rdf> a ?type . <{DATA}data2.rdf> a ?type . }}"
ASK_NAMED = f"ASK {{ GRAPH ?g1 {{ <{DATA}data1.rdf> a ?type }} GRAPH ?g2 {{ <{DATA}data2.rdf> a ?type }} }}"
ASK_FULL = (f"ASK {{\n  <{DATA}data3.rdf> a ?type\n  GRAPH ?g1 {{ <{DATA}data1.rdf> a ?type }}\n"
            f"  GRAPH ?g2 {{ <{DATA}data2.rdf> a ?type }}\n}}")
ASK_FROM = (f"ASK FROM <{DATA}data3.rdf> {{ GRAPH ?g1 {{ <{DATA}data1.rdf> a ?type }} "
            f"GRAPH ?g2 {{ <{DATA}data2.rdf> a ?type }} }}")

CASES: dict[str, Case] = {
    "query_post_form": Case("POST", f"/sparql?default-graph-uri={D0}", {"Content-Type": FORM},
                            b"query=ASK%20%7B%7D", form="boolean", boolean=True),
    "query_dataset_default_graphs_get": Case(
        "GET", f"/sparql?query={q(ASK_1_AND_2)}&default-graph-uri={D1}&default-graph-uri={D2}",
        form="boolean", boolean=True),
    "query_dataset_default_graphs_post": Case(
        "POST", f"/sparql?default-graph-uri={D1}&default-graph-uri={D2}", {"Content-Type": DIRECT},
        ASK_1_AND_2.encode(), form="boolean", boolean=True),
    "query_dataset_named_graphs_post": Case(
        "POST", f"/sparql?named-graph-uri={D1}&named-graph-uri={D2}", {"Content-Type": DIRECT},
        ASK_NAMED.encode(), form="boolean", boolean=True),
    "query_dataset_named_graphs_get": Case(
        "GET", f"/sparql?query={q(ASK_NAMED)}&named-graph-uri={D1}&named-graph-uri={D2}",
        form="boolean", boolean=True),
    "query_dataset_full": Case(
        "POST", f"/sparql?default-graph-uri={D3}&named-graph-uri={D1}&named-graph-uri={D2}",
        {"Content-Type": DIRECT}, ASK_FULL.encode(), form="boolean", boolean=True),
    "query_multiple_dataset": Case(
        "POST", f"/sparql?named-graph-uri={D1}&named-graph-uri={D2}", {"Content-Type": DIRECT},
        ASK_FROM.encode(), form="boolean", boolean=True),
    "query_get": Case("GET", f"/sparql?query=ASK%20%7B%7D&default-graph-uri={D0}", form="boolean", boolean=True),
    "query_content_type_select": Case("POST", f"/sparql?default-graph-uri={D0}", {"Content-Type": DIRECT},
                                      b"SELECT (1 AS ?value) {}", form="tabular"),
    "query_content_type_ask": Case("POST", f"/sparql?default-graph-uri={D0}", {"Content-Type": DIRECT},
                                   b"ASK {}", form="boolean"),
    "query_content_type_describe": Case("POST", f"/sparql?default-graph-uri={D0}", {"Content-Type": DIRECT},
                                        b"DESCRIBE <http://example.org/>", form="RDF"),
    "query_content_type_construct": Case("POST", f"/sparql?default-graph-uri={D0}", {"Content-Type": DIRECT},
                                         b"CONSTRUCT { <s> <p> 1 } WHERE {}", form="RDF"),
    "query_post_direct": Case("POST", "/sparql", {"Content-Type": DIRECT}, b"ASK {}", form="boolean", boolean=True),
    "bad_query_method": Case("PUT", f"/sparql?query=ASK%20%7B%7D&default-graph-uri={D0}", {"Content-Type": FORM},
                             status=4),
    "bad_multiple_queries": Case("GET", "/sparql?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D", status=4),
    "bad_query_wrong_media_type": Case("POST", "/sparql", {"Content-Type": "text/plain"}, b"ASK {}", status=4),
    "bad_query_missing_form_type": Case("POST", "/sparql", {}, b"query=ASK%20%7B%7D", status=4),
    "bad_query_missing_direct_type": Case("POST", "/sparql", {}, b"ASK {}", status=4),
    "bad_query_non_utf8": Case("POST", "/sparql", {"Content-Type": "application/sparql-query; charset=UTF-16"},
                               "ASK {}".encode("utf-16"), status=4),
    "bad_query_syntax": Case("GET", "/sparql?query=ASK%20%7B", status=4),
    # The update tests, on a read-only endpoint: each must be refused, never run.
    "bad_update_get": Case("GET", "/sparql?update=" + q("CLEAR ALL"), status=4),
    "bad_multiple_updates": Case("POST", "/sparql", {"Content-Type": FORM},
                                 ("update=" + q("CLEAR NAMED") + "&update=" + q("CLEAR DEFAULT")).encode(), status=4),
    "bad_update_wrong_media_type": Case("POST", "/sparql", {"Content-Type": "text/plain"},
                                        b"CLEAR NAMED", status=4),
    "bad_update_missing_form_type": Case("POST", "/sparql", {}, ("update=" + q("CLEAR NAMED")).encode(), status=4),
    "bad_update_non_utf8": Case("POST", "/sparql", {"Content-Type": "application/sparql-update; charset=UTF-16"},
                                "CLEAR NAMED".encode("utf-16"), status=4),
    "bad_update_syntax": Case("POST", "/sparql", {"Content-Type": "application/sparql-update"},
                              b"INSERT DATA { <s> <p> }", status=4),
    "bad_update_dataset_conflict": Case(
        "POST", f"/sparql?using-named-graph-uri={D1}", {"Content-Type": "application/sparql-update"},
        f"DELETE {{ GRAPH <{DATA}data1.rdf> {{ ?s ?p ?o }} }} USING NAMED <{DATA}data2.rdf> WHERE {{ ?s ?p ?o }}".encode(),
        status=4),
    "update_post_form": Case("POST", "/sparql", {"Content-Type": FORM},
                             ("update=" + q(f"CLEAR GRAPH <{DATA}data1.rdf>")).encode(), status=4),
    "update_post_direct": Case("POST", "/sparql", {"Content-Type": "application/sparql-update"},
                               f"CLEAR GRAPH <{DATA}data1.rdf>".encode(), status=4),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from budgetkg.service import close_app, create_app
    from budgetkg.store import OxigraphStore

    folder = tmp_path_factory.mktemp("w3c") / "data"
    trig = "".join(f"<{DATA}data{i}.rdf> {{ <{DATA}data{i}.rdf> a <{FOAF_DOCUMENT}> . }}\n" for i in (1, 2, 3))
    with OxigraphStore(folder) as store:
        store.replace_graphs(trig.encode(), "application/trig")
    app = create_app({"data_dir": folder, "workers": 1})
    with live_server(app, threads=2) as url:
        yield urlsplit(url)
    close_app(app)


def send(server, case: Case) -> tuple[int, str, bytes]:
    conn = http.client.HTTPConnection(server.hostname, server.port, timeout=30)
    try:
        conn.putrequest(case.method, case.target, skip_accept_encoding=True)
        for name, value in case.headers.items():
            conn.putheader(name, value)
        if case.body is not None:
            conn.putheader("Content-Length", str(len(case.body)))
        conn.endheaders(case.body)
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        conn.close()


def read_boolean(ctype: str, body: bytes) -> bool:
    if ctype.startswith(("application/sparql-results+json", "application/json")):
        return json.loads(body)["boolean"]
    if ctype.startswith(("application/sparql-results+xml", "application/xml", "text/xml")):
        return ET.fromstring(body).find(SRX + "boolean").text == "true"
    raise AssertionError(f"not a boolean result format: {ctype}")


def read_tabular(ctype: str, body: bytes) -> list[dict[str, str]]:
    if ctype.startswith(("application/sparql-results+json", "application/json")):
        return [{k: v["value"] for k, v in b.items()} for b in json.loads(body)["results"]["bindings"]]
    if ctype.startswith(("application/sparql-results+xml", "application/xml", "text/xml")):
        return [{b.get("name"): b[0].text for b in r} for r in ET.fromstring(body).iter(SRX + "result")]
    if ctype.startswith("text/csv"):
        return list(csv.DictReader(io.StringIO(body.decode("utf-8"), newline="")))
    if ctype.startswith("text/tab-separated-values"):
        rows = [line.split("\t") for line in body.decode("utf-8").splitlines()]
        return [{k.lstrip("?"): v for k, v in zip(rows[0], row)} for row in rows[1:]]
    raise AssertionError(f"not a tabular result format: {ctype}")


RDF_PARSERS = {"application/rdf+xml": "xml", "text/turtle": "turtle", "application/n-triples": "nt"}


@pytest.mark.parametrize("name", list(CASES))
def test_w3c_protocol(server, name):
    case = CASES[name]
    status, ctype, body = send(server, case)
    if case.status == 4:
        assert 400 <= status < 500, (status, body[:300])
        return
    assert 200 <= status < 400, (status, body[:300])
    if case.form == "boolean":
        value = read_boolean(ctype, body)
        if case.boolean is not None:
            assert value is case.boolean
    elif case.form == "tabular":
        rows = read_tabular(ctype, body)
        assert [r["value"] for r in rows] == ["1"]
    elif case.form == "RDF":
        mimetype = ctype.split(";")[0].strip()
        assert mimetype in RDF_PARSERS, ctype  # RDF/XML, Turtle, N-Triples (or RDFa)
        graph = rdflib.Graph().parse(data=body, format=RDF_PARSERS[mimetype])
        if b"CONSTRUCT" in (case.body or b""):
            [(s, p, o)] = list(graph)  # <s> <p> 1, the relative IRIs resolved against the endpoint
            assert str(s).endswith("/s") and str(p).endswith("/p") and o == rdflib.Literal(1)


def test_no_update_changed_the_data(server):
    for name in CASES:
        if "update" in name:
            send(server, CASES[name])
    status, ctype, body = send(server, Case("GET", "/sparql?query=" + q(
        f"SELECT (COUNT(*) AS ?value) WHERE {{ GRAPH ?g {{ ?s a <{FOAF_DOCUMENT}> }} }}"), {"Accept": "text/csv"}))
    assert status == 200 and read_tabular(ctype, body) == [{"value": "3"}]
