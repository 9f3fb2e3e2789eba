"""The triple store behind the service: a small interface and its embedded backend.

The interface is what the service and the loader need and no more, so that a remote
backend (a SPARQL server reached over HTTP) can implement it later: graphs are
replaced whole from serialized RDF (like the Graph Store Protocol's PUT), and query
results come back as pyoxigraph result objects, the neutral in-memory model that
``formats`` serializes (a remote backend gets them with ``pyoxigraph.parse`` and
``parse_query_results``).

Documents live in named graphs; the store's own default graph stays empty and, unless
a query names its dataset, queries see the union of all named graphs as their default
graph.

The embedded backend is pyoxigraph on disk (RocksDB). One process may write at a
time, and no process may read while another writes (``Store.read_only`` says so), so a
lock file guards the folder: writers take it exclusively, readers (the server and its
query workers) shared.
"""

from __future__ import annotations

import os
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Union

import pyoxigraph as ox

from .precheck import scan

try:  # POSIX; elsewhere the folder is simply not locked
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

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


class QueryTimeout(StoreError):
    """The store itself stopped the query at its time limit (remote stores)."""


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

    @abstractmethod
    def drop_graph(self, graph_iri: str) -> bool:
        """Remove a graph; False if there was no such graph."""

    def has_graph(self, graph_iri: str) -> bool:
        """True when the store holds a named graph ``graph_iri``."""
        return graph_iri in self.graphs()

    def add_graph_bulk(self, graph_iri: str, data: bytes, media_type: str = N_TRIPLES) -> None:
        """Add triples to graph ``graph_iri`` as fast as the backend can.

        Unlike ``replace_graphs`` this need not be atomic (a crash may leave part of the
        triples); ``budgetkg.catalog`` journals such loads and rolls them back. By default
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


class _FolderLock:
    """An advisory lock on ``<folder>/budgetkg.lock`` (flock: freed if the process dies)."""

    def __init__(self, folder: Path, *, exclusive: bool) -> None:
        self._fh: IO[str] | None = None
        if fcntl is None:
            return
        fh = open(folder / "budgetkg.lock", "a+")
        try:
            fcntl.flock(fh, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.close()
            if exclusive:
                raise StoreBusyError(
                    f"{folder}: the store is in use by another process (a running "
                    "`budgetkg serve` or load); stop it and try again"
                ) from None
            raise StoreBusyError(
                f"{folder}: the store is being written by another process; try again when it is done"
            ) from None
        self._fh = fh

    def release(self) -> None:
        if self._fh is not None:
            self._fh.close()  # closing the file drops the flock
            self._fh = None


class OxigraphStore(Store):
    """The embedded backend: pyoxigraph on disk in ``folder``, or in memory if None.

    Layout of ``folder``: ``oxigraph/`` (the RocksDB database), ``version`` (the
    version token) and ``budgetkg.lock``.
    """

    def __init__(self, folder: str | Path | None = None, *, read_only: bool = False) -> None:
        self.folder = None if folder is None else Path(folder)
        self.read_only = read_only and self.folder is not None
        self._lock: _FolderLock | None = None
        self._memory_version = 0
        self._written = False
        if self.folder is None:
            self._store = ox.Store()
            return
        db = self.folder / "oxigraph"
        if self.read_only and not db.is_dir():
            raise StoreError(f"{self.folder}: no store here (load some data first)")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._lock = _FolderLock(self.folder, exclusive=not self.read_only)
            self._store = ox.Store.read_only(str(db)) if self.read_only else ox.Store(str(db))
        except OSError as exc:
            if self._lock is not None:
                self._lock.release()
            raise StoreError(f"{self.folder}: cannot open the store: {exc}") from exc
        except RuntimeError as exc:  # RocksDB's "Corruption: …" (pyoxigraph has no finer class)
            if self._lock is not None:
                self._lock.release()
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StoreCorruptError(
                f"{self.folder}: the store is damaged and cannot be opened ({first[:300]}). Rebuild it "
                f"from the source files: `budgetkg load --rebuild --data-dir {self.folder} FILES...` "
                f"(or delete {db} and load again)"
            ) from exc

    # -- reading -----------------------------------------------------------------

    def is_empty(self) -> bool:
        return next(iter(self._store.quads_for_pattern(None, None, None, None)), None) is None

    def graphs(self) -> list[str]:
        return sorted(str(g.value) for g in self._store.named_graphs())

    def query(
        self,
        sparql: str,
        *,
        default_graph_union: bool = True,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResults:
        kwargs: dict[str, Any] = {}
        if default_graphs is not None or named_graphs is not None:
            kwargs["default_graph"] = _named_nodes(default_graphs or ())
            kwargs["named_graphs"] = _named_nodes(named_graphs or ())
        elif default_graph_union and not scan(sparql).uses_from:
            # pyoxigraph's union flag would override the query's FROM clauses,
            # so it is only set when the query names no dataset of its own.
            kwargs["use_default_graph_as_union"] = True
        try:
            return self._store.query(sparql, **kwargs)
        except SyntaxError as exc:
            raise QueryError(str(exc)) from None
        except RuntimeError as exc:
            if str(exc).startswith(("Corruption", "IO error")):  # RocksDB's, not the query's
                raise StoreError(f"cannot read the store: {exc}") from exc
            # Else raised while planning, before any data is read: e.g. "The custom function
            # <bif:sys_stat> is not supported". A property of the query, not of the store.
            raise QueryError(str(exc)) from None
        except OSError as exc:
            raise StoreError(f"cannot read the store: {exc}") from exc

    def version(self) -> str:
        if self.folder is None:
            return f"memory-{id(self)}-{self._memory_version}"
        try:
            return (self.folder / "version").read_text(encoding="ascii").strip() or "0"
        except FileNotFoundError:
            return "0"

    # -- writing -----------------------------------------------------------------

    def replace_graphs(
        self,
        data: bytes | str,
        media_type: str = N_QUADS,
        *,
        graph_iri: str | None = None,
    ) -> dict[str, int]:
        self._check_writable()
        groups = group_by_graph(data, media_type, graph_iri)
        self._replace(groups)
        return {name: len(triples) for name, triples in groups.items()}

    def _replace(self, groups: dict[str, list[ox.Triple]]) -> None:
        # pyoxigraph has no multi-step transaction in Python; one SPARQL Update
        # request is one transaction, so drop-then-insert is all or nothing. The
        # text is built only from pyoxigraph's own serializations (NamedNode
        # str() and canonical N-Triples), never from raw input.
        operations = [f"DROP SILENT GRAPH {ox.NamedNode(name)}" for name in groups]
        blocks = [
            f"GRAPH {ox.NamedNode(name)} {{\n"
            + ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
            + "}"
            for name, triples in groups.items()
            if triples
        ]
        if blocks:
            operations.append("INSERT DATA {\n" + "\n".join(blocks) + "\n}")
        self._update(" ;\n".join(operations))

    def has_graph(self, graph_iri: str) -> bool:
        return bool(self._store.contains_named_graph(_named_node(graph_iri, DataError)))

    def add_graph_bulk(self, graph_iri: str, data: bytes, media_type: str = N_TRIPLES) -> None:
        # pyoxigraph's bulk loader: 2-4x faster than a transaction for a document, not atomic.
        self._check_writable()
        fmt = rdf_format(media_type)
        target = _named_node(graph_iri, DataError)
        try:
            self._store.bulk_load(data, format=fmt, to_graph=target)
        except SyntaxError as exc:
            raise DataError(str(exc)) from None
        except (OSError, RuntimeError) as exc:
            raise StoreError(f"cannot write the store: {exc}") from exc
        self._written = True
        self._bump_version()

    def drop_graph(self, graph_iri: str) -> bool:
        self._check_writable()
        node = _named_node(graph_iri, DataError)
        if not self._store.contains_named_graph(node):
            return False
        self._update(f"DROP GRAPH {node}")
        return True

    def _update(self, update: str) -> None:
        try:
            self._store.update(update)
        except (OSError, RuntimeError) as exc:
            raise StoreError(f"cannot write the store: {exc}") from exc
        self._written = True
        self._bump_version()

    def _bump_version(self) -> None:
        if self.folder is None:
            self._memory_version += 1
            return
        token = f"{time.time_ns():x}-{uuid.uuid4().hex[:8]}"
        tmp = self.folder / f"version.{os.getpid()}.tmp"
        tmp.write_text(token + "\n", encoding="ascii")
        os.replace(tmp, self.folder / "version")  # atomic: readers see old or new

    def _check_writable(self) -> None:
        if self.read_only:
            raise StoreError("this store was opened read-only")

    def close(self) -> None:
        store = getattr(self, "_store", None)
        if store is None:
            return
        if self._written and not self.read_only:
            try:
                # Flushed memtables make the next read-only open quick (no log replay).
                store.flush()
            except OSError:
                pass
        del self._store
        self._store = None  # type: ignore[assignment]
        if self._lock is not None:
            self._lock.release()
            self._lock = None


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
    target = None if graph_iri is None else _named_node(graph_iri, DataError)
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


def _named_node(iri: str, error: type[Exception]) -> ox.NamedNode:
    try:
        return ox.NamedNode(iri)
    except ValueError as exc:
        raise error(f"invalid IRI {iri!r}: {exc}") from None


def _named_nodes(iris: Iterable[str]) -> list[ox.NamedNode]:
    return [_named_node(iri, QueryError) for iri in iris]


def open_store(folder: str | Path | None, *, read_only: bool = False) -> Store:
    """Open the embedded store in ``folder`` (in memory if None)."""
    return OxigraphStore(folder, read_only=read_only)
