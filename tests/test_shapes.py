"""SHACL both ways: a small conforming graph, and one counterexample per shape and check.

The conforming graph is the converter's output for a two-table document built from
records; each counterexample changes it with a small inline SPARQL Update (Turtle
triples) and must fail for the expected reason (shape + severity).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import Graph

from budgetkg.loader.namespaces import PREFIXES
from budgetkg.loader.rdf import document_graph
from budgetkg.loader.records import Amounts, Attribute, Carryover, Document, Indicator, Org, Project
from budgetkg.loader.validate import validate_graph
from budgetkg.loader.values import normalize_target

SHA = "ab" * 32
PY = "<https://budgetkg.example.org/id/project/303/{h}/2022>"


def _ind(l1: str, l2: str, name: str, value: str, line: int) -> Indicator:
    return Indicator(l1, l2, name, value, line, normalize_target(value, fiscal_year=2022), "label", None)


def small_doc() -> Document:
    dept = Org("303", "自治区人力资源和社会保障厅", "自治区人力资源和社会保障厅")
    unit = Org("303001", "自治区人力资源和社会保障厅本级", "自治区人力资源和社会保障厅本级")
    p1 = Project(
        seq=1, line=10, end_line=20, name="培训项目", department=dept, unit=unit,
        attribute=Attribute("02", "经常性项目", "02-经常性项目"), period="1年",
        amounts=Amounts(total=Decimal("100.00"), annual_total=Decimal("100.00"),
                        own_level_total=Decimal("100.00"), fiscal_appropriation=Decimal("100.00")),
        goal="完成培训", goal_line=12, carryover=Carryover(False),
        indicators=[
            _ind("1", "11", "培训人数", "≥500人", 15),
            _ind("1", "12", "培训合格率", "≥95%", 16),
            _ind("1", "13", "完成时间", "2022年12月", 17),
            _ind("1", "14", "培训成本", "100万元", 18),
            _ind("3", "31", "服务对象满意度", "≥90%", 19),
        ],
    )
    return Document(source="small.txt", year=2022, currency_unit="万元", encoding="utf-8",
                    projects=[p1], sha256=SHA)


@pytest.fixture(scope="module")
def base_graph() -> Graph:
    return document_graph(small_doc())[1]


PREFIX_TEXT = "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items())


def mutate(g: Graph, update: str) -> Graph:
    out = Graph()
    out += g
    out.update(PREFIX_TEXT + "\n" + update)
    return out


def test_conforming_example_has_no_finding(base_graph):
    r = validate_graph(base_graph)
    assert r.conforms, r.text()
    assert r.findings == [], r.text()


# (id, update, shape local name or None for any, severity)
I1 = "?i bkg:position 1 ."  # first indicator (培训人数)
CASES = [
    ("project-missing-total",
     "DELETE { ?a ?p ?o } WHERE { ?a bkg:fundSource fund:total ; ?p ?o }", "ProjectYearShape", "violation"),
    ("project-missing-department",
     "DELETE { ?py bkg:department ?d } WHERE { ?py a bkg:ProjectYear ; bkg:department ?d }", "ProjectYearShape", "violation"),
    ("project-unknown-attribute",
     "DELETE { ?py bkg:projectAttribute ?a } INSERT { ?py bkg:projectAttribute attr:09 } WHERE { ?py bkg:projectAttribute ?a }",
     "ProjectYearShape", "violation"),
    ("project-year-not-gYear",
     'DELETE { ?py bkg:fiscalYear ?y } INSERT { ?py bkg:fiscalYear "2022" } WHERE { ?py a bkg:ProjectYear ; bkg:fiscalYear ?y }',
     "ProjectYearShape", "violation"),
    ("amount-not-decimal",
     'DELETE { ?a bkg:amount ?v } INSERT { ?a bkg:amount "一百万" } WHERE { ?a bkg:fundSource fund:total ; bkg:amount ?v }',
     "FundAmountShape", "violation"),
    ("amount-unknown-fund-source",
     "DELETE { ?a bkg:fundSource ?f } INSERT { ?a bkg:fundSource fund:lottery } WHERE { ?a bkg:fundSource fund:annual-total , ?f }",
     "FundAmountShape", "violation"),
    ("indicator-without-level2",
     f"DELETE {{ ?i bkg:level2 ?l }} WHERE {{ {I1} ?i bkg:level2 ?l }}", "IndicatorShape", "violation"),
    ("indicator-level2-under-other-level1",
     f"DELETE {{ ?i bkg:level2 ?l }} INSERT {{ ?i bkg:level2 level:21 }} WHERE {{ {I1} ?i bkg:level2 ?l }}",
     "IndicatorShape", "violation"),
    ("indicator-unknown-level1",
     f"DELETE {{ ?i bkg:level1 ?l }} INSERT {{ ?i bkg:level1 level:7 }} WHERE {{ {I1} ?i bkg:level1 ?l }}",
     "IndicatorShape", "violation"),
    ("indicator-unknown-basis",
     f'DELETE {{ ?i bkg:level2Basis ?b }} INSERT {{ ?i bkg:level2Basis "guess" }} WHERE {{ {I1} ?i bkg:level2Basis ?b }}',
     "IndicatorShape", "violation"),
    ("indicator-without-concept",
     f"DELETE {{ ?i bkg:indicatorConcept ?c }} WHERE {{ {I1} ?i bkg:indicatorConcept ?c }}", "IndicatorShape", "violation"),
    ("target-unknown-comparator",
     f"INSERT {{ ?t bkg:comparator cmp:roughly }} WHERE {{ {I1} ?i bkg:target ?t }}", "TargetShape", "violation"),
    ("target-value-not-decimal",
     f'INSERT {{ ?t bkg:value "五百" }} WHERE {{ {I1} ?i bkg:target ?t }}', "TargetShape", "violation"),
    ("target-dates-reversed",
     'DELETE { ?t bkg:dateStart ?s } INSERT { ?t bkg:dateStart "2023-01-01"^^xsd:date } WHERE { ?t bkg:dateStart ?s }',
     "TargetShape", "violation"),
    ("concept-without-label",
     "DELETE { ?c skos:prefLabel ?l } WHERE { ?c skos:inScheme bkg:IndicatorNameScheme ; skos:prefLabel ?l }",
     "IndicatorConceptShape", "violation"),
    ("line-without-department",
     "DELETE { ?l bkg:department ?d } WHERE { ?l a bkg:ProjectLine ; bkg:department ?d }", "ProjectLineShape", "violation"),
    ("department-without-code",
     "DELETE { ?d org:identifier ?c } WHERE { ?d a bkg:Department ; org:identifier ?c }", "DepartmentShape", "violation"),
    ("unit-without-parent",
     "DELETE { ?u org:subOrganizationOf ?d } WHERE { ?u a bkg:ImplementingUnit ; org:subOrganizationOf ?d }",
     "ImplementingUnitShape", "violation"),
    ("document-bad-sha",
     'DELETE { ?d bkg:sha256 ?s } INSERT { ?d bkg:sha256 "xyz" } WHERE { ?d a bkg:SourceDocument ; bkg:sha256 ?s }',
     "SourceDocumentShape", "violation"),
    # target groups (load-time summaries, vocabulary 0.6.0)
    ("target-group-month-13",
     "DELETE { ?n bkg:groupMonth ?m } INSERT { ?n bkg:groupMonth 13 } WHERE { ?n bkg:groupMonth ?m }",
     "TargetGroupShape", "violation"),
    ("target-group-without-rows",
     "DELETE { ?n bkg:groupRow ?r } WHERE { ?n bkg:groupRow ?r }", "TargetGroupShape", "violation"),
    ("target-group-of-another-category",
     "DELETE { ?n bkg:groupCategory ?c } INSERT { ?n bkg:groupCategory level:1 } WHERE { ?n bkg:groupCategory ?c }",
     "TargetGroupShape", "violation"),
    ("level-group-without-rows",
     "DELETE { ?n bkg:groupRowCount ?c } INSERT { ?n bkg:groupRowCount 0 } WHERE { ?n bkg:groupRowCount ?c }",
     "LevelGroupShape", "violation"),
    # fund groups (vocabulary 0.7.0)
    ("fund-group-sum-not-decimal",
     'DELETE { ?n bkg:groupSum ?s } INSERT { ?n bkg:groupSum "一百" } WHERE { ?n bkg:groupSum ?s }',
     "FundGroupShape", "violation"),
    ("fund-group-without-tables",
     "DELETE { ?n bkg:groupTable ?t } WHERE { ?n bkg:groupFundSource ?f ; bkg:groupTable ?t }",
     "FundGroupShape", "violation"),
    ("dataset-without-structure",
     "DELETE { ?d qb:structure ?s } WHERE { ?d a bkg:Dataset ; qb:structure ?s }", "DatasetShape", "violation"),
    # the family tables' nodes (loader/family_rdf.py), each put into the Ningxia graph broken
    ("printed-amount-without-label",
     "INSERT { ?py bkg:hasPrintedAmount ?a . ?a a bkg:PrintedAmount ; bkg:printedText '50' ; "
     "bkg:printedUnit bkg:TenThousandYuan ; bkg:sourceLine 5 } "
     "WHERE { ?py a bkg:ProjectYear . BIND (IRI(CONCAT(STR(?py), '/printed-amount/1')) AS ?a) }",
     "PrintedAmountShape", "violation"),
    ("printed-amount-without-yuan",
     "INSERT { ?py bkg:hasPrintedAmount ?a . ?a a bkg:PrintedAmount ; rdfs:label '年度资金总额' ; "
     "bkg:printedText '50' ; bkg:printedAmount 50.0 ; bkg:printedUnit bkg:TenThousandYuan ; bkg:sourceLine 5 } "
     "WHERE { ?py a bkg:ProjectYear . BIND (IRI(CONCAT(STR(?py), '/printed-amount/1')) AS ?a) }",
     "PrintedAmountValueShape", "violation"),
    ("goal-without-kind",
     "INSERT { ?py bkg:hasGoal ?g . ?g a bkg:Goal ; rdf:value '完成任务'@zh } "
     "WHERE { ?py a bkg:ProjectYear . BIND (IRI(CONCAT(STR(?py), '/goal/1')) AS ?g) }",
     "GoalShape", "violation"),
    ("header-field-without-value",
     "INSERT { ?py bkg:hasHeaderField ?h . ?h a bkg:HeaderField ; rdfs:label '项目分类' } "
     "WHERE { ?py a bkg:ProjectYear . BIND (IRI(CONCAT(STR(?py), '/field/1')) AS ?h) }",
     "HeaderFieldShape", "violation"),
    ("region-target-without-region",
     f"INSERT {{ ?i bkg:regionTarget ?r . ?r a bkg:RegionTarget ; bkg:printedValue '≥90%' }} "
     f"WHERE {{ {I1} BIND (IRI(CONCAT(STR(?i), '/region/1')) AS ?r) }}",
     "RegionTargetShape", "violation"),
    ("framework-level1-not-2021",
     f"INSERT {{ ?i bkg:frameworkLevel1 level:1 }} WHERE {{ {I1} }}", "FrameworkLevelShape", "violation"),
    # data-quality warnings
    ("own-level-sum",
     "INSERT { ?a bkg:projectYear ?py ; bkg:fundSource fund:other-funds ; bkg:amount 5.0 } "
     "WHERE { ?py a bkg:ProjectYear . BIND (IRI(CONCAT(STR(?py), '/amount/other-funds')) AS ?a) }",
     "OwnLevelSum", "warning"),
    ("transfer-sum",
     "INSERT { ?a bkg:projectYear ?py ; bkg:fundSource fund:transfer-total ; bkg:amount 10.0 . "
     "?b bkg:projectYear ?py ; bkg:fundSource fund:central-funds ; bkg:amount 3.0 } "
     "WHERE { ?py a bkg:ProjectYear . BIND (IRI(CONCAT(STR(?py), '/amount/t')) AS ?a) "
     "BIND (IRI(CONCAT(STR(?py), '/amount/c')) AS ?b) }",
     "TransferSum", "warning"),
    ("total-sum",
     "DELETE { ?a bkg:amount ?v } INSERT { ?a bkg:amount 999.0 } WHERE { ?a bkg:fundSource fund:total ; bkg:amount ?v }",
     "TotalSum", "warning"),
    ("cost-rows-sum",
     "DELETE { ?py bkg:costIndicatorTotal ?v } INSERT { ?py bkg:costIndicatorTotal 123.0 } "
     "WHERE { ?py bkg:costIndicatorTotal ?v }",
     "CostRowsSum", "warning"),
    ("reversed-comparator",
     "DELETE { ?t bkg:comparator ?c } INSERT { ?t bkg:comparator cmp:le } "
     "WHERE { ?i bkg:printedName '培训合格率' ; bkg:target ?t . ?t bkg:comparator ?c }",
     "ReversedComparator", "warning"),
    ("date-outside-year",
     'DELETE { ?t bkg:dateEnd ?e } INSERT { ?t bkg:dateEnd "2023-06-30"^^xsd:date } WHERE { ?t bkg:dateEnd ?e }',
     "DateOutsideYear", "warning"),
]


@pytest.mark.parametrize("case_id,update,shape,severity", CASES, ids=[c[0] for c in CASES])
def test_counterexample_fails_for_the_expected_reason(base_graph, case_id, update, shape, severity):
    g = mutate(base_graph, update)
    assert len(g) != len(base_graph) or set(g) != set(base_graph), "the update changed nothing"
    r = validate_graph(g)
    hits = [f for f in r.findings if f.severity == severity and (f.shape or "").endswith("/" + shape)]
    assert hits, r.text()
    assert r.conforms == (severity != "violation")


def test_warning_message_names_project_and_line(base_graph):
    g = mutate(base_graph, CASES[-2][1])  # reversed comparator on 培训合格率 (line 16)
    r = validate_graph(g)
    [w] = r.warnings
    assert "培训项目" in w.message and "16" in w.message and "培训合格率" in w.message
    assert w.project_name == "培训项目" and w.line == 16
    [group] = r.by_project()
    assert group.name == "培训项目" and group.findings == [w]


def test_every_shape_has_a_counterexample():
    from budgetkg.loader.model import shapes_graph
    from rdflib.namespace import RDF, SH

    sg = shapes_graph()
    shapes = {str(s).rsplit("/", 1)[1] for s in sg.subjects(RDF.type, SH.NodeShape)}
    shapes |= {str(s).rsplit("/", 1)[1] for s in sg.subjects(RDF.type, SH.SPARQLConstraint)}
    shapes.discard("SourceQualityShape")  # only a holder of the SPARQL checks below
    covered = {c[2] for c in CASES}
    assert shapes - covered == set()
