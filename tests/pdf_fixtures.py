"""PDF fixtures of the seed's tables from two independent producers.

The seed text is read into records; the records are laid out as the department's
template lays them out (a 6-column grid: merged level-1 and level-2 cells, the two-sided
fund grid, the goal spanning the row), then drawn by

- **reportlab** (``write_reportlab``): platypus tables with the built-in ``STSong-Light``
  CID font (no font file needed), ruled cells, tables flowing across pages;
- **LibreOffice** (``write_libreoffice``): the same model as an HTML table with
  ``rowspan``/``colspan``, converted by ``soffice --headless --convert-to pdf``.

Nothing here is committed as a PDF: the tests build them in a temporary directory.
"""

from __future__ import annotations

import html
import shutil
import subprocess
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from budgetkg.loader.records import Document, Project
from budgetkg.loader.vocabulary import LEVEL1, LEVEL2

NCOLS = 6


@dataclass(frozen=True)
class MCell:
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass
class MTable:
    preamble: list[str]  # lines printed above the table (附件, title, year, unit)
    rows: list[list[MCell]]


def _amount(v: Decimal | None) -> str:
    return "" if v is None else f"{v:.2f}"


def _org(o) -> str:
    return "" if o is None else f"{o.code}-{o.printed_name}"


def table_model(doc: Document) -> list[MTable]:
    return [_table(p, doc) for p in doc.projects]


def _table(p: Project, doc: Document) -> MTable:
    a = p.amounts
    rows: list[list[MCell]] = [
        [MCell(0, "项目名称"), MCell(1, p.name, colspan=5)],
        [MCell(0, "主管部门"), MCell(1, _org(p.department), colspan=2), MCell(3, "实施单位"),
         MCell(4, _org(p.unit), colspan=2)],
        [MCell(0, "项目属性"), MCell(1, p.attribute.printed if p.attribute else "", colspan=2),
         MCell(3, "项目期"), MCell(4, p.period or "", colspan=2)],
        [MCell(0, "项目总额"), MCell(1, _amount(a.total), colspan=2), MCell(3, "其中：年度资金总额"),
         MCell(4, _amount(a.annual_total), colspan=2)],
        # the two-sided fund grid: 本级 on the left, 转移 on the right, each label merged
        [MCell(0, "其中：本级资金", rowspan=4), MCell(1, "资金总额"), MCell(2, _amount(a.own_level_total)),
         MCell(3, "其中：转移市县（区）资金", rowspan=4), MCell(4, "资金总额"), MCell(5, _amount(a.transfer_total))],
        [MCell(1, "其中：财政拨款"), MCell(2, _amount(a.fiscal_appropriation)),
         MCell(4, "其中：中央资金"), MCell(5, _amount(a.central_funds))],
        [MCell(1, "其他资金"), MCell(2, _amount(a.other_funds)),
         MCell(4, "自治区资金"), MCell(5, _amount(a.regional_funds))],
        [MCell(1, "结余结转资金"), MCell(2, _amount(a.carryover)), MCell(4, ""), MCell(5, "")],
        [MCell(0, "年度总体绩效目标"), MCell(1, p.goal or "", colspan=5)],
        [MCell(0, "一级指标"), MCell(1, "二级指标"), MCell(2, "三级指标", colspan=2), MCell(4, "指标值", colspan=2)],
    ]
    # Indicator rows in printed order, empty groups (label only) where they were printed.
    items = [(i.line, i.level1, i.level2, i.name, i.value) for i in p.indicators]
    items += [(g.line, g.level1, g.level2, "", "") for g in p.empty_groups]
    items.sort()
    body: list[list[MCell]] = []
    i = 0
    while i < len(items):  # level-1 groups
        l1 = items[i][1]
        j = i
        while j < len(items) and items[j][1] == l1:
            j += 1
        first_of_l1 = len(body)
        k = i
        while k < j:  # level-2 groups inside
            l2 = items[k][2]
            m = k
            while m < j and items[m][2] == l2:
                m += 1
            for n in range(k, m):
                _, _, _, name, value = items[n]
                row = []
                if n == k:
                    row.append(MCell(1, f"{l2}-{LEVEL2[l2]}", rowspan=m - k))
                row += [MCell(2, name, colspan=2), MCell(4, value, colspan=2)]
                body.append(row)
            k = m
        body[first_of_l1].insert(0, MCell(0, f"{l1}-{LEVEL1[l1]}", rowspan=j - i))
        i = j
    rows += body
    year = doc.year or 2022
    return MTable([f"附件{p.seq}", "部门项目支出预算绩效目标表", f"（{year}年度）", f"单位：{doc.currency_unit}"], rows)


def from_blocks(blocks: list) -> list[MTable]:
    """``tests/render_tables.py``'s blocks (paragraphs and tables) as MTables: the
    paragraphs before a table are its preamble; a table right after a table (a table
    continued) has none."""
    import render_tables as rt

    out: list[MTable] = []
    pre: list[str] = []
    for b in blocks:
        if isinstance(b, rt.Para):
            pre.append(b.text)
            continue
        rows: list[list[MCell]] = [[] for _ in range(b.nrows)]
        for c in sorted(b.cells, key=lambda c: (c.row, c.col)):
            rows[c.row].append(MCell(c.col, c.text, c.rowspan, c.colspan))
        out.append(MTable(pre, rows))
        pre = []
    return out


# -- reportlab -------------------------------------------------------------------------

def write_reportlab(tables: list[MTable], out: Path, *, landscape_pages: bool = False,
                    image_first: Path | None = None, furniture: bool = True, ruled: bool = True,
                    page_per_table: bool = False) -> Path:
    """Draw the tables; ``image_first``: a page holding only that image (a scanned page)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Image, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    cell = ParagraphStyle("cell", fontName="STSong-Light", fontSize=8, leading=10, wordWrap="CJK")
    head = ParagraphStyle("head", parent=cell, fontSize=12, leading=16, alignment=1)
    size = landscape(A4) if landscape_pages else A4
    width = size[0] - 30 * mm
    widths = [w * width for w in (0.13, 0.15, 0.2, 0.17, 0.15, 0.2)]
    story: list = []
    if image_first is not None:
        story += [Image(str(image_first), width=width, height=width * 1.3), PageBreak()]
    for t in map(_short_spans, tables):
        for line in t.preamble:
            story.append(Paragraph(html.escape(line), head))
        grid: list[list[object]] = [["" for _ in range(NCOLS)] for _ in t.rows]
        style = [("FONT", (0, 0), (-1, -1), "STSong-Light", 8),
                 ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
        if ruled:  # without: a table of aligned text only (word positions)
            style.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
        for r, row in enumerate(t.rows):
            for c in row:
                grid[r][c.col] = Paragraph(html.escape(c.text), cell) if c.text else ""
                if c.rowspan > 1 or c.colspan > 1:
                    style.append(("SPAN", (c.col, r), (c.col + c.colspan - 1, r + c.rowspan - 1)))
        story.append(Table(grid, colWidths=widths, style=TableStyle(style), splitByRow=1,
                           splitInRow=0))
        story.append(PageBreak() if page_per_table else Spacer(1, 6 * mm))

    def page_furniture(canvas, doc_):
        if not furniture:
            return
        canvas.saveState()
        canvas.setFont("STSong-Light", 8)
        canvas.drawCentredString(size[0] / 2, 8 * mm, f"- {doc_.page} -")
        canvas.drawString(15 * mm, size[1] - 8 * mm, "宁夏回族自治区财政厅 公开")
        canvas.restoreState()

    SimpleDocTemplate(str(out), pagesize=size, leftMargin=15 * mm, rightMargin=15 * mm,
                      topMargin=22 * mm, bottomMargin=22 * mm).build(
        story, onFirstPage=page_furniture, onLaterPages=page_furniture)
    return out


# -- LibreOffice -----------------------------------------------------------------------

def _short_spans(t: MTable, most: int = 8) -> MTable:
    """Cut long row spans into pieces that repeat the label, for reportlab.

    reportlab splits a table across pages only between rows that no span crosses, so a
    level-1 cell spanning 40 rows could not be drawn. Spans are cut every ``most`` rows
    and where a span of a column to their right starts (so the pieces nest); merged cells
    split by a page break come from the LibreOffice fixture.
    """
    rows = [list(r) for r in t.rows]
    for col in sorted({c.col for r in t.rows for c in r}, reverse=True):
        for r in range(len(rows)):
            c = next((x for x in rows[r] if x.col == col and x.rowspan > 1), None)
            if c is None:
                continue
            starts = {r + k for k in range(1, c.rowspan)
                      if any(x.col > col and x.rowspan > 1 for x in rows[r + k])}
            cuts, last = [], r
            for k in range(r + 1, r + c.rowspan):
                if k in starts or k - last >= most:
                    cuts.append(k)
                    last = k
            if not cuts:
                continue
            bounds = [r] + cuts + [r + c.rowspan]
            for lo, hi in zip(bounds, bounds[1:]):
                piece = MCell(col, c.text, hi - lo, c.colspan)
                target = rows[lo]
                if lo == r:
                    target[target.index(c)] = piece
                else:
                    at = next((i for i, x in enumerate(target) if x.col > col), len(target))
                    target.insert(at, piece)
    return MTable(t.preamble, rows)


def write_html(tables: list[MTable], out: Path) -> Path:
    parts = ['<!DOCTYPE html><html><head><meta charset="utf-8"><style>'
             "table{border-collapse:collapse;width:100%}td{border:1px solid #000;font-size:9pt}tr{page-break-inside:avoid}"
             "</style></head><body>"]
    for t in tables:
        for line in t.preamble:
            parts.append(f"<p>{html.escape(line)}</p>")
        parts.append('<table border="1" cellspacing="0" cellpadding="2">')
        for row in t.rows:
            parts.append("<tr>")
            for c in row:
                span = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (
                    f' colspan="{c.colspan}"' if c.colspan > 1 else "")
                parts.append(f"<td{span}>{html.escape(c.text)}</td>")
            parts.append("</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    out.write_text("".join(parts), encoding="utf-8")
    return out


def soffice() -> str | None:
    """LibreOffice, if installed with a font for Chinese (without one it draws boxes)."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None or shutil.which("fc-list") is None:
        return None
    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
    return exe if fonts.strip() else None


def write_libreoffice(source: Path, outdir: Path) -> Path:
    """Convert a .docx/.odt/.html to PDF with LibreOffice (a private profile: parallel-safe)."""
    exe = soffice()
    if exe is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    profile = outdir / "lo-profile"
    args = [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
            "--outdir", str(outdir), str(source)]
    if source.suffix == ".html":  # open as a Writer document, not a web page
        args[3:3] = ["--infilter=HTML (StarWriter)"]
    subprocess.run(args, check=True, capture_output=True, timeout=300)
    pdf = outdir / (source.stem + ".pdf")
    if not pdf.exists():
        raise RuntimeError(f"LibreOffice wrote no PDF for {source}")
    return pdf


# -- a scanned page: an image, no text layer -------------------------------------------

def write_scanned(text_pdf: Path, out: Path, pages: int = 2) -> Path:
    """Render the first pages of a PDF to images (pdftoppm) and wrap them in a PDF with no text."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    prefix = out.with_suffix("")
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", str(pages), str(text_pdf), str(prefix)],
                   check=True, capture_output=True, timeout=120)
    images = sorted(out.parent.glob(prefix.name + "-*.png"))
    c = canvas.Canvas(str(out), pagesize=A4)
    for img in images:
        c.drawImage(str(img), 0, 0, width=A4[0], height=A4[1])
        c.showPage()
    c.save()
    return out


def write_rotated(table: MTable, out: Path) -> Path:
    """One table on a landscape page stored the way scanners and some printers store it:
    a portrait page with /Rotate 90 and the content drawn turned, upright when displayed."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas
    from reportlab.platypus import Paragraph, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    cell = ParagraphStyle("cell", fontName="STSong-Light", fontSize=7, leading=8.5, wordWrap="CJK")
    w, h = A4
    c = canvas.Canvas(str(out), pagesize=A4)
    c.setPageRotation(90)
    c.translate(w, 0)  # displayed (X, Y) on the landscape page -> stored (w - Y, X)
    c.rotate(90)
    grid: list[list[object]] = [["" for _ in range(NCOLS)] for _ in table.rows]
    style = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    for r, row in enumerate(table.rows):
        for x in row:
            grid[r][x.col] = Paragraph(html.escape(x.text), cell) if x.text else ""
            if x.rowspan > 1 or x.colspan > 1:
                style.append(("SPAN", (x.col, r), (x.col + x.colspan - 1, r + x.rowspan - 1)))
    width = h - 60
    t = Table(grid, colWidths=[width * f for f in (0.12, 0.14, 0.24, 0.14, 0.14, 0.22)], style=TableStyle(style))
    _, th = t.wrapOn(c, width, w - 60)
    c.setFont("STSong-Light", 12)
    c.drawString(30, w - 22, "部门项目支出预算绩效目标表")
    t.drawOn(c, 30, w - 30 - th)
    c.showPage()
    c.save()
    return out


def render_pdf(doc: Document, fmt: str, path: Path) -> Path:
    """The document as a PDF made by reportlab (``pdf-reportlab``: the table continued
    with its header row repeated) or by LibreOffice from the Word file of
    ``render_tables`` (``pdf-libreoffice``: merged cells and rows cut by page breaks as
    Word files print)."""
    import render_tables as rt

    if fmt == "pdf-reportlab":
        return write_reportlab(from_blocks(rt.blocks(doc, repeat_header=True, reprint_level1=False)), path)
    if fmt == "pdf-libreoffice":
        work = path.parent / f"{path.stem}-lo"
        work.mkdir(exist_ok=True)
        docx = work / f"{path.stem}.docx"
        rt.write_docx(rt.blocks(doc, repeat_header=False, reprint_level1=False), docx)
        write_libreoffice(docx, work).replace(path)
        return path
    raise ValueError(f"unknown PDF producer {fmt!r}")
