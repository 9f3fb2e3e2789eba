"""The contract between a *source* and a *template*: a document as rows of cells.

A **source** (one per file format: text, PDF, Word, Excel, HTML) turns a file into a
``Grid``: its rows in reading order, each row's non-empty cells with their column
positions, and where the row sits in the file (a ``Locator``). A **template** (one per
layout family) turns a ``Grid`` into records. Neither knows the other: a new format is
a new source, a new layout a new template.

Rows are numbered 1, 2, 3… in reading order (``GridRow.number``). For text that number
*is* the line number; for other formats it is an ordinal, and the ``Locator`` says where
the row is printed ("page 3 row 12", "Sheet1!C12", "table 2 row 5"). Templates account
for rows by number; reports, RDF and pages show the locator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import itemgetter
from typing import NamedTuple

from .text import Cell, Row

__all__ = ["Cell", "Row", "Locator", "GridRow", "Grid"]


@dataclass(frozen=True, slots=True)
class Locator:
    """Where a row (or, with ``col``, a cell) is printed in its file.

    ``kind`` is the source's format: ``line`` (text), ``pdf``, ``docx``, ``sheet``
    (xlsx/xls) or ``html``. Only the fields of that kind are set.
    """

    kind: str
    line: int | None = None  # text: the 1-based line number; docx/html: a paragraph outside tables
    page: int | None = None  # pdf: 1-based page
    table: int | None = None  # docx/html (and pdf): 1-based table on the page/document
    row: int | None = None  # 1-based row within the page, table or sheet
    sheet: str | None = None  # xlsx/xls: the sheet name
    #: per-column extra: a cell reference (``C12``) or a PDF box ``x0,top,x1,bottom``
    cells: tuple[tuple[int, str], ...] = ()

    def __str__(self) -> str:
        if self.kind == "line":
            return f"line {self.line}"
        if self.kind == "sheet":
            first = self.cells[0][1] if self.cells else f"row {self.row}"
            return f"{self.sheet}!{first}" if self.cells else f"{self.sheet} {first}"
        if self.line is not None:  # docx/html text outside tables
            return f"paragraph {self.line}"
        parts = []
        if self.page is not None:
            parts.append(f"page {self.page}")
        if self.table is not None:
            parts.append(f"table {self.table}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        return " ".join(parts) or self.kind

    def to_json(self) -> dict[str, object]:
        """The fields of this kind, and the printed form (``"text"``), for JSON reports."""
        d: dict[str, object] = {"kind": self.kind}
        for name in ("line", "page", "table", "sheet", "row"):
            v = getattr(self, name)
            if v is not None:
                d[name] = v
        if self.cells:
            d["cells"] = [[c, ref] for c, ref in self.cells]
        d["text"] = str(self)
        return d

    def cell(self, col: int) -> str | None:
        """The extra locator of one column (a sheet cell reference, a PDF box), if known."""
        for c, ref in self.cells:
            if c == col:
                return ref
        return None


class GridRow(NamedTuple):
    """One row of a document: its number, where it is, and its non-empty cells."""

    number: int  # 1-based, reading order; the line number for text
    cells: Row  # () for a blank row (a page break between table parts, a blank line)
    locator: Locator | None = None  # None for text: ``Locator("line", line=number)``
    #: set by a source that knows the row is not table content (a PDF page header,
    #: footer or page number): the reason, for the line report's "boilerplate" entry
    boilerplate: str | None = None

    def where(self) -> Locator:
        return self.locator if self.locator is not None else Locator("line", line=self.number)


_LOCATOR = itemgetter(2)  # GridRow.locator


@dataclass
class Grid:
    """A whole file as rows of cells, with what the source learned on the way."""

    source: str  # the path as given
    format: str  # "text", "pdf", "docx", "xlsx", "xls", "html"
    rows: list[GridRow] = field(default_factory=list)
    encoding: str = "utf-8"  # text and HTML; "binary" for the others
    sha256: str = ""
    #: problems found while reading the file (pages without text, damaged parts), as
    #: (code, message, row number or None, severity)
    problems: list[tuple[str, str, int | None, str]] = field(default_factory=list)
    #: text: the lines as read (line n is ``lines[n - 1]``), for messages that quote a row
    lines: list[str] | None = None

    def text_of(self, number: int, cells: Row) -> str:
        """A row as printed: its text line, else its cells joined by tabs."""
        if self.lines is not None:
            return self.lines[number - 1]
        return "\t".join(c.text for c in cells)

    def locators(self) -> dict[int, Locator]:
        """Row number -> locator, for the rows that have one (none for text)."""
        if not any(map(_LOCATOR, self.rows)):  # text: one pass in C, no dict
            return {}
        return {r.number: r.locator for r in self.rows if r.locator is not None}

    def span(self, first: int, last: int) -> Grid:
        """The rows numbered first..last (inclusive) as a grid of their own: a template
        that claims part of a document reads just that part; numbers are kept."""
        rows = [r for r in self.rows if first <= r.number <= last]
        return Grid(self.source, self.format, rows, self.encoding, self.sha256,
                    [p for p in self.problems if p[2] is None or first <= p[2] <= last], self.lines)
