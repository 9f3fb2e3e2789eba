"""Parse -> convert -> store, one document at a time.

Each table file is read (``budgetkg.loader.reader``), converted to one named graph
(``budgetkg.loader.rdf``), serialized to N-Triples once and handed to the store,
which replaces the document's graph in one transaction: loading a file again
replaces what it loaded before, never duplicates it. RDF files (.trig .nq .ttl .nt
.jsonld) go to the store as they are.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from budgetkg.loader.records import Document, Problem
from budgetkg.service.store import N_QUADS, N_TRIPLES, Store

from budgetkg.loader.sources import SUFFIXES as SOURCE_SUFFIXES

SEED_NAME = "000_aa5de0a37e870aea.txt"
#: Table files in a folder: text, and the formats of loader/sources (PDF, Word, Excel, HTML).
#: (In a folder the suffix picks the files; each file's content then decides its format.)
TABLE_SUFFIXES: frozenset[str] = frozenset({".txt"}) | SOURCE_SUFFIXES
#: RDF files loaded as they are, by extension.
RDF_MEDIA_TYPES: dict[str, str] = {
    ".trig": "application/trig",
    ".nq": N_QUADS,
    ".ttl": "text/turtle",
    ".nt": N_TRIPLES,
    ".jsonld": "application/ld+json",
}

Step = Callable[[str], None]


@dataclass
class LoadReport:
    """What loading one file (or the ontology) did."""

    source: str
    graphs: dict[str, int] = field(default_factory=dict)  # graph IRI -> triples
    tables: int = 0
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def seed_path() -> Path:
    """The embedded default dataset (a real document of the 2022 template)."""
    return Path(str(resources.files("budgetkg") / "data" / SEED_NAME))


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given; folders replaced by the loadable files under them, sorted."""
    out: list[Path] = []
    known = TABLE_SUFFIXES | set(RDF_MEDIA_TYPES)
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in known))
        else:
            out.append(p)
    return out


def _ntriples(graph: object) -> bytes:
    # The whole graph at once, written by pyoxigraph (each term formatted once; faster
    # than rdflib's serializer); the store parses it in Rust. Much faster than adding
    # triples one by one.
    from budgetkg.loader.memgraph import ntriples

    return ntriples(graph)  # type: ignore[arg-type]


def load_ontology(store: Store, *, base: str) -> LoadReport:
    """(Re)load the ontology and concept schemes into their named graph."""
    from budgetkg.loader import rdf

    import hashlib

    from budgetkg.catalog import Catalog

    started = time.perf_counter()
    name = str(rdf.ontology_graph_name(base))
    data = _ntriples(rdf.ontology_graph())
    sha = hashlib.sha256(data).hexdigest()
    catalog = Catalog.of(store)
    if catalog.graph_hashes.get(name) == sha and store.has_graph(name):
        # Unchanged: leave the store (and its version, hence caches and dumps) alone.
        return LoadReport("ontology", {name: data.count(b"\n")}, seconds=time.perf_counter() - started)
    count = store.replace_graph(name, data, N_TRIPLES)
    catalog.record_graph(name, sha)
    return LoadReport("ontology", {name: count}, seconds=time.perf_counter() - started)


def load_document(store: Store, doc: Document, *, base: str, step: Step | None = None) -> LoadReport:
    """Convert a parsed document and replace its graph in the store.

    Raises ``budgetkg.loader.rdf.ConversionError`` when the document cannot be
    converted (no fiscal year); documents with some bad tables still load the good ones.
    """
    from budgetkg.loader import rdf

    started = time.perf_counter()
    if step:
        step("convert")
    name, graph = rdf.document_graph(doc, base=base)
    data = _ntriples(graph)
    if step:
        step("store")
    count = store.replace_graph(str(name), data, N_TRIPLES)
    return LoadReport(doc.source, {str(name): count}, len(doc.projects), list(doc.problems),
                      time.perf_counter() - started)


def load_path(store: Store, path: str | Path, *, base: str, step: Step | None = None) -> LoadReport:
    """Load one table file or RDF file.

    Raises OSError (unreadable), ``budgetkg.service.store.DataError`` (invalid RDF)
    or ``ConversionError`` (a table file without what its IRIs need).
    """
    p = Path(path)
    media_type = RDF_MEDIA_TYPES.get(p.suffix.lower())
    if media_type is not None:
        started = time.perf_counter()
        if step:
            step("store")
        # Triples outside a named graph go to a graph named after the file.
        graphs = store.replace_graphs(p.read_bytes(), media_type, graph_iri=p.resolve().as_uri())
        return LoadReport(str(p), graphs, seconds=time.perf_counter() - started)
    from budgetkg.loader.reader import read_document

    started = time.perf_counter()
    if step:
        step("parse")
    doc = read_document(p)
    report = load_document(store, doc, base=base, step=step)
    report.seconds = time.perf_counter() - started
    return report


def load_seed(store: Store, *, base: str, step: Step | None = None) -> list[LoadReport]:
    """Fill an empty store: the ontology, then the embedded default document."""
    if step:
        step("ontology")
    reports = [load_ontology(store, base=base)]
    reports.append(load_path(store, seed_path(), base=base, step=step))
    return reports


# --- the streaming, validated, parallel loader -------------------------------------------
#
# Workers (processes) parse, convert, serialize and validate one document each and send
# back its N-Triples and a report; the parent, the store's only writer, writes them in
# the order given. At most ``2 x workers`` documents are queued (plus the one being
# written), so memory is bounded by a few documents whatever the size of the corpus.


@dataclass
class DocumentResult:
    """What a worker sends back for one table file (picklable)."""

    source: str
    sha256: str = ""
    graph: str | None = None
    ntriples: bytes | None = None
    tables: int = 0
    triples: int = 0
    problems: list[Problem] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)  # "FILE:LINE: violation: message"
    warnings: list[str] = field(default_factory=list)
    validated: bool = False
    error: str | None = None  # the document could not be read or converted
    seconds: dict[str, float] = field(default_factory=dict)  # per stage


@dataclass
class Outcome:
    """What loading one file did, for progress bars and reports."""

    path: Path
    action: str  # loaded | replaced | unchanged | refused | failed
    result: DocumentResult


@dataclass
class CorpusSummary:
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
        return (f"{self.documents} documents ({', '.join(parts)}): {self.tables} tables, {self.triples} triples; "
                f"{shacl}; reader problems: {self.problems}; {self.seconds:.1f} s "
                f"({rate:,.0f} triples/s; worker CPU s: {stages})")


def file_sha256(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def process_document(path: str | Path, base: str, validate: bool = True) -> DocumentResult:
    """Parse, convert, serialize and (unless told not to) SHACL-validate one table file.

    Runs in a worker process; never raises for bad content (the result says what went
    wrong). Memory: one document's records, graph and N-Triples.
    """
    from budgetkg.loader import rdf
    from budgetkg.loader.reader import read_document

    clock = time.process_time
    out = DocumentResult(str(path))
    t0 = clock()
    try:
        doc = read_document(path)
    except OSError as exc:
        out.error = f"cannot read: {exc.strerror or exc}"
        return out
    out.sha256, out.problems, out.tables = doc.sha256, list(doc.problems), len(doc.projects)
    t1 = clock()
    try:
        name, graph = rdf.document_graph(doc, base=base)
    except ValueError as exc:  # ConversionError
        out.error = str(exc)
        return out
    del doc
    out.graph = str(name)
    out.triples = len(graph)
    out.ntriples = _ntriples(graph)
    t2 = clock()
    out.seconds = {"parse": t1 - t0, "convert": t2 - t1}
    if validate:
        from budgetkg.loader.validate import validate_graph

        # copy=False: the graph is thrown away afterwards, so the ontology goes into it.
        result = validate_graph(graph, ntriples=out.ntriples, copy=False)
        out.violations = [_located(path, f) for f in result.violations]
        out.warnings = [_located(path, f) for f in result.warnings]
        out.validated = True
        out.seconds["validate"] = clock() - t2
    return out


def _located(path: str | Path, finding: Any) -> str:
    where = f"{path}:{finding.line}" if finding.line is not None else str(path)
    return f"{where}: {finding.severity}: {finding.message}"


def _warm_worker() -> None:
    """Parse the shapes and ontology once per worker process, before the first document."""
    from budgetkg.loader.shacl import cached_plan

    cached_plan()


def default_workers() -> int:
    import os

    return max(1, min(2, os.cpu_count() or 1))


def recover(store: Store) -> str | None:
    """Finish or undo a load interrupted by a crash (see ``budgetkg.catalog``)."""
    from budgetkg.catalog import Catalog

    return Catalog.of(store).recover(store)


def load_corpus(
    store: Store,
    paths: Iterable[str | Path],
    *,
    base: str,
    workers: int | None = None,
    validate: bool = True,
    strict: bool = False,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> CorpusSummary:
    """Load table files (and RDF files) into ``store``, one document at a time.

    Table files are processed by ``workers`` processes (None: up to 2, one per core;
    0 or 1: in this process) and written by this process in the order given. A file
    whose content is already loaded from the same path is skipped ("unchanged"). SHACL
    violations are reported and the document is still loaded, unless ``strict``: then
    it is refused and the path keeps what it had. ``on_outcome`` sees every file as it
    is done (progress bars, messages). Raises ``StoreError`` if the store fails.
    """
    from budgetkg.catalog import Catalog, Entry
    from budgetkg.loader import iris

    started = time.perf_counter()
    files = [Path(p) for p in paths]
    summary = CorpusSummary(documents=len(files), validated=validate)
    catalog = Catalog.of(store)
    summary.recovered = catalog.recover(store)

    def finish(path: Path, action: str, res: DocumentResult) -> None:
        if action in ("loaded", "replaced"):
            summary.loaded += 1
        elif action != "failed":
            setattr(summary, action, getattr(summary, action) + 1)
        else:
            summary.failed += 1
        if action != "failed" and action != "unchanged":
            summary.tables += res.tables
            summary.triples += res.triples
        summary.violations += len(res.violations)
        summary.warnings += len(res.warnings)
        summary.problems += sum(1 for p in res.problems if p.severity != "info")
        for k, v in res.seconds.items():
            summary.stage_seconds[k] = summary.stage_seconds.get(k, 0.0) + v
        if on_outcome is not None:
            on_outcome(Outcome(path, action, res))

    def store_result(path: Path, res: DocumentResult) -> None:
        if res.error is not None or res.graph is None or res.ntriples is None:
            finish(path, "failed", res)
            return
        if strict and res.violations:
            finish(path, "refused", res)
            return
        t = time.perf_counter()
        entry = Entry(str(path), res.sha256, res.graph, res.tables, res.triples,
                      len(res.violations), len(res.warnings))
        action = catalog.put(store, entry, res.ntriples, N_TRIPLES)
        res.seconds["store"] = time.perf_counter() - t
        res.ntriples = None  # free it now
        finish(path, action, res)

    todo: list[Path] = []
    for path in files:
        if path.suffix.lower() in RDF_MEDIA_TYPES:
            try:
                report = load_path(store, path, base=base)
            except (OSError, ValueError) as exc:
                finish(path, "failed", DocumentResult(str(path), error=str(exc)))
                continue
            finish(path, "loaded", DocumentResult(str(path), triples=report.triples))
            continue
        try:
            sha = file_sha256(path)
        except OSError as exc:
            finish(path, "failed", DocumentResult(str(path), error=f"cannot read: {exc.strerror or exc}"))
            continue
        graph = str(iris.document_graph_iri(base, sha))
        if catalog.unchanged(store, path, sha, graph):
            entry = catalog.get(path)
            assert entry is not None
            finish(path, "unchanged", DocumentResult(str(path), sha, graph, tables=entry.tables,
                                                     triples=entry.triples))
            continue
        todo.append(path)

    n = default_workers() if workers is None else workers
    if n <= 1 or len(todo) <= 1:
        for path in todo:
            store_result(path, process_document(path, base, validate))
    else:
        _run_pool(todo, base, validate, min(n, len(todo)), store_result)
    summary.seconds = time.perf_counter() - started
    return summary


def make_executor(workers: int) -> Any:
    """The worker pool (tests swap it for one that records what is in flight)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn, not fork: the parent has the store (RocksDB threads) open.
    ctx = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_warm_worker)


def _run_pool(todo: list[Path], base: str, validate: bool, workers: int,
              store_result: Callable[[Path, DocumentResult], None]) -> None:
    """Feed ``todo`` to worker processes, at most 2 per worker queued, in order."""
    from collections import deque
    from concurrent.futures import Future

    pending: deque[tuple[Path, Future[DocumentResult]]] = deque()
    queue = iter(todo)
    with make_executor(workers) as pool:
        try:
            for path in queue:
                pending.append((path, pool.submit(process_document, path, base, validate)))
                if len(pending) >= 2 * workers:
                    break
            while pending:
                path, future = pending.popleft()
                result = future.result()
                nxt = next(queue, None)
                if nxt is not None:  # keep the workers busy while this one is written
                    pending.append((nxt, pool.submit(process_document, nxt, base, validate)))
                store_result(path, result)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
