"""The template's fixed vocabulary: header labels, fund labels, indicator levels, attributes.

All matching is done on ``text.fold`` keys, so width, punctuation and space variants of
a label are one label. Codes and names come from the Ministry of Finance's national
indicator system (财预〔2020〕10号, 财预〔2021〕101号), not from any one document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .text import fold

# --- indicator levels ---------------------------------------------------------

LEVEL1: dict[str, str] = {"1": "产出指标", "2": "效益指标", "3": "满意度指标"}
LEVEL1_EN: dict[str, str] = {"1": "output", "2": "effect", "3": "satisfaction"}

LEVEL2: dict[str, str] = {
    "11": "数量指标",
    "12": "质量指标",
    "13": "时效指标",
    "14": "成本指标",
    "21": "经济效益指标",
    "22": "社会效益指标",
    "23": "生态效益指标",
    "24": "可持续影响指标",
    "31": "服务对象满意度指标",
}
LEVEL2_EN: dict[str, str] = {
    "11": "quantity",
    "12": "quality",
    "13": "timeliness",
    "14": "cost",
    "21": "economic effect",
    "22": "social effect",
    "23": "ecological effect",
    "24": "sustainability",
    "31": "beneficiary satisfaction",
}

_L1 = re.compile(r"^(?P<code>\d)?-?(?P<stem>产出|效益|满意度)(?:指标)?$")
_L1_BY_STEM = {"产出": "1", "效益": "2", "满意度": "3"}

# A level-2 label: optional code, a stem, optional suffix. Stems decide the code, so a
# mis-coded label (``1-服务对象满意度``) or a shortened one (``13-时效``) still resolves.
_L2 = re.compile(
    r"^(?P<code>\d{1,2})?-?"
    r"(?P<stem>服务对象满意度|满意度|数量|质量|时效|成本|经济|社会|生态|可持续)"
    r"(?P<suffix>效益指标|影响指标|指标|效益|影响)?$"
)
_L2_BY_STEM = {
    "数量": "11",
    "质量": "12",
    "时效": "13",
    "成本": "14",
    "经济": "21",
    "社会": "22",
    "生态": "23",
    "可持续": "24",
    "服务对象满意度": "31",
    "满意度": "31",
}
# Stems that are also plausible level-3 names on their own need a code or a suffix.
_L2_NEEDS_MARK = {"满意度", "数量", "质量", "成本", "经济", "社会", "生态"}


# The classifiers below are pure functions of a cell's text, called for most cells of
# every table on the same few hundred labels: each distinct text is classified once.
_memo = lru_cache(maxsize=1 << 16)


@_memo
def level1_of(text: str) -> str | None:
    """The level-1 code of a cell such as ``1-产出指标`` (by name; the code may be off)."""
    m = _L1.match(fold(text))
    return _L1_BY_STEM[m.group("stem")] if m else None


@_memo
def level2_of(text: str) -> str | None:
    """The level-2 code of a label cell such as ``13-时效`` or ``1-服务对象满意度``."""
    m = _L2.match(fold(text))
    if not m:
        return None
    stem = m.group("stem")
    if stem in _L2_NEEDS_MARK and not (m.group("code") or m.group("suffix")):
        return None
    return _L2_BY_STEM[stem]


def family(level2: str) -> str:
    """The level-1 code a level-2 code belongs to (``"14"`` -> ``"1"``)."""
    return level2[0]


# --- project attributes ---------------------------------------------------------

ATTRIBUTES: dict[str, str] = {
    "01": "一次性项目",
    "0101": "一年期项目",
    "0102": "多年期错茬性项目",
    "02": "经常性项目",
    "03": "多年期延续性项目",
}
ATTRIBUTES_EN: dict[str, str] = {
    "01": "one-off project",
    "0101": "one-year project",
    "0102": "multi-year staggered project",
    "02": "recurring project",
    "03": "multi-year continuing project",
}

# --- header and fund labels ---------------------------------------------------------

HEADER_LABELS: dict[str, str] = {
    "项目名称": "name",
    "主管部门": "department",
    "实施单位": "unit",
    "项目属性": "attribute",
    "项目期": "period",
}
GOAL_LABEL = "年度总体绩效目标"
INDICATOR_HEADER = ("一级指标", "二级指标", "三级指标", "指标值")


@dataclass(frozen=True)
class FundLabel:
    field: str  # an AMOUNT_FIELDS name, or "own"/"transfer" headers, or "subtotal"


# Longest first: "年度资金总额" must win over "资金总额".
_FUND_LABELS: tuple[tuple[str, str], ...] = (
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
_FUND_RE = re.compile(
    r"^(?:其中:?)?(?P<label>" + "|".join(re.escape(k) for k, _ in _FUND_LABELS) + r")"
    r":?(?P<rest>.*)$"
)
_FUND_FIELD = dict(_FUND_LABELS)

NUMBER = re.compile(r"^-?\d[\d,]*(?:\.\d+)?$")


@_memo
def fund_label(key: str) -> tuple[str, str] | None:
    """(field, inline rest) for a folded cell that is a fund label, else None."""
    m = _FUND_RE.match(key)
    if not m:
        return None
    return _FUND_FIELD[m.group("label")], m.group("rest")


@_memo
def header_label(key: str) -> tuple[str, str] | None:
    """(field, inline rest) for a folded cell that starts with a header label."""
    for label, field in HEADER_LABELS.items():
        if key.startswith(label):
            rest = key[len(label):].lstrip(":")
            return field, rest
    return None


# Lines of the header block printed above each table.
_BOILERPLATE = (
    re.compile(r"^附件\d*$"),
    re.compile(r"^.{0,30}项目支出.{0,6}绩效目标表$"),
    re.compile(r"^\((?P<year>\d{4})年度?\)$"),
    re.compile(r"^(?P<year>\d{4})年度?$"),
    re.compile(r"^(?:金额)?单位:(?P<unit>万元|元|亿元|千元)$"),
    # A generated document says so in its header block: 合成数据（非真实数据）: how it was made.
    re.compile(r"^合成(?:测试)?数据\(非真实数据\)(?::(?P<note>.*))?$"),
)


def boilerplate(key: str) -> tuple[str, dict[str, str]] | None:
    """Classify a folded single-cell line of the header block: (kind, captured groups)."""
    kinds = ("attachment", "title", "year", "year", "currency-unit", "synthetic")
    for kind, pat in zip(kinds, _BOILERPLATE):
        m = pat.match(key)
        if m:
            return kind, {k: v for k, v in m.groupdict().items() if v}
    return None
