"""The web front end: resource pages, linked data, query editor, VoID and dumps.

``init_web(app)`` registers the blueprints and keeps what they share (``web_state``:
the IRI map, caches valid for the store version the app opened, the dump) in
``app.extensions["budgetkg.web"]``. The blueprints import ``web_state``, never this
module, so there is no import cycle.
"""

from __future__ import annotations

from flask import Flask

from budgetkg.store import dumps

from .iri_map import IriMapper
from .linked_data import bp as linked_data_bp
from .linked_data import dereference
from .pages import bp as pages_bp
from .state import EXTENSION, ServiceState
from .void import bp as void_bp
from .web_state import WEB_EXTENSION, WebState, get_web

__all__ = ["WEB_EXTENSION", "WebState", "get_web", "init_web"]


def init_web(app: Flask) -> None:
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
    for prefix in web.mapper.route_prefixes():
        name = "resource_" + (prefix.strip("/").replace("/", "_") or "root")
        app.add_url_rule(f"{prefix}<path:rest>", name, dereference, methods=["GET", "HEAD"])
        if prefix != "/":  # the namespace itself (the ontology is https://…/def/)
            app.add_url_rule(prefix, name + "_itself", dereference, defaults={"rest": ""}, methods=["GET", "HEAD"])
