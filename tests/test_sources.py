"""Sources: the format of a file is decided by its content, not its name."""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import pytest

from budgetkg.loader import sources
from budgetkg.loader.reader import read_document
from budgetkg.loader.sources import SourceError, UnsupportedFormat, detect_format, read_grid

CASE = Path(__file__).parent / "cases" / "basic_clean_table" / "input.txt"


def _zip(*names: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n in names:
            z.writestr(n, "<x/>")
    return buf.getvalue()


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


@pytest.mark.parametrize("data, fmt", [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "pdf"),
    (b"\n%PDF-1.4 after a blank line", "pdf"),
    (_zip("[Content_Types].xml", "word/document.xml"), "docx"),
    (_zip("[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"), "xlsx"),
    (_zip("mimetype", "content.xml"), "zip"),
    (OLE2 + "Workbook".encode("utf-16-le"), "xls"),
    (OLE2 + "WordDocument".encode("utf-16-le"), "doc"),
    (b"<!DOCTYPE html>\n<html><body><table>", "html"),
    (b"\xef\xbb\xbf  <html lang='zh'>", "html"),
    (b"<table border=1><tr><td>\xe9\xa1\xb9\xe7\x9b\xae\xe5\x90\x8d\xe7\xa7\xb0</td></tr>", "html"),
    ("附件\n项目名称\t测试项目\n".encode(), "text"),
    ("<2023年> 说明\t项目名称\n".encode(), "text"),  # an angle bracket is not markup
])
def test_the_format_comes_from_the_bytes(data: bytes, fmt: str) -> None:
    assert detect_format(data) == fmt


def test_a_text_file_named_pdf_is_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "table.pdf"
    path.write_bytes(CASE.read_bytes())
    grid = read_grid(path)
    assert (grid.format, grid.source, grid.encoding) == ("text", str(path), "utf-8")
    lines = CASE.read_text(encoding="utf-8").split("\n")
    assert len(grid.rows) == len(lines) - (lines[-1] == "")
    assert [r.number for r in grid.rows] == list(range(1, len(grid.rows) + 1))
    doc = read_document(path)
    assert [p.name for p in doc.projects] == [p.name for p in read_document(CASE).projects] != []


def test_a_pdf_named_txt_goes_to_the_pdf_source(tmp_path: Path) -> None:
    path = tmp_path / "table.txt"
    path.write_bytes(b"%PDF-1.4\n% damaged: no objects\n")
    # Whether or not a PDF source is installed, the file is never decoded as text: it is
    # read by the PDF source (which refuses this damaged file as unreadable, an OSError:
    # exit status 2, like a damaged Word file) or refused as unsupported.
    with pytest.raises((SourceError, sources.UnreadableFile)) as err:
        read_grid(path)
    assert str(path) in str(err.value)
    assert err.value.code != "binary-file" and not isinstance(err.value, UnicodeError)
    if sources.source_for("pdf") is None:
        assert isinstance(err.value, UnsupportedFormat) and err.value.format == "pdf"


def test_an_unknown_format_is_a_typed_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(_zip("mimetype", "content.xml"))  # an OpenDocument file, say
    with pytest.raises(UnsupportedFormat) as err:
        read_grid(path)
    assert err.value.format == "zip" and err.value.code == "unsupported-format"
    assert str(err.value).startswith(f"{path}: ")
    # The reader turns it into one problem of the document (it never raises for content).
    doc = read_document(path)
    assert [(p.code, p.file, p.line) for p in doc.problems] == [("unsupported-format", str(path), None)]
    assert doc.projects == [] and doc.encoding == "unknown"


@pytest.mark.parametrize("data, code", [(b"", "empty-file"), (b"ab\x00cd", "binary-file"),
                                        (b"\xff\xfe\xfd\x80\x81", "unknown-encoding")])
def test_text_that_cannot_be_decoded_is_a_source_error(data: bytes, code: str) -> None:
    with pytest.raises(SourceError) as err:
        read_grid(data, "in.txt")
    assert err.value.code == code and str(err.value).startswith("in.txt: ")


def test_gb18030_text_keeps_its_encoding_and_line_numbers() -> None:
    data = CASE.read_text(encoding="utf-8").replace("\n", "\r\n").encode("gb18030")
    grid = read_grid(data, "gb.txt")
    assert grid.encoding == "gb18030"
    assert grid.rows == read_grid(CASE).rows  # same rows, same numbers, no locators


def test_a_new_source_module_is_discovered_by_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A format is added by dropping a module into the package folder: nothing to edit.
    (tmp_path / "semicolons.py").write_text(
        "from budgetkg.loader.grid import Grid, GridRow\n"
        "from budgetkg.loader.text import cells\n"
        "FORMAT = 'semicolons'\n"
        "def sniff(data):\n"
        "    return data.startswith(b'SEMI;')\n"
        "def read(data, source):\n"
        "    lines = data.decode().splitlines()[1:]\n"
        "    rows = [GridRow(n, cells(line.replace(';', '\\t'))) for n, line in enumerate(lines, 1)]\n"
        "    return Grid(source, FORMAT, rows)\n",
        encoding="utf-8")
    monkeypatch.setattr(sources, "__path__", [*sources.__path__, str(tmp_path)])
    sources.sources.cache_clear()
    try:
        assert detect_format(b"SEMI;a;b") == "semicolons"
        grid = read_grid("SEMI;\n项目名称;测试\n".encode(), "x.semi")
        assert grid.format == "semicolons" and [c.text for c in grid.rows[0].cells] == ["项目名称", "测试"]
        assert grid.sha256  # filled in by read_grid for every source
        assert detect_format("项目名称\t测试\n".encode()) == "text"  # the others are untouched
    finally:
        monkeypatch.undo()
        sources.sources.cache_clear()
        sys.modules.pop("budgetkg.loader.sources.semicolons", None)
    assert sources.source_for("semicolons") is None


def test_a_source_whose_library_is_missing_does_not_stop_the_others(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "fancy.py").write_text("import no_such_library_for_tests\nFORMAT = 'fancy'\n", encoding="utf-8")
    monkeypatch.setattr(sources, "__path__", [*sources.__path__, str(tmp_path)])
    monkeypatch.setattr(sources, "sniff_format", lambda data: "fancy" if data.startswith(b"FANCY") else "text")
    sources.sources.cache_clear()
    try:
        assert read_grid(CASE).format == "text"
        with pytest.raises(UnsupportedFormat, match="no_such_library_for_tests") as err:
            read_grid(b"FANCY file", "f.fancy")
        assert str(err.value).startswith("f.fancy: a fancy file")
    finally:
        monkeypatch.undo()
        sources.sources.cache_clear()
