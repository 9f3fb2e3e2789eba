"""Level 2 by meaning: the order, the label positions and the value's kind."""

from __future__ import annotations

from budgetkg.loader.levels import Row, assign, label_first
from budgetkg.loader.vocabulary import level1_of, level2_of


def codes(rows: list[Row]) -> list[str]:
    return [c for c, _ in assign(rows)]


def test_labels_on_first_rows() -> None:
    rows = [Row("1", "11"), Row("1", None), Row("1", "12"), Row("1", "13"), Row("1", "14"), Row("1", None),
            Row("2", "22"), Row("3", "31")]
    assert label_first(rows)
    assert codes(rows) == ["11", "11", "12", "13", "14", "14", "22", "31"]


def test_money_after_timeliness_goes_to_cost() -> None:
    rows = [Row("1", "11"), Row("1", "12"), Row("1", "13"), Row("1", None, money=True),
            Row("1", None, money=True), Row("1", "14", money=True), Row("2", "22")]
    assert assign(rows)[3] == ("14", "kind")
    assert codes(rows) == ["11", "12", "13", "14", "14", "14", "22"]


def test_money_before_quality_label_stays_quantity() -> None:
    # 14 cannot come before 12: the order wins over the kind.
    rows = [Row("1", "11"), Row("1", None, money=True), Row("1", "12"), Row("1", "13"), Row("1", "14")]
    assert codes(rows) == ["11", "11", "12", "13", "14"]


def test_missing_cost_label_decided_by_kind() -> None:
    rows = [Row("1", "11"), Row("1", "13"), Row("1", None, money=True), Row("2", "21")]
    assert assign(rows)[2] == ("14", "kind")


def test_labels_mid_group_go_to_the_nearest_label() -> None:
    rows = [Row("1", None), Row("1", "11"), Row("1", None), Row("1", None), Row("1", None),
            Row("1", "12"), Row("1", None)]
    assert not label_first(rows)
    # rows 2-4 sit between the labels: nearest wins, a tie goes to the group above
    assert codes(rows) == ["11", "11", "11", "11", "12", "12", "12"]


def test_rows_stay_in_their_level1_family() -> None:
    rows = [Row("1", "11"), Row("1", "14"), Row("2", None), Row("2", "22"), Row("3", None)]
    assert codes(rows) == ["11", "14", "22", "22", "31"]


def test_labels_out_of_order_lose_nothing() -> None:
    rows = [Row("1", "13"), Row("1", "11"), Row("1", None)]
    out = assign(rows)
    assert len(out) == 3
    assert [c for c, _ in out] == ["13", "11", "11"]


def test_label_vocabulary() -> None:
    assert level1_of("1-产出指标") == "1"
    assert level1_of("3-满意度指标") == "3"
    assert level1_of("满意度") == "3"
    assert level2_of("13-时效") == "13"
    assert level2_of("22-社会") == "22"
    assert level2_of("1-服务对象满意度") == "31"  # mis-coded, the name decides
    assert level2_of("可持续影响") == "24"
    assert level2_of("24-可持续影响指标") == "24"
    assert level2_of("满意度") is None  # a plausible level-3 name on its own
    assert level2_of("13楼多媒体会议室综合服务功能提升") is None
    assert level2_of("12333政策咨询经费含人员工资") is None
