"""Word (.docx) source: every table in body order, and the paragraphs between them.

Merged cells as Word stores them: a horizontal merge is one cell spanning grid columns
(``gridSpan``), so the next cell's column is counted on; a vertical merge prints its text
in the first row only and leaves the rows below empty (``vMerge`` continue), which the
template reads as "same as the row above". A cell's paragraphs are joined into one line.
Rows are located as ``table 2 row 5``; a paragraph outside tables as ``paragraph 7``.
"""

from __future__ import annotations

import io

from ..grid import Grid, Locator
from .common import GridBuilder, UnreadableFile, join_lines, open_zip, row_of

FORMAT = "docx"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def read(data: bytes, source: str) -> Grid:
    import docx  # python-docx
    from docx.table import Table

    open_zip(data, source, "Word file")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError, XMLSyntaxError, ValueError…
        raise UnreadableFile(source, f"damaged Word file: {type(exc).__name__}: {exc}") from exc
    b = GridBuilder(source, "docx", data)
    tables = paragraphs = 0
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            tables += 1
            _table(b, block, tables)
        else:
            paragraphs += 1
            cells = row_of([(0, block.text)])
            if cells:
                b.add(cells, Locator("docx", line=paragraphs))
    if tables == 0:
        b.problem("no-table-in-file", "the Word file has no table")
    return b.grid


_P, _T, _TAB, _BR, _CR = (f"{{{_W}}}{t}" for t in ("p", "t", "tab", "br", "cr"))


def _lines(tc) -> list[str]:
    """The lines of a cell: its paragraphs (nested tables' too) and line breaks. Walked
    with lxml: python-docx's Paragraph.text runs an XPath query per paragraph (5x slower)."""
    lines = []
    for p in tc.iter(_P):
        line = []
        for el in p.iter(_T, _TAB, _BR, _CR):
            if el.tag == _T:
                line.append(el.text or "")
            elif el.tag == _TAB:
                line.append(" ")
            else:
                lines.append("".join(line))
                line = []
        lines.append("".join(line))
    return lines


def _table(b: GridBuilder, table, number: int) -> None:
    for r, tr in enumerate(table._tbl.tr_lst, start=1):
        col = tr.grid_before  # cells left out at the start of the row
        pairs = []
        for tc in tr.tc_lst:
            if tc.vMerge != "continue":  # ("continue": the cell above spans this row)
                pairs.append((col, join_lines(_lines(tc))))
            col += tc.grid_span
        b.add(row_of(pairs), Locator("docx", table=number, row=r))
