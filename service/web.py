"""The web front end: resource pages, linked data, query editor, VoID and dumps.

``init_web(app)`` registers the blueprints and keeps what they share (the IRI map,
caches valid for the store version the app opened, the dump) in
``app.extensions["budgetkg.web"]``. The data cannot change while the app runs (writers
are locked out), so whatever is computed from it once stays true.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import Flask, current_app

from .iri_map import IriMapper
from .state import EXTENSION, ServiceState, get_state

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


def init_web(app: Flask) -> None:
    from . import dumps
    from .linked_data import bp as linked_data_bp
    from .pages import bp as pages_bp
    from .void import bp as void_bp

    state: ServiceState = app.extensions[EXTENSION]
    web = WebState(mapper=IriMapper(state.settings.base_iri))
    web.dump = dumps.refresh_dump(state.store)  # None for a remote store
    app.extensions[WEB_EXTENSION] = web
    app.register_blueprint(pages_bp)
    from .synthetic_banner import banner_context

    app.context_processor(banner_context)  # the synthetic-data banner of every page
    app.register_blueprint(void_bp)
    app.register_blueprint(linked_data_bp)
    # Resources are served under the namespaces' paths (/id/…, /def/…).
    from .linked_data import dereference

    for prefix in web.mapper.route_prefixes():
        name = "resource_" + (prefix.strip("/").replace("/", "_") or "root")
        app.add_url_rule(f"{prefix}<path:rest>", name, dereference, methods=["GET", "HEAD"])
        if prefix != "/":  # the namespace itself (the ontology is https://…/def/)
            app.add_url_rule(prefix, name + "_itself", dereference, defaults={"rest": ""}, methods=["GET", "HEAD"])


def get_web() -> WebState:
    return current_app.extensions[WEB_EXTENSION]  # type: ignore[no-any-return]
