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
from typing import Any

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import ORG, PROV, QB, RDF, RDFS, SKOS, VOID, XSD, DCAT, DCTERMS
from rdflib.term import Node

from . import family_rdf, iris, summaries
from .gc_pause import gc_paused
from .iris import DEFAULT_BASE
from .memgraph import BulkMemory, extend, graph_of
from .model import ontology_graph, ontology_graph_name
from .provenance import SourceInfo
from .namespaces import ATTRIBUTE, BKG, COMPARATOR, CUR, FUND, FW, KIND, LEVEL, QUDT, UNIT, bind_prefixes
from .rdf_files import RDF_FILES
from .rdf_units import CURRENCY_UNITS, ConversionError
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

#: rdflib's syntax name by extension (the table is ``rdf_files.RDF_FILES``).
FORMATS: dict[str, str] = {f.extension: f.rdflib_format for f in RDF_FILES if f.loadable}
QUAD_FORMATS = {f.rdflib_format for f in RDF_FILES if f.quads}


class _Terms:
    """The terms of a namespace, each made once and then reused.

    ``BKG.x`` on rdflib's namespaces is a Python call that builds a new URIRef every
    time; one object per term makes the graph's index lookups identity hits too.
    Misspelled terms still raise (on first use) for closed namespaces."""

    def __init__(self, ns: Any) -> None:
        self._ns = ns
        self._items: dict[str, URIRef] = {}

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("_"):
            raise AttributeError(name)
        term = getattr(self._ns, name)
        setattr(self, name, term)  # found as a plain attribute from now on
        return term

    def __getitem__(self, key: str) -> URIRef:
        term = self._items.get(key)
        if term is None:
            term = self._items[key] = self._ns[key]
        return term


_RDF, _RDFS, _SKOS, _ORG, _PROV, _QB, _VOID, _DCAT, _DCTERMS = map(
    _Terms, (RDF, RDFS, SKOS, ORG, PROV, QB, VOID, DCAT, DCTERMS))
_BKG, _QUDT = _Terms(BKG), _Terms(QUDT)
_CNY = CUR.CNY
_XSD_DECIMAL, _XSD_INTEGER, _XSD_GYEAR = XSD.decimal, XSD.integer, XSD.gYear


def convert(doc: Document, *, base: str = DEFAULT_BASE, with_ontology: bool = False,
            publish_contacts: bool = False) -> Dataset:
    """The document as a named graph of a new Dataset (plus the ontology graph if asked)."""
    ds = bind_prefixes(Dataset(), base)
    replace_document(ds, doc, base=base, publish_contacts=publish_contacts)
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


def replace_document(ds: Dataset, doc: Document, *, base: str = DEFAULT_BASE,
                     publish_contacts: bool = False) -> URIRef:
    """Put a document's graph into ``ds``, replacing what an earlier load put there."""
    name, g = document_graph(doc, base=base, publish_contacts=publish_contacts)
    ds.remove_graph(ds.graph(name))
    target = ds.graph(name)
    target.addN((s, p, o, target) for s, p, o in g)
    return name


def document_graph(doc: Document, *, base: str = DEFAULT_BASE, source: SourceInfo | None = None,
                   publish_contacts: bool = False) -> tuple[URIRef, Graph]:
    """(graph IRI, triples) of one document. Raises ConversionError without year/digest.

    ``source``: where the file was downloaded from. ``publish_contacts``: put the family
    tables' personal contact fields (项目负责人, 联系电话) into the graph (the
    ``publish_contacts`` setting; off by default)."""
    if doc.year is None:
        raise ConversionError(f"{doc.source}: no fiscal year found; cannot mint project IRIs")
    if not doc.sha256:
        raise ConversionError(f"{doc.source}: no SHA-256 digest (read the file with read_document)")
    with gc_paused():
        return iris.document_graph_iri(base, doc.sha256), _Builder(doc, base, source, publish_contacts).build()


def _cost_total(p: Project) -> Decimal | None:
    """Sum in yuan of the cost rows (level 2 = 14) that are one amount of money, not a rate."""
    rows = [
        i.target.yuan[0]
        for i in p.indicators
        if i.level2 == "14" and i.target.is_money and not i.target.per and len(i.target.yuan) == 1
    ]
    return sum(rows, Decimal(0)) if rows else None


class _Builder:
    """Collects the triples of one document in a list, then fills one graph with them.

    Terms that recur (vocabulary, codes, names, small numbers) are made once per
    document and reused; duplicate triples (a project line or an indicator concept met
    again) are dropped when the graph is filled (``memgraph.graph_of``)."""

    def __init__(self, doc: Document, base: str, source: SourceInfo | None = None,
                 publish_contacts: bool = False) -> None:
        self.doc = doc
        self.source = source
        self.publish_contacts = publish_contacts
        self.base = base
        self.year: int = doc.year  # type: ignore[assignment]  # checked by the caller
        self.triples: list[tuple[Node, Node, Node]] = []
        self.add = self.triples.append
        self.doc_iri = iris.document_iri(base, doc.sha256)
        self.dataset = iris.dataset_iri(base, doc.sha256)
        factor_unit = CURRENCY_UNITS.get(doc.currency_unit)
        if factor_unit is None:
            raise ConversionError(f"{doc.source}: unknown currency unit {doc.currency_unit!r}")
        self.factor, self.printed_unit = factor_unit
        self.orgs: dict[str, Org] = {}
        self.level, self.kind, self.fund, self.attribute = map(_Terms, (LEVEL, KIND, FUND, ATTRIBUTE))
        # Caches of this document's recurring terms.
        self._literals: dict[tuple[type, object], Literal] = {}
        self._zh_literals: dict[str, Literal] = {}
        self._ints: dict[int, Literal] = {}
        self._decimals: dict[str, Literal] = {}
        self._years: dict[int, Literal] = {}
        self._departments: dict[str, URIRef] = {}
        self._units: dict[str, URIRef] = {}
        self._lines: dict[tuple[str, str], URIRef] = {}
        self._concepts: dict[str, tuple[str, URIRef | None]] = {}

    def build(self) -> Graph:
        self._document()
        for project, iri in self._project_year_iris():
            self._project(project, iri)
        if self.doc.tables:  # tables of the other layout families
            family_rdf.add_tables(self, publish_contacts=self.publish_contacts)
        self._orgs()
        self._dataset()
        g = graph_of(self.triples, bind_prefixes(Graph(store=BulkMemory()), self.base))
        # load-time summaries (loader/summaries.py): derived from this graph, stored in it
        extend(g, summaries.derive(g))
        # void:triples counts the graph's triples, itself included.
        g.add((self.dataset, _VOID.triples, self._int(len(g) + 1)))
        return g

    # --- terms ----------------------------------------------------------------------------
    # normalize=False: these lexical forms are already what rdflib would normalize them
    # to (str as is, decimals as format(d, "f")), so it need not compute them again.

    def _lit(self, value: object) -> Literal:
        """``Literal(value)`` for a str, bool, int or date (never a Decimal: 1.0 == 1.00)."""
        key = (value.__class__, value)
        lit = self._literals.get(key)
        if lit is None:
            lit = self._literals[key] = Literal(value, normalize=False)
        return lit

    def _zh(self, text: str) -> Literal:
        lit = self._zh_literals.get(text)
        if lit is None:
            lit = self._zh_literals[text] = Literal(text, lang="zh", normalize=False)
        return lit

    def _int(self, n: int) -> Literal:
        lit = self._ints.get(n)
        if lit is None:
            lit = self._ints[n] = Literal(n, datatype=_XSD_INTEGER)
        return lit

    def _dec(self, d: Decimal) -> Literal:
        # format 'f': never exponent notation, which xsd:decimal does not allow.
        text = format(d, "f")
        lit = self._decimals.get(text)
        if lit is None:
            lit = self._decimals[text] = Literal(text, datatype=_XSD_DECIMAL, normalize=False)
        return lit

    def _year(self, y: int) -> Literal:
        lit = self._years.get(y)
        if lit is None:
            lit = self._years[y] = Literal(f"{y:04d}", datatype=_XSD_GYEAR)
        return lit

    def _department(self, code: str) -> URIRef:
        iri = self._departments.get(code)
        if iri is None:
            iri = self._departments[code] = iris.department_iri(self.base, code)
        return iri

    def _unit(self, code: str) -> URIRef:
        iri = self._units.get(code)
        if iri is None:
            iri = self._units[code] = iris.unit_iri(self.base, code)
        return iri

    def _concept(self, name: str) -> tuple[str, URIRef | None]:
        """(name key, indicator concept IRI or None when the key is empty)."""
        found = self._concepts.get(name)
        if found is None:
            key = iris.indicator_name_key(name)
            found = self._concepts[name] = (key, iris.indicator_concept_iri(self.base, name) if key else None)
        return found

    # --- document and dataset ---------------------------------------------------------

    def _document(self) -> None:
        add, d, doc, B = self.add, self.doc_iri, self.doc, _BKG
        add((d, _RDF.type, B.SourceDocument))
        add((d, B.sha256, self._lit(doc.sha256)))
        # The file name, not the path: the same file loaded from two places is one document.
        add((d, B.fileName, self._lit(PurePath(doc.source).name)))
        add((d, B.encoding, self._lit(doc.encoding)))
        if self.source is not None:  # where the file was downloaded from, and when
            add((d, _DCAT.downloadURL, URIRef(self.source.url)))
            if self.source.retrieved is not None:
                add((d, B.retrievedOn, Literal(self.source.retrieved.isoformat(), datatype=XSD.date)))
        add((d, B.fiscalYear, self._year(self.year)))
        add((d, B.currencyUnit, self.printed_unit))
        # tables of another layout family (loader/templates): which, and which framework
        for family in sorted({t.family for t in doc.tables}):
            add((d, B.layoutFamily, self._lit(family)))
        frameworks = {t.framework for t in doc.tables if t.framework}
        if any(i.framework_level for p in doc.projects for i in p.indicators):
            frameworks.add("2021")  # a Ningxia table printing 4-成本指标
        for framework in sorted(frameworks):
            add((d, B.indicatorFramework, self._lit(framework)))
        if doc.synthetic is not None:  # generated, not published: say so where the data is described
            add((d, B.synthetic, self._lit(True)))

    def _dataset(self) -> None:
        """The dataset's triples but void:triples (``build`` adds it, once the count is known)."""
        add, ds = self.add, self.dataset
        for cls in (_BKG.Dataset, _DCAT.Dataset, _VOID.Dataset, _QB.DataSet):
            add((ds, _RDF.type, cls))
        name = PurePath(self.doc.source).name
        add((ds, _DCTERMS.title, Literal(f"{self.year}年度项目支出绩效目标表 ({name})", lang="zh")))
        add((ds, _DCTERMS.title, Literal(f"Project performance targets {self.year} ({name})", lang="en")))
        add((ds, _DCTERMS.temporal, self._year(self.year)))
        add((ds, _PROV.wasDerivedFrom, self.doc_iri))
        add((ds, _QB.structure, _BKG.fundAmountStructure))
        add((ds, _VOID.uriSpace, Literal(self.base)))
        add((ds, _VOID.entities, self._int(len(self.doc.projects) + len(self.doc.tables))))
        if self.doc.synthetic is not None:
            add((ds, _BKG.synthetic, self._lit(True)))
            add((ds, _DCTERMS.description, Literal(f"合成数据，非真实预算（{self.doc.synthetic}）", lang="zh")))
            add((ds, _DCTERMS.description, Literal(
                f"Synthetic data, not a real budget (the document's marker: {self.doc.synthetic})", lang="en")))

    # --- projects -------------------------------------------------------------------------

    def _line(self, p: Project) -> URIRef:
        dept = p.department.code if p.department else "unknown"
        iri = self._lines.get((dept, p.name))
        if iri is None:
            iri = self._lines[(dept, p.name)] = iris.project_line_iri(self.base, dept, p.name)
        return iri

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
        add, B, lit = self.add, _BKG, self._lit
        line = self._line(p)
        line_key = iris.project_line_key(p.name)
        add((line, _RDF.type, B.ProjectLine))
        add((line, B.normalizedName, lit(line_key)))
        add((line, _RDFS.label, self._zh(line_key)))

        add((py, _RDF.type, B.ProjectYear))
        add((py, _RDFS.label, self._zh(p.name)))
        add((py, B.printedName, lit(p.name)))
        add((py, B.projectLine, line))
        add((py, B.fiscalYear, self._year(self.year)))
        add((py, B.sequence, self._int(p.seq)))
        add((py, _PROV.wasDerivedFrom, self.doc_iri))
        add((py, B.sourceLine, self._int(p.line)))
        if p.locator is not None and p.locator.kind != "line":
            add((py, B.sourceLocator, lit(str(p.locator))))
        add((py, B.endLine, self._int(p.end_line)))
        add((py, _VOID.inDataset, self.dataset))
        if p.department is not None:
            dept = self._department(p.department.code)
            add((line, B.department, dept))
            add((py, B.department, dept))
            self._remember(p.department)
        if p.unit is not None:
            add((py, B.implementingUnit, self._org_iri(p.unit, p.department)))
            self._remember(p.unit)
        if p.attribute is not None:
            add((py, B.projectAttribute, self.attribute[p.attribute.code]))
            add((py, B.printedAttribute, lit(p.attribute.printed)))
        if p.period:
            add((py, B.period, lit(p.period)))
        if p.goal:
            add((py, B.goal, self._zh(p.goal)))
        if p.goal_line is not None:
            add((py, B.goalLine, self._int(p.goal_line)))
        co = p.carryover
        add((py, B.isCarryover, lit(co.is_carryover)))
        if co.marker:
            add((py, B.carryoverMarker, lit(co.marker)))
        if co.is_carryover and co.from_year is not None:
            add((py, B.carryoverFromYear, self._year(co.from_year)))
            # The line's table of that year: may live in a document not loaded (yet).
            add((py, B.carriesOverFrom, iris.project_year_iri(line, co.from_year)))
        for field_name in AMOUNT_FIELDS:
            value = getattr(p.amounts, field_name)
            if value is not None:
                self._amount(py, field_name, value)
        for n, ind in enumerate(p.indicators, start=1):
            self._indicator(py, n, ind)
        cost = _cost_total(p)
        if cost is not None:
            add((py, B.costIndicatorTotal, self._dec(cost)))

    def _amount(self, py: URIRef, field_name: str, value: Decimal) -> None:
        add, a, B = self.add, iris.amount_iri(py, field_name), _BKG
        add((a, _RDF.type, B.FundAmount))
        add((a, _RDF.type, _QB.Observation))
        add((a, _QB.dataSet, self.dataset))
        add((a, B.projectYear, py))
        add((a, B.fiscalYear, self._year(self.year)))
        add((a, B.fundSource, self.fund[field_name.replace("_", "-")]))
        add((a, B.amount, self._dec(value * self.factor)))
        add((a, _QUDT.unit, _CNY))
        add((a, B.printedAmount, self._dec(value)))
        add((a, B.printedUnit, self.printed_unit))

    # --- indicators -------------------------------------------------------------------------

    def _indicator(self, py: URIRef, n: int, ind: Indicator) -> None:
        add, i, B, lit = self.add, iris.indicator_iri(py, n), _BKG, self._lit
        add((py, B.hasIndicator, i))
        add((i, _RDF.type, B.Indicator))
        add((i, B.position, self._int(n)))
        add((i, _RDFS.label, self._zh(ind.name)))
        add((i, B.printedName, lit(ind.name)))
        add((i, B.printedValue, lit(ind.value)))
        add((i, B.level1, self.level[ind.level1]))
        add((i, B.level2, self.level[ind.level2]))
        add((i, B.level2Basis, lit(ind.level2_basis)))
        if ind.printed_level2:
            add((i, B.printedLevel2, lit(ind.printed_level2)))
        if ind.framework_level:  # under the 2021 level-1 成本指标 (fw:4), its level 2 if printed
            add((i, B.frameworkLevel1, FW["4"]))
            if len(ind.framework_level) == 2:
                add((i, B.frameworkLevel2, FW[ind.framework_level]))
        add((i, _PROV.wasDerivedFrom, self.doc_iri))
        add((i, B.sourceLine, self._int(ind.line)))
        if ind.locator is not None and ind.locator.kind != "line":
            add((i, B.sourceLocator, lit(str(ind.locator))))
        self._link_concept(i, ind.name)
        t = iris.target_iri(i)
        add((i, B.target, t))
        self._target(t, ind.target)

    def _link_concept(self, i: URIRef, name: str) -> None:
        """The indicator's concept (shared by every row of that name), if the name has one."""
        key, c = self._concept(name)
        if c is not None:
            self.add((i, _BKG.indicatorConcept, c))
            self.add((c, _RDF.type, _SKOS.Concept))
            self.add((c, _SKOS.inScheme, _BKG.IndicatorNameScheme))
            self.add((c, _SKOS.prefLabel, self._zh(key)))

    def _target(self, t: URIRef, target: Target) -> None:
        add, B, lit = self.add, _BKG, self._lit
        add((t, _RDF.type, B.Target))
        add((t, B.targetKind, self.kind[target.kind]))
        if target.comparator:
            add((t, B.comparatorText, lit(target.comparator)))
            concept = COMPARATORS.get(target.comparator)
            if concept is not None:
                add((t, B.comparator, concept))
        for v in target.values:
            add((t, B.value, self._dec(v)))
        for v in target.yuan:
            add((t, B.valueYuan, self._dec(v)))
        if target.unit:
            add((t, B.unitText, lit(target.unit)))
            unit = TARGET_UNITS.get(target.unit)
            if unit is not None:
                add((t, _QUDT.unit, unit))
        if target.per:
            add((t, B.per, lit(target.per)))
        if target.kind in ("quantitative", "multiple") or target.is_money:
            add((t, B.isMoney, lit(target.is_money)))
        if target.unit_inferred:
            add((t, B.unitInferred, lit(True)))
        if target.date_start is not None:
            add((t, B.dateStart, lit(target.date_start)))
        if target.date_end is not None:
            add((t, B.dateEnd, lit(target.date_end)))
        for note in target.notes:
            add((t, B.note, lit(note)))
        for k, part in enumerate(target.parts, start=1):
            pt = iris.part_iri(t, k)
            add((t, B.part, pt))
            add((pt, B.position, self._int(k)))
            self._target(pt, part)

    # --- organisations ------------------------------------------------------------------

    def _remember(self, org: Org) -> None:
        self.orgs.setdefault(org.code, org)

    def _org_iri(self, org: Org, department: Org | None) -> URIRef:
        if department is not None and org.code == department.code:
            return self._department(org.code)  # the department implements it
        return self._unit(org.code)

    def _orgs(self) -> None:
        """Departments and units, each under the longest code prefix known in the document
        (303005001 -> 303005 if printed, else the department 303)."""
        add = self.add
        depts = {p.department.code for p in self.doc.projects if p.department}
        for code, org in sorted(self.orgs.items()):
            if code in depts:
                o = self._department(code)
                add((o, _RDF.type, _BKG.Department))
            else:
                o = self._unit(code)
                add((o, _RDF.type, _BKG.ImplementingUnit))
                parent = self._parent(code, depts)
                if parent is not None:
                    add((o, _ORG.subOrganizationOf, parent))
            add((o, _ORG.identifier, self._lit(code)))
            add((o, _RDFS.label, self._zh(org.name)))
            add((o, _SKOS.notation, self._lit(code)))

    def _parent(self, code: str, depts: set[str]) -> URIRef | None:
        for k in range(len(code) - 1, 0, -1):
            prefix = code[:k]
            if prefix in depts:
                return self._department(prefix)
            if prefix in self.orgs:
                return self._unit(prefix)
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

