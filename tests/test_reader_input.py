"""Encodings, newlines and bad input: clear problems with file and line, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from budgetkg.cli import main
from budgetkg.loader.reader import parse_bytes, parse_text

CASE = Path(__file__).parent / "cases" / "basic_clean_table" / "input.txt"


def _indicators(doc):
    return [(i.level2, i.name, i.value) for p in doc.projects for i in p.indicators]


@pytest.mark.parametrize(
    "encoding,newline",
    [("utf-8", "\n"), ("utf-8-sig", "\r\n"), ("gb18030", "\n"), ("gbk", "\r\n"), ("utf-8", "\r")],
)
def test_encodings_and_newlines(encoding: str, newline: str) -> None:
    text = CASE.read_text(encoding="utf-8")
    reference = parse_text(text)
    data = text.replace("\n", newline).encode(encoding)
    doc = parse_bytes(data, source="x.txt")
    assert not doc.errors
    assert _indicators(doc) == _indicators(reference)
    assert doc.projects[0].amounts == reference.projects[0].amounts
    assert doc.projects[0].name == "测试培训项目"
    expected_name = {"utf-8-sig": "utf-8-bom", "gbk": "gb18030"}.get(encoding, encoding)
    assert doc.encoding == expected_name


def test_seed_with_bom_crlf_and_full_width(seed_path) -> None:
    text = seed_path.read_text(encoding="utf-8")
    variant = ("\ufeff" + text.replace("(", "（").replace(")", "）").replace(": ", "：")).replace("\n", "\r\n")
    a, b = parse_text(text), parse_bytes(variant.encode("utf-8"))
    assert len(b.projects) == 37
    assert [p.amounts for p in a.projects] == [p.amounts for p in b.projects]
    assert [(i.level1, i.level2) for p in a.projects for i in p.indicators] == [
        (i.level1, i.level2) for p in b.projects for i in p.indicators
    ]


def test_a_second_bom_is_content_not_a_bom() -> None:
    # Found by the loader fuzzer: decoding removes the BOM; a second U+FEFF (here alone on
    # line 1) was removed too, so line 1 was neither blank nor accounted for.
    text = CASE.read_text(encoding="utf-8")
    doc = parse_bytes(("\ufeff\ufeff\n" + text).encode("utf-8"), source="x.txt")
    assert doc.encoding == "utf-8-bom"
    assert [(e.line, e.status) for e in doc.lines if e.line == 1] == [(1, "rejected")]
    assert [p for p in doc.problems if p.line == 1 and p.file == "x.txt"]
    assert _indicators(doc) == _indicators(parse_text(text))
    # decoded text handed over with its BOM still on: that one is a BOM
    assert parse_text("\ufeff" + text).lines == parse_text(text).lines


@pytest.mark.parametrize(
    "data,code",
    [(b"", "empty-file"), (b"   \n\n", "empty-file"), (b"\x00\x01PK\x03\x04", "binary-file"),
     ("随便一些文字\n没有表格\n".encode(), "no-tables"), (b"\xff\xfe\xfa\xfb" * 10, "unknown-encoding")],
)
def test_unreadable_documents(data: bytes, code: str) -> None:
    doc = parse_bytes(data, source="bad.txt")
    assert [p.code for p in doc.errors] == [code]
    assert doc.projects == []
    assert "bad.txt" in str(doc.errors[0])


def test_cut_off_table_keeps_the_good_tables() -> None:
    text = CASE.read_text(encoding="utf-8")
    head, _, _ = text.partition("一级指标")
    full = text + "\n" + head
    doc = parse_text(full, source="cut.txt")
    assert len(doc.projects) == 2
    assert len(doc.projects[0].indicators) == 8
    last = max(n for n, line in enumerate(full.splitlines(), 1) if line.strip())
    assert [(p.code, p.line) for p in doc.errors] == [("table-cut-off", last)]
    assert "cut.txt:" in str(doc.errors[0])


def test_non_numeric_amount_named_with_line() -> None:
    text = CASE.read_text(encoding="utf-8").replace("其中: 财政拨款\t90.00", "其中: 财政拨款\t九十万")
    doc = parse_text(text, source="t.txt")
    line = next(n for n, l in enumerate(text.splitlines(), 1) if "九十万" in l)
    assert [(p.code, p.line) for p in doc.errors] == [("non-numeric-amount", line)]
    assert doc.projects[0].amounts.fiscal_appropriation is None
    assert doc.projects[0].amounts.other_funds is not None  # the rest of the grid still reads


def test_cli_parse_json_shape(seed_path) -> None:
    result = CliRunner().invoke(main, ["parse", "--json", str(seed_path)])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    d = out["documents"][0]
    assert {"source", "year", "currency_unit", "line_report", "projects"} <= d.keys()
    p = d["projects"][0]
    assert {"seq", "line", "name", "department", "unit", "attribute", "period", "amounts", "goal",
            "carryover", "indicators"} <= p.keys()
    assert set(p["amounts"]) == {"total", "annual_total", "own_level_total", "transfer_total",
                                 "fiscal_appropriation", "other_funds", "carryover", "central_funds",
                                 "regional_funds"}
    i = p["indicators"][0]
    assert {"level1", "level2", "name", "value", "line", "target"} <= i.keys()
    assert d["line_report"]["counts"] == {"record": 1127, "boilerplate": 148, "rejected": 1}


def test_cli_exit_codes(tmp_path: Path, seed_path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x00")
    r = CliRunner().invoke(main, ["parse", str(seed_path), str(bad)])
    assert r.exit_code == 1
    assert f"{bad}: error: the file is binary" in r.stderr
    assert "37 tables" in r.stdout  # the good file still comes out
    r = CliRunner().invoke(main, ["parse", str(tmp_path / "missing.txt")])
    assert r.exit_code == 2
    assert "cannot read" in r.stderr
    assert "Traceback" not in r.output
