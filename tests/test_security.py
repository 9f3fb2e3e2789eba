"""What docs/security.md promises and no other test checks: text from queries and from
the data is escaped in HTML pages, results are never sniffed as HTML, and a query can
read no local file through any IRI."""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetkg.service import close_app, create_app
from budgetkg.store import OxigraphStore

PAYLOAD = "<script>alert('x')</script>"
FIXTURE = Path(__file__).parent / "fixtures" / "small.trig"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("security") / "data"
    trig = (
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "<https://budgetkg.example.org/id/graph/evil> {\n"
        f"  <https://budgetkg.example.org/id/evil> rdfs:label \"{PAYLOAD}\" ;\n"
        f"      rdfs:comment \"\\\"><img src=x onerror=alert(1)>\" .\n"
        "}\n"
    )
    with OxigraphStore(folder) as s:
        s.replace_graphs(FIXTURE.read_bytes(), "application/trig")
        s.replace_graphs(trig, "application/trig")
    app = create_app({"data_dir": folder, "workers": 1})
    yield app
    close_app(app)


def test_data_is_escaped_in_html_pages(app):
    r = app.test_client().get("/id/evil", headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.mimetype == "text/html"
    body = r.get_data(as_text=True)
    assert PAYLOAD not in body and "<img src=x" not in body
    assert "&lt;script&gt;" in body


@pytest.mark.parametrize("path", ["/search?q=" + PAYLOAD, "/id/%3Cscript%3Ealert(1)%3C/script%3E"])
def test_request_text_is_escaped_in_html_pages(app, path):
    r = app.test_client().get(path, headers={"Accept": "text/html"})
    body = r.get_data(as_text=True)
    assert "<script>alert" not in body


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml"])
def test_results_are_never_sniffed_as_html(app, fmt):
    q = f'SELECT ?x WHERE {{ BIND("{PAYLOAD}" AS ?x) }}'
    r = app.test_client().get("/sparql", query_string={"query": q, "format": fmt})
    assert r.status_code == 200 and r.mimetype != "text/html"
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_errors_do_not_echo_html(app):
    r = app.test_client().get("/sparql", query_string={"query": PAYLOAD})
    assert r.status_code == 400 and r.mimetype == "application/json"
    assert r.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("iri", ["file:///etc/passwd", "file:///proc/self/environ", "http://127.0.0.1:9/x"])
def test_no_iri_reads_a_local_file_or_the_network(app, iri):
    client = app.test_client()
    for q in (f"SELECT * FROM <{iri}> WHERE {{ ?s ?p ?o }}",
              f"SELECT * WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}",
              f"DESCRIBE <{iri}>"):
        r = client.get("/sparql", query_string={"query": q, "format": "json" if "DESCRIBE" not in q else "ntriples"})
        assert r.status_code == 200
        assert b"root:" not in r.data and r.data.count(b"\n") <= 2, r.data[:200]
    r = client.get("/sparql", query_string={"query": f"LOAD <{iri}>"})
    assert r.status_code == 403
