"""Documentation of the ontology at ``/def/`` (as pyLODE renders one): every class and
property with its labels and comments in Chinese and English, super-classes, domains
and ranges, the concept schemes with their concepts, and the diagram.

Read from the packaged ``budgetkg.ontology`` files (the store holds only the header):
``budgetkg.ttl`` (classes, properties) and ``concepts.ttl`` (schemes), parsed once.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources

from markupsafe import Markup
from rdflib import OWL, RDF, RDFS, SKOS, BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from budgetkg.loader.namespaces import DEF as BKG
PROPERTY_TYPES = ((OWL.ObjectProperty, "object"), (OWL.DatatypeProperty, "datatype"),
                  (OWL.AnnotationProperty, "annotation"), (RDF.Property, "property"))


@dataclass
class Term:
    iri: str
    kind: str
    labels: dict[str, str] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    supers: list[str] = field(default_factory=list)
    domains: list[list[str]] = field(default_factory=list)  # each: one class or a union
    ranges: list[list[str]] = field(default_factory=list)
    members: list[Term] = field(default_factory=list)  # a scheme's concepts
    notation: str = ""

    @property
    def anchor(self) -> str:
        return self.iri[len(BKG):] if self.iri.startswith(BKG) else self.iri.rsplit("/", 1)[-1]


@dataclass
class OntologyDoc:
    header: Term
    classes: list[Term]
    properties: list[Term]
    schemes: list[Term]
    prefixes: dict[str, str]


def _texts(graph: Graph, node: Node, prop: URIRef) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in graph.objects(node, prop):
        out.setdefault(getattr(value, "language", None) or "", str(value))
    return out


def _classes(graph: Graph, node: Node) -> list[str]:
    """A class, or the members of an owl:unionOf."""
    if isinstance(node, BNode):
        union = graph.value(node, OWL.unionOf)
        if union is not None:
            return [str(n) for n in Collection(graph, union)]
        return []
    return [str(node)]


def _term(graph: Graph, node: URIRef, kind: str) -> Term:
    return Term(
        str(node), kind, _texts(graph, node, RDFS.label) or _texts(graph, node, SKOS.prefLabel),
        _texts(graph, node, RDFS.comment) or _texts(graph, node, SKOS.definition),
        sorted(str(o) for o in graph.objects(node, RDFS.subClassOf) if isinstance(o, URIRef))
        + sorted(str(o) for o in graph.objects(node, RDFS.subPropertyOf) if isinstance(o, URIRef)),
        [c for d in graph.objects(node, RDFS.domain) if (c := _classes(graph, d))],
        [c for r in graph.objects(node, RDFS.range) if (c := _classes(graph, r))],
        notation=str(graph.value(node, SKOS.notation) or ""),
    )


@functools.lru_cache(maxsize=1)
def ontology_doc() -> OntologyDoc:
    folder = resources.files("budgetkg.ontology")
    graph = Graph()
    graph.parse(data=(folder / "budgetkg.ttl").read_text(encoding="utf-8"), format="turtle")
    graph.parse(data=(folder / "concepts.ttl").read_text(encoding="utf-8"), format="turtle")
    header = _term(graph, URIRef(BKG), "ontology")
    classes = sorted((_term(graph, s, "class") for s in graph.subjects(RDF.type, OWL.Class)
                      if isinstance(s, URIRef)), key=lambda t: t.iri)
    seen: set[str] = set()
    properties: list[Term] = []
    for rdf_type, kind in PROPERTY_TYPES:
        for s in graph.subjects(RDF.type, rdf_type):
            if isinstance(s, URIRef) and str(s) not in seen:
                seen.add(str(s))
                properties.append(_term(graph, s, kind))
    properties.sort(key=lambda t: t.iri)
    schemes = []
    for s in sorted(graph.subjects(RDF.type, SKOS.ConceptScheme), key=str):
        scheme = _term(graph, s, "scheme")
        concepts = (set(graph.subjects(SKOS.inScheme, s)) | set(graph.subjects(SKOS.topConceptOf, s))
                    | set(graph.objects(s, SKOS.hasTopConcept)))
        members = [_term(graph, c, "concept") for c in concepts if isinstance(c, URIRef)]
        scheme.members = sorted(members, key=lambda t: (t.notation.zfill(8), t.iri))
        schemes.append(scheme)
    prefixes = {name: str(ns) for name, ns in graph.namespaces() if name}
    return OntologyDoc(header, classes, properties, schemes, prefixes)


@functools.lru_cache(maxsize=1)
def diagram() -> Markup:
    """The class diagram (graphviz SVG of ``ontology/budgetkg.svg``) to inline in the page."""
    text = (resources.files("budgetkg.ontology") / "budgetkg.svg").read_text(encoding="utf-8")
    start = text.find("<svg")
    return Markup(text[start:] if start >= 0 else "")
