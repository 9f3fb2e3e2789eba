"""Render a document's records as the printed form lays them out, in office formats.

Fixtures for the source tests (and the PDF helper's): from the records the text reader
gives for the seed, build each table as the real form prints it, in a neutral model
(rows of cells with rowspan/colspan), then write that model as Word, Excel or HTML with
real merged cells. Only the records are used, never the seed's text, so a reader of the
rendered file must find by itself what the text reader found.

The layout, six grid columns (c0..c5):

    项目名称 | name ................................................ (c1-c5)
    主管部门 | department (c1-c2)  | 实施单位 | unit (c4-c5)
    项目属性 | attribute (c1-c2)   | 项目期   | period (c4-c5)
    项目总额 | total (c1-c2)       | 其中: 年度资金总额 | annual (c4-c5)
    其中: 本级资金 ⌈| 资金总额 | own      | 其中: 转移市县(区)资金 ⌈| 资金总额 | transfer
     (rowspan 4)   | 其中: 财政拨款 | fiscal |  (rowspan 4)          | 其中: 中央资金 | central
                   | 其他资金 | other          |                       | 自治区资金 | regional
                   | 结余结转资金 | carryover  |                       |            |
    年度总体绩效目标 | goal ........................................ (c1-c5)
    一级指标 | 二级指标 | 三级指标 (c2-c3) | 指标值 (c4-c5)
    level 1 (merged over its rows) | level 2 (merged over its group) | name | value

Use as a library (``render(doc, fmt, path)``) or run it:
``python tests/render_tables.py budgetkg/data/000_aa5de0a37e870aea.txt OUT_DIR``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape
from pathlib import Path

from budgetkg.loader.records import Document, Project
from budgetkg.loader.vocabulary import LEVEL1, LEVEL2

NCOLS = 6


@dataclass
class Cell:
    row: int  # 0-based within the table
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    number: Decimal | None = None  # an amount: Excel stores it as a number with a format


@dataclass
class Table:
    nrows: int = 0
    cells: list[Cell] = field(default_factory=list)

    def add_row(self, *placed: tuple) -> None:
        """Cells of one new row: (col, text[, colspan[, rowspan[, number]]])."""
        for p in placed:
            col, text, *rest = p
            colspan = rest[0] if len(rest) > 0 else 1
            rowspan = rest[1] if len(rest) > 1 else 1
            number = rest[2] if len(rest) > 2 else None
            self.cells.append(Cell(self.nrows, col, text, rowspan, colspan, number))
        self.nrows += 1


@dataclass
class Para:
    text: str


Block = Para | Table


# -- layout ----------------------------------------------------------------------


def _amount(value: Decimal | None, col: int, colspan: int = 1) -> tuple:
    return (col, "" if value is None else str(value), colspan, 1, value)


def _org(org) -> str:
    return "" if org is None else f"{org.code}-{org.printed_name}"


def header_block(doc: Document) -> list[Para]:
    return [Para("附件"), Para("部门项目支出预算绩效目标表"), Para(f"({doc.year}年度)"),
            Para(f"单位: {doc.currency_unit}")]


def layout(p: Project) -> tuple[Table, int]:
    """One project's table, and the row of its indicator header."""
    a = p.amounts
    t = Table()
    t.add_row((0, "项目名称"), (1, p.name, 5))
    t.add_row((0, "主管部门"), (1, _org(p.department), 2), (3, "实施单位"), (4, _org(p.unit), 2))
    t.add_row((0, "项目属性"), (1, p.attribute.printed if p.attribute else "", 2), (3, "项目期"),
              (4, p.period or "", 2))
    t.add_row((0, "项目总额"), _amount(a.total, 1, 2), (3, "其中: 年度资金总额"), _amount(a.annual_total, 4, 2))
    t.add_row((0, "其中: 本级资金", 1, 4), (1, "资金总额"), _amount(a.own_level_total, 2),
              (3, "其中: 转移市县(区)资金", 1, 4), (4, "资金总额"), _amount(a.transfer_total, 5))
    t.add_row((1, "其中: 财政拨款"), _amount(a.fiscal_appropriation, 2), (4, "其中: 中央资金"),
              _amount(a.central_funds, 5))
    t.add_row((1, "其他资金"), _amount(a.other_funds, 2), (4, "自治区资金"), _amount(a.regional_funds, 5))
    t.add_row((1, "结余结转资金"), _amount(a.carryover, 2), (4, ""), (5, ""))
    t.add_row((0, "年度总体绩效目标"), (1, p.goal or "", 5))
    header_row = t.nrows
    t.add_row((0, "一级指标"), (1, "二级指标"), (2, "三级指标", 2), (4, "指标值", 2))

    # Indicator rows and empty level-2 groups, in printed order. A label printed on a row
    # of its own and then used by the rows below leaves no record of its own: an indicator
    # whose level 2 came from "an earlier label of the group" that is not the label
    # printed last gets that label row back.
    found = sorted([(i.line, i.level1, i.printed_level2, i.name, i.value, i.level2, i.level2_basis)
                    for i in p.indicators]
                   + [(g.line, g.level1, f"{g.level2}-{LEVEL2[g.level2]}", "", "", g.level2, "label")
                      for g in p.empty_groups])
    items: list[tuple] = []
    current = None  # (level 1, level 2) of the label printed last
    for _, l1, label, name, value, l2, basis in found:
        if label is not None:
            current = (l1, l2)
        elif basis == "group" and current != (l1, l2):
            items.append((None, l1, f"{l2}-{LEVEL2[l2]}", "", ""))
            current = (l1, l2)
        items.append((None, l1, label, name, value))
    first = t.nrows
    for _, _, _, name, value in items:
        t.add_row((2, name, 2), (4, value, 2))
    # Level 1 merged over each run of its rows; level 2 from its printed label down to the
    # next label (rows before any label of their level 1 get no level-2 cell).
    i = 0
    while i < len(items):
        j = i
        while j < len(items) and items[j][1] == items[i][1]:
            j += 1
        t.cells.append(Cell(first + i, 0, f"{items[i][1]}-{LEVEL1[items[i][1]]}", j - i))
        k = i
        while k < j:
            if items[k][2] is None:
                k += 1
                continue
            m = k + 1
            while m < j and items[m][2] is None:
                m += 1
            t.cells.append(Cell(first + k, 1, items[k][2], m - k))
            k = m
        i = j
    return t, header_row


def split(t: Table, at: int, *, repeat: Table | None = None, reprint_level1: bool) -> tuple[Table, Table]:
    """Cut a table before row ``at`` into two tables, as a table continued on the next
    page/sheet: merges crossing the cut are cut; the continuation optionally starts with a
    repeated header row (``repeat``) and reprints its level-1 cell or leaves it blank."""
    top, bottom = Table(at), Table()
    off = 0
    if repeat is not None:
        for c in repeat.cells:
            bottom.cells.append(Cell(0, c.col, c.text, 1, c.colspan))
        off = 1
    bottom.nrows = t.nrows - at + off
    for c in t.cells:
        end = c.row + c.rowspan
        if c.row < at:
            top.cells.append(Cell(c.row, c.col, c.text, min(end, at) - c.row, c.colspan, c.number))
            if end > at and (c.col != 0 or reprint_level1):
                text = c.text if c.col == 0 else ""
                bottom.cells.append(Cell(off, c.col, text, end - at, c.colspan, c.number))
        else:
            bottom.cells.append(Cell(c.row - at + off, c.col, c.text, c.rowspan, c.colspan, c.number))
    return top, bottom


def indicator_header() -> Table:
    t = Table()
    t.add_row((0, "一级指标"), (1, "二级指标"), (2, "三级指标", 2), (4, "指标值", 2))
    return t


def blocks(doc: Document, *, split_seq: int | None = None, repeat_header: bool = True,
           reprint_level1: bool = False) -> list[Block]:
    """The whole document: each table after its header block; table ``split_seq`` (default:
    the one with most rows) is printed as two tables, the second a continuation."""
    if split_seq is None and doc.projects:
        split_seq = max(doc.projects, key=lambda p: len(p.indicators)).seq
    out: list[Block] = []
    for p in doc.projects:
        out += header_block(doc)
        t, hdr = layout(p)
        if p.seq == split_seq and t.nrows - hdr > 3:
            cut = hdr + 1 + (t.nrows - hdr - 1) // 2
            out += split(t, cut, repeat=indicator_header() if repeat_header else None,
                         reprint_level1=reprint_level1)
        else:
            out.append(t)
    return out


# -- writers ---------------------------------------------------------------------


def _tc_at(table, row: int, col: int):
    g = 0
    for tc in table._tbl.tr_lst[row].tc_lst:
        if g == col:
            return tc
        g += tc.grid_span
    raise IndexError((row, col))


def write_docx(bl: list[Block], path: Path) -> None:
    import docx
    from docx.table import _Cell

    d = docx.Document()
    for b in bl:
        if isinstance(b, Para):
            d.add_paragraph(b.text)
            continue
        table = d.add_table(rows=b.nrows, cols=NCOLS)
        table.style = "Table Grid"
        # (Table.cell() rebuilds the whole cell list on every call: look the cell up in its row)
        for c in sorted(b.cells, key=lambda c: (c.row, c.col)):
            cell = _Cell(_tc_at(table, c.row, c.col), table)
            if c.rowspan > 1 or c.colspan > 1:
                end = _Cell(_tc_at(table, c.row + c.rowspan - 1, c.col + c.colspan - 1), table)
                cell = cell.merge(end)
            cell.text = c.text
        d.add_paragraph("")  # Word needs a paragraph between two tables to keep them apart
    d.save(str(path))


def _number_format(value: Decimal, col: int) -> str:
    places = max(0, -value.as_tuple().exponent)
    body = "0." + "0" * places if places else "0"
    return ("#,##" + body) if col == 1 else body  # a thousands separator on 项目总额 only


def write_xlsx(bl: list[Block], path: Path, *, tables_per_sheet: int = 20) -> None:
    """Tables down the sheet one after another; a new sheet every ``tables_per_sheet``."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    row = 1
    count = 0
    for b in bl:
        if isinstance(b, Para):
            if b.text == "附件":
                count += 1
                if count > tables_per_sheet and (count - 1) % tables_per_sheet == 0:
                    ws = wb.create_sheet(f"Sheet{len(wb.sheetnames) + 1}")
                    row = 1
            ws.cell(row, 1, b.text)
            row += 1
            continue
        for c in b.cells:
            cell = ws.cell(row + c.row, c.col + 1)
            if c.number is not None:
                cell.value = float(c.number)
                cell.number_format = _number_format(c.number, c.col)
            elif c.text:
                cell.value = c.text
            if c.rowspan > 1 or c.colspan > 1:
                ws.merge_cells(start_row=row + c.row, start_column=c.col + 1,
                               end_row=row + c.row + c.rowspan - 1, end_column=c.col + c.colspan)
        row += b.nrows + 1  # one blank row after a table
    wb.save(str(path))


def write_xls(bl: list[Block], path: Path) -> None:
    """Excel 97 (.xls) with xlwt: one sheet, merged ranges, amounts as numbers with formats."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Sheet1")
    styles: dict[str, object] = {}
    row = 0
    for b in bl:
        if isinstance(b, Para):
            ws.write(row, 0, b.text)
            row += 1
            continue
        for c in b.cells:
            value: object = c.text
            style = xlwt.Style.default_style
            if c.number is not None:
                fmt = _number_format(c.number, c.col)
                style = styles.setdefault(fmt, xlwt.easyxf(num_format_str=fmt))
                value = float(c.number)
            if c.rowspan > 1 or c.colspan > 1:
                ws.write_merge(row + c.row, row + c.row + c.rowspan - 1, c.col, c.col + c.colspan - 1,
                               value, style)
            elif value != "":
                ws.write(row + c.row, c.col, value, style)
        row += b.nrows + 1
    wb.save(str(path))


def html_text(bl: list[Block], *, charset: str | None = "gbk") -> str:
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if charset else ""
    out = [f"<!DOCTYPE html>\n<html><head>{meta}<title>绩效目标表</title></head><body>"]
    for b in bl:
        if isinstance(b, Para):
            out.append(f"<p>{escape(b.text)}</p>")
            continue
        out.append('<table border="1">')
        by_row: dict[int, list[Cell]] = {}
        for c in b.cells:
            by_row.setdefault(c.row, []).append(c)
        for r in range(b.nrows):
            tds = []
            for c in sorted(by_row.get(r, []), key=lambda c: c.col):
                span = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (
                    f' colspan="{c.colspan}"' if c.colspan > 1 else "")
                tds.append(f"<td{span}>{escape(c.text)}</td>")
            out.append("<tr>" + "".join(tds) + "</tr>")
        out.append("</table>")
    out.append("</body></html>\n")
    return "\n".join(out)


def write_html(bl: list[Block], path: Path, *, charset: str | None = "gbk",
               encoding: str = "gbk") -> None:
    path.write_bytes(html_text(bl, charset=charset).encode(encoding))


def render(doc: Document, fmt: str, path: Path) -> Path:
    """Write ``doc``'s tables as ``fmt``: docx, xlsx, xls, html (GBK, declared) or
    html-nocharset (GBK, no declaration)."""
    if fmt == "docx":
        write_docx(blocks(doc, repeat_header=True, reprint_level1=False), path)
    elif fmt == "xlsx":
        write_xlsx(blocks(doc, repeat_header=False, reprint_level1=True), path)
    elif fmt == "xls":
        write_xls(blocks(doc, repeat_header=True, reprint_level1=True), path)
    elif fmt == "html":
        write_html(blocks(doc, repeat_header=False, reprint_level1=True), path)
    elif fmt == "html-nocharset":
        write_html(blocks(doc, repeat_header=True, reprint_level1=False), path, charset=None)
    elif fmt in ("pdf-reportlab", "pdf-libreoffice"):
        import pdf_fixtures  # the PDF writers (reportlab; LibreOffice from the docx)

        pdf_fixtures.render_pdf(doc, fmt, path)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return path


SUFFIX = {"docx": ".docx", "xlsx": ".xlsx", "xls": ".xls", "html": ".html", "html-nocharset": ".htm",
          "pdf-reportlab": ".pdf", "pdf-libreoffice": ".pdf"}


def main(argv: list[str]) -> None:
    from budgetkg.loader.reader import read_document

    src, out = Path(argv[0]), Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    doc = read_document(src)
    for fmt, suffix in SUFFIX.items():
        print(render(doc, fmt, out / f"{src.stem}-{fmt}{suffix}"))


if __name__ == "__main__":
    main(sys.argv[1:])
