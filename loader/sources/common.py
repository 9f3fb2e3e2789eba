"""What the office sources share: cells made as the text source makes them, ZIP
checking, and the error for a file that cannot be opened."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterable

from ..grid import Grid, GridRow, Locator
from ..text import Cell, Row, fold


class UnreadableFile(OSError):
    """The file is of a known format but cannot be opened (damaged, encrypted, not a
    table format after all). An OSError: commands report it as an unreadable file."""

    def __init__(self, source: str, message: str, code: str = "damaged-file") -> None:
        super().__init__(f"{source}: {message}")
        self.code = code
        self.strerror = f"{message}"


def row_of(pairs: Iterable[tuple[int, str]]) -> Row:
    """The non-empty cells of (column, text) pairs, as ``text.cells`` makes them."""
    out = []
    for col, raw in pairs:
        t = raw.strip()
        if t:
            out.append(Cell(col, t, fold(t)))
    return tuple(out)


def join_lines(parts: Iterable[str]) -> str:
    """Lines of one cell (paragraphs, ``<br>``) as one line: no space between two Chinese
    characters (a wrapped word), one space elsewhere."""
    out = ""
    for p in parts:
        p = " ".join(p.split())
        if not p:
            continue
        if out and not (_wide(out[-1]) and _wide(p[0])):
            out += " "
        out += p
    return out


def _wide(ch: str) -> bool:
    return ch >= "\u2e80"  # CJK, full-width forms


class GridBuilder:
    """Rows numbered in reading order as they are added."""

    def __init__(self, source: str, fmt: str, data: bytes, encoding: str = "binary") -> None:
        self.grid = Grid(source, fmt, encoding=encoding, sha256=hashlib.sha256(data).hexdigest())

    def add(self, cells: Row, locator: Locator) -> None:
        self.grid.rows.append(GridRow(len(self.grid.rows) + 1, cells, locator))

    def problem(self, code: str, message: str, severity: str = "error") -> None:
        self.grid.problems.append((code, message, None, severity))


def open_zip(data: bytes, source: str, what: str) -> zipfile.ZipFile:
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        bad = z.testzip()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise UnreadableFile(source, f"damaged {what} (not a readable ZIP archive: {exc})") from exc
    if bad is not None:
        raise UnreadableFile(source, f"damaged {what} (member {bad} fails its checksum)")
    return z
