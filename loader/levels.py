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
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

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
_INF = float("inf")


class Row(NamedTuple):  # a tuple: hashed in C when a table's shape is looked up
    level1: str
    label: str | None  # level-2 code printed on this row, if any
    money: bool = False  # the value is an amount of money
    date: bool = False  # the value is a date or deadline


def label_first(rows: Sequence[Row]) -> bool:
    """Does this table print each group's label on the group's first row?

    True when every level-1 run of three or more rows opens with a label: then a row
    before a label belongs to the previous group unless its value says otherwise.
    Otherwise labels sit mid-group and rows go to the nearest label.
    """
    level1, length, opens_with_label = None, 0, True  # the current run of one level 1
    for row in rows:
        if length and row.level1 == level1:
            length += 1
            continue
        if length >= 3 and not opens_with_label:
            return False
        level1, length, opens_with_label = row.level1, 1, row.label is not None
    return not (length >= 3 and not opens_with_label)


def assign(rows: Sequence[Row]) -> list[tuple[str, str]]:
    """(level-2 code, basis) for each row; basis is one of
    "label", "group", "later-label", "kind", "order"."""
    return list(_assign(tuple(rows)))


# Tables of one template share their shapes (the same run of levels, labels and value
# kinds): a pure function of the rows, so each distinct shape is solved once.
@lru_cache(maxsize=1 << 12)
def _assign(rows: tuple[Row, ...]) -> tuple[tuple[str, str], ...]:
    if not rows:
        return ()
    first = label_first(rows)
    early = EARLY if first else EARLY_MID
    label_at: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        if row.label is not None:
            label_at.setdefault(row.label, []).append(i)

    # Each row's reachable states as (state, best cost) in increasing state order; the
    # best predecessor of state s is the first state s' <= s of least cost, which keeps
    # the order monotone (the same choice a prefix minimum over all nine states makes).
    n = len(rows)
    back: list[dict[int, int]] = [{} for _ in range(n)]
    prev: list[tuple[int, float]] = []
    # Per level-1 family, its groups with their label rows: looked up once per table,
    # not once per row and group.
    groups = {f: [(s, label_at.get(CODES[s]), CODES[s] == "14", CODES[s] == "13") for s in states]
              for f, states in _FAMILY.items()}
    for i, (level1, label, money, date) in enumerate(rows):
        if label is not None:
            options = [(_INDEX[label], 0.0)]
        else:
            # The cost of an unlabelled row in each group of its own level-1 family.
            options = []
            for s, at, cost_group, date_group in groups.get(level1, ()):
                if not at:
                    c = MISSING
                else:
                    k = bisect_left(at, i)  # label rows are in order: the neighbours only
                    if k == 0:  # every label of the group is below this row
                        c = early + DISTANCE * (at[0] - i)
                    elif k == len(at):
                        c = DISTANCE * (i - at[k - 1])
                    else:
                        c = DISTANCE * min(i - at[k - 1], at[k] - i)
                if money and cost_group:
                    c -= MONEY_BONUS
                if date and date_group:
                    c -= DATE_BONUS
                options.append((s, c))
        if i == 0:
            prev = options
            continue
        # Options and prev both go up in state, so one walk over prev gives every
        # option its prefix minimum (strict <: the first state of least cost wins).
        cur: list[tuple[int, float]] = []
        links = back[i]
        j, np_, m, arg = 0, len(prev), _INF, -1
        for s, c in options:
            while j < np_:
                s2, v = prev[j]
                if s2 > s:
                    break
                if v < m:
                    m, arg = v, s2
                j += 1
            if arg >= 0:
                cur.append((s, m + c))
                links[s] = arg
        prev = cur
    if not prev:
        # Labels out of order (a source error): fall back to each row's own label or
        # the previous row's code, so nothing is lost.
        return tuple(_fallback(list(rows)))
    end = min(prev, key=lambda sv: (sv[1], sv[0]))[0]
    path = [end]
    for i in range(n - 1, 0, -1):
        path.append(back[i][path[-1]])
    path.reverse()
    return tuple((CODES[s], _basis(rows, i, CODES[s], label_at)) for i, s in enumerate(path))


def _basis(rows: Sequence[Row], i: int, code: str, label_at: dict[str, list[int]]) -> str:
    row = rows[i]
    if row.label is not None:
        return "label"
    at = label_at.get(code)
    if at and at[0] < i:  # (label rows in order: at[0] is the first)
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
