"""RDF file syntaxes by extension: the one table the loader, the CLI and the service read.

Each row: the extension, rdflib's name for the syntax (reading and ``--out``), the
media type (the store's parsers), whether the syntax holds named graphs, whether
``budgetkg load`` / ``validate --graph`` take it, and the service's format name when a
dereferenced IRI may ask for it by extension (``/id/….ttl``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath


@dataclass(frozen=True)
class RdfFile:
    extension: str
    rdflib_format: str
    media_type: str
    quads: bool  # holds named graphs
    loadable: bool = True  # read by `budgetkg load` and written by `load --out`
    service_format: str | None = None  # name in budgetkg.service.formats


RDF_FILES: tuple[RdfFile, ...] = (
    RdfFile(".trig", "trig", "application/trig", quads=True),
    RdfFile(".nq", "nquads", "application/n-quads", quads=True),
    RdfFile(".ttl", "turtle", "text/turtle", quads=False, service_format="turtle"),
    RdfFile(".nt", "nt", "application/n-triples", quads=False, service_format="ntriples"),
    RdfFile(".jsonld", "json-ld", "application/ld+json", quads=True, service_format="jsonld"),
    RdfFile(".rdf", "xml", "application/rdf+xml", quads=False, loadable=False, service_format="rdfxml"),
)

#: The extensions ``budgetkg load`` reads and ``load --out`` writes, in help-text order.
RDF_EXTENSIONS: tuple[str, ...] = tuple(f.extension for f in RDF_FILES if f.loadable)
BY_EXTENSION: dict[str, RdfFile] = {f.extension: f for f in RDF_FILES if f.loadable}


def rdf_file(path_or_suffix: str) -> RdfFile | None:
    """The loadable syntax of a file name or extension (case-insensitive), or None."""
    suffix = path_or_suffix if path_or_suffix.startswith(".") else PurePath(path_or_suffix).suffix
    return BY_EXTENSION.get(suffix.lower())
