"""What a document is planned as before it is printed: the quirk rates, the planned
tables and indicator rows, and the per-document random state every stage draws from."""

from __future__ import annotations

import random
from dataclasses import dataclass, field, fields

from .vocabulary import Vocab, shift_years

FAMILIES = 8  # fund-grid layout families of the seed, see ``render._fund_rows``


@dataclass(frozen=True)
class Quirks:
    """How often each quirk of the source occurs (probabilities; 0 switches one off)."""

    header_variants: float = 0.6  # 附件/附件1/none, padded cells, blank lines, ： vs :
    stray_lines: float = 0.05  # 依据 between tables
    fund_layouts: float = 0.55  # a fund-grid family other than the plain one
    drift: float = 0.35  # extra empty cells before values
    punctuation: float = 0.5  # （ vs (, ： vs :, spaces inside labels
    truncated_units: float = 0.3  # a unit name cut off (printed whole in another table)
    empty_unit_period: float = 0.8  # in the families that print them empty
    truncated_attribute: float = 0.05
    goal_html: float = 0.15
    goal_below: float = 0.04
    short_labels: float = 0.1  # 13-时效, 22-社会
    miscoded_labels: float = 0.05  # 1-服务对象满意度 for 31
    label_in_level3: float = 0.04  # per group
    name_in_level2: float = 0.02  # per row
    page_breaks: float = 0.5  # per table of 12 rows or more
    label_after_break: float = 0.5
    placeholders: float = 0.8  # 2-效益指标 ⇥ 23-生态效益 ⇥⇥
    label_on_empty_row: float = 0.03
    late_cost: float = 0.08
    bare_yuan: float = 0.1
    rich_values: float = 0.3  # comparators, dates, rates, several values in a cell
    carryover: float = 0.15
    duplicate_names: float = 1.0  # per document: two projects with one name

    @classmethod
    def none(cls) -> Quirks:
        return cls(**{f.name: 0.0 for f in fields(cls)})


@dataclass(eq=False)  # rows are compared by identity
class Row:
    """One printed indicator row (or a placeholder label row)."""

    level1: str
    code: str
    name: str = ""
    value: str = ""
    label: str | None = None
    shift: str = ""  # "", "label_l3", "name_l2", "right"
    placeholder: bool = False
    late: bool = False


BREAK = Row("", "")  # a page break between two rows


@dataclass
class Table:
    seq: int
    name: str
    unit: tuple[str, str] | None  # (code, full name); None = printed empty
    family: int
    attribute: str
    attr_printed: str
    period: str | None
    cents: dict[str, int]  # the amounts printed, in hundredths of 万元
    goal: str
    rows: list[Row]
    style: dict[str, str]
    header: list[str]
    unit_printed: str = ""
    pad: int = 0
    trail: int = 0


@dataclass
class Context:
    """One document's state shared by every stage: one random stream, drawn from in a fixed
    order (that order is what makes output byte-identical), and the quirks each table must
    show (``must[i]``, tokens such as "late_cost" or "family3")."""

    rng: random.Random
    q: Quirks
    voc: Vocab
    dept: int
    dept_name: str
    year: int
    topic: str
    must: list[set[str]] = field(default_factory=list)
    #: print the 2021 indicator framework: cost rows under level 1 成本指标 (41-经济成本指标)
    framework_2021: bool = False

    def on(self, i: int, quirk: str) -> bool:
        return quirk in self.must[i] or self.rng.random() < getattr(self.q, quirk)

    def shift(self, s: str) -> str:
        return shift_years(s, self.year - self.voc.seed_year, self.voc.seed_year)
