"""What the web front end's blueprints share while the app runs (state apart from routes).

The IRI map, caches valid for the store version the app opened, and the dump, kept in
``app.extensions["budgetkg.web"]``. The data cannot change while the app runs (writers
are locked out), so whatever is computed from it once stays true. The blueprints
(``pages``, ``linked_data``, ``void``) import this module; ``web`` registers them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import current_app

from .iri_map import IriMapper
from .state import get_state

WEB_EXTENSION = "budgetkg.web"
T = TypeVar("T")


@dataclass
class WebState:
    mapper: IriMapper
    dump: Any = None  # dumps.DumpInfo or None
    _cache: dict[str, Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _version: str | None = None

    def cached(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()`` once per data version (two threads may both compute the first time).

        The embedded store cannot change while the app runs; a shared (remote) store
        can, so the cache is emptied when its version changes."""
        state = get_state()
        current = getattr(state, "current_version", None)
        version = current() if current else state.version
        with self._lock:
            if version != self._version:
                self._cache.clear()
                self._version = version
            if key in self._cache:
                return self._cache[key]  # type: ignore[no-any-return]
        value = compute()
        with self._lock:
            self._cache.setdefault(key, value)
        return value


def get_web() -> WebState:
    return current_app.extensions[WEB_EXTENSION]  # type: ignore[no-any-return]
