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

from budgetkg.loader.records import Document, Problem
from budgetkg.service.store import N_QUADS, N_TRIPLES, Store

SEED_NAME = "000_aa5de0a37e870aea.txt"
TABLE_SUFFIXES: frozenset[str] = frozenset({".txt"})
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
    # rdflib writes the whole graph at once; the store parses it in Rust. Much
    # faster than adding triples one by one.
    return graph.serialize(format="nt", encoding="utf-8")  # type: ignore[attr-defined]


def load_ontology(store: Store, *, base: str) -> LoadReport:
    """(Re)load the ontology and concept schemes into their named graph."""
    from budgetkg.loader import rdf

    started = time.perf_counter()
    name = str(rdf.ontology_graph_name(base))
    count = store.replace_graph(name, _ntriples(rdf.ontology_graph()), N_TRIPLES)
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
