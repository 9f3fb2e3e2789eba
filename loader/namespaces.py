"""Namespaces of the budgetkg ontology and the standard vocabularies it reuses.

Ontology terms come from closed namespaces (``DefinedNamespace`` with ``_fail = True``):
a misspelled term raises at import or call time instead of minting a new IRI. The
ontology and concept IRIs are fixed (they name the model, not the data); data IRIs hang
off a configurable base (see ``iris.py``).
"""

from __future__ import annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    ORG,
    OWL,
    PROV,
    QB,
    RDF,
    RDFS,
    SH,
    SKOS,
    VOID,
    XSD,
    DefinedNamespace,
)

#: Where the model lives. ``/def/`` for the model, ``/id/`` for things (DEFAULT_BASE).
DEF = "https://w3id.org/budgetkg/def/"


#: The vocabulary version (ontology/budgetkg.ttl's owl:versionInfo) whose load-time
#: summaries the loader writes (loader/summaries.py); every document states it
#: (``bkg:summaryVersion``), and the library refuses a store whose documents state
#: another (queries/catalog.py, SUMMARIES_QUERY).
SUMMARY_VERSION = "0.7.0"
#: The vocabulary version of the statistics of a year (``budgetkg.year_statistics``):
#: every year's statistics state it (``bkg:statisticsVersion``), and the library refuses
#: a store with a year of tables whose statistics state another or none.
STATISTICS_VERSION = "0.8.0"


class BKG(DefinedNamespace):
    """The budgetkg ontology (``ontology/budgetkg.ttl``)."""

    _NS = Namespace(DEF)
    _fail = True

    # classes
    Department: URIRef
    ImplementingUnit: URIRef
    ProjectLine: URIRef
    ProjectYear: URIRef
    FundAmount: URIRef
    Indicator: URIRef
    Target: URIRef
    SourceDocument: URIRef
    Dataset: URIRef
    # concept schemes and schemes' top-level things
    IndicatorLevelScheme: URIRef
    ProjectAttributeScheme: URIRef
    FundSourceScheme: URIRef
    ComparatorScheme: URIRef
    TargetKindScheme: URIRef
    IndicatorNameScheme: URIRef
    fundAmountStructure: URIRef
    # project line / project year
    department: URIRef
    implementingUnit: URIRef
    projectLine: URIRef
    normalizedName: URIRef
    printedName: URIRef
    fiscalYear: URIRef
    projectAttribute: URIRef
    printedAttribute: URIRef
    period: URIRef
    goal: URIRef
    goalLine: URIRef
    sequence: URIRef
    endLine: URIRef
    isCarryover: URIRef
    carryoverMarker: URIRef
    carryoverFromYear: URIRef
    carriesOverFrom: URIRef
    hasIndicator: URIRef
    costIndicatorTotal: URIRef
    # load-time summaries (loader/summaries.py)
    tableRole: URIRef
    totalYuan: URIRef
    costMismatch: URIRef
    indicatorCount: URIRef
    tableYear: URIRef
    TargetGroup: URIRef
    groupYear: URIRef
    groupCategory: URIRef
    groupKind: URIRef
    groupComparator: URIRef
    groupValue: URIRef
    groupUnit: URIRef
    groupTargetYear: URIRef
    groupMonth: URIRef
    groupRow: URIRef
    groupLine: URIRef
    groupExample: URIRef
    LevelGroup: URIRef
    groupLevel2: URIRef
    groupRowCount: URIRef
    groupTable: URIRef
    groupCount: URIRef
    FundGroup: URIRef
    groupFundSource: URIRef
    groupSum: URIRef
    summaryVersion: URIRef
    # statistics of a year (budgetkg/year_statistics.py)
    YearStatistics: URIRef
    statisticsVersion: URIRef
    YearStatistic: URIRef
    statisticYear: URIRef
    YearOverview: URIRef
    yearOverviews: URIRef
    yearOverviewStructure: URIRef
    FundSourceStatistic: URIRef
    fundSourceStatistics: URIRef
    fundSourceStructure: URIRef
    Level2Statistic: URIRef
    level2Statistics: URIRef
    level2Structure: URIRef
    SatisfactionTargetStatistic: URIRef
    satisfactionTargetStatistics: URIRef
    satisfactionTargetStructure: URIRef
    TimelinessStatistic: URIRef
    timelinessStatistics: URIRef
    timelinessStructure: URIRef
    documentCount: URIRef
    departmentCount: URIRef
    projectLineCount: URIRef
    projectYearCount: URIRef
    indicatorRowCount: URIRef
    totalWanYuan: URIRef
    sumWanYuan: URIRef
    percentOfTotal: URIRef
    statisticFundSource: URIRef
    statisticLevel2: URIRef
    statisticTargetKind: URIRef
    statisticComparator: URIRef
    statisticNumber: URIRef
    statisticUnit: URIRef
    statisticTargetYear: URIRef
    statisticMonth: URIRef
    statisticExample: URIRef
    # amounts
    projectYear: URIRef
    fundSource: URIRef
    amount: URIRef
    printedAmount: URIRef
    printedUnit: URIRef
    # indicators and targets
    position: URIRef
    level1: URIRef
    level2: URIRef
    level2Basis: URIRef
    printedLevel2: URIRef
    indicatorConcept: URIRef
    printedValue: URIRef
    target: URIRef
    targetKind: URIRef
    comparator: URIRef
    comparatorText: URIRef
    value: URIRef
    valueYuan: URIRef
    unitText: URIRef
    per: URIRef
    isMoney: URIRef
    unitInferred: URIRef
    dateStart: URIRef
    dateEnd: URIRef
    note: URIRef
    part: URIRef
    # provenance
    sourceLine: URIRef
    sourceLocator: URIRef
    sha256: URIRef
    fileName: URIRef
    encoding: URIRef
    retrievedOn: URIRef
    layoutFamily: URIRef
    indicatorFramework: URIRef
    currencyUnit: URIRef
    synthetic: URIRef  # the source is generated data (header marker 合成数据（非真实数据）)
    # tables of the other layout families (loader/family_rdf.py)
    PrintedAmount: URIRef
    Goal: URIRef
    HeaderField: URIRef
    RegionTarget: URIRef
    IndicatorFramework2021: URIRef
    hasPrintedAmount: URIRef
    printedText: URIRef
    amountColumn: URIRef
    hasGoal: URIRef
    goalKind: URIRef
    hasHeaderField: URIRef
    personalContact: URIRef
    frameworkLevel1: URIRef
    frameworkLevel2: URIRef
    printedLevel1: URIRef
    level1Printed: URIRef
    block: URIRef
    score: URIRef
    explanation: URIRef
    standard: URIRef
    weight: URIRef
    direction: URIRef
    remark: URIRef
    printedComparator: URIRef
    printedMeasureUnit: URIRef
    regionTarget: URIRef
    region: URIRef
    # units
    ThousandYuan: URIRef
    TenThousandYuan: URIRef
    HundredMillionYuan: URIRef


# Concept schemes: open namespaces of codes, checked by the shapes (sh:in) instead.
LEVEL = Namespace(DEF + "indicator-level/")
FW = Namespace(DEF + "indicator-level-2021/")  # the 2021 framework (frameworks.ttl)
ATTRIBUTE = Namespace(DEF + "project-attribute/")
FUND = Namespace(DEF + "fund-source/")
COMPARATOR = Namespace(DEF + "comparator/")
KIND = Namespace(DEF + "target-kind/")
BKGSH = Namespace(DEF + "shapes/")

QUDT = Namespace("http://qudt.org/schema/qudt/")
UNIT = Namespace("http://qudt.org/vocab/unit/")
CUR = Namespace("http://qudt.org/vocab/currency/")
QUANTITYKIND = Namespace("http://qudt.org/vocab/quantitykind/")

#: Prefixes bound on every graph the package writes, so serializations read the same.
PREFIXES: dict[str, Namespace | str] = {
    "bkg": DEF,
    "level": LEVEL,
    "attr": ATTRIBUTE,
    "fund": FUND,
    "cmp": COMPARATOR,
    "kind": KIND,
    "bkgsh": BKGSH,
    "org": ORG,
    "skos": SKOS,
    "prov": PROV,
    "dcat": DCAT,
    "dcterms": DCTERMS,
    "void": VOID,
    "qb": QB,
    "qudt": QUDT,
    "unit": UNIT,
    "cur": CUR,
    "quantitykind": QUANTITYKIND,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "sh": SH,
}


#: Namespaces of the service's own documents (VoID, the service description), never
#: bound on data graphs.
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
#: Every prefix the package uses anywhere: the one table of prefix -> namespace.
ALL_PREFIXES: dict[str, Namespace | str] = {**PREFIXES, "sd": SD, "spdx": SPDX, "formats": FORMATS}


def prefixes(*names: str) -> dict[str, str]:
    """``{prefix: namespace IRI}`` for ``names``, in that order (KeyError if unknown)."""
    return {name: str(ALL_PREFIXES[name]) for name in names}


def sparql_prefixes(*names: str) -> str:
    """``PREFIX name: <iri>`` lines for a SPARQL query, one per name."""
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in prefixes(*names).items())


def bind_prefixes(g: Graph, base: str | None = None) -> Graph:
    """Bind the package's prefixes (and ``id:`` for the data base, when given)."""
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    if base is not None:
        g.bind("id", Namespace(base), override=True, replace=True)
    return g
