"""The embedded backend: pyoxigraph on disk (RocksDB), or in memory.

One process may write at a time, and no process may read while another writes
(``Store.read_only`` says so), so a lock file guards the folder: writers take it
exclusively, readers (the server and its query workers) shared.

Layout of a data folder (only ``budgetkg.store`` touches these files): ``oxigraph/``
(the RocksDB database), ``version`` (the version token), ``budgetkg.lock``,
``uncompacted`` (bulk writes since the last compaction), and the
load journal's ``documents.json`` / ``documents.log`` / ``journal.json`` (``journal``) and ``dumps/``
(``dumps``).
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from .base import (
    N_QUADS,
    N_TRIPLES,
    DataError,
    QueryError,
    QuerySyntaxError,
    QueryResults,
    Store,
    StoreBusyError,
    StoreCorruptError,
    StoreError,
    group_by_graph,
    named_node,
    named_nodes,
    rdf_format,
)
from .files import write_durably
from .sparql_lexer import scan

try:  # POSIX; elsewhere the folder is simply not locked
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

#: The files of a data folder (see the module docstring).
DATABASE = "oxigraph"
VERSION_FILE = "version"
LOCK_FILE = "budgetkg.lock"
#: Bulk writes since the store's files were last merged (``compaction_due``).
UNCOMPACTED = "uncompacted"
#: ``compaction_due`` says yes once this many bulk writes (documents) have piled up and
#: they make this share of the store's graphs.
COMPACT_MIN_WRITES = 16
COMPACT_SHARE = 0.1


def has_database(folder: str | Path) -> bool:
    """True when ``folder`` holds an embedded store's database."""
    return (Path(folder) / DATABASE).is_dir()


class FolderLock:
    """An advisory lock on ``<folder>/budgetkg.lock`` (flock: freed if the process dies)."""

    def __init__(self, folder: Path, *, exclusive: bool) -> None:
        self._fh: IO[str] | None = None
        if fcntl is None:
            return
        fh = open(folder / LOCK_FILE, "a+")
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
        self._lock: FolderLock | None = None
        self._memory_version = 0
        self._written = False
        self._bulk_writes = 0  # by this object, not yet counted in the folder's UNCOMPACTED
        if self.folder is None:
            self._store = ox.Store()
            return
        db = self.folder / DATABASE
        if self.read_only and not db.is_dir():
            raise StoreError(f"{self.folder}: no store here (load some data first)")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._lock = FolderLock(self.folder, exclusive=not self.read_only)
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
            kwargs["default_graph"] = named_nodes(default_graphs or ())
            kwargs["named_graphs"] = named_nodes(named_graphs or ())
        elif default_graph_union and not scan(sparql).uses_from:
            # pyoxigraph's union flag would override the query's FROM clauses,
            # so it is only set when the query names no dataset of its own.
            kwargs["use_default_graph_as_union"] = True
        try:
            return self._store.query(sparql, **kwargs)
        except SyntaxError as exc:
            raise QuerySyntaxError(sparql, str(exc)) from None
        except RuntimeError as exc:
            if str(exc).startswith(("Corruption", "IO error")):  # RocksDB's, not the query's
                raise StoreError(f"cannot read the store: {exc}") from exc
            # Else raised while planning, before any data is read: e.g. "The custom function
            # <bif:sys_stat> is not supported". A property of the query, not of the store.
            raise QueryError(str(exc)) from None
        except OSError as exc:
            raise StoreError(f"cannot read the store: {exc}") from exc

    def graph_quads(self, graph_iri: str) -> Iterator[ox.Quad]:
        # The index walk, without planning and evaluating a query per graph.
        return iter(self._store.quads_for_pattern(None, None, None, named_node(graph_iri, QueryError)))

    def version(self) -> str:
        if self.folder is None:
            return f"memory-{id(self)}-{self._memory_version}"
        try:
            return (self.folder / VERSION_FILE).read_text(encoding="ascii").strip() or "0"
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
        from budgetkg.loader import summaries  # (rdflib: imported by a write, not by opening the store)

        # a document's load-time summaries, derived from its own triples (docs/summaries.md)
        groups = {name: summaries.complete(triples) for name, triples in groups.items()}
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

    def patch_graph(self, graph_iri: str, remove: list[ox.Triple], add: list[ox.Triple]) -> None:
        self._check_writable()
        if any(isinstance(term, ox.BlankNode) for t in (*remove, *add) for term in t):
            # a blank node in DELETE/INSERT DATA would be a new node, not the graph's own
            super().patch_graph(graph_iri, remove, add)
            return
        # One SPARQL Update request, one transaction (as ``_replace``); only the changed
        # triples are written: a few per cent of a document when its summaries change.
        node = named_node(graph_iri, DataError)
        operations = [f"{verb} DATA {{ GRAPH {node} {{\n"
                      + ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8") + "} }"
                      for verb, triples in (("DELETE", remove), ("INSERT", add)) if triples]
        if operations:
            self._update(" ;\n".join(operations))

    def has_graph(self, graph_iri: str) -> bool:
        return bool(self._store.contains_named_graph(named_node(graph_iri, DataError)))

    def add_graph_bulk(self, graph_iri: str, data: bytes, media_type: str = N_TRIPLES) -> None:
        # pyoxigraph's bulk loader: 2-4x faster than a transaction for a document, not atomic.
        self._check_writable()
        fmt = rdf_format(media_type)
        target = named_node(graph_iri, DataError)
        try:
            self._store.bulk_load(data, format=fmt, to_graph=target)
        except SyntaxError as exc:
            raise DataError(str(exc)) from None
        except (OSError, RuntimeError) as exc:
            raise StoreError(f"cannot write the store: {exc}") from exc
        self._written = True
        self._bulk_writes += 1
        self._bump_version()

    def compaction_due(self) -> bool:
        """Whether the bulk writes since the last ``compact`` reach ``COMPACT_MIN_WRITES``
        and ``COMPACT_SHARE`` of the store's graphs.

        Each bulk write adds its own files to RocksDB's first level, and a lookup probes
        every file there: after a load of many documents, RocksDB's background merging
        is left far behind when the process exits (10M triples: 57 files on that level,
        strings read back 2.5x slower) and a read-only store never merges. The count is
        kept in the folder, so that many small loads add up; a merge costs about the
        store's size (10M triples: 15 s), hence the share: one new document in a large
        store does not pay for it."""
        if self.folder is None or self.read_only:
            return False
        graphs = sum(1 for _ in self._store.named_graphs())
        return self._pending() + self._bulk_writes >= max(COMPACT_MIN_WRITES, COMPACT_SHARE * graphs)

    def compact(self) -> float:
        """``Store.optimize()``: RocksDB merges every level (a crash meanwhile loses
        nothing: compaction writes new files before it drops the old)."""
        self._check_writable()
        started = time.perf_counter()
        try:
            self._store.optimize()
        except (OSError, RuntimeError) as exc:
            raise StoreError(f"cannot compact the store: {exc}") from exc
        self._bulk_writes = 0
        if self.folder is not None:
            self._set_pending(0)
        return time.perf_counter() - started

    def _pending(self) -> int:
        assert self.folder is not None
        try:
            return int((self.folder / UNCOMPACTED).read_text(encoding="ascii").strip() or 0)
        except (OSError, ValueError):  # none yet (or unreadable: counted afresh)
            return 0

    def _set_pending(self, n: int) -> None:
        assert self.folder is not None
        tmp = self.folder / f"{UNCOMPACTED}.{os.getpid()}.tmp"
        try:
            tmp.write_text(f"{n}\n", encoding="ascii")
            os.replace(tmp, self.folder / UNCOMPACTED)
        except OSError as exc:
            raise StoreError(f"cannot write the store: {exc}") from exc

    @property
    def keeps_markers(self) -> bool:
        return self.folder is not None

    def marker(self, name: str) -> str | None:
        # a file of the folder: read before the database is opened (serve's check)
        path = None if self.folder is None else self.folder / name
        try:
            return None if path is None else path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def set_marker(self, name: str, text: str | None) -> None:
        if self.folder is None:
            return
        self._check_writable()
        path = self.folder / name
        if text is None:
            path.unlink(missing_ok=True)
        else:
            write_durably(path, text)

    def drop_graph(self, graph_iri: str) -> bool:
        self._check_writable()
        node = named_node(graph_iri, DataError)
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
        tmp = self.folder / f"{VERSION_FILE}.{os.getpid()}.tmp"
        try:  # a full disk here is the store's error too (exit 2), not a traceback
            tmp.write_text(token + "\n", encoding="ascii")
            os.replace(tmp, self.folder / VERSION_FILE)  # atomic: readers see old or new
        except OSError as exc:
            raise StoreError(f"cannot write the store: {exc}") from exc

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
            if self._bulk_writes and self.folder is not None:
                try:  # counted for the next compaction_due
                    self._set_pending(self._pending() + self._bulk_writes)
                except StoreError:
                    pass
                self._bulk_writes = 0
        del self._store
        self._store = None  # type: ignore[assignment]
        if self._lock is not None:
            self._lock.release()
            self._lock = None
