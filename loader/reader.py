"""The table reader: a document's text -> ``Document`` of ``Project`` records.

Stages, each in its own module: ``text`` (decoding, cells, folding), ``vocabulary``
(labels of the template), ``funds`` (the fund grid), ``levels`` (level 2 by meaning),
``values`` (target values). This module walks the lines, cuts the document into
tables, and accounts for every non-blank line: part of a record, boilerplate, or
rejected with a reason.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from . import funds, levels, sources, vocabulary
from .grid import Grid
from .funds import parse_fund_block
from .gc_pause import gc_paused
from .records import (
    Amounts,
    Attribute,
    Carryover,
    Document,
    EmptyGroup,
    Indicator,
    LineEntry,
    Org,
    Problem,
    Project,
)
from .text import Row, UnreadableInput, cells, decode_bytes, fold, split_lines
from .values import Target, infer_bare_cost_unit, money_like, normalize_target, with_inferred_unit
from .vocabulary import (
    ATTRIBUTES,
    GOAL_LABEL,
    boilerplate,
    fund_label,
    header_label,
    level1_of,
    level2_of,
)

DEFAULT_CURRENCY = "万元"

_new_tuple = tuple.__new__  # builds a NamedTuple without its Python-level __new__

# Targets are immutable and the same values recur across rows and tables (1年, 100%, 长期),
# so each distinct printed value is normalized once per process. Only dates depend on
# the fiscal year (当年, 年底前), and whether a cell is a date does not (values.py reads the
# date's shape before it looks at the year): a value that is not a date is kept once for
# every year, a date once per year.
_ANY_YEAR: dict[str, Target] = {}
_IN_YEAR: dict[tuple[str, int | None], Target] = {}
_TARGETS_MAX = 1 << 16  # entries per dict; a full one is emptied (bounded memory)


def _target(text: str, fiscal_year: int | None = None) -> Target:
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


# Lines repeat: the header block before every table, fund labels, indicator headers, the
# same rows in many tables (a fifth to a third of the lines). Each distinct line is cut
# into cells once; rows are tuples, so sharing one between tables is safe. A full dict
# is emptied: 16k lines (~12 MB) keep most of the hits that 64k lines would.
_ROWS: dict[str, Row] = {}
_ROWS_MAX = 1 << 14


def _row(line: str) -> Row:
    row = _ROWS.get(line)
    if row is None:
        row = cells(line)
        if len(_ROWS) >= _ROWS_MAX:
            _ROWS.clear()
        _ROWS[line] = row
    return row


_CODE_NAME = re.compile(r"^\s*(?P<code>\d{1,12})\s*[-－—–]\s*(?P<name>.*?)\s*$")
_CARRYOVER = re.compile(r"[(（]?\s*(?:(?P<year>\d{4})\s*年|上\s*年(?:度)?)?\s*(?:资金)?结转\s*[)）]?")


def read_document(path: str | Path) -> Document:
    """Read one file. Never raises for bad content: problems go into the Document."""
    p = Path(path)
    data = p.read_bytes()  # I/O errors propagate: the CLI reports them
    return parse_bytes(data, source=str(path))


def parse_bytes(data: bytes, source: str = "<bytes>") -> Document:
    """Read a file's bytes, of any format ``loader.sources`` knows (decided by content).
    Raises ``sources.UnreadableFile`` (an OSError) for a damaged Word or Excel file."""
    fmt = sources.sniff(data)
    if fmt != "text":
        return parse_grid(sources.read_grid(data, source, fmt))
    sha = hashlib.sha256(data).hexdigest()
    try:
        text, encoding = decode_bytes(data)
    except UnreadableInput as exc:
        doc = Document(source=source, year=None, currency_unit=DEFAULT_CURRENCY, encoding="unknown", sha256=sha)
        doc.problems.append(Problem(exc.code, str(exc), source, None))
        return doc
    doc = _parse(text, source)
    doc.encoding = encoding
    doc.sha256 = sha
    return doc


def parse_text(text: str, source: str = "<text>") -> Document:
    """Parse decoded text (any newline style) into a Document."""
    doc = _parse(text.removeprefix("\ufeff"), source)  # a BOM the caller's decoding left
    doc.sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return doc


def parse_grid(grid: Grid) -> Document:
    """Read a source's rows of cells; records and problems carry each row's locator.

    (The rows go through the text reader as tab-separated lines, one per row, each cell at
    its column, so row numbers are line numbers.)"""
    lines = []
    for row in grid.rows:
        width = row.cells[-1].col + 1 if row.cells else 0
        slots = [""] * width
        for c in row.cells:
            slots[c.col] = _NO_BREAK.sub(" ", c.text)
        lines.append("\t".join(slots))
    reader = _Reader(grid.source, lines)
    with gc_paused():
        doc = reader.run()
    doc.encoding, doc.sha256, doc.format = grid.encoding, grid.sha256, grid.format
    doc.locators = {r.number: r.where() for r in grid.rows}
    found = [Problem(code, message, grid.source, line, None, severity)  # type: ignore[arg-type]
             for code, message, line, severity in grid.problems]
    doc.problems = [replace(p, locator=doc.locator(p.line)) if p.line else p for p in found + doc.problems]
    for p in doc.projects:
        p.locator = doc.locator(p.line)
        for i in p.indicators:
            i.locator = doc.locator(i.line)
    return doc


_NO_BREAK = re.compile(r"[\t\r\n]")


def _parse(text: str, source: str) -> Document:
    # (parse_bytes' decoding has removed the BOM: a U+FEFF still there is content)
    reader = _Reader(source, split_lines(text))
    with gc_paused():
        return reader.run()


@dataclass
class _Table:
    start: int  # line number of 项目名称
    lines: list[tuple[int, Row]] = field(default_factory=list)  # () = blank line


class _Reader:
    def __init__(self, source: str, lines: list[str]) -> None:
        self.source = source
        self.lines = lines
        self.doc = Document(source=source, year=None, currency_unit=DEFAULT_CURRENCY, encoding="utf-8")
        self.entries: dict[int, LineEntry] = {}
        self.years: Counter[int] = Counter()
        self.units: Counter[str] = Counter()

    # -- bookkeeping -------------------------------------------------------------

    def account(self, line: int, status: str, reason: str, seq: int | None = None) -> None:
        self.entries[line] = _new_tuple(LineEntry, (line, status, reason, seq))

    def problem(self, code: str, message: str, line: int | None, text: str | None = None,
                severity: str = "error") -> None:
        self.doc.problems.append(Problem(code, message, self.source, line, text, severity))  # type: ignore[arg-type]

    # -- document level ------------------------------------------------------------

    def run(self) -> Document:
        tables: list[_Table] = []
        current: _Table | None = None
        for n, raw in enumerate(self.lines, start=1):
            row = _ROWS.get(raw)  # (inline lookup first: a hit costs no call)
            if row is None:
                row = _row(raw)
            if not row:
                if current is not None:
                    current.lines.append((n, row))
                continue
            key = row[0].key if len(row) == 1 else ""
            bp = _boilerplate(key) if key else None
            if bp is not None:
                kind, groups = bp
                if "year" in groups:
                    self.years[int(groups["year"])] += 1
                if "unit" in groups:
                    self.units[groups["unit"]] += 1
                self.account(n, "boilerplate", kind)
                current = None  # a header block ends the previous table
                continue
            if row[0].key.startswith("项目名称"):
                current = _Table(n)
                tables.append(current)
            if current is None:
                self.account(n, "rejected", "text outside any table")
                self.problem("stray-text", f"text outside any table: {raw.strip()[:60]!r}", n,
                             raw.strip(), "info")
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
            self.problem("no-tables", "no table found (no 项目名称 line)", None)
        for seq, table in enumerate(tables, start=1):
            project = _TableReader(self, table, seq).run()
            if project is not None:
                self.doc.projects.append(project)
        _resolve_org_names(self.doc.projects)
        self.doc.lines = [self.entries[k] for k in sorted(self.entries)]
        return self.doc


# -- one table -------------------------------------------------------------------


class _IndicatorRow(NamedTuple):  # one per indicator line: a tuple is cheapest to build
    line: int
    level1: str
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
                if _is_indicator_header(row):  # repeated after a page break
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
        if _is_indicator_header(row):
            self.value_col = next((c.col for c in row if c.key == "指标值"), None)
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
            inline = _strip_label(row[i].text, _HEADER_PRINTED[fld])
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
        if l1 is not None:
            rest = row[1:]
        elif row[0].col > 0 and self.rows:
            l1, rest = self.rows[-1].level1, row  # level 1 left blank: the previous row's
        else:
            return False
        label = label_text = None
        if rest and (code := level2_of(rest[0].key)) is not None:
            label, label_text, rest = code, rest[0].text, rest[1:]
            if printed_l1 is None:
                l1 = code[0]  # level 1 not printed: the label's family says it
        if len(rest) == 2:  # the common shape: name, value
            name, value = rest[0].text, rest[1].text
        else:
            name, value = self._name_value(rest)
        self.rows.append(_new_tuple(_IndicatorRow, (n, l1, label, label_text, name, value)))
        self.r.entries[n] = _new_tuple(LineEntry, (n, "record", "indicator" if (name or value) else "level-2 label",
                                                   self.seq))
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
            carryover=_carryover(name, amounts, year),
            indicators=indicators,
            empty_groups=empty,
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
        lv_rows = [_new_tuple(levels.Row, (row.level1, row.label, money_like(t), t.kind == "date"))
                   for row, t in zip(self.rows, targets)]
        decided = levels.assign(lv_rows)
        # Bare numbers in cost rows: one unit for the whole table, by its total.
        bare = [i for i, (code, _) in enumerate(decided) if code == "14" and targets[i].is_bare_number]
        if bare:
            unit, why = infer_bare_cost_unit([targets[i].values[0] for i in bare], amounts.total, currency)
            for i in bare:
                targets[i] = with_inferred_unit(targets[i], unit)
            self.r.problem("inferred-unit", f"bare numbers in cost rows read as {unit}: {why}",
                           self.rows[bare[0]].line, None, "info")
        indicators: list[Indicator] = []
        labelled: dict[str, _IndicatorRow] = {}
        used: set[str] = set()
        for row, (code, basis), t in zip(self.rows, decided, targets):
            level1 = code[0]
            if row.level1 != level1:
                self.r.problem("level1-conflict",
                               f"row says level 1 = {row.level1} but its label {row.label_text!r} is {code}",
                               row.line, row.label_text, "warning")
            if not (row.name or row.value):
                labelled.setdefault(code, row)
                continue
            used.add(code)
            indicators.append(Indicator(level1, code, row.name, row.value, row.line, t, basis, row.label_text))
        empty = [EmptyGroup(code[0], code, row.line) for code, row in labelled.items() if code not in used]
        return indicators, empty


_HEADER_PRINTED = {"name": "项目名称", "department": "主管部门", "unit": "实施单位",
                   "attribute": "项目属性", "period": "项目期"}


def _strip_label(text: str, label: str) -> str:
    """The printed text after a label at the start of a cell (spaces inside allowed)."""
    return _label_prefix(label).sub("", text, count=1).strip()


@lru_cache(maxsize=None)  # a handful of labels
def _label_prefix(label: str) -> re.Pattern[str]:
    return re.compile(r"^\s*" + r"\s*".join(map(re.escape, label)) + r"\s*[:：]?\s*")


# Header-block lines (附件, the title, the year, the unit) repeat before every table; the
# reader only reads the result, so one shared answer per distinct text is safe.
_boilerplate = lru_cache(maxsize=1 << 12)(boilerplate)


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


def _is_indicator_header(row: Row) -> bool:
    keys = [c.key for c in row]
    return "一级指标" in keys[:2] and any(k in keys for k in ("二级指标", "三级指标"))


def _clean_goal(text: str) -> str:
    # Remnants of the HTML editor the tables were typed into: <p>…</p>, &nbsp; …
    text = _TAG.sub(" ", text)
    return _SPACES.sub(" ", html.unescape(text)).strip()


_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")


def _carryover(name: str, amounts: Amounts, year: int | None) -> Carryover:
    m = _CARRYOVER.search(name)
    funds = amounts.carryover is not None and amounts.carryover > 0
    if m is None:
        return Carryover(funds, (year - 1) if (funds and year) else None, None, funds)
    marker = m.group(0).strip("()（） ")
    from_year = int(m.group("year")) if m.group("year") else ((year - 1) if year else None)
    return Carryover(True, from_year, marker, funds)


def _resolve_org_names(projects: list[Project]) -> None:
    """Unit names cut off by the PDF column: take the longest printed form of the code."""
    printed: dict[str, list[str]] = {}
    for p in projects:
        for org in (p.department, p.unit):
            if org is not None:
                printed.setdefault(org.code, []).append(org.printed_name)
    full: dict[str, str] = {}
    for code, names in printed.items():
        longest = max(names, key=len)
        full[code] = longest if all(longest.startswith(n) for n in names) else Counter(names).most_common(1)[0][0]
    for p in projects:
        if p.department is not None:
            p.department = Org(p.department.code, full[p.department.code], p.department.printed_name)
        if p.unit is not None:
            name = full[p.unit.code] if full[p.unit.code].startswith(p.unit.printed_name) else p.unit.printed_name
            p.unit = Org(p.unit.code, name, p.unit.printed_name)


def clear_caches() -> None:
    """Forget every memoized result of the reader and its helpers (lines cut into cells,
    folded cells, labels, target values, amounts, level-2 shapes): for benchmarks of a
    first parse, and memory."""
    _ANY_YEAR.clear()
    _IN_YEAR.clear()
    _ROWS.clear()
    for cached in (_boilerplate, fold,
                   vocabulary.level1_of, vocabulary.level2_of, vocabulary.fund_label,
                   vocabulary.header_label, levels._assign, funds._number):
        cached.cache_clear()


__all__ = ["read_document", "parse_text", "parse_bytes", "parse_grid", "clear_caches"]
