"""Sources: one module per file format, each turning a file's bytes into a ``Grid``.

The format is decided by **content**, not by the file name:

1. every source module that has a ``sniff(data) -> bool`` is asked, in ``PRIORITY``
   order (lower first, default 50); the first that says yes reads the file;
2. otherwise ``signatures.sniff_format`` names the format from magic bytes (``%PDF``,
   a ZIP with ``word/`` or ``xl/``, OLE2 ``D0 CF 11 E0``, HTML markup); if that is not
   text and no module reads it, ``UnsupportedFormat`` is raised;
3. otherwise the fallback (``FALLBACK = True``: the text source) reads it.

**Adding a format** = adding a module here; it is found by itself (no list to edit)::

    # loader/sources/pdf.py
    FORMAT = "pdf"                     # the name signatures.sniff_format gives it
    def sniff(data: bytes) -> bool:    # cheap: the first bytes
        return data[:1024].lstrip().startswith(b"%PDF-")
    def read(data: bytes, source: str) -> Grid:   # raise SourceError(...) on damage
        ...

A module whose optional dependency is missing should raise ``UnsupportedFormat`` from
``read`` (saying what to install) rather than fail at import.
"""

from __future__ import annotations

import hashlib
import importlib
import pkgutil
from functools import lru_cache
from pathlib import Path
from types import ModuleType

from ..grid import Grid
from .common import UnreadableFile
from .errors import SourceError, UnsupportedFormat
from .signatures import sniff_format

#: File name suffixes of the table formats other than text, for folders (`budgetkg load
#: FOLDER`): there the name picks the files; each file's content then decides its format.
SUFFIXES: frozenset[str] = frozenset({".pdf", ".docx", ".xlsx", ".xlsm", ".xls", ".html", ".htm"})

__all__ = ["SUFFIXES", "UnreadableFile", "SourceError", "UnsupportedFormat", "read_grid", "detect_format",
           "sources", "source_for"]


#: source modules that could not be imported (module name -> why), for the error message
_UNAVAILABLE: dict[str, str] = {}


@lru_cache(maxsize=1)
def sources() -> tuple[ModuleType, ...]:
    """Every source module of this package (modules with a ``read``), in the order they
    are asked: by ``PRIORITY``, the fallback last."""
    found = []
    _UNAVAILABLE.clear()
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name in ("errors", "signatures"):
            continue
        try:
            mod = importlib.import_module(f"{__name__}.{info.name}")
        except ImportError as exc:  # an optional library missing: the other formats still read
            _UNAVAILABLE[info.name] = f"{type(exc).__name__}: {exc}"
            continue
        if callable(getattr(mod, "read", None)) and isinstance(getattr(mod, "FORMAT", None), str):
            found.append(mod)
    found.sort(key=lambda m: (bool(getattr(m, "FALLBACK", False)), getattr(m, "PRIORITY", 50), m.__name__))
    return tuple(found)


def source_for(fmt: str) -> ModuleType | None:
    """The module that reads files of a format, if one is installed."""
    return next((m for m in sources() if m.FORMAT == fmt), None)


def detect_format(data: bytes) -> str:
    """The format of a file's bytes: a claiming module's ``FORMAT``, else the signature."""
    for mod in sources():
        sniff = getattr(mod, "sniff", None)
        if not getattr(mod, "FALLBACK", False) and sniff is not None and sniff(data):
            return mod.FORMAT
    return sniff_format(data)


def read_grid(path_or_bytes: str | Path | bytes, source: str | None = None, *, format: str | None = None) -> Grid:
    """Read a file (a path, or its bytes) into a ``Grid``; ``format`` skips detection.

    Raises ``UnsupportedFormat`` for a format no source reads, ``SourceError`` for a file
    its source cannot read (text: empty, binary, unknown encoding), ``OSError`` for I/O.
    """
    if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
        data = bytes(path_or_bytes)
        name = source if source is not None else "<bytes>"
    else:
        data = Path(path_or_bytes).read_bytes()
        name = source if source is not None else str(path_or_bytes)
    fmt = format or detect_format(data)
    mod = source_for(fmt)
    if mod is None:
        why = _UNAVAILABLE.get(fmt)
        raise UnsupportedFormat(fmt, name, None if why is None else
                                f"a {fmt} file: its source (sources/{fmt}.py) is not usable here: {why}")
    grid = mod.read(data, name)
    grid.sha256 = hashlib.sha256(data).hexdigest()
    return grid
