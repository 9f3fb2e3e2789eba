"""Word, Excel and HTML sources: the seed's 37 tables rendered in each format (with merged
cells, a table continued in the next table or sheet, GBK pages) read into exactly the
records the text gives; locators; the commands; bad files refused, naming the file."""

from __future__ import annotations

import io
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

import render_tables as R
from budgetkg.cli import main
from budgetkg.loader import sources
from budgetkg.loader.reader import parse_bytes, read_document
from budgetkg.loader.sources import UnreadableFile
from budgetkg.loader.sources.html import decode
from budgetkg.loader.sources.numfmt import show

FORMATS = ["docx", "xlsx", "xls", "html", "html-nocharset"]


@pytest.fixture(scope="module")
def rendered(seed_doc, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("rendered")
    return {fmt: R.render(seed_doc, fmt, out / f"seed{R.SUFFIX[fmt]}") for fmt in FORMATS}


def records(doc) -> list[dict]:
    """The projects' JSON without where the rows are (line numbers, locators)."""
    out = []
    for p in doc.projects:
        j = p.to_json()
        for k in ("line", "end_line", "goal_line", "locator"):
            j.pop(k, None)
        for i in j["indicators"]:
            i.pop("line")
            i.pop("locator", None)
        for g in j["empty_groups"]:
            g.pop("line")
        out.append(j)
    return out


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_gives_exactly_the_records_of_the_text(fmt, rendered, seed_doc):
    doc = read_document(rendered[fmt])
    want, got = records(seed_doc), records(doc)
    assert len(got) == len(want) == 37
    assert doc.year == seed_doc.year and doc.currency_unit == seed_doc.currency_unit
    for w, g in zip(want, got):  # table by table, for a readable failure
        assert g["amounts"] == w["amounts"], w["name"]
        assert g["indicators"] == w["indicators"], w["name"]
        assert g == w
    assert sum(len(p.indicators) for p in doc.projects) == sum(len(p.indicators) for p in seed_doc.projects)
    assert not doc.errors
    assert doc.format == ("html" if fmt.startswith("html") else fmt)


def test_the_content_decides_the_format_not_the_name(rendered, tmp_path):
    for fmt in ("docx", "xlsx", "html"):
        disguised = tmp_path / f"{fmt}.txt"
        shutil.copy(rendered[fmt], disguised)
        doc = read_document(disguised)
        assert doc.format == fmt and len(doc.projects) == 37


def test_html_encodings(rendered):
    assert read_document(rendered["html"]).encoding == "gbk"  # declared
    # undeclared GBK: UTF-8 fails, charset-normalizer's guess is read as GB18030
    assert read_document(rendered["html-nocharset"]).encoding == "gb18030"
    text, enc, issue = decode("<html><body><table><tr><td>项目名称</td></tr></table></body></html>".encode())
    assert enc == "utf-8" and "项目名称" in text and issue is None
    # declared GBK but UTF-8 bytes: read anyway, with a warning
    page = '<html><head><meta charset="gbk"></head><body><p>部门项目支出预算绩效目标表 项目名称 资金</p></body></html>'
    text, enc, issue = decode(page.encode("utf-8"))
    assert "项目名称" in text and issue and "gbk" in issue


def test_docx_locators_point_at_the_row(rendered):
    import docx

    doc = read_document(rendered["docx"])
    word = docx.Document(str(rendered["docx"]))
    for p in doc.projects[:5]:
        t, r = _table_row(str(p.locator))
        assert word.tables[t - 1].rows[r - 1].cells[1].text == p.name
        for ind in p.indicators:
            t, r = _table_row(str(ind.locator))
            texts = {c.text for c in word.tables[t - 1].rows[r - 1].cells}
            assert ind.name in texts and ind.value in texts


def _table_row(locator: str) -> tuple[int, int]:
    words = locator.split()
    assert words[0] == "table" and words[2] == "row", locator
    return int(words[1]), int(words[3])


def test_xlsx_locators_name_the_sheet_and_cell(rendered):
    import openpyxl

    doc = read_document(rendered["xlsx"])
    wb = openpyxl.load_workbook(rendered["xlsx"])
    sheets = set()
    for p in doc.projects:
        for ind in p.indicators:
            sheet, ref = str(ind.locator).split("!")
            sheets.add(sheet)
            row = wb[sheet][ref].row
            texts = {c.value for c in wb[sheet][row] if c.value is not None}
            assert ind.name in texts or not ind.name, ind.locator
    assert sheets == {"Sheet1", "Sheet2"}  # 20 tables a sheet: the reader goes on to the next


def test_html_locators_and_problems_name_file_and_table_row(rendered):
    doc = read_document(rendered["html"])
    assert str(doc.projects[0].locator) == "table 1 row 1"
    located = [p for p in doc.problems if p.line]
    assert located
    for p in located:
        assert str(p).startswith(f"{rendered['html']}:table ")
        assert p.to_json()["locator"]["text"] == str(p.locator)
    # boilerplate between tables is text outside them: located as paragraphs
    entries = doc.to_json()["line_report"]["lines"]
    assert entries[0]["locator"]["text"] == "paragraph 1"


def test_parse_json_validate_and_load_take_the_new_formats(rendered, tmp_path):
    runner = CliRunner()
    res = runner.invoke(main, ["parse", "--json", str(rendered["docx"]), str(rendered["xlsx"])])
    assert res.exit_code == 0, res.output
    docs = json.loads(res.stdout)["documents"]
    assert [d["format"] for d in docs] == ["docx", "xlsx"]
    assert docs[0]["projects"][0]["locator"]["text"] == "table 1 row 1"
    first = docs[1]["projects"][0]["indicators"][0]["locator"]
    assert first["sheet"] == "Sheet1" and first["text"].startswith("Sheet1!A")

    res = runner.invoke(main, ["validate", str(rendered["html"])])
    assert res.exit_code == 0, res.output
    assert "table " in res.output  # findings located by table and row

    folder = tmp_path / "downloads"
    folder.mkdir()
    for fmt in ("docx", "xlsx", "html"):
        shutil.copy(rendered[fmt], folder / rendered[fmt].name)
    (folder / "notes.pdf.part").write_bytes(b"junk")  # not a table file: left out
    res = runner.invoke(main, ["load", str(folder), "--data-dir", str(tmp_path / "data"), "--workers", "0",
                               "--no-validate"])
    assert res.exit_code == 0, res.output
    assert "3 loaded" in res.output and "111 tables" in res.output


def test_rdf_carries_the_locator(rendered, seed_doc):
    from budgetkg.loader.namespaces import BKG
    from budgetkg.loader.rdf import document_graph

    _, g = document_graph(read_document(rendered["xlsx"]))
    locators = {str(o) for o in g.objects(None, BKG.sourceLocator)}
    assert "Sheet1!A5" in locators  # the first table's 项目名称 row
    assert sum(1 for _ in g.subject_objects(BKG.sourceLocator)) == 37 + 656
    # a text source has lines only
    _, g = document_graph(seed_doc)
    assert not list(g.objects(None, BKG.sourceLocator))


# -- bad input -------------------------------------------------------------------


def _docx_bytes(build) -> bytes:
    import docx

    d = docx.Document()
    build(d)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_a_word_file_without_a_table_is_refused_by_name(tmp_path):
    f = tmp_path / "memo.docx"
    f.write_bytes(_docx_bytes(lambda d: d.add_paragraph("关于报送预算的通知")))
    doc = read_document(f)
    assert not doc.projects
    codes = {p.code for p in doc.errors}
    assert "no-table-in-file" in codes
    assert any(str(p).startswith(f"{f}: error: the Word file has no table") for p in doc.errors)
    res = CliRunner().invoke(main, ["parse", str(f)])
    assert res.exit_code == 1 and str(f) in res.stderr


def test_an_html_page_without_a_table_is_refused(tmp_path):
    f = tmp_path / "page.html"
    f.write_bytes('<html><head><meta charset="gbk"></head><body><p>没有表格</p></body></html>'.encode("gbk"))
    doc = read_document(f)
    assert {p.code for p in doc.errors} >= {"no-table-in-file", "no-tables"}


def test_a_workbook_of_something_else_is_refused(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "电话"])
    wb.active.append(["张三", 12345])
    f = tmp_path / "contacts.xlsx"
    wb.save(f)
    doc = read_document(f)
    assert not doc.projects and "no-tables" in {p.code for p in doc.errors}
    assert any(str(p.locator) == "Sheet!A1" for p in doc.problems)  # the stray text, located


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_a_damaged_zip_is_an_unreadable_file(fmt, rendered, tmp_path):
    data = rendered[fmt].read_bytes()
    f = tmp_path / f"cut.{fmt}"
    f.write_bytes(data[: len(data) // 2])  # a download cut off half way
    with pytest.raises(UnreadableFile) as exc:
        read_document(f)
    assert str(f) in str(exc.value) and isinstance(exc.value, OSError)
    res = CliRunner().invoke(main, ["parse", str(f)])
    assert res.exit_code == 2 and str(f) in res.stderr


def test_an_ole2_file_that_is_no_workbook_is_refused(tmp_path):
    f = tmp_path / "old.doc"
    f.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(UnreadableFile, match="Save it as .docx or .xlsx"):
        read_document(f)


def test_the_good_tables_of_a_file_still_come_out(seed_doc, tmp_path):
    """A junk table between two good ones: both good tables are read, the junk is
    reported where it is."""
    bl = R.blocks(seed_doc, split_seq=0)  # no table continued in a second one
    first_two = []
    for b in bl:
        first_two.append(b)
        if sum(isinstance(x, R.Table) for x in first_two) == 2:
            break
    junk = R.Table()
    junk.add_row((0, "序号"), (1, "说明"))
    junk.add_row((0, "1"), (1, "以上表格仅供参考"))
    mixed = first_two[:5] + [junk] + first_two[5:]
    f = tmp_path / "mixed.docx"
    R.write_docx(mixed, f)
    doc = read_document(f)
    assert records(doc) == records(seed_doc)[:2]
    junk_problems = [p for p in doc.problems if p.locator and str(p.locator).startswith("table 2 ")]
    assert junk_problems, [str(p) for p in doc.problems]


# -- cells -----------------------------------------------------------------------


def test_html_spans_place_cells_on_their_columns():
    page = """<html><body><table>
      <tr><td rowspan="2">1-产出指标</td><td colspan="2">11-数量指标</td><td>甲<br>乙</td></tr>
      <tr><td>A</td><td>B</td><td>C</td></tr>
      <tr><td>x</td><td colspan="3"><p>one</p><p>two</p></td></tr>
    </table></body></html>"""
    grid = sources.read_grid(page.encode(), "t.html")
    rows = [[(c.col, c.text) for c in r.cells] for r in grid.rows]
    assert rows == [[(0, "1-产出指标"), (1, "11-数量指标"), (3, "甲乙")],
                    [(1, "A"), (2, "B"), (3, "C")],
                    [(0, "x"), (1, "one two")]]
    assert [str(r.where()) for r in grid.rows] == ["table 1 row 1", "table 1 row 2", "table 1 row 3"]


def test_full_width_digits_survive_and_are_read(seed_doc):
    page = R.html_text(R.blocks(seed_doc)[:5], charset="utf-8")
    total = str(seed_doc.projects[0].amounts.total)
    wide = total.translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))
    doc = parse_bytes(page.replace(f">{total}<", f">{wide}<", 1).encode(), "wide.html")
    assert doc.projects[0].amounts.total == Decimal(total)


@pytest.mark.parametrize("value,fmt,shown", [
    (73398, "0.00", "73398.00"),
    (73398.5, "#,##0.00", "73,398.50"),
    (0.125, "0.0%", "12.5%"),
    (12.3, '0.00"万元"', "12.30万元"),
    (-5, "0.00;(0.00)", "(5.00)"),
    (-5, "0.00", "-5.00"),
    (3.0, "General", "3"),
    (0.1 + 0.2, "General", "0.3"),
    (1250.5, "_ * #,##0.00_ ;_ * -#,##0.00_ ", "1,250.50"),
])
def test_numbers_are_shown_with_their_display_format(value, fmt, shown):
    assert show(value, fmt) == shown


def test_dates_are_shown_as_dates():
    import datetime as dt

    assert show(dt.datetime(2022, 12, 31), "yyyy-mm-dd") == "2022-12-31"
    assert show(dt.datetime(2022, 12, 31), 'yyyy"年"m"月"d"日"') == "2022年12月31日"


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "xls", "html"])
def test_every_cell_sits_on_its_grid_column(fmt, seed_doc, tmp_path):
    """One table written with merged cells: each cell comes back once, at the column
    where its merge starts, with its text (amounts: their value)."""
    p = seed_doc.projects[0]
    table, _ = R.layout(p)
    f = tmp_path / f"one{R.SUFFIX[fmt]}"
    {"docx": R.write_docx, "xlsx": R.write_xlsx, "xls": R.write_xls, "html": R.write_html}[fmt](
        [*R.header_block(seed_doc), table], f)
    grid = sources.read_grid(f.read_bytes(), str(f))
    got = [[(c.col, c.text) for c in r.cells] for r in grid.rows if r.cells][4:]  # after the header block
    want = []
    for r in range(table.nrows):
        row = sorted((c.col, c.text, c.number) for c in table.cells if c.row == r and c.text)
        want.append([(col, text) for col, text, _ in row])
        numbers = {col: n for col, _, n in row if n is not None}
        got[r] = [(col, str(numbers[col]) if col in numbers and Decimal(text.replace(",", "")) == numbers[col]
                   else text) for col, text in got[r]]
    assert got == want


def test_the_project_year_page_cites_the_table_and_row(rendered, tmp_path):
    from test_pages import get, project_year_paths
    from web_seed import BASE

    from budgetkg import pipeline
    from budgetkg.service import close_app, create_app
    from budgetkg.store import OxigraphStore

    folder = tmp_path / "data"
    with OxigraphStore(folder) as store:
        pipeline.load_ontology(store, base=BASE)
        pipeline.load_path(store, rendered["docx"], base=BASE)
    doc = read_document(rendered["docx"])
    app = create_app({"data_dir": folder, "workers": 1})
    try:
        p = doc.projects[1]
        page = get(app.test_client(), project_year_paths(doc)[p.seq])
        assert f"{rendered['docx'].name}, {p.locator} (表" in page.ids["source"]
        assert "行 lines" not in page.ids["source"]
        for ind in p.indicators:
            assert str(ind.locator) in page.ids["indicators"]
    finally:
        close_app(app)


def test_a_page_laid_out_in_a_frame_table_gives_the_tables_inside(seed_doc):
    page = R.html_text(R.blocks(seed_doc), charset="utf-8")
    body = page[page.index("<body>") + 6:page.index("</body>")]
    framed = page.replace(body, f'<table width="100%"><tr><td>导航</td></tr><tr><td>{body}</td></tr></table>')
    doc = parse_bytes(framed.encode(), "framed.html")
    assert records(doc) == records(seed_doc)
    assert str(doc.projects[0].locator) == "table 1 row 1"  # the frame is not counted
