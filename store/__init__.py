"""Persistence: everything that reads or writes the store, and nothing else.

- ``base``: the ``Store`` interface, its errors and the RDF media types;
- ``oxigraph``: the embedded backend (pyoxigraph on disk, or in memory);
- ``remote``: a SPARQL server, built from ``transport`` (HTTP), ``virtuoso`` (one
  server's dialect) and ``staging`` (the load protocol);
- ``journal``: which file is in which graph, and the crash-safe load journal;
- ``dumps``: the full gzipped N-Quads dump kept beside the store;
- ``rebuild``: delete a damaged embedded store;
- ``sparql_lexer``: what a query text is (form, dataset, size), for the stores and
  the service's request checks;
- ``opening.open_store(settings)``: the one way to open a store.

No module outside this package opens or writes the store's files
(``tests/test_architecture.py`` checks it).
"""

from __future__ import annotations

from .base import (
    N_QUADS,
    N_TRIPLES,
    DataError,
    QueryError,
    QueryOverLimit,
    QuerySyntaxError,
    QueryResults,
    QueryTimeout,
    Store,
    StoreBusyError,
    StoreCorruptError,
    StoreError,
)
from .opening import open_store
from .oxigraph import OxigraphStore

__all__ = [
    "N_QUADS",
    "N_TRIPLES",
    "OxigraphStore",
    "DataError",
    "QueryError",
    "QueryOverLimit",
    "QuerySyntaxError",
    "QueryResults",
    "QueryTimeout",
    "Store",
    "StoreBusyError",
    "StoreCorruptError",
    "StoreError",
    "open_store",
]
