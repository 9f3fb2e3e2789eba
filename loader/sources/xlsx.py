"""Excel (.xlsx) source: every sheet, top to bottom, with merged ranges and number formats.

openpyxl leaves every cell of a merged range but the top-left one empty, which is how the
template wants a vertically merged level-1 or level-2 cell (printed once, blank below).
Numbers are printed with their display format (``numfmt``); formulas give their cached
value (a workbook saved without one gives nothing for that cell, and a problem says so).
Rows are located by sheet and cell: ``Sheet1!C12`` (``Locator.cells`` has every cell's
reference).
"""

from __future__ import annotations

import io

from ..grid import Grid, Locator
from .common import GridBuilder, UnreadableFile, open_zip, row_of
from .numfmt import show

FORMAT = "xlsx"


def read(data: bytes, source: str) -> Grid:
    import openpyxl

    open_zip(data, source, "Excel workbook")
    try:
        # Not read_only: merged ranges are only known to a fully loaded sheet.
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises KeyError, InvalidFileException, XML errors…
        raise UnreadableFile(source, f"damaged Excel workbook: {type(exc).__name__}: {exc}") from exc
    b = GridBuilder(source, "xlsx", data)
    for ws in wb.worksheets:
        _sheet(b, ws)
    if not any(r.cells for r in b.grid.rows):
        b.problem("no-table-in-file", "the workbook's sheets are empty")
    return b.grid


def _sheet(b: GridBuilder, ws) -> None:
    for r, row in enumerate(ws.iter_rows(), start=1):
        pairs, refs = [], []
        for cell in row:
            value = cell.value
            if value is None:
                continue
            text = show(value, cell.number_format)
            if text.strip():
                pairs.append((cell.column - 1, text))
                refs.append((cell.column - 1, cell.coordinate))
        b.add(row_of(pairs), Locator("sheet", sheet=ws.title, row=r, cells=tuple(refs)))
