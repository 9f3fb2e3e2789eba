"""`budgetkg load --rebuild`: start the embedded store afresh (after damage).

Deletes the database and the files that describe its content (version, document list,
journal) under the writer lock, so a running server is never pulled from under its
feet; the load then fills a new store from the source files.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .base import StoreError
from .journal import DOCUMENTS_FILE, DOCUMENTS_LOG, JOURNAL_FILE
from .oxigraph import DATABASE, VERSION_FILE, FolderLock


def wipe_store(folder: str | Path) -> bool:
    """Delete the store in ``folder``; False if there was none. Raises StoreError
    (e.g. StoreBusyError while a server uses it, or an I/O error)."""
    folder = Path(folder)
    if not folder.is_dir():
        return False
    try:
        lock = FolderLock(folder, exclusive=True)
    except OSError as exc:
        raise StoreError(f"{folder}: cannot lock the store: {exc}") from exc
    try:
        found = (folder / DATABASE).exists()
        if found:
            shutil.rmtree(folder / DATABASE)
        for name in (VERSION_FILE, DOCUMENTS_FILE, DOCUMENTS_LOG, JOURNAL_FILE):
            (folder / name).unlink(missing_ok=True)
        for tmp in folder.glob(f"{VERSION_FILE}.*.tmp"):
            tmp.unlink(missing_ok=True)
    except OSError as exc:
        raise StoreError(f"{folder}: cannot delete the old store: {exc}") from exc
    finally:
        lock.release()
    return found
