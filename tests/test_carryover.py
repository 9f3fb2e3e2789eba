"""One carry-over rule (loader/carryover.py) for the reader and for project identities."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budgetkg.loader.carryover import carryover_of, strip_trailing_marker
from budgetkg.loader.iris import project_line_key
from budgetkg.loader.records import Amounts

NONE = Amounts()


@pytest.mark.parametrize("name, from_year, marker", [
    ("就业补助资金(上年结转)", 2021, "上年结转"),
    ("就业补助资金（上年结转）", 2021, "上年结转"),
    ("考务工作经费 2020 年结转", 2020, "2020 年结转"),
    ("考务工作经费2020年度结转", 2020, "2020年度结转"),  # 年度, as the identity key allows
    ("金保二期第一批资金结转", 2021, "资金结转"),
    ("培训费上年度结转资金", 2021, "上年度结转资金"),
    ("结转项目管理费", 2021, "结转"),  # anywhere in the name marks a carry-over
])
def test_a_marker_anywhere_marks_a_carryover(name: str, from_year: int, marker: str) -> None:
    c = carryover_of(name, NONE, 2022)
    assert (c.is_carryover, c.from_year, c.marker, c.has_carryover_funds) == (True, from_year, marker, False)


def test_without_a_marker_only_carried_money_counts() -> None:
    assert not carryover_of("就业补助资金", NONE, 2022).is_carryover
    c = carryover_of("就业补助资金", Amounts(carryover=Decimal("5.00")), 2022)
    assert (c.is_carryover, c.from_year, c.marker, c.has_carryover_funds) == (True, 2021, None, True)


@pytest.mark.parametrize("name", ["就业补助资金(上年结转)", "就业补助资金（上年结转）", "就业补助资金2021年度结转",
                                  "就业补助资金 上年结转资金", "就业补助资金"])
def test_identity_drops_a_trailing_marker(name: str) -> None:
    assert project_line_key(name) == "就业补助资金"


def test_identity_keeps_a_marker_inside_the_name_or_alone() -> None:
    assert project_line_key("结转项目管理费") == "结转项目管理费"
    assert strip_trailing_marker("上年结转") == "上年结转"


def test_every_marker_the_reader_finds_at_the_end_is_what_the_identity_drops() -> None:
    # The same pattern: a name ending in a marker loses exactly the marker.
    for name in ("A(上年结转)", "A2019年结转", "A资金结转", "A（上年度结转资金）"):
        marker = carryover_of(name, NONE, 2022).marker
        assert marker is not None and project_line_key(name) == "A"
