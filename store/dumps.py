"""The full dump: every named graph as gzipped N-Quads, in the data folder.

``<data_dir>/dumps/budgetkg.nq.gz`` holds every quad of the store (the documents'
graphs and the ontology graph); ``budgetkg.nq.gz.json`` next to it records its size,
SHA-256, number of quads, the store version it was made from and where each graph's
gzip member lies in the file (one member per graph: adding a document compresses only
that document, ``write_dump``). ``refresh_dump``
runs after every load (``budgetkg load``, ``budgetkg serve FILE…``) and when the
service starts (``ensure_dump``): a dump whose version is not the store's is made
again, so the dump always matches what the endpoint answers. Files are written to a
temporary name and renamed, so a reader never sees half a dump. The gzip header
carries no time stamp: the same data gives the same bytes and the same SHA-256.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any, cast

import pyoxigraph as ox

from .base import Store

DUMP_NAME = "budgetkg.nq.gz"
MEDIA_TYPE = "application/n-quads"
COMPRESSION = "application/gzip"
ALL_QUADS = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
#: Folder of the per-graph gzip members, and their index (graph -> file, size, quads, token).
MEMBERS = "members"
INDEX = "index.json"
#: Members added since the index was written (``add_member``): one JSON entry a line,
#: appended (a document's cost, not the store's); merged into the index by ``write_dump``.
ADDED = "added.jsonl"
#: zlib's default level: half the time of level 9 for a file ~5% larger.
LEVEL = 6

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DumpInfo:
    name: str
    size: int  # bytes of the .gz file
    sha256: str  # of the .gz file
    quads: int
    version: str  # store version the dump was made from
    created: str  # ISO 8601, UTC
    media_type: str = MEDIA_TYPE
    compression: str = COMPRESSION


def dump_folder(data_dir: str | Path) -> Path:
    return Path(data_dir) / "dumps"


def read_info(data_dir: str | Path, name: str = DUMP_NAME) -> DumpInfo | None:
    """The recorded dump, or None when it is missing or does not match its file."""
    folder = dump_folder(data_dir)
    try:
        raw = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        raw.pop("members", None)  # where each graph's member lies in the file
        info = DumpInfo(**raw)
        if (folder / name).stat().st_size != info.size:
            return None
    except (OSError, ValueError, TypeError):
        return None
    return info


def write_dump(store: Store, data_dir: str | Path, name: str = DUMP_NAME) -> DumpInfo:
    """Bring the dump of ``store`` up to date now. Raises OSError when the folder is not
    writable.

    The dump is one gzip member per named graph, concatenated in graph order (gzip
    readers read concatenated members as one stream, RFC 1952 §2.2). Each member is kept
    in ``dumps/members/``; a graph whose content is known unchanged since its member was
    written (``_content_token``) keeps its member, so adding a document compresses only
    that document and the rest is a byte copy (hashed on the way)."""
    folder = dump_folder(data_dir)
    members_dir = folder / MEMBERS
    members_dir.mkdir(parents=True, exist_ok=True)
    version = store.version()
    index = _read_index(members_dir)
    tokens = _content_tokens(store)
    members: list[dict[str, Any]] = []
    for graph in store.graphs():
        token = tokens.get(graph)
        known = index.get(graph)
        if token is None or known is None or known.get("token") != token \
                or not (members_dir / known["file"]).is_file() \
                or (members_dir / known["file"]).stat().st_size != known.get("size"):
            known = _write_member(store, members_dir, graph, token)
        members.append(known)
    # the index first: a member it lists is complete (written to a temporary name and renamed)
    _write_json(members_dir / INDEX, {m["graph"]: m for m in members})
    (members_dir / ADDED).unlink(missing_ok=True)  # now in the index
    for path in members_dir.glob("*.nq.gz"):
        if path.name not in {m["file"] for m in members}:
            path.unlink(missing_ok=True)  # a graph no longer in the store
    target = folder / name
    tmp = folder / f".{name}.{os.getpid()}.tmp"
    digest = hashlib.sha256()
    offset = 0
    listed: list[dict[str, Any]] = []
    try:
        with open(tmp, "wb") as out:
            if not members:  # an empty store: one empty member, still a valid gzip file
                out.write(gzip.compress(b"", mtime=0))
            for m in members:
                with open(members_dir / m["file"], "rb") as fh:
                    for chunk in iter(lambda: fh.read(1 << 20), b""):
                        digest.update(chunk)
                        out.write(chunk)
                listed.append({"graph": m["graph"], "offset": offset, "size": m["size"], "quads": m["quads"]})
                offset += m["size"]
        if not members:
            digest.update(tmp.read_bytes())
        info = DumpInfo(
            name=name,
            size=tmp.stat().st_size,
            sha256=digest.hexdigest(),
            quads=sum(m["quads"] for m in members),
            version=version,
            created=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    _write_json(folder / f"{name}.json", {**asdict(info), "members": listed})
    return info


def _content_tokens(store: Store) -> dict[str, str]:
    """What each graph's content is known to be, from the load journal: a document
    graph's IRI is minted from its file's SHA-256 and the journal only ever adds it
    whole to a store that lacks it, so the file's hash names its content; the ontology's
    hash is recorded when it is replaced. Graphs the journal does not know (RDF files
    loaded as they are) have no token: their member is written again at every refresh."""
    from .journal import LoadJournal

    journal = LoadJournal.of(store)
    tokens = {g: f"graph:{sha}" for g, sha in journal.graph_hashes.items()}
    for entry in journal.entries.values():
        tokens[entry.graph] = document_token(entry.sha256)
    return tokens


def document_token(sha256: str) -> str:
    """The content token of a document graph loaded from a file with this SHA-256."""
    return f"document:{sha256}"


def member_of(ntriples: bytes, graph: str) -> tuple[bytes, int]:
    """A graph's gzip member made from its N-Triples, as the store will hold them, and
    its number of quads.

    The store keeps some literals in a canonical form (``"5.00"^^xsd:decimal`` is
    ``"5"``): the triples go through an in-memory store of the same engine first, so the
    member says what the endpoint answers. A worker process makes it; the writer of the
    store only copies it (``add_member``)."""
    return compress(canonical(ntriples, graph)[1])


def canonical(ntriples: bytes, graph: str) -> tuple[ox.Store, bytes]:
    """An in-memory store holding the triples in ``graph``, and its N-Quads: the graph as
    the store will hold it (see ``member_of``)."""
    node = ox.NamedNode(graph)
    scratch = ox.Store()
    scratch.bulk_load(ntriples, format=ox.RdfFormat.N_TRIPLES, to_graph=node)
    return scratch, scratch.dump(format=ox.RdfFormat.N_QUADS)


def compress(nquads: bytes) -> tuple[bytes, int]:
    """The gzip member of ``canonical``'s N-Quads, and its number of quads."""
    # (two lexical forms of one value are one triple in the store: count its lines)
    return gzip.compress(nquads, compresslevel=LEVEL, mtime=0), nquads.count(b"\n")


def add_member(data_dir: str | Path, graph: str, token: str, member: bytes, quads: int) -> None:
    """Keep ``member`` (``member_of``) as the dump's member for ``graph``, whose content
    ``token`` names (see ``_content_tokens``); the next ``write_dump`` uses it as it is.
    Costs the member's bytes whatever the size of the store. Raises OSError."""
    members_dir = dump_folder(data_dir) / MEMBERS
    members_dir.mkdir(parents=True, exist_ok=True)
    file = _member_file(graph)
    tmp = members_dir / f".{file}.{os.getpid()}.tmp"
    try:
        tmp.write_bytes(member)
        os.replace(tmp, members_dir / file)
    finally:
        tmp.unlink(missing_ok=True)
    entry = {"graph": graph, "file": file, "size": len(member), "quads": quads, "token": token}
    # Appended after the file is complete; a lost or torn line only means the member is
    # made again from the store (write_dump checks file, size and token).
    with open(members_dir / ADDED, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")


def forget_member(data_dir: str | Path, graph: str) -> None:
    """Delete the dump's member of ``graph``, before the graph changes under the same
    content token (its summaries derived again, ``budgetkg.upgrade``): the next
    ``write_dump`` makes it again from the store. Raises OSError."""
    (dump_folder(data_dir) / MEMBERS / _member_file(graph)).unlink(missing_ok=True)


def _member_file(graph: str) -> str:
    return hashlib.sha256(graph.encode("utf-8")).hexdigest()[:32] + ".nq.gz"


def _write_member(store: Store, members_dir: Path, graph: str, token: str | None) -> dict[str, Any]:
    """Compress one graph's quads, read from the store, into its own gzip member; its
    index entry. (Streamed: a graph loaded from a large RDF file is never held whole.)"""
    file = _member_file(graph)
    tmp = members_dir / f".{file}.{os.getpid()}.tmp"
    try:
        with open(tmp, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0,
                                                   compresslevel=LEVEL) as gz:
            lines = _LineCounter(cast(IO[bytes], gz))
            ox.serialize(store.graph_quads(graph), lines, format=ox.RdfFormat.N_QUADS)
        size = tmp.stat().st_size
        os.replace(tmp, members_dir / file)
    finally:
        tmp.unlink(missing_ok=True)
    return {"graph": graph, "file": file, "size": size, "quads": lines.count, "token": token}


class _LineCounter:
    """A binary writer that counts the lines (N-Quads: the quads) going through it."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out, self.count = out, 0

    def write(self, data: bytes) -> int:
        self.count += data.count(b"\n")
        return self.out.write(data)

    def flush(self) -> None:
        self.out.flush()


def _read_index(members_dir: Path) -> dict[str, dict[str, Any]]:
    try:
        raw = json.loads((members_dir / INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raw = {}
    index: dict[str, dict[str, Any]] = raw if isinstance(raw, dict) else {}
    try:
        with open(members_dir / ADDED, encoding="utf-8") as fh:
            for line in fh:
                try:
                    entry = json.loads(line)
                except ValueError:  # torn by a crash: that member is made again
                    continue
                if isinstance(entry, dict) and isinstance(entry.get("graph"), str):
                    index[entry["graph"]] = entry
    except OSError:
        pass
    return index


def _write_json(path: Path, payload: Any) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)  # atomic: a reader sees the old or the new file


def ensure_dump(store: Store, data_dir: str | Path, logger: logging.Logger | None = None) -> DumpInfo | None:
    """The current dump, made again if the store changed since; None if it cannot be written."""
    info = read_info(data_dir)
    if info is not None and info.version == store.version():
        return info
    try:
        return write_dump(store, data_dir)
    except OSError as exc:
        (logger or log).warning("cannot write the dump in %s: %s", dump_folder(data_dir), exc)
        return None


def refresh_dump(store: Store) -> DumpInfo | None:
    """After a load: bring the dump of an on-disk store up to date (in-memory: nothing)."""
    folder = getattr(store, "folder", None)
    if folder is None:
        return None
    return ensure_dump(store, folder)
