"""PDF → ``Grid``: the tables of a PDF made from Word or WPS, read with pdfplumber.

Per page, in reading order (top to bottom):

- **ruled tables** (``page.find_tables``, from the drawn cell borders): one grid row per
  table row; a merged cell's text goes to the row where the cell starts (the top-left
  cell, as Word and Excel keep it), the rows it also covers get nothing in that column
  (the template reads an empty level-1 column as "same as above", and a level-2 label
  once per group); text wrapped over several lines inside one cell is joined;
- **text outside the tables** (the 附件/title/year/unit lines, notes): one row per
  printed line, split into cells at wide gaps between words; a page without any ruled
  table is read this way too, the columns taken from where words start;
- **page furniture**: a page number, or a line printed in the same place on most pages
  (a running header or footer), is a row with ``boilerplate`` set, so the line report
  accounts for it without the template seeing it as content.

A table that continues on the next page simply continues: its rows follow the rows of
the previous page (a repeated header row is the template's business). Each row's
``Locator`` is ``page``, ``row`` (1-based on the page) and each cell's box
``x0,top,x1,bottom`` in PDF points from the top-left corner of the page as displayed.

Refused (``UnreadableFile``): a file with no text layer at all (a scanned PDF: OCR is
out of scope), an encrypted file we cannot open, a file pdfminer cannot parse. Pages
without text, or that fail to parse, in an otherwise good file are reported in
``Grid.problems`` and the other pages still come out.
"""

from __future__ import annotations

import hashlib
import io
import re
from bisect import bisect_right
from collections import Counter
from typing import Any, Iterable

from ..grid import Grid, GridRow, Locator
from ..text import Cell, fold
from .common import UnreadableFile
from .errors import UnsupportedFormat

FORMAT = "pdf"
INSTALL_HINT = "pip install 'budgetkg[pdf]'  (or: pip install pdfplumber)"

# Cell borders: Word/WPS draw them as lines or thin filled rectangles; both count.
TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines",
                  "snap_tolerance": 3, "join_tolerance": 3, "intersection_tolerance": 3}

_PAGE_NUMBER = re.compile(r"^[-—–－\s]*(?:第\s*)?\d{1,4}\s*(?:页)?\s*(?:[/／]\s*\d{1,4}|共\s*\d{1,4}\s*页)?[-—–－\s]*$")
# Page furniture lives near the page's edges: page numbers in the outer tenth (Word's
# footer sits ~50 pt from the bottom), running headers and footers in the outer 7% (Word
# and WPS print them within ~50 pt of the edge; the body starts 72 pt in by default).
MARGIN = 0.1
MARGIN_REPEATED = 0.07


def sniff(data: bytes) -> bool:
    """A PDF starts with ``%PDF-`` (some producers put a little junk before it)."""
    return b"%PDF-" in data[:1024]


def _pdfplumber(source: str):
    try:
        import pdfplumber
    except ImportError:  # an extra: say exactly what to install
        raise UnsupportedFormat(FORMAT, source, "a PDF file: reading PDF needs pdfplumber, which is not "
                                f"installed: {INSTALL_HINT}") from None
    return pdfplumber


def read(data: bytes, source: str) -> Grid:
    """Read a PDF into a Grid. Raises ``UnreadableFile`` when nothing can be read."""
    pdfplumber = _pdfplumber(source)
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    grid = Grid(source=source, format="pdf", encoding="binary", sha256=hashlib.sha256(data).hexdigest())
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pages = pdf.pages
    except Exception as exc:  # pdfminer raises many kinds (PSEOF, PDFSyntaxError, KeyError…)
        cause = exc.args[0] if type(exc).__name__ == "PdfminerException" and exc.args else exc
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)) or cause in (
                PDFPasswordIncorrect, PDFEncryptionError):  # pdfplumber wraps the class or an instance
            raise UnreadableFile(source, "the PDF is encrypted and needs a password; "
                                 "save a copy without the password", "encrypted-pdf") from None
        why = f"{type(exc).__name__}: {exc}"[:200]
        raise UnreadableFile(source, f"not a readable PDF (damaged or truncated): {why}", "damaged-pdf") from None
    with pdf:
        per_page: list[list[_Line]] = []
        no_text: list[int] = []
        damaged: list[tuple[int, str]] = []
        for number, page in enumerate(pages, start=1):
            try:
                if not page.chars:
                    no_text.append(number)
                    per_page.append([])
                    continue
                per_page.append(_page_lines(page, number))
            except Exception as exc:  # one bad page: report it, read the others
                damaged.append((number, f"{type(exc).__name__}: {exc}"[:200]))
                per_page.append([])
            finally:
                page.close()  # pdfplumber caches every page's objects otherwise
    n_pages = len(per_page)
    if n_pages == 0:
        raise UnreadableFile(source, "the PDF has no pages", "damaged-pdf")
    if len(no_text) == n_pages:
        raise UnreadableFile(source, f"no text layer on {_pages(no_text)} (a scanned PDF?): OCR is "
                                     "not supported; use the department's text, Word or Excel version",
                             "no-text-layer")
    if len(no_text) + len(damaged) == n_pages and not any(per_page):
        raise UnreadableFile(source, f"no page could be read: {damaged[0][1]}", "damaged-pdf")
    if no_text:
        grid.problems.append(("pages-without-text", f"no text layer on {_pages(no_text)} (scanned?): "
                              "those pages were not read (OCR is not supported)", None, "error"))
    for number, why in damaged:
        grid.problems.append(("damaged-page", f"page {number} could not be read: {why}", None, "error"))
    _mark_furniture(per_page)
    _join_split_rows(per_page)
    _number_columns(per_page)
    n = 0
    for page_no, lines in enumerate(per_page, start=1):
        for i, ln in enumerate(lines, start=1):
            n += 1
            loc = Locator("pdf", page=page_no, row=i, table=ln.table,
                          cells=tuple((c.col, box) for c, box in zip(ln.cells, ln.boxes)))
            grid.rows.append(GridRow(n, ln.cells, loc, ln.boilerplate))
        if page_no < n_pages:  # a page break: a blank row, as in text taken from a PDF
            n += 1
            grid.rows.append(GridRow(n, (), Locator("pdf", page=page_no, row=len(lines) + 1)))
    return grid


def _pages(numbers: list[int]) -> str:
    """``page 3`` / ``pages 1-4, 7``."""
    spans: list[str] = []
    start = prev = numbers[0]
    for k in numbers[1:] + [None]:  # type: ignore[list-item]
        if k is not None and k == prev + 1:
            prev = k
            continue
        spans.append(f"{start}" if start == prev else f"{start}-{prev}")
        if k is not None:
            start = prev = k
    return ("page " if len(numbers) == 1 else "pages ") + ", ".join(spans)


class _Line:
    """One grid row of a page: its cells, their boxes, where it sits."""

    __slots__ = ("top", "bottom", "cells", "boxes", "table", "text", "boilerplate", "page_height", "_pieces",
                 "spans", "runs_on", "x0s")

    def __init__(self, top: float, bottom: float, cells: tuple[Cell, ...], boxes: list[str],
                 table: int | None) -> None:
        self.top, self.bottom, self.cells, self.boxes, self.table = top, bottom, cells, boxes, table
        self.text = " ".join(c.text for c in cells)
        self.boilerplate: str | None = None
        self.page_height = 0.0
        self.spans: tuple[tuple[int, int], ...] = ()  # x ranges of the cells with text
        self.runs_on: tuple[tuple[int, int], ...] = ()  # cells whose last printed line fills them
        self.x0s: list[float] = []  # table cells' left edges, for the document's columns


def _box(x0: float, top: float, x1: float, bottom: float) -> str:
    return f"{x0:.1f},{top:.1f},{x1:.1f},{bottom:.1f}"


def _page_lines(page: Any, page_no: int) -> list[_Line]:
    # pdfplumber turns a page with /Rotate into its displayed orientation already.
    chars = page.chars  # spaces too: a printed space is part of the text
    tables = page.find_tables(TABLE_SETTINGS)
    # A "table" of one cell is a frame or a text box, not a table.
    tables = [t for t in tables if len(t.rows) > 1 or len(t.rows[0].cells) > 1]
    tables.sort(key=lambda t: (t.bbox[1], t.bbox[0]))
    lines: list[_Line] = []
    inside = [False] * len(chars)
    for ti, t in enumerate(tables, start=1):
        lines += _table_lines(t, chars, inside, ti)
    outside = [c for c, used in zip(chars, inside) if not used]
    lines += _text_lines(outside, page.width)
    lines.sort(key=lambda ln: ln.top)
    for ln in lines:
        ln.page_height = page.height  # type: ignore[attr-defined]
    return lines


def _table_lines(t: Any, chars: list[dict], inside: list[bool], ti: int) -> list[_Line]:
    """The rows of one ruled table; the chars inside it are marked used."""
    x0, top, x1, bottom = t.bbox
    rows = t.rows
    tops = [r.bbox[1] for r in rows]
    # Column index of a cell: its left edge among the table's distinct left edges.
    lefts = sorted({round(c[0], 1) for r in rows for c in r.cells if c is not None})
    # chars of each cell, found by the char's centre: row by bisection, cell by x
    per_cell: dict[tuple[float, float, float, float], list[dict]] = {}
    starts = [[c for c in r.cells if c is not None] for r in rows]
    owner: list[list[tuple[float, float, float, float]]] = [[] for _ in rows]
    for ri, cells_ in enumerate(starts):  # a merged cell is found from every row it covers
        for c in cells_:
            for rj in range(ri, len(rows)):
                if tops[rj] >= c[3] - 0.5:
                    break
                owner[rj].append(c)
    for k, ch in enumerate(chars):
        cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        if not (x0 <= cx <= x1 and top <= cy <= bottom):
            continue
        ri = bisect_right(tops, cy) - 1
        if ri < 0:
            continue
        for c in owner[ri]:
            if c[0] <= cx <= c[2] and c[1] <= cy <= c[3]:
                per_cell.setdefault(c, []).append(ch)
                inside[k] = True
                break
    # Chars inside the table but in no cell: a border the producer left out (a gap in a
    # rule) lost pdfplumber that cell; rebuild it from the row and column the chars sit in.
    for k, ch in enumerate(chars):
        if inside[k]:
            continue
        cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        if not (x0 <= cx <= x1 and top <= cy <= bottom):
            continue
        ri = max(bisect_right(tops, cy) - 1, 0)
        ci = max(bisect_right(lefts, cx) - 1, 0)
        right = lefts[ci + 1] if ci + 1 < len(lefts) else x1
        cell = (lefts[ci], rows[ri].bbox[1], right, rows[ri].bbox[3])
        if cell not in per_cell:
            starts[ri].append(cell)
            starts[ri].sort(key=lambda c: c[0])
        per_cell.setdefault(cell, []).append(ch)
        inside[k] = True
    out: list[_Line] = []
    for ri, cells_ in enumerate(starts):
        row_cells: list[Cell] = []
        boxes: list[str] = []
        full, filled, x0s = [], [], []
        for c in cells_:
            chs = per_cell.get(c, ())
            text = _cell_text(chs)
            if not text:
                continue
            col = bisect_right(lefts, round(c[0], 1) + 0.5) - 1
            row_cells.append(Cell(col, text, fold(text)))
            boxes.append(_box(*c))
            filled.append((round(c[0]), round(c[2])))
            x0s.append(c[0])
            # Full: the next character would not have fitted (the cell's right padding
            # taken equal to its left one).
            last = _group_lines(chs)[-1]
            end = max(last, key=lambda ch: ch["x1"])
            pad = min(max(min(ch["x0"] for ch in chs) - c[0], 0), 10)
            if c[2] - end["x1"] < (end["size"] or 1) + pad + 1:
                full.append((round(c[0]), round(c[2])))
        if row_cells:
            rb = rows[ri].bbox
            ln = _Line(rb[1], rb[3], tuple(row_cells), boxes, ti)
            ln.spans = tuple(filled)
            ln.runs_on = tuple(full)
            ln.x0s = x0s
            out.append(ln)
    return out


def _number_columns(pages: list[list[_Line]]) -> None:
    """Table cells' column numbers from the left edges of all the file's table cells.

    Numbered per table, the same column would get another number in a fragment that
    lacks a column to its left (a table continued on the next page); the document's
    tables share one set of left edges, so number by those.
    """
    xs = sorted(x for lines in pages for ln in lines if ln.table is not None for x in ln.x0s)
    lefts: list[float] = []
    for x in xs:
        if not lefts or x - lefts[-1] > 2:
            lefts.append(x)
    for lines in pages:
        for ln in lines:
            if ln.table is not None and ln.x0s:
                ln.cells = tuple(Cell(bisect_right(lefts, x) - 1, c.text, c.key) for c, x in zip(ln.cells, ln.x0s))


def _join_split_rows(pages: list[list[_Line]]) -> None:
    """A table row cut by a page break (Word and WPS let rows break across pages) → one row.

    The page's last table row continues on the next page when the next page starts with
    a table row whose every cell sits under a cell of that row whose last printed line
    is full (its text ran on: a row that simply ends leaves room after its last word). The pieces' texts are joined cell by
    cell; the row keeps the first piece's locator.
    """
    for prev, nxt in zip(pages, pages[1:]):
        body = [ln for ln in prev if ln.boilerplate is None]
        head = [ln for ln in nxt if ln.boilerplate is None]
        if not body or not head:
            continue
        a, b = body[-1], head[0]
        if a.table is None or b.table is None or not a.runs_on or not b.spans:
            continue
        if not all(any(abs(x0 - u0) <= 2 and abs(x1 - u1) <= 2 for u0, u1 in a.runs_on) for x0, x1 in b.spans):
            continue
        if not all(any(abs(x0 - u0) <= 2 and abs(x1 - u1) <= 2 for u0, u1 in a.spans) for x0, x1 in b.spans):
            continue
        # Cells are matched by their x range (column numbers may differ between pages).
        cells_ = list(a.cells)
        for c, span in zip(b.cells, b.spans):
            i = next(i for i, u in enumerate(a.spans) if abs(u[0] - span[0]) <= 2 and abs(u[1] - span[1]) <= 2)
            t = cells_[i].text
            t += (" " if _needs_space(t[-1], c.text[0]) else "") + c.text
            cells_[i] = Cell(cells_[i].col, t, fold(t))
        a.cells = tuple(cells_)
        a.text = " ".join(c.text for c in a.cells)
        nxt.remove(b)


def _cell_text(chars: Iterable[dict]) -> str:
    """The text of one cell: its printed lines top to bottom, wrapped lines joined."""
    lines = _group_lines(chars)
    out = ""
    for ln in lines:
        text = _line_text(ln)
        if out and text and _needs_space(out[-1], text[0]):
            out += " "
        out += text
    return out.strip()


def _needs_space(before: str, after: str) -> bool:
    # A line wrapped at a space lost that space: put it back between Latin words and
    # after ASCII punctuation; CJK text wraps anywhere and has no spaces to restore.
    if before in ",;:" or (before.isascii() and before.isalnum() and after.isascii() and after.isalnum()):
        return True
    return False


def _group_lines(chars: Iterable[dict]) -> list[list[dict]]:
    """Chars in printed lines: sorted by top, a new line where a char starts below the last line's middle."""
    lines: list[list[dict]] = []
    cur: list[dict] = []
    mid = None
    for ch in sorted(chars, key=lambda c: (round(c["top"]), c["x0"])):
        if cur and ch["top"] > mid:
            lines.append(cur)
            cur = []
        if not cur:
            mid = (ch["top"] + ch["bottom"]) / 2
        cur.append(ch)
    if cur:
        lines.append(cur)
    return lines


def _line_text(chars: list[dict]) -> str:
    """One printed line: chars left to right, a space where the gap is a space wide."""
    chars = sorted(chars, key=lambda c: c["x0"])
    out = []
    prev = None
    for ch in chars:
        if prev is not None:
            gap = ch["x0"] - prev["x1"]
            size = min(prev["size"], ch["size"]) or 1
            if gap > 0.25 * size and out[-1] != " ":
                out.append(" ")  # a space the producer left as a gap, not a glyph
        if ch["text"] != " " or (out and out[-1] != " "):
            out.append(ch["text"])
        prev = ch
    return "".join(out)


def _text_lines(chars: list[dict], width: float) -> list[_Line]:
    """Text outside the ruled tables: one row per printed line, cells split at wide gaps."""
    out: list[_Line] = []
    for ln in _group_lines(chars):
        ln.sort(key=lambda c: c["x0"])
        pieces: list[list[dict]] = [[ln[0]]]
        for prev, ch in zip(ln, ln[1:]):
            size = min(prev["size"], ch["size"]) or 1
            if ch["x0"] - prev["x1"] > 1.5 * size:  # a column gap, not a word space
                pieces.append([])
            pieces[-1].append(ch)
        out.append(_Line(min(c["top"] for c in ln), max(c["bottom"] for c in ln), (), [], None))
        out[-1]._pieces = pieces  # type: ignore[attr-defined]
    # Columns: where pieces start, clustered over the page (so a row with an empty first
    # column starts at column 1, as in a table).
    starts = sorted(p[0]["x0"] for ln in out for p in ln._pieces)  # type: ignore[attr-defined]
    lefts: list[float] = []
    for x in starts:
        if not lefts or x - lefts[-1] > 6:
            lefts.append(x)
    for ln in out:
        cells_, boxes = [], []
        for p in ln._pieces:  # type: ignore[attr-defined]
            text = _line_text(p).strip()
            if not text:
                continue
            col = bisect_right(lefts, p[0]["x0"] + 0.5) - 1
            if cells_ and col <= cells_[-1].col:
                col = cells_[-1].col + 1
            cells_.append(Cell(col, text, fold(text)))
            boxes.append(_box(p[0]["x0"], min(c["top"] for c in p), p[-1]["x1"], max(c["bottom"] for c in p)))
        ln.cells, ln.boxes = tuple(cells_), boxes
        ln.text = " ".join(c.text for c in cells_)
        ln._pieces = None
    return [ln for ln in out if ln.cells]


def _mark_furniture(pages: list[list[_Line]]) -> None:
    """Page numbers and running headers/footers → ``boilerplate`` with the reason.

    Only the lines at the very top or bottom of a page (nothing but furniture between
    them and the page's edge), outside tables: a page number in the outer tenth of the
    page, or a line printed identically on at least half the pages in its outer 7%. So a
    header block printed at the top of every page (附件, the title, the year) stays the
    template's.
    """
    def band(ln: _Line, margin: float = MARGIN) -> str | None:
        h = ln.page_height or 1
        if ln.table is not None:
            return None
        if ln.bottom <= margin * h:
            return "header"
        if ln.top >= (1 - margin) * h:
            return "footer"
        return None

    seen: Counter[str] = Counter()
    for lines in pages:
        for text in {ln.text for ln in lines if band(ln, MARGIN_REPEATED)}:
            seen[text] += 1
    n_pages = sum(1 for p in pages if p)

    def mark(ln: _Line) -> bool:
        where = band(ln)
        if where is None:
            return False
        if _PAGE_NUMBER.match(ln.text):
            ln.boilerplate = "page number"
        elif n_pages >= 2 and seen[ln.text] >= max(2, n_pages // 2) and band(ln, MARGIN_REPEATED):
            ln.boilerplate = f"page {where}"
        return ln.boilerplate is not None

    for lines in pages:
        for ln in lines:  # from the top
            if not mark(ln):
                break
        for ln in reversed(lines):  # from the bottom
            if ln.boilerplate is None and not mark(ln):
                break
