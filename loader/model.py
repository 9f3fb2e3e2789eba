"""The ontology, concept schemes and SHACL shapes, read from the package's Turtle files.

The files live in ``ontology/`` (package ``budgetkg.ontology``) and are parsed once per
process; callers get copies, so nobody can change the cached model by accident.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from budgetkg.ontology import ONTOLOGY_FILES, SHAPES_FILE

from .iris import DEFAULT_BASE, ontology_graph_iri
from .namespaces import bind_prefixes

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _parse(*names: str) -> Graph:
    """The files' triples in one rdflib graph, their prefixes bound as rdflib's parser
    binds them. Parsed by pyoxigraph: rdflib's Turtle parser took ~0.1 s of a seed load
    for these ~2,000 triples (tests/test_model.py: the same graph as rdflib's parse).
    Filled in one pass (``memgraph.graph_of``: half the time of ``addN``)."""
    import pyoxigraph as ox

    from .memgraph import BulkMemory, graph_of

    g = bind_prefixes(Graph(store=BulkMemory()))
    pkg = resources.files("budgetkg.ontology")
    terms: dict[object, Node] = {}  # each term converted once
    triples: list[tuple[Node, Node, Node]] = []
    prefixes: list[dict[str, str]] = []
    for name in names:
        parser = ox.parse((pkg / name).read_bytes(), format=ox.RdfFormat.TURTLE, base_iri=f"file:///{name}")
        try:
            triples.extend((_term(q.subject, terms), _term(q.predicate, terms), _term(q.object, terms))
                           for q in parser)
        except SyntaxError as exc:
            raise ValueError(f"ontology/{name} does not parse: {exc}") from None
        prefixes.append(parser.prefixes)
    graph_of(triples, g)  # type: ignore[arg-type]
    for bound in prefixes:  # (in the order the files bound them)
        for prefix, namespace in bound.items():
            g.bind(prefix, namespace)
    return g


def _term(term: object, seen: dict[object, Node]) -> Node:
    """A pyoxigraph term as rdflib's Turtle parser makes it (a plain string literal has
    no datatype; literals go through rdflib's own constructor, normalisation included)."""
    import pyoxigraph as ox

    node = seen.get(term)
    if node is None:
        if isinstance(term, ox.NamedNode):
            node = URIRef(term.value)
        elif isinstance(term, ox.BlankNode):
            node = BNode(term.value)
        elif term.language:  # type: ignore[attr-defined]
            node = Literal(term.value, lang=term.language)  # type: ignore[attr-defined]
        elif term.datatype.value == _XSD_STRING:  # type: ignore[attr-defined]
            node = Literal(term.value)  # type: ignore[attr-defined]
        else:
            node = Literal(term.value, datatype=URIRef(term.datatype.value))  # type: ignore[attr-defined]
        seen[term] = node
    return node


@lru_cache(maxsize=1)
def _ontology() -> Graph:
    return _parse(*ONTOLOGY_FILES)


@lru_cache(maxsize=1)
def _shapes() -> Graph:
    return _parse(SHAPES_FILE)


def _copy(g: Graph) -> Graph:
    out = bind_prefixes(Graph())
    out += g
    return out


def ontology_graph() -> Graph:
    """The ontology and its concept schemes (levels, attributes, fund sources, …)."""
    return _copy(_ontology())


def shapes_graph() -> Graph:
    """The SHACL shapes (``ontology/shapes.ttl``)."""
    return _copy(_shapes())


def ontology_graph_name(base: str = DEFAULT_BASE) -> URIRef:
    """The named-graph IRI under which the ontology graph is loaded."""
    return ontology_graph_iri(base)


def cached_ontology_graph() -> Graph:
    """The shared parsed ontology, for read-only use (validation); never modify it."""
    return _ontology()


def cached_shapes_graph() -> Graph:
    """The shared parsed shapes, for read-only use (validation); never modify it."""
    return _shapes()
