"""The full dump: every named graph as gzipped N-Quads, in the data folder.

``<data_dir>/dumps/budgetkg.nq.gz`` holds every quad of the store (the documents'
graphs and the ontology graph); ``budgetkg.nq.gz.json`` next to it records its size,
SHA-256, number of quads and the store version it was made from. ``refresh_dump``
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
from typing import IO, cast

import pyoxigraph as ox

from .base import Store

DUMP_NAME = "budgetkg.nq.gz"
MEDIA_TYPE = "application/n-quads"
COMPRESSION = "application/gzip"
ALL_QUADS = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"

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
        info = DumpInfo(**json.loads((folder / f"{name}.json").read_text(encoding="utf-8")))
        if (folder / name).stat().st_size != info.size:
            return None
    except (OSError, ValueError, TypeError):
        return None
    return info


def write_dump(store: Store, data_dir: str | Path, name: str = DUMP_NAME) -> DumpInfo:
    """Write the dump of ``store`` now. Raises OSError when the folder is not writable."""
    folder = dump_folder(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    version = store.version()
    target = folder / name
    tmp = folder / f".{name}.{os.getpid()}.tmp"
    count = 0

    def quads():  # type: ignore[no-untyped-def]
        nonlocal count
        for row in store.query(ALL_QUADS, default_graph_union=False):
            count += 1
            yield ox.Quad(row["s"], row["p"], row["o"], row["g"])

    try:
        with open(tmp, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
            ox.serialize(quads(), cast(IO[bytes], gz), format=ox.RdfFormat.N_QUADS)
        digest = hashlib.sha256()
        with open(tmp, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        info = DumpInfo(
            name=name,
            size=tmp.stat().st_size,
            sha256=digest.hexdigest(),
            quads=count,
            version=version,
            created=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    meta_tmp = folder / f".{name}.json.{os.getpid()}.tmp"
    meta_tmp.write_text(json.dumps(asdict(info), indent=2) + "\n", encoding="utf-8")
    os.replace(meta_tmp, folder / f"{name}.json")
    return info


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
