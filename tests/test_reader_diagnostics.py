"""Every documented reader diagnostic, each on a small hand-made input.

Each case changes one thing in a clean one-table document (tests/cases/basic_clean_table)
and expects exactly the diagnostic docs/reader.md describes for it: its code, the line it
names, its severity, and that the rest of the table is still read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetkg.loader.reader import parse_bytes, parse_text

CLEAN = (Path(__file__).parent / "cases" / "basic_clean_table" / "input.txt").read_text(encoding="utf-8")
LINES = CLEAN.split("\n")


def line_of(prefix: str) -> int:
    """1-based number of the clean document's line starting with ``prefix``."""
    return next(i for i, line in enumerate(LINES, start=1) if line.startswith(prefix))


def replace_line(prefix: str, *new: str) -> str:
    n = line_of(prefix)
    return "\n".join(LINES[: n - 1] + list(new) + LINES[n:])


def problems(doc):
    return [(p.code, p.line, p.severity) for p in doc.problems]


def test_the_clean_table_has_no_problem():
    assert problems(parse_text(CLEAN, source="x.txt")) == []


FUND_OWN_CARRY = "\t结余结转资金"


CASES = {
    # text before the first table's header block
    "stray-text": ("说明文字一行\n" + CLEAN, 1, "info"),
    # a note after the last indicator row
    "rejected-line": (replace_line("3-满意度指标", LINES[line_of("3-满意度指标") - 1], "依据 文件说明"),
                      line_of("3-满意度指标") + 1, "info"),
    "missing-project-name": (replace_line("项目名称", "项目名称\t\t"), line_of("项目名称"), "error"),
    "org-without-code": (replace_line("主管部门", LINES[line_of("主管部门") - 1].replace("412-", "")),
                         line_of("主管部门"), "warning"),
    "attribute-without-code": (replace_line("项目属性", LINES[line_of("项目属性") - 1].replace("02-", "")),
                               line_of("项目属性"), "warning"),
    # a bare number in a cost row: its unit is inferred from the project total
    "inferred-unit": (replace_line("1-产出指标\t14-成本指标", "1-产出指标\t14-成本指标\t培训费\t\t1005000"),
                      line_of("1-产出指标\t14-成本指标"), "info"),
    # a level-2 label of family 1 on a row printed as level 1 = 2
    "level1-conflict": (replace_line("1-产出指标\t12-质量指标", "2-效益指标\t12-质量指标\t培训合格率\t\t≥95%"),
                        line_of("1-产出指标\t12-质量指标"), "warning"),
    # 项目总额 printed again with another number: the first is kept
    "conflicting-amount": (replace_line("项目总额", LINES[line_of("项目总额") - 1], "项目总额\t121.50"),
                           line_of("项目总额") + 1, "warning"),
    # a second number right of a filled label, and nothing above it
    "unmatched-amount": (replace_line(FUND_OWN_CARRY, FUND_OWN_CARRY + "\t3.00\t7.77\t"),
                         line_of(FUND_OWN_CARRY), "warning"),
    # text right of a number in the fund block
    "unrecognized-fund-cell": (replace_line(FUND_OWN_CARRY, FUND_OWN_CARRY + "\t3.00\t备注说明\t\t"),
                               line_of(FUND_OWN_CARRY), "warning"),
    "non-numeric-amount": (replace_line(FUND_OWN_CARRY, FUND_OWN_CARRY + "\t\t备注\t\t"),
                           line_of(FUND_OWN_CARRY), "error"),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_diagnostic(code):
    text, line, severity = CASES[code]
    doc = parse_text(text, source="x.txt")
    assert problems(doc) == [(code, line, severity)]
    p = doc.problems[0]
    assert p.file == "x.txt" and p.message and f"[{code}]" in str(p)
    if severity != "error":  # a warning keeps the table
        assert len(doc.projects) == 1 and doc.projects[0].indicators


def test_conflicting_amount_keeps_the_first_value():
    doc = parse_text(CASES["conflicting-amount"][0], source="x.txt")
    assert str(doc.projects[0].amounts.total) == "120.50"


def test_inferred_unit_reads_the_bare_number_in_yuan():
    doc = parse_text(CASES["inferred-unit"][0], source="x.txt")
    cost = next(i for i in doc.projects[0].indicators if i.name == "培训费")
    assert cost.target.unit_inferred


def test_missing_fund_block():
    fund_labels = ("项目总额", "其中: 本级资金", "\t其中: 财政拨款", "\t其他资金", FUND_OWN_CARRY)
    text = "\n".join(line for line in LINES if not line.startswith(fund_labels))
    assert problems(parse_text(text, source="x.txt")) == [("missing-fund-block", line_of("项目名称"), "error")]


def test_mixed_years():
    second = CLEAN.replace("2023年度", "2024年度").replace("测试培训项目", "测试第二项目")
    doc = parse_text(CLEAN + "\n" + second, source="x.txt")
    assert problems(doc) == [("mixed-years", None, "warning")]
    assert "2023" in doc.problems[0].message and "2024" in doc.problems[0].message
    assert len(doc.projects) == 2


@pytest.mark.parametrize("data", [
    ("项目名称" + "\x01\x02\x03\x04\x05\x06\x07\x08" * 8) .encode("utf-8") * 20,  # no NUL: control characters
    CLEAN.encode("utf-8") + b"\x1b\x7f" * 200,  # a table, then far too many controls
])
def test_binary_detected_by_control_characters(data):
    assert b"\x00" not in data
    doc = parse_bytes(data, source="b.bin")
    assert problems(doc) == [("binary-file", None, "error")]
    assert "control characters" in doc.problems[0].message and not doc.projects


def test_a_few_control_characters_are_not_binary():
    doc = parse_bytes(CLEAN.encode("utf-8") + b"\x01" * 5, source="x.txt")
    assert [p.code for p in doc.problems] != ["binary-file"] and len(doc.projects) == 1
