"""Cross-year queries on the seed (2022) and the synthetic second year (2023).

``tests/fixtures/second_year_2023.txt`` is built by ``tests/second_year.py`` from seed
tables with changes made on purpose; the expected rows below are those changes, written
out by hand.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from budgetkg import api
from budgetkg.loader import iris

from second_year import FIXTURE, build  # tests/ is on sys.path (rootdir conftest)

#: The 2022 lines that have no table in 2023: table 32 left out on purpose, and the
#: lines whose only 2022 table was a carry-over.
DISCONTINUED = {
    "劳动人事争议调解仲裁", "三支一扶示范培训班费", "人力资源信息系统运行维护(设备采购)", "人才专项经费",
    "全区人才工作经费", "全区社会保险各系统、设备维护费质保金", "公共就业服务资金(再就业资金)",
    "宁夏回族自治区人事考试中心常规性专项经费—考务工作经费(非税成本支出)2021年结转",
    "宁夏回族自治区人事考试中心经常性专项经费—考务工作经费(非税成本支出)", "就业补助资金(上年结转)",
    "教育培训专项经费(上年结转)", "考务工作经费(宁夏人事考试中心网站升级建设项目尾款)", "金保二期第一批资金结转",
}
#: 2022 carry-over tables of lines that go on in 2023 without one.
DROPPED_TABLES = {"人力资源信息系统运行维护费", "公共就业服务资金(就业资金)", "创业(网络创业)师资培训费(就业补助资金)",
                  "职业技能鉴定及技能竞赛费"}
#: Pairs matched only after normalization: (2022 name, 2023 name).
NORMALIZED = {
    ("教育培训专项", "教育培训专项（上年结转）"),  # carry-over suffix
    ("职业技能竞赛费(就业资金)", "职业技能竞赛费（就业资金）"),  # full-width brackets
    ("公共就业服务资金(就业资金)", "公共就业服务资金 (就业资金)"),  # a space
}
SAME_NAME_UNCHANGED = {
    "人事就业社会保障管理经费", "人力资源信息系统运行维护费", "职业技能鉴定及技能竞赛费", "“三支一扶”工作经费",
    "人力资源开发业务经费", "实习生生活补贴和社保补贴(就业资金)", "创业(网络创业)师资培训费(就业补助资金)",
    "第五届“中国创翼”创业创新大赛宁夏赛区选拔赛经费(就业补助资金)", "就业创业专项活动业务费",
    "自治区人社厅人事考试中心保密室改造项目", "劳动能力医学鉴定检查及工伤康复项目", "“全区社保经办系统能力提升”专题培训班",
    "社会保险事业管理经费", "自治区社会保险各系统维护及网络安全防护设备维护升级",
}


@pytest.fixture(scope="module")
def kg():
    with api.open_seed(FIXTURE) as connection:
        yield connection


def test_fixture_is_what_the_script_writes():
    assert FIXTURE.read_text(encoding="utf-8") == build()


def test_line_identity_survives_drift():
    key = iris.project_line_key
    for old, new in NORMALIZED:
        assert key(old) == key(new)
    assert key("业务人员培训费（上年结转）") == key("业务人员培训费")
    assert key("就业创业专项活动业务费") != key("劳动能力医学鉴定检查及工伤康复项目")


def test_default_years(kg):
    assert kg.years() == [2022, 2023]


def test_compare_lines(kg):
    rows = kg.run("compare-lines")
    assert {(r["yearA"], r["yearB"]) for r in rows} == {(2022, 2023)}
    got = {(r["role"], r["nameA"], r["nameB"], r["matchedBy"], r["change"]) for r in rows}
    expected = (
        {("main", n, None, "unmatched", "discontinued-line") for n in DISCONTINUED}
        | {("carry-over", n, None, "unmatched", "dropped-table") for n in DROPPED_TABLES}
        | {("main", None, "零工市场建设补助资金", "unmatched", "new-line"),
           ("other", None, "就业创业专项活动业务费", "unmatched", "new-table"),  # same name, another project
           ("main", "就业专项资金", "就业专项资金", "same-name", "total-changed"),
           ("main", "业务人员培训费", "业务人员培训费", "same-name", "total-changed"),
           ("carry-over", "业务人员培训费（上年结转）", "业务人员培训费（上年结转）", "same-name", "unchanged")}
        | {("main", a, b, "normalized-name", "unchanged") for a, b in NORMALIZED}
        | {("main", n, n, "same-name", "unchanged") for n in SAME_NAME_UNCHANGED}
    )
    assert got == expected
    assert len(rows) == len(expected) == 39
    changed = {r["nameB"]: (r["totalA"], r["totalB"], r["difference"]) for r in rows if r["change"] == "total-changed"}
    assert changed == {
        "就业专项资金": (Decimal(73398), Decimal(80000), Decimal(6602)),
        "业务人员培训费": (Decimal("74.7"), Decimal(80), Decimal("5.3")),
    }


def test_compare_targets(kg):
    got = {(r["projectB"], r["indicator"], r["level2Code"], r["targetA"] or None, r["targetB"] or None, r["change"])
           for r in kg.run("compare-targets")}
    assert got == {
        ("就业专项资金", "零就业家庭帮扶率", "12", "90%", "95%", "changed"),
        ("就业专项资金", "驻外劳务机构补贴", "11", "4个", None, "disappeared"),
        ("就业专项资金", "零工市场建设", "11", None, "3个", "appeared"),
        ("公共就业服务资金 (就业资金)", "高校毕业生", "31", "95%", "98%", "changed"),
    }


def test_new_and_discontinued(kg):
    rows = kg.run("new-discontinued")
    assert {(r["status"], r["year"], r["project"]) for r in rows} == (
        {("new", 2023, "零工市场建设补助资金")} | {("discontinued", 2022, n) for n in DISCONTINUED}
    )


def test_line_totals_two_years(kg):
    rows = kg.run("line-totals-two-years")
    assert len(rows) == 19  # lines with a main table in both years
    nonzero = {(r["nameB"], r["difference"]) for r in rows if r["difference"] != 0}
    assert nonzero == {("就业专项资金", Decimal(6602)), ("业务人员培训费", Decimal("5.3"))}


def test_new_carryover_links(kg):
    rows = kg.run("carryover-chains", year=2023)
    assert {(r["project"], r["linked"], r["fromProject"]) for r in rows} == {
        ("教育培训专项（上年结转）", True, "教育培训专项"),
        ("业务人员培训费（上年结转）", True, "业务人员培训费"),
    }
    # 2022's links point to 2021, which is not loaded
    assert {r["linked"] for r in kg.run("carryover-chains", year=2022)} == {False}


def test_explicit_years_and_reversed(kg):
    assert kg.run("compare-lines", yearA=2022, yearB=2023) == kg.run("compare-lines")
    # 2023 against 2022: the new project is now the discontinued one
    rows = kg.run("new-discontinued", yearA=2023, yearB=2022)
    assert ("discontinued", 2023, "零工市场建设补助资金") in {(r["status"], r["year"], r["project"]) for r in rows}
    assert kg.run("compare-targets", yearA=2022, yearB=2022) == []


def test_totals_per_year_count_each_table_once(kg, seed_doc):
    # Organisations and concepts are described in both documents' graphs; sums must not
    # double. The reader's own figures are the reference.
    seed_total = sum(p.amounts.total for p in seed_doc.projects)
    per_year = {}
    for r in kg.run("project-totals"):
        per_year[r["fiscalYear"]] = per_year.get(r["fiscalYear"], 0) + r["totalWanYuan"]
    assert per_year[2022] == seed_total
    assert {r["fiscalYear"]: r["totalWanYuan"] for r in kg.run("years")}[2022] == seed_total
    assert per_year[2023] == seed_total + (80000 - Decimal("73398")) + (80 - Decimal("74.70")) + 15 + 81 - sum(
        p.amounts.total for p in seed_doc.projects if p.seq in {3, 4, 6, 7, 8, 9, 10, 13, 17, 18, 20, 23, 28, 29, 30, 32, 35})
