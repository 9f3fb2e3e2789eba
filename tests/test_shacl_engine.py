"""The set-based SHACL Core engine (loader/shacl_core.py) finds what plain pySHACL finds.

* one damaged copy of the seed breaks each constraint component the engine runs at least
  once: the engine must report that component, and all its results must be pySHACL's;
* shapes using the components ontology/shapes.ttl does not (yet) use, and one the engine
  does not know (left to pySHACL), on a small graph;
* the family-template documents and a generated multi-year corpus (with the 2021
  framework), result by result against plain pySHACL.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SH, SKOS, XSD

from budgetkg.loader.namespaces import BKG
from budgetkg.loader.rdf import document_graph
from budgetkg.loader.reader import read_document
from budgetkg.loader.shacl import cached_plan, plan
from budgetkg.loader.validate import validate_graph
from budgetkg.synthetic import generate_corpus

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_shacl_paths import plain_pyshacl, results  # noqa: E402

HERE = Path(__file__).resolve().parent
ORG = Namespace("http://www.w3.org/ns/org#")
QUDT = Namespace("http://qudt.org/schema/qudt/")
FUND = Namespace("https://w3id.org/budgetkg/def/fund-source/")
LEVEL = Namespace("https://w3id.org/budgetkg/def/indicator-level/")


def _nth(g: Graph, cls: URIRef, i: int) -> URIRef:
    return sorted(g.subjects(RDF.type, cls), key=str)[i]


def _replace(g: Graph, s, p, o) -> None:
    g.remove((s, p, None))
    g.add((s, p, o))


def break_each_component(seed: Graph) -> Graph:
    """The seed with one break per constraint component, each on nodes of its own."""
    g = Graph()
    g += seed
    ind = lambda i: _nth(g, BKG.Indicator, i)  # noqa: E731
    py = lambda i: _nth(g, BKG.ProjectYear, i)  # noqa: E731
    g.remove((ind(0), BKG.printedName, None))  # MinCount
    g.add((ind(1), BKG.printedName, Literal("second name")))  # MaxCount
    _replace(g, ind(2), BKG.position, Literal("x", datatype=XSD.integer))  # Datatype (ill-typed)
    amount = _nth(g, BKG.FundAmount, 0)
    _replace(g, amount, BKG.amount, Literal("12.5", datatype=XSD.string))  # Datatype
    _replace(g, py(0), BKG.carriesOverFrom, Literal("not an IRI"))  # NodeKind
    g.add((BNode(), RDF.type, BKG.Department))  # NodeKind on a node shape, a blank focus node
    _replace(g, py(1), BKG.department, _nth(g, BKG.ProjectLine, 0))  # Class
    _replace(g, py(2), BKG.implementingUnit, ind(9))  # Or (neither department nor unit)
    _replace(g, ind(3), BKG.level1, URIRef(LEVEL + "9"))  # In
    level1 = g.value(ind(4), BKG.level1)
    _replace(g, ind(4), BKG.level1, LEVEL["2" if str(level1).endswith("/1") else "1"])  # Equals
    _replace(g, py(3), BKG.tableYear, Literal("1999", datatype=XSD.gYear))  # Equals (a stale summary)
    _replace(g, _nth(g, BKG.Department, 0), ORG.identifier, Literal("a-b"))  # Pattern
    _replace(g, _nth(g, BKG.ProjectLine, 0), BKG.normalizedName, Literal(""))  # MinLength
    _replace(g, _nth(g, BKG.FundAmount, 1), QUDT.unit, URIRef("http://qudt.org/vocab/currency/USD"))  # HasValue
    _replace(g, ind(5), BKG.sourceLine, Literal(0))  # MinInclusive
    target = sorted(g.subjects(BKG.dateEnd, None), key=str)[0]
    end = g.value(target, BKG.dateEnd)
    _replace(g, target, BKG.dateStart, Literal(f"{int(str(end)[:4]) + 1}-01-01", datatype=XSD.date))  # LessThanOrEquals
    _replace(g, ind(6), BKG.indicatorConcept, URIRef("https://example.org/not-a-concept"))  # Class (node shape)
    totals = {s: g.value(s, BKG.projectYear) for s in g.subjects(BKG.fundSource, FUND.total)}
    by_year: dict = {}
    for s, y in sorted(totals.items(), key=lambda t: str(t[0])):
        by_year.setdefault(y, s)
    years = sorted(by_year, key=str)
    _replace(g, by_year[years[0]], BKG.fundSource, FUND["annual-total"])  # QualifiedMinCount
    other = sorted((s for s in g.subjects(BKG.projectYear, years[1]) if s not in totals), key=str)[0]
    _replace(g, other, BKG.fundSource, FUND.total)  # QualifiedMaxCount
    return g


COMPONENTS = ["MinCount", "MaxCount", "Datatype", "NodeKind", "Class", "Or", "In", "Equals", "Pattern",
              "MinLength", "HasValue", "MinInclusive", "LessThanOrEquals", "QualifiedMinCount",
              "QualifiedMaxCount"]


@pytest.fixture(scope="module")
def broken(seed_doc):
    g = break_each_component(document_graph(seed_doc)[1])
    fast = validate_graph(g)
    conforms, plain = plain_pyshacl(g)
    return fast, conforms, plain


def test_the_shapes_need_no_pyshacl():
    """Every shape of ontology/shapes.ttl runs set-based or as SHACL-SPARQL on pyoxigraph."""
    p = cached_plan()
    assert not p.needs_pyshacl and len(p.shapes) > 90


def test_broken_copy_matches_plain_pyshacl(broken):
    fast, conforms, plain = broken
    assert fast.conforms is conforms is False
    got = results(fast.report)
    assert got == plain, (sorted(map(str, got - plain))[:3], sorted(map(str, plain - got))[:3])


@pytest.mark.parametrize("component", COMPONENTS)
def test_each_component_finds_its_break(broken, component):
    fast, _, plain = broken
    iri = SH[component + "ConstraintComponent"]
    assert any(r[4] == iri for r in results(fast.report)), f"no {component} result"
    assert any(r[4] == iri for r in plain)


def test_a_table_year_that_is_not_the_tables_fiscal_year_is_a_violation(broken, seed_doc):
    """bkg:tableYear (a load-time summary) must equal the table's bkg:fiscalYear."""
    fast, _, plain = broken
    [py] = [sorted(document_graph(seed_doc)[1].subjects(RDF.type, BKG.ProjectYear), key=str)[3]]
    for found in (results(fast.report), plain):
        hits = [r for r in found if r[0] == py and r[2] == BKG.tableYear]
        assert hits and all(r[4] == SH.EqualsConstraintComponent for r in hits), hits


def test_findings_locate_the_core_results(broken):
    fast = broken[0]
    located = [f for f in fast.violations if f.line is not None]
    assert len(located) >= 10 and all(f.message for f in fast.violations)


# -- shapes ontology/shapes.ttl does not use ---------------------------------------

EX = Namespace("https://example.org/")
OTHER_SHAPES = f"""
@prefix sh: <{SH}> . @prefix xsd: <{XSD}> . @prefix ex: <{EX}> .
ex:ThingShape a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:name ; sh:maxLength 3 ; sh:minLength 0 ] ,
        [ sh:path ex:n ; sh:minExclusive 0 ; sh:maxExclusive 10 ; sh:maxInclusive 5 ] ,
        [ sh:path ex:code ; sh:pattern "^A" ; sh:flags "i" ; sh:severity sh:Warning ] ,
        [ sh:path ( ex:parent ex:name ) ; sh:minCount 1 ] ,
        [ sh:path ex:tag ; sh:in ( "a" "b" 1 ) ; sh:hasValue "a" ] ,
        [ sh:path ex:label ; sh:uniqueLang true ; sh:minCount 1 ] .
ex:XoneShape a sh:NodeShape ; sh:targetSubjectsOf ex:kind ;
    sh:xone ( [ sh:class ex:Thing ] [ sh:nodeKind sh:BlankNode ] ) .
"""


def test_other_components_and_a_fallback_shape():
    shapes = Graph().parse(data=OTHER_SHAPES, format="turtle")
    p = plan(shapes)
    assert p.needs_pyshacl  # sh:xone, sh:uniqueLang: left to pySHACL
    assert p.core is not None and (None, SH.targetClass, EX.Thing) in p.core  # the lifted property shape
    g = Graph()
    for i, (name, n, code, tag) in enumerate([("abcd", 0, "b1", "c"), ("ab", 7, "a1", "a"), ("", 10.5, "xA", 1)]):
        t = EX[f"t{i}"]
        g.add((t, RDF.type, EX.Thing))
        g.add((t, EX.name, Literal(name)))
        g.add((t, EX.n, Literal(n)))
        g.add((t, EX.code, Literal(code)))
        g.add((t, EX.tag, Literal(tag)))
        g.add((t, EX.kind, Literal("k")))
    g.add((EX.t1, EX.parent, EX.t0))
    g.add((EX.other, EX.kind, Literal("k")))
    g.add((EX.t0, EX.label, Literal("x", lang="en")))
    g.add((EX.t0, EX.label, Literal("y", lang="en")))  # neither a Thing nor a blank node: sh:xone fails
    fast = validate_graph(g, shapes=shapes)
    from pyshacl import validate

    conforms, report, _ = validate(g, shacl_graph=shapes, allow_warnings=True)
    assert fast.conforms == conforms is False
    components = {r[4] for r in _plain_results(report)}
    assert {SH.MaxLengthConstraintComponent, SH.MinExclusiveConstraintComponent, SH.MaxExclusiveConstraintComponent,
            SH.MaxInclusiveConstraintComponent, SH.PatternConstraintComponent, SH.InConstraintComponent,
            SH.HasValueConstraintComponent, SH.MinCountConstraintComponent, SH.XoneConstraintComponent,
            SH.UniqueLangConstraintComponent} <= components
    assert _plain_results(fast.report) == _plain_results(report)


def _plain_results(report: Graph) -> set[tuple]:
    out = set()
    for r in report.subjects(RDF.type, SH.ValidationResult):
        path = report.value(r, SH.resultPath)
        out.add((report.value(r, SH.focusNode), report.value(r, SH.value),
                 path if isinstance(path, URIRef) else None, report.value(r, SH.resultSeverity),
                 report.value(r, SH.sourceConstraintComponent),
                 frozenset(str(m) for m in report.objects(r, SH.resultMessage))))
    return out


# -- other layouts, other years -------------------------------------------------------

FAMILY_DOCS = sorted([*HERE.glob("templates/*.txt"), *HERE.glob("templates_quirks/*.txt"),
                      *HERE.glob("cross_template/*.txt")])


@pytest.mark.parametrize("path", FAMILY_DOCS, ids=lambda p: p.name)
def test_family_documents_match_plain_pyshacl(path):
    g = document_graph(read_document(path))[1]
    fast = validate_graph(g)
    conforms, plain = plain_pyshacl(g)
    assert fast.conforms == conforms
    assert results(fast.report) == plain


def test_generated_years_match_plain_pyshacl(tmp_path):
    paths = generate_corpus(tmp_path, seed=4, tables=40, years=(2021, 2022), framework_2021=2022)
    assert len(paths) >= 2  # a department's two years, the second printing the 2021 framework
    assert any("\n4-成本指标\t" in p.read_text(encoding="utf-8") for p in paths)
    for path in paths:
        g = document_graph(read_document(path))[1]
        fast = validate_graph(g)
        conforms, plain = plain_pyshacl(g)
        assert fast.conforms == conforms, path.name
        assert results(fast.report) == plain, path.name


def test_removed_triples_leave_no_focus_node(seed_doc):
    """rdflib's Memory keeps an emptied index entry when a triple is removed: an object of
    bkg:indicatorConcept no longer used is no focus node (sh:targetObjectsOf)."""
    g = Graph()
    g += document_graph(seed_doc)[1]
    concept = sorted(g.objects(None, BKG.indicatorConcept), key=str)[0]
    for s in list(g.subjects(BKG.indicatorConcept, concept)):
        g.remove((s, BKG.indicatorConcept, concept))
    g.remove((concept, SKOS.prefLabel, None))
    fast = validate_graph(g)
    conforms, plain = plain_pyshacl(g)
    assert not any(r[0] == concept for r in results(fast.report))
    assert fast.conforms == conforms and results(fast.report) == plain
