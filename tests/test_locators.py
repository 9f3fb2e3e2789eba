"""Locators: where a row is printed, in reports and records, for sources other than text.

Text keeps its output as it was (the row number is the line number, no ``locator``
key); a grid from another source (built here by hand, as a PDF source would) carries
page and row into the line report, the problems and the records.
"""

from __future__ import annotations

import json
from pathlib import Path

from budgetkg.loader.grid import Grid, GridRow, Locator
from budgetkg.loader.reader import parse_grid, parse_text
from budgetkg.loader.records import LineEntry, Problem
from budgetkg.loader.sources import read_grid
from budgetkg.loader.text import cells

CASE = Path(__file__).parent / "cases" / "basic_clean_table" / "input.txt"
PER_PAGE = 20


def _pdf_grid() -> tuple[Grid, int]:
    """The case's rows as a PDF source would give them: a stray note first, a page footer
    inside the table; each row located by page and row. Returns the footer's number."""
    text_rows = [r.cells for r in read_grid(CASE).rows]
    indicator = next(i for i, c in enumerate(text_rows) if c and c[0].text.startswith("1-"))
    printed = [(cells("仅供参考的说明"), None)] + [(c, None) for c in text_rows[:indicator + 2]]
    printed += [(cells("第 1 页"), "page-footer")] + [(c, None) for c in text_rows[indicator + 2:]]
    rows = [GridRow(n, c, Locator("pdf", page=1 + (n - 1) // PER_PAGE, row=1 + (n - 1) % PER_PAGE), skip)
            for n, (c, skip) in enumerate(printed, start=1)]
    footer = next(r.number for r in rows if r.boilerplate)
    return Grid("t.pdf", "pdf", rows, "binary", "0" * 64), footer


def test_text_output_has_no_locators() -> None:
    doc = parse_text(CASE.read_text(encoding="utf-8"), "t.txt")
    assert '"locator"' not in json.dumps(doc.to_json(), ensure_ascii=False)
    assert all(e.locator is None for e in doc.lines) and doc.projects[0].locator is None
    p = Problem("x", "m", "t.txt", 12, None, "warning")
    assert str(p) == "t.txt:12: warning: m [x]"
    # a text-line locator says no more than the line number: output unchanged
    q = Problem("x", "m", "t.txt", 12, None, "warning", Locator("line", line=12))
    assert str(q) == str(p) and q.to_json() == p.to_json()


def test_a_pdf_grid_reads_like_its_text_and_says_where_each_row_is() -> None:
    grid, footer = _pdf_grid()
    doc = parse_grid(grid)
    text = parse_text(CASE.read_text(encoding="utf-8"), "t.txt")
    # the same records: the footer neither ends the table nor is rejected
    assert [(i.name, i.value, i.level2) for i in doc.projects[0].indicators] == \
        [(i.name, i.value, i.level2) for i in text.projects[0].indicators]
    assert doc.projects[0].amounts == text.projects[0].amounts

    entries = {e.line: e for e in doc.lines}
    assert entries[footer][1:3] == ("boilerplate", "page-footer")
    assert entries[footer].locator == Locator("pdf", page=1 + (footer - 1) // PER_PAGE, row=1 + (footer - 1) % PER_PAGE)
    assert all(e.locator is not None and e.locator.kind == "pdf" for e in doc.lines)

    out = doc.to_json()
    reported = {e["line"]: e for e in out["line_report"]["lines"]}
    page, row = 1 + (footer - 1) // PER_PAGE, 1 + (footer - 1) % PER_PAGE
    assert reported[footer]["locator"] == {"kind": "pdf", "page": page, "row": row, "text": f"page {page} row {row}"}
    assert out["line_report"]["counts"]["boilerplate"] == 1 + sum(
        1 for e in text.lines if e.status == "boilerplate")

    project = out["projects"][0]
    start = doc.projects[0].line
    assert project["locator"]["text"] == f"page {1 + (start - 1) // PER_PAGE} row {1 + (start - 1) % PER_PAGE}"
    first = project["indicators"][0]
    assert first["locator"]["row"] == 1 + (first["line"] - 1) % PER_PAGE


def test_problems_name_the_page_and_row() -> None:
    grid, _ = _pdf_grid()
    doc = parse_grid(grid)
    stray = next(p for p in doc.problems if p.code == "stray-text")
    assert stray.line == 1 and stray.text == "仅供参考的说明"
    assert str(stray).startswith("t.pdf:page 1 row 1: info: text outside any table")
    assert stray.to_json()["locator"] == {"kind": "pdf", "page": 1, "row": 1, "text": "page 1 row 1"}
    assert stray.to_json()["line"] == 1


def test_problems_the_source_reports_are_kept_with_their_locator() -> None:
    grid, _ = _pdf_grid()
    grid.problems.append(("page-without-text", "page 2 has no text layer (a scan?)", 21, "warning"))
    doc = parse_grid(grid)
    p = next(p for p in doc.problems if p.code == "page-without-text")
    assert str(p) == "t.pdf:page 2 row 1: warning: page 2 has no text layer (a scan?) [page-without-text]"


def test_sheet_locators_print_a_cell_reference() -> None:
    where = Locator("sheet", sheet="2023", row=12, cells=((0, "A12"), (2, "C12")))
    e = LineEntry(12, "rejected", "unrecognized line in a table", 1, where)
    assert e.to_json()["locator"]["text"] == "2023!A12" and where.cell(2) == "C12"
    assert str(Problem("x", "m", "b.xlsx", 12, locator=where)) == "b.xlsx:2023!A12: error: m [x]"
