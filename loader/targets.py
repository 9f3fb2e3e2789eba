"""Target values memoized across tables and documents (shared by every template).

Targets are immutable and the same values recur across rows and tables (1年, 100%, 长期),
so each distinct printed value is normalized once per process. Only dates depend on the
fiscal year (当年, 年底前), and whether a cell is a date does not (values.py reads the
date's shape before it looks at the year): a value that is not a date is kept once for
every year, a date once per year.
"""

from __future__ import annotations

from .values import Target, normalize_target

_ANY_YEAR: dict[str, Target] = {}
_IN_YEAR: dict[tuple[str, int | None], Target] = {}
_TARGETS_MAX = 1 << 16  # entries per dict; a full one is emptied (bounded memory)


def target(text: str, fiscal_year: int | None = None) -> Target:
    """``values.normalize_target(text, fiscal_year=…)``, memoized."""
    t = _ANY_YEAR.get(text)
    if t is not None:
        return t
    t = _IN_YEAR.get((text, fiscal_year))
    if t is not None:
        return t
    t = normalize_target(text, fiscal_year=fiscal_year)
    memo: dict = _IN_YEAR if t.kind == "date" else _ANY_YEAR
    if len(memo) >= _TARGETS_MAX:
        memo.clear()
    memo[(text, fiscal_year) if t.kind == "date" else text] = t
    return t


def clear_caches() -> None:
    _ANY_YEAR.clear()
    _IN_YEAR.clear()
