"""The Flask application factory."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask, Response

from budgetkg.settings import SETTINGS_BY_NAME, Settings, load_settings
from budgetkg.store import open_store

from .errors import register_error_handlers
from .state import EXTENSION, ServiceState
from .worker_pool import make_query_executor

#: Response headers a browser script may read (CORS).
EXPOSED_HEADERS = "X-Results-Truncated, X-Results-Limit, ETag"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. ``config`` overrides settings (names as in ``SETTINGS``) over
    the environment (``BUDGETKG_*``), the config file and the defaults."""
    settings = load_settings(config)
    app = Flask(__name__)
    # Secrets (the remote store's password) stay out of app.config, which debug pages show.
    app.config.from_mapping({name.upper(): value for name, value in settings.items()
                             if not SETTINGS_BY_NAME[name].secret})
    # Werkzeug answers 413 for bodies over this while the request is read.
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.config["MAX_FORM_MEMORY_SIZE"] = settings.max_request_bytes
    register_error_handlers(app)
    from .sparql import bp as sparql_bp

    app.register_blueprint(sparql_bp)
    from .canned import bp as canned_bp  # /queries: the canned-query API

    app.register_blueprint(canned_bp)
    if settings.cors_origin:
        app.after_request(_cors(settings.cors_origin))
    app.after_request(_nosniff)
    init_app(app, settings)
    from .web import init_web  # pages, linked data, editor, VoID and dumps

    init_web(app)
    return app


def init_app(app: Flask, settings: Settings) -> None:
    """Open the store read-only (keeping writers out) and start the query workers."""
    if settings.store_url:
        _init_remote(app, settings)
        return
    folder = settings.data_dir
    store = open_store(settings, read_only=True)  # an empty folder gets an empty store
    try:
        executor = make_query_executor(store, folder, settings.workers, settings.worker_memory)
    except BaseException:
        store.close()
        raise
    app.extensions[EXTENSION] = ServiceState(
        settings=settings,
        store=store,
        executor=executor,
        graphs=store.graphs(),
        version=store.version(),
    )


def _init_remote(app: Flask, settings: Settings) -> None:
    """Front a remote store: queries run in threads that the service stops waiting
    for at the timeout (see ``threads``); every protection stays in this service."""
    from .threads import ThreadExecutor

    store = open_store(settings)
    graphs, version = store.graphs(), store.version()  # fails early if unreachable
    app.extensions[EXTENSION] = ServiceState(
        settings=settings,
        store=store,
        executor=ThreadExecutor(store, 2 * settings.threads),
        graphs=graphs,
        version=version,
    )


def close_app(app: Flask) -> None:
    """Stop the workers and release the store (tests, and the server on exit)."""
    state: ServiceState | None = app.extensions.pop(EXTENSION, None)
    if state is not None:
        state.close()


def _nosniff(response: Response) -> Response:
    # A result (CSV, JSON …) holding text such as "<script>" is never rendered as HTML.
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _cors(origin: str) -> Callable[[Response], Response]:
    def add_cors_headers(response: Response) -> Response:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type, If-None-Match"
        response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        response.headers["Access-Control-Max-Age"] = "86400"
        if origin != "*":
            response.vary.add("Origin")
        return response

    return add_cors_headers
