"""End to end on the real seed document (2022, 37 tables), against facts read by hand
from the source text (line numbers below are the seed's)."""

from __future__ import annotations

from decimal import Decimal

import pytest

# (seq, name, total, annual, own, transfer, fiscal, other, carryover, central, regional),
# copied by hand from the fund blocks of the seed; None where the table prints nothing.
AMOUNTS = [
    (1, "就业专项资金", "73398.00", "73398.00", "1250.00", "72148.00", "1250.00", None, None, "61388.00", "10760.00"),
    (2, "人事就业社会保障管理经费", "886.70", "886.70", "886.70", None, "886.70", None, None, None, None),
    (3, "就业补助资金(上年结转)", "98.30", "98.30", "98.30", None, None, None, "98.30", None, None),
    (6, "教育培训专项经费(上年结转)", "79.96", None, "71.37", None, None, None, "71.37", None, None),
    (10, "人才专项经费", "876.83", "876.83", "876.83", None, "390.30", None, "486.53", None, None),
    (11, "人力资源信息系统运行维护费", "368.86", "368.86", "368.86", None, "368.86", None, None, None, None),
    (15, "“三支一扶”工作经费", "30587.00", None, None, "30587.00", None, None, None, "10287.00", "20300.00"),
    (20, "三支一扶示范培训班费", "90.00", "90.00", "90.00", None, None, None, "90.00", None, None),
    (22, "创业(网络创业)师资培训费(就业补助资金)", "66.00", None, "66.00", None, "66.00", None, None, None, None),
    (27, "业务人员培训费（上年结转）", "15.00", None, "15.00", None, None, None, "15.00", None, None),
    (29, "宁夏回族自治区人事考试中心经常性专项经费—考务工作经费(非税成本支出)",
     "5349.00", "5349.00", "5349.00", None, "5275.00", "60.00", "14.00", None, None),
    (35, "全区社会保险各系统、设备维护费质保金", "12.94", None, "12.94", None, None, None, "12.94", None, None),
]
FIELDS = ("total", "annual_total", "own_level_total", "transfer_total", "fiscal_appropriation",
          "other_funds", "carryover", "central_funds", "regional_funds")

# (source line, level1, level2, name, value): the rows whose level 2 needs judgement.
ROWS = [
    (29, "1", "12", "零就业家庭帮扶率", "90%"),  # label pushed into the level-3 column
    (43, "3", "31", "就业重点群体满意度", "85%"),  # mis-coded label 1-服务对象满意度
    (79, "1", "11", "宁夏多层次工伤保障体系研究政策设计课题", "1个"),  # name in the level-2 column
    (81, "1", "11", "宁夏广播电视宣传", "1年"),  # label repeated after a page break
    (103, "1", "13", "项目按照年初工作计划完成率。", "100%"),  # shortened label 13-时效
    (127, "1", "14", "全区人社工作先进典型评选表彰", "60万元"),
    (500, "1", "14", "参加并组织全区电力行业、家庭服务业等技能竞赛工作", "227000"),  # bare yuan after 时效
    (502, "1", "14", "开展3项技工教育服务中心工作", "160000"),
    (571, "1", "14", "代表宁夏参加第二届全国乡村振兴技能大赛", "179634元"),  # cost label after the break
    (612, "1", "12", "资金发放率", ""),
    (614, "1", "14", "” 三支一扶“安家费", "900万元"),
    (616, "1", "14", "” 三支一扶“工作经费", "85.5万元"),
    (694, "2", "22", "保障网络运行安全，加强网络安全管理", "保障网络安全"),
    (697, "2", "24", "增加就业，稳定就业", "就业率增长"),
    (760, "1", "11", "三支一扶考务费（命题制卷阅卷）", "28万元"),  # money, but before the 12 label
    (998, "2", "21", "城镇新增就业", "7000人以上"),
    (1029, "1", "12", "培训合格率", ""),
    (1093, "1", "12", "监督管理质量达到", "100%"),  # label printed on an empty row above
    (1101, "3", "31", "考生满意度", "98%"),
    (1127, "1", "12", "考试工作安全性", "100%"),
    (1251, "1", "14", "2000至2021年仲裁档案扫描拆装", "3.6万元"),
    (1271, "3", "31", "群众满意度", "90%以上"),
]


def test_all_tables_found(seed_doc) -> None:
    assert seed_doc.year == 2022
    assert seed_doc.currency_unit == "万元"
    assert len(seed_doc.projects) == 37
    assert [p.seq for p in seed_doc.projects] == list(range(1, 38))
    assert not seed_doc.errors


@pytest.mark.parametrize("row", AMOUNTS, ids=[f"table{r[0]}" for r in AMOUNTS])
def test_amounts(seed_doc, row) -> None:
    seq, name, *values = row
    p = seed_doc.projects[seq - 1]
    assert p.name == name
    expected = {f: (None if v is None else Decimal(v)) for f, v in zip(FIELDS, values)}
    assert dict(p.amounts.items()) == expected
    # printed form kept: "73398.00", not "73398"
    assert all(v is None or str(getattr(p.amounts, f)) == v for f, v in zip(FIELDS, values))


@pytest.mark.parametrize("row", ROWS, ids=[f"line{r[0]}" for r in ROWS])
def test_indicator_rows(seed_doc, row) -> None:
    line, level1, level2, name, value = row
    found = [i for p in seed_doc.projects for i in p.indicators if i.line == line]
    assert len(found) == 1
    i = found[0]
    assert (i.level1, i.level2, i.name, i.value) == (level1, level2, name, value)


def test_indicator_counts(seed_doc) -> None:
    by_seq = {p.seq: len(p.indicators) for p in seed_doc.projects}
    # counted by hand: table 1 has 18 output rows + 3 effect/satisfaction rows;
    # table 12: 9 quantity, 1 quality, 1 timeliness, 9 cost, 2 effect, 1 satisfaction.
    assert by_seq[1] == 21
    assert by_seq[12] == 23
    assert by_seq[35] == 9


def test_units_resolved_from_other_tables(seed_doc) -> None:
    p7 = seed_doc.projects[6]
    assert p7.unit.code == "303001"
    assert p7.unit.printed_name == "自治区人力资源和社"
    assert p7.unit.name == "自治区人力资源和社会保障厅本级"
    p12 = seed_doc.projects[11]
    assert (p12.unit.printed_name, p12.unit.name) == ("自治区职业技能鉴定指导", "自治区职业技能鉴定指导中心")
    assert seed_doc.projects[5].unit is None  # 实施单位 printed empty
    assert {p.department.code for p in seed_doc.projects} == {"303"}


def test_header_fields(seed_doc) -> None:
    p = seed_doc.projects[3]
    assert p.name == "金保二期第一批资金结转"
    assert (p.attribute.code, p.attribute.label, p.attribute.printed) == ("0102", "多年期错茬性项目", "0102-多年期错茬性项")
    assert p.period == "1年"
    assert seed_doc.projects[5].period is None


def test_goal_text(seed_doc) -> None:
    p2 = seed_doc.projects[1]
    assert p2.goal.startswith("由以前年度预算批复安排延续项目合并而成")
    assert "<p>" not in p2.goal and "</p>" not in p2.goal
    p32 = seed_doc.projects[31]  # label, blank line, then the text on its own line
    assert p32.goal.startswith("主要用于仲裁办案等支出")


def test_carryovers(seed_doc) -> None:
    c = {p.seq: p.carryover for p in seed_doc.projects}
    assert (c[3].is_carryover, c[3].from_year, c[3].marker) == (True, 2021, "上年结转")
    assert (c[30].is_carryover, c[30].from_year, c[30].marker) == (True, 2021, "2021年结转")
    assert c[4].is_carryover and c[4].has_carryover_funds
    assert not c[1].is_carryover


def test_every_line_accounted(seed_doc, seed_path) -> None:
    lines = seed_path.read_text(encoding="utf-8").splitlines()
    nonblank = [n for n, line in enumerate(lines, 1) if line.strip()]
    assert [e.line for e in seed_doc.lines] == nonblank
    rejected = [(e.line, lines[e.line - 1].strip()) for e in seed_doc.lines if e.status == "rejected"]
    assert rejected == [(1144, "依据")]
    recorded = {e.line for e in seed_doc.lines if e.status == "record"}
    for p in seed_doc.projects:
        assert all(i.line in recorded for i in p.indicators)


def test_empty_groups_are_placeholders(seed_doc) -> None:
    p1 = seed_doc.projects[0]
    assert [(g.level2, g.line) for g in p1.empty_groups] == [("21", 39), ("23", 41)]
    # a label row followed by its rows is not an empty group
    p28 = seed_doc.projects[27]
    assert "12" not in {g.level2 for g in p28.empty_groups}
