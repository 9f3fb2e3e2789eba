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


# The 2021 framework (财预〔2021〕101号): 成本指标 at level 1 (code 4), with 经济/社会/
# 生态环境成本指标 (41-43) under it. A level-1 成本指标 is told from the old level-2 one by
# its code 4 or by a 4x label after it (``cost_level1_of``'s ``next_cell``).
_COST_L1 = re.compile(r"^(?P<code>\d)?-?成本(?:指标)?$")
_COST_L2 = re.compile(r"^(?P<code>4[1-3])?-?(?P<stem>经济|社会|生态环境|生态|环境)成本(?:指标)?$")
_COST_L2_BY_STEM = {"经济": "41", "社会": "42", "生态环境": "43", "生态": "43", "环境": "43"}


@_memo
def cost_level2_of(text: str) -> str | None:
    """The 2021 level-2 cost code ("41".."43") of a label such as ``41-经济成本指标``."""
    m = _COST_L2.match(fold(text))
    return _COST_L2_BY_STEM[m.group("stem")] if m else None


def cost_level1_of(text: str, next_cell: str | None = None) -> bool:
    """Is this cell the 2021 level-1 成本指标? Printed ``4-成本指标``, or 成本指标 followed
    by a 2021 cost label (an old level-2 成本指标 is followed by a name)."""
    m = _COST_L1.match(fold(text))
    if not m:
        return False
    if m.group("code"):
        return m.group("code") == "4"
    return next_cell is not None and cost_level2_of(next_cell) is not None


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
