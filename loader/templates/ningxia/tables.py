"""The Ningxia layout's reader: walks a grid's rows, cuts it into tables, reads each one.

Every non-blank row is accounted for (``Ledger``): part of a record, boilerplate, or
rejected with a reason. The labels come from ``layout``; the fund grid is ``funds``.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from ... import levels
from ...carryover import carryover_of
from ...grid import Grid
from ...orgs import resolve_org_names
from ...records import (
    Amounts,
    Attribute,
    Document,
    EmptyGroup,
    Indicator,
    LineEntry,
    Org,
    Project,
)
from ...targets import target as _target
from ...text import Row
from ...values import infer_bare_cost_unit, money_like, with_inferred_unit
from ...vocabulary import ATTRIBUTES, cost_level1_of, cost_level2_of, level1_of, level2_of

COST_2021 = "4"  # the level 1 of a row under the 2021 framework's 成本指标
from ..base import Ledger
from .funds import parse_fund_block
from .layout import (
    GOAL_LABEL,
    HEADER_PRINTED,
    TABLE_START,
    VALUE_COLUMN,
    boilerplate as _boilerplate,
    fund_label,
    header_label,
    is_indicator_header,
)

_new_tuple = tuple.__new__  # builds a NamedTuple without its Python-level __new__

_CODE_NAME = re.compile(r"^\s*(?P<code>\d{1,12})\s*[-－—–]\s*(?P<name>.*?)\s*$")


def read_grid(grid: Grid) -> Document:
    return _Reader(grid).run()


@dataclass
class _Table:
    start: int  # line number of 项目名称
    lines: list[tuple[int, Row]] = field(default_factory=list)  # () = blank line


class _Reader(Ledger):
    def __init__(self, grid: Grid) -> None:
        super().__init__(grid)
        self.years: Counter[int] = Counter()
        self.units: Counter[str] = Counter()

    # -- document level ------------------------------------------------------------

    def run(self) -> Document:
        tables: list[_Table] = []
        current: _Table | None = None
        for n, row, _where, skip in self.grid.rows:
            if not row:
                if current is not None:
                    current.lines.append((n, row))
                continue
            if skip is not None:  # the source knows it is no table content (a page footer)
                self.account(n, "boilerplate", skip)
                continue
            key = row[0].key if len(row) == 1 else ""
            bp = _boilerplate(key) if key else None
            if bp is not None:
                kind, groups = bp
                if "year" in groups:
                    self.years[int(groups["year"])] += 1
                if "unit" in groups:
                    self.units[groups["unit"]] += 1
                if kind == "synthetic" and self.doc.synthetic is None:
                    self.doc.synthetic = self.grid.text_of(n, row).strip()  # as printed (the key is folded)
                self.account(n, "boilerplate", kind)
                current = None  # a header block ends the previous table
                continue
            if row[0].key.startswith(TABLE_START):
                current = _Table(n)
                tables.append(current)
            if current is None:
                raw = self.grid.text_of(n, row).strip()
                self.account(n, "rejected", "text outside any table")
                self.problem("stray-text", f"text outside any table: {raw[:60]!r}", n, raw, "info")
                continue
            current.lines.append((n, row))

        if self.years:
            self.doc.year = self.years.most_common(1)[0][0]
            if len(self.years) > 1:
                self.problem("mixed-years", f"the document names several years: {sorted(self.years)}",
                             None, severity="warning")
        if self.units:
            self.doc.currency_unit = self.units.most_common(1)[0][0]
        if not tables:
            self.problem("no-tables", f"no table found (no {TABLE_START} line)", None)
        for seq, table in enumerate(tables, start=1):
            project = _TableReader(self, table, seq).run()
            if project is not None:
                self.doc.projects.append(project)
        resolve_org_names(self.doc.projects)
        return self.finish()


# -- one table -------------------------------------------------------------------


class _IndicatorRow(NamedTuple):  # one per indicator line: a tuple is cheapest to build
    line: int
    level1: str  # "1".."3", or "4": the 2021 framework's level-1 成本指标
    label: str | None
    label_text: str | None
    name: str
    value: str


class _TableReader:
    def __init__(self, reader: _Reader, table: _Table, seq: int) -> None:
        self.r = reader
        self.table = table
        self.seq = seq
        self.fields: dict[str, tuple[str, int]] = {}
        self.fund_rows: list[tuple[int, Row]] = []
        self.goal_parts: list[str] = []
        self.goal_line: int | None = None
        self.value_col: int | None = None
        self.rows: list[_IndicatorRow] = []

    def record(self, line: int, reason: str) -> None:
        self.r.account(line, "record", reason, self.seq)

    def reject(self, line: int, reason: str, text: str, severity: str = "warning") -> None:
        self.r.account(line, "rejected", reason, self.seq)
        self.r.problem("rejected-line", f"{reason}: {text[:60]!r}", line, text, severity)

    def run(self) -> Project | None:
        phase = "header"
        for n, row in self.table.lines:
            if not row:
                continue  # a page break inside the table
            if phase == "indicators":  # most rows: try the common case first
                if self._indicator_row(n, row):
                    continue
                if is_indicator_header([c.key for c in row]):  # repeated after a page break
                    self.record(n, "indicator header")
                elif len(row) == 1:  # a note such as 依据 printed between two tables
                    self.reject(n, "stray text after the table", _raw(row), "info")
                else:
                    self.reject(n, "unrecognized line in a table", _raw(row))
                continue
            phase = self._before_indicators(n, row, phase)
        return self._build()

    def _before_indicators(self, n: int, row: Row, phase: str) -> str:
        """Header rows, fund block and goal; returns the phase after this row."""
        key0 = row[0].key
        is_goal = key0.startswith(GOAL_LABEL)
        if phase in ("header", "funds") and not is_goal and self._header_row(n, row):
            return phase
        if phase in ("header", "funds") and _has_fund_label(row):
            self.fund_rows.append((n, row))
            self.record(n, "fund block")
            return "funds"
        if phase == "funds" and all(_is_number(c.key) for c in row):
            self.fund_rows.append((n, row))
            self.record(n, "fund block")
            return phase
        if phase in ("header", "funds") and is_goal:
            self.goal_line = n
            rest = _strip_label(row[0].text, GOAL_LABEL)
            self.goal_parts += [t for t in [rest] + [c.text for c in row[1:]] if t]
            self.record(n, "goal")
            return "goal"
        if is_indicator_header([c.key for c in row]):
            self.value_col = next((c.col for c in row if c.key == VALUE_COLUMN), None)
            self.record(n, "indicator header")
            return "indicators"
        if phase == "goal" and level1_of(key0) is None:
            self.goal_parts.append(_raw(row))
            self.record(n, "goal")
            return phase
        if phase in ("goal", "funds") and self._indicator_row(n, row):
            return "indicators"
        if phase == "funds":
            # e.g. a non-numeric amount on a row of its own: reported through the grid
            self.fund_rows.append((n, row))
            self.record(n, "fund block")
            return phase
        self.reject(n, "unrecognized line in a table", _raw(row))
        return phase

    # -- header rows -----------------------------------------------------------------

    def _header_row(self, n: int, row: Row) -> bool:
        found = False
        i = 0
        while i < len(row):
            hit = header_label(row[i].key)
            if hit is None:
                i += 1
                continue
            fld, _ = hit
            found = True
            inline = _strip_label(row[i].text, HEADER_PRINTED[fld])
            value = inline
            if not value and i + 1 < len(row) and header_label(row[i + 1].key) is None:
                value = row[i + 1].text
                i += 1
            if value and fld not in self.fields:
                self.fields[fld] = (value, n)
            i += 1
        if found:
            self.record(n, "header")
        return found

    # -- indicator rows --------------------------------------------------------------

    def _indicator_row(self, n: int, row: Row) -> bool:
        printed_l1 = l1 = level1_of(row[0].key)
        if l1 is None and cost_level1_of(row[0].key, row[1].key if len(row) > 1 else None):
            printed_l1 = l1 = COST_2021
        if l1 is not None:
            rest = row[1:]
        elif row[0].col > 0 and self.rows:
            l1, rest = self.rows[-1].level1, row  # level 1 left blank: the previous row's
        else:
            return False
        label = label_text = None
        if l1 == COST_2021:
            if rest and (code := cost_level2_of(rest[0].key)) is not None:
                label, label_text, rest = code, rest[0].text, rest[1:]
        elif rest and (code := level2_of(rest[0].key)) is not None:
            label, label_text, rest = code, rest[0].text, rest[1:]
            if printed_l1 is None:
                l1 = code[0]  # level 1 not printed: the label's family says it
        if len(rest) == 2:  # the common shape: name, value
            name, value = rest[0].text, rest[1].text
        else:
            name, value = self._name_value(rest)
        self.rows.append(_new_tuple(_IndicatorRow, (n, l1, label, label_text, name, value)))
        self.r.entries[n] = _new_tuple(LineEntry, (n, "record", "indicator" if (name or value) else "level-2 label",
                                                   self.seq, None))
        return True

    def _name_value(self, rest: Row) -> tuple[str, str]:
        if not rest:
            return "", ""
        if len(rest) == 1:
            only = rest[0]
            at_value = self.value_col is not None and only.col >= self.value_col
            t = _target(only.text)
            if at_value and t.kind in ("quantitative", "date", "multiple"):
                return "", only.text
            return only.text, ""
        # Extra cells between name and value are pieces of a name split by the PDF.
        return " ".join(c.text for c in rest[:-1]), rest[-1].text

    # -- the record ----------------------------------------------------------------

    def _build(self) -> Project | None:
        r = self.r
        name_field = self.fields.get("name")
        if name_field is None:
            r.problem("missing-project-name", "table without a project name", self.table.start)
            name = ""
        else:
            name = name_field[0]
        funds = parse_fund_block(self.fund_rows)
        for issue in funds.issues:
            r.problem(issue.code, f"{name}: {issue.message}", issue.line, issue.text, issue.severity)
        amounts = funds.amounts
        if not self.fund_rows:
            r.problem("missing-fund-block", f"{name}: table has no fund block (项目总额)", self.table.start)
        elif amounts.total is None:
            r.problem("missing-total", f"{name}: no project total (项目总额)", self.fund_rows[0][0])
        if not self.rows:
            r.problem("table-cut-off", f"{name}: table has no indicator rows (cut off?)",
                      self.table.lines[-1][0] if self.table.lines else self.table.start)

        year = r.doc.year
        indicators, empty = self._indicators(year, amounts, r.doc.currency_unit)
        end_line = next((n for n, row in reversed(self.table.lines) if row), self.table.start)
        goal = _clean_goal(" ".join(self.goal_parts)) if self.goal_parts else None
        return Project(
            seq=self.seq,
            line=self.table.start,
            end_line=end_line,
            name=name,
            department=self._org("department"),
            unit=self._org("unit"),
            attribute=self._attribute(),
            period=self.fields.get("period", (None, 0))[0],
            amounts=amounts,
            goal=goal,
            goal_line=self.goal_line,
            carryover=carryover_of(name, amounts, year),
            indicators=indicators,
            empty_groups=empty,
            locator=r.where(self.table.start),
        )

    def _org(self, fld: str) -> Org | None:
        got = self.fields.get(fld)
        if got is None:
            return None
        text, line = got
        m = _CODE_NAME.match(text)
        if not m or not m.group("name"):
            self.r.problem("org-without-code", f"{fld} is not 'code-name': {text!r}", line, text, "warning")
            return None
        return Org(m.group("code"), m.group("name"), m.group("name"))

    def _attribute(self) -> Attribute | None:
        got = self.fields.get("attribute")
        if got is None:
            return None
        text, line = got
        m = _CODE_NAME.match(text)
        if not m:
            self.r.problem("attribute-without-code", f"项目属性 is not 'code-label': {text!r}", line, text, "warning")
            return None
        code = m.group("code")
        label = ATTRIBUTES.get(code)
        if label is None:
            self.r.problem("unknown-attribute", f"unknown 项目属性 code {code!r}", line, text, "warning")
            label = m.group("name")
        return Attribute(code, label, text)

    def _indicators(self, year: int | None, amounts: Amounts, currency: str
                    ) -> tuple[list[Indicator], list[EmptyGroup]]:
        targets = [_target(row.value, year) for row in self.rows]
        # rows under the 2021 level-1 成本指标 are old level 2 成本指标 (level:14), each with
        # its 2021 level 2 (41-43: printed, or the group's); the others are placed by meaning
        fw2: dict[int, str | None] = {}
        group: str | None = None
        for k, row in enumerate(self.rows):
            if row.level1 == COST_2021:
                group = row.label or group
                fw2[k] = group
        lv_rows = [_new_tuple(levels.Row, (row.level1, row.label, money_like(t), t.kind == "date"))
                   for k, (row, t) in enumerate(zip(self.rows, targets)) if k not in fw2]
        placed = iter(levels.assign(lv_rows))
        decided = [("14", "label" if self.rows[k].label else "group") if k in fw2 else next(placed)
                   for k in range(len(self.rows))]
        # Bare numbers in cost rows: one unit for the whole table, by its total.
        bare = [i for i, (code, _) in enumerate(decided) if code == "14" and targets[i].is_bare_number]
        if bare:
            unit, why = infer_bare_cost_unit([targets[i].values[0] for i in bare], amounts.total, currency)
            for i in bare:
                targets[i] = with_inferred_unit(targets[i], unit)
            self.r.problem("inferred-unit", f"bare numbers in cost rows read as {unit}: {why}",
                           self.rows[bare[0]].line, None, "info")
        indicators: list[Indicator] = []
        where = self.r.where
        labelled: dict[str, _IndicatorRow] = {}
        used: set[str] = set()
        for k, (row, (code, basis), t) in enumerate(zip(self.rows, decided, targets)):
            level1 = code[0]
            if row.level1 != level1 and k not in fw2:
                self.r.problem("level1-conflict",
                               f"row says level 1 = {row.level1} but its label {row.label_text!r} is {code}",
                               row.line, row.label_text, "warning")
            if not (row.name or row.value):
                labelled.setdefault(code, row)
                continue
            used.add(code)
            indicators.append(Indicator(level1, code, row.name, row.value, row.line, t, basis, row.label_text,
                                        where(row.line), fw2.get(k, "4") if k in fw2 else None))
        empty = [EmptyGroup(code[0], code, row.line) for code, row in labelled.items() if code not in used]
        return indicators, empty


def _strip_label(text: str, label: str) -> str:
    """The printed text after a label at the start of a cell (spaces inside allowed)."""
    return _label_prefix(label).sub("", text, count=1).strip()


@lru_cache(maxsize=None)  # a handful of labels
def _label_prefix(label: str) -> re.Pattern[str]:
    return re.compile(r"^\s*" + r"\s*".join(map(re.escape, label)) + r"\s*[:：]?\s*")


def _has_fund_label(row: Row) -> bool:
    for c in row:  # (a loop: a generator in any() costs more than the lookups)
        if fund_label(c.key) is not None:
            return True
    return False


def _raw(row: Row) -> str:
    return "\t".join(c.text for c in row)


_NUMBER = re.compile(r"^-?\d[\d,]*(?:\.\d+)?$")


def _is_number(key: str) -> bool:
    return _NUMBER.match(key) is not None


def _clean_goal(text: str) -> str:
    # Remnants of the HTML editor the tables were typed into: <p>…</p>, &nbsp; …
    text = _TAG.sub(" ", text)
    return _SPACES.sub(" ", html.unescape(text)).strip()


_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")


