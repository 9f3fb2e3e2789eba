"""Resource descriptions written for people as well as programs.

Turtle: grouped by subject (the described resource first, ``rdf:type`` first in each
group) with the service's prefixes, which pyoxigraph then writes with ``;`` and ``,``.
JSON-LD: compacted with an ``@context`` of the same prefixes (rdflib's serializer;
pyoxigraph writes expanded JSON-LD). Other formats are pyoxigraph's own.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import pyoxigraph as ox

from .formats import Format, serialize_graph

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def grouped(triples: list[ox.Triple], first: str | None = None) -> list[ox.Triple]:
    """The triples ordered by subject (``first``, else the subject of the most triples,
    before the others), type first."""
    if first is None and triples:
        counts: dict[str, int] = {}
        for t in triples:
            counts[t.subject.value] = counts.get(t.subject.value, 0) + 1
        first = max(counts, key=lambda s: (counts[s], s))
    def key(t: ox.Triple) -> tuple[bool, str, bool, str]:
        subject = t.subject.value
        return (subject != first, subject, t.predicate.value != RDF_TYPE, t.predicate.value)
    return sorted(triples, key=key)  # stable: objects keep the store's order


def serialize_description(triples: list[ox.Triple], fmt: Format, prefixes: Mapping[str, str],
                          about: str | None = None) -> bytes:
    ordered = grouped(triples, about)
    if fmt.name != "jsonld-compacted":  # the other JSON-LD forms when a profile asks for them
        return serialize_graph(ordered, fmt, prefixes)
    from rdflib import Graph

    graph = Graph()
    # Empty strings last: rdflib's compaction (7.x, JsonLDSerializer.add_to_node) takes a
    # property's first value "" for no value and overwrites it with the next one, so a
    # "" before another value of its property was lost (the seed prints empty targets).
    ordered = sorted(ordered, key=lambda t: isinstance(t.object, ox.Literal) and t.object.value == "")  # stable
    for t in ordered:  # term by term: blank nodes keep their labels (the same answer twice)
        graph.add((_rdflib(t.subject), _rdflib(t.predicate), _rdflib(t.object)))
    context = dict(prefixes)
    body = graph.serialize(format="json-ld", context=context, auto_compact=True)
    return (json.dumps(json.loads(body), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> object:
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)  # lexical form kept
    raise TypeError(f"unexpected term {term!r}")
