"""The text source: tab-separated lines (PDF tables turned into text) -> ``Grid``.

One row per line, numbered as an editor numbers lines; a row's cells are the line's
non-empty tab-separated cells (``loader.text.cells``). Text rows carry no ``Locator``:
the row number is the line number.
"""

from __future__ import annotations

from ..grid import Grid, GridRow
from ..text import Row, UnreadableInput, cells, decode_bytes, split_lines
from .errors import SourceError

FORMAT = "text"
#: asked last: text is what a file is when no other source claims it
FALLBACK = True

_new_tuple = tuple.__new__  # GridRow(...) without the generated __new__ (one per line)

# Lines repeat: the header block before every table, fund labels, indicator headers, the
# same rows in many tables (a fifth to a third of the lines). Each distinct line is cut
# into cells once; rows are tuples, so sharing one between tables is safe. A full dict
# is emptied: 16k lines (~12 MB) keep most of the hits that 64k lines would.
_ROWS: dict[str, Row] = {}
_ROWS_MAX = 1 << 14


def sniff(data: bytes) -> bool:  # the fallback: never claims a file before the others
    return False


def read(data: bytes, source: str) -> Grid:
    """Decode and cut into rows. Raises ``SourceError`` (empty, binary, unknown encoding)."""
    try:
        text, encoding = decode_bytes(data)
    except UnreadableInput as exc:
        raise SourceError(exc.code, str(exc), source) from exc
    return grid_of_text(text, source, encoding)


def grid_of_text(text: str, source: str, encoding: str = "utf-8") -> Grid:
    rows: list[GridRow] = []
    append = rows.append
    get = _ROWS.get
    lines = split_lines(text)
    for n, raw in enumerate(lines, start=1):
        row = get(raw)  # (inline lookup first: a hit costs no call)
        if row is None:
            row = _row(raw)
        append(_new_tuple(GridRow, (n, row, None, None)))
    return Grid(source, FORMAT, rows, encoding, lines=lines)


def _row(line: str) -> Row:
    row = cells(line)
    if len(_ROWS) >= _ROWS_MAX:
        _ROWS.clear()
    _ROWS[line] = row
    return row


def clear_caches() -> None:
    _ROWS.clear()
