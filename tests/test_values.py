"""The target-value normalizer: real values of the seed, hand-made variants, the bare-number rule.

Every expectation below was written by hand from the printed text, not copied from output.
"""

from __future__ import annotations

import json
from dataclasses import FrozenInstanceError
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budgetkg.loader.values import (
    COMPARATORS,
    KINDS,
    MONEY_UNITS,
    Target,
    infer_bare_cost_unit,
    money_like,
    normalize_target,
    with_inferred_unit,
)

FY = 2022  # the seed's fiscal year


def q(values: str, unit: str | None = None, cmp: str = "=", **kw: Any) -> dict[str, Any]:
    """Expected quantitative target; values space-separated."""
    return {"kind": "quantitative", "comparator": cmp, "values": values.split(), "unit": unit, **kw}


def d(start: str | None, end: str | None, cmp: str = "=", **kw: Any) -> dict[str, Any]:
    return {"kind": "date", "comparator": cmp, "date_start": start, "date_end": end, "values": [], **kw}


QUAL: dict[str, Any] = {"kind": "qualitative", "comparator": None, "values": [], "unit": None}

# Real values of the seed's 指标值 column (the 2022 tables of department 303), by hand.
SEED_VALUES: list[tuple[str, dict[str, Any]]] = [
    # counts with their printed unit
    ("1个", q("1", "个")),
    ("1年", q("1", "年")),
    ("2台", q("2", "台")),
    ("10把", q("10", "把")),
    ("10张", q("10", "张")),
    ("200箱", q("200", "箱")),
    ("16部", q("16", "部")),
    ("20座", q("20", "座")),
    ("10场", q("10", "场")),
    ("4期", q("4", "期")),
    ("2500份", q("2500", "份")),
    ("1套", q("1", "套")),
    ("1批", q("1", "批")),
    ("3项", q("3", "项")),
    ("3500本", q("3500", "本")),
    ("600人次", q("600", "人次")),
    ("100人次", q("100", "人次")),
    ("4个季度", q("4", "个季度")),
    ("12个月", q("12", "个月")),
    ("1个班次", q("1", "个班次")),
    ("2人套", q("2", "人套")),
    ("3批次", q("3", "批次")),
    ("6天", q("6", "天")),
    ("4次", q("4", "次")),
    ("55000人", q("55000", "人")),
    # 万 belongs to the unit; the value stays as printed
    ("85万页", q("85", "万页")),
    ("10万本", q("10", "万本")),
    ("1.2万册", q("1.2", "万册")),
    ("5万份", q("5", "万份")),
    ("27720000条", q("27720000", "条")),
    ("200000条", q("200000", "条")),
    # percent
    ("90%", q("90", "%")),
    ("100%", q("100", "%")),
    # money
    ("500万元", q("500", "万元", is_money=True, yuan=["5000000"])),
    ("0.4万元", q("0.4", "万元", is_money=True, yuan=["4000"])),
    ("24.50万元", q("24.50", "万元", is_money=True, yuan=["245000"])),
    ("626.69万元", q("626.69", "万元", is_money=True, yuan=["6266900"])),
    ("14710万元", q("14710", "万元", is_money=True, yuan=["147100000"])),
    ("179634元", q("179634", "元", is_money=True, yuan=["179634"])),
    ("260元", q("260", "元", is_money=True, yuan=["260"])),
    # rates
    ("18人/年", q("18", "人", per="年")),
    ("3次/年", q("3", "次", per="年")),
    ("5.5万元/班次", q("5.5", "万元", per="班次", is_money=True, yuan=["55000"])),
    ("36万元/班次", q("36", "万元", per="班次", is_money=True, yuan=["360000"])),
    ("13.9万元/年", q("13.9", "万元", per="年", is_money=True, yuan=["139000"])),
    ("20.588万元/年", q("20.588", "万元", per="年", is_money=True, yuan=["205880"])),
    ("19.122万元/年", q("19.122", "万元", per="年", is_money=True, yuan=["191220"])),
    # comparator symbols
    (">95%", q("95", "%", ">")),
    ("≥90%", q("90", "%", ">=")),
    ("≥ 95%", q("95", "%", ">=")),
    ("≤95%", q("95", "%", "<=")),  # reversed in the source (a repair rate): kept as printed
    ("≥5%", q("5", "%", ">=")),
    ("≤3次", q("3", "次", "<=")),
    ("≥25人次", q("25", "人次", ">=")),
    ("≥40000人次", q("40000", "人次", ">=")),
    ("≥20万份", q("20", "万份", ">=")),
    ("≥30次", q("30", "次", ">=")),
    ("≥700车次", q("700", "车次", ">=")),
    ("≥6年", q("6", "年", ">=")),
    # comparator words
    ("高于95%", q("95", "%", ">")),
    ("大于6年", q("6", "年", ">")),
    ("95%以上", q("95", "%", ">=")),
    ("80%以上", q("80", "%", ">=")),
    ("7000人以上", q("7000", "人", ">=")),
    ("4.5%以内", q("4.5", "%", "<=")),
    ("达90%以上", q("90", "%", ">=", notes=[])),  # 以上 decides; 达 gives way, no note
    ("达95%以上", q("95", "%", ">=", notes=[])),
    ("368件左右", q("368", "件", "≈")),
    ("12车次左右", q("12", "车次", "≈")),
    ("300本左右", q("300", "本", "≈")),
    ("400余件次", q("400", "件次", ">=", notes=["余 (more than) read as >="])),
    # text around the number: kept in notes, the number still read
    ("全年170人次", q("170", "人次", notes=["text before the value: 全年"])),
    ("至年底达100%", q("100", "%", ">=", notes=["达 read as >=", "text before the value: 至年底"])),
    ("支付进度达100%", q("100", "%", ">=", notes=["达 read as >=", "text before the value: 支付进度"])),
    ("成效达到100%。", q("100", "%", ">=", notes=["达到 read as >=", "text before the value: 成效"])),
    ("≤45天或超期有中止审理通知书",
     q("45", "天", "<=", notes=["text after the value: 或超期有中止审理通知书"])),
    ("发放证书≥1万本，为各行业选聘人才提供",
     q("1", "万本", ">=", notes=["text before the value: 发放证书", "text after the value: 为各行业选聘人才提供"])),
    # bare numbers: no unit here; the reader infers it for cost rows
    ("129350", q("129350")),
    ("227000", q("227000")),
    ("3000", q("3000")),
    ("1", q("1")),
    ("7", q("7")),
    # dates and periods
    ("2022年12月", d("2022-12-01", "2022-12-31", notes=[])),
    ("2022年11月", d("2022-11-01", "2022-11-30")),
    ("2022年12月中旬", d("2022-12-11", "2022-12-20")),
    ("2022年12月完成", d("2022-12-01", "2022-12-31", notes=["text after the date: 完成"])),
    ("2022年12月底", d("2022-12-31", "2022-12-31")),
    ("2022年底", d("2022-12-31", "2022-12-31")),
    ("2022年12月31日前", d("2022-01-01", "2022-12-31", "<=")),
    ("2022年6月30日前", d("2022-01-01", "2022-06-30", "<=")),
    ("2022年11月30日前", d("2022-01-01", "2022-11-30", "<=")),
    ("2022年7月以前", d("2022-01-01", "2022-07-31", "<=")),
    ("当年12月31日前", d("2022-01-01", "2022-12-31", "<=")),
    ("当年10月31日以前", d("2022-01-01", "2022-10-31", "<=")),
    ("2022年底前", d("2022-01-01", "2022-12-31", "<=")),
    ("年底前", d("2022-01-01", "2022-12-31", "<=")),
    ("2020年12月", d("2020-12-01", "2020-12-31", notes=["year 2020 is not the fiscal year 2022"])),
    ("2021年11月", d("2021-11-01", "2021-11-30", notes=["year 2021 is not the fiscal year 2022"])),
    # several values in one cell
    ("7000人、70万人", {"kind": "multiple", "comparator": None, "values": [],
                      "parts": [("7000人", q("7000", "人")), ("70万人", q("70", "万人"))]}),
    ("400人, 5天", {"kind": "multiple", "parts": [("400人", q("400", "人")), ("5天", q("5", "天"))]}),
    ("6版1年", {"kind": "multiple", "parts": [("6版", q("6", "版")), ("1年", q("1", "年"))]}),
    # qualitative
    ("持续提升", QUAL),
    ("效果显著", QUAL),
    ("及时", QUAL),
    ("按时", QUAL),
    ("长期", QUAL),
    ("确保", QUAL),
    ("全面落实政策", QUAL),
    ("有所提升", QUAL),
    ("按月发放", QUAL),
    ("持续稳定。", QUAL),
    ("及时开展，及时支付", QUAL),
    ("资金发放率", QUAL),  # an indicator name printed in the value column
    ("我厅“12333”电话咨询服务中心, 每月电话综合接通率95%, 群众满意度100%, 政策掌握度95%以上, "
     "2021年被人社部评为全国人力资源社会保障系统优质服务窗口并予表彰。",
     {**QUAL, "notes": ["prose with 5 number(s); no value extracted"]}),
    ("实行预算管理，项目支出严格按照财政相关规定和标准或人社厅财务管理相关规定支出。严格确定经办人、审核人、复核人、"
     "签批人的职责及流程，有效实施内控监管。资金运行有效、安全，近年来在各类审计及巡视中未发现重大违规违纪问题。",
     {**QUAL, "notes": []}),
    # a level-2 label pushed into the value column is not the number 21
    ("21-经济效益", {**QUAL, "notes": ["looks like an indicator label, not a value"]}),
    ("31-服务对象满意度", {**QUAL, "notes": ["looks like an indicator label, not a value"]}),
]


def check(t: Target, expected: dict[str, Any]) -> None:
    got = t.to_json()
    for key, want in expected.items():
        if key == "parts":
            assert [p.text for p in t.parts] == [text for text, _ in want]
            for part, (_, exp) in zip(t.parts, want):
                check(part, exp)
        else:
            assert got[key] == want, f"{key}: {got[key]!r} != {want!r}"
    if t.kind == "quantitative" and "yuan" not in expected:
        assert got["yuan"] == [] and got["is_money"] is False
    if t.kind == "quantitative" and "per" not in expected:
        assert t.per is None


def test_seed_table_is_large_and_distinct() -> None:
    texts = [t for t, _ in SEED_VALUES]
    assert len(set(texts)) == len(texts) >= 60
    assert {e["kind"] for _, e in SEED_VALUES} == {"quantitative", "qualitative", "date", "multiple"}


@pytest.mark.parametrize("text,expected", SEED_VALUES, ids=[t[:20] for t, _ in SEED_VALUES])
def test_seed_values(text: str, expected: dict[str, Any]) -> None:
    t = normalize_target(text, fiscal_year=FY)
    assert t.text == text
    check(t, expected)


def test_seed_values_really_occur_in_the_seed(seed_path) -> None:
    # The table above is real: every value is a cell of the seed's indicator rows.
    cells = set()
    for line in seed_path.read_text(encoding="utf-8").splitlines():
        row = [c.strip() for c in line.split("\t") if c.strip()]
        if row and row[0][:1] in "123" and "指标" in row[0]:
            cells.add(row[-1])
    missing = [t for t, _ in SEED_VALUES if t not in cells]
    assert missing == []


HAND_MADE: list[tuple[str, dict[str, Any]]] = [
    # comparator words the seed does not use
    ("不低于90%", q("90", "%", ">=")),
    ("不少于500人", q("500", "人", ">=")),
    ("不超过10万元", q("10", "万元", "<=", is_money=True, yuan=["100000"])),
    ("不高于2%", q("2", "%", "<=")),
    ("低于5%", q("5", "%", "<")),
    ("小于3天", q("3", "天", "<")),
    ("95%以下", q("95", "%", "<=")),
    ("3天内", q("3", "天", "<=")),
    ("约300人", q("300", "人", "≈")),
    ("约95%左右", q("95", "%", "≈", notes=[])),
    ("达到95%", q("95", "%", ">=", notes=["达到 read as >="])),
    ("400多人", q("400", "人", ">=", notes=["多 (more than) read as >="])),
    ("≥95%以下", q("95", "%", ">=", notes=["comparators disagree: ≥ >=, 以下 <=; kept >="])),
    # symbols, full and half width
    ("≧９５％", q("95", "%", ">=")),
    ("＞95％", q("95", "%", ">")),
    ("＜5％", q("5", "%", "<")),
    ("≦3次", q("3", "次", "<=")),
    (">=90%", q("90", "%", ">=")),
    ("<= 3 次", q("3", "次", "<=")),
    ("≈300人", q("300", "人", "≈")),
    ("１２３人", q("123", "人")),
    ("２７，７２０，０００条", q("27720000", "条")),
    ("27,720,000条", q("27720000", "条")),
    ("１．５万元", q("1.5", "万元", is_money=True, yuan=["15000"])),
    ("-5%", q("-5", "%")),
    # ranges
    ("80%-90%", q("80 90", "%", "range")),
    ("80-90%", q("80 90", "%", "range")),
    ("1~2天", q("1 2", "天", "range")),
    ("3至5天", q("3 5", "天", "range")),
    ("1-2万元", q("1 2", "万元", "range", is_money=True, yuan=["10000", "20000"])),
    # money and rates
    ("400元/人天", q("400", "元", per="人天", is_money=True, yuan=["400"])),
    ("1.5亿元", q("1.5", "亿元", is_money=True, yuan=["150000000"])),
    ("5艘", q("5", "艘")),  # a unit not in the list: one CJK character ending the value
    # dates
    ("2022-12-31", d("2022-12-31", "2022-12-31")),
    ("2022年12月下旬", d("2022-12-21", "2022-12-31")),
    ("2022年12月上旬", d("2022-12-01", "2022-12-10")),
    ("2022年2月下旬", d("2022-02-21", "2022-02-28")),
    ("2022年1月至6月", d("2022-01-01", "2022-06-30", "range")),
    ("2022年第三季度", d("2022-07-01", "2022-09-30")),
    ("2022年上半年", d("2022-01-01", "2022-06-30")),
    ("2022年", d("2022-01-01", "2022-12-31")),
    ("至年底", d("2022-01-01", "2022-12-31", "<=")),
    ("截至2022年12月31日", d("2022-01-01", "2022-12-31", "<=")),
    ("12月31日前", d("2022-01-01", "2022-12-31", "<=")),
    ("明年6月", d("2023-06-01", "2023-06-30")),
    ("2022年7月起", d("2022-07-01", "2022-12-31", ">=")),
    ("2022年2月30日", d(None, None, notes=["not a valid date"])),
    # not dates
    ("1357.2万元", q("1357.2", "万元", is_money=True, yuan=["13572000"])),
    ("2022.5", q("2022.5")),
    # empty and placeholders
    ("", {"kind": "empty", "values": [], "notes": []}),
    ("  \t ", {"kind": "empty", "notes": []}),
    ("/", {"kind": "empty", "notes": ["placeholder punctuation, no value"]}),
    ("—", {"kind": "empty"}),
    # multiple, full width: parts quote the printed text
    ("７０００人、７０万人", {"kind": "multiple", "parts": [("７０００人", q("7000", "人")), ("７０万人", q("70", "万人"))]}),
    # a name with numbers is prose (a long text before the number)
    ("国家级高技能人才培训基地建设1个, 500万元/个", {**QUAL, "notes": ["prose with 2 number(s); no value extracted"]}),
]


@pytest.mark.parametrize("text,expected", HAND_MADE, ids=[t[:20] or "empty" for t, _ in HAND_MADE])
def test_hand_made(text: str, expected: dict[str, Any]) -> None:
    t = normalize_target(text, fiscal_year=FY)
    assert t.text == text
    check(t, expected)


def test_relative_dates_need_the_fiscal_year() -> None:
    t = normalize_target("当年12月31日前")
    assert (t.kind, t.comparator, t.date_start, t.date_end) == ("date", "<=", None, None)
    assert t.notes == ("relative year (当年) needs the fiscal year",)
    assert normalize_target("年底前").date_end is None
    t = normalize_target("2022年12月31日前")  # absolute: end known, start unknown
    assert (t.date_start, t.date_end) == (None, date(2022, 12, 31))
    assert normalize_target("当年12月31日前", fiscal_year=2023).date_end == date(2023, 12, 31)


def test_no_fiscal_year_no_year_note() -> None:
    assert normalize_target("2020年12月").notes == ()


def test_values_are_exact_decimals() -> None:
    t = normalize_target("20.588万元/年")
    assert t.values == (Decimal("20.588"),) and t.yuan == (Decimal("205880"),)
    t = normalize_target("0.00001万元")
    assert t.yuan == (Decimal("0.1"),)
    t = normalize_target("123456789012345678901234567890123元")  # more digits than the default context
    assert t.yuan == (Decimal("123456789012345678901234567890123"),)


def test_text_is_never_altered() -> None:
    raw = "  ≥ ９５％ "
    t = normalize_target(raw)
    assert t.text == raw and t.values == (Decimal(95),)


def test_to_json_is_json() -> None:
    t = normalize_target("7000人、70万人")
    j = json.loads(json.dumps(t.to_json(), ensure_ascii=False))
    assert set(j) == {"kind", "comparator", "values", "unit", "per", "is_money", "yuan", "unit_inferred",
                      "date_start", "date_end", "parts", "notes"}
    assert j["parts"][1]["values"] == ["70"] and j["parts"][1]["unit"] == "万人"
    j = normalize_target("2022年12月中旬").to_json()
    assert (j["date_start"], j["date_end"]) == ("2022-12-11", "2022-12-20")


def test_target_is_frozen() -> None:
    with pytest.raises(FrozenInstanceError):
        normalize_target("1个").unit = "x"  # type: ignore[misc]


# --- bare numbers and their unit ------------------------------------------------------

# The 职业技能鉴定及技能竞赛费 table: project total 162.00 万元, nine bare cost rows.
SKILLS_COSTS = [Decimal(v) for v in
                ("227000", "225000", "160000", "102000", "220000", "200000", "350000", "106000", "30000")]


def test_skills_table_costs_are_yuan() -> None:
    # 1 620 000 元 = 162 万元, exactly the total; as 万元 they would be 10 000 times too much.
    unit, why = infer_bare_cost_unit(SKILLS_COSTS, Decimal("162.00"))
    assert unit == "元"
    assert "1620000" in why and "162.00" in why


def test_maintenance_deposit_is_yuan() -> None:
    # 全区社会保险各系统、设备维护费质保金: total 12.94 万元, one cost row 129350.
    unit, _ = infer_bare_cost_unit([Decimal("129350")], Decimal("12.94"))
    assert unit == "元"


def test_small_bare_numbers_match_a_total_in_wan() -> None:
    assert infer_bare_cost_unit([Decimal(40), Decimal(60), Decimal(62)], Decimal(162))[0] == "万元"
    # sum 2000: as 万元 2000 (×12.3 of the total), as 元 0.2 (÷812): 万元 is closer
    assert infer_bare_cost_unit([Decimal(2000)], Decimal("162.5"))[0] == "万元"


def test_without_a_total_the_median_decides() -> None:
    assert infer_bare_cost_unit([Decimal("129350")], None)[0] == "元"
    assert infer_bare_cost_unit([Decimal(1000)], None)[0] == "元"
    assert infer_bare_cost_unit([Decimal(999)], None)[0] == "万元"
    assert infer_bare_cost_unit([Decimal(5), Decimal(6), Decimal(50000)], None)[0] == "万元"
    assert infer_bare_cost_unit([Decimal(5)], Decimal(0))[0] == "万元"  # a zero total is no total
    assert infer_bare_cost_unit([Decimal(5000)], Decimal(0))[0] == "元"


def test_tie_goes_to_the_currency_unit() -> None:
    # sum 100, total 1: as 万元 ×100, as 元 ÷100.
    assert infer_bare_cost_unit([Decimal(100)], Decimal(1))[0] == "万元"


def test_currency_unit_other_than_wan() -> None:
    assert infer_bare_cost_unit([Decimal(5)], Decimal(5), "元") == ("元", "the document's currency unit is 元")
    # 千元 document, total 162 千元, rows sum 162000: those are yuan.
    assert infer_bare_cost_unit([Decimal(100000), Decimal(62000)], Decimal(162), "千元")[0] == "元"
    assert infer_bare_cost_unit([Decimal(100), Decimal(62)], Decimal(162), "千元")[0] == "千元"


def test_infer_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        infer_bare_cost_unit([], Decimal(1))
    with pytest.raises(ValueError):
        infer_bare_cost_unit([Decimal(1)], Decimal(1), "美元")


def test_with_inferred_unit() -> None:
    t = with_inferred_unit(normalize_target("129350"), "元")
    assert (t.text, t.unit, t.is_money, t.unit_inferred) == ("129350", "元", True, True)
    assert t.yuan == (Decimal(129350),) and t.values == (Decimal(129350),)
    t = with_inferred_unit(normalize_target("12.94"), "万元")
    assert t.yuan == (Decimal(129400),)
    with pytest.raises(ValueError):
        with_inferred_unit(normalize_target("5人"), "元")  # has a unit already
    with pytest.raises(ValueError):
        with_inferred_unit(normalize_target("129350"), "人")  # not money
    with pytest.raises(ValueError):
        with_inferred_unit(normalize_target("及时"), "元")  # no number


def test_money_like() -> None:
    assert money_like(normalize_target("40万元"))
    assert money_like(normalize_target("129350"))
    assert not money_like(normalize_target("4"))  # a bare small number is a count
    assert not money_like(normalize_target("5人"))
    assert not money_like(normalize_target("及时"))
    assert not money_like(normalize_target("400人, 5天"))
    assert normalize_target("129350").is_bare_number
    assert not normalize_target("80-90").is_bare_number  # a range is two numbers


def test_money_units() -> None:
    assert MONEY_UNITS["元"] == 1 and MONEY_UNITS["万元"] == 10_000 and MONEY_UNITS["亿元"] == 10**8


# --- never raises -----------------------------------------------------------------------

VALUE_CHARS = "0123456789０９.,，、;/%％万元亿个人次年月日天旬底前后以上下内左右余多达约当本次明第季度≥≤><＞＜=~-至到 。或"


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet=VALUE_CHARS)),
       st.one_of(st.none(), st.integers(min_value=-10, max_value=10_000)))
def test_never_raises_and_keeps_text(text: str, fiscal_year: int | None) -> None:
    t = normalize_target(text, fiscal_year=fiscal_year)
    assert t.text == text
    assert t.kind in KINDS and t.comparator in (*COMPARATORS, None)
    json.dumps(t.to_json())
    for part in t.parts:
        assert part.text and part.text in text


def test_docs_examples_run() -> None:
    import doctest
    from pathlib import Path

    doc = Path(__file__).parents[1] / "docs" / "values.md"
    result = doctest.testfile(str(doc), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 20 and result.failed == 0
