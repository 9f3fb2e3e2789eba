"""Result formats: which ones the endpoint offers, how a request picks one, and
serialization with a cap on the number of rows.

Serialization is pyoxigraph's own (SPARQL JSON / XML / CSV / TSV for solutions and
booleans; Turtle, N-Triples, JSON-LD, RDF/XML for graphs). The row cap needs one
detour: pyoxigraph cannot serialize part of a solution sequence, so the kept rows
are written as SPARQL JSON, read back with ``parse_query_results`` and serialized
by pyoxigraph in the asked format (byte-for-byte what it would have written).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from budgetkg.store import QueryResults

if TYPE_CHECKING:  # only the type: workers do not import werkzeug
    from werkzeug.datastructures import MIMEAccept

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass(frozen=True)
class Format:
    """One serialization: its name, media types (first = the one answered) and aliases."""

    name: str
    media_types: tuple[str, ...]
    aliases: tuple[str, ...]  # values accepted by the `format=` parameter
    w3c_iri: str  # http://www.w3.org/ns/formats/… for the service description
    charset: bool = True

    @property
    def media_type(self) -> str:
        return self.media_types[0]

    @property
    def content_type(self) -> str:
        return self.media_type + ("; charset=utf-8" if self.charset else "")


_F = "http://www.w3.org/ns/formats/"

#: Formats of SELECT and ASK results, in order of preference.
RESULT_FORMATS: tuple[Format, ...] = (
    Format("json", ("application/sparql-results+json", "application/json"), ("json", "srj"), _F + "SPARQL_Results_JSON"),
    Format("xml", ("application/sparql-results+xml", "application/xml", "text/xml"), ("xml", "srx"), _F + "SPARQL_Results_XML"),
    Format("csv", ("text/csv",), ("csv",), _F + "SPARQL_Results_CSV"),
    Format("tsv", ("text/tab-separated-values",), ("tsv",), _F + "SPARQL_Results_TSV"),
)

#: Formats of CONSTRUCT and DESCRIBE results (and the service description).
GRAPH_FORMATS: tuple[Format, ...] = (
    Format("turtle", ("text/turtle", "application/x-turtle"), ("turtle", "ttl"), _F + "Turtle"),
    Format("ntriples", ("application/n-triples", "text/plain"), ("ntriples", "n-triples", "nt"), _F + "N-Triples"),
    Format("jsonld", ("application/ld+json", "application/json"), ("jsonld", "json-ld", "json"), _F + "JSON-LD"),
    Format("rdfxml", ("application/rdf+xml", "application/xml", "text/xml"), ("rdfxml", "rdf", "xml"), _F + "RDF_XML"),
)

_OX_RESULTS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
_OX_GRAPH = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
FORMATS_BY_NAME: dict[str, Format] = {f.name: f for f in RESULT_FORMATS + GRAPH_FORMATS}


class UnknownFormat(ValueError):
    """A `format=` value that names no format of the family."""


def negotiate(
    family: tuple[Format, ...],
    accept: MIMEAccept,
    requested: str | None = None,
) -> Format | None:
    """The format to answer with, or None when none is acceptable (406).

    ``requested`` (the `format=` parameter: an alias or a media type) wins over the
    Accept header; without either the family's first format is used. Accept is
    matched by werkzeug, q-values included.
    """
    if requested:
        key = requested.strip().lower()
        for fmt in family:
            if key in fmt.aliases or key in fmt.media_types:
                return fmt
        raise UnknownFormat(
            f"unknown format {requested!r}; use one of "
            + ", ".join(f.aliases[0] for f in family)
        )
    if not accept:  # no Accept header: anything goes
        return family[0]
    offered = [mt for fmt in family for mt in fmt.media_types]
    best = accept.best_match(offered)
    if best is None:
        return None
    return next(fmt for fmt in family if best in fmt.media_types)


@dataclass(frozen=True)
class Serialized:
    body: bytes
    format: Format
    truncated: bool
    form: str  # "solutions", "boolean" or "graph"


def family_of(results: QueryResults) -> str:
    if isinstance(results, ox.QueryBoolean):
        return "boolean"
    if isinstance(results, ox.QueryTriples):
        return "graph"
    return "solutions"


def serialize_results(
    results: QueryResults,
    fmt: Format,
    max_rows: int,
    prefixes: Mapping[str, str] | None = None,
) -> Serialized:
    """Serialize ``results`` in ``fmt``, keeping at most ``max_rows`` rows or triples."""
    form = family_of(results)
    if form == "boolean":
        return Serialized(results.serialize(format=_OX_RESULTS[fmt.name]), fmt, False, form)  # type: ignore[union-attr]
    if form == "graph":
        triples = list(itertools.islice(results, max_rows + 1))  # type: ignore[arg-type]
        truncated = len(triples) > max_rows
        body = ox.serialize(triples[:max_rows], format=_OX_GRAPH[fmt.name], prefixes=dict(prefixes or {}))
        return Serialized(body, fmt, truncated, form)
    assert isinstance(results, ox.QuerySolutions)
    names = [v.value for v in results.variables]
    rows = list(itertools.islice(results, max_rows + 1))
    truncated = len(rows) > max_rows
    data = _solutions_json(names, rows[:max_rows])
    if fmt.name == "json":  # already the answer: no round trip through pyoxigraph
        return Serialized(data, fmt, truncated, form)
    # The kept rows as pyoxigraph results (it has no constructor for them), which then
    # writes XML, CSV or TSV exactly as the standards say.
    kept = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
    return Serialized(kept.serialize(format=_OX_RESULTS[fmt.name]), fmt, truncated, form)


def _solutions_json(names: list[str], rows: list[ox.QuerySolution]) -> bytes:
    """SPARQL JSON results, byte for byte as pyoxigraph writes them. Written as text: each
    distinct term is encoded once (answers repeat their years, projects and labels), and
    joining strings is twice as fast as building a dict per row for ``json.dumps``."""
    dumps = json.dumps
    keys = [dumps(name, ensure_ascii=False) + ":" for name in names]
    encoded: dict[Any, str] = {}
    bindings = []
    for row in rows:
        parts = []
        for key, term in zip(keys, row):
            if term is None:
                continue
            text = encoded.get(term)
            if text is None:
                text = encoded[term] = dumps(_term_json(term), ensure_ascii=False, separators=(",", ":"))
            parts.append(key + text)
        bindings.append("{" + ",".join(parts) + "}")
    head = dumps({"vars": names}, ensure_ascii=False, separators=(",", ":"))
    return ('{"head":' + head + ',"results":{"bindings":[' + ",".join(bindings) + "]}}").encode("utf-8")


def _term_json(term: Any) -> dict[str, Any]:
    """A term in the SPARQL 1.1 JSON results format (with RDF 1.2 triple terms)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
            direction = getattr(term, "direction", None)
            if direction is not None:
                out["its:dir"] = str(direction.value if hasattr(direction, "value") else direction).lower()
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _term_json(term.subject),
                "predicate": _term_json(term.predicate),
                "object": _term_json(term.object),
            },
        }
    raise TypeError(f"unexpected term {term!r}")


def serialize_graph(triples: list[ox.Triple], fmt: Format, prefixes: Mapping[str, str] | None = None) -> bytes:
    """Serialize a small graph (e.g. the service description)."""
    return ox.serialize(triples, format=_OX_GRAPH[fmt.name], prefixes=dict(prefixes or {}))
