"""Files -> the store, one document at a time: the loader behind every command.

Each table file goes through ``budgetkg.documents.process_document`` (parse ->
convert -> serialize -> validate) and is written through the load journal
(``budgetkg.store.journal``), which replaces the document's graph and can finish or
undo the change after a crash: loading a file again replaces what it loaded before,
never duplicates it. RDF files (.trig .nq .ttl .nt .jsonld) go to the store as they are.

Workers (processes) process one document each and send back a ``DocumentResult``; the
parent, the store's only writer, writes them in the order given. At most
``2 x workers`` documents are queued (plus the one being written), so memory is bounded
by a few documents whatever the size of the corpus.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from budgetkg import year_statistics
from budgetkg.documents import (
    TABLE_SUFFIXES,
    DocumentError,
    DocumentResult,
    Step,
    expand_paths,
    file_sha256,
    process_document,
    seed_path,
    warm_worker,
)
from budgetkg.loader.namespaces import BKG
from budgetkg.loader.provenance import SourceInfo
from budgetkg.loader.rdf_files import rdf_file
from budgetkg.store import N_TRIPLES, Store
from budgetkg.store.journal import Adding, Entry, LoadJournal

if TYPE_CHECKING:
    from budgetkg.ontology_graph import OntologyLoad

__all__ = [
    "TABLE_SUFFIXES", "DocumentResult", "LoadSummary", "default_workers", "expand_paths", "load_corpus",
    "load_ontology", "load_path", "load_seed", "make_process_pool", "process_document", "recover", "seed_path",
]


@dataclass
class LoadSummary:
    """What a load did, counted over its files."""

    documents: int = 0  # files given
    loaded: int = 0  # new or replaced
    unchanged: int = 0
    refused: int = 0  # --strict and violations
    failed: int = 0  # unreadable or not convertible
    tables: int = 0
    triples: int = 0
    violations: int = 0
    warnings: int = 0
    problems: int = 0  # reader errors and warnings
    validated: bool = True
    seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=dict)  # summed over workers
    recovered: str | None = None
    upgraded: int = 0  # documents loaded by older code whose summaries were brought up to date
    compacted: float | None = None  # seconds the store took to merge its files, if it did
    statistics: dict[int, int] = field(default_factory=dict)  # years whose statistics were made again

    def add(self, res: DocumentResult) -> None:
        if res.action in ("loaded", "replaced"):
            self.loaded += 1
        elif res.action in ("unchanged", "refused", "failed"):
            setattr(self, res.action, getattr(self, res.action) + 1)
        if res.action not in ("failed", "unchanged"):
            self.tables += res.tables
            self.triples += res.triples
        self.violations += len(res.violations)
        self.warnings += len(res.warnings)
        self.problems += sum(1 for p in res.problems if p.severity != "info")
        for k, v in res.seconds.items():
            self.stage_seconds[k] = self.stage_seconds.get(k, 0.0) + v

    def text(self) -> str:
        parts = [f"{self.loaded} loaded"]
        if self.unchanged:
            parts.append(f"{self.unchanged} unchanged")
        if self.refused:
            parts.append(f"{self.refused} refused")
        if self.failed:
            parts.append(f"{self.failed} failed")
        shacl = (f"SHACL: {self.violations} violations, {self.warnings} warnings" if self.validated
                 else "SHACL: not validated")
        rate = self.triples / self.seconds if self.seconds else 0.0
        stages = ", ".join(f"{k} {v:.1f}" for k, v in self.stage_seconds.items())
        compacted = "" if self.compacted is None else f"; store compacted in {self.compacted:.1f} s"
        upgraded = "" if not self.upgraded else f"; summaries of {self.upgraded} stored document(s) brought up to date"
        years = ", ".join(str(y) for y in sorted(self.statistics))
        statistics = f"; statistics of {years} made again" if years else ""
        return (f"{self.documents} documents ({', '.join(parts)}): {self.tables} tables, {self.triples} triples; "
                f"{shacl}; reader problems: {self.problems}; {self.seconds:.1f} s "
                f"({rate:,.0f} triples/s; worker CPU s: {stages}){upgraded}{statistics}{compacted}")


def load_ontology(store: Store, *, base: str) -> DocumentResult:
    """(Re)load the ontology and concept schemes into their named graph
    (``budgetkg.ontology_graph.load``).

    The graph is ``rdf.ontology_graph()``: the package's Turtle files
    (``budgetkg.ontology.ONTOLOGY_FILES``), here parsed by the store's engine (a few ms;
    rdflib's parser took a quarter of a seed load). Whether they changed is told by
    their bytes, so an unchanged ontology costs a hash (tests/test_pipeline.py checks
    both give the same graph)."""
    from budgetkg.ontology_graph import load

    return ontology_result(load(store, base=base))


def ontology_result(done: OntologyLoad) -> DocumentResult:
    """What ``budgetkg.ontology_graph.load`` did, as a ``DocumentResult``."""
    return DocumentResult("ontology", done.sha256, done.graph, triples=done.triples, action=done.action,  # type: ignore[arg-type]
                          seconds={"store": done.seconds})


def load_rdf_file(store: Store, path: Path, changes: year_statistics.Changes | None = None) -> DocumentResult:
    """Load an RDF file as it is: each graph it names replaced whole; its triples outside
    a named graph go to a graph named after the file. ``changes`` (of
    ``year_statistics.refreshing``) is told the graphs, changed in place. Raises OSError,
    ``DataError``."""
    syntax = rdf_file(path.name)
    assert syntax is not None, path
    started = time.perf_counter()
    data = path.read_bytes()
    if changes is not None:
        changes.touch([path.resolve().as_uri()])  # (the graphs it names: known once it is parsed)
    graphs = store.replace_graphs(data, syntax.media_type, graph_iri=path.resolve().as_uri())
    if changes is not None:
        changes.touch(graphs)
    return DocumentResult(str(path), triples=sum(graphs.values()), action="loaded",
                          seconds={"store": time.perf_counter() - started})


def store_document(store: Store, journal: LoadJournal | None, path: Path, res: DocumentResult,
                   strict: bool = False) -> DocumentResult:
    """Write a processed document through the journal; sets ``res.action``.

    Without a journal the graph is replaced atomically and not recorded as one of the
    user's files (the default dataset, fixtures): a later ``load`` of the same path
    loads it again rather than skipping it."""
    if res.error is not None or res.graph is None or res.ntriples is None:
        res.action = "failed"
        return res
    if strict and res.violations:
        res.action = "refused"
        return res
    t = time.perf_counter()
    if journal is None:
        res.triples = store.replace_graph(res.graph, res.ntriples, N_TRIPLES)
        res.action = "loaded"
        res.seconds["store"] = time.perf_counter() - t
        res.ntriples = res.member = None  # free them now
        return res
    return _complete(store, journal, res, _add(store, journal, path, res), t)


def _add(store: Store, journal: LoadJournal, path: Path, res: DocumentResult) -> Adding:
    """The graph of a result into the store (``LoadJournal.add``; its counts of findings
    are taken at ``_complete``)."""
    assert res.graph is not None and res.ntriples is not None
    entry = Entry(str(path), res.sha256, res.graph, res.tables, res.triples)
    return journal.add(store, entry, res.ntriples, N_TRIPLES)


def _complete(store: Store, journal: LoadJournal, res: DocumentResult, adding: Adding, started: float) -> DocumentResult:
    """The rest of ``store_document`` after ``_add``: the document recorded (with its
    counts of findings), its dump member kept."""
    adding.entry.violations, adding.entry.warnings = len(res.violations), len(res.warnings)
    res.action = journal.complete(store, adding)  # type: ignore[assignment]
    folder = getattr(store, "folder", None)
    if res.member is not None and folder is not None and res.action != "unchanged":
        from budgetkg.store.dumps import add_member, document_token

        try:  # the dump's member, made by the worker: the dump then reads nothing back
            assert res.graph is not None
            add_member(folder, res.graph, document_token(res.sha256), *res.member)
        except OSError:
            pass  # the dump makes it from the store instead (and says so if it cannot)
    res.seconds["store"] = time.perf_counter() - started
    res.ntriples = res.member = None  # free them now
    return res


def load_path(store: Store, path: str | Path, *, base: str, step: Step | None = None) -> DocumentResult:
    """Load one table file or RDF file (not validated) outside the load journal.

    Raises OSError (unreadable), ``budgetkg.store.DataError`` (invalid RDF) or
    ``ConversionError`` (a table file without what its IRIs need).
    """
    p = Path(path)
    if rdf_file(p.name) is not None:
        if step:
            step("store")
        with year_statistics.refreshing(store, base) as changes:
            return load_rdf_file(store, p, changes)
    res = process_document(p, base, validate=False, step=step)
    _raise_for(res.error)
    if step:
        step("store")
    with year_statistics.refreshing(store, base):
        return store_document(store, None, p, res)


def _raise_for(error: DocumentError | None) -> None:
    if error is None:
        return
    if error.kind == "unreadable":
        raise OSError(error.message)
    from budgetkg.loader.rdf import ConversionError

    raise ConversionError(error.message)


def load_seed(store: Store, *, base: str, step: Step | None = None) -> list[DocumentResult]:
    """Fill an empty store: the ontology, then the embedded default document."""
    if step:
        step("ontology")
    reports = [load_ontology(store, base=base)]
    reports.append(load_path(store, seed_path(), base=base, step=step))
    return reports


def default_workers() -> int:
    import os

    return max(1, min(2, os.cpu_count() or 1))


def recover(store: Store) -> str | None:
    """Finish or undo a load interrupted by a crash (see ``budgetkg.store.journal``), then
    make the statistics of every year again if the crash came before they were
    (``budgetkg.year_statistics``)."""
    done = LoadJournal.of(store).recover(store)
    statistics = year_statistics.recover(store)
    if statistics is not None:
        note = f"statistics of {len(statistics)} year(s) made again after an interrupted load"
        done = note if done is None else f"{done}; {note}"
    return done


def _upgrade_stale(store: Store, on_upgrade: Callable[[int], Callable[[str, int], None] | None] | None) -> int:
    """Bring the summaries of documents loaded by older code up to date (an unchanged
    file is skipped, so its document would otherwise keep them); how many there were."""
    from budgetkg import upgrade

    if store.read_only:
        return 0
    stale = upgrade.stale_graphs(store)
    if stale:
        upgrade.upgrade(store, stale, on_graph=None if on_upgrade is None else on_upgrade(len(stale)))
    return len(stale)


def load_corpus(
    store: Store,
    paths: Iterable[str | Path],
    *,
    base: str,
    workers: int | None = None,
    validate: bool = True,
    strict: bool = False,
    on_result: Callable[[Path, DocumentResult], None] | None = None,
    sources: Mapping[Path, SourceInfo] | None = None,
    publish_contacts: bool = False,
    on_compact: Callable[[], None] | None = None,
    on_upgrade: Callable[[int], Callable[[str, int], None] | None] | None = None,
) -> LoadSummary:
    """Load table files (and RDF files) into ``store``, one document at a time.

    Table files are processed by ``workers`` processes (None: up to 2, one per core;
    0 or 1: in this process) and written by this process in the order given. A file
    whose content is already loaded from the same path is skipped ("unchanged"). SHACL
    violations are reported and the document is still loaded, unless ``strict``: then
    it is refused and the path keeps what it had. ``on_result`` sees every file as it
    is done (progress bars, messages), its ``action`` set. Raises ``StoreError`` if the
    store fails. ``sources``: where files were downloaded from (``--source-url``); a
    file not in it uses its sidecar ``FILE.source.json`` if it has one. At the end the
    store merges the files its bulk writes left, once enough have piled up
    (``Store.compaction_due``); ``on_compact`` is told first (it can take a while).
    Before any file, documents the store holds from older code get this code's
    summaries (``budgetkg.upgrade``): ``on_upgrade(n)`` is told how many, and may return
    a callback that follows each one. Then the statistics of the years whose documents
    changed are made again (``budgetkg.year_statistics``).
    """
    started = time.perf_counter()
    files = [Path(p) for p in paths]
    summary = LoadSummary(documents=len(files), validated=validate)
    summary.recovered = recover(store)
    journal = LoadJournal.of(store)  # (read after recover, which may change the list)
    with year_statistics.refreshing(store, base) as changes:
        summary.upgraded = _upgrade_stale(store, on_upgrade)
        written = _load_files(store, journal, files, summary, changes, base=base, workers=workers,
                              validate=validate, strict=strict, on_result=on_result, sources=sources,
                              publish_contacts=publish_contacts)
    summary.statistics = changes.done
    if written and store.compaction_due():
        if on_compact is not None:
            on_compact()
        summary.compacted = store.compact()
    summary.seconds = time.perf_counter() - started
    return summary


def _load_files(store: Store, journal: LoadJournal, files: list[Path], summary: LoadSummary,
                changes: year_statistics.Changes, *, base: str, workers: int | None, validate: bool,
                strict: bool, on_result: Callable[[Path, DocumentResult], None] | None,
                sources: Mapping[Path, SourceInfo] | None, publish_contacts: bool) -> int:
    """The files of ``load_corpus``, each written through the journal; how many table
    files were processed (not skipped as unchanged)."""
    from budgetkg.loader import iris
    from budgetkg.loader.provenance import SourceInfoError, read_sidecar

    def finish(path: Path, res: DocumentResult) -> None:
        summary.add(res)
        if on_result is not None:
            on_result(path, res)

    def store_result(path: Path, res: DocumentResult) -> None:
        finish(path, store_document(store, journal, path, res, strict))

    todo: list[Path] = []
    infos: dict[Path, SourceInfo | None] = {}
    for path in files:
        if rdf_file(path.name) is not None:
            try:
                res = load_rdf_file(store, path, changes)
            except (OSError, ValueError) as exc:
                res = DocumentResult(str(path), error=DocumentError("invalid", str(exc)), action="failed")
            finish(path, res)
            continue
        try:
            sha = file_sha256(path)
        except OSError as exc:
            finish(path, DocumentResult(str(path), error=DocumentError("unreadable", str(exc.strerror or exc)),
                                        action="failed"))
            continue
        graph = str(iris.document_graph_iri(base, sha))
        try:
            info = (sources or {}).get(path) or read_sidecar(path)
        except SourceInfoError as exc:
            finish(path, DocumentResult(str(path), sha, error=DocumentError("invalid", str(exc)), action="failed"))
            continue
        infos[path] = info
        if journal.unchanged(store, path, sha, graph) and _has_source(store, graph, info):
            entry = journal.get(path)
            assert entry is not None
            finish(path, DocumentResult(str(path), sha, graph, tables=entry.tables, triples=entry.triples,
                                        action="unchanged"))
            continue
        todo.append(path)

    n = default_workers() if workers is None else workers
    member = getattr(store, "folder", None) is not None  # an on-disk store keeps a dump
    if n <= 1 or len(todo) <= 1:
        for path in todo:
            # Unless --strict (the findings decide whether it is written), the store is
            # written while the document is validated: a write waits on the disk (fsyncs).
            writing = None if strict else _Writing(store, journal, path, member)
            try:
                res = process_document(path, base, validate, source=infos.get(path),
                                       publish_contacts=publish_contacts, dump_member=member and writing is None,
                                       on_serialized=None if writing is None else writing.start)
            except BaseException:
                if writing is not None:
                    writing.wait()  # not closing the store under it (its journal says "adding")
                raise
            if writing is not None and writing.started:
                finish(path, writing.result())
            else:
                store_result(path, res)
    else:
        _run_pool(todo, base, validate, min(n, len(todo)), store_result, infos, publish_contacts, member)
    return len(todo)


class _Writing:
    """``store_document`` of one result with its write to the store started early:
    ``process_document`` calls ``start`` once the N-Triples are made, before validation,
    and the graph is loaded in a thread meanwhile (pyoxigraph lets the interpreter run;
    the write waits on the disk; the dump's member, if ``member``, is made in a second
    thread beside it).
    ``result`` then records the document with its findings: the journal's steps and
    files are those of ``store_document`` (``LoadJournal.add``)."""

    def __init__(self, store: Store, journal: LoadJournal, path: Path, member: bool = False) -> None:
        self.store, self.journal, self.path, self.member = store, journal, path, member
        self.started = False
        self._thread: Any = None
        self._adding: Adding | None = None
        self._error: BaseException | None = None
        # the dump's member (``member``): its thread, in-memory store, gzip member, error
        self._member_thread: Any = None
        self._scratch: Any = None
        self._made: tuple[bytes, int] | None = None
        self._member_error: BaseException | None = None

    def start(self, res: DocumentResult) -> Callable[[], Any] | None:
        """Start writing; returns what gives validation its SPARQL checks' store, if the
        member's in-memory store is to be it (``sparql_store``)."""
        import threading

        self._res, self._t = res, time.perf_counter()
        self._thread = threading.Thread(target=self._add, name="budgetkg-write", daemon=True)
        self._thread.start()
        self.started = True
        if not self.member:
            return None
        # The dump's member beside the write, not after it: the write mostly waits on
        # the disk, the member is CPU (pyoxigraph and zlib let the interpreter run).
        self._scratch_ready = threading.Event()
        self._member_thread = threading.Thread(target=self._member, name="budgetkg-member", daemon=True)
        self._member_thread.start()
        return self.sparql_store

    def _add(self) -> None:
        try:
            self._adding = _add(self.store, self.journal, self.path, self._res)
        except BaseException as exc:  # raised in the loader's thread by result()
            self._error = exc

    def _member(self) -> None:
        from budgetkg.store.dumps import canonical, compress

        res = self._res
        try:
            assert res.ntriples is not None and res.graph is not None
            self._scratch, nquads = canonical(res.ntriples, res.graph)
            self._scratch_ready.set()
            self._made = compress(nquads)
        except BaseException as exc:  # raised in the loader's thread by result()
            self._member_error = exc
        finally:
            self._scratch_ready.set()

    def sparql_store(self) -> Any:
        """The member's in-memory store (the document in its graph) made the SPARQL
        checks' store (``shacl.checks_view``): the data is not parsed a third time.
        Called by validation once its Core checks are done; waits for the store."""
        import pyoxigraph as ox

        from budgetkg.loader.shacl import checks_view

        self._scratch_ready.wait()
        if self._scratch is None:
            assert self._member_error is not None
            raise self._member_error
        assert self._res.graph is not None
        return checks_view(self._scratch, ox.NamedNode(self._res.graph))

    def wait(self) -> None:
        """Let a started write end (what it raised is dropped: the caller is raising)."""
        for thread in (self._thread, self._member_thread):
            if thread is not None:
                thread.join()

    def result(self) -> DocumentResult:
        """The result (validated by then), written and recorded; raises what the write raised."""
        self.wait()
        if self._error is not None:
            raise self._error
        if self._member_error is not None:
            raise self._member_error
        assert self._adding is not None
        if self._adding.action != "unchanged":  # (else the dump keeps the member it has)
            self._res.member = self._made
        return _complete(self.store, self.journal, self._res, self._adding, self._t)


def make_process_pool(workers: int) -> Any:
    """The loader's worker processes (tests swap it for one that records what is in flight)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn, not fork: the parent has the store (RocksDB threads) open.
    ctx = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=warm_worker)


def _process(path: Path, base: str, validate: bool, source: SourceInfo | None,
             publish_contacts: bool = False, dump_member: bool = False) -> DocumentResult:
    """``process_document`` for a worker process (positional arguments)."""
    return process_document(path, base, validate, source=source, publish_contacts=publish_contacts,
                            dump_member=dump_member)


def _has_source(store: Store, graph: str, info: SourceInfo | None) -> bool:
    """Whether the loaded graph already says where the file came from (as ``info`` says)."""
    if info is None:
        return True
    day = f'; <{BKG.retrievedOn}> "{info.retrieved.isoformat()}"^^<http://www.w3.org/2001/XMLSchema#date>' if info.retrieved else ""
    found = store.query(f"ASK {{ GRAPH <{graph}> {{ ?d <http://www.w3.org/ns/dcat#downloadURL> <{info.url}> {day} }} }}")
    return bool(found)


def _run_pool(todo: list[Path], base: str, validate: bool, workers: int,
              store_result: Callable[[Path, DocumentResult], None],
              infos: Mapping[Path, SourceInfo | None], publish_contacts: bool = False,
              dump_member: bool = False) -> None:
    """Feed ``todo`` to worker processes, at most 2 per worker queued, in order."""
    from collections import deque
    from concurrent.futures import Future

    pending: deque[tuple[Path, Future[DocumentResult]]] = deque()
    queue = iter(todo)
    with make_process_pool(workers) as pool:
        try:
            for path in queue:
                pending.append((path, pool.submit(_process, path, base, validate, infos.get(path),
                                                   publish_contacts, dump_member)))
                if len(pending) >= 2 * workers:
                    break
            while pending:
                path, future = pending.popleft()
                result = future.result()
                nxt = next(queue, None)
                if nxt is not None:  # keep the workers busy while this one is written
                    pending.append((nxt, pool.submit(_process, nxt, base, validate, infos.get(nxt),
                                                      publish_contacts, dump_member)))
                store_result(path, result)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
