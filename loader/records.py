"""Typed records: what the table reader produces and the RDF converter consumes.

The flow is one-way: text -> records (this module's types) -> RDF -> store -> HTTP.
Amounts are kept as ``Decimal`` in the document's currency unit (万元 unless the
header says otherwise); conversion to yuan happens where RDF is built.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, NamedTuple

from .grid import Locator
from .values import Target

Severity = Literal["error", "warning", "info"]
LineStatus = Literal["record", "boilerplate", "rejected"]

#: The nine fund fields of the template, in the order of the JSON output.
AMOUNT_FIELDS: tuple[str, ...] = (
    "total",
    "annual_total",
    "own_level_total",
    "transfer_total",
    "fiscal_appropriation",
    "other_funds",
    "carryover",
    "central_funds",
    "regional_funds",
)


@dataclass(frozen=True)
class Problem:
    """Something wrong or suspicious in the input, with its location."""

    code: str  # stable, machine-readable, e.g. "non-numeric-amount"
    message: str  # for people
    file: str
    line: int | None = None
    text: str | None = None
    severity: Severity = "error"
    #: where the row is printed, for sources other than text (``line`` is its number)
    locator: Locator | None = None

    def __str__(self) -> str:
        if self.locator is not None and self.locator.kind != "line":
            where = f"{self.file}:{self.locator}"
        else:
            where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.severity}: {self.message} [{self.code}]"

    def to_json(self) -> dict[str, Any]:
        d = {
            "code": self.code,
            "severity": self.severity,
            "file": self.file,
            "line": self.line,
            "message": self.message,
            "text": self.text,
        }
        return _with_locator(d, self.locator)


def _with_locator(d: dict[str, Any], locator: Locator | None) -> dict[str, Any]:
    """A ``"locator"`` key only where it says more than the line number (not for text)."""
    if locator is not None and locator.kind != "line":
        d["locator"] = locator.to_json()
    return d


class LineEntry(NamedTuple):  # one per input line: a tuple costs a fraction of a dataclass to build
    """How one non-blank input line was accounted for."""

    line: int
    status: LineStatus
    reason: str  # e.g. "indicator", "fund block", "title", "stray text between tables"
    project_seq: int | None = None
    locator: Locator | None = None  # None for text: the line is the row

    def to_json(self) -> dict[str, Any]:
        d = {
            "line": self.line,
            "status": self.status,
            "reason": self.reason,
            "project": self.project_seq,
        }
        return d if self.locator is None else _with_locator(d, self.locator)


@dataclass(frozen=True)
class Org:
    """A department (主管部门) or implementing unit (实施单位)."""

    code: str
    name: str  # resolved full name
    printed_name: str  # as printed in this table (may be cut off by the PDF)

    def to_json(self, *, with_printed: bool = True) -> dict[str, Any]:
        d: dict[str, Any] = {"code": self.code, "name": self.name}
        if with_printed:
            d["printed_name"] = self.printed_name
        return d


@dataclass(frozen=True)
class Attribute:
    """项目属性: 01, 0101, 0102, 02, 03 and their labels."""

    code: str
    label: str  # canonical label of the code
    printed: str  # as printed (may be truncated)

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "label": self.label, "printed": self.printed}


@dataclass
class Amounts:
    """Fund block of one table, in the document's currency unit; None = no figure."""

    total: Decimal | None = None
    annual_total: Decimal | None = None
    own_level_total: Decimal | None = None
    transfer_total: Decimal | None = None
    fiscal_appropriation: Decimal | None = None
    other_funds: Decimal | None = None
    carryover: Decimal | None = None
    central_funds: Decimal | None = None
    regional_funds: Decimal | None = None

    def items(self) -> list[tuple[str, Decimal | None]]:
        return [(f, getattr(self, f)) for f in AMOUNT_FIELDS]

    def to_json(self) -> dict[str, str | None]:
        return {f: (None if v is None else str(v)) for f, v in self.items()}


@dataclass(frozen=True)
class Carryover:
    """Whether a project carries money over from an earlier year, and why we think so."""

    is_carryover: bool
    from_year: int | None = None
    marker: str | None = None  # the text in the name, e.g. "上年结转", "2021年结转"
    has_carryover_funds: bool = False  # 结余结转资金 > 0

    def to_json(self) -> dict[str, Any]:
        return {
            "is_carryover": self.is_carryover,
            "from_year": self.from_year,
            "marker": self.marker,
            "has_carryover_funds": self.has_carryover_funds,
        }


@dataclass
class Indicator:
    """A level-3 indicator row with its level-1 and level-2 codes."""

    level1: str  # "1".."3"
    level2: str  # "11".."31"
    name: str
    value: str  # as printed
    line: int
    target: Target
    #: how level 2 was decided: "label" (printed on this row), "group" (an earlier
    #: label of the group), "later-label" (a label printed further down), "kind"
    #: (the value's kind decided between two groups), "order" (no label at all)
    level2_basis: str = "label"
    printed_level2: str | None = None  # the label as printed, when on this row
    locator: Locator | None = None  # None for text: ``line`` is the line

    def to_json(self) -> dict[str, Any]:
        return _with_locator({
            "level1": self.level1,
            "level2": self.level2,
            "name": self.name,
            "value": self.value,
            "line": self.line,
            "level2_basis": self.level2_basis,
            "printed_level2": self.printed_level2,
            "target": self.target.to_json(),
        }, self.locator)


@dataclass(frozen=True)
class EmptyGroup:
    """A level-2 row printed with neither indicator name nor value (a placeholder)."""

    level1: str
    level2: str
    line: int

    def to_json(self) -> dict[str, Any]:
        return {"level1": self.level1, "level2": self.level2, "line": self.line}


@dataclass
class Project:
    """One table: a project's budget and performance targets for one year."""

    seq: int  # 1-based position in the document
    line: int  # line of 项目名称
    end_line: int
    name: str
    department: Org | None
    unit: Org | None
    attribute: Attribute | None
    period: str | None
    amounts: Amounts
    goal: str | None
    goal_line: int | None
    carryover: Carryover
    indicators: list[Indicator] = field(default_factory=list)
    empty_groups: list[EmptyGroup] = field(default_factory=list)
    locator: Locator | None = None  # of the 项目名称 row; None for text

    def to_json(self) -> dict[str, Any]:
        return _with_locator({
            "seq": self.seq,
            "line": self.line,
            "end_line": self.end_line,
            "name": self.name,
            "department": None if self.department is None else self.department.to_json(with_printed=False),
            "unit": None if self.unit is None else self.unit.to_json(),
            "attribute": None if self.attribute is None else self.attribute.to_json(),
            "period": self.period,
            "amounts": self.amounts.to_json(),
            "goal": self.goal,
            "goal_line": self.goal_line,
            "carryover": self.carryover.to_json(),
            "indicators": [i.to_json() for i in self.indicators],
            "empty_groups": [g.to_json() for g in self.empty_groups],
        }, self.locator)


@dataclass
class Document:
    """One input file: its tables, the account of every line, and the problems found."""

    source: str  # path as given
    year: int | None
    currency_unit: str  # "万元" unless the header says otherwise
    encoding: str
    projects: list[Project] = field(default_factory=list)
    lines: list[LineEntry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    sha256: str = ""
    format: str = "text"  # the source that read the file (loader/sources): text, docx, xlsx, html…
    #: tables read by a layout-family template other than Ningxia (loader/templates)
    tables: list[FamilyTable] = field(default_factory=list)
    #: the header block's synthetic-data marker (合成数据（非真实数据）: …) as printed, when
    #: the document says it was generated, not published
    synthetic: str | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def to_json(self) -> dict[str, Any]:
        counts: dict[str, int] = {}
        for e in self.lines:
            counts[e.status] = counts.get(e.status, 0) + 1
        d = {
            "source": self.source,
            **({"format": self.format} if self.format != "text" else {}),
            "sha256": self.sha256,
            "encoding": self.encoding,
            "year": self.year,
            "currency_unit": self.currency_unit,
            "synthetic": self.synthetic,
            "line_report": {
                "counts": counts,
                "lines": [e.to_json() for e in self.lines if e.status != "record"],
            },
            "problems": [p.to_json() for p in self.problems],
            "projects": [p.to_json() for p in self.projects],
        }
        if self.tables:  # only where a family template read the file: Ningxia output unchanged
            d["families"] = sorted({t.family for t in self.tables})
            d["tables"] = [t.to_json() for t in self.tables]
        return d


# --- records of the other layout families (loader/templates) -----------------------


@dataclass(frozen=True)
class PrintedAmount:
    """One amount as printed: its label, the printed text, the value and the unit."""

    label: str  # as printed (fragments joined)
    printed: str  # "" when the cell is empty
    value: Decimal | None
    unit: str  # "元" or "万元"
    line: int
    column: str | None = None  # "project" / "annual" / "medium" where a form has two columns

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "label": self.label,
            "printed": self.printed,
            "value": None if self.value is None else str(self.value),
            "unit": self.unit,
            "line": self.line,
        }
        if self.column is not None:
            d["column"] = self.column
        return d


@dataclass
class TargetRow:
    """An indicator row of any family: levels and value as printed, extra columns kept."""

    l1: str
    l2: str
    l3: str
    value: str
    line: int
    l1_printed: bool = True  # False: level 1 given by meaning (not printed for this row)
    block: str | None = None  # "长期" / "年度" / "中期" where a form has two target blocks
    #: extra columns by role: score (分值), explanation (指标解释), standard (绩效标准),
    #: note (备注), weight (权重), direction (指标方向性), comparator, measure_unit
    extra: dict[str, str] = field(default_factory=dict)
    region_values: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {"l1": self.l1, "l2": self.l2, "l3": self.l3, "value": self.value, "line": self.line}
        if not self.l1_printed:
            d["l1_printed"] = False
        if self.block is not None:
            d["block"] = self.block
        if self.extra:
            d["extra"] = dict(self.extra)
        if self.region_values:
            d["region_values"] = dict(self.region_values)
        return d


@dataclass
class FamilyTable:
    """One table (one project) read by a layout-family template."""

    family: str
    framework: str  # "2021" (成本指标 at level 1), "old" (成本指标 under 产出), "" unknown
    line: int
    end_line: int
    name: str
    department: str | None = None
    department_code: str | None = None
    unit: str | None = None
    currency_unit: str = "万元"
    header_fields: dict[str, str] = field(default_factory=dict)
    #: personal contact fields (项目负责人, 联系电话): read, kept apart, never published as RDF
    contacts: dict[str, str] = field(default_factory=dict)
    amounts: list[PrintedAmount] = field(default_factory=list)
    goals: dict[str, str] = field(default_factory=dict)
    indicators: list[TargetRow] = field(default_factory=list)
    non_indicator_rows: list[tuple[str, int]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "family": self.family,
            "framework": self.framework,
            "line": self.line,
            "end_line": self.end_line,
            "name": self.name,
            "department": self.department,
            "department_code": self.department_code,
            "unit": self.unit,
            "currency_unit": self.currency_unit,
            "header_fields": dict(self.header_fields),
            **({"contacts": dict(self.contacts)} if self.contacts else {}),
            "amounts": [a.to_json() for a in self.amounts],
            "goals": dict(self.goals),
            "indicators": [i.to_json() for i in self.indicators],
            "non_indicator_rows": [{"label": l, "line": n} for l, n in self.non_indicator_rows],
        }


@dataclass
class FamilyDocument:
    """A file read by the layout-family templates: its tables and problems."""

    source: str
    encoding: str
    sha256: str = ""
    year: int | None = None
    tables: list[FamilyTable] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    lines: list[LineEntry] = field(default_factory=list)  # every non-blank row accounted

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def to_document(self) -> Document:
        """The common ``Document`` (its ``tables``), as every template returns."""
        units = {t.currency_unit for t in self.tables}
        return Document(
            source=self.source, year=self.year, currency_unit=units.pop() if len(units) == 1 else "万元",
            encoding=self.encoding, lines=list(self.lines), problems=list(self.problems), sha256=self.sha256,
            tables=list(self.tables),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "sha256": self.sha256,
            "encoding": self.encoding,
            "year": self.year,
            "families": sorted({t.family for t in self.tables}),
            "problems": [p.to_json() for p in self.problems],
            "tables": [t.to_json() for t in self.tables],
        }
