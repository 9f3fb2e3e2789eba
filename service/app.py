"""The Flask application factory."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask, Response

from .errors import register_error_handlers
from .settings import Settings, load_settings
from .state import EXTENSION, ServiceState
from .store import OxigraphStore
from .workers import make_executor

#: Response headers a browser script may read (CORS).
EXPOSED_HEADERS = "X-Results-Truncated, X-Results-Limit, ETag"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. ``config`` overrides settings (names as in ``SETTINGS``) over
    the environment (``BUDGETKG_*``), the config file and the defaults."""
    settings = load_settings(config)
    app = Flask(__name__)
    app.config.from_mapping({name.upper(): value for name, value in settings.items()})
    # Werkzeug answers 413 for bodies over this while the request is read.
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.config["MAX_FORM_MEMORY_SIZE"] = settings.max_request_bytes
    register_error_handlers(app)
    from .sparql import bp as sparql_bp

    app.register_blueprint(sparql_bp)
    if settings.cors_origin:
        app.after_request(_cors(settings.cors_origin))
    init_app(app, settings)
    return app


def init_app(app: Flask, settings: Settings) -> None:
    """Open the store read-only (keeping writers out) and start the query workers."""
    folder = settings.data_dir
    if not (folder / "oxigraph").is_dir():
        OxigraphStore(folder).close()  # a new, empty store
    store = OxigraphStore(folder, read_only=True)
    try:
        executor = make_executor(store, folder, settings.workers)
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


def close_app(app: Flask) -> None:
    """Stop the workers and release the store (tests, and the server on exit)."""
    state: ServiceState | None = app.extensions.pop(EXTENSION, None)
    if state is not None:
        state.close()


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
