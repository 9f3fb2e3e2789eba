"""The layout-family tables in RDF: each of the six real examples converted, validated
against the shapes, and read back with SPARQL into what the answer key scores."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef
from template_truth import score

from budgetkg.loader.model import ontology_graph
from budgetkg.loader.rdf import add_ontology, convert, document_graph
from budgetkg.loader.reader import read_document
from budgetkg.loader.text import fold
from budgetkg.loader.validate import validate_graph

HERE = Path(__file__).parent / "templates"
EXAMPLES = sorted(HERE.glob("*.txt"))

PREFIXES = """
PREFIX bkg: <https://w3id.org/budgetkg/def/>
PREFIX fund: <https://w3id.org/budgetkg/def/fund-source/>
PREFIX level: <https://w3id.org/budgetkg/def/indicator-level/>
PREFIX fw: <https://w3id.org/budgetkg/def/indicator-level-2021/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


def _graph(path: Path, **kw) -> Graph:
    return document_graph(read_document(path), **kw)[1]


def _read_back(g: Graph) -> dict:
    """The family document's JSON shape (what ``score`` reads), from the graph alone."""
    tables: dict[str, dict] = {}
    for py, name in g.query(PREFIXES + "SELECT ?py ?name WHERE { ?py a bkg:ProjectYear ; bkg:printedName ?name }"):
        tables[str(py)] = {"name": str(name), "amounts": [], "indicators": []}
    q = PREFIXES + """SELECT ?py ?label ?text ?value ?column WHERE {
        ?py bkg:hasPrintedAmount ?a . ?a rdfs:label ?label ; bkg:printedText ?text ; bkg:position ?n .
        OPTIONAL { ?a bkg:printedAmount ?value } OPTIONAL { ?a bkg:amountColumn ?column } } ORDER BY ?py ?n"""
    for py, label, text, value, column in g.query(q):
        tables[str(py)]["amounts"].append({"label": str(label), "printed": str(text),
                                           "value": None if value is None else str(value),
                                           "column": None if column is None else str(column)})
    q = PREFIXES + """SELECT ?py ?l1 ?l2 ?l3 ?value ?block WHERE {
        ?py bkg:hasIndicator ?i . ?i bkg:printedName ?l3 ; bkg:printedValue ?value ; bkg:position ?n .
        OPTIONAL { ?i bkg:printedLevel1 ?l1 } OPTIONAL { ?i bkg:printedLevel2 ?l2 } OPTIONAL { ?i bkg:block ?block } }
        ORDER BY ?py ?n"""
    for py, l1, l2, l3, value, block in g.query(q):
        tables[str(py)]["indicators"].append({"l1": str(l1 or ""), "l2": str(l2 or ""), "l3": str(l3),
                                              "value": str(value), "block": None if block is None else str(block)})
    return {"tables": list(tables.values())}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_graph_conforms_and_holds_the_truth(path: Path):
    truth = json.loads(path.with_suffix(".truth.json").read_text(encoding="utf-8"))
    g = _graph(path)
    report = validate_graph(g)
    assert report.conforms, [str(f) for f in report.findings][:5]
    back = _read_back(g)
    s = score(back, truth)
    assert s.tables[0] == s.tables[1] and s.amounts[0] == s.amounts[1] and (s.fp, s.fn) == (0, 0), s
    # every amount also as printed (label + printed text), not only its value
    printed = {(fold(a["label"]).rstrip(":"), fold(a["printed"])) for t in back["tables"] for a in t["amounts"]}
    want = {(fold(a["label"]).rstrip(":"), fold(str(a["printed"]))) for p in truth["projects"] for a in p.get("amounts", [])}
    assert want <= printed, want - printed


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_printed_value_has_its_yuan(path: Path):
    g = _graph(path)
    rows = list(g.query(PREFIXES + """SELECT ?printed ?yuan ?unit WHERE {
        ?a a bkg:PrintedAmount ; bkg:printedAmount ?printed ; bkg:amount ?yuan ; bkg:printedUnit ?unit }"""))
    assert rows
    factor = {"CNY": 1, "TenThousandYuan": 10_000}
    for printed, yuan, unit in rows:
        assert Decimal(str(yuan)) == Decimal(str(printed)) * factor[str(unit).rsplit("/", 1)[-1]]


def test_a_table_has_its_project_year_line_department_and_total():
    """The Ningxia model's classes and IRIs, so that every library query sees the table."""
    g = _graph(HERE / "01_shanghai_putuo_2026_lanxilu_lines.txt")
    rows = list(g.query(PREFIXES + """SELECT ?year ?dept ?unit ?total ?printed WHERE {
        ?py a bkg:ProjectYear ; bkg:fiscalYear ?year ; bkg:projectLine ?line ; bkg:department ?d ;
            bkg:implementingUnit ?u ; bkg:layoutFamily "shanghai_caizheng_shenbao" ; bkg:indicatorFramework "2021" .
        ?line a bkg:ProjectLine ; bkg:department ?d .
        ?d rdfs:label ?dept . ?u rdfs:label ?unit .
        ?f bkg:projectYear ?py ; bkg:fundSource fund:total ; bkg:amount ?total ; bkg:printedAmount ?printed }"""))
    assert len(rows) == 1
    year, dept, unit, total, printed = rows[0]
    assert str(year) == "2026" and str(dept) == "上海市普陀区建设和管理委员会"
    assert str(unit) == "上海市普陀区市政工程建设中心"
    assert Decimal(str(total)) == Decimal(str(printed)) == Decimal("771325800")  # 元: printed = yuan
    (annual,), = g.query(PREFIXES + "SELECT ?y WHERE { ?f bkg:fundSource fund:annual-total ; bkg:amount ?y }")
    assert Decimal(str(annual)) == Decimal("226145100")  # the year's column, not the project's


def test_wan_yuan_amounts_are_normalized_to_yuan():
    g = _graph(HERE / "06_chongqing_fengjie_2023_shenpi.txt")
    (total,), = g.query(PREFIXES + "SELECT ?y WHERE { ?f bkg:fundSource fund:total ; bkg:amount ?y }")
    assert Decimal(str(total)) == Decimal("650000")  # printed 65 (万元)


def test_cost_rows_of_both_frameworks_are_level_14():
    """A 2021 cost row (level-1 成本指标) is level:14 like an old one, with its 2021 levels."""
    ds = Dataset()
    for name in ("01_shanghai_putuo_2026_lanxilu_lines.txt", "08_hunan_xiangtan_2023_shenbao.txt"):
        ds.graph(URIRef(f"urn:test:{name}")).__iadd__(_graph(HERE / name))
    q = PREFIXES + """SELECT ?framework (COUNT(?i) AS ?n) WHERE { GRAPH ?g {
        ?py bkg:hasIndicator ?i ; bkg:indicatorFramework ?framework . ?i bkg:level2 level:14 } }
        GROUP BY ?framework"""
    counts = {str(f): int(n) for f, n in ds.query(q)}
    assert counts.get("2021", 0) >= 1 and counts.get("old", 0) >= 1, counts
    q = PREFIXES + """SELECT ?l1 ?l2 WHERE { GRAPH ?g { ?py bkg:indicatorFramework "2021" ; bkg:hasIndicator ?i .
        ?i bkg:level2 level:14 ; bkg:frameworkLevel1 ?l1 ; bkg:frameworkLevel2 ?l2 } }"""
    got = {(str(a).rsplit("/", 1)[-1], str(b).rsplit("/", 1)[-1]) for a, b in ds.query(q)}
    assert got and all(a == "4" and b in {"41", "42", "43"} for a, b in got), got


def test_cost_indicators_through_the_framework_mappings():
    """"Cost indicators" asked in the 2021 vocabulary (fw:4 and what is under it) finds
    the old framework's rows too, through the SKOS mappings in the ontology graph."""
    ds = Dataset()
    add_ontology(ds)
    for name in ("01_shanghai_putuo_2026_lanxilu_lines.txt", "13_anhui_jinzhai_2021_shenbao.txt"):
        ds.graph(URIRef(f"urn:test:{name}")).__iadd__(_graph(HERE / name))
    q = PREFIXES + """SELECT DISTINCT ?framework ?i WHERE {
        GRAPH ?o { { fw:4 skos:closeMatch ?old } UNION { ?c skos:broader fw:4 ; skos:broadMatch ?old } }
        GRAPH ?g { ?py bkg:hasIndicator ?i ; bkg:indicatorFramework ?framework . ?i bkg:level2 ?old } }"""
    frameworks = {str(f) for f, _ in ds.query(q)}
    assert frameworks == {"2021", "old"}


def test_contacts_are_published_only_when_the_setting_says_so():
    path = HERE / "06_chongqing_fengjie_2023_shenpi.txt"
    doc = read_document(path)
    phones = [v for t in doc.tables for v in t.contacts.values()]
    assert phones  # the table prints them: read, kept apart
    hidden = document_graph(doc)[1]
    shown = document_graph(doc, publish_contacts=True)[1]
    text = lambda g: {str(o) for o in g.objects()}  # noqa: E731
    assert not set(phones) & text(hidden)
    assert set(phones) <= text(shown)
    assert validate_graph(shown).conforms


def test_the_ontology_graph_holds_both_frameworks():
    g = ontology_graph()
    q = PREFIXES + "ASK { fw:41 skos:broader fw:4 ; skos:broadMatch level:14 . fw:4 skos:closeMatch level:14 }"
    assert g.query(q).askAnswer
    assert len(convert(read_document(EXAMPLES[0]), with_ontology=True)) > 0


@pytest.mark.parametrize("l1, l2, want", [
    ("成本指标", "经济成本指标", ("1", "14", "4", "41")),
    ("成本指标", "", ("1", "14", "4", None)),  # a 2021 cost row with no level 2 printed
    ("产出指标", "成本指标", ("1", "14", "1", None)),  # the old framework
    ("效益指标", "环境效益指标", ("2", "23", "2", "23")),
    ("满意度指标", "服务对象满意度", ("3", "31", "3", "31")),
    ("满意度指标", "社会公众或服务对象满意度指标", ("3", "31", "3", "31")),
    ("产出指标", "数量指标", ("1", "11", "1", "11")),
    ("效益指标", "数量指标", ("2", None, "2", None)),  # a level 2 under another level 1: not placed
])
def test_levels_of_both_frameworks_from_the_vocabulary(l1, l2, want):
    from budgetkg.loader.frameworks import levels_of

    got = levels_of(l1, l2)
    short = lambda c: None if c is None else str(c).rsplit("/", 1)[-1]  # noqa: E731
    assert (got.level1, got.level2, short(got.framework_level1), short(got.framework_level2)) == want
