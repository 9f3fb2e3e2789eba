"""A department's next year from its last one: what a budget office keeps, changes, adds
and drops from one year's performance-target tables to the next.

Works on the *content* of tables (``Content``: name, unit, attribute, money, goal and
indicator groups), not on their printing: ``evolve`` turns one year's contents into the
next year's, and the printing (fund-grid family, label quirks, page breaks) is drawn
afresh by ``document``. Rates are in ``Continuity``; docs/synthetic.md says where they
come from.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from .vocabulary import shift_years

Groups = list[tuple[str, list[tuple[str, str]]]]  # [(level-2 code, [(name, value)])]


@dataclass(frozen=True)
class Continuity:
    """How one year follows the last (probabilities, per line, table or indicator row)."""

    keep_line: float = 0.88  # a line that is not a carry-over is budgeted again
    keep_carryover: float = 0.1  # a carry-over table is printed again (most are one-off)
    new_lines: float = 0.12  # new lines, as a share of last year's lines
    carry_forward: float = 0.15  # a kept line also gets a (上年结转) table
    same_total: float = 0.4  # a kept table's total is unchanged
    total_sigma: float = 0.15  # otherwise the total is multiplied by exp(N(0, σ))
    keep_indicator: float = 0.93  # an indicator row is kept
    change_target: float = 0.1  # a kept row (not a cost row) gets another target
    add_indicator: float = 0.05  # new rows, as a share of last year's rows
    rename: float = 0.08  # a kept line's name drifts in punctuation (（ for (, a space)


@dataclass
class Content:
    """What one table says, apart from how it is printed. Money in hundredths of 万元."""

    name: str
    dept: tuple[int, str]
    unit: tuple[str, str] | None
    attribute: str
    period: str | None
    cents: dict[str, int]
    goal: str
    groups: Groups
    carryover: bool = False  # a carry-over table (its name ends in a marker)
    #: (seq of the table it continues in the previous year, or None), set by ``evolve``
    predecessor: int | None = None
    changes: dict[str, int] = field(default_factory=dict)


@dataclass
class Step:
    """The next year's contents and what happened to last year's."""

    contents: list[Content]
    dropped: list[int]  # seqs (1-based) of last year's tables not continued


_PARENS = str.maketrans("()（）", "（）()")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_MONEY = re.compile(r"^(\d+(?:\.\d+)?)(万元|元)?$")
_PERCENTS = (80, 85, 90, 95, 96, 98, 99, 100)


def drift_name(name: str, r: random.Random) -> str:
    """The same name printed another way: brackets of the other width, or a space added or
    removed before a bracket. Same ``project_line_key``; the name itself when it has no
    bracket to change."""
    if not re.search(r"[()（）]", name):
        return name
    if r.random() < 0.6:
        return name.translate(_PARENS)
    if re.search(r" [(（]", name):
        return re.sub(r" ([(（])", r"\1", name, count=1)
    return re.sub(r"([^ ])([(（])", r"\1 \2", name, count=1)


def drift_cents(cents: dict[str, int], ratio: float) -> dict[str, int]:
    """Every amount scaled by ``ratio``; the template's sums stay sums where they were."""
    new = {k: max(1, round(v * ratio)) for k, v in cents.items()}
    for parent, parts in (("own_level_total", ("fiscal_appropriation", "other_funds", "carryover")),
                          ("transfer_total", ("central_funds", "regional_funds")),
                          ("total", ("own_level_total", "transfer_total"))):
        present = [p for p in parts if p in cents]
        if parent in cents and present and cents[parent] == sum(cents[p] for p in present):
            new[parent] = sum(new[p] for p in present)
    if "annual_total" in cents and cents["annual_total"] == cents.get("total"):
        new["annual_total"] = new["total"]
    return new


def _money(v: Decimal, unit: str) -> str:
    s = format(v.quantize(Decimal("0.01")), "f").rstrip("0").rstrip(".")
    return s + unit


def rescale_costs(rows: list[tuple[str, str]], old_total: int, new_total: int) -> list[tuple[str, str]]:
    """Cost rows that added up to the old total (万元, 元 or bare yuan), re-split in the
    same proportions to add up to the new one; other cost rows as they were."""
    parsed = [_MONEY.match(v) for _, v in rows]
    if not rows or old_total == new_total or not all(parsed):
        return rows
    units = {m.group(2) or "" for m in parsed if m}
    if len(units) != 1:
        return rows
    unit = units.pop()
    per_cent = {"万元": Decimal("0.01"), "元": Decimal(100), "": Decimal(100)}[unit]
    values = [Decimal(m.group(1)) for m in parsed if m]
    if sum(values) != old_total * per_cent or not sum(values):
        return rows
    target = new_total * per_cent
    step = Decimal(1) if unit == "" else Decimal("0.01")
    out = [(v * target / sum(values)).quantize(step) for v in values]
    out[-1] += target - sum(out)
    if out[-1] <= 0:
        return rows
    return [(n, _money(v, unit) if unit else format(v, "f")) for (n, _), v in zip(rows, out)]


def change_target(value: str, r: random.Random) -> str | None:
    """Another target of the same kind (95% for 90%, 5个 for 4个); None when the value has
    no number to change."""
    m = _NUMBER.search(value)
    if m is None:
        return None
    num = Decimal(m.group(0))
    if value[m.end():m.end() + 1] == "%" and num <= 100:
        new = str(r.choice([p for p in _PERCENTS if Decimal(p) != num]))
    else:
        factor = Decimal(r.choice(("0.8", "0.9", "1.1", "1.2", "1.5", "2")))
        scaled = num * factor
        new = str(max(1, int(scaled))) if "." not in m.group(0) else format(scaled.quantize(Decimal("0.1")), "f")
        if Decimal(new) == num:
            new = str(int(num) + 1) if "." not in m.group(0) else format(num + 1, "f")
    return value[:m.start()] + new + value[m.end():]


def _shift(s: str, prev_year: int, year: int) -> str:
    return shift_years(s, year - prev_year, prev_year)


def evolve(last: list[Content], prev_year: int, year: int, r: random.Random, c: Continuity,
           new_line: Callable[[int], Content], marker: Callable[[], str],
           new_row: Callable[[str, set[str]], tuple[str, str]]) -> Step:
    """Next year's contents from last year's.

    ``new_line(k)`` makes the content of a new line (k: its position among the new ones);
    ``marker()`` draws a carry-over suffix for a name (（上年结转） …); ``new_row(code,
    used)`` an indicator row of group ``code`` whose name is not in ``used``. Years printed near
    ``prev_year`` in names, goals and values move on with the year, as real tables' do.
    """
    out: list[Content] = []
    dropped: list[int] = []
    for seq, old in enumerate(last, 1):
        keep = r.random() < (c.keep_carryover if old.carryover else c.keep_line)
        if not keep:
            dropped.append(seq)
            continue
        nxt = _continue(old, prev_year, year, r, c, new_row)
        nxt.predecessor = seq
        out.append(nxt)
        if not old.carryover and r.random() < c.carry_forward:
            out.append(_carried(old, nxt, seq, r, marker()))
    n_new = _binomial(r, len(last), c.new_lines)
    for k in range(n_new):
        out.insert(r.randint(0, len(out)), new_line(k))
    return Step(out, dropped)


def _binomial(r: random.Random, n: int, p: float) -> int:
    return sum(r.random() < p for _ in range(n))


def _continue(old: Content, prev_year: int, year: int, r: random.Random, c: Continuity,
              new_row: Callable[[str, set[str]], tuple[str, str]]) -> Content:
    changes = {"kept": 0, "changed": 0, "dropped": 0, "added": 0, "renamed": 0}
    name = _shift(old.name, prev_year, year)
    if r.random() < c.rename:
        drifted = drift_name(name, r)
        changes["renamed"] = int(drifted != name)
        name = drifted
    total = old.cents["total"]
    ratio = 1.0 if r.random() < c.same_total else math.exp(r.gauss(0, c.total_sigma))
    cents = drift_cents(old.cents, ratio) if ratio != 1.0 else dict(old.cents)
    groups: Groups = []
    for code, rows in old.groups:
        new_rows: list[tuple[str, str]] = []
        for n, v in rows:
            if code != "14" and r.random() >= c.keep_indicator:
                changes["dropped"] += 1
                continue
            n, v = _shift(n, prev_year, year), _shift(v, prev_year, year)
            if code != "14" and r.random() < c.change_target and (nv := change_target(v, r)) is not None:
                v = nv
                changes["changed"] += 1
            changes["kept"] += 1
            new_rows.append((n, v))
        if code == "14":
            new_rows = rescale_costs(new_rows, total, cents["total"])
        groups.append((code, new_rows))
    open_codes = [k for k, (code, _) in enumerate(groups) if code != "14"]
    used = {n for _, rows in groups for n, _ in rows}
    for _ in range(_binomial(r, sum(len(rows) for _, rows in old.groups), c.add_indicator) if open_codes else 0):
        k = r.choice(open_codes)
        groups[k][1].append(new_row(groups[k][0], used))
        changes["added"] += 1
    return replace(old, name=name, cents=cents, goal=_shift(old.goal, prev_year, year), groups=groups,
                   changes=changes)


def _carried(old: Content, nxt: Content, seq: int, r: random.Random, marker: str) -> Content:
    """A carry-over table of a kept line: money left over from last year's budget of it."""
    carried = max(1, round(old.cents["total"] * r.uniform(0.05, 0.4)))
    cents = {"total": carried, "own_level_total": carried, "carryover": carried}
    if "annual_total" in old.cents:
        cents["annual_total"] = carried
    groups: Groups = [(code, rows if code != "14" else rescale_costs(rows, nxt.cents["total"], carried))
                      for code, rows in nxt.groups]
    return replace(nxt, name=nxt.name + marker, cents=cents, groups=groups, carryover=True, predecessor=seq,
                   changes={"carried": 1})
