"""Records -> RDF: one named graph per source document, in the budgetkg ontology.

``document_graph`` builds the triples of one ``Document``; ``convert`` wraps them in a
``Dataset`` under the document's graph IRI (plus the ontology graph when asked);
``replace_document`` puts a document into an existing dataset, dropping its old graph
first, so loading a document again never duplicates anything. ``write_rdf`` picks the
syntax from the file extension. IRI patterns: see ``iris.py``; the model:
``ontology/README.md``.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path, PurePath

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import ORG, PROV, QB, RDF, RDFS, SKOS, VOID, XSD, DCAT, DCTERMS

from . import iris
from .iris import DEFAULT_BASE
from .model import ontology_graph, ontology_graph_name
from .namespaces import ATTRIBUTE, BKG, COMPARATOR, CUR, FUND, KIND, LEVEL, QUDT, UNIT, bind_prefixes
from .records import AMOUNT_FIELDS, Document, Indicator, Org, Project
from .values import Target

__all__ = [
    "ConversionError",
    "add_ontology",
    "bind_prefixes",
    "convert",
    "document_graph",
    "ontology_graph",
    "ontology_graph_name",
    "replace_document",
    "write_rdf",
    "DEFAULT_BASE",
]

#: Multiplier to yuan and the unit IRI of each currency unit a document may use.
CURRENCY_UNITS: dict[str, tuple[Decimal, URIRef]] = {
    "元": (Decimal(1), CUR.CNY),
    "千元": (Decimal(1_000), BKG.ThousandYuan),
    "万元": (Decimal(10_000), BKG.TenThousandYuan),
    "亿元": (Decimal(100_000_000), BKG.HundredMillionYuan),
}

#: Target units with a standard unit IRI; every unit is also kept as printed (unitText).
TARGET_UNITS: dict[str, URIRef] = {
    **{k: v for k, (_, v) in CURRENCY_UNITS.items()},
    "%": UNIT.PERCENT,
    "天": UNIT.DAY,
    "日": UNIT.DAY,
    "小时": UNIT.HR,
    "个月": UNIT.MO,
    "月": UNIT.MO,
    "年": UNIT.YR,
}

#: Comparator symbols and words of the value normalizer -> comparator concepts.
COMPARATORS: dict[str, URIRef] = {
    "=": COMPARATOR.eq,
    "≥": COMPARATOR.ge,
    ">=": COMPARATOR.ge,
    "≤": COMPARATOR.le,
    "<=": COMPARATOR.le,
    ">": COMPARATOR.gt,
    "<": COMPARATOR.lt,
    "≈": COMPARATOR.approx,
    "~": COMPARATOR.approx,
}

FORMATS: dict[str, str] = {
    ".trig": "trig",
    ".nq": "nquads",
    ".ttl": "turtle",
    ".nt": "nt",
    ".jsonld": "json-ld",
}
QUAD_FORMATS = {"trig", "nquads", "json-ld"}


class ConversionError(ValueError):
    """The document lacks what every IRI needs (its fiscal year or its digest)."""


def _dec(d: Decimal) -> Literal:
    # format 'f': never exponent notation, which xsd:decimal does not allow.
    return Literal(format(d, "f"), datatype=XSD.decimal)


def _int(n: int) -> Literal:
    return Literal(n, datatype=XSD.integer)


def _year(y: int) -> Literal:
    return Literal(f"{y:04d}", datatype=XSD.gYear)


def _zh(text: str) -> Literal:
    return Literal(text, lang="zh")


def convert(doc: Document, *, base: str = DEFAULT_BASE, with_ontology: bool = False) -> Dataset:
    """The document as a named graph of a new Dataset (plus the ontology graph if asked)."""
    ds = bind_prefixes(Dataset(), base)
    replace_document(ds, doc, base=base)
    if with_ontology:
        add_ontology(ds, base=base)
    return ds


def add_ontology(ds: Dataset, *, base: str = DEFAULT_BASE) -> URIRef:
    """(Re)load the ontology and concept schemes into their own named graph."""
    name = ontology_graph_name(base)
    ds.remove_graph(ds.graph(name))
    target = ds.graph(name)
    target.addN((s, p, o, target) for s, p, o in ontology_graph())
    return name


def replace_document(ds: Dataset, doc: Document, *, base: str = DEFAULT_BASE) -> URIRef:
    """Put a document's graph into ``ds``, replacing what an earlier load put there."""
    name, g = document_graph(doc, base=base)
    ds.remove_graph(ds.graph(name))
    target = ds.graph(name)
    target.addN((s, p, o, target) for s, p, o in g)
    return name


def document_graph(doc: Document, *, base: str = DEFAULT_BASE) -> tuple[URIRef, Graph]:
    """(graph IRI, triples) of one document. Raises ConversionError without year/digest."""
    if doc.year is None:
        raise ConversionError(f"{doc.source}: no fiscal year found; cannot mint project IRIs")
    if not doc.sha256:
        raise ConversionError(f"{doc.source}: no SHA-256 digest (read the file with read_document)")
    return iris.document_graph_iri(base, doc.sha256), _Builder(doc, base).build()


def _cost_total(p: Project) -> Decimal | None:
    """Sum in yuan of the cost rows (level 2 = 14) that are one amount of money, not a rate."""
    rows = [
        i.target.yuan[0]
        for i in p.indicators
        if i.level2 == "14" and i.target.is_money and not i.target.per and len(i.target.yuan) == 1
    ]
    return sum(rows, Decimal(0)) if rows else None


class _Builder:
    def __init__(self, doc: Document, base: str) -> None:
        self.doc = doc
        self.base = base
        self.year: int = doc.year  # type: ignore[assignment]  # checked by the caller
        self.g = bind_prefixes(Graph(), base)
        self.doc_iri = iris.document_iri(base, doc.sha256)
        self.dataset = iris.dataset_iri(base, doc.sha256)
        factor_unit = CURRENCY_UNITS.get(doc.currency_unit)
        if factor_unit is None:
            raise ConversionError(f"{doc.source}: unknown currency unit {doc.currency_unit!r}")
        self.factor, self.printed_unit = factor_unit
        self.orgs: dict[str, Org] = {}

    def build(self) -> Graph:
        self._document()
        for project, iri in self._project_year_iris():
            self._project(project, iri)
        self._orgs()
        self._dataset()
        return self.g

    # --- document and dataset ---------------------------------------------------------

    def _document(self) -> None:
        add, d, doc = self.g.add, self.doc_iri, self.doc
        add((d, RDF.type, BKG.SourceDocument))
        add((d, BKG.sha256, Literal(doc.sha256)))
        # The file name, not the path: the same file loaded from two places is one document.
        add((d, BKG.fileName, Literal(PurePath(doc.source).name)))
        add((d, BKG.encoding, Literal(doc.encoding)))
        add((d, BKG.fiscalYear, _year(self.year)))
        add((d, BKG.currencyUnit, self.printed_unit))

    def _dataset(self) -> None:
        add, ds = self.g.add, self.dataset
        for cls in (BKG.Dataset, DCAT.Dataset, VOID.Dataset, QB.DataSet):
            add((ds, RDF.type, cls))
        name = PurePath(self.doc.source).name
        add((ds, DCTERMS.title, Literal(f"{self.year}年度项目支出绩效目标表 ({name})", lang="zh")))
        add((ds, DCTERMS.title, Literal(f"Project performance targets {self.year} ({name})", lang="en")))
        add((ds, DCTERMS.temporal, _year(self.year)))
        add((ds, PROV.wasDerivedFrom, self.doc_iri))
        add((ds, QB.structure, BKG.fundAmountStructure))
        add((ds, VOID.uriSpace, Literal(self.base)))
        add((ds, VOID.entities, _int(len(self.doc.projects))))
        add((ds, VOID.triples, _int(len(self.g) + 1)))  # +1: this triple

    # --- projects -------------------------------------------------------------------------

    def _line(self, p: Project) -> URIRef:
        dept = p.department.code if p.department else "unknown"
        return iris.project_line_iri(self.base, dept, p.name)

    def _project_year_iris(self) -> list[tuple[Project, URIRef]]:
        """One IRI per table. Tables of one line and year in one document (a budget and its
        carried-over balance, or two projects of one name) are told apart: the first that is
        not a carry-over keeps ``{line}/{year}``, the others get ``{line}/{year}/t{seq}``."""
        groups: dict[URIRef, list[Project]] = defaultdict(list)
        for p in self.doc.projects:
            groups[self._line(p)].append(p)
        out: dict[int, URIRef] = {}
        for line, tables in groups.items():
            main = next((t for t in tables if not t.carryover.is_carryover), tables[0])
            for t in tables:
                out[id(t)] = iris.project_year_iri(line, self.year, None if t is main else t.seq)
        return [(p, out[id(p)]) for p in self.doc.projects]

    def _project(self, p: Project, py: URIRef) -> None:
        add = self.g.add
        line = self._line(p)
        add((line, RDF.type, BKG.ProjectLine))
        add((line, BKG.normalizedName, Literal(iris.project_line_key(p.name))))
        add((line, RDFS.label, _zh(iris.project_line_key(p.name))))

        add((py, RDF.type, BKG.ProjectYear))
        add((py, RDFS.label, _zh(p.name)))
        add((py, BKG.printedName, Literal(p.name)))
        add((py, BKG.projectLine, line))
        add((py, BKG.fiscalYear, _year(self.year)))
        add((py, BKG.sequence, _int(p.seq)))
        add((py, PROV.wasDerivedFrom, self.doc_iri))
        add((py, BKG.sourceLine, _int(p.line)))
        add((py, BKG.endLine, _int(p.end_line)))
        add((py, VOID.inDataset, self.dataset))
        if p.department is not None:
            dept = iris.department_iri(self.base, p.department.code)
            add((line, BKG.department, dept))
            add((py, BKG.department, dept))
            self._remember(p.department)
        if p.unit is not None:
            add((py, BKG.implementingUnit, self._org_iri(p.unit, p.department)))
            self._remember(p.unit)
        if p.attribute is not None:
            add((py, BKG.projectAttribute, ATTRIBUTE[p.attribute.code]))
            add((py, BKG.printedAttribute, Literal(p.attribute.printed)))
        if p.period:
            add((py, BKG.period, Literal(p.period)))
        if p.goal:
            add((py, BKG.goal, _zh(p.goal)))
        if p.goal_line is not None:
            add((py, BKG.goalLine, _int(p.goal_line)))
        co = p.carryover
        add((py, BKG.isCarryover, Literal(co.is_carryover)))
        if co.marker:
            add((py, BKG.carryoverMarker, Literal(co.marker)))
        if co.is_carryover and co.from_year is not None:
            add((py, BKG.carryoverFromYear, _year(co.from_year)))
            # The line's table of that year: may live in a document not loaded (yet).
            add((py, BKG.carriesOverFrom, iris.project_year_iri(line, co.from_year)))
        for field_name in AMOUNT_FIELDS:
            value = getattr(p.amounts, field_name)
            if value is not None:
                self._amount(py, field_name, value)
        for n, ind in enumerate(p.indicators, start=1):
            self._indicator(py, n, ind)
        cost = _cost_total(p)
        if cost is not None:
            add((py, BKG.costIndicatorTotal, _dec(cost)))

    def _amount(self, py: URIRef, field_name: str, value: Decimal) -> None:
        add, a = self.g.add, iris.amount_iri(py, field_name)
        add((a, RDF.type, BKG.FundAmount))
        add((a, RDF.type, QB.Observation))
        add((a, QB.dataSet, self.dataset))
        add((a, BKG.projectYear, py))
        add((a, BKG.fiscalYear, _year(self.year)))
        add((a, BKG.fundSource, FUND[field_name.replace("_", "-")]))
        add((a, BKG.amount, _dec(value * self.factor)))
        add((a, QUDT.unit, CUR.CNY))
        add((a, BKG.printedAmount, _dec(value)))
        add((a, BKG.printedUnit, self.printed_unit))

    # --- indicators -------------------------------------------------------------------------

    def _indicator(self, py: URIRef, n: int, ind: Indicator) -> None:
        add, i = self.g.add, iris.indicator_iri(py, n)
        add((py, BKG.hasIndicator, i))
        add((i, RDF.type, BKG.Indicator))
        add((i, BKG.position, _int(n)))
        add((i, RDFS.label, _zh(ind.name)))
        add((i, BKG.printedName, Literal(ind.name)))
        add((i, BKG.printedValue, Literal(ind.value)))
        add((i, BKG.level1, LEVEL[ind.level1]))
        add((i, BKG.level2, LEVEL[ind.level2]))
        add((i, BKG.level2Basis, Literal(ind.level2_basis)))
        if ind.printed_level2:
            add((i, BKG.printedLevel2, Literal(ind.printed_level2)))
        add((i, PROV.wasDerivedFrom, self.doc_iri))
        add((i, BKG.sourceLine, _int(ind.line)))
        key = iris.indicator_name_key(ind.name)
        if key:
            c = iris.indicator_concept_iri(self.base, ind.name)
            add((i, BKG.indicatorConcept, c))
            add((c, RDF.type, SKOS.Concept))
            add((c, SKOS.inScheme, BKG.IndicatorNameScheme))
            add((c, SKOS.prefLabel, _zh(key)))
        t = iris.target_iri(i)
        add((i, BKG.target, t))
        self._target(t, ind.target)

    def _target(self, t: URIRef, target: Target) -> None:
        add = self.g.add
        add((t, RDF.type, BKG.Target))
        add((t, BKG.targetKind, KIND[target.kind]))
        if target.comparator:
            add((t, BKG.comparatorText, Literal(target.comparator)))
            concept = COMPARATORS.get(target.comparator)
            if concept is not None:
                add((t, BKG.comparator, concept))
        for v in target.values:
            add((t, BKG.value, _dec(v)))
        for v in target.yuan:
            add((t, BKG.valueYuan, _dec(v)))
        if target.unit:
            add((t, BKG.unitText, Literal(target.unit)))
            unit = TARGET_UNITS.get(target.unit)
            if unit is not None:
                add((t, QUDT.unit, unit))
        if target.per:
            add((t, BKG.per, Literal(target.per)))
        if target.kind in ("quantitative", "multiple") or target.is_money:
            add((t, BKG.isMoney, Literal(target.is_money)))
        if target.unit_inferred:
            add((t, BKG.unitInferred, Literal(True)))
        if target.date_start is not None:
            add((t, BKG.dateStart, Literal(target.date_start)))
        if target.date_end is not None:
            add((t, BKG.dateEnd, Literal(target.date_end)))
        for note in target.notes:
            add((t, BKG.note, Literal(note)))
        for k, part in enumerate(target.parts, start=1):
            pt = iris.part_iri(t, k)
            add((t, BKG.part, pt))
            add((pt, BKG.position, _int(k)))
            self._target(pt, part)

    # --- organisations ------------------------------------------------------------------

    def _remember(self, org: Org) -> None:
        self.orgs.setdefault(org.code, org)

    def _org_iri(self, org: Org, department: Org | None) -> URIRef:
        if department is not None and org.code == department.code:
            return iris.department_iri(self.base, org.code)  # the department implements it
        return iris.unit_iri(self.base, org.code)

    def _orgs(self) -> None:
        """Departments and units, each under the longest code prefix known in the document
        (303005001 -> 303005 if printed, else the department 303)."""
        add = self.g.add
        depts = {p.department.code for p in self.doc.projects if p.department}
        for code, org in sorted(self.orgs.items()):
            if code in depts:
                o = iris.department_iri(self.base, code)
                add((o, RDF.type, BKG.Department))
            else:
                o = iris.unit_iri(self.base, code)
                add((o, RDF.type, BKG.ImplementingUnit))
                parent = self._parent(code, depts)
                if parent is not None:
                    add((o, ORG.subOrganizationOf, parent))
            add((o, ORG.identifier, Literal(code)))
            add((o, RDFS.label, _zh(org.name)))
            add((o, SKOS.notation, Literal(code)))

    def _parent(self, code: str, depts: set[str]) -> URIRef | None:
        for k in range(len(code) - 1, 0, -1):
            prefix = code[:k]
            if prefix in depts:
                return iris.department_iri(self.base, prefix)
            if prefix in self.orgs:
                return iris.unit_iri(self.base, prefix)
        return None


# --- writing ----------------------------------------------------------------------------


def write_rdf(data: Dataset | Graph, path: str | Path) -> None:
    """Write ``data`` in the syntax its extension names (.trig .nq .ttl .nt .jsonld).

    Turtle and N-Triples have no named graphs: a Dataset written to them is the union of
    its graphs. TriG and N-Quads of a plain Graph put it in the default graph.
    """
    p = Path(path)
    fmt = FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise ValueError(f"unknown RDF file extension {p.suffix!r}; use one of {', '.join(FORMATS)}")
    if isinstance(data, Dataset) and fmt not in QUAD_FORMATS:
        union = bind_prefixes(Graph())
        for ns_prefix, ns in data.namespaces():
            union.bind(ns_prefix, ns, override=False)
        for s, pr, o, _ in data.quads((None, None, None, None)):
            union.add((s, pr, o))
        data = union
    elif not isinstance(data, Dataset) and fmt in QUAD_FORMATS and fmt != "json-ld":
        ds = Dataset()
        for ns_prefix, ns in data.namespaces():
            ds.bind(ns_prefix, ns)
        ds.default_graph += data
        data = ds
    data.serialize(destination=str(p), format=fmt, encoding="utf-8")

