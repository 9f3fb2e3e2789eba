"""DCAT-AP metadata: the description at /.well-known/void passes the official DCAT-AP 3
shapes; publisher, contact, licence (or a statement that none is set), dates, fiscal
years, regions and themes; each document's original URL and retrieval date, given by
``--source-url`` or a ``FILE.source.json`` sidecar, in its RDF, its page and the DCAT."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from pyshacl import validate
from rdflib.namespace import DCAT, DCTERMS, RDF

from budgetkg.documents import seed_path

FIXTURES = Path(__file__).parent / "fixtures"
SHAPES = FIXTURES / "dcat-ap" / "dcat-ap-SHACL.ttl"
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
BKG = rdflib.Namespace("https://w3id.org/budgetkg/def/")
ROOT = "http://localhost/"
DATASET = rdflib.URIRef(ROOT + ".well-known/void#dataset")
SEED_URL = "https://czt.nx.gov.cn/zfxxgk/yjsgk/2022/seed.txt"
SECOND_URL = "https://example.gov.cn/budget/2023/table.txt"
LICENCE = "https://creativecommons.org/licenses/by/4.0/"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    from budgetkg.cli import main

    folder = tmp_path_factory.mktemp("dcat")
    seed = folder / "seed.txt"
    shutil.copy(seed_path(), seed)
    second = folder / "second_year_2023.txt"
    shutil.copy(FIXTURES / "second_year_2023.txt", second)
    (folder / "second_year_2023.txt.source.json").write_text(json.dumps({"url": SECOND_URL}), encoding="utf-8")
    data = folder / "data"
    runner = CliRunner()
    r = runner.invoke(main, ["load", str(seed), "--data-dir", str(data), "--workers", "0", "--no-validate",
                             "--source-url", SEED_URL, "--retrieved", "2024-03-01"])
    assert r.exit_code in (0, 1), r.output
    r = runner.invoke(main, ["load", str(second), "--data-dir", str(data), "--workers", "0", "--no-validate"])
    assert r.exit_code in (0, 1), r.output
    return data


def _void(data_dir: Path, **settings: object) -> rdflib.Graph:
    from budgetkg.service import close_app, create_app

    app = create_app({"data_dir": data_dir, "workers": 0, **settings})
    try:
        r = app.test_client().get("/.well-known/void", headers={"Accept": "text/turtle"})
        assert r.status_code == 200, r.data[:300]
        return rdflib.Graph().parse(data=r.data, format="turtle")
    finally:
        close_app(app)


@pytest.fixture(scope="module")
def licensed(data_dir):
    return _void(data_dir, license=LICENCE, publisher="宁夏回族自治区财政厅", contact_email="open@example.gov.cn",
                 issued="2024-04-01")


@pytest.fixture(scope="module")
def unlicensed(data_dir):
    return _void(data_dir)


def _shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(SHAPES, format="turtle")


@pytest.mark.parametrize("which", ["licensed", "unlicensed"])
def test_description_passes_the_official_dcat_ap_shapes(request, which):
    g = request.getfixturevalue(which)
    conforms, report, text = validate(g, shacl_graph=_shapes(), allow_warnings=False, advanced=True)
    assert conforms, text


def test_a_broken_description_fails_the_shapes(licensed):
    g = rdflib.Graph() + licensed
    g.remove((DATASET, DCTERMS.description, None))  # mandatory in DCAT-AP
    conforms, _, text = validate(g, shacl_graph=_shapes(), advanced=True)
    assert not conforms and "description" in text


def test_portal_fields(licensed):
    g = licensed
    catalog = next(g.subjects(RDF.type, DCAT.Catalog))
    assert (catalog, DCAT.dataset, DATASET) in g
    publisher = g.value(DATASET, DCTERMS.publisher)
    assert str(g.value(publisher, rdflib.URIRef("http://xmlns.com/foaf/0.1/name"))) == "宁夏回族自治区财政厅"
    contact = g.value(DATASET, DCAT.contactPoint)
    assert (contact, rdflib.URIRef("http://www.w3.org/2006/vcard/ns#hasEmail"),
            rdflib.URIRef("mailto:open@example.gov.cn")) in g
    assert g.value(DATASET, DCTERMS.license) == rdflib.URIRef(LICENCE)
    assert str(g.value(DATASET, DCTERMS.issued)) == "2024-04-01"
    assert g.value(DATASET, DCTERMS.modified) is not None
    starts = sorted(str(g.value(p, DCAT.startDate)) for p in g.objects(DATASET, DCTERMS.temporal))
    assert starts == ["2022-01-01", "2023-01-01"]  # the fiscal years held
    themes = {str(t).rsplit("/", 1)[-1] for t in g.objects(DATASET, DCAT.theme)}
    assert {"GOVE", "ECON"} <= themes


def test_no_licence_is_said(unlicensed):
    g = unlicensed
    assert g.value(DATASET, DCTERMS.license) is None
    statement = g.value(DATASET, DCTERMS.rights)
    assert "No licence" in str(g.value(statement, rdflib.RDFS.label))


def test_region_setting_when_departments_do_not_say(data_dir):
    g = _void(data_dir, region="宁夏")
    places = list(g.objects(DATASET, DCTERMS.spatial))
    assert [str(g.value(p, DCTERMS.identifier)) for p in places] == ["640000"]


def test_each_document_its_url_retrieval_date_and_sha256(licensed, data_dir):
    g = licensed
    by_url = {str(g.value(d, DCAT.downloadURL)): d for d in g.subjects(RDF.type, DCAT.Distribution)
              if g.value(d, DCAT.downloadURL) is not None}
    seed = by_url[SEED_URL]
    assert str(g.value(seed, BKG.retrievedOn)) == "2024-03-01"
    checksum = g.value(seed, SPDX.checksum)
    import hashlib
    assert str(g.value(checksum, SPDX.checksumValue)) == hashlib.sha256(seed_path().read_bytes()).hexdigest()
    second = by_url[SECOND_URL]  # from the sidecar; date: the file's modification date
    assert g.value(second, BKG.retrievedOn) is not None
    # each document's dataset has its original file as distribution, and its year
    sub = next(g.subjects(DCAT.distribution, seed))
    assert (DATASET, DCTERMS.hasPart, sub) in g
    assert [str(g.value(p, DCAT.startDate)) for p in g.objects(sub, DCTERMS.temporal)] == ["2022-01-01"]


def test_source_url_on_the_document_page_and_in_its_rdf(data_dir):
    from budgetkg.service import close_app, create_app

    app = create_app({"data_dir": data_dir, "workers": 0})
    try:
        client = app.test_client()
        q = ("SELECT ?d WHERE { ?d <http://www.w3.org/ns/dcat#downloadURL> <%s> }" % SEED_URL)
        r = client.get("/sparql", query_string={"query": q}, headers={"Accept": "application/sparql-results+json"})
        [row] = r.get_json()["results"]["bindings"]
        doc = row["d"]["value"]
        path = doc[len("https://budgetkg.example.org"):]
        page = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
        assert SEED_URL in page and "2024-03-01" in page
        ttl = client.get(path + ".ttl").data
        g = rdflib.Graph().parse(data=ttl, format="turtle")
        assert (rdflib.URIRef(doc), DCAT.downloadURL, rdflib.URIRef(SEED_URL)) in g
    finally:
        close_app(app)


def test_source_url_errors(tmp_path):
    from budgetkg.cli import main

    doc = tmp_path / "a.txt"
    shutil.copy(seed_path(), doc)
    runner = CliRunner()
    r = runner.invoke(main, ["load", str(doc), str(doc), "--data-dir", str(tmp_path / "d"), "--source-url", SEED_URL])
    assert r.exit_code == 2 and "one file" in r.output
    r = runner.invoke(main, ["load", str(doc), "--data-dir", str(tmp_path / "d"), "--source-url", "not a url"])
    assert r.exit_code == 2 and "source URL" in r.output
    # a character an IRI cannot hold would break the graph and the loader's SPARQL
    r = runner.invoke(main, ["load", str(doc), "--data-dir", str(tmp_path / "d"), "--source-url",
                             "https://example.gov.cn/a>b.pdf"])
    assert r.exit_code == 2 and "source URL" in r.output
    (tmp_path / "a.txt.source.json").write_text("{\"url\": 3}", encoding="utf-8")
    r = runner.invoke(main, ["load", str(doc), "--data-dir", str(tmp_path / "d"), "--workers", "0"])
    assert r.exit_code == 1 and "a.txt.source.json" in r.output
