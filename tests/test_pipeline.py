"""The streaming loader: one document at a time, validated, in parallel, incremental, recoverable.

Small generated documents (3-4 tables each) keep this fast; the big runs are in bench/.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import Future
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from click.testing import CliRunner

from budgetkg import pipeline, year_statistics
from budgetkg.cli import main
from budgetkg.documents import located
from budgetkg.loader.iris import DEFAULT_BASE
from budgetkg.store import N_TRIPLES, OxigraphStore
from budgetkg.store.journal import JOURNAL_FILE, Entry, LoadJournal
from budgetkg.synthetic import department_catalog, generate_document

BASE = DEFAULT_BASE


def write_docs(folder: Path, n: int, *, tables: int = 3, seed: int = 7, year: int = 2022) -> list[Path]:
    """``n`` small synthetic documents, one per department."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for code, _name in department_catalog()[:n]:
        doc = generate_document(seed, department=code, year=year, tables=tables)
        path = folder / doc.file_name
        path.write_bytes(doc.encode())
        out.append(path)
    return out


def quads(store: OxigraphStore) -> set[ox.Quad]:
    return set(store._store.quads_for_pattern(None, None, None, None))  # noqa: SLF001


def graph_sizes(store: OxigraphStore, statistics: bool = False) -> dict[str, int]:
    """The triples of each graph: the documents' (and the ontology's), or with
    ``statistics`` only the statistics of the years (budgetkg.year_statistics)."""
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
                       default_graph_union=False)
    return {r["g"].value: int(r["n"].value) for r in rows
            if ("/graph/statistics/" in r["g"].value) == statistics}


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> list[Path]:
    return write_docs(tmp_path_factory.mktemp("corpus"), 3)


def test_parallel_load_equals_serial_load(docs):
    serial, parallel = OxigraphStore(None), OxigraphStore(None)
    s1 = pipeline.load_corpus(serial, docs, base=BASE, workers=0)
    s2 = pipeline.load_corpus(parallel, docs, base=BASE, workers=2)
    assert s1.loaded == s2.loaded == len(docs)
    assert s1.triples == s2.triples > 0
    assert quads(serial) == quads(parallel)
    assert len(graph_sizes(serial)) == len(docs)
    assert len(graph_sizes(serial, statistics=True)) == 1  # the documents' one year


def test_progress_and_summary(docs):
    seen: list[tuple[Path, pipeline.DocumentResult]] = []
    store = OxigraphStore(None)
    summary = pipeline.load_corpus(store, docs, base=BASE, workers=0, on_result=lambda p, r: seen.append((p, r)))
    assert [p for p, _ in seen] == docs  # one report per document, in order
    assert all(r.action == "loaded" and r.tables > 0 and r.triples > 0 for _, r in seen)
    assert summary.tables == sum(r.tables for _, r in seen)
    assert summary.triples == sum(graph_sizes(store).values())
    assert set(summary.stage_seconds) == {"parse", "convert", "validate", "store"}
    text = summary.text()
    assert f"{len(docs)} documents ({len(docs)} loaded)" in text
    assert f"{summary.tables} tables, {summary.triples} triples" in text
    assert "SHACL: 0 violations" in text


def test_cli_load_prints_the_summary_and_loads_incrementally(docs, tmp_path):
    data = tmp_path / "data"
    runner = CliRunner()
    first = runner.invoke(main, ["load", str(docs[0]), "--data-dir", str(data), "--workers", "0"])
    assert first.exit_code == 0, first.output
    assert "summary: 1 documents (1 loaded)" in first.output
    second = runner.invoke(main, ["load", *map(str, docs), "--data-dir", str(data), "--workers", "0"])
    assert second.exit_code == 0, second.output
    assert f"summary: {len(docs)} documents ({len(docs) - 1} loaded, 1 unchanged)" in second.output
    with OxigraphStore(data, read_only=True) as store:
        n = store.query("PREFIX bkg: <https://w3id.org/budgetkg/def/> "
                        "SELECT (COUNT(*) AS ?n) WHERE { ?d a bkg:SourceDocument }")
        assert int(next(iter(n))["n"].value) == len(docs)


def test_documents_are_processed_and_stored_one_at_a_time(docs, monkeypatch):
    events: list[tuple[str, str]] = []
    real = pipeline.process_document

    def process(path, base, validate=True, **options):
        events.append(("process", Path(path).name))
        return real(path, base, validate, **options)

    monkeypatch.setattr(pipeline, "process_document", process)
    pipeline.load_corpus(OxigraphStore(None), docs, base=BASE, workers=0,
                         on_result=lambda path, res: events.append(("stored", path.name)))
    assert events == [e for p in docs for e in (("process", p.name), ("stored", p.name))]


class RecordingExecutor:
    """Runs tasks in this process when asked for their result, recording what is in flight."""

    def __init__(self) -> None:
        self.in_flight = 0
        self.most = 0

    def __enter__(self) -> RecordingExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def shutdown(self, **kwargs: object) -> None:
        pass

    def submit(self, fn, *args, **kwargs):
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        future: Future = Future()
        future.set_result(fn(*args, **kwargs))
        return future


def test_parallel_loader_keeps_at_most_two_documents_per_worker_in_flight(tmp_path, monkeypatch):
    many = write_docs(tmp_path / "many", 8, tables=1)
    pool = RecordingExecutor()
    monkeypatch.setattr(pipeline, "make_process_pool", lambda workers: pool)
    stored: list[Path] = []

    def on_result(path: Path, res: pipeline.DocumentResult) -> None:
        pool.in_flight -= 1
        stored.append(path)

    pipeline.load_corpus(OxigraphStore(None), many, base=BASE, workers=2, on_result=on_result)
    assert stored == many
    # 2 per worker queued, plus the one being written: bounded, whatever the number of documents
    assert pool.most == 2 * 2 + 1 < len(many)


def test_validation_runs_once_per_document_on_that_document_only(docs, monkeypatch):
    from budgetkg.loader import validate

    sizes: list[int] = []
    real = validate.validate_graph

    def spy(data, **kwargs):
        sizes.append(len(data))
        return real(data, **kwargs)

    monkeypatch.setattr(validate, "validate_graph", spy)
    store = OxigraphStore(None)
    pipeline.load_corpus(store, docs, base=BASE, workers=0)
    assert sorted(sizes) == sorted(graph_sizes(store).values())  # one call per document, its own graph


def test_violations_are_reported_and_refused_with_strict(docs, monkeypatch):
    from budgetkg.loader import validate
    from budgetkg.loader.validate import Finding, ValidationResult

    real = validate.validate_graph

    bad = Finding("violation", "missing project total", "urn:x", None, None, 12)

    def with_violation(data, **kwargs):
        r = real(data, **kwargs)
        return ValidationResult(False, r.report, [*r.findings, bad])

    monkeypatch.setattr(validate, "validate_graph", with_violation)
    loose, strict = OxigraphStore(None), OxigraphStore(None)
    s1 = pipeline.load_corpus(loose, docs[:1], base=BASE, workers=0)
    assert (s1.loaded, s1.violations) == (1, 1) and len(graph_sizes(loose)) == 1
    seen: list[pipeline.DocumentResult] = []
    s2 = pipeline.load_corpus(strict, docs[:1], base=BASE, workers=0, strict=True,
                              on_result=lambda path, res: seen.append(res))
    assert (s2.loaded, s2.refused) == (0, 1) and graph_sizes(strict) == {}
    assert seen[0].action == "refused" and seen[0].violations == [bad]  # structured, not text
    assert [located(docs[0], v) for v in seen[0].violations] == [f"{docs[0]}:12: violation: missing project total"]


def test_replacing_a_document_keeps_the_others(tmp_path):
    a, b = write_docs(tmp_path / "c", 2)
    store = OxigraphStore(tmp_path / "data")
    first = pipeline.load_corpus(store, [a], base=BASE, workers=0)
    second = pipeline.load_corpus(store, [b], base=BASE, workers=0)
    assert (first.loaded, second.loaded) == (1, 1)
    before = graph_sizes(store)
    assert len(before) == 2
    old_a = LoadJournal.of(store).get(a).graph
    a.write_bytes(generate_document(99, department=department_catalog()[0][0], tables=2).encode())
    outcomes: list[pipeline.DocumentResult] = []
    pipeline.load_corpus(store, [a], base=BASE, workers=0, on_result=lambda path, res: outcomes.append(res))
    assert outcomes[0].action == "replaced"
    after = graph_sizes(store)
    new_a = LoadJournal.of(store).get(a).graph
    assert old_a not in after and new_a in after and new_a != old_a
    b_graph = LoadJournal.of(store).get(b).graph
    assert after[b_graph] == before[b_graph]  # the other document untouched
    again = pipeline.load_corpus(store, [a, b], base=BASE, workers=0)
    assert (again.loaded, again.unchanged) == (0, 2)
    store.close()


def test_recover_undoes_a_half_done_bulk_load_and_finishes_a_loaded_one(tmp_path, docs):
    store = OxigraphStore(tmp_path / "data")
    pipeline.load_corpus(store, docs[:1], base=BASE, workers=0)
    catalog = LoadJournal.of(store)
    old = catalog.get(docs[0]).graph
    res = pipeline.process_document(docs[1], BASE, validate=False)
    # Crash during the bulk load: part of the new graph is there, the journal says "adding".
    half = b"".join(res.ntriples.splitlines(keepends=True)[:50])
    catalog._journal({"state": "adding", "add": res.graph, "existed": False, "drop": [old]})
    store.add_graph_bulk(res.graph, half, N_TRIPLES)
    assert "undid" in LoadJournal.of(store).recover(store)
    assert store.has_graph(old) and not store.has_graph(res.graph)
    # Crash after the new graph was complete ("added"): the old one is dropped.
    catalog._journal({"state": "added", "add": res.graph, "existed": False, "drop": [old]})
    store.add_graph_bulk(res.graph, res.ntriples, N_TRIPLES)
    assert "finished" in LoadJournal.of(store).recover(store)
    assert store.has_graph(res.graph) and not store.has_graph(old)
    assert not (tmp_path / "data" / JOURNAL_FILE).exists()
    store.close()


def test_a_load_killed_mid_way_recovers_at_the_next_start(tmp_path):
    """SIGKILL a real `budgetkg load` of a generated corpus while it writes; the next open
    recovers and every document graph is whole: the old version or the new one."""
    folder = tmp_path / "corpus"
    paths = write_docs(folder, 6, tables=4, seed=3)
    data = tmp_path / "data"
    with OxigraphStore(data) as store:
        pipeline.load_corpus(store, paths, base=BASE, workers=0)
        old = {str(p.resolve()): LoadJournal.of(store).get(p).graph for p in paths}
    paths = write_docs(folder, 6, tables=4, seed=4)  # new content for every path
    new = {str(p.resolve()): pipeline.process_document(p, BASE, validate=False) for p in paths}
    cmd = [sys.executable, "-P", "-c", "from budgetkg.cli import main; main()", "load", str(folder),
           "--data-dir", str(data), "--workers", "0", "--no-validate"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and not (data / JOURNAL_FILE).exists() and proc.poll() is None:
        time.sleep(0.005)
    time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    journal = (data / JOURNAL_FILE).read_text() if (data / JOURNAL_FILE).exists() else None
    # killed after the documents but before their years' statistics: only that marker left
    statistics_stale = (data / year_statistics.STALE_FILE).exists()
    with OxigraphStore(data) as store:
        recovered = pipeline.recover(store)
        assert (recovered is None) == (journal is None and not statistics_stale)
        print(f"killed with journal {journal}: {recovered}")
        sizes = graph_sizes(store)
        catalog = LoadJournal.of(store)
        replaced = 0
        for key, res in new.items():
            has_old, has_new = old[key] in sizes, res.graph in sizes
            assert has_old != has_new, key  # exactly one version of each document
            if has_new:
                assert sizes[res.graph] == res.triples  # whole
                replaced += 1
            entry = catalog.entries[key]
            assert entry.graph == (res.graph if has_new else old[key])
        assert not (data / JOURNAL_FILE).exists()
        # loading again finishes the job
        summary = pipeline.load_corpus(store, paths, base=BASE, workers=0, validate=False)
        assert summary.loaded == len(paths) - replaced
        documents = {g for g in graph_sizes(store) if not g.endswith("/ontology")}
        assert documents == {r.graph for r in new.values()}


def test_serve_a_folder_of_documents_over_http(tmp_path, docs):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = tmp_path / "data"
    cmd = [sys.executable, "-P", "-c", "from budgetkg.cli import main; main()", "serve", str(docs[0].parent),
           "--data-dir", str(data), "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    log = tmp_path / "serve.log"
    with open(log, "wb") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/sparql"
        deadline = time.time() + 120
        while True:
            assert proc.poll() is None, log.read_text()
            try:
                requests.get(url, timeout=2)
                break
            except requests.RequestException:
                assert time.time() < deadline, log.read_text()
                time.sleep(0.2)
        q = ("PREFIX bkg: <https://w3id.org/budgetkg/def/> "
             "SELECT ?name WHERE { ?d a bkg:SourceDocument ; bkg:fileName ?name }")
        r = requests.get(url, params={"query": q}, headers={"Accept": "application/sparql-results+json"}, timeout=30)
        names = {b["name"]["value"] for b in r.json()["results"]["bindings"]}
        assert {p.name for p in docs} <= names  # the folder's documents (besides the default seed)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
    catalog = LoadJournal(data)
    assert {Path(k).name for k in catalog.entries} == {p.name for p in docs}


def test_catalog_entry_round_trips(tmp_path):
    c = LoadJournal(tmp_path)
    c.entries["x"] = Entry("x", "ab" * 32, "urn:g", 3, 30)
    c._save()
    assert LoadJournal(tmp_path).entries["x"] == c.entries["x"]


def test_the_ontology_graph_is_the_models_and_an_unchanged_one_is_left_alone(tmp_path):
    # load_ontology parses the package's Turtle files with the store's engine: the graph
    # must be rdf.ontology_graph() (rdflib's reading, which validation and --out use).
    from budgetkg.loader import rdf
    from budgetkg.loader.memgraph import ntriples

    with OxigraphStore(tmp_path / "a") as store:
        first = pipeline.load_ontology(store, base=BASE)
        version = store.version()
        again = pipeline.load_ontology(store, base=BASE)
        assert (first.action, again.action) == ("loaded", "unchanged")
        assert first.triples == again.triples > 500 and store.version() == version
        loaded = {q for q in quads(store) if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)}
        blank = len(quads(store)) - len(loaded)
    with OxigraphStore(tmp_path / "b") as store:  # rdflib's graph, through the same engine
        name = str(rdf.ontology_graph_name(BASE))
        assert store.replace_graph(name, ntriples(rdf.ontology_graph()), N_TRIPLES) == first.triples
        expected = {q for q in quads(store) if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)}
        assert loaded == expected and blank == len(quads(store)) - len(expected)


def _ontology_quads(store: OxigraphStore) -> tuple[set[ox.Quad], int]:
    """The store's quads without blank nodes (their labels differ from load to load),
    and the number of those with one."""
    every = quads(store)
    named = {q for q in every if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)}
    return named, len(every) - len(named)


def test_a_new_stores_ontology_goes_in_by_the_bulk_loader_as_a_replace_would_write_it(tmp_path, monkeypatch):
    """Into a new store the ontology is bulk-loaded (no SPARQL update left in RocksDB's
    memtables for the first document's bulk load to flush); a store that has the graph
    gets it replaced. Both write the same graph, counted the same."""
    bulk: list[str] = []
    real_bulk = OxigraphStore.add_graph_bulk

    def spying(self, graph_iri, data, media_type=N_TRIPLES):
        bulk.append(graph_iri)
        return real_bulk(self, graph_iri, data, media_type)

    monkeypatch.setattr(OxigraphStore, "add_graph_bulk", spying)
    with OxigraphStore(tmp_path / "new") as store:
        fresh = pipeline.load_ontology(store, base=BASE)
        name = fresh.graph
        assert bulk == [name]
        got = _ontology_quads(store)
    with OxigraphStore(tmp_path / "old") as store:
        store.replace_graph(name, "<urn:x> <urn:y> <urn:z> .\n", N_TRIPLES)  # an older ontology graph
        replaced = pipeline.load_ontology(store, base=BASE)
        assert bulk == [name]  # replaced, not bulk-loaded over the old triples
        assert _ontology_quads(store) == got
    assert fresh.triples == replaced.triples == len(got[0]) + got[1]
    assert fresh.action == replaced.action == "loaded"


def test_the_ontology_has_no_load_time_summaries():
    """The bulk path writes the ontology's triples as they are; replace_graph would pass
    them through summaries.complete first, which must leave them alone."""
    from importlib import resources

    from budgetkg.loader import summaries
    from budgetkg.ontology import ONTOLOGY_FILES

    pkg = resources.files("budgetkg.ontology")
    triples = [q.triple for f in ONTOLOGY_FILES
               for q in ox.parse((pkg / f).read_bytes(), format=ox.RdfFormat.TURTLE, base_iri=f"file:///{f}")]
    assert len(triples) > 500 and summaries.complete(triples) is triples


def test_an_ontology_load_cut_short_is_replaced_whole_at_the_next_load(tmp_path, monkeypatch):
    """The bulk loader is not atomic: a crash may leave part of the graph. Its hash is
    recorded only once it is complete, so the next load replaces it (not "unchanged")."""
    from budgetkg.store import StoreError

    real_bulk = OxigraphStore.add_graph_bulk

    def half_then_crash(self, graph_iri, data, media_type=N_TRIPLES):
        lines = data.splitlines(keepends=True)
        real_bulk(self, graph_iri, b"".join(lines[: len(lines) // 2]), media_type)
        raise StoreError("cannot write the store: killed")

    with OxigraphStore(tmp_path / "clean") as store:
        clean = pipeline.load_ontology(store, base=BASE)
        expected = _ontology_quads(store)
    with OxigraphStore(tmp_path / "cut") as store:
        monkeypatch.setattr(OxigraphStore, "add_graph_bulk", half_then_crash)
        with pytest.raises(StoreError):
            pipeline.load_ontology(store, base=BASE)
        monkeypatch.setattr(OxigraphStore, "add_graph_bulk", real_bulk)
        assert 0 < len(quads(store)) < clean.triples  # part of it
    with OxigraphStore(tmp_path / "cut") as store:  # the next load
        again = pipeline.load_ontology(store, base=BASE)
        assert again.action == "loaded" and again.triples == clean.triples
        assert _ontology_quads(store) == expected


def test_recording_a_document_writes_its_own_line_not_the_whole_list(tmp_path):
    # documents.json + documents.log: a commit appends one line (a 10M store holds ~550
    # documents; rewriting the list for each made loading quadratic), the list is written
    # whole again once the log is as long as it, and a line cut short by a crash is skipped
    # without taking the next one with it.
    from budgetkg.store.journal import DOCUMENTS_FILE, DOCUMENTS_LOG

    j = LoadJournal(tmp_path)
    sizes = []
    for i in range(12):
        j._commit(Entry(f"/d/{i}.txt", f"{i:064x}", f"urn:g:{i}", 1, i))
        sizes.append((tmp_path / DOCUMENTS_LOG).stat().st_size)
    assert not (tmp_path / DOCUMENTS_FILE).exists()
    steps = {b - a for a, b in zip(sizes, sizes[1:])}
    assert max(steps) - min(steps) <= 4  # each commit: one line of the same size
    assert LoadJournal(tmp_path).entries == j.entries
    with open(tmp_path / DOCUMENTS_LOG, "a", encoding="utf-8") as fh:
        fh.write('\n{"source": "/d/torn.txt", "sha2')  # a crash mid-append
    j = LoadJournal(tmp_path)
    j._commit(Entry("/d/after.txt", "cd" * 32, "urn:g:after", 2, 20))
    again = LoadJournal(tmp_path)
    assert again.entries == j.entries and "/d/after.txt" in again.entries and len(again.entries) == 13
    for i in range(12, 40):
        j._commit(Entry(f"/d/{i}.txt", f"{i:064x}", f"urn:g:{i}", 1, i))
    assert (tmp_path / DOCUMENTS_FILE).exists()  # folded into the list at least once
    assert LoadJournal(tmp_path).entries == j.entries and len(j.entries) == 41


@pytest.mark.parametrize("base", [BASE, "http://example.org/kg#", "urn:x:/"])
def test_the_light_ontology_loader_names_the_graph_as_the_iris_do(base):
    from budgetkg.loader.iris import ontology_graph_iri
    from budgetkg.ontology_graph import graph_name

    assert graph_name(base) == str(ontology_graph_iri(base))


@pytest.mark.parametrize("base", ["relative/", "http://example.org/no-slash", "", "urn:x:"])
def test_the_light_ontology_loader_refuses_the_bases_the_iris_refuse(base):
    from budgetkg.loader.iris import ontology_graph_iri
    from budgetkg.ontology_graph import graph_name

    with pytest.raises(ValueError):
        ontology_graph_iri(base)
    with pytest.raises(ValueError):
        graph_name(base)
