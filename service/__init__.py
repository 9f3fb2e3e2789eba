"""The SPARQL service: a Flask app over the embedded store.

``create_app(config)`` builds the app (see ``budgetkg.service.app``); it is imported
lazily so that query worker processes, which import this package, need not load Flask.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import close_app, create_app

__all__ = ["create_app", "close_app"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
