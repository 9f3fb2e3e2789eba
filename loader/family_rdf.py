"""Tables of the other layout families (``FamilyTable``) -> RDF, in the Ningxia model.

Each table becomes a ``bkg:ProjectYear`` of a ``bkg:ProjectLine`` with the IRIs and
classes of the Ningxia reader's tables, so every library query sees it; what only the
families print is added beside it:

- every printed amount as a ``bkg:PrintedAmount`` (label, printed text, value in the
  document's currency, value in yuan, column); the amounts whose label says which fund
  source they are (总额 / 年度 / 财政 / 其他) are also ``bkg:FundAmount``s, as Ningxia's;
- indicators with both frameworks' levels (``loader/frameworks.py``: a 2021 cost row is
  ``level:14`` like an old one, with ``bkg:frameworkLevel1 fw:4``), the extra columns,
  the block (长期/年度, 中期/年度) and per-region targets;
- goals by kind and the header fields as printed. Personal contact fields (项目负责人,
  联系电话) only when the ``publish_contacts`` setting says so.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import ORG, PROV, QB, RDF, RDFS, SKOS, VOID

from . import iris
from .frameworks import levels_of
from .namespaces import BKG, CUR, QUDT
from .rdf_units import CURRENCY_UNITS, ConversionError
from .records import FamilyTable, PrintedAmount, TargetRow
from .text import fold
from .values import normalize_target

#: extra indicator columns (``TargetRow.extra`` roles) -> property
EXTRA_PROPERTIES: dict[str, URIRef] = {
    "score": BKG.score,  # 分值
    "explanation": BKG.explanation,  # 指标解释
    "standard": BKG.standard,  # 绩效标准
    "weight": BKG.weight,  # 权重
    "direction": BKG.direction,  # 指标方向性
    "note": BKG.remark,  # 备注
    "comparator": BKG.printedComparator,  # 运算符号 column
    "measure_unit": BKG.printedMeasureUnit,  # 计量单位 column
}

_ORG_CODE = re.compile(r"^\[?(?P<code>[0-9]{3,})\]?\s*[-—_\s]\s*(?P<name>\S.*)$")


def split_org(name: str | None, code: str | None = None) -> tuple[str | None, str | None]:
    """(code, name) of an organisation printed as ``820-马踏镇部门`` or with its own code."""
    if not name:
        return code, None
    m = _ORG_CODE.match(name.strip())
    if m and code is None:
        return m.group("code"), m.group("name").strip()
    return code, name.strip()


def org_key(name: str) -> str:
    """The key of an organisation's IRI: a digest of its folded name.

    Not its code, even where printed: the same department prints its code in one layout
    and not in another (a 申报表 and the next year's 目标表), and its project lines must
    meet across the change of layout. The code is kept as ``skos:notation``."""
    return "n" + iris.short_hash(fold(name))


_OTHER = ("其他资金", "其它资金")


def fund_sources(amounts: list[PrintedAmount]) -> dict[str, PrintedAmount]:
    """The fund-source fields the printed labels name, each from its first amount.

    总额/总预算/预算数 of the project (column or words) -> total, of the year -> annual
    total; 其中 财政 -> fiscal appropriation (the year's column first); 其他/其它资金 ->
    other funds. A table that prints only the year's total has it as its total too."""
    out: dict[str, PrintedAmount] = {}
    for a in amounts:
        if a.value is None:
            continue
        k = fold(a.label)
        annual = a.column == "annual" or any(w in k for w in ("年度", "当年", "本年"))
        if not k.startswith("其中") and any(w in k for w in ("总额", "总预算", "预算数", "预算金额", "年度预算", "总计", "合计")):
            out.setdefault("annual_total" if annual else "total", a)
        elif "财政" in k and a.column in (None, "annual"):
            out.setdefault("fiscal_appropriation", a)
        elif any(w in k for w in _OTHER) and a.column in (None, "annual"):
            out.setdefault("other_funds", a)
    for field_name, words in (("fiscal_appropriation", ("财政",)), ("other_funds", _OTHER)):
        if field_name not in out:  # printed in the project column only
            first = next((a for a in amounts if a.value is not None and any(w in fold(a.label) for w in words)), None)
            if first is not None:
                out[field_name] = first
    if "total" not in out and "annual_total" in out:
        out["total"] = out["annual_total"]
    return out


def add_tables(b: Any, *, publish_contacts: bool = False) -> None:
    """The triples of the document's family tables, after its Ningxia tables. ``b`` is
    ``rdf._Builder`` (its ``add`` and term caches), not imported: rdf imports this module."""
    tables = b.doc.tables
    lines: dict[URIRef, list[int]] = {}
    keyed: list[tuple[FamilyTable, URIRef, str, str, str | None]] = []
    for t in tables:
        dcode, dname = split_org(t.department, t.department_code)
        dname = dname or "（未印主管部门）"
        dkey = org_key(dname)
        line = iris.project_line_iri(b.base, dkey, t.name or "（未印项目名称）")
        lines.setdefault(line, []).append(len(keyed))
        keyed.append((t, line, dkey, dname, dcode))
    offset = len(b.doc.projects)
    for k, (t, line, dkey, dname, dcode) in enumerate(keyed):
        seq = offset + k + 1
        first = lines[line][0] == k
        py = iris.project_year_iri(line, b.year, None if first else seq)
        _table(b, t, py, line, seq, (dkey, dname, dcode), publish_contacts)


def _table(b: Any, t: FamilyTable, py: URIRef, line: URIRef, seq: int,
           department: tuple[str, str, str | None], publish_contacts: bool) -> None:
    add, lit = b.add, b._lit
    dkey, dname, dcode = department
    name = t.name or "（未印项目名称）"
    line_key = iris.project_line_key(name)
    add((line, RDF.type, BKG.ProjectLine))
    add((line, BKG.normalizedName, lit(line_key)))
    add((line, RDFS.label, b._zh(line_key)))
    dept = b._department(dkey)
    add((line, BKG.department, dept))
    add((dept, RDF.type, BKG.Department))
    add((dept, ORG.identifier, lit(dkey)))
    add((dept, RDFS.label, b._zh(dname)))
    if dcode:
        add((dept, SKOS.notation, lit(dcode)))

    add((py, RDF.type, BKG.ProjectYear))
    add((py, RDFS.label, b._zh(name)))
    add((py, BKG.printedName, lit(name)))
    add((py, BKG.projectLine, line))
    add((py, BKG.department, dept))
    add((py, BKG.fiscalYear, b._year(b.year)))
    add((py, BKG.sequence, b._int(seq)))
    add((py, PROV.wasDerivedFrom, b.doc_iri))
    add((py, BKG.sourceLine, b._int(t.line)))
    add((py, BKG.endLine, b._int(max(t.end_line, t.line))))
    add((py, VOID.inDataset, b.dataset))
    add((py, BKG.isCarryover, lit(False)))
    add((py, BKG.layoutFamily, lit(t.family)))
    if t.framework:
        add((py, BKG.indicatorFramework, lit(t.framework)))
    ucode, uname = split_org(t.unit)
    if uname:
        if fold(uname) == fold(dname):
            add((py, BKG.implementingUnit, dept))
        else:
            ukey = org_key(uname)
            unit = b._unit(ukey)
            add((py, BKG.implementingUnit, unit))
            add((unit, RDF.type, BKG.ImplementingUnit))
            add((unit, ORG.identifier, lit(ukey)))
            add((unit, RDFS.label, b._zh(uname)))
            add((unit, ORG.subOrganizationOf, dept))
            if ucode:
                add((unit, SKOS.notation, lit(ucode)))
    for n, (kind, text) in enumerate(t.goals.items(), start=1):
        g = URIRef(f"{py}/goal/{n}")
        add((py, BKG.hasGoal, g))
        add((g, RDF.type, BKG.Goal))
        add((g, BKG.goalKind, lit(kind)))
        add((g, RDF.value, b._zh(text)))
    fields = list(t.header_fields.items())
    contacts = list(t.contacts.items()) if publish_contacts else []
    for n, (label, text) in enumerate(fields + contacts, start=1):
        h = URIRef(f"{py}/field/{n}")
        add((py, BKG.hasHeaderField, h))
        add((h, RDF.type, BKG.HeaderField))
        add((h, RDFS.label, lit(label)))
        add((h, RDF.value, lit(text)))
        if n > len(fields):
            add((h, BKG.personalContact, lit(True)))
    _amounts(b, t, py)
    for n, row in enumerate(t.indicators, start=1):
        _indicator(b, py, n, row)


def _amounts(b: Any, t: FamilyTable, py: URIRef) -> None:
    add, lit = b.add, b._lit
    for n, a in enumerate(t.amounts, start=1):
        unit = CURRENCY_UNITS.get(a.unit or t.currency_unit)
        if unit is None:
            raise ConversionError(f"{b.doc.source}:{a.line}: unknown currency unit {a.unit!r}")
        node = URIRef(f"{py}/printed-amount/{n}")
        add((py, BKG.hasPrintedAmount, node))
        add((node, RDF.type, BKG.PrintedAmount))
        add((node, RDFS.label, lit(a.label)))
        add((node, BKG.printedText, lit(a.printed)))
        add((node, BKG.position, b._int(n)))
        add((node, BKG.sourceLine, b._int(a.line)))
        add((node, BKG.printedUnit, unit[1]))
        if a.column:
            add((node, BKG.amountColumn, lit(a.column)))
        if a.value is not None:
            add((node, BKG.printedAmount, b._dec(a.value)))
            add((node, BKG.amount, b._dec(a.value * unit[0])))
            add((node, QUDT.unit, CUR.CNY))
    for field_name, a in fund_sources(t.amounts).items():
        factor, printed_unit = CURRENCY_UNITS[a.unit or t.currency_unit]
        f = iris.amount_iri(py, field_name)
        add((f, RDF.type, BKG.FundAmount))
        add((f, RDF.type, QB.Observation))
        add((f, QB.dataSet, b.dataset))
        add((f, BKG.projectYear, py))
        add((f, BKG.fiscalYear, b._year(b.year)))
        add((f, BKG.fundSource, b.fund[field_name.replace("_", "-")]))
        add((f, BKG.amount, b._dec(a.value * factor)))  # type: ignore[operator]
        add((f, QUDT.unit, CUR.CNY))
        add((f, BKG.printedAmount, b._dec(a.value)))  # type: ignore[arg-type]
        add((f, BKG.printedUnit, printed_unit))
        add((f, PROV.wasDerivedFrom, URIRef(f"{py}/printed-amount/{t.amounts.index(a) + 1}")))


def _indicator(b: Any, py: URIRef, n: int, row: TargetRow) -> None:
    add, lit = b.add, b._lit
    i = iris.indicator_iri(py, n)
    lv = levels_of(row.l1, row.l2)
    add((py, BKG.hasIndicator, i))
    add((i, RDF.type, BKG.Indicator))
    add((i, BKG.position, b._int(n)))
    name = row.l3 or row.l2 or row.l1
    add((i, RDFS.label, b._zh(name)))
    add((i, BKG.printedName, lit(name)))
    add((i, BKG.printedValue, lit(row.value)))
    if lv.level1 is not None:
        add((i, BKG.level1, b.level[lv.level1]))
    if lv.level2 is not None:
        add((i, BKG.level2, b.level[lv.level2]))
    add((i, BKG.level2Basis, lit("label")))
    if row.l1:
        add((i, BKG.printedLevel1, lit(row.l1)))
    if row.l2:
        add((i, BKG.printedLevel2, lit(row.l2)))
    if not row.l1_printed:
        add((i, BKG.level1Printed, lit(False)))
    if lv.framework_level1 is not None:
        add((i, BKG.frameworkLevel1, lv.framework_level1))
    if lv.framework_level2 is not None:
        add((i, BKG.frameworkLevel2, lv.framework_level2))
    if row.block:
        add((i, BKG.block, lit(row.block)))
    for role, text in row.extra.items():
        prop = EXTRA_PROPERTIES.get(role)
        if prop is not None and text:
            add((i, prop, lit(text)))
    for k, (region, text) in enumerate(row.region_values.items(), start=1):
        r = URIRef(f"{i}/region/{k}")
        add((i, BKG.regionTarget, r))
        add((r, RDF.type, BKG.RegionTarget))
        add((r, BKG.region, lit(region)))
        add((r, BKG.printedValue, lit(text)))
    add((i, PROV.wasDerivedFrom, b.doc_iri))
    add((i, BKG.sourceLine, b._int(row.line)))
    b._link_concept(i, name)
    t = iris.target_iri(i)
    add((i, BKG.target, t))
    b._target(t, normalize_target(_value_text(row), fiscal_year=b.year))


def _value_text(row: TargetRow) -> str:
    """The value with the comparator and unit of their own columns, where printed apart."""
    v = row.value
    cmp_, unit = row.extra.get("comparator", ""), row.extra.get("measure_unit", "")
    if cmp_ and not v.startswith(cmp_):
        v = cmp_ + v
    if unit and not v.endswith(unit):
        v = v + unit
    return v
