"""Carry-over (结转) markers in project names: one pattern, used by the reader and by
the project identities of ``iris``.

**The rule.** A marker is ``结转``, optionally preceded by the year the money comes from
(``2021年``, ``2021年度``) or ``上年``/``上年度`` and by ``资金``, optionally followed by
``资金``, optionally in brackets of either width, spaces allowed between the parts:
``(上年结转)``, ``（上年结转）``, ``2021年结转``, ``资金结转``, ``上年度结转资金``.

* A project whose name holds a marker **anywhere** is a carry-over project
  (``carryover_of``); the marker's year, else the year before the document's, is the
  year the money comes from. Without a marker, money in 结余结转资金 also makes one.
* A project's identity across years drops a marker only where it **ends** the name
  (``strip_trailing_marker``): ``就业补助资金(上年结转)`` is ``就业补助资金`` next year, while
  a marker inside a name is part of what tells two projects apart.
"""

from __future__ import annotations

import re

from .records import Amounts, Carryover

MARKER = re.compile(
    r"[(（]?\s*(?:(?P<year>\d{4})\s*年(?:度)?|上\s*年(?:度)?)?\s*(?:资金)?结转(?:资金)?\s*[)）]?"
)
_AT_END = re.compile(f"(?:{MARKER.pattern})$")


def carryover_of(name: str, amounts: Amounts, year: int | None) -> Carryover:
    """Whether a project carries money over, from which year, and the marker printed."""
    m = MARKER.search(name)
    funds = amounts.carryover is not None and amounts.carryover > 0
    if m is None:
        return Carryover(funds, (year - 1) if (funds and year) else None, None, funds)
    marker = m.group(0).strip("()（） ")
    from_year = int(m.group("year")) if m.group("year") else ((year - 1) if year else None)
    return Carryover(True, from_year, marker, funds)


def strip_trailing_marker(name: str) -> str:
    """The name without a marker that ends it; a name that is only a marker is kept."""
    stripped = _AT_END.sub("", name, count=1)
    return stripped or name
