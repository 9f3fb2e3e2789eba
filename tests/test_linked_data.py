"""Dereferenceable IRIs: content negotiation, extensions, 404s, the base-IRI mapping.

Expected facts come from the parsed seed (``read_document``) and the IRI functions of
the loader; RDF answers are parsed with rdflib, an independent parser.
"""

from __future__ import annotations

import re

import pytest
import rdflib
import requests
from conftest import live_server
from rdflib.namespace import RDFS, SKOS
from web_seed import BASE, seeded_data_dir

from budgetkg.loader import iris

BKG = rdflib.Namespace("https://w3id.org/budgetkg/def/")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
#: format name -> (extension, media type asked, media type answered, rdflib parser)
FORMATS = {
    "turtle": (".ttl", "text/turtle", "text/turtle", "turtle"),
    "jsonld": (".jsonld", "application/ld+json", "application/ld+json", "json-ld"),
    "ntriples": (".nt", "application/n-triples", "application/n-triples", "nt"),
    "rdfxml": (".rdf", "application/rdf+xml", "application/rdf+xml", "xml"),
}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from budgetkg.service import close_app, create_app

    app = create_app({"data_dir": seeded_data_dir(tmp_path_factory), "workers": 1})
    yield app
    close_app(app)


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


def path_of(iri: str) -> str:
    if iri.startswith(str(BKG)):  # the permanent vocabulary namespace, documented at /def/
        return "/def/" + iri[len(str(BKG)):]
    assert iri.startswith("https://budgetkg.example.org/")
    return iri[len("https://budgetkg.example.org"):]


@pytest.fixture(scope="module")
def seed_iris(seed_doc):
    """IRIs of each kind, with a fact each must state, from the parsed seed."""
    p = seed_doc.projects[0]  # 就业专项资金: not a carry-over, so it keeps {line}/2022
    line = iris.project_line_iri(BASE, p.department.code, p.name)
    year = iris.project_year_iri(line, seed_doc.year)
    ind = iris.indicator_iri(year, 1)
    concept = iris.indicator_concept_iri(BASE, p.indicators[0].name)
    return {
        "department": (iris.department_iri(BASE, p.department.code), RDFS.label, rdflib.Literal(p.department.name, lang="zh")),
        "unit": (iris.unit_iri(BASE, p.unit.code), RDFS.label, rdflib.Literal(p.unit.name, lang="zh")),
        "line": (line, RDFS.label, rdflib.Literal(p.name, lang="zh")),
        "year": (year, BKG.printedName, rdflib.Literal(p.name)),
        "amount": (iris.amount_iri(year, "total"), BKG.projectYear, year),
        "indicator": (ind, BKG.printedValue, rdflib.Literal(p.indicators[0].value)),
        "target": (iris.target_iri(ind), rdflib.RDF.type, BKG.Target),
        "concept": (concept, SKOS.prefLabel, rdflib.Literal(iris.indicator_name_key(p.indicators[0].name), lang="zh")),
        "ontology-term": (BKG.ProjectYear, RDFS.label, rdflib.Literal("project budget for one year", lang="en")),
    }


KINDS = ["department", "unit", "line", "year", "amount", "indicator", "target", "concept", "ontology-term"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_kind_in_every_format_by_accept_and_by_extension(client, seed_iris, kind, fmt):
    subject, predicate, obj = seed_iris[kind]
    ext, asked, answered, parser = FORMATS[fmt]
    by_accept = client.get(path_of(str(subject)), headers={"Accept": asked})
    by_ext = client.get(path_of(str(subject)) + ext)
    for r in (by_accept, by_ext):
        assert r.status_code == 200, r.data[:300]
        assert r.mimetype == answered
        assert r.headers["Content-Location"].endswith(path_of(str(subject)) + ext)
        g = rdflib.Graph().parse(data=r.data, format=parser)
        assert (subject, predicate, obj) in g
    assert "Accept" in by_accept.headers["Vary"]
    assert by_accept.data == by_ext.data


@pytest.mark.parametrize("kind", KINDS)
def test_browsers_get_html(client, seed_iris, kind):
    subject, _, obj = seed_iris[kind]
    r = client.get(path_of(str(subject)), headers={"Accept": BROWSER_ACCEPT})
    assert r.status_code == 200 and r.mimetype == "text/html"
    assert "Accept" in r.headers["Vary"]
    assert r.headers["Content-Location"].endswith(path_of(str(subject)) + ".html")
    text = r.get_data(as_text=True)
    if isinstance(obj, rdflib.Literal):
        assert str(obj) in text
    assert 'rel="alternate" type="text/turtle"' in text  # the RDF versions are linked
    assert client.get(path_of(str(subject)) + ".html").data == r.data


def test_negotiation_details(client, seed_iris):
    path = path_of(str(seed_iris["department"][0]))
    # q-values decide; */* and a missing Accept header get the HTML page.
    assert client.get(path, headers={"Accept": "text/turtle;q=0.5, application/ld+json"}).mimetype == "application/ld+json"
    assert client.get(path, headers={"Accept": "application/n-triples;q=0.9, text/html;q=0.1"}).mimetype == "application/n-triples"
    assert client.get(path, headers={"Accept": "*/*"}).mimetype == "text/html"
    assert client.get(path).mimetype == "text/html"
    r = client.get(path, headers={"Accept": "image/png"})
    assert r.status_code == 406 and r.json["error"]["status"] == 406
    link = client.get(path + ".ttl").headers["Link"]
    assert f'{path}.jsonld>; rel="alternate"; type="application/ld+json"' in link


def test_description_links_out_and_in_with_labels(client, seed_iris, seed_doc):
    dept = seed_iris["department"][0]
    g = rdflib.Graph().parse(data=client.get(path_of(str(dept)) + ".nt").data, format="nt")
    # Incoming: every project year of the department points to it, and their labels come along.
    linked = set(g.subjects(BKG.department, dept))
    years = {s for s in linked if re.search(r"/\d{4}(/t\d+)?$", str(s))}  # lines link too
    assert len(years) == len(seed_doc.projects)
    assert {str(o) for y in years for o in g.objects(y, RDFS.label)} >= {p.name for p in seed_doc.projects}


def test_unknown_iris_are_404(client):
    for path in ("/id/department/999", "/id/project/303/0000000000000000/2022", "/def/NoSuchTerm", "/id/"):
        html = client.get(path, headers={"Accept": BROWSER_ACCEPT})
        assert html.status_code == 404 and html.mimetype == "text/html"
        assert "未找到" in html.get_data(as_text=True)
        for fmt, (ext, asked, _, _) in FORMATS.items():
            for r in (client.get(path, headers={"Accept": asked}), client.get(path + ext)):
                assert r.status_code == 404, (path, fmt)
                assert r.json["error"]["status"] == 404


def test_any_iri_via_resource_parameter(client, seed_iris):
    subject, predicate, obj = seed_iris["concept"]
    r = client.get("/resource", query_string={"iri": str(subject), "format": "ttl"})
    assert r.status_code == 200 and (subject, predicate, obj) in rdflib.Graph().parse(data=r.data, format="turtle")
    assert client.get("/resource", query_string={"iri": str(subject)}, headers={"Accept": "text/html"}).mimetype == "text/html"
    assert client.get("/resource", query_string={"iri": "http://example.com/nothing", "format": "nt"}).status_code == 404
    assert client.get("/resource", query_string={"iri": "not an iri", "format": "nt"}).status_code == 404
    assert client.get("/resource").status_code == 400
    assert client.get("/resource", query_string={"iri": str(subject), "format": "png"}).status_code == 400


def test_named_graphs_dereference_with_their_size(client):
    g = rdflib.Graph().parse(data=client.get("/id/graph/ontology.ttl").data, format="turtle")
    size = g.value(rdflib.URIRef(BASE + "graph/ontology"), VOID.triples)
    assert size is not None and int(size) > 100


def test_real_http_negotiation(app, seed_iris):
    subject = str(seed_iris["year"][0])
    with live_server(app) as url:
        r = requests.get(url + path_of(subject), headers={"Accept": "text/turtle"}, timeout=10)
        assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")
        assert r.headers["Content-Location"] == url + path_of(subject) + ".ttl"
        assert "Accept" in r.headers["Vary"]
        page = requests.get(url + path_of(subject), headers={"Accept": BROWSER_ACCEPT}, timeout=10)
        assert page.headers["Content-Type"].startswith("text/html") and seed_iris["year"][2] in page.text
        assert requests.get(url + "/id/unit/000000", headers={"Accept": "text/turtle"}, timeout=10).status_code == 404


def test_another_base_iri_is_mapped_by_path(tmp_path, seed_path, seed_doc):
    from budgetkg import pipeline
    from budgetkg.service import close_app, create_app
    from budgetkg.store import OxigraphStore

    base = "https://data.example.gov.cn/budget/id/"
    with OxigraphStore(tmp_path) as store:
        pipeline.load_path(store, seed_path, base=base)
    app = create_app({"data_dir": tmp_path, "workers": 0, "base_iri": base})
    try:
        client = app.test_client()
        dept = iris.department_iri(base, seed_doc.projects[0].department.code)
        r = client.get("/budget/id/department/303.ttl")
        assert r.status_code == 200
        assert (dept, RDFS.label, None) in rdflib.Graph().parse(data=r.data, format="turtle")
        assert client.get("/id/department/303.ttl").status_code == 404  # not the default base
        page = client.get("/budget/id/department/303", headers={"Accept": "text/html"}).get_data(as_text=True)
        assert 'href="/budget/id/project/303/' in page  # links stay on this service
    finally:
        close_app(app)


@pytest.mark.slow
def test_every_iri_dereferences_in_every_format(tmp_path_factory):
    """Walks every IRI of the dataset (subjects, objects, graph names under the served
    namespaces) in HTML and the four RDF formats: about 2,200 IRIs, 11,000 requests."""
    from budgetkg.service import close_app, create_app

    app = create_app({"data_dir": seeded_data_dir(tmp_path_factory), "workers": 0})
    try:
        client = app.test_client()
        query = ("SELECT DISTINCT ?x WHERE { { GRAPH ?g { ?x ?p ?o } } UNION { GRAPH ?g { ?s ?p ?x } } "
                 "UNION { GRAPH ?x { ?a ?b ?c } } FILTER(isIRI(?x) && STRSTARTS(STR(?x), 'https://budgetkg.example.org/')) }")
        r = client.get("/sparql", query_string={"query": query, "format": "json"})
        walk = [b["x"]["value"] for b in r.json["results"]["bindings"]]
        assert len(walk) > 2000 and "X-Results-Truncated" not in r.headers
        failures = []
        for iri in walk:
            path = path_of(iri)
            if client.get(path + ".html").status_code != 200:
                failures.append((iri, "html"))
            for fmt, (ext, _, answered, parser) in FORMATS.items():
                answer = client.get(path + ext)
                if answer.status_code != 200 or answer.mimetype != answered:
                    failures.append((iri, fmt))
                elif fmt == "ntriples":  # the description is about this IRI
                    g = rdflib.Graph().parse(data=answer.data, format=parser)
                    node = rdflib.URIRef(iri)
                    if (node, None, None) not in g and (None, None, node) not in g:
                        failures.append((iri, "not described"))
        assert not failures, failures[:20]
    finally:
        close_app(app)
