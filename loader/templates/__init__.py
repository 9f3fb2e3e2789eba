"""Templates: one per table layout family, each turning a ``Grid`` into a ``Document``.

**Adding a layout** = adding a module (or package) here that defines ``TEMPLATE``, an
instance of a ``Template`` subclass; it is found by itself (no list to edit)::

    # loader/templates/shandong.py
    from .base import Detection, Ledger, Template

    class Shandong(Template):
        name, title = "shandong", "山东省 项目支出绩效目标申报表"
        def detect(self, grid): ...   # -> Detection(self.name, score, found, missing)
        def read(self, grid): ...     # -> Document, every row accounted (Ledger)

    TEMPLATE = Shandong()

``detect_template`` asks every template and takes the highest score; when none scores
above zero, ``DEFAULT`` (the Ningxia layout, whose reader then reports what is missing)
reads the grid. A ``Detection`` may claim a span of rows (``span``), for documents that
mix layouts; today the best template reads the whole grid.
"""

from __future__ import annotations

import importlib
import pkgutil

from ..grid import Grid
from .base import Detection, Ledger, Template

__all__ = ["Template", "Detection", "Ledger", "templates", "get_template", "detect_template",
           "register", "unregister", "discover", "UnknownTemplate", "DEFAULT"]

DEFAULT = "ningxia"

_FOUND: dict[str, Template] | None = None  # discovered in this package
_ADDED: dict[str, Template] = {}  # registered by code (plugins, tests)


class UnknownTemplate(KeyError):
    def __str__(self) -> str:
        return f"no template named {self.args[0]!r} (known: {', '.join(templates())})"


def discover(refresh: bool = False) -> dict[str, Template]:
    """The templates defined in this package's modules (``TEMPLATE``), by name."""
    global _FOUND
    if _FOUND is None or refresh:
        found: dict[str, Template] = {}
        for info in pkgutil.iter_modules(__path__):
            if info.name.startswith("_") or info.name == "base":
                continue
            mod = importlib.import_module(f"{__name__}.{info.name}")
            t = getattr(mod, "TEMPLATE", None)
            if isinstance(t, Template):
                if t.name in found:
                    raise ValueError(f"two templates named {t.name!r}: {found[t.name]!r} and {t!r}")
                found[t.name] = t
        _FOUND = found
    return _FOUND


def register(template: Template) -> Template:
    """Add a template defined outside this package (a plugin, a test)."""
    _ADDED[template.name] = template
    return template


def unregister(name: str) -> None:
    _ADDED.pop(name, None)


def templates() -> dict[str, Template]:
    """Every known template, by name."""
    return {**discover(), **_ADDED}


def get_template(name: str) -> Template:
    try:
        return templates()[name]
    except KeyError:
        raise UnknownTemplate(name) from None


def detect_template(grid: Grid) -> tuple[Template, Detection]:
    """The template that recognises the grid best, and its detection."""
    best: tuple[Template, Detection] | None = None
    for t in templates().values():
        d = t.detect(grid)
        if best is None or d.score > best[1].score:
            best = (t, d)
    if best is None or best[1].score <= 0:
        t = get_template(DEFAULT)
        return t, best[1] if best is not None and best[0] is t else t.detect(grid)
    return best
