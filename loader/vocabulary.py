"""The national vocabulary every template shares: indicator levels and project attributes.

All matching is done on ``text.fold`` keys, so width, punctuation and space variants of
a label are one label. Codes and names come from the Ministry of Finance's national
indicator system (财预〔2020〕10号, 财预〔2021〕101号), not from any one document. The labels
of one layout (header fields, fund grid, header block) are that template's
(``templates/ningxia/layout.py``).
"""

from __future__ import annotations

import re
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
