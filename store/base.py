"""The store interface: what the loader, the API and the service need, and no more.

Graphs are replaced whole from serialized RDF (like the Graph Store Protocol's PUT),
and query results come back as pyoxigraph result objects, the neutral in-memory model
that ``budgetkg.service.formats`` serializes (a remote backend gets them with
``pyoxigraph.parse`` and ``parse_query_results``).

Documents live in named graphs; the store's own default graph stays empty and, unless
a query names its dataset, queries see the union of all named graphs as their default
graph. A new backend subclasses ``Store`` (see ``oxigraph`` and ``remote``) and is
chosen in ``opening.open_store``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from types import TracebackType
from typing import Union

import pyoxigraph as ox

QueryResults = Union[ox.QuerySolutions, ox.QueryBoolean, ox.QueryTriples]

N_TRIPLES = "application/n-triples"
N_QUADS = "application/n-quads"


class StoreError(Exception):
    """The store cannot be opened, read or written."""


class StoreBusyError(StoreError):
    """Another process holds the store in a way that excludes this use."""


class StoreCorruptError(StoreError):
    """The database files are damaged (truncated, garbled, missing); the message says how to rebuild."""


class DataError(StoreError, ValueError):
    """The RDF given to the store is not valid (the message has line and column)."""


class QueryError(ValueError):
    """The query or its dataset is invalid (the message is the parser's)."""


class QuerySyntaxError(QueryError):
    """The query text does not parse; the message names the line and column and shows
    the line with a caret (``budgetkg.store.sparql_errors``). ``engine_message`` is the
    parser's own words, ``line`` and ``column`` count from 1."""

    def __init__(self, query: str, engine_message: str) -> None:
        from .sparql_errors import describe, position

        self.query = query
        self.engine_message = engine_message
        pos = position(query, engine_message)
        self.line = pos.line if pos else None
        self.column = pos.column if pos else None
        super().__init__(describe(query, engine_message) or engine_message)


class QueryTimeout(StoreError):
    """The store itself stopped the query at its time limit (remote stores)."""


class QueryOverLimit(StoreError):
    """The store refused a valid query for one of its own size limits (remote stores:
    Virtuoso's temporary rows of ~4 KB, for one): as a time limit, the query is not
    wrong, it asks for more than this store does (the service answers 422)."""


class Store(ABC):
    """A dataset of named graphs that can be replaced whole and queried with SPARQL."""

    read_only: bool = False
    #: True when other processes may change the data while this one reads (a remote
    #: store): the service then asks for ``version()`` and ``graphs()`` as it goes.
    shared: bool = False

    @abstractmethod
    def is_empty(self) -> bool:
        """True when the store holds no triple at all."""

    @abstractmethod
    def graphs(self) -> list[str]:
        """The IRIs of the named graphs, sorted."""

    @abstractmethod
    def replace_graphs(
        self,
        data: bytes | str,
        media_type: str = N_QUADS,
        *,
        graph_iri: str | None = None,
    ) -> dict[str, int]:
        """Replace, in one transaction, every graph the data names by its content.

        Triples outside a named graph (all of them, for a triple format such as
        N-Triples or Turtle) go to ``graph_iri``; without one they are an error.
        Returns the number of triples written to each graph.
        """

    def replace_graph(self, graph_iri: str, data: bytes | str, media_type: str = N_TRIPLES) -> int:
        """Replace graph ``graph_iri`` by the triples of ``data``, atomically."""
        return self.replace_graphs(data, media_type, graph_iri=graph_iri).get(graph_iri, 0)

    def patch_graph(self, graph_iri: str, remove: list[ox.Triple], add: list[ox.Triple]) -> None:
        """Remove the triples ``remove`` from graph ``graph_iri`` and add ``add``, atomically.

        By default the graph is read, changed and replaced whole (``replace_graph``,
        whose derived summaries are then those of the changed graph)."""
        gone = set(remove)
        kept = [q.triple for q in self.graph_quads(graph_iri) if q.triple not in gone]
        self.replace_graph(graph_iri, ox.serialize(kept + add, format=ox.RdfFormat.N_TRIPLES), N_TRIPLES)

    @abstractmethod
    def drop_graph(self, graph_iri: str) -> bool:
        """Remove a graph; False if there was no such graph."""

    def has_graph(self, graph_iri: str) -> bool:
        """True when the store holds a named graph ``graph_iri``."""
        return graph_iri in self.graphs()

    def add_graph_bulk(self, graph_iri: str, data: bytes, media_type: str = N_TRIPLES) -> None:
        """Add triples to graph ``graph_iri`` as fast as the backend can.

        Unlike ``replace_graphs`` this need not be atomic (a crash may leave part of the
        triples); ``budgetkg.store.journal`` journals such loads and rolls them back. By default
        it is an atomic replace.
        """
        self.replace_graph(graph_iri, data, media_type)

    @abstractmethod
    def query(
        self,
        sparql: str,
        *,
        default_graph_union: bool = True,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResults:
        """Run a SPARQL query (never an update).

        The dataset, as in the SPARQL 1.1 Protocol: if ``default_graphs`` or
        ``named_graphs`` is given (even empty), the query sees exactly those graphs,
        whatever its FROM clauses say; else its FROM / FROM NAMED clauses choose
        among the store's graphs (a graph the store lacks is empty, never fetched);
        else the default graph is the union of all named graphs when
        ``default_graph_union`` is true, or the store's (empty) default graph.
        """

    def graph_quads(self, graph_iri: str) -> Iterator[ox.Quad]:
        """The quads of one named graph (the dump reads graphs this way)."""
        node = named_node(graph_iri, QueryError)
        for row in self.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH {node} {{ ?s ?p ?o }} }}",  # type: ignore[union-attr]
                              named_graphs=[graph_iri]):
            yield ox.Quad(row["s"], row["p"], row["o"], node)

    def compaction_due(self) -> bool:
        """Whether enough bulk writes have piled up for ``compact`` to pay (the embedded
        store, ``OxigraphStore``); an engine that manages its own files (the remote
        store) never needs it."""
        return False

    def compact(self) -> float:
        """Merge the files bulk writes left behind; the seconds it took."""
        return 0.0

    @property
    def keeps_markers(self) -> bool:
        """Whether ``set_marker`` outlives this process (a store in memory has no next
        start to tell)."""
        return False

    def marker(self, name: str) -> str | None:
        """A note left by ``set_marker`` (by this process or an earlier one), or None."""
        return None

    def set_marker(self, name: str, text: str | None) -> None:
        """Keep ``text`` under ``name`` durably (None: remove it): a change in several
        steps says it has begun, so that a crash part-way is seen at the next start."""

    @abstractmethod
    def version(self) -> str:
        """A token that changes whenever the data changes (for HTTP caching)."""

    @abstractmethod
    def close(self) -> None:
        """Release the store; the object is unusable afterwards."""

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def rdf_format(media_type: str) -> ox.RdfFormat:
    """pyoxigraph's RDF format for a media type; DataError when there is none."""
    try:
        fmt = ox.RdfFormat.from_media_type(media_type)
    except ValueError:
        fmt = None
    if fmt is None:
        raise DataError(f"unsupported RDF media type {media_type!r}")
    return fmt


def group_by_graph(
    data: bytes | str,
    media_type: str,
    graph_iri: str | None = None,
    *,
    reserved: Callable[[str], bool] = lambda name: False,
) -> dict[str, list[ox.Triple]]:
    """Parse RDF into triples per named graph (the loading side of every backend).

    Triples outside a named graph go to ``graph_iri`` (an error without one); that graph
    is listed even when empty, so that replacing it with nothing empties it."""
    fmt = rdf_format(media_type)
    target = None if graph_iri is None else named_node(graph_iri, DataError)
    groups: dict[str, list[ox.Triple]] = {}
    try:
        for quad in ox.parse(data, format=fmt):
            graph = quad.graph_name
            if isinstance(graph, ox.DefaultGraph):
                if target is None:
                    raise DataError("triples outside a named graph, and no graph IRI given for them")
                name = target.value
            elif isinstance(graph, ox.NamedNode):
                name = graph.value
            else:
                raise DataError("graphs named by blank nodes are not supported")
            if reserved(name):
                raise DataError(f"graph {name} is reserved for budgetkg's bookkeeping")
            groups.setdefault(name, []).append(quad.triple)
    except SyntaxError as exc:
        raise DataError(str(exc)) from None
    if target is not None:
        groups.setdefault(target.value, [])
    return groups


def named_node(iri: str, error: type[Exception]) -> ox.NamedNode:
    try:
        return ox.NamedNode(iri)
    except ValueError as exc:
        raise error(f"invalid IRI {iri!r}: {exc}") from None


def named_nodes(iris: Iterable[str]) -> list[ox.NamedNode]:
    return [named_node(iri, QueryError) for iri in iris]
