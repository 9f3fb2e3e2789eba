"""Which source file is in which named graph, and a journal that makes every change
recoverable after a crash.

A document's graph IRI is minted from its content (``graph/{sha256[:16]}``), so a
changed file is a *new* graph: replacing a document means adding the graph of its new
content and dropping the graph of its previous content. The new graph goes in with
the store's bulk loader (fast, not atomic), so each change is journaled in the store's
folder (``journal.json``, written atomically) before it touches the store:

1. journal ``adding``: the new graph, the old graph(s) to drop;
2. bulk-load the new graph (skipped when the store already holds that content);
3. journal ``added``: the new graph is complete;
4. drop the old graph(s);
5. record the document in the document list and remove the journal.

The document list is ``documents.json`` (a snapshot) and ``documents.log`` (the
entries committed since, one JSON line each, appended): recording a document costs its
own line, not a rewrite of every document's (a 10M-triple store holds ~550 documents);
the snapshot is written again once the log holds as many lines as it has entries.

``recover`` (run by the loader and ``budgetkg serve`` before anything else) finishes or
undoes an interrupted change: ``adding`` drops the half-loaded new graph (the document
keeps its previous content), ``added`` drops the old graph (the document has its new
content). Either way each document graph is wholly old or wholly new.

Documents are identified by their resolved path: loading ``2023/dept1.txt`` again with
other content replaces what it loaded before; the same content under two paths is one
graph, dropped only when no path refers to it any more.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .base import Store
from .files import write_durably

DOCUMENTS_FILE = "documents.json"
DOCUMENTS_LOG = "documents.log"
JOURNAL_FILE = "journal.json"


@dataclass
class Entry:
    """One loaded source file."""

    source: str  # resolved path: the document's identity
    sha256: str
    graph: str
    tables: int = 0
    triples: int = 0
    violations: int = 0
    warnings: int = 0
    loaded: str = ""  # ISO time


@dataclass
class Adding:
    """A change begun by ``LoadJournal.add``, finished by ``LoadJournal.complete``."""

    entry: Entry
    action: str  # what put returns: loaded, replaced or unchanged
    existed: bool
    drop: list[str]


class LoadJournal:
    """The documents of one store; kept in ``folder`` (in memory when it is None)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.entries: dict[str, Entry] = {}
        self.graph_hashes: dict[str, str] = {}  # other graphs (the ontology) -> SHA-256 loaded
        self._logged = 0  # lines in documents.log
        self._listed = 0  # entries in documents.json
        if folder is not None and (folder / DOCUMENTS_FILE).is_file():
            raw = json.loads((folder / DOCUMENTS_FILE).read_text(encoding="utf-8"))
            self.entries = {e["source"]: Entry(**e) for e in raw.get("documents", [])}
            self.graph_hashes = dict(raw.get("graphs", {}))
            self._listed = len(self.entries)
        if folder is not None and (folder / DOCUMENTS_LOG).is_file():
            for line in (folder / DOCUMENTS_LOG).read_text(encoding="utf-8").splitlines():
                try:
                    entry = Entry(**json.loads(line))
                except (ValueError, TypeError):  # blank, or cut short by a crash (never committed)
                    continue
                self.entries[entry.source] = entry
                self._logged += 1

    @classmethod
    def of(cls, store: Store) -> LoadJournal:
        return cls(getattr(store, "folder", None))

    @staticmethod
    def key(path: str | Path) -> str:
        return str(Path(path).resolve())

    def get(self, path: str | Path) -> Entry | None:
        return self.entries.get(self.key(path))

    def unchanged(self, store: Store, path: str | Path, sha256: str, graph: str) -> bool:
        """True when ``path`` was loaded with this content and its graph is still there."""
        entry = self.get(path)
        return entry is not None and entry.sha256 == sha256 and entry.graph == graph and store.has_graph(graph)

    # -- changing the store ---------------------------------------------------------

    def put(self, store: Store, entry: Entry, data: bytes, media_type: str) -> str:
        """Add or replace the document ``entry.source`` by the triples ``data``.

        Returns "loaded" (a new document), "replaced" (new content for a known path) or
        "unchanged". Raises what the store raises; the journal then lets ``recover``
        undo the half-done change at the next start.
        """
        return self.complete(store, self.add(store, entry, data, media_type))

    def add(self, store: Store, entry: Entry, data: bytes, media_type: str) -> Adding:
        """Steps 1-2 of ``put``: the new graph journaled and loaded. ``complete`` does the
        rest, with ``entry`` as it is then: its counts may be filled in meanwhile (the
        loader validates while this writes), as ``recover`` of an ``adding`` journal
        does not read the entry."""
        entry.source = self.key(entry.source)
        old = self.entries.get(entry.source)
        if old is not None and old.graph == entry.graph and store.has_graph(entry.graph):
            return Adding(entry, "unchanged", existed=True, drop=[])
        drop = [] if old is None or old.graph == entry.graph or self._shared(old.graph, entry.source) else [old.graph]
        existed = store.has_graph(entry.graph)  # the same content under another path
        # The entry rides in the journal, so that finishing the change after a crash can
        # also record which file the new graph holds.
        self._journal({"state": "adding", "add": entry.graph, "existed": existed, "drop": drop,
                       "entry": asdict(entry)})
        if not existed:
            store.add_graph_bulk(entry.graph, data, media_type)
        return Adding(entry, "loaded" if old is None else "replaced", existed=existed, drop=drop)

    def complete(self, store: Store, adding: Adding) -> str:
        """Steps 3-5 of ``put`` (see ``add``); returns what ``put`` returns."""
        entry = adding.entry
        if adding.action != "unchanged":
            self._journal({"state": "added", "add": entry.graph, "existed": adding.existed, "drop": adding.drop,
                           "entry": asdict(entry)})
            for graph in adding.drop:
                store.drop_graph(graph)
        self._commit(entry)
        return adding.action

    def _shared(self, graph: str, but: str) -> bool:
        return any(e.graph == graph for k, e in self.entries.items() if k != but)

    def _commit(self, entry: Entry) -> None:
        entry.loaded = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        self.entries[entry.source] = entry
        # Written whole again when the log is as long as the list: each entry is then
        # rewritten a bounded number of times on average, whatever the number of documents.
        if self.folder is not None and self._logged < max(16, self._listed):
            self._append(entry)
        else:
            self._save()
        self._clear_journal()

    def _append(self, entry: Entry) -> None:
        """Add one entry to ``documents.log``, durably."""
        assert self.folder is not None
        with open(self.folder / DOCUMENTS_LOG, "a", encoding="utf-8") as fh:
            # The leading newline ends a line a crash may have cut short (then skipped).
            fh.write("\n" + json.dumps(asdict(entry), ensure_ascii=False))
            fh.flush()
            os.fsync(fh.fileno())
        self._logged += 1

    def recover(self, store: Store) -> str | None:
        """Finish or undo a change interrupted by a crash; what was done, or None."""
        journal = self._read_journal()
        if journal is None:
            return None
        added, new = journal.get("state") == "added", str(journal.get("add"))
        if added:
            for graph in journal.get("drop", []):
                store.drop_graph(str(graph))
            if isinstance(journal.get("entry"), dict):
                entry = Entry(**journal["entry"])
                entry.loaded = time.strftime("%Y-%m-%dT%H:%M:%S%z")
                self.entries[entry.source] = entry
            done = f"finished an interrupted load: graph {new} kept, {len(journal.get('drop', []))} old graph(s) dropped"
        else:
            if not journal.get("existed") and store.has_graph(new):
                store.drop_graph(new)
            done = f"undid an interrupted load: graph {new} dropped, the previous content kept"
        # LoadJournal entries that point to a dropped graph are stale: forget them.
        gone = [k for k, e in self.entries.items() if not store.has_graph(e.graph)]
        for k in gone:
            del self.entries[k]
        self._save()
        self._clear_journal()
        return done

    # -- files ------------------------------------------------------------------------

    def _write(self, name: str, payload: dict[str, Any]) -> None:
        if self.folder is None:
            return
        # (json.dump writes piece by piece: slower)
        write_durably(self.folder / name, json.dumps(payload, ensure_ascii=False))

    def record_graph(self, graph: str, sha256: str) -> None:
        """Remember the hash of a graph loaded whole (atomically) outside the journal."""
        self.graph_hashes[graph] = sha256
        self._save()

    def _save(self) -> None:
        """Write the whole list (``documents.json``); the log is then part of it."""
        self._write(DOCUMENTS_FILE, {"documents": [asdict(e) for e in self.entries.values()],
                                   "graphs": self.graph_hashes})
        if self.folder is not None:
            try:
                os.remove(self.folder / DOCUMENTS_LOG)
            except FileNotFoundError:
                pass
        self._logged, self._listed = 0, len(self.entries)

    def _journal(self, payload: dict[str, Any]) -> None:
        if self.folder is None:
            self._memory_journal = payload
            return
        self._write(JOURNAL_FILE, payload)

    def _read_journal(self) -> dict[str, Any] | None:
        if self.folder is None:
            return getattr(self, "_memory_journal", None)
        path = self.folder / JOURNAL_FILE
        if not path.is_file():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except ValueError:  # cut short while written: the change never started
            return None

    def _clear_journal(self) -> None:
        if self.folder is None:
            self._memory_journal = None
            return
        try:
            os.remove(self.folder / JOURNAL_FILE)
        except FileNotFoundError:
            pass
