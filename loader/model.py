"""The ontology, concept schemes and SHACL shapes, read from the package's Turtle files.

The files live in ``ontology/`` (package ``budgetkg.ontology``) and are parsed once per
process; callers get copies, so nobody can change the cached model by accident.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from rdflib import Graph, URIRef

from .iris import DEFAULT_BASE, ontology_graph_iri
from .namespaces import bind_prefixes

ONTOLOGY_FILES: tuple[str, ...] = ("budgetkg.ttl", "concepts.ttl", "frameworks.ttl")
SHAPES_FILE = "shapes.ttl"


def _parse(*names: str) -> Graph:
    g = bind_prefixes(Graph())
    pkg = resources.files("budgetkg.ontology")
    for name in names:
        g.parse(data=(pkg / name).read_text(encoding="utf-8"), format="turtle", publicID=f"file:///{name}")
    return g


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
