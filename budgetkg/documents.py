"""One table file -> one validated document graph: the single way every command does it.

``process_document`` reads a file (``budgetkg.loader.reader``), converts it to one
named graph (``budgetkg.loader.rdf``), serializes it to N-Triples and SHACL-validates
it (``budgetkg.loader.validate``). ``budgetkg load`` (into a store, or ``--out`` a
file), ``budgetkg validate``, ``budgetkg serve`` and ``budgetkg.api`` all call it; the
loader runs it in worker processes, so it never raises for bad content and its result
pickles.

The result keeps everything structured until the CLI prints it: reader ``Problem``s,
SHACL ``Finding``s (with their line), and a ``DocumentError`` when the file could not
be read or converted.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from budgetkg.loader.provenance import SourceInfo, read_sidecar
from budgetkg.loader.records import Problem
from budgetkg.paths import TABLE_SUFFIXES, expand_paths  # noqa: F401 - (re-exported)

if TYPE_CHECKING:  # (validate imports the SHACL machinery: only when a document is validated)
    from rdflib import Graph

    from budgetkg.loader.validate import Finding, ValidationResult

SEED_NAME = "000_aa5de0a37e870aea.txt"

Step = Callable[[str], None]
#: What happened to a file in a load.
Action = Literal["", "loaded", "replaced", "unchanged", "refused", "failed"]


@dataclass(frozen=True)
class DocumentError:
    """Why a file gave no graph: ``unreadable`` (I/O) or ``invalid`` (cannot be converted)."""

    kind: Literal["unreadable", "invalid"]
    message: str

    def __str__(self) -> str:
        return f"cannot read: {self.message}" if self.kind == "unreadable" else self.message


@dataclass
class DocumentResult:
    """What became of one file: its graph, its problems and findings (picklable)."""

    source: str
    sha256: str = ""
    graph: str | None = None  # the document's named graph (IRI)
    ntriples: bytes | None = None  # the graph serialized, when asked for (a store load)
    member: tuple[bytes, int] | None = None  # its dump member and quads, when asked for (store.dumps.member_of)
    rdf: Graph | None = None  # the graph itself, when asked for (--out, validate)
    tables: int = 0
    triples: int = 0
    problems: list[Problem] = field(default_factory=list)  # the reader's
    validation: ValidationResult | None = None  # None: not validated
    error: DocumentError | None = None
    action: Action = ""  # set by the loader
    seconds: dict[str, float] = field(default_factory=dict)  # CPU seconds per stage

    @property
    def validated(self) -> bool:
        return self.validation is not None

    @property
    def findings(self) -> list[Finding]:
        return [] if self.validation is None else self.validation.findings

    @property
    def violations(self) -> list[Finding]:
        return [] if self.validation is None else self.validation.violations

    @property
    def warnings(self) -> list[Finding]:
        return [] if self.validation is None else self.validation.warnings

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def located(source: str | Path, finding: Finding) -> str:
    """``FILE:LINE: severity: message`` (how the CLI prints a finding)."""
    where = f"{source}:{finding.line}" if finding.line is not None else str(source)
    return f"{where}: {finding.severity}: {finding.message}"


def seed_path() -> Path:
    """The embedded default dataset (a real document of the 2022 template)."""
    return Path(str(resources.files("budgetkg") / "data" / SEED_NAME))


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def process_document(
    path: str | Path,
    base: str,
    validate: bool = True,
    *,
    lang: str = "en",
    serialize: bool = True,
    keep_graph: bool = False,
    keep_report: bool = False,
    step: Step | None = None,
    source: SourceInfo | None = None,
    publish_contacts: bool = False,
    dump_member: bool = False,
    on_serialized: Callable[[DocumentResult], Callable[[], Any] | None] | None = None,
) -> DocumentResult:
    """Parse, convert, serialize and (unless told not to) SHACL-validate one table file.

    ``serialize``: keep the N-Triples (what a store loads). ``keep_graph``: keep the
    rdflib graph (what ``--out`` writes; it is then validated on a copy).
    ``dump_member``: also make the graph's gzip member of the dump (a load into an
    on-disk store: the worker compresses, not the store's writer).
    ``keep_report``: keep the SHACL report graph (``validate --format ttl``). ``lang``:
    the language of the findings' messages. ``source``: where the file was downloaded
    from (None: its sidecar ``FILE.source.json``, if any). ``publish_contacts``: the setting
    of that name (personal contact fields into the RDF). ``on_serialized``: called with the
    result once its N-Triples (and member) are made, before validation (the loader starts
    writing the store then; it must not touch ``validation``); what it returns, if not None,
    gives validation its SPARQL checks' store (``validate_graph``'s ``sparql_store``). Never raises for bad content
    (the result says what went wrong). Memory: one document's records, graph and N-Triples.
    """
    from budgetkg.loader import rdf
    from budgetkg.loader.reader import read_document

    # this thread's CPU: the same as the process's in a worker, and without the store's
    # writes when the loader overlaps them with validation (``on_serialized``)
    clock = time.thread_time
    out = DocumentResult(str(path))
    t0 = clock()
    if step:
        step("parse")
    try:
        doc = read_document(path)
    except OSError as exc:
        out.error = DocumentError("unreadable", str(exc.strerror or exc))
        return out
    out.sha256, out.problems, out.tables = doc.sha256, list(doc.problems), len(doc.projects) + len(doc.tables)
    t1 = clock()
    if step:
        step("convert")
    try:
        if source is None:
            source = read_sidecar(path)
        name, graph = rdf.document_graph(doc, base=base, source=source, publish_contacts=publish_contacts)
    except ValueError as exc:  # ConversionError, SourceInfoError
        out.error = DocumentError("invalid", str(exc))
        return out
    del doc
    out.graph = str(name)
    out.triples = len(graph)
    ntriples = _ntriples(graph) if serialize or validate else None
    if serialize:
        out.ntriples = ntriples
        if dump_member and ntriples is not None:
            from budgetkg.store.dumps import member_of

            out.member = member_of(ntriples, out.graph)
    if keep_graph:
        out.rdf = graph
    t2 = clock()
    out.seconds = {"parse": t1 - t0, "convert": t2 - t1}
    sparql_store = None
    if on_serialized is not None and out.ntriples is not None:
        sparql_store = on_serialized(out)
    if validate:
        from budgetkg.loader.validate import validate_graph

        # copy=False (the graph thrown away afterwards) lets the ontology go into it.
        result = validate_graph(graph, lang=lang, ntriples=ntriples, copy=keep_graph, sparql_store=sparql_store)
        if not keep_report:
            result.report = None  # large, and not needed to report or decide
        out.validation = result
        out.seconds["validate"] = clock() - t2
    return out


def _ntriples(graph: object) -> bytes:
    # The whole graph at once, written by pyoxigraph (each term formatted once; faster
    # than rdflib's serializer); the store parses it in Rust.
    from budgetkg.loader.memgraph import ntriples

    return ntriples(graph)  # type: ignore[arg-type]


def warm_worker() -> None:
    """Parse the shapes and ontology once per worker process, before the first document."""
    from budgetkg.loader.shacl import cached_plan

    cached_plan()
