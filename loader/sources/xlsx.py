"""Excel (.xlsx) source: every sheet, top to bottom, with merged ranges and number formats.

Every cell of a merged range but the top-left one is left empty, which is how the
template wants a vertically merged level-1 or level-2 cell (printed once, blank below).
Numbers are printed with their display format (``numfmt``); formulas give their cached
value (a workbook saved without one gives nothing for that cell, and a problem says so).
Rows are located by sheet and cell: ``Sheet1!C12`` (``Locator.cells`` has every cell's
reference).
"""

from __future__ import annotations

import io
import re

from ..grid import Grid, Locator
from .common import GridBuilder, UnreadableFile, open_zip, row_of
from .numfmt import show

FORMAT = "xlsx"


def read(data: bytes, source: str) -> Grid:
    import openpyxl

    z = open_zip(data, source, "Excel workbook")
    try:
        # Read-only (streaming) mode: several times faster than a full load, which builds
        # an object per cell of every merged range; the ranges are read from the XML below.
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises KeyError, InvalidFileException, XML errors…
        raise UnreadableFile(source, f"damaged Excel workbook: {type(exc).__name__}: {exc}") from exc
    b = GridBuilder(source, "xlsx", data)
    try:
        for ws in wb.worksheets:
            ws.reset_dimensions()  # a stale <dimension> (other writers) would cut rows off
            _sheet(b, ws, _covered(z, ws))
    finally:
        wb.close()
    if not any(r.cells for r in b.grid.rows):
        b.problem("no-table-in-file", "the workbook's sheets are empty")
    return b.grid


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def _covered(z, ws) -> set[tuple[int, int]]:
    """(row, column), 1-based, of the cells of merged ranges but their top-left one: a
    value stored there is hidden by Excel, so it is not read."""
    from openpyxl.utils import column_index_from_string as col_of

    path = getattr(ws, "_worksheet_path", None)
    if not path:
        return set()
    out = set()
    for m in _MERGE.finditer(z.read(path.lstrip("/"))):
        c1, r1 = col_of(m.group(1).decode()), int(m.group(2))
        c2, r2 = (col_of(m.group(3).decode()), int(m.group(4))) if m.group(3) else (c1, r1)
        out.update((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1) if (r, c) != (r1, c1))
    return out


def _sheet(b: GridBuilder, ws, covered: set[tuple[int, int]]) -> None:
    for r, row in enumerate(ws.iter_rows(), start=1):
        pairs, refs = [], []
        for cell in row:
            value = cell.value
            if value is None or (r, cell.column) in covered:
                continue
            text = show(value, cell.number_format)
            if text.strip():
                pairs.append((cell.column - 1, text))
                refs.append((cell.column - 1, cell.coordinate))
        b.add(row_of(pairs), Locator("sheet", sheet=ws.title, row=r, cells=tuple(refs)))
