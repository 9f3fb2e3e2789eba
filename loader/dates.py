"""Dates and periods in target values: ``2022年12月中旬``, ``当年12月31日前``, ``年底前``,
``2022年1月至6月`` read as a closed interval of days and a comparator.

The cell-level rules are in docs/values.md ("Dates and periods"); ``values.normalize_target``
calls ``read_date`` on the folded cell before it looks for quantities.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class DateReading:
    """A cell read as a date: ``start..end`` (None when they cannot be known), how the
    target compares with it (``=``, ``<=``, ``>=`` or ``range``) and notes for the reader."""

    comparator: str
    start: date | None
    end: date | None
    notes: tuple[str, ...]


_REL_YEARS = {"当": 0, "本": 0, "今": 0, "次": 1, "明": 1, "下": 1, "上": -1, "去": -1}
_DATE = re.compile(
    r"(?:(?P<iy>[0-9]{4})(?P<isep>[-/]|\.(?=[0-9]{1,2}\.[0-9]))(?P<im>[0-9]{1,2})(?:(?P=isep)(?P<id>[0-9]{1,2}))?(?![0-9.])"
    r"|(?:(?:(?P<y>[0-9]{4})|(?P<rel>[当本今次明下上去]))年度?)?"
    r"(?:(?<![0-9个])(?P<m>[0-9]{1,2})月份?(?:(?P<d>[0-9]{1,2})[日号]|(?P<mp>上旬|中旬|下旬|初|中|底|末))?"
    r"|(?P<yp>年底|年末|年终|上半年|下半年|底|末|终|第?[1-4一二三四]季度)))"
    r"|(?:(?P<y2>[0-9]{4})|(?P<rel2>[当本今次明下上去]))年度?(?![0-9])"
)
# Every date _DATE can find (see _is_date) has 年, 月 or 季 in it, or is an ISO-like
# 2022-12 / 2022/12 / 2022.12.1 (the iy branch): most values (1570.84万元, 98%) have
# none, and this one scan is much cheaper than a pass of _DATE over the cell.
_MAYBE_DATE = re.compile(r"[年月季]|[0-9]{4}(?:[-/]|\.[0-9]{1,2}\.[0-9])")
_RANGE_SEP = re.compile(r"-|~|至|到")
_DIGIT = re.compile(r"[0-9]")
_QUARTERS = {"1": 1, "2": 2, "3": 3, "4": 4, "一": 1, "二": 2, "三": 3, "四": 4}
_BEFORE = ("之前", "以前", "前")
_AFTER = ("之后", "以后", "后", "起")
_UNTIL = ("截至", "截止", "至", "到")


def _last_day(y: int, m: int) -> int:
    return calendar.monthrange(y, m)[1]


def _period(m: re.Match[str], fiscal_year: int | None, inherit_year: int | None,
            notes: list[str]) -> tuple[int | None, date | None, date | None]:
    """(year, start, end) of one date expression; dates None when they cannot be known."""
    g = m.groupdict()
    year: int | None
    if g["iy"]:
        year, month, part = int(g["iy"]), int(g["im"]), None
        day = int(g["id"]) if g["id"] else None
    else:
        digits, rel = g["y"] or g["y2"], g["rel"] or g["rel2"]
        if digits:
            year = int(digits)
        elif rel:
            year = None if fiscal_year is None else fiscal_year + _REL_YEARS[rel]
            if year is None:
                notes.append(f"relative year ({rel}年) needs the fiscal year")
        elif g["yp"] or g["m"]:  # _is_date let through only periods of a year: 年底, 上半年, 第1季度
            year = inherit_year if inherit_year is not None else fiscal_year
            if year is None:
                notes.append("date without a year needs the fiscal year")
        else:
            return None, None, None
        month = int(g["m"]) if g["m"] else None
        day = int(g["d"]) if g["d"] else None
        part = g["mp"] or g["yp"]
    if year is None:
        return None, None, None
    try:
        if month is None:
            if part in ("底", "末", "终", "年底", "年末", "年终"):
                return year, date(year, 12, 31), date(year, 12, 31)
            if part == "上半年":
                return year, date(year, 1, 1), date(year, 6, 30)
            if part == "下半年":
                return year, date(year, 7, 1), date(year, 12, 31)
            if part and part.endswith("季度"):
                q = _QUARTERS[part.lstrip("第")[0]]
                return year, date(year, 3 * q - 2, 1), date(year, 3 * q, _last_day(year, 3 * q))
            return year, date(year, 1, 1), date(year, 12, 31)
        last = _last_day(year, month)
        if day:
            return year, date(year, month, day), date(year, month, day)
        first, end = {"上旬": (1, 10), "初": (1, 10), "中旬": (11, 20), "中": (11, 20),
                      "下旬": (21, last), "底": (last, last), "末": (last, last)}.get(part or "", (1, last))
        return year, date(year, month, first), date(year, month, end)
    except (ValueError, calendar.IllegalMonthError, OverflowError):
        notes.append("not a valid date")
        return year, None, None


def _is_date(m: re.Match[str]) -> bool:
    """A year, a month or a named period; a bare 底/末 (到底, 期末) is not a date."""
    iy, y, rel, y2, rel2, month, yp = m.group("iy", "y", "rel", "y2", "rel2", "m", "yp")
    return bool(iy or y or rel or y2 or rel2 or month or (yp and yp not in ("底", "末", "终")))


def read_date(body: str, printed: Callable[[int, int], str], fiscal_year: int | None, *,
              text_max: int, amount_unit: re.Pattern[str]) -> DateReading | None:
    """The date or period a whole folded cell ``body`` names, or None when it is not one.

    ``printed(start, end)`` quotes the printed text of a span of ``body`` (for notes). At
    most ``text_max`` characters of text may stand on either side of the date, with no
    other digit; a date followed by ``amount_unit`` is an amount (``2000-10元``), not one.
    """
    if _MAYBE_DATE.search(body) is None:
        return None
    m1 = next((m for m in _DATE.finditer(body) if _is_date(m)), None)
    if m1 is None:
        return None
    end = m1.end()
    m2 = None
    sep = _RANGE_SEP.match(body, end)
    if sep:
        cand = _DATE.match(body, sep.end())
        if cand and _is_date(cand):
            m2, end = cand, cand.end()
    prefix, suffix = body[: m1.start()], body[end:]
    if (_DIGIT.search(prefix) or _DIGIT.search(suffix) or len(prefix) > text_max or len(suffix) > text_max
            or amount_unit.match(suffix)):  # 2000-10元 is an amount, not October 2000
        return None
    notes: list[str] = []
    year, start, stop = _period(m1, fiscal_year, None, notes)
    comparator = "="
    if m2 is not None:
        _, _, stop = _period(m2, fiscal_year, year, notes)
        comparator = "range"
    word_before = next((w for w in _UNTIL if prefix.endswith(w)), None)
    word_after = next((w for w in _BEFORE + _AFTER if suffix.startswith(w)), None)
    if m2 is None and (word_before or word_after in _BEFORE):
        comparator = "<="
        fy_start = _safe_date(fiscal_year, 1, 1)
        start = fy_start if fy_start is not None and stop is not None and fy_start <= stop else None
    elif m2 is None and word_after in _AFTER:
        comparator = ">="
        fy_end = _safe_date(fiscal_year, 12, 31)
        stop = fy_end if fy_end is not None and start is not None and fy_end >= start else None
    rest_before = prefix[: len(prefix) - len(word_before)] if word_before else prefix
    rest_after = suffix[len(word_after):] if word_after else suffix
    if rest_before:
        notes.append(f"text before the date: {printed(0, len(rest_before))}")
    if rest_after:
        notes.append(f"text after the date: {printed(len(body) - len(rest_after), len(body))}")
    for m in (m1, m2):
        y = m and (m.group("iy") or m.group("y") or m.group("y2"))
        if y and fiscal_year is not None and int(y) != fiscal_year:
            notes.append(f"year {y} is not the fiscal year {fiscal_year}")
    return DateReading(comparator, start, stop, tuple(notes))


def _safe_date(year: int | None, month: int, day: int) -> date | None:
    if year is None:
        return None
    try:
        return date(year, month, day)
    except (ValueError, OverflowError):
        return None


__all__ = ["DateReading", "read_date"]
