"""A one-document load writes the store while the document is validated
(``pipeline._Writing``: the write waits on the disk, validation on the CPU). What it
writes and records must be what the sequential path writes, findings counted."""

from __future__ import annotations

import threading

import pytest

from budgetkg import pipeline
from budgetkg.loader.iris import DEFAULT_BASE
from budgetkg.loader import validate as validate_module
from budgetkg.store import OxigraphStore, StoreError
from budgetkg.store.journal import LoadJournal

BASE = DEFAULT_BASE


def test_the_document_is_recorded_with_its_findings(tmp_path, seed_path):
    with OxigraphStore(tmp_path / "data") as store:
        summary = pipeline.load_corpus(store, [seed_path], base=BASE, workers=0)
    assert summary.loaded == 1 and summary.warnings > 0  # the seed has SHACL warnings
    entry = LoadJournal(tmp_path / "data").get(seed_path)  # read back from the folder
    assert entry is not None
    assert (entry.violations, entry.warnings) == (summary.violations, summary.warnings)
    assert entry.triples == summary.triples
    assert not (tmp_path / "data" / "journal.json").exists()


def test_the_write_runs_while_validating(tmp_path, seed_path, monkeypatch):
    """Validation sees the graph arrive in the store (it would wait in vain if the
    store were written after it)."""
    seen = threading.Event()
    validate_graph = validate_module.validate_graph

    def watching(data, **kwargs):
        for _ in range(200):  # up to 10 s
            if store.has_graph(graph[0]):
                seen.set()
                break
            threading.Event().wait(0.05)
        return validate_graph(data, **kwargs)

    monkeypatch.setattr(validate_module, "validate_graph", watching)
    graph = []
    real_process = pipeline.process_document

    def process(path, *args, **kwargs):
        from budgetkg.documents import file_sha256
        from budgetkg.loader.iris import document_graph_iri

        graph.append(str(document_graph_iri(BASE, file_sha256(path))))
        return real_process(path, *args, **kwargs)

    monkeypatch.setattr(pipeline, "process_document", process)
    with OxigraphStore(tmp_path / "data") as store:
        summary = pipeline.load_corpus(store, [seed_path], base=BASE, workers=0)
    assert summary.loaded == 1 and seen.is_set()


def test_strict_validates_before_writing(tmp_path, seed_path, monkeypatch):
    """--strict: the findings decide whether it is written, so nothing is written first."""
    written_before = []
    validate_graph = validate_module.validate_graph

    def watching(data, **kwargs):
        for _ in range(40):  # 2 s for a write started before validation to show
            if len(store.graphs()) > 1:  # more than the ontology
                break
            threading.Event().wait(0.05)
        written_before.append(store.graphs())
        return validate_graph(data, **kwargs)

    monkeypatch.setattr(validate_module, "validate_graph", watching)
    with OxigraphStore(tmp_path / "data") as store:
        pipeline.load_ontology(store, base=BASE)
        ontology = store.graphs()
        summary = pipeline.load_corpus(store, [seed_path], base=BASE, workers=0, strict=True)
    assert written_before == [ontology]
    assert summary.loaded == 1  # warnings only: loaded


def test_a_failed_write_is_raised(tmp_path, seed_path, monkeypatch):
    def failing(self, graph_iri, data, media_type="application/n-triples"):
        raise StoreError("cannot write the store: disk full")

    monkeypatch.setattr(OxigraphStore, "add_graph_bulk", failing)
    with OxigraphStore(tmp_path / "data") as store:
        with pytest.raises(StoreError, match="disk full"):
            pipeline.load_corpus(store, [seed_path], base=BASE, workers=0)
        # the journal says a load was under way: the next start undoes it
        assert LoadJournal(tmp_path / "data").recover(store) is not None


def test_a_failed_validation_waits_for_the_write(tmp_path, seed_path, monkeypatch):
    """Validation raising (a bug, or ?failure of a SPARQL check) must not close the
    store under the write: the write ends first, and the next start undoes it."""
    def failing(data, **kwargs):
        raise RuntimeError("validation failed")

    monkeypatch.setattr(validate_module, "validate_graph", failing)
    with OxigraphStore(tmp_path / "data") as store:
        with pytest.raises(RuntimeError, match="validation failed"):
            pipeline.load_corpus(store, [seed_path], base=BASE, workers=0)
        assert not [t for t in threading.enumerate() if t.name == "budgetkg-write"]
        assert "undid" in (LoadJournal(tmp_path / "data").recover(store) or "")
        assert store.graphs() == []


def test_the_dump_member_is_made_while_the_store_is_written(tmp_path, seed_path, monkeypatch):
    """The write waits on the disk, the dump's member is CPU: made beside it, not after.
    (The write waits, in vain if the member came after it, for the member to begin.) The
    member kept is the one the sequential path makes."""
    from budgetkg.store import dumps

    begun = threading.Event()
    real_canonical, real_bulk = dumps.canonical, OxigraphStore.add_graph_bulk

    def canonical(ntriples, graph):
        begun.set()
        return real_canonical(ntriples, graph)

    def bulk(self, graph_iri, data, media_type="application/n-triples"):
        seen.append(begun.wait(5))
        return real_bulk(self, graph_iri, data, media_type)

    monkeypatch.setattr(dumps, "canonical", canonical)
    monkeypatch.setattr(OxigraphStore, "add_graph_bulk", bulk)
    seen: list[bool] = []
    with OxigraphStore(tmp_path / "data") as store:
        summary = pipeline.load_corpus(store, [seed_path], base=BASE, workers=0)
    assert summary.loaded == 1 and seen == [True]
    sequential = tmp_path / "sequential"
    monkeypatch.setattr(dumps, "canonical", real_canonical)
    monkeypatch.setattr(OxigraphStore, "add_graph_bulk", real_bulk)
    with OxigraphStore(sequential) as store:  # --strict: validated, then written with the worker's member
        strict = pipeline.load_corpus(store, [seed_path], base=BASE, workers=0, strict=True)
    members = lambda d: sorted(p.read_bytes() for p in (d / "dumps" / "members").glob("*.nq.gz"))  # noqa: E731
    assert len(members(tmp_path / "data")) == 1 and members(tmp_path / "data") == members(sequential)
    assert (summary.violations, summary.warnings) == (strict.violations, strict.warnings)


def test_validation_queries_the_members_store(tmp_path, seed_path, monkeypatch):
    """The SPARQL checks run on the in-memory store made for the dump's member (the data
    not parsed a third time), with the findings of a load that validates on its own."""
    from budgetkg.loader import shacl

    made = []
    real_view, real_check_store = shacl.checks_view, validate_module.check_store

    def view(scratch, graph):
        made.append("view")
        return real_view(scratch, graph)

    def own(ntriples):
        made.append("own")
        return real_check_store(ntriples)

    monkeypatch.setattr(shacl, "checks_view", view)
    monkeypatch.setattr(validate_module, "check_store", own)
    findings = []
    with OxigraphStore(tmp_path / "data") as store:
        pipeline.load_corpus(store, [seed_path], base=BASE, workers=0,
                             on_result=lambda path, res: findings.append(res.findings))
    assert made == ["view"]
    with OxigraphStore(tmp_path / "strict") as store:  # validated alone, its own store
        pipeline.load_corpus(store, [seed_path], base=BASE, workers=0, strict=True,
                             on_result=lambda path, res: findings.append(res.findings))
    assert made == ["view", "own"]
    assert findings[0] == findings[1] and len(findings[0]) > 0  # the same, in the same order
