"""``open_store(settings)``: the one place that decides which backend a setting names.

The CLI (``load``, ``serve``), the API (``budgetkg.api.open``) and the app
(``budgetkg.service.app``) all open their store here. A new backend is a new module
in this package and one branch below.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .base import Store, StoreError
from .oxigraph import OxigraphStore, has_database


def open_store(
    settings: Mapping[str, Any],
    *,
    read_only: bool = False,
    create: bool = True,
    progress: Callable[[int], None] | None = None,
) -> Store:
    """The store the settings name: remote when ``store_url`` is set, else embedded.

    ``settings`` is ``budgetkg.settings.Settings`` or any mapping with the keys used
    here (``data_dir`` None: an in-memory store). ``read_only`` opens the embedded store
    for reading, sharing it with other readers; with ``create`` an empty store is made
    first when the folder has none (the app starts on an empty folder), without it that
    is a ``StoreError``. ``progress`` sees the triples of each batch sent to a remote
    store. Raises ``StoreError``.
    """
    url = settings.get("store_url") or ""
    if url:
        from .remote import RemoteStore

        return RemoteStore(
            url,
            update_url=settings.get("store_update_url") or None,
            user=settings.get("store_user", ""),
            password=settings.get("store_password", ""),
            auth=settings.get("store_auth", "digest"),
            timeout=settings.get("query_timeout", 30.0),
            batch_triples=settings.get("store_batch", 1000),
            base_iri=settings.get("base_iri", ""),
            progress=progress,
        )
    folder = settings.get("data_dir")
    if folder is None:
        return OxigraphStore(None)
    folder = Path(folder)
    if read_only and create and not has_database(folder):
        OxigraphStore(folder).close()  # a new, empty store
    return OxigraphStore(folder, read_only=read_only)


__all__ = ["open_store", "StoreError"]
