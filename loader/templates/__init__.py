"""Layout families of performance-target tables: one module per family, found by name.

Every module here (except the shared machinery listed in ``_SHARED``) is a template
with ``NAME``, ``TITLE``, ``MARKERS``, ``detect(text) -> Detection`` and
``read(rows, rowwise, currency) -> list[FamilyTable]``; ``families()`` discovers them.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from types import ModuleType

_SHARED = {"tokens", "labels", "form", "detect", "document"}


@lru_cache(maxsize=1)
def families() -> dict[str, ModuleType]:
    out: dict[str, ModuleType] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name in _SHARED or info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"{__name__}.{info.name}")
        if all(hasattr(mod, a) for a in ("NAME", "TITLE", "detect", "read")):
            out[mod.NAME] = mod
    return out
