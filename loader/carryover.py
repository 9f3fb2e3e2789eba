"""Carry-over (结转) in project names: one pattern for the reader and for identities.

(Placeholder: unified in a following commit.)
"""

from __future__ import annotations

import re

from .records import Amounts, Carryover

_CARRYOVER = re.compile(r"[(（]?\s*(?:(?P<year>\d{4})\s*年|上\s*年(?:度)?)?\s*(?:资金)?结转\s*[)）]?")


def carryover_of(name: str, amounts: Amounts, year: int | None) -> Carryover:
    m = _CARRYOVER.search(name)
    funds = amounts.carryover is not None and amounts.carryover > 0
    if m is None:
        return Carryover(funds, (year - 1) if (funds and year) else None, None, funds)
    marker = m.group(0).strip("()（） ")
    from_year = int(m.group("year")) if m.group("year") else ((year - 1) if year else None)
    return Carryover(True, from_year, marker, funds)
