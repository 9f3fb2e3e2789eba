"""The remote backend: a SPARQL server (Virtuoso, Fuseki, GraphDB, Neptune) over HTTP.

Three layers, as in rdflib's SPARQL store: ``transport`` talks SPARQL 1.1 Query and
Update over HTTP; ``virtuoso`` holds what one server does differently; ``staging`` is
the load protocol that never leaves a graph half-written for readers. This module puts
them together behind the ``Store`` interface. See docs/stores.md for what differs from
the embedded store.

The union default graph: a server's own default graph is often the union of *all*
its graphs, system graphs included (Virtuoso), or empty (Fuseki without
``unionDefaultGraph``). So when neither the request nor the query names a dataset,
the store sends the document graphs as the protocol's ``default-graph-uri`` and
``named-graph-uri``, which gives the embedded store's semantics on any server.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence

from budgetkg.loader import summaries

from . import staging, union_check, virtuoso
from .base import N_QUADS, DataError, QueryError, QueryResults, Store, StoreError, group_by_graph, named_node
from .sparql_lexer import scan, tokens
from .staging import EMPTY, HOUSEKEEPING, STAGING_PREFIX
from .transport import Dataset, SparqlTransport

__all__ = ["EMPTY", "HOUSEKEEPING", "REFRESH_SECONDS", "STAGING_PREFIX", "RemoteStore"]

log = logging.getLogger(__name__)

#: Seconds the graph list is reused before the housekeeping graph (one small request)
#: is read again: a load through budgetkg re-lists the graphs at once.
REFRESH_SECONDS = 5.0
#: Seconds the graph list is reused at most (graphs changed by other means, e.g. a bulk
#: load): listing costs one grouped count over the store (0.1 s at 1M triples).
LIST_SECONDS = 60.0
#: Queries whose triple patterns are remembered (the library's, the users' most recent).
PATTERN_CACHE = 512


class RemoteStore(Store):
    """A SPARQL 1.1 server reached over HTTP.

    ``query_url`` answers queries, ``update_url`` (default: ``query_url``) updates.
    ``timeout`` bounds each query (HTTP client timeout, and a server-side limit where
    the server takes one: Virtuoso's ``timeout`` parameter). ``progress`` is called
    with the number of triples in each batch written.
    """

    shared = True  # other processes may load into it while this one serves

    def __init__(
        self,
        query_url: str,
        *,
        update_url: str | None = None,
        user: str = "",
        password: str = "",
        auth: str = "digest",
        timeout: float = 30.0,
        batch_triples: int = 1000,
        retries: int = 5,
        backoff: float = 0.5,
        base_iri: str = "",
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self.transport = SparqlTransport(query_url, update_url=update_url, user=user, password=password,
                                         auth=auth, timeout=timeout, retries=retries, backoff=backoff)
        self.batch_triples = batch_triples
        self.base_iri = base_iri
        self.progress = progress
        self._lock = threading.Lock()
        self._snapshot: tuple[float, float, staging.GraphList] | None = None  # listed, checked
        self._patterns: dict[str, list[str] | None] = {}
        self._elsewhere: dict[tuple[str, tuple[str, ...], tuple[str, ...]], bool] = {}

    @property
    def query_url(self) -> str:
        return self.transport.query_url

    @property
    def retries(self) -> int:
        return self.transport.retries

    @retries.setter
    def retries(self, value: int) -> None:
        self.transport.retries = value

    def __repr__(self) -> str:  # no credentials
        return f"RemoteStore({self.query_url!r})"

    # -- reading -----------------------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        default_graph_union: bool = True,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResults:
        shape = scan(sparql)
        if shape.form is None or shape.update_keyword:
            raise QueryError("not a SPARQL query: it must start with SELECT, CONSTRUCT, DESCRIBE or ASK "
                             "(after PREFIX and BASE declarations)")
        virtuoso.refuse_extensions(sparql)
        dataset: Dataset | None
        if default_graphs is not None or named_graphs is not None:
            dataset = ([_iri(g) for g in default_graphs or ()] or [EMPTY],
                       [_iri(g) for g in named_graphs or ()] or [EMPTY])
        elif shape.uses_from:
            # The query's FROM clauses choose among the store's graphs (servers do not
            # fetch them; see docs). FROM without FROM NAMED means no named graphs,
            # which servers such as Virtuoso read as "all of them".
            dataset = None if _uses_from_named(sparql) else ([], [EMPTY])
        elif default_graph_union:
            listing = self._listing()
            if listing.documents and self.transport.is_virtuoso() and self._own_default_graph_will_do(sparql, listing):
                return self.transport.query(sparql, shape.form, None)
            graphs = listing.documents or [EMPTY]
            dataset = (graphs, graphs)
        else:
            dataset = ([EMPTY], [EMPTY])
        return self.transport.query(sparql, shape.form, dataset)

    def _own_default_graph_will_do(self, sparql: str, listing: staging.GraphList) -> bool:
        """Whether the server's own default graph (all its graphs) gives this query the
        document graphs' answers: none of its triple patterns matches a triple of the
        server's other graphs (store/union_check.py; docs/stores.md).

        The housekeeping graph is read first (one small request): while a staging graph
        is being written the answer is no, and a load finished since re-lists now. The
        check's own answer is kept per query text, graph list and version."""
        with self._lock:
            if sparql not in self._patterns:
                if len(self._patterns) >= PATTERN_CACHE:
                    self._patterns.clear()
                    self._elsewhere.clear()
                self._patterns[sparql] = None  # parsed below, outside the lock
                fresh = True
            else:
                fresh = False
            patterns = self._patterns[sparql]
        if fresh:
            patterns = union_check.triple_patterns(sparql)
            with self._lock:
                self._patterns[sparql] = patterns
        if patterns is None:
            return False
        books = staging.bookkeeping(self.transport)
        if books.staging:
            return False
        if books.token != listing.token:
            listing = self._relist()
            if not listing.documents:
                return False
        if not patterns or not listing.others:
            return True
        key = (listing.version, tuple(patterns), tuple(listing.others))
        with self._lock:
            known = self._elsewhere.get(key)
        if known is None:
            ask = union_check.ask_elsewhere(patterns, [_iri(g) for g in listing.others])
            known = bool(self.transport.query(ask, "ASK", None))
            with self._lock:
                self._elsewhere[key] = known
        return not known

    def _listing(self) -> staging.GraphList:
        """The graph list: read once, then reused. Past ``REFRESH_SECONDS`` the
        housekeeping graph is read (one small request): a load through budgetkg since
        means re-listing now; past ``LIST_SECONDS`` the list is read again anyway."""
        with self._lock:
            snapshot = self._snapshot
        if snapshot is None:
            return self._relist()
        listed_at, checked_at, listing = snapshot
        now = time.monotonic()
        if now - checked_at < REFRESH_SECONDS:
            return listing
        if now - listed_at >= LIST_SECONDS or staging.bookkeeping(self.transport).token != listing.token:
            return self._relist()
        with self._lock:
            self._snapshot = (listed_at, now, listing)
        return listing

    def _relist(self) -> staging.GraphList:
        listing = staging.document_graphs(self.transport, self.base_iri)
        now = time.monotonic()
        with self._lock:
            self._snapshot = (now, now, listing)
        return listing

    def is_empty(self) -> bool:
        return not self.graphs()

    def graphs(self) -> list[str]:
        return list(self._listing().documents)

    def version(self) -> str:
        """Changes with every load through budgetkg, and when graphs or their total
        size change otherwise (re-read every ``REFRESH_SECONDS``, in the background)."""
        return self._listing().version

    # -- writing -----------------------------------------------------------------

    def replace_graphs(
        self,
        data: bytes | str,
        media_type: str = N_QUADS,
        *,
        graph_iri: str | None = None,
    ) -> dict[str, int]:
        groups = group_by_graph(data, media_type, graph_iri, reserved=staging.is_reserved)
        # a document's load-time summaries, derived from its own triples (docs/summaries.md)
        groups = {name: summaries.complete(triples) for name, triples in groups.items()}
        staged: dict[str, str] = {}
        try:
            for name, triples in groups.items():
                if triples:
                    staged[name] = staging.stage(self.transport, triples, self.batch_triples, self.progress)
            staging.swap(self.transport, list(groups), staged)
        finally:
            leftovers = list(staged.values())
            if leftovers:
                try:  # staging graphs are removed by the swap; after a failure, here
                    staging.drop_staging(self.transport, leftovers)
                except StoreError:
                    log.warning("could not remove %d staging graph(s)", len(leftovers))
        with self._lock:
            self._snapshot = None
        return {name: len(triples) for name, triples in groups.items()}

    def drop_graph(self, graph_iri: str) -> bool:
        node = named_node(graph_iri, DataError)
        if graph_iri not in self.graphs():
            return False
        staging.swap(self.transport, [node.value], {})
        with self._lock:
            self._snapshot = None
        return True

    @property
    def keeps_markers(self) -> bool:
        return True

    def marker(self, name: str) -> str | None:
        return staging.read_marker(self.transport, name)

    def set_marker(self, name: str, text: str | None) -> None:
        # in the housekeeping graph, which no reader's dataset includes
        staging.write_marker(self.transport, name, text)

    def _update(self, update: str) -> None:
        """One SPARQL Update through the transport (retried when transient)."""
        self.transport.update(update)

    def close(self) -> None:
        self._snapshot = None


def _uses_from_named(sparql: str) -> bool:
    previous = ""
    for kind, text in tokens(sparql):
        if kind in {"ws", "comment"}:
            continue
        word = text.upper() if kind == "word" else ""
        if previous == "FROM" and word == "NAMED":
            return True
        previous = word
    return False


def _iri(value: str) -> str:
    return named_node(value, QueryError).value
