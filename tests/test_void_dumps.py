"""VoID/DCAT at /.well-known/void and the gzipped N-Quads dump: written at load time,
made again when the store changes, served with the size and SHA-256 the VoID states."""

from __future__ import annotations

import gzip
import hashlib
import json

import pytest
import rdflib
from click.testing import CliRunner
from web_seed import BASE, seeded_data_dir

SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
BKG = rdflib.Namespace("https://w3id.org/budgetkg/def/")
ROOT = "http://localhost/"
DATASET = rdflib.URIRef(ROOT + ".well-known/void#dataset")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from budgetkg.service import close_app, create_app

    app = create_app({"data_dir": seeded_data_dir(tmp_path_factory), "workers": 1})
    yield app.test_client()
    close_app(app)


@pytest.fixture(scope="module")
def void_graph(client):
    r = client.get("/.well-known/void")
    assert r.status_code == 200 and r.mimetype == "text/turtle" and "Accept" in r.headers["Vary"]
    return rdflib.Graph().parse(data=r.data, format="turtle")


def _download(client, url: str) -> bytes:
    r = client.get(url.removeprefix(ROOT.rstrip("/")))
    assert r.status_code == 200
    data = r.get_data()
    r.close()
    return data


def test_void_links_endpoint_description_and_dump(client, void_graph, seed_doc):
    g = void_graph
    assert (DATASET, VOID.sparqlEndpoint, rdflib.URIRef(ROOT + "sparql")) in g
    assert (rdflib.URIRef(ROOT + "sparql"), DCAT.endpointDescription, rdflib.URIRef(ROOT + "sparql")) in g
    assert str(g.value(DATASET, VOID.uriSpace)) == BASE
    dump_url = g.value(DATASET, VOID.dataDump)
    assert str(dump_url) == ROOT + "dumps/budgetkg.nq.gz"
    dist = next(d for d in g.objects(DATASET, DCAT.distribution) if g.value(d, DCAT.downloadURL) == dump_url)
    data = _download(client, str(dump_url))
    assert int(g.value(dist, DCAT.byteSize)) == len(data)
    checksum = g.value(dist, SPDX.checksum)
    assert g.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
    assert str(g.value(checksum, SPDX.checksumValue)) == hashlib.sha256(data).hexdigest()
    # The per-document dataset the loader wrote is a subset; the counts are the store's.
    subset = rdflib.URIRef(f"{BASE}dataset/{seed_doc.sha256[:16]}")
    assert (DATASET, VOID.subset, subset) in g
    quads = gzip.decompress(data).count(b"\n")
    assert int(g.value(DATASET, VOID.triples)) == quads
    partitions = {g.value(p, VOID["class"]): int(g.value(p, VOID.entities)) for p in g.objects(DATASET, VOID.classPartition)}
    assert partitions[BKG.ProjectYear] == len(seed_doc.projects)
    assert partitions[BKG.Indicator] == sum(len(p.indicators) for p in seed_doc.projects)


@pytest.mark.parametrize("accept,parser", [("application/ld+json", "json-ld"), ("application/n-triples", "nt"),
                                           ("application/rdf+xml", "xml")])
def test_void_in_other_formats(client, void_graph, accept, parser):
    r = client.get("/.well-known/void", headers={"Accept": accept})
    assert r.mimetype == accept
    g = rdflib.Graph().parse(data=r.data, format=parser)
    assert len(g) == len(void_graph) and (DATASET, VOID.dataDump, None) in g


def test_void_refuses_what_it_cannot_give(client):
    assert client.get("/.well-known/void", headers={"Accept": "image/png"}).status_code == 406
    assert client.get("/.well-known/void?format=png").status_code == 400


def test_dump_holds_every_graph(client, seed_doc):
    listing = client.get("/dumps/", headers={"Accept": "application/json"}).json["dumps"]
    assert [d["name"] for d in listing] == ["budgetkg.nq.gz"]
    entry = listing[0]
    data = _download(client, entry["url"])
    assert entry["size"] == len(data) and entry["sha256"] == hashlib.sha256(data).hexdigest()
    ds = rdflib.Dataset()
    ds.parse(data=gzip.decompress(data), format="nquads")
    graphs = {str(g.identifier) for g in ds.graphs() if len(g)}
    assert graphs == {f"{BASE}graph/{seed_doc.sha256[:16]}", f"{BASE}graph/ontology", f"{BASE}graph/statistics/2022"}
    assert sum(1 for _ in ds.quads()) == entry["quads"]
    doc_graph = ds.graph(rdflib.URIRef(f"{BASE}graph/{seed_doc.sha256[:16]}"))
    assert len(set(doc_graph.subjects(rdflib.RDF.type, BKG.ProjectYear))) == len(seed_doc.projects)
    html = client.get("/dumps/", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert entry["sha256"] in html and "budgetkg.nq.gz" in html


def test_dump_download_headers(client):
    entry = client.get("/dumps/").json["dumps"][0]
    r = client.get("/dumps/budgetkg.nq.gz")
    assert r.mimetype == "application/gzip" and int(r.headers["Content-Length"]) == entry["size"]
    assert r.headers["Repr-Digest"].startswith("sha-256=:")
    etag = r.headers["ETag"]
    r.close()
    assert client.get("/dumps/budgetkg.nq.gz", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/dumps/other.nq.gz").status_code == 404


def test_dump_follows_the_store(tmp_path, seed_path):
    from budgetkg import pipeline
    from budgetkg.store import dumps
    from budgetkg.store import OxigraphStore

    with OxigraphStore(tmp_path) as store:
        pipeline.load_ontology(store, base=BASE)
        first = dumps.ensure_dump(store, tmp_path)
        assert first is not None and first.version == store.version()
        mtime = (tmp_path / "dumps" / dumps.DUMP_NAME).stat().st_mtime_ns
        assert dumps.ensure_dump(store, tmp_path) == first  # unchanged store: no rewrite
        assert (tmp_path / "dumps" / dumps.DUMP_NAME).stat().st_mtime_ns == mtime
        pipeline.load_path(store, seed_path, base=BASE)
        second = dumps.ensure_dump(store, tmp_path)
    assert second.version != first.version and second.quads > first.quads and second.sha256 != first.sha256
    meta = json.loads((tmp_path / "dumps" / f"{dumps.DUMP_NAME}.json").read_text())
    assert meta["sha256"] == hashlib.sha256((tmp_path / "dumps" / dumps.DUMP_NAME).read_bytes()).hexdigest()
    # Same data, same bytes: the gzip header has no time stamp.
    again = dumps.write_dump(OxigraphStore(tmp_path, read_only=True), tmp_path)
    assert again.sha256 == second.sha256


def test_load_command_writes_the_dump(tmp_path, seed_path):
    from budgetkg.commands.load import load
    from budgetkg.store import dumps
    from budgetkg.store import OxigraphStore

    result = CliRunner().invoke(load, [str(seed_path), "--data-dir", str(tmp_path)])
    assert result.exit_code in (0, 1), result.output  # 1: the seed has flagged problems
    info = dumps.read_info(tmp_path)
    with OxigraphStore(tmp_path, read_only=True) as store:
        assert info is not None and info.version == store.version()


# -- the incremental dump: one gzip member per graph (issue #21, item 9) ---------------


def _members(data_dir) -> dict[str, bytes]:
    """graph -> the bytes of its gzip member in the dump, as the dump's record places them."""
    from budgetkg.store import dumps

    folder = data_dir / "dumps"
    blob = (folder / dumps.DUMP_NAME).read_bytes()
    meta = json.loads((folder / f"{dumps.DUMP_NAME}.json").read_text())
    assert sum(m["size"] for m in meta["members"]) == len(blob) == meta["size"]
    return {m["graph"]: blob[m["offset"]:m["offset"] + m["size"]] for m in meta["members"]}


def _store_quads(store) -> set[str]:
    return {f"{r['s']} {r['p']} {r['o']} {r['g']} ." for r in
            store.query("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", default_graph_union=False)}


def _dump_quads(data_dir) -> list[str]:
    import pyoxigraph as ox

    from budgetkg.store import dumps

    text = gzip.decompress((data_dir / "dumps" / dumps.DUMP_NAME).read_bytes())
    return [f"{q.subject} {q.predicate} {q.object} {q.graph_name} ." for q in ox.parse(text, format=ox.RdfFormat.N_QUADS)]


def test_replacing_one_document_rewrites_only_its_member(tmp_path, monkeypatch):
    from reader_mutations import TABLES

    from budgetkg import pipeline
    from budgetkg.store import OxigraphStore, dumps

    docs = [tmp_path / f"doc{i}.txt" for i in range(3)]
    for i, path in enumerate(docs):
        path.write_text("\n".join(line for t in TABLES[2 * i:2 * i + 2] for line in t) + "\n", encoding="utf-8")
    data_dir = tmp_path / "data"
    with OxigraphStore(data_dir) as store:
        pipeline.load_ontology(store, base=BASE)
        journal = pipeline.LoadJournal.of(store)
        for path in docs:
            pipeline.store_document(store, journal, path, pipeline.process_document(path, BASE, validate=False))
        first = dumps.ensure_dump(store, data_dir)
        before = _members(data_dir)
        assert len(before) == 4  # the ontology and three documents
        # the dump is exactly the store's quads, each once
        quads = _dump_quads(data_dir)
        assert len(quads) == len(set(quads)) == first.quads and set(quads) == _store_quads(store)

        # new content for doc1: its graph is replaced, the others stay
        docs[1].write_text("\n".join(line for t in TABLES[6:8] for line in t) + "\n", encoding="utf-8")
        res = pipeline.store_document(store, journal, docs[1], pipeline.process_document(docs[1], BASE, validate=False))
        assert res.action == "replaced"
        written = []
        real = dumps._write_member
        monkeypatch.setattr(dumps, "_write_member", lambda *a: written.append(a[2]) or real(*a))
        second = dumps.ensure_dump(store, data_dir)
        after = _members(data_dir)
        assert written == [res.graph]  # only the new graph was compressed
        kept = set(before) & set(after)
        assert len(kept) == 3 and res.graph not in before and res.graph in after
        assert all(after[g] == before[g] for g in kept)  # byte for byte
        quads = _dump_quads(data_dir)
        assert len(quads) == len(set(quads)) == second.quads and set(quads) == _store_quads(store)
        # VoID's figures are the file's
        blob = (data_dir / "dumps" / dumps.DUMP_NAME).read_bytes()
        assert (second.size, second.sha256) == (len(blob), hashlib.sha256(blob).hexdigest())
        # a member whose file was damaged is written again, not trusted
        (data_dir / "dumps" / "members" / json.loads((data_dir / "dumps" / "members" / "index.json")
                                                     .read_text())[res.graph]["file"]).write_bytes(b"x")
        store.drop_graph("urn:nothing")  # no-op
        pipeline.load_path(store, docs[0], base=BASE)  # outside the journal: a store change
        written.clear()
        dumps.ensure_dump(store, data_dir)
        assert res.graph in written
        assert set(_dump_quads(data_dir)) == _store_quads(store)


def test_a_load_takes_each_documents_member_from_its_worker(tmp_path, monkeypatch, seed_path):
    """The loader's workers make each document's member (the writer of the store only
    copies it), and it holds what the store holds: the seed's "733980000.00"^^xsd:decimal
    is "733980000" in the store, and so in the dump."""
    from budgetkg import pipeline
    from budgetkg.store import OxigraphStore, dumps

    written = []
    real = dumps._write_member
    monkeypatch.setattr(dumps, "_write_member", lambda *a: written.append(a[2]) or real(*a))
    with OxigraphStore(tmp_path) as store:
        ontology = pipeline.load_ontology(store, base=BASE).graph
        summary = pipeline.load_corpus(store, [seed_path], base=BASE, workers=0, validate=False)
        assert summary.loaded == 1
        info = dumps.refresh_dump(store)
        # the document's member was not read back from the store (the ontology's and the
        # year's statistics' are: graphs written by this process)
        assert written == [ontology, f"{BASE}graph/statistics/2022"]
        quads = _dump_quads(tmp_path)
        assert len(quads) == len(set(quads)) == info.quads and set(quads) == _store_quads(store)
        index = json.loads((tmp_path / "dumps" / "members" / "index.json").read_text())
        statistics = f"{BASE}graph/statistics/2022"
        assert len(index) == 3 and not (tmp_path / "dumps" / "members" / dumps.ADDED).exists()
        # a torn record of an added member: that member is made again from the store
        document = next(g for g in index if g not in (ontology, statistics))
        (tmp_path / "dumps" / "members" / "index.json").unlink()
        (tmp_path / "dumps" / "members" / dumps.ADDED).write_text('{"graph": "', encoding="utf-8")
        written.clear()
        store.drop_graph("urn:nothing")
        pipeline.load_path(store, seed_path, base=BASE)  # (a store change: the dump is made again)
        info = dumps.refresh_dump(store)
        assert sorted(written) == sorted([ontology, document, statistics])
        assert set(_dump_quads(tmp_path)) == _store_quads(store)
