"""Which family a table is, from its content: marker phrases on the folded, joined text.

Joining all tokens without spaces first makes the markers immune to wrapping
(``年度资金申`` / ``请总额``) and to vertical labels.
"""

from __future__ import annotations

from typing import NamedTuple, Sequence


class Detection(NamedTuple):
    family: str
    score: float  # share of the family's marker groups found, 0..1
    missing: tuple[str, ...]  # the marker groups not found (first alternative of each)
    found: tuple[str, ...] = ()  # the markers seen


#: a table is of a family when at least this share of its markers is found
THRESHOLD = 0.75


#: landmarks of the Ningxia layout (its own template): a table showing them is no family's
NINGXIA_MARKS = ("项目总额", "年度总体绩效目标", "1-产出指标", "11-数量指标")


def score_markers(family: str, text: str, groups: Sequence[Sequence[str]], vetoes: Sequence[str] = ()) -> Detection:
    """Share of marker groups (each a tuple of alternatives) present in ``text``."""
    found = [g for g in groups if any(alt in text for alt in g)]
    missing = tuple(g[0] for g in groups if g not in found)
    score = len(found) / len(groups) if groups else 0.0
    if any(v in text for v in vetoes) or any(m in text for m in NINGXIA_MARKS):
        score *= 0.5
    seen = tuple(next(alt for alt in g if alt in text) for g in found)
    return Detection(family, score, missing, seen)
