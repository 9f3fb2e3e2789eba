"""What each page shows: its SPARQL queries and the shaping of their rows.

Every function takes the service state and returns plain data for a template. Amounts
are shown in 万元 (the unit the tables print), computed from ``bkg:amount`` (yuan).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from budgetkg.loader.namespaces import DEF

from . import charts
from .querying import Term, iri as t, literal, select, select_py
from .state import ServiceState

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS = "http://www.w3.org/2004/02/skos/core#"
WAN = Decimal(10000)
SEARCH_LIMIT = 200


def wan(yuan: Any) -> Decimal | None:
    """Yuan -> 万元, two decimals."""
    if yuan is None or not isinstance(yuan, (Decimal, int)):
        return None
    return (Decimal(yuan) / WAN).quantize(Decimal("0.01"))


def local_name(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


# -- labels of the vocabulary (classes, properties, concepts) -------------------------

VOCAB_LABELS = f"""
SELECT ?term ?label WHERE {{
  VALUES ?p {{ rdfs:label skos:prefLabel }}
  ?term ?p ?label .
  FILTER(STRSTARTS(STR(?term), {literal(DEF)}))
}}"""


def vocab_labels(state: ServiceState) -> dict[str, dict[str, str]]:
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    for row in select(state, VOCAB_LABELS):
        labels[row["term"].value][row["label"].lang or ""] = row["label"].value
    return dict(labels)


# -- landing page ----------------------------------------------------------------------

STATS = """
SELECT * WHERE {
  { SELECT (COUNT(DISTINCT ?y) AS ?years) WHERE { ?py a bkg:ProjectYear ; bkg:fiscalYear ?y } }
  { SELECT (COUNT(DISTINCT ?d) AS ?departments) WHERE { ?d a bkg:Department } }
  { SELECT (COUNT(DISTINCT ?u) AS ?units) WHERE { ?u a bkg:ImplementingUnit } }
  { SELECT (COUNT(DISTINCT ?l) AS ?lines) WHERE { ?l a bkg:ProjectLine } }
  { SELECT (COUNT(DISTINCT ?p) AS ?projects) WHERE { ?p a bkg:ProjectYear } }
  { SELECT (COUNT(DISTINCT ?i) AS ?indicators) WHERE { ?i a bkg:Indicator } }
  { SELECT (COUNT(DISTINCT ?c) AS ?concepts) WHERE { ?c skos:inScheme bkg:IndicatorNameScheme } }
  { SELECT (COUNT(*) AS ?triples) WHERE { GRAPH ?g { ?s ?p ?o } } }
  { SELECT (COUNT(DISTINCT ?doc) AS ?documents) WHERE { ?doc a bkg:SourceDocument } }
}"""

# The default graph is the union of the documents' graphs and Oxigraph keeps a triple
# once per graph that holds it (a department appears in every document of its own),
# so patterns over shared resources go through DISTINCT before anything is summed.
DEPARTMENTS = """
SELECT ?d (SAMPLE(?name) AS ?label) (SAMPLE(?id) AS ?code) (COUNT(?py) AS ?projects) (SUM(?total) AS ?yuan) WHERE {
  { SELECT DISTINCT ?d ?name ?id WHERE {
      ?d a bkg:Department . OPTIONAL { ?d rdfs:label ?name } OPTIONAL { ?d org:identifier ?id } } }
  OPTIONAL { { SELECT DISTINCT ?d ?py ?total WHERE {
      ?py a bkg:ProjectYear ; bkg:department ?d .
      OPTIONAL { ?a bkg:projectYear ?py ; bkg:fundSource fund:total ; bkg:amount ?total } } } }
} GROUP BY ?d ORDER BY ?code"""

YEARS = """
SELECT ?year (COUNT(DISTINCT ?py) AS ?projects) WHERE { ?py a bkg:ProjectYear ; bkg:fiscalYear ?year }
GROUP BY ?year ORDER BY ?year"""

# The label joined after counting: a concept's label is repeated in every document's graph,
# and joined per indicator row it multiplied the rows by the documents (1M: 6.5 s → 0.4 s;
# at 10M the landing page and VoID took over 15 min).
TOP_CONCEPTS = """
SELECT DISTINCT ?c ?label ?projects WHERE {
  { SELECT ?c (COUNT(DISTINCT ?py) AS ?projects) WHERE {
      { SELECT ?i ?c WHERE { ?i bkg:indicatorConcept ?c } }
      { SELECT ?py ?i WHERE { ?py bkg:hasIndicator ?i } }
    } GROUP BY ?c HAVING (COUNT(DISTINCT ?py) > 1) }
  ?c skos:prefLabel ?label
} ORDER BY DESC(?projects) ?label LIMIT 20"""


DEPARTMENT_YEARS = """
SELECT ?d ?year (SUM(?total) AS ?yuan) WHERE {
  { SELECT DISTINCT ?d ?py ?year ?total WHERE {
      ?py a bkg:ProjectYear ; bkg:department ?d ; bkg:fiscalYear ?year .
      ?a bkg:projectYear ?py ; bkg:fundSource fund:total ; bkg:amount ?total } }
} GROUP BY ?d ?year"""


def landing(state: ServiceState) -> dict[str, Any]:
    stats = select_py(state, STATS)
    departments = select_py(state, DEPARTMENTS)
    for d in departments:
        d["total_wan"] = wan(d.get("yuan"))
    names = {d["d"]: d.get("label") or d.get("code") or d["d"] for d in departments}
    money = {(names.get(r["d"], r["d"]), str(r["year"])): wan(r["yuan"])
             for r in select_py(state, DEPARTMENT_YEARS) if wan(r.get("yuan")) is not None}
    order = [names[d["d"]] for d in departments]
    return {
        "chart": charts.bars_svg(charts.grouped(money, [n for n in order if any(k[0] == n for k in money)]),
                                 title="项目总额（万元），按部门和年度 Project totals (10k CNY) by department and year",
                                 unit="万元", chart_id="money-chart"),
        "stats": stats[0] if stats else {},
        "departments": departments,
        "years": select_py(state, YEARS),
        "top_concepts": select_py(state, TOP_CONCEPTS),
    }


# -- generic: the properties of one resource -------------------------------------------

PROPERTIES = """
SELECT ?dir ?p ?o ?label WHERE {{
  {{ {t} ?p ?o . BIND("out" AS ?dir)
    OPTIONAL {{ FILTER(isIRI(?o)) VALUES ?lp {{ rdfs:label skos:prefLabel }} ?o ?lp ?label }} }}
  UNION
  {{ {{ SELECT ?p ?o WHERE {{ ?o ?p {t} }} LIMIT {limit} }} BIND("in" AS ?dir)
    OPTIONAL {{ VALUES ?lp {{ rdfs:label skos:prefLabel }} ?o ?lp ?label }} }}
}}"""

KIND_OF = """
SELECT ?type ?scheme ?any WHERE {{
  {{ {t} a ?type }} UNION {{ {t} skos:inScheme ?scheme }}
  UNION {{ SELECT (1 AS ?any) WHERE {{ {{ {t} ?p ?o }} UNION {{ ?s ?q {t} }} UNION {{ GRAPH {t} {{ ?a ?b ?c }} }} }} LIMIT 1 }}
}}"""


@dataclass
class Resource:
    """A resource's own triples, its incoming links and the labels of its neighbours."""

    iri: str
    out: dict[str, list[Term]] = field(default_factory=lambda: defaultdict(list))
    inbound: dict[str, list[Term]] = field(default_factory=lambda: defaultdict(list))
    labels: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    #: how many distinct resources link here by each property (``inbound`` holds a sample)
    inbound_total: dict[str, int] = field(default_factory=dict)

    def first(self, prop: str) -> Any:
        values = self.out.get(prop)
        return values[0].py if values else None

    def label(self, iri: str | None = None) -> str:
        return pick_label(self.labels.get(iri or self.iri, {})) or ""

    @property
    def own_label(self) -> str:
        for term in self.out.get(RDFS_LABEL, []) + self.out.get(SKOS + "prefLabel", []):
            return term.value
        return ""


def pick_label(labels: dict[str, str], lang: str = "zh") -> str | None:
    for key in (lang, "zh", "en", ""):
        if key in labels:
            return labels[key]
    return next(iter(labels.values()), None)


def kind_of(state: ServiceState, iri: str) -> tuple[bool, set[str], set[str]]:
    """(exists, types, schemes) of ``iri``."""
    rows = select(state, KIND_OF.format(t=t(iri)))
    types = {r["type"].value for r in rows if "type" in r}
    schemes = {r["scheme"].value for r in rows if "scheme" in r}
    return any("any" in r for r in rows), types, schemes


def resource(state: ServiceState, iri: str, inbound_limit: int = 500) -> Resource:
    res = Resource(iri)
    seen: set[tuple[str, str, Term]] = set()
    inbound_rows = 0  # before removing repeats (a link is kept once per graph holding it)
    for row in select(state, PROPERTIES.format(t=t(iri), limit=inbound_limit)):
        p, o, direction = row["p"].value, row["o"], row["dir"].value
        inbound_rows += direction == "in"
        if (direction, p, o) not in seen:
            seen.add((direction, p, o))
            (res.out if direction == "out" else res.inbound)[p].append(o)
        if "label" in row:
            res.labels[o.value][row["label"].lang or ""] = row["label"].value
    for term in res.out.get(RDFS_LABEL, []) + res.out.get(SKOS + "prefLabel", []):
        res.labels[iri].setdefault(term.lang or "", term.value)
    if inbound_rows >= inbound_limit:  # the links are a sample: count them all
        res.inbound_total = {row["p"]: int(row["n"]) for row in select_py(state, INBOUND_COUNTS.format(t=t(iri)))}
    return res


INBOUND_COUNTS = """SELECT ?p (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p {t} }} GROUP BY ?p"""


# -- targets ----------------------------------------------------------------------------

TARGET_TRIPLES = """
SELECT ?ind ?t ?p ?o WHERE {{
  {scope}
  ?ind bkg:target ?t0 . ?t0 bkg:part* ?t . ?t ?p ?o .
}}"""


@dataclass
class TargetView:
    kind: str = ""
    comparator: str = ""
    values: list[Decimal] = field(default_factory=list)
    unit: str = ""
    per: str = ""
    date_start: str = ""
    date_end: str = ""
    notes: list[str] = field(default_factory=list)
    position: int = 0
    parts: list[TargetView] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The normalized target in one line: ``≥ 95 %``, ``2022-12-01 – 2022-12-31``…"""
        if self.parts:
            return "; ".join(p.text for p in sorted(self.parts, key=lambda p: p.position))
        if self.date_start or self.date_end:
            if self.comparator in ("<=", "<") and self.date_end:
                return f"{_CMP.get(self.comparator, self.comparator)} {self.date_end}"
            if self.comparator in (">=", ">") and self.date_start:
                return f"{_CMP.get(self.comparator, self.comparator)} {self.date_start}"
            if self.date_start == self.date_end or not self.date_end:
                return self.date_start or self.date_end
            return f"{self.date_start} – {self.date_end}"
        if self.values:
            number = " – ".join(_num(v) for v in sorted(self.values))
            cmp = "" if self.comparator in ("", "=") else _CMP.get(self.comparator, self.comparator) + " "
            unit = f" {self.unit}" if self.unit else ""
            per = f"/{self.per}" if self.per else ""
            return f"{cmp}{number}{unit}{per}"
        return {"qualitative": "定性 qualitative", "empty": "—"}.get(self.kind, self.kind)


_CMP = {">=": "≥", "<=": "≤"}


def _num(v: Decimal) -> str:
    text = format(v.normalize(), "f") if v == v.to_integral() else format(v, "f")
    return text


def targets(state: ServiceState, scope: str) -> dict[str, TargetView]:
    """Target of each indicator matched by ``scope`` (a pattern binding ``?ind``)."""
    by_node: dict[str, TargetView] = defaultdict(TargetView)
    top: dict[str, str] = {}
    part_of: dict[str, str] = {}
    bkg = DEF
    for row in select(state, TARGET_TRIPLES.format(scope=scope)):
        node, p, o = row["t"].value, row["p"].value, row["o"]
        view = by_node[node]
        if p == bkg + "targetKind":
            view.kind = local_name(o.value)
        elif p == bkg + "comparatorText":
            view.comparator = o.value
        elif p == bkg + "value":
            if o.py not in view.values:
                view.values.append(o.py)
        elif p == bkg + "unitText":
            view.unit = o.value
        elif p == bkg + "per":
            view.per = o.value
        elif p == bkg + "dateStart":
            view.date_start = o.value
        elif p == bkg + "dateEnd":
            view.date_end = o.value
        elif p == bkg + "note":
            if o.value not in view.notes:
                view.notes.append(o.value)
        elif p == bkg + "position":
            view.position = o.py
        elif p == bkg + "part":
            part_of[o.value] = node
        if node.endswith("/target"):
            top[row["ind"].value] = node
    for part, parent in part_of.items():
        if by_node[part] not in by_node[parent].parts:
            by_node[parent].parts.append(by_node[part])
    return {ind: by_node[node] for ind, node in top.items()}


# -- organisations -----------------------------------------------------------------------

ORG_PROJECTS = """
SELECT ?py ?name ?year ?seq ?line ?unit ?unitLabel ?total ?carry ?l2 WHERE {{
  ?py a bkg:ProjectYear ; {link} {t} ; bkg:fiscalYear ?year ; bkg:projectLine ?line .
  OPTIONAL {{ ?py rdfs:label ?name }} OPTIONAL {{ ?py bkg:sequence ?seq }}
  OPTIONAL {{ ?py bkg:implementingUnit ?unit . OPTIONAL {{ ?unit rdfs:label ?unitLabel }} }}
  OPTIONAL {{ ?a bkg:projectYear ?py ; bkg:fundSource fund:total ; bkg:amount ?total }}
  OPTIONAL {{ ?py bkg:isCarryover ?carry }}
}} ORDER BY DESC(?year) ?seq ?py"""

SUBUNITS = """
SELECT DISTINCT ?u ?label ?code WHERE {{
  ?u org:subOrganizationOf {t} . OPTIONAL {{ ?u rdfs:label ?label }} OPTIONAL {{ ?u org:identifier ?code }}
}} ORDER BY ?code"""


def organisation(state: ServiceState, iri: str, res: Resource, *, is_department: bool) -> dict[str, Any]:
    link = "bkg:department" if is_department else "bkg:implementingUnit"
    rows = select_py(state, ORG_PROJECTS.format(t=t(iri), link=link))
    years: dict[Any, dict[str, Any]] = {}
    seen: set[str] = set()
    for row in rows:
        if row["py"] in seen:  # one row per project year
            continue
        seen.add(row["py"])
        year = years.setdefault(row["year"], {"year": row["year"], "projects": [], "yuan": Decimal(0)})
        row["total_wan"] = wan(row.get("total"))
        year["projects"].append(row)
        if isinstance(row.get("total"), Decimal):
            year["yuan"] += row["total"]
    for year in years.values():
        year["total_wan"] = wan(year["yuan"])
    parent = res.out.get("http://www.w3.org/ns/org#subOrganizationOf", [])
    by_unit: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for year in years.values():
        for row in year["projects"]:
            if row.get("total_wan") is not None:
                unit = row.get("unitLabel") or ("（未列单位）" if is_department else res.own_label)
                by_unit[(unit, str(row["year"]))] += row["total_wan"]
    units = sorted({u for u, _ in by_unit}, key=lambda u: -sum(v for (x, _), v in by_unit.items() if x == u))
    return {
        "chart": charts.bars_svg(charts.grouped(by_unit, units), unit="万元", chart_id="unit-chart",
                                 title="项目总额（万元），按实施单位和年度 Project totals (10k CNY) by unit and year"),
        "years": list(years.values()),
        "project_count": len(seen),
        "subunits": select_py(state, SUBUNITS.format(t=t(iri))),
        "parent": parent[0].value if parent else None,
        "code": res.first("http://www.w3.org/ns/org#identifier"),
    }


# -- project lines --------------------------------------------------------------------------

LINE_YEARS = """
SELECT DISTINCT ?py ?name ?year ?seq ?carry ?from ?fromYear ?marker ?total ?carryFunds WHERE {{
  ?py bkg:projectLine {t} ; bkg:fiscalYear ?year .
  OPTIONAL {{ ?py rdfs:label ?name }} OPTIONAL {{ ?py bkg:sequence ?seq }}
  OPTIONAL {{ ?py bkg:isCarryover ?carry }} OPTIONAL {{ ?py bkg:carriesOverFrom ?from }}
  OPTIONAL {{ ?py bkg:carryoverFromYear ?fromYear }} OPTIONAL {{ ?py bkg:carryoverMarker ?marker }}
  OPTIONAL {{ ?a bkg:projectYear ?py ; bkg:fundSource fund:total ; bkg:amount ?total }}
  OPTIONAL {{ ?b bkg:projectYear ?py ; bkg:fundSource fund:carryover ; bkg:amount ?carryFunds }}
}} ORDER BY ?year ?seq"""

EXISTING = """SELECT ?x WHERE {{ VALUES ?x {{ {iris} }} ?x ?p ?o }} GROUP BY ?x"""


def existing(state: ServiceState, iris: list[str]) -> set[str]:
    if not iris:
        return set()
    rows = select_py(state, EXISTING.format(iris=" ".join(t(i) for i in iris)))
    return {r["x"] for r in rows}


def project_line(state: ServiceState, iri: str) -> dict[str, Any]:
    tables = select_py(state, LINE_YEARS.format(t=t(iri)))
    known = existing(state, sorted({r["from"] for r in tables if r.get("from")}))
    per_year: dict[Any, dict[str, Decimal]] = {}
    unique: dict[str, dict[str, Any]] = {}
    for row in tables:
        unique.setdefault(row["py"], row)  # one row per table
    tables = list(unique.values())
    for row in tables:
        row["total_wan"] = wan(row.get("total"))
        row["carry_funds_wan"] = wan(row.get("carryFunds"))
        row["from_known"] = row.get("from") in known
        bucket = per_year.setdefault(row["year"], {"budget": Decimal(0), "carryover": Decimal(0)})
        amount = wan(row.get("total")) or Decimal(0)
        bucket["carryover" if row.get("carry") else "budget"] += amount
    return {"tables": tables, "chart": bar_chart(per_year)}


def bar_chart(per_year: dict[Any, dict[str, Decimal]], width: int = 560, height: int = 220) -> dict[str, Any]:
    """Geometry of a stacked bar chart (budget + carried-over tables) per year, for SVG."""
    years = sorted(per_year)
    top = max((sum(v.values()) for v in per_year.values()), default=Decimal(0)) or Decimal(1)
    left, bottom, plot_h = 70, 30, height - 50
    slot = (width - left - 10) / max(len(years), 1)
    bar_w = min(60.0, slot * 0.6)
    bars = []
    for i, year in enumerate(years):
        x = left + i * slot + (slot - bar_w) / 2
        y: float = height - bottom
        segments = []
        for key in ("budget", "carryover"):
            value = per_year[year][key]
            h = float(value / top) * plot_h
            if value:
                segments.append({"key": key, "x": x, "y": y - h, "h": h, "value": value})
            y -= h
        bars.append({"year": year, "x": x, "w": bar_w, "segments": segments,
                     "total": per_year[year]["budget"] + per_year[year]["carryover"], "top": y})
    return {"width": width, "height": height, "bars": bars, "max": top, "left": left,
            "baseline": height - bottom, "plot_h": plot_h}


# -- project years -------------------------------------------------------------------------

AMOUNTS = """
SELECT DISTINCT ?a ?source ?yuan ?printed ?printedUnit WHERE {{
  ?a bkg:projectYear {t} ; bkg:fundSource ?source .
  OPTIONAL {{ ?a bkg:amount ?yuan }} OPTIONAL {{ ?a bkg:printedAmount ?printed }}
  OPTIONAL {{ ?a bkg:printedUnit ?printedUnit }}
}}"""

INDICATORS = """
SELECT ?ind ?pos ?l1 ?l2 ?name ?value ?concept ?conceptLabel ?line ?locator ?basis ?printedL2 WHERE {{
  {t} bkg:hasIndicator ?ind . ?ind bkg:position ?pos .
  OPTIONAL {{ ?ind bkg:level1 ?l1 }} OPTIONAL {{ ?ind bkg:level2 ?l2 }}
  OPTIONAL {{ ?ind bkg:printedName ?name }} OPTIONAL {{ ?ind bkg:printedValue ?value }}
  OPTIONAL {{ ?ind bkg:indicatorConcept ?concept OPTIONAL {{ ?concept skos:prefLabel ?conceptLabel }} }}
  OPTIONAL {{ ?ind bkg:sourceLine ?line }} OPTIONAL {{ ?ind bkg:sourceLocator ?locator }}
  OPTIONAL {{ ?ind bkg:level2Basis ?basis }}
  OPTIONAL {{ ?ind bkg:printedLevel2 ?printedL2 }}
}} ORDER BY ?pos"""

SOURCE = """
SELECT ?doc ?file ?sha ?dataset ?url ?retrieved WHERE {{
  {t} prov:wasDerivedFrom ?doc . OPTIONAL {{ ?doc bkg:fileName ?file }} OPTIONAL {{ ?doc bkg:sha256 ?sha }}
  OPTIONAL {{ ?doc <http://www.w3.org/ns/dcat#downloadURL> ?url }} OPTIONAL {{ ?doc bkg:retrievedOn ?retrieved }}
  OPTIONAL {{ {t} void:inDataset ?dataset }}
}} LIMIT 1"""

#: Order of the fund block as the tables print it.
FUND_ORDER = ("total", "annual-total", "own-level-total", "fiscal-appropriation", "other-funds",
              "carryover", "transfer-total", "central-funds", "regional-funds")


def project_year(state: ServiceState, iri: str) -> dict[str, Any]:
    amounts = select_py(state, AMOUNTS.format(t=t(iri)))
    for a in amounts:
        a["key"] = local_name(a["source"])
        a["wan"] = wan(a.get("yuan"))
    amounts.sort(key=lambda a: FUND_ORDER.index(a["key"]) if a["key"] in FUND_ORDER else 99)
    indicators = select_py(state, INDICATORS.format(t=t(iri)))
    views = targets(state, f"{t(iri)} bkg:hasIndicator ?ind .")
    groups: dict[str, dict[str, list[dict[str, Any]]]] = {}
    seen: set[str] = set()
    for ind in indicators:
        if ind["ind"] in seen:
            continue
        seen.add(ind["ind"])
        ind["target"] = views.get(ind["ind"])
        groups.setdefault(ind.get("l1", ""), {}).setdefault(ind.get("l2", ""), []).append(ind)
    # Levels in code order (1 output, 2 effect, 3 satisfaction; 11 … 31).
    groups = {l1: dict(sorted(by_l2.items(), key=lambda kv: _code_key(kv[0])))
              for l1, by_l2 in sorted(groups.items(), key=lambda kv: _code_key(kv[0]))}
    source = select_py(state, SOURCE.format(t=t(iri)))
    return {"amounts": amounts, "groups": groups, "indicator_count": len(seen),
            "source": source[0] if source else None}


def _code_key(level_iri: str) -> tuple[int, str]:
    code = local_name(level_iri) if level_iri else ""
    return (int(code) if code.isdigit() else 999, code)


# -- indicator concepts ------------------------------------------------------------------------

CONCEPT_USES = """
SELECT ?ind ?py ?pyName ?year ?seq ?dept ?deptLabel ?unit ?unitLabel ?l1 ?l2 ?name ?value ?line WHERE {{
  ?ind bkg:indicatorConcept {t} . ?py bkg:hasIndicator ?ind ; bkg:fiscalYear ?year .
  OPTIONAL {{ ?py rdfs:label ?pyName }} OPTIONAL {{ ?py bkg:sequence ?seq }}
  OPTIONAL {{ ?py bkg:department ?dept OPTIONAL {{ ?dept rdfs:label ?deptLabel }} }}
  OPTIONAL {{ ?py bkg:implementingUnit ?unit OPTIONAL {{ ?unit rdfs:label ?unitLabel }} }}
  OPTIONAL {{ ?ind bkg:level1 ?l1 }} OPTIONAL {{ ?ind bkg:level2 ?l2 }}
  OPTIONAL {{ ?ind bkg:printedName ?name }} OPTIONAL {{ ?ind bkg:printedValue ?value }}
  OPTIONAL {{ ?ind bkg:sourceLine ?line }}
}} ORDER BY ?year ?seq ?ind"""


def indicator_concept(state: ServiceState, iri: str) -> dict[str, Any]:
    uses = []
    seen: set[str] = set()
    views = targets(state, f"?ind bkg:indicatorConcept {t(iri)} .")
    for row in select_py(state, CONCEPT_USES.format(t=t(iri))):
        if row["ind"] in seen:
            continue
        seen.add(row["ind"])
        row["target"] = views.get(row["ind"])
        uses.append(row)
    return {"uses": uses, "projects": len({u["py"] for u in uses}), "years": sorted({u["year"] for u in uses}),
            "chart": target_spread(uses)}


def target_spread(uses: list[dict[str, Any]]) -> Any:
    """How many projects set each target, per year: the spread of one indicator's targets."""
    counts: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    numbers: dict[str, Decimal] = {}
    for use in uses:
        view = use.get("target")
        text = view.text if view else (use.get("value") or "—")
        counts[(text, str(use["year"]))] += 1
        if view and view.values and not view.parts:
            numbers.setdefault(text, min(view.values))
    # numeric targets in the order of their numbers, then the others by how often they occur
    order = sorted({t for t, _ in counts}, key=lambda t: (t not in numbers, numbers.get(t, Decimal(0)),
                                                            -sum(v for (x, _), v in counts.items() if x == t), t))
    return charts.bars_svg(charts.grouped(counts, order), chart_id="target-chart",
                           title="各目标值的项目数，按年度 Projects per target value, by year")


# -- search ---------------------------------------------------------------------------------------

SEARCH = """
SELECT ?kind ?x ?label ?year (COUNT(DISTINCT ?use) AS ?uses) WHERE {{
  {{ ?x a bkg:ProjectYear ; rdfs:label ?label ; bkg:fiscalYear ?year . BIND("project" AS ?kind) BIND(?x AS ?use) }}
  UNION
  {{ ?x skos:inScheme bkg:IndicatorNameScheme ; skos:prefLabel ?label . BIND("concept" AS ?kind)
     OPTIONAL {{ ?use bkg:indicatorConcept ?x }} }}
  FILTER(CONTAINS(LCASE(STR(?label)), LCASE({q})))
}} GROUP BY ?kind ?x ?label ?year ORDER BY ?kind ?label ?year LIMIT {limit}"""


def search(state: ServiceState, text: str) -> dict[str, Any]:
    rows = select_py(state, SEARCH.format(q=literal(text), limit=SEARCH_LIMIT))
    return {
        "projects": [r for r in rows if r["kind"] == "project"],
        "concepts": [r for r in rows if r["kind"] == "concept"],
        "truncated": len(rows) >= SEARCH_LIMIT,
    }

