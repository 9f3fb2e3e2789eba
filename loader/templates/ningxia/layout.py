"""The Ningxia layout as data: the labels printed in its tables and what each one means.

All matching is on ``text.fold`` keys, so width, punctuation and space variants of a
label are one label. The national codes (indicator levels, project attributes) are not
the layout's: they live in ``loader.vocabulary``, shared by every template.
"""

from __future__ import annotations

import re
from functools import lru_cache

# --- header rows: printed label -> field -------------------------------------------

HEADER_FIELDS: dict[str, str] = {
    "项目名称": "name",  # starts a table
    "主管部门": "department",
    "实施单位": "unit",
    "项目属性": "attribute",
    "项目期": "period",
}
#: field -> the label as printed (to cut it off a cell that also holds the value)
HEADER_PRINTED: dict[str, str] = {f: label for label, f in HEADER_FIELDS.items()}
TABLE_START = "项目名称"

# --- the goal and the indicator grid ---------------------------------------------------

GOAL_LABEL = "年度总体绩效目标"
#: the indicator header row: level 1 in one of the first two cells, and a level 2 or 3
INDICATOR_HEADER = ("一级指标", "二级指标", "三级指标", "指标值")
LEVEL1_COLUMN, LEVEL23_COLUMNS, VALUE_COLUMN = "一级指标", ("二级指标", "三级指标"), "指标值"

# --- the fund block: printed label -> slot --------------------------------------------
# A slot is an ``Amounts`` field, a side header (``own``: 本级资金, ``transfer``:
# 转移市县(区)资金: the subtotal of that side) or ``subtotal`` (资金总额, the subtotal
# of the side it stands under). Longest first: "年度资金总额" must win over "资金总额".

FUND_LABELS: tuple[tuple[str, str], ...] = (
    ("年度资金总额", "annual_total"),
    ("项目总额", "total"),
    ("转移市县(区)资金", "transfer"),
    ("转移市县资金", "transfer"),
    ("转移资金", "transfer"),
    ("本级资金", "own"),
    ("资金总额", "subtotal"),
    ("财政拨款", "fiscal_appropriation"),
    ("其他资金", "other_funds"),
    ("结余结转资金", "carryover"),
    ("结转资金", "carryover"),
    ("中央资金", "central_funds"),
    ("自治区资金", "regional_funds"),
    ("省级资金", "regional_funds"),
    ("省资金", "regional_funds"),
    ("地方资金", "regional_funds"),
)
#: the subtotal field of each side of the grid
SIDE_TOTALS: dict[str, str] = {"own": "own_level_total", "transfer": "transfer_total"}
#: how far up (rows) a number may sit below its label: the PDF text moves numbers one row
#: down, never more in the documents seen; further up, a label is another row's
FUND_ROWS_UP = 2

# --- the header block above each table (boilerplate: gives year and currency unit) ------

BOILERPLATE: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("attachment", re.compile(r"^附件\d*$")),
    ("title", re.compile(r"^.{0,30}项目支出.{0,6}绩效目标表$")),
    ("year", re.compile(r"^\((?P<year>\d{4})年度?\)$")),
    ("year", re.compile(r"^(?P<year>\d{4})年度?$")),
    ("currency-unit", re.compile(r"^(?:金额)?单位:(?P<unit>万元|元|亿元|千元)$")),
    # A generated document says so in its header block: 合成数据（非真实数据）: how it was made.
    ("synthetic", re.compile(r"^合成(?:测试)?数据\(非真实数据\)(?::(?P<note>.*))?$")),
)

NUMBER = re.compile(r"^-?\d[\d,]*(?:\.\d+)?$")

# --- classifiers: pure functions of a folded cell, called for most cells on the same few
# hundred labels, so each distinct text is classified once ---------------------------------

_FUND_RE = re.compile(
    r"^(?:其中:?)?(?P<label>" + "|".join(re.escape(k) for k, _ in FUND_LABELS) + r")"
    r":?(?P<rest>.*)$"
)
_FUND_SLOT = dict(FUND_LABELS)
_memo = lru_cache(maxsize=1 << 16)


@_memo
def fund_label(key: str) -> tuple[str, str] | None:
    """(slot, inline rest) for a folded cell that is a fund label, else None."""
    m = _FUND_RE.match(key)
    if not m:
        return None
    return _FUND_SLOT[m.group("label")], m.group("rest")


@_memo
def header_label(key: str) -> tuple[str, str] | None:
    """(field, inline rest) for a folded cell that starts with a header label."""
    for label, field in HEADER_FIELDS.items():
        if key.startswith(label):
            rest = key[len(label):].lstrip(":")
            return field, rest
    return None


@lru_cache(maxsize=1 << 12)  # the header block repeats before every table
def boilerplate(key: str) -> tuple[str, dict[str, str]] | None:
    """Classify a folded single-cell line of the header block: (kind, captured groups)."""
    for kind, pat in BOILERPLATE:
        m = pat.match(key)
        if m:
            return kind, {k: v for k, v in m.groupdict().items() if v}
    return None


def is_indicator_header(keys: list[str]) -> bool:
    return LEVEL1_COLUMN in keys[:2] and any(k in keys for k in LEVEL23_COLUMNS)


def clear_caches() -> None:
    for cached in (fund_label, header_label, boilerplate):
        cached.cache_clear()
