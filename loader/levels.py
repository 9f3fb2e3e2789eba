"""Deciding each indicator row's level 2 by meaning.

Level 2 is a merged cell: its label is printed once per group — on the group's first
row, at its vertical middle, or again after a page break — so most rows carry no
label. We choose, for the whole table at once, the assignment of codes to rows that

* follows the national order 11 < 12 < 13 < 14 < 21 < … < 24 < 31 (never goes back),
* keeps every labelled row at its label's code and every row in its level-1 family,
* and costs least, where a row pays for being placed in a group
  - before that group's label (the table prints labels on first rows) — ``EARLY``,
  - whose label never appears in the table — ``MISSING``,
  - far from that group's label (a small tie-breaker, ``DISTANCE`` per row),
  and earns a bonus when its value's kind fits the group: money fits 14 (成本),
  a date fits 13 (时效) — so "a run of money values after a 时效 row are cost rows".

This is a Viterbi pass over at most nine states per row, so it is exact and cheap.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from .vocabulary import LEVEL2, family

CODES: tuple[str, ...] = tuple(LEVEL2)  # in the national order
_INDEX = {code: s for s, code in enumerate(CODES)}
_FAMILY = {f: tuple(s for s, code in enumerate(CODES) if family(code) == f) for f in "123"}

EARLY = 1.0
EARLY_MID = 0.005  # with mid-group labels, a tie goes to the group above
MISSING = 1.5  # below MONEY_BONUS: a run of money after 时效 is cost even unlabelled
DISTANCE = 0.01
MONEY_BONUS = 2.0
DATE_BONUS = 1.0


@dataclass(frozen=True)
class Row:
    level1: str
    label: str | None  # level-2 code printed on this row, if any
    money: bool = False  # the value is an amount of money
    date: bool = False  # the value is a date or deadline


def label_first(rows: list[Row]) -> bool:
    """Does this table print each group's label on the group's first row?

    True when every level-1 run of three or more rows opens with a label: then a row
    before a label belongs to the previous group unless its value says otherwise.
    Otherwise labels sit mid-group and rows go to the nearest label.
    """
    runs: list[list[Row]] = []
    for row in rows:
        if runs and runs[-1][0].level1 == row.level1:
            runs[-1].append(row)
        else:
            runs.append([row])
    long_runs = [run for run in runs if len(run) >= 3]
    return all(run[0].label is not None for run in long_runs)


def assign(rows: list[Row]) -> list[tuple[str, str]]:
    """(level-2 code, basis) for each row; basis is one of
    "label", "group", "later-label", "kind", "order"."""
    if not rows:
        return []
    first = label_first(rows)
    early = EARLY if first else EARLY_MID
    label_at: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        if row.label is not None:
            label_at.setdefault(row.label, []).append(i)

    def cost(i: int, code: str) -> float:
        """Cost of an unlabelled row in a group of its own level-1 family."""
        row = rows[i]
        at = label_at.get(code)
        c = 0.0
        if not at:
            c += MISSING
        else:
            if at[0] > i:
                c += early
            k = bisect_left(at, i)  # label rows are in order: look at the neighbours only
            c += DISTANCE * min(abs(at[j] - i) for j in (k - 1, k) if 0 <= j < len(at))
        if row.money and code == "14":
            c -= MONEY_BONUS
        if row.date and code == "13":
            c -= DATE_BONUS
        return c

    n, k = len(rows), len(CODES)
    inf = float("inf")
    best = [[inf] * k for _ in range(n)]
    back = [[-1] * k for _ in range(n)]
    for i, row in enumerate(rows):
        if row.label is not None:
            options = [(_INDEX[row.label], 0.0)]
        else:
            options = [(s, cost(i, CODES[s])) for s in _FAMILY.get(row.level1, ())]
        if i == 0:
            for s, c in options:
                best[0][s] = c
            continue
        # prefix minimum over predecessors s' <= s keeps the order monotone
        prev, run_min, run_arg = best[i - 1], inf, -1
        prefix: list[tuple[float, int]] = []
        for s in range(k):
            if prev[s] < run_min:
                run_min, run_arg = prev[s], s
            prefix.append((run_min, run_arg))
        for s, c in options:
            m, arg = prefix[s]
            if m < inf:
                best[i][s] = m + c
                back[i][s] = arg
    end = min(range(k), key=lambda s: (best[n - 1][s], s))
    if best[n - 1][end] == inf:
        # Labels out of order (a source error): fall back to each row's own label or
        # the previous row's code, so nothing is lost.
        return _fallback(rows)
    path = [end]
    for i in range(n - 1, 0, -1):
        path.append(back[i][path[-1]])
    path.reverse()
    return [(CODES[s], _basis(rows, i, CODES[s], label_at)) for i, s in enumerate(path)]


def _basis(rows: list[Row], i: int, code: str, label_at: dict[str, list[int]]) -> str:
    row = rows[i]
    if row.label is not None:
        return "label"
    at = label_at.get(code)
    if at and min(at) < i:
        return "group"
    if (row.money and code == "14") or (row.date and code == "13"):
        return "kind"
    return "later-label" if at else "order"


def _fallback(rows: list[Row]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    current: str | None = None
    for row in rows:
        if row.label is not None:
            current = row.label
            out.append((current, "label"))
        elif current is not None and family(current) == row.level1:
            out.append((current, "group"))
        else:
            current = min(c for c in CODES if family(c) == row.level1)
            out.append((current, "order"))
    return out
