"""Spreadsheet values shown as the sheet shows them: a number with its display format.

An amount stored as the number 73398 with the format ``0.00`` is printed ``73398.00``;
the template reads printed text, so it is given that. Covered: decimals (``0.00``),
thousands separators (``#,##0.00``), percentages, literal text (``0.00"万元"``), the
first section of a multi-section format, ``General``, and dates (ISO, or 年月日 when the
format is Chinese).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

_BRACKETS = re.compile(r"\[[^\]]*\]")


def show(value, fmt: str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return show_date(value, fmt)
    if isinstance(value, (int, float, Decimal)):
        return show_number(value, fmt or "General")
    return str(value)


def show_date(value, fmt: str | None) -> str:
    chinese = fmt is not None and "年" in fmt
    if isinstance(value, dt.datetime) and (value.hour or value.minute or value.second):
        return value.isoformat(" ", "seconds")
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日" if chinese else value.isoformat()
    return value.isoformat("seconds")


def show_number(value, fmt: str) -> str:
    sections = fmt.split(";")
    section = sections[0]
    if len(sections) > 1 and value < 0:  # the negative section prints its own sign
        section, value = sections[1], -value
    if section.strip().lower() in ("general", "@", ""):
        return _general(value)
    tokens = _tokens(_BRACKETS.sub("", section))
    places_at = [i for i, (ch, lit) in enumerate(tokens) if not lit and ch in "0#?"]
    if not places_at:
        return _general(value)
    first, last = places_at[0], places_at[-1]
    number = "".join(ch for ch, lit in tokens[first:last + 1] if not lit)
    prefix = _shown(tokens[:first])
    suffix = _shown(tokens[last + 1:])
    percent = any(ch == "%" and not lit for ch, lit in tokens)
    d = Decimal(str(value)) * (100 if percent else 1)
    places = len(re.sub(r"[^0#?]", "", number.split(".", 1)[1])) if "." in number else 0
    q = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{abs(q):,.{places}f}" if "," in number else f"{abs(q):.{places}f}"
    return (("-" if q < 0 else "") + prefix + text + suffix).strip()


def _tokens(section: str) -> list[tuple[str, bool]]:
    """The format's characters, each marked literal (quoted or escaped) or not."""
    out: list[tuple[str, bool]] = []
    i = 0
    while i < len(section):
        ch = section[i]
        if ch == '"':
            j = section.find('"', i + 1)
            j = len(section) if j < 0 else j
            out += [(c, True) for c in section[i + 1:j]]
            i = j + 1
        elif ch == "\\" and i + 1 < len(section):
            out.append((section[i + 1], True))
            i += 2
        elif ch in "_*":  # padding: the next character is a width, not text
            i += 2
        else:
            out.append((ch, False))
            i += 1
    return out


def _shown(tokens: list[tuple[str, bool]]) -> str:
    return "".join(ch for ch, lit in tokens if lit or ch != " ")


def _general(value) -> str:
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".15g")
    return str(value)
