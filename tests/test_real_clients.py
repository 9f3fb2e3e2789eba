"""Third-party clients against a live server on a loopback port: SPARQLWrapper in every
return format it offers, rdflib's SPARQLStore, and Raptor's ``rapper`` reading the RDF/XML
and Turtle the service writes (answers to CONSTRUCT and dereferenced resources).

The data is the seed; awkward values (a carriage return, a comma in an IRI, Chinese
text) come from BIND so that every client meets them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.request
import warnings
import xml.dom.minidom

import pytest
import rdflib
from conftest import live_server
from skip_policy import missing_tool
from web_seed import seeded_data_dir

SPARQLWrapper = pytest.importorskip("SPARQLWrapper")
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDF, RDFXML, TSV, TURTLE, XML  # noqa: E402
from SPARQLWrapper import SPARQLWrapper as Client  # noqa: E402

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SELECT = ('SELECT ?iri ?text ?n WHERE { VALUES (?iri ?text ?n) { '
          '(<http://example.org/a,b> "第一行\\r\\n第二行" 1) (<http://example.org/c> "x,\\"y\\"" 2) } } ORDER BY ?n')
CONSTRUCT = (f'CONSTRUCT {{ ?p <{RDFS_LABEL}> ?l . <http://example.org/a,b> <http://example.org/note> "a\\rb" }} '
             f'WHERE {{ ?p a <https://w3id.org/budgetkg/def/ProjectYear> ; <{RDFS_LABEL}> ?l }} LIMIT 5')
ROWS = [("http://example.org/a,b", "第一行\r\n第二行", "1"), ("http://example.org/c", 'x,"y"', "2")]


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    from budgetkg.service import close_app, create_app

    app = create_app({"data_dir": seeded_data_dir(tmp_path_factory), "workers": 1})
    with live_server(app, threads=4) as url:
        yield url
    close_app(app)


@pytest.fixture
def client(root):
    def make(query: str, fmt: str) -> Client:
        c = Client(root + "/sparql")
        c.setQuery(query)
        c.setReturnFormat(fmt)
        c.setTimeout(30)
        return c
    return make


# -- SPARQLWrapper --------------------------------------------------------------------


def _xml_rows(doc: xml.dom.minidom.Document) -> list[tuple[str, ...]]:
    rows = []
    for result in doc.getElementsByTagName("result"):
        cells = {}
        for b in result.getElementsByTagName("binding"):
            node = next(n for n in b.childNodes if n.nodeType == n.ELEMENT_NODE)
            cells[b.getAttribute("name")] = "".join(t.data for t in node.childNodes)
        rows.append((cells["iri"], cells["text"], cells["n"]))
    return rows


@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select_in_every_format(client, fmt):
    result = client(SELECT, fmt).query()
    assert result.response.status == 200
    data = result.convert()
    if fmt == JSON:
        rows = [(b["iri"]["value"], b["text"]["value"], b["n"]["value"]) for b in data["results"]["bindings"]]
    elif fmt == XML:
        rows = _xml_rows(data)
    elif fmt == CSV:
        import csv
        import io

        table = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
        assert table[0] == ["iri", "text", "n"]
        rows = [tuple(r) for r in table[1:]]
    else:  # TSV: RDF terms in Turtle syntax
        lines = data.decode("utf-8").split("\n")
        assert lines[0] == "?iri\t?text\t?n"
        assert lines[1].startswith("<http://example.org/a,b>\t\"第一行\\r\\n第二行\"")
        rows = ROWS
    assert rows == ROWS


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_sparqlwrapper_ask(client, fmt):
    data = client("ASK { ?s a <https://w3id.org/budgetkg/def/ProjectYear> }", fmt).query().convert()
    value = data["boolean"] if fmt == JSON else data.getElementsByTagName("boolean")[0].firstChild.data == "true"
    assert value is True


@pytest.mark.parametrize("fmt", [TURTLE, N3, XML, RDFXML, RDF, JSONLD])
def test_sparqlwrapper_construct_in_every_format(client, fmt):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        graph = client(CONSTRUCT, fmt).query().convert()
    # SPARQLWrapper warns when it cannot read the answer's content type
    assert not [w for w in caught if "content type" in str(w.message).lower()]
    if not isinstance(graph, rdflib.Graph):  # SPARQLWrapper hands Turtle/N3/JSON-LD back as bytes
        graph = rdflib.Graph().parse(data=graph, format={TURTLE: "turtle", N3: "n3", JSONLD: "json-ld"}[fmt])
    assert len(graph) == 6
    assert (rdflib.URIRef("http://example.org/a,b"), rdflib.URIRef("http://example.org/note"), rdflib.Literal("a\rb")) in graph
    assert any(o.language == "zh" for o in graph.objects(None, rdflib.URIRef(RDFS_LABEL)))


@pytest.mark.parametrize("fmt", [XML, RDFXML, TURTLE, JSONLD])
def test_sparqlwrapper_describe(client, fmt):
    result = client("DESCRIBE <https://budgetkg.example.org/id/department/303>", fmt).query()
    assert result.response.status == 200 and result.convert()


# -- rdflib's SPARQLStore -------------------------------------------------------------


def test_rdflib_sparqlstore(root):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(root + "/sparql", returnFormat="json")
    graph = rdflib.Graph(store=store)
    rows = list(graph.query(SELECT))
    assert [(str(r.iri), str(r.text), int(r.n)) for r in rows] == [(a, b, int(c)) for a, b, c in ROWS]
    assert graph.query("ASK { ?s ?p ?o }").askAnswer is True
    # a CONSTRUCT needs an RDF type in Accept: rdflib sends application/rdf+xml for "xml"
    # (for "json" it accepts SPARQL JSON results only, and gets a 406)
    constructed = rdflib.Graph(store=SPARQLStore(root + "/sparql", returnFormat="xml")).query(CONSTRUCT).graph
    assert len(constructed) == 6
    # triple patterns become SELECT queries of the store
    dept = rdflib.URIRef("https://budgetkg.example.org/id/department/303")
    assert any(o.language == "zh" for o in graph.objects(dept, rdflib.URIRef(RDFS_LABEL)))
    for fmt in ("xml", "csv"):
        other = rdflib.Graph(store=SPARQLStore(root + "/sparql", returnFormat=fmt))
        assert len(list(other.query(SELECT))) == 2


# -- rapper -----------------------------------------------------------------------------

needs_rapper = pytest.mark.skipif(shutil.which("rapper") is None,
                                  reason=missing_tool("rapper", "apt-get install raptor2-utils"))


def get(url: str, accept: str) -> bytes:
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept}), timeout=30) as r:
        assert r.status == 200
        return r.read()


def rapper_count(tmp_path, body: bytes, syntax: str) -> int:
    path = tmp_path / "doc"
    path.write_bytes(body)
    done = subprocess.run(["rapper", "-i", syntax, "-c", str(path), "http://example.org/base"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "error" not in done.stderr.lower(), done.stderr
    return int(done.stderr.split("returned ")[1].split(" triple")[0])


@needs_rapper
@pytest.mark.parametrize("accept, syntax", [("application/rdf+xml", "rdfxml"), ("text/turtle", "turtle"),
                                            ("application/n-triples", "ntriples")])
def test_rapper_reads_construct_answers(root, tmp_path, accept, syntax):
    body = get(root + "/sparql?" + urllib.parse.urlencode({"query": CONSTRUCT}), accept)
    assert rapper_count(tmp_path, body, syntax) == 6


@needs_rapper
@pytest.mark.parametrize("accept, syntax", [("application/rdf+xml", "rdfxml"), ("text/turtle", "turtle")])
def test_rapper_reads_resource_descriptions(root, tmp_path, accept, syntax):
    rows = json.loads(get(root + "/sparql?" + urllib.parse.urlencode(
        {"query": "SELECT ?s WHERE { ?s a ?t FILTER(isIRI(?s)) } LIMIT 40"}), "application/sparql-results+json"))
    for b in rows["results"]["bindings"][::8]:
        iri = b["s"]["value"]
        body = get(root + "/resource?" + urllib.parse.urlencode({"iri": iri}), accept)
        expected = len(rdflib.Graph().parse(data=body, format="xml" if syntax == "rdfxml" else "turtle"))
        assert rapper_count(tmp_path, body, syntax) == expected > 0
