"""The PDF source: the seed's 37 tables drawn by two independent producers read back into
exactly the records the text gives; scanned, encrypted and damaged files refused clearly;
rows traced to page, row and cell box."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

pytest.importorskip("pdfplumber")
pytest.importorskip("reportlab")

from budgetkg.cli import main as cli_main  # noqa: E402
from budgetkg.loader.reader import read_document  # noqa: E402
from budgetkg.loader.sources import UnreadableFile  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
import pdf_fixtures as fx  # noqa: E402
from skip_policy import missing_tool  # noqa: E402

SEED = Path(__file__).parents[1] / "budgetkg" / "data" / "000_aa5de0a37e870aea.txt"


@pytest.fixture(scope="session")
def seed_doc():
    return read_document(SEED)


@pytest.fixture(scope="session")
def pdf_dir(tmp_path_factory, seed_doc):
    """The seed's tables as PDFs: reportlab (tests/render_tables.py's layout, a table
    continued with its header repeated); LibreOffice from render_tables' Word file; and
    LibreOffice from an HTML page (other pagination: rows cut by page breaks)."""
    import render_tables as rt

    out = tmp_path_factory.mktemp("pdf")
    rt.render(seed_doc, "pdf-reportlab", out / "reportlab.pdf")
    if fx.soffice() is not None:
        rt.render(seed_doc, "pdf-libreoffice", out / "libreoffice-docx.pdf")
        fx.write_libreoffice(fx.write_html(fx.table_model(seed_doc), out / "libreoffice-html.html"), out)
    return out


PRODUCERS = ["reportlab", "libreoffice-docx", "libreoffice-html"]


def _pdf(pdf_dir: Path, producer: str) -> Path:
    p = pdf_dir / f"{producer}.pdf"
    if not p.exists():
        pytest.skip(missing_tool("soffice", f"{producer}: LibreOffice with a Chinese font; .ci/run installs it"))
    return p


def _records(doc):
    """What the answer key scores: every table's fields and amounts, every indicator."""
    tables = []
    for p in doc.projects:
        tables.append({
            "name": p.name,
            "department": p.department and (p.department.code, p.department.name),
            "unit": p.unit and (p.unit.code, p.unit.name),
            "attribute": p.attribute and p.attribute.code,
            "period": p.period,
            "amounts": p.amounts.to_json(),
            "goal": p.goal,
            "indicators": [(i.level1, i.level2, i.name, i.value) for i in p.indicators],
        })
    return tables


@pytest.mark.parametrize("producer", PRODUCERS)
def test_pdf_gives_the_records_of_the_text(pdf_dir, seed_doc, producer):
    doc = read_document(_pdf(pdf_dir, producer))
    want, got = _records(seed_doc), _records(doc)
    assert len(got) == len(want) == 37
    fields = ["name", "department", "unit", "attribute", "period", "amounts", "goal"]
    for w, g in zip(want, got):
        for f in fields:
            assert g[f] == w[f], (producer, w["name"], f)
    want_rows = [r for t in want for r in t["indicators"]]
    got_rows = {r for t in got for r in t["indicators"]}
    exact = sum(1 for r in want_rows if r in got_rows)
    per_table = sum(1 for w, g in zip(want, got) if w["indicators"] == g["indicators"])
    print(f"\n{producer}: 37/37 tables, {per_table}/37 tables' indicators identical, "
          f"{exact}/{len(want_rows)} indicator rows exact ({exact / len(want_rows):.1%})")
    assert exact / len(want_rows) >= 0.99
    assert sum(len(t["indicators"]) for t in got) == len(want_rows)  # nothing invented
    assert doc.year == seed_doc.year and doc.currency_unit == seed_doc.currency_unit
    # every printed row accounted for as part of a record or as boilerplate: no cell text
    # lost from its table (a merged cell whose border has a gap, a row cut by a page break)
    assert [str(doc.lines[i]) for i, e in enumerate(doc.lines) if e.status == "rejected"] == []


def test_page_furniture_is_boilerplate_in_the_line_report(pdf_dir):
    doc = read_document(_pdf(pdf_dir, "reportlab"))
    reasons = {e.reason for e in doc.lines if e.status == "boilerplate"}
    assert {"page number", "page header"} <= reasons
    assert not [e for e in doc.lines if e.status == "rejected"]


def test_a_header_block_on_every_page_stays_content(seed_doc, tmp_path):
    # one table per page: 附件, the title and the year at the top of every page, under
    # the running header; the year must still reach the template
    import render_tables as rt

    tables = fx.from_blocks(rt.blocks(seed_doc))[:5]
    doc = read_document(fx.write_reportlab(tables, tmp_path / "paged.pdf", page_per_table=True))
    assert doc.year == 2022
    assert len(doc.projects) == sum(1 for t in tables if t.rows[0][0].text == "项目名称")
    furniture = [e for e in doc.lines if e.status == "boilerplate" and e.reason.startswith("page ")]
    assert {e.reason for e in furniture} == {"page header", "page number"}
    assert len(furniture) == 2 * len({e.locator.page for e in furniture})  # one of each a page


def test_locators_reach_problems_and_json(pdf_dir, tmp_path, capsys):
    doc = read_document(_pdf(pdf_dir, "reportlab"))
    # every indicator is traced to a page, a row and the boxes of its cells
    data = doc.to_json()
    ind = data["projects"][0]["indicators"][0]
    loc = ind["locator"]
    assert loc["kind"] == "pdf" and loc["page"] == 1 and loc["row"] >= 1
    assert loc["text"].startswith("page 1") and f"row {loc['row']}" in loc["text"]
    col, box = loc["cells"][0]
    x0, top, x1, bottom = map(float, box.split(","))
    assert x0 < x1 and top < bottom
    # problems say FILE:page P row R
    info = [p for p in doc.problems if p.code == "inferred-unit"]
    assert info and all(":page " in str(p) and " row " in str(p) for p in info)
    assert str(info[0]).startswith(f"{doc.source}:page ")
    # and parse --json carries them
    with pytest.raises(SystemExit):
        cli_main(["parse", "--json", str(_pdf(pdf_dir, "reportlab"))])
    out = json.loads(capsys.readouterr().out)
    first = out["documents"][0]["projects"][0]
    assert first["locator"]["page"] == 1 and "locator" in first["indicators"][0]


def test_scanned_pdf_is_refused_naming_file_and_pages(pdf_dir, tmp_path, capsys):
    if shutil.which("pdftoppm") is None:
        pytest.skip(missing_tool("pdftoppm", "apt-get install poppler-utils; .ci/run does"))
    scanned = fx.write_scanned(_pdf(pdf_dir, "reportlab"), tmp_path / "scanned.pdf", pages=2)
    with pytest.raises(UnreadableFile) as exc:
        read_document(scanned)
    msg = str(exc.value)
    assert str(scanned) in msg and "pages 1-2" in msg and "OCR" in msg
    with pytest.raises(SystemExit) as ex:
        cli_main(["parse", str(scanned)])
    assert ex.value.code == 2
    assert "no text layer" in capsys.readouterr().err


def test_good_pages_come_out_beside_a_scanned_page(seed_doc, pdf_dir, tmp_path):
    if shutil.which("pdftoppm") is None:
        pytest.skip(missing_tool("pdftoppm", "apt-get install poppler-utils; .ci/run does"))
    image = fx.write_scanned(_pdf(pdf_dir, "reportlab"), tmp_path / "scan.pdf", pages=1)
    png = sorted(tmp_path.glob("scan-*.png"))[0]
    mixed = fx.write_reportlab(fx.table_model(seed_doc)[:4], tmp_path / "mixed.pdf",
                               image_first=png, furniture=False)
    assert image.exists()
    doc = read_document(mixed)
    assert [t["name"] for t in _records(doc)] == [t["name"] for t in _records(seed_doc)[:4]]
    bad = [p for p in doc.problems if p.code == "pages-without-text"]
    assert bad and bad[0].severity == "error" and "page 1 " in bad[0].message


def test_encrypted_pdf_is_refused(tmp_path):
    from reportlab.pdfgen import canvas
    from reportlab.lib import pdfencrypt

    p = tmp_path / "locked.pdf"
    enc = pdfencrypt.StandardEncryption("secret", ownerPassword="owner", canPrint=0)
    c = canvas.Canvas(str(p), encrypt=enc)
    c.drawString(72, 720, "project")
    c.save()
    with pytest.raises(UnreadableFile) as exc:
        read_document(p)
    assert exc.value.code == "encrypted-pdf" and str(p) in str(exc.value)


def test_damaged_pdf_is_refused(pdf_dir, tmp_path):
    data = _pdf(pdf_dir, "reportlab").read_bytes()
    p = tmp_path / "cut.pdf"
    p.write_bytes(data[:2000])  # a download cut off early
    with pytest.raises(UnreadableFile) as exc:
        read_document(p)
    assert exc.value.code in ("damaged-pdf", "no-text-layer") and str(p) in str(exc.value)
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100)
    with pytest.raises(UnreadableFile) as exc:
        read_document(junk)
    assert exc.value.code == "damaged-pdf"


def test_landscape_and_rotated_pages(seed_doc, tmp_path):
    want = _records(seed_doc)
    tables = fx.table_model(seed_doc)
    doc = read_document(fx.write_reportlab(tables[:3], tmp_path / "landscape.pdf", landscape_pages=True))
    assert _records(doc) == want[:3]
    # a landscape table kept as a portrait page with /Rotate 90, drawn turned
    small = min(range(len(tables)), key=lambda i: len(tables[i].rows))
    doc = read_document(fx.write_rotated(tables[small], tmp_path / "rotated.pdf"))
    got = _records(doc)
    assert len(got) == 1 and got[0]["indicators"] == want[small]["indicators"]
    assert got[0]["amounts"] == want[small]["amounts"] and got[0]["name"] == want[small]["name"]


def test_without_pdfplumber_the_message_says_what_to_install(monkeypatch, tmp_path):
    import builtins

    real = builtins.__import__

    def no_pdfplumber(name, *a, **k):
        if name == "pdfplumber":
            raise ImportError(name)
        return real(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", no_pdfplumber)
    p = tmp_path / "x.pdf"
    p.write_bytes(b"%PDF-1.4\n%%EOF\n")
    doc = read_document(p)
    assert not doc.projects
    [problem] = doc.problems
    assert problem.code == "unsupported-format" and problem.severity == "error"
    assert "pip install pdfplumber" in str(problem) and str(p) in str(problem)
