"""The label vocabulary shared by every family, and the fragment joiner.

Labels are matched on ``text.fold`` keys with a trailing colon and a glued score range
(``成本指标(0-20)分``) removed. The joiner puts back together labels that the text
split: wrapped cells (``满意度指`` / ``标``, ``生态环境`` / ``成本指标``), vertical labels
printed one character per line (``绩/效/指/标``) and labels split by spaces
(``年度主要目标     和成果``).
"""

from __future__ import annotations

import re
from typing import Iterable, NamedTuple

from ..text import fold
from .tokens import Tok

# --- indicator levels (财预〔2020〕10号 and 〔2021〕101号 vocabularies) ---------

OUTPUT, COST, EFFECT, SATISFACTION = "产出指标", "成本指标", "效益指标", "满意度指标"
LEVEL1_LABELS = (OUTPUT, COST, EFFECT, SATISFACTION)

#: level-2 label -> its level-1 group. 成本指标 and 满意度指标 are both level 1 and 2.
LEVEL2_PARENT: dict[str, str] = {
    "数量指标": OUTPUT,
    "质量指标": OUTPUT,
    "时效指标": OUTPUT,
    "经济成本指标": COST,
    "社会成本指标": COST,
    "生态环境成本指标": COST,
    "经济效益指标": EFFECT,
    "社会效益指标": EFFECT,
    "生态效益指标": EFFECT,
    "环境效益指标": EFFECT,
    "可持续影响指标": EFFECT,
    "服务对象满意度指标": SATISFACTION,
    "服务对象满意度": SATISFACTION,
    "社会公众或服务对象满意度指标": SATISFACTION,
    "社会公众或服务对象满意度": SATISFACTION,
}
COST_LEVEL2 = frozenset(k for k, v in LEVEL2_PARENT.items() if v == COST)

#: indicator column headers -> the role of the column
COLUMN_ROLES: dict[str, str] = {
    "一级指标": "l1",
    "二级指标": "l2",
    "三级指标": "l3",
    "指标内容": "l3",
    "指标名称": "l3",
    "指标值": "value",
    "年度指标值": "value",
    "年度(/项目)指标值": "value",
    "项目指标值": "value",
    "指标值及单位": "value",
    "指标目标值": "value",
    "当年预期实现值": "value",
    "区域目标值": "value",
    "分值": "score",
    "指标解释": "explanation",
    "绩效标准": "standard",
    "备注": "note",
    "权重": "weight",
    "指标方向性": "direction",
    "指标性质": "comparator",
    "度量单位": "measure_unit",
}

_SCORE_RANGE = re.compile(r"(?:\(\d+(?:-\d+)?\)分?|\(\d+分\)|\d+(?:-\d+)?分)$")
# a goal label's period: 中期目标(2023年-2025年), 项目总体目标(2024年-2026年)
_PERIOD = re.compile(r"\(\d{4}年?(?:度)?-\d{4}年?(?:度)?\)$")


def key(text: str) -> str:
    """The matching key of a printed label: folded, without a trailing colon."""
    k = fold(text)
    return k[:-1] if k.endswith(":") else k


def split_score(text: str) -> tuple[str, str | None]:
    """``成本指标(0-20)分`` -> (``成本指标``, ``(0-20)分``); other text unchanged."""
    k = key(text)
    m = _SCORE_RANGE.search(k) or _PERIOD.search(k)
    if m and m.start() > 0 and k[: m.start()].endswith(("指标", "目标")):
        return k[: m.start()], m.group()
    return k, None


def is_score_range(text: str) -> bool:
    """A score range printed on its own (``(40-50)分``, ``分``), under a level-1 label."""
    return bool(re.fullmatch(r"\(?\d+-\d+\)?分?|分", key(text)))


class Label(NamedTuple):
    key: str  # the canonical label this token is
    printed: str  # as printed (joined fragments)
    score: str | None  # a glued score range
    line: int


class Vocabulary:
    """A set of labels and the joiner that finds them in a token stream."""

    def __init__(self, labels: Iterable[str], aliases: dict[str, str] | None = None) -> None:
        #: other printed forms of a label -> the label (甘肃's bare 产出 for 产出指标)
        self.aliases = {key(a): key(c) for a, c in (aliases or {}).items()}
        self.labels = frozenset([key(x) for x in labels] + list(self.aliases))
        self.prefixes = frozenset(l[:i] for l in self.labels for i in range(1, len(l) + 1))

    def match(self, text: str) -> str | None:
        k, _ = split_score(text)
        return k if k in self.labels else None

    def join(self, toks: list[Tok], *, across: bool = True) -> list[Tok | Label]:
        """Tokens with labels recognised; fragments of one label are joined into one.

        At each position the longest run of fragments whose concatenation is a label is
        taken, as long as every shorter concatenation is the start of some label.
        """
        out: list[Tok | Label] = []
        i, n = 0, len(toks)
        while i < n:
            best = None
            acc = ""
            for j in range(i, min(n, i + 12)):
                acc += key(toks[j].text)
                k, score = split_score(acc)
                if k in self.labels:
                    best = (j, k, score)
                if acc not in self.prefixes:
                    break
            if best is None:
                out.append(toks[i])
                i += 1
            else:
                j, k, score = best
                printed = "".join(t.text for t in toks[i : j + 1])
                out.append(Label(self.aliases.get(k, k), printed, score, toks[i].line))
                i = j + 1
        return out


    def join_vertical(self, rows: list[list[Tok]], reach: int = 2) -> list[list[Tok]]:
        """Labels wrapped over the lines above and below their row (laid-out PDF text).

        A word that is the start of a label but no label is joined with the nearest
        word (by column) on the next ``reach`` rows that continues it, until a label is
        complete; the label goes to the row among those with the most words (the row
        the wrapped cell belongs to), in column order.
        """
        rows = [list(r) for r in rows]
        for ri in range(len(rows)):
            ti = 0
            while ti < len(rows[ri]):
                t = rows[ri][ti]
                k = key(t.text)
                if k in self.labels or k not in self.prefixes or len(k) < 1:
                    ti += 1
                    continue
                acc, used, r = k, [(ri, t)], ri
                while acc not in self.labels:
                    cand = [
                        (abs(u.col - t.col), rj, u)
                        for rj in range(r + 1, min(len(rows), r + 1 + reach))
                        for u in rows[rj]
                        if (acc + key(u.text)) in self.prefixes
                    ]
                    if not cand:
                        break
                    _, rj, u = min(cand, key=lambda c: (c[0], c[1]))
                    acc += key(u.text)
                    used.append((rj, u))
                    r = rj
                if acc not in self.labels or len(used) == 1:
                    ti += 1
                    continue
                span = range(used[0][0], used[-1][0] + 1)
                home = max(span, key=lambda j: (len(rows[j]), -abs(j - (span[0] + span[-1]) / 2)))
                mine = {id(u) for _, u in used}
                home_line = next((u.line for u in rows[home] if id(u) not in mine), t.line)
                for rj, u in used:
                    rows[rj].remove(u)
                rows[home].append(Tok("".join(u.text for _, u in used), home_line, t.col))
                rows[home].sort(key=lambda u: u.col)
                ti = 0 if home == ri else ti
        return rows


INDICATOR_LABELS = tuple(LEVEL1_LABELS) + tuple(LEVEL2_PARENT)


def group_of(label: str) -> str | None:
    """The level-1 group of an indicator label (成本指标/满意度指标 give their own)."""
    if label in LEVEL1_LABELS:
        return label
    return LEVEL2_PARENT.get(label)
