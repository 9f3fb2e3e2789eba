"""Result formats: which ones the endpoint offers, how a request picks one, and
serialization with a cap on the number of rows.

Serialization is pyoxigraph's own (SPARQL JSON / XML / CSV / TSV for solutions and
booleans; Turtle, N-Triples, JSON-LD, RDF/XML for graphs). The row cap needs one
detour: pyoxigraph cannot serialize part of a solution sequence, so the kept rows
are written as SPARQL JSON, read back with ``parse_query_results`` and serialized
by pyoxigraph in the asked format (byte-for-byte what it would have written).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from json.encoder import encode_basestring as _string  # json.dumps' own (C) encoder
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from budgetkg.store import QueryResults

from .conneg import JSONLD_NS, Variant, best_variant

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
    profiles: tuple[str, ...] = ()  # JSON-LD profiles (forms) the output conforms to

    @property
    def media_type(self) -> str:
        return self.media_types[0]

    @property
    def content_type(self) -> str:
        params = "; charset=utf-8" if self.charset else ""
        named = [p for p in self.profiles if p != JSONLD_NS + "expanded"]
        if named:  # say which form was chosen when it is not the default
            params += '; profile="' + " ".join(self.profiles) + '"'
        return self.media_type + params

    def answering(self, media_type: str) -> Format:
        """This format, answered as ``media_type`` (one of its own media types)."""
        rest = tuple(m for m in self.media_types if m != media_type)
        return replace(self, media_types=(media_type, *rest))


_F = "http://www.w3.org/ns/formats/"

#: Formats of SELECT and ASK results, in order of preference.
RESULT_FORMATS: tuple[Format, ...] = (
    Format("json", ("application/sparql-results+json", "application/json"), ("json", "srj"), _F + "SPARQL_Results_JSON"),
    Format("xml", ("application/sparql-results+xml", "application/xml", "text/xml"), ("xml", "srx"), _F + "SPARQL_Results_XML"),
    Format("csv", ("text/csv",), ("csv",), _F + "SPARQL_Results_CSV"),
    Format("tsv", ("text/tab-separated-values",), ("tsv",), _F + "SPARQL_Results_TSV"),
)

#: Formats of CONSTRUCT and DESCRIBE results (and the service description). The aliases
#: include the names clients send as `format=` / `output=` (SPARQLWrapper: ``rdf+xml``,
#: ``n3``, ``json-ld``; N3 readers read Turtle).
GRAPH_FORMATS: tuple[Format, ...] = (
    Format("turtle", ("text/turtle", "application/x-turtle", "application/turtle", "text/n3", "text/rdf+n3"),
           ("turtle", "ttl", "n3"), _F + "Turtle"),
    Format("ntriples", ("application/n-triples", "text/plain"), ("ntriples", "n-triples", "nt"), _F + "N-Triples"),
    Format("jsonld", ("application/ld+json", "application/json"), ("jsonld", "json-ld", "json"), _F + "JSON-LD",
           profiles=(JSONLD_NS + "expanded",)),
    Format("rdfxml", ("application/rdf+xml", "application/xml", "text/xml"), ("rdfxml", "rdf", "xml", "rdf+xml"),
           _F + "RDF_XML"),
)

#: JSON-LD in the other document forms, offered only to a request naming their profile
#: (``Accept: application/ld+json; profile="http://www.w3.org/ns/json-ld#compacted"``).
#: rdflib writes them (one node object per subject; compacted with the dataset's prefixes).
JSONLD_FORMS: tuple[Format, ...] = (
    Format("jsonld-flattened", ("application/ld+json",), (), _F + "JSON-LD",
           profiles=(JSONLD_NS + "expanded", JSONLD_NS + "flattened")),
    Format("jsonld-compacted", ("application/ld+json",), (), _F + "JSON-LD",
           profiles=(JSONLD_NS + "compacted", JSONLD_NS + "flattened")),
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
FORMATS_BY_NAME: dict[str, Format] = {f.name: f for f in RESULT_FORMATS + GRAPH_FORMATS + JSONLD_FORMS}


class UnknownFormat(ValueError):
    """A `format=` value that names no format of the family."""


@lru_cache(maxsize=16)  # (a handful of families; made for every request otherwise)
def offered_variants(family: tuple[Format, ...]) -> tuple[tuple[Variant, Format], ...]:
    """The variants of a family in order of preference: every format's main media type
    first (so ``text/*`` picks CSV, not XML as ``text/xml``), then the other names."""
    out = [(Variant(f.media_type, frozenset(f.profiles)), f) for f in family]
    if any(f.name == "jsonld" for f in family):
        out += [(Variant(f.media_type, frozenset(f.profiles)), f) for f in JSONLD_FORMS]
    out += [(Variant(m, frozenset(f.profiles)), f.answering(m)) for f in family for m in f.media_types[1:]]
    return tuple(out)


def negotiate(
    family: tuple[Format, ...],
    accept: MIMEAccept,
    requested: str | Sequence[str] | None = None,
) -> Format | None:
    """The format to answer with, or None when none is acceptable (406).

    ``requested`` (the `format=` parameter, or several such values: an alias or a media
    type) wins over the Accept header; the first value naming a format of the family
    is used. Without either the family's first format is used. Accept is matched with
    q-values and parameters (:mod:`.conneg`); the format returned answers with the
    media type that matched.
    """
    values = [requested] if isinstance(requested, str) else list(requested or ())
    values = [v.strip() for v in values if v and v.strip()]
    if values:
        for value in values:
            key = value.lower()
            media_type = key.split(";")[0].strip()
            for fmt in family:
                if key in fmt.aliases:
                    return fmt
                if media_type in fmt.media_types:
                    return fmt.answering(media_type)
        raise UnknownFormat(
            f"unknown format {values[0]!r}; use one of "
            + ", ".join(f.aliases[0] for f in family)
        )
    if not accept:  # no Accept header: anything goes
        return family[0]
    offered = offered_variants(family)
    best = best_variant(accept, [v for v, _ in offered])
    if best is None:
        return None
    return next(fmt for v, fmt in offered if v is best)


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
    """Serialize ``results`` in ``fmt``, keeping at most ``max_rows`` rows or triples.

    Raises :class:`NotInXml` when XML was asked for and the results hold a character
    XML 1.0 cannot carry."""
    form = family_of(results)
    if form == "boolean":
        return Serialized(results.serialize(format=_OX_RESULTS[fmt.name]), fmt, False, form)  # type: ignore[union-attr]
    if form == "graph":
        triples = list(itertools.islice(results, max_rows + 1))  # type: ignore[arg-type]
        truncated = len(triples) > max_rows
        return Serialized(serialize_graph(triples[:max_rows], fmt, prefixes), fmt, truncated, form)
    assert isinstance(results, ox.QuerySolutions)
    names = [v.value for v in results.variables]
    rows = list(itertools.islice(results, max_rows + 1))
    truncated = len(rows) > max_rows
    if fmt.name == "csv":
        return Serialized(_solutions_csv(names, rows[:max_rows]), fmt, truncated, form)
    data = _solutions_json(names, rows[:max_rows])
    if fmt.name == "json":  # already the answer: no round trip through pyoxigraph
        return Serialized(data, fmt, truncated, form)
    # The kept rows as pyoxigraph results (it has no constructor for them), which then
    # writes XML or TSV exactly as the standards say.
    kept = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
    body = kept.serialize(format=_OX_RESULTS[fmt.name])
    return Serialized(xml_safe(body) if fmt.name == "xml" else body, fmt, truncated, form)


class NotInXml(ValueError):
    """The answer holds a character that XML 1.0 cannot carry, even escaped."""


# In UTF-8 these bytes only ever stand for themselves: C0 controls other than tab, LF
# and CR, and U+FFFE / U+FFFF (EF BF BE / EF BF BF).
_NOT_XML = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")


def xml_safe(body: bytes) -> bytes:
    """pyoxigraph's XML with carriage returns written ``&#13;`` (a parser turns a raw CR
    into a line feed), or :class:`NotInXml` for a character XML 1.0 has no way to write
    (U+0001 …): an error that says so rather than a document no parser reads."""
    bad = _NOT_XML.search(body)
    if bad:
        char = bad.group().decode("utf-8")
        raise NotInXml(
            f"the answer holds the character U+{ord(char):04X}, which XML 1.0 cannot carry; "
            "ask for another format (JSON, CSV or TSV results; Turtle, N-Triples or JSON-LD graphs)"
        )
    return body.replace(b"\r", b"&#13;")


def _solutions_csv(names: list[str], rows: list[ox.QuerySolution]) -> bytes:
    """SPARQL 1.1 CSV results: every field quoted as RFC 4180 says when it holds a comma,
    a quote or a line break, whatever the term (pyoxigraph leaves IRIs unquoted)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow(["" if term is None else _csv_text(term) for term in row])
    return out.getvalue().encode("utf-8")


def _csv_text(term: Any) -> str:
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return str(term)  # a triple term: its N-Triples form


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
                text = encoded[term] = _term_text(term)
            parts.append(key + text)
        bindings.append("{" + ",".join(parts) + "}")
    head = dumps({"vars": names}, ensure_ascii=False, separators=(",", ":"))
    return ('{"head":' + head + ',"results":{"bindings":[' + ",".join(bindings) + "]}}").encode("utf-8")


def _term_text(term: Any) -> str:
    """``_term_json(term)`` as ``json.dumps`` writes it (no spaces, non-ASCII as it is),
    written directly for the common terms: 3x faster than a dict through ``json.dumps``,
    whose string encoder it uses."""
    if isinstance(term, ox.NamedNode):
        return '{"type":"uri","value":' + _string(term.value) + "}"
    if isinstance(term, ox.Literal) and getattr(term, "direction", None) is None:
        text = '{"type":"literal","value":' + _string(term.value)
        if term.language:
            return text + ',"xml:lang":' + _string(term.language) + "}"
        if term.datatype.value == XSD_STRING:
            return text + "}"
        return text + ',"datatype":' + _string(term.datatype.value) + "}"
    return json.dumps(_term_json(term), ensure_ascii=False, separators=(",", ":"))


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
    """Serialize a graph in ``fmt`` (raises :class:`NotInXml` as :func:`serialize_results`)."""
    if fmt.name in ("jsonld-flattened", "jsonld-compacted"):
        return _jsonld_form(triples, compact=fmt.name == "jsonld-compacted", prefixes=prefixes)
    body = ox.serialize(triples, format=_OX_GRAPH[fmt.name], prefixes=dict(prefixes or {}))
    return xml_safe(body) if fmt.name == "rdfxml" else body


def _jsonld_form(triples: list[ox.Triple], *, compact: bool, prefixes: Mapping[str, str] | None) -> bytes:
    """Flattened JSON-LD (one node object per subject), compacted with ``prefixes`` as
    the context when ``compact``. Written by rdflib (pyoxigraph writes expanded only)."""
    import rdflib

    graph = rdflib.Graph()
    graph.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    if not compact:
        return graph.serialize(format="json-ld", encoding="utf-8")
    if prefixes is None:
        from budgetkg.loader.namespaces import PREFIXES

        prefixes = {name: str(ns) for name, ns in PREFIXES.items()}
    return graph.serialize(format="json-ld", context=dict(prefixes), auto_compact=True, encoding="utf-8")
