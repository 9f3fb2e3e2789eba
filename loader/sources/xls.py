"""Excel 97-2003 (.xls) source, read with xlrd: as the .xlsx source (every sheet, merged
ranges, numbers in their display format, ``Sheet1!C12``)."""

from __future__ import annotations

from ..grid import Grid, Locator
from .common import GridBuilder, UnreadableFile, row_of
from .numfmt import show

FORMAT = "xls"  # signatures.py tells it from a Word 97 .doc (also OLE2)


def read(data: bytes, source: str) -> Grid:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=False)
    except Exception as exc:  # xlrd.XLRDError, CompDocError, struct errors on damage
        raise UnreadableFile(
            source, f"an OLE2 file that xlrd cannot read as an Excel workbook ({exc}); "
                    "a Word 97 .doc or a damaged .xls? Save it as .docx or .xlsx") from exc
    b = GridBuilder(source, "xls", data)
    for sheet in book.sheets():
        _sheet(b, book, sheet)
    if not any(r.cells for r in b.grid.rows):
        b.problem("no-table-in-file", "the workbook's sheets are empty")
    return b.grid


def _sheet(b: GridBuilder, book, sheet) -> None:
    import xlrd
    from xlrd.formula import cellname

    covered = set()  # cells of merged ranges but the top-left one
    for rlo, rhi, clo, chi in sheet.merged_cells:
        for r in range(rlo, rhi):
            for c in range(clo, chi):
                if (r, c) != (rlo, clo):
                    covered.add((r, c))
    for r in range(sheet.nrows):
        pairs, refs = [], []
        for c, cell in enumerate(sheet.row(r)):
            if (r, c) in covered or cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                continue
            fmt = book.format_map.get(book.xf_list[cell.xf_index].format_key) if cell.xf_index is not None else None
            fmt_str = fmt.format_str if fmt is not None else None
            if cell.ctype == xlrd.XL_CELL_DATE:
                value = xlrd.xldate_as_datetime(cell.value, book.datemode)
            elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                value = bool(cell.value)
            elif cell.ctype == xlrd.XL_CELL_ERROR:
                value = xlrd.error_text_from_code.get(cell.value, "#ERR")
            else:
                value = cell.value
            text = show(value, fmt_str)
            if text.strip():
                pairs.append((c, text))
                refs.append((c, cellname(r, c)))
        b.add(row_of(pairs), Locator("sheet", sheet=sheet.name, row=r + 1, cells=tuple(refs)))
