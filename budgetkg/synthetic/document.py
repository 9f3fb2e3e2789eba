"""One generated document: the answer-keyed ``SyntheticDocument`` and the builder that
plans a department's tables for one year and prints them one after another."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any

from .amounts import AMOUNT_FIELDS, amount_text
from .continuity import Content, Continuity, evolve
from .indicators import new_row
from .model import BREAK, FAMILIES, Context, Quirks, Table
from .render import render_table
from .tables import MARKERS, content_of, plan_table, present
from .vocabulary import ACTIVITIES, ATTRIBUTES, TOPICS, UNIT_KINDS, department_catalog, vocab

CURRENCY = "万元"
ENCODINGS: tuple[str, ...] = ("utf-8", "utf-8-sig", "gb18030")
# Size estimate used by ``generate_corpus(triples=…)``: the RDF converter writes about
# 13 triples per indicator (row node, links, target value parts) and 40 per table
# (project, organisations, attribute, nine amounts, goal, carry-over).
TRIPLES_PER_INDICATOR = 13
TRIPLES_PER_TABLE = 40
# Quirks forced into one table of each document (when on), so a document of the default
# size shows every one of them; elsewhere they occur at their rates.
_FORCED = ("stray_lines", "drift", "punctuation", "truncated_attribute", "goal_html", "goal_below",
           "short_labels", "miscoded_labels", "label_in_level3", "name_in_level2", "page_breaks",
           "label_after_break", "label_on_empty_row", "late_cost", "bare_yuan", "rich_values")


@dataclass(frozen=True)
class SyntheticDocument:
    """One generated document: its text (LF newlines) and its answer key.

    ``truth`` has the shape of the parser's JSON (``Project.to_json``), limited to what the
    generator knows: ``{"source", "year", "currency_unit", "projects": [{"seq", "name",
    "department": {"code", "name"}, "unit": {"code", "name", "printed_name"} | None,
    "attribute": {"code", "label", "printed"}, "period", "amounts": {nine fields, printed
    strings such as "73398.00" or None}, "goal", "carryover": {"is_carryover", "from_year"},
    "indicators": [{"level1", "level2", "name", "value"}]}]}``; placeholder rows such as
    ``2-效益指标 ⇥ 23-生态效益`` are not indicators.
    """

    text: str
    truth: dict[str, Any]
    department: int
    year: int
    #: what each table says, for the next year (``continue_document``)
    contents: tuple[Content, ...] = field(default=(), compare=False, repr=False)

    @property
    def file_name(self) -> str:
        return f"dept{self.department}_{self.year}.txt"

    @property
    def tables(self) -> int:
        return len(self.truth["projects"])

    @property
    def indicators(self) -> int:
        return sum(len(p["indicators"]) for p in self.truth["projects"])

    @property
    def triples_estimate(self) -> int:
        return TRIPLES_PER_TABLE * self.tables + TRIPLES_PER_INDICATOR * self.indicators

    def encode(self, encoding: str = "utf-8", newline: str = "\n") -> bytes:
        if encoding not in ENCODINGS:
            raise ValueError(f"unsupported encoding {encoding!r}; use one of {', '.join(ENCODINGS)}")
        if newline not in ("\n", "\r\n"):
            raise ValueError("newline must be '\\n' or '\\r\\n'")
        return self.text.replace("\n", newline).encode(encoding)


def generate_document(seed: int, *, department: int | None = None, year: int = 2022, tables: int = 37,
                      quirks: bool | Quirks = True) -> SyntheticDocument:
    """One department's tables for one year.

    ``department`` is a code of ``department_catalog()`` (a random one when None); the
    department's units and project names depend on (seed, department) only, so the same
    projects recur across years. ``quirks`` switches all quirks on (default rates), off, or
    sets each rate (a ``Quirks``).
    """
    if tables < 1:
        raise ValueError("tables must be at least 1")
    catalog = dict(department_catalog())
    if department is None:
        department = random.Random(f"budgetkg-dept:{seed}").choice(sorted(catalog))
    if department not in catalog:
        raise ValueError(f"unknown department code {department}; see department_catalog()")
    q = quirks if isinstance(quirks, Quirks) else (Quirks() if quirks else Quirks.none())
    return _DocumentBuilder(seed, department, catalog[department], year, tables, q).build()


def marker_line(how: str) -> str:
    """The header-block line that says a document is generated (the reader reports it as
    ``Document.synthetic``, RDF as ``bkg:synthetic true``)."""
    return f"合成数据（非真实数据）: {how}"


def continue_document(prev: SyntheticDocument, seed: int, *, year: int | None = None,
                      quirks: bool | Quirks = True, continuity: Continuity | None = None,
                      how: str | None = None, tables: int | None = None,
                      framework_2021: bool = False) -> SyntheticDocument:
    """The department's next year after ``prev`` (``prev.year + 1`` unless ``year``): most
    lines again with drifting totals, most indicators again with some targets changed,
    lines added and dropped, carry-over tables of kept lines, names drifting in
    punctuation (rates: ``Continuity``). The answer key gives each table's
    ``predecessor`` (its table in ``prev``) and ``continuity`` the counts. ``tables``
    caps the number of tables (a corpus' last document). ``framework_2021`` prints the
    cost rows in the 2021 indicator framework (level 1 成本指标, level 2 41-经济成本指标);
    the reader reads it (tests/test_next_year.py); it is off unless asked for."""
    if not prev.contents:
        raise ValueError("the previous document has no contents to continue")
    year = prev.year + 1 if year is None else year
    if year <= prev.year:
        raise ValueError(f"the next year must come after {prev.year}, got {year}")
    q = quirks if isinstance(quirks, Quirks) else (Quirks() if quirks else Quirks.none())
    dept, dept_name = prev.contents[0].dept
    units = sorted({c.unit for c in prev.contents if c.unit is not None})
    b = _DocumentBuilder(seed, dept, dept_name, year, len(prev.contents), q, units=units or None, forced=False)
    b.ctx.framework_2021 = framework_2021
    return b.follow(prev, continuity or Continuity(), how, tables)


class _DocumentBuilder:
    def __init__(self, seed: int, dept: int, dept_name: str, year: int, n: int, q: Quirks,
                 units: list[tuple[str, str]] | None = None, forced: bool = True) -> None:
        self.voc = vocab()
        self.seed = seed
        self.q, self.dept, self.dept_name, self.year, self.n = q, dept, dept_name, year, n
        self.topic = next((t for t, _ in TOPICS if t in dept_name), dept_name[-4:])
        cat = random.Random(f"budgetkg-catalog:{seed}:{dept}")  # shared by every year
        self.units = self._units(cat) if units is None else units
        self.pool = self._project_pool(cat)
        self.rng = random.Random(f"budgetkg-doc:{seed}:{dept}:{year}")
        self.must: list[set[str]] = [set() for _ in range(n)]
        self.ctx = Context(self.rng, q, self.voc, dept, dept_name, year, self.topic, self.must)
        if not forced:  # a continued year: quirks at their rates only
            return
        tokens = [t for t in _FORCED if getattr(q, t) > 0] + ["subunit"]  # a unit code like 303005001
        if q.carryover > 0:
            tokens += [f"carryover{k}" for k in range(len(MARKERS))]
        if q.punctuation > 0:
            tokens.append("punctuation_b")
        if q.fund_layouts > 0:
            tokens += [f"family{f}" for f in range(1, FAMILIES)]
        if q.header_variants > 0:
            tokens += ["header0", "header1", "header3"]
        slots = self.rng.sample(range(n), min(n, len(tokens)))
        for k, tok in enumerate(tokens):
            self.must[slots[k % len(slots)]].add(tok)
        self.ctx = Context(self.rng, q, self.voc, dept, dept_name, year, self.topic, self.must)

    # -- per department (same every year) ------------------------------------------

    def _units(self, cat: random.Random) -> list[tuple[str, str]]:
        base = str(self.dept)
        units = {f"{base}001": self.dept_name + "本级"}
        units.update({c: n for c, n in self.voc.units if c.startswith(base)})
        place = "自治区" if self.dept_name.startswith("自治区") else self.dept_name.split("市")[0] + "市"
        for num in sorted(cat.sample(range(2, 30), cat.randint(3, 6))):
            code = f"{base}{num:03d}"
            if code not in units:
                prefix = cat.choice(("宁夏回族自治区", "自治区")) if place == "自治区" else place
                units[code] = prefix + self.topic + UNIT_KINDS[(num + self.dept) % len(UNIT_KINDS)]
        if not any(len(c) == len(base) + 6 for c in units):
            parent = cat.choice(sorted(c for c in units if len(c) == 6 and not c.endswith("001")))
            units.setdefault(parent + "001", units[parent] + "本级")
        return sorted(units.items())

    def _project_pool(self, cat: random.Random) -> list[str]:
        names = [self.topic + a for a in ACTIVITIES]
        names += [re.sub(r"^(宁夏回族自治区|自治区|\S{2,3}市)", "", u) + cat.choice(ACTIVITIES) for _, u in self.units[1:]]
        seed_names = list(self.voc.projects)
        names += seed_names if self.dept == self.voc.department[0] else cat.sample(seed_names, len(seed_names) // 3)
        names = list(dict.fromkeys(names))
        cat.shuffle(names)
        return names

    # -- the document ---------------------------------------------------------------------

    def build(self) -> SyntheticDocument:
        r = self.rng
        names = self.pool[: self.n]
        spare = self.pool[self.n:]
        names = [spare.pop(r.randrange(len(spare))) if spare and r.random() < 0.2 else nm for nm in names]
        while len(names) < self.n:  # more tables than the department has projects
            name = f"{r.choice(self.pool)}（{r.choice(('一期', '二期', '三期', '续建', '新增'))}）"
            names.append(name if name not in names else f"{name[:-1]}{len(names)}）")
        tables = [plan_table(self.ctx, i, names[i], self.units) for i in range(self.n)]
        plain = [t for t in tables if "结转" not in t.name]
        if len(plain) >= 2 and r.random() < self.q.duplicate_names:
            a, b = r.sample(plain, 2)
            b.name = a.name  # two different projects, one printed name
        how = f"budgetkg generate, seed {self.seed}, department {self.dept}, {self.year}"
        return self._print(tables, how, {})

    def follow(self, prev: SyntheticDocument, c: Continuity, how: str | None,
               cap: int | None = None) -> SyntheticDocument:
        """The year after ``prev``: its contents evolved, printed afresh."""
        r = self.rng
        no_carry = Quirks(**{**self.q.__dict__, "carryover": 0.0})
        fresh = Context(r, no_carry, self.voc, self.dept, self.dept_name, self.year, self.topic, [set()])
        taken = {c_.name for c_ in prev.contents}
        spare = [n for n in self.pool if n not in taken] or list(self.pool)

        def new_line(k: int) -> Content:
            base = spare.pop(r.randrange(len(spare))) if spare else f"{r.choice(self.pool)}（新增{k + 1}）"
            t = plan_table(fresh, 0, base, self.units)
            return content_of(t, (self.dept, self.dept_name))

        def marker() -> str:
            gap = self.year - prev.year
            m = r.choice(MARKERS) if gap == 1 else MARKERS[2]
            return m.format(prev=prev.year)

        def add_row(code: str, used: set[str]) -> tuple[str, str]:
            return new_row(fresh, code, used)

        step = evolve(list(prev.contents), prev.year, self.year, r, c, new_line, marker, add_row)
        if cap is not None and cap < len(step.contents):
            step.contents[cap:] = []
        self.n = len(step.contents)
        self.must[:] = [set() for _ in range(self.n)]
        tables = [present(self.ctx, i, content) for i, content in enumerate(step.contents)]
        for t, content in zip(tables, step.contents):
            t.content = content
        how = how or f"budgetkg generate, seed {self.seed}, department {self.dept}, {self.year} continuing {prev.year}"
        counts = {k: sum(x.changes.get(k, 0) for x in step.contents)
                  for k in ("kept", "changed", "dropped", "added", "renamed", "carried")}
        extra = {"continuity": {
            "previous": {"source": prev.truth.get("source"), "year": prev.year, "tables": len(prev.contents)},
            "dropped_tables": step.dropped,
            "new_tables": [k + 1 for k, x in enumerate(step.contents) if x.predecessor is None],
            "indicators": {k: counts[k] for k in ("kept", "changed", "dropped", "added")},
            "renamed_tables": counts["renamed"],
            "carryover_tables": counts["carried"],
        }}
        return self._print(tables, how, extra)

    def _print(self, tables: list[Table], how: str, extra: dict[str, Any]) -> SyntheticDocument:
        self._truncate_units(tables)
        # A stray note (依据) sits between two tables: before table g for g in strays.
        strays = {min(i + 1, self.n - 1) for i in range(self.n) if self.ctx.on(i, "stray_lines")}
        marker = marker_line(how)
        lines: list[str] = [marker, "", ""]
        for i, t in enumerate(tables):
            if i:
                lines += ["", "依据", ""] if i in strays else [""]
            lines += t.header
            lines += render_table(self.ctx, t)
        truth = {
            "source": f"dept{self.dept}_{self.year}.txt",
            "year": self.year,
            "currency_unit": CURRENCY,
            "synthetic": marker,
            "projects": [self._truth(t) for t in tables],
            **extra,
        }
        contents = tuple(getattr(t, "content", None) or content_of(t, (self.dept, self.dept_name)) for t in tables)
        for k, (t, content) in enumerate(zip(tables, contents)):  # as printed: the truncation is printing
            truth["projects"][k]["predecessor"] = content.predecessor if extra else None
        return SyntheticDocument("\n".join(lines) + "\n", truth, self.dept, self.year, contents)

    def _truncate_units(self, tables: list[Table]) -> None:
        """Cut some unit names off, as the PDF column does, keeping each printed whole once."""
        by_code: dict[str, list[Table]] = {}
        for t in tables:
            t.unit_printed = t.unit[1] if t.unit else ""
            if t.unit is not None and len(t.unit[1]) >= 8:
                by_code.setdefault(t.unit[0], []).append(t)
        rate = self.q.truncated_units
        candidates: list[Table] = []
        for code in sorted(by_code):
            ts = by_code[code]
            if len(ts) < 2 or not rate:
                continue
            keep = self.rng.randrange(len(ts))
            candidates += [t for k, t in enumerate(ts) if k != keep]
        cut = [t for t in candidates if self.rng.random() < rate]
        if candidates and not cut:
            cut = [self.rng.choice(candidates)]
        for t in cut:
            full = t.unit[1]  # type: ignore[index]
            t.unit_printed = full[: self.rng.randint(max(5, len(full) - 7), len(full) - 2)]

    def _truth(self, t: Table) -> dict[str, Any]:
        carry_marker = re.search(r"(上年结转|(\d{4})年结转)", t.name)
        funds = t.cents.get("carryover", 0) > 0
        from_year = None
        if carry_marker:
            from_year = int(carry_marker.group(2)) if carry_marker.group(2) else self.year - 1
        elif funds:
            from_year = self.year - 1
        return {
            "seq": t.seq,
            "name": t.name,
            "department": {"code": str(self.dept), "name": self.dept_name},
            "unit": None if t.unit is None else {"code": t.unit[0], "name": t.unit[1],
                                                  "printed_name": t.unit_printed},
            "attribute": {"code": t.attribute, "label": ATTRIBUTES[t.attribute], "printed": t.attr_printed},
            "period": t.period,
            "amounts": {f: (amount_text(t.cents[f]) if f in t.cents else None) for f in AMOUNT_FIELDS},
            "goal": t.goal,
            "carryover": {"is_carryover": bool(carry_marker) or funds, "from_year": from_year},
            "indicators": [{"level1": row.level1, "level2": row.code, "name": row.name, "value": row.value}
                           for row in t.rows if row is not BREAK and not row.placeholder],
        }
