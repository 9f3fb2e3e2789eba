"""The ontology and concept schemes: labels in two languages, codes, broader links."""

from __future__ import annotations

from rdflib import URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from budgetkg.loader.model import ontology_graph, ontology_graph_name, shapes_graph
from budgetkg.loader.namespaces import ATTRIBUTE, BKG, FUND, LEVEL
from budgetkg.loader.vocabulary import ATTRIBUTES, LEVEL1, LEVEL2

DEF = "https://w3id.org/budgetkg/def/"


def test_every_class_and_property_has_zh_and_en_label_and_comment():
    g = ontology_graph()
    terms = [s for t in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
             for s in g.subjects(RDF.type, t) if isinstance(s, URIRef) and str(s).startswith(DEF)]
    assert len(terms) > 40
    for t in terms:
        for pred in (RDFS.label, RDFS.comment):
            langs = {o.language for o in g.objects(t, pred)}
            assert {"zh", "en"} <= langs, (t, pred)


def test_every_ontology_term_is_declared_in_the_closed_namespace():
    g = ontology_graph()
    for s in set(g.subjects()):
        if isinstance(s, URIRef) and str(s).startswith(DEF) and "/" not in str(s)[len(DEF):] and str(s) != DEF:
            BKG[str(s)[len(DEF):]]  # raises AttributeError for an undeclared term


def test_indicator_levels_match_the_national_codes():
    g = ontology_graph()
    for code, label in {**LEVEL1, **LEVEL2}.items():
        c = LEVEL[code]
        assert str(g.value(c, SKOS.notation)) == code
        assert any(str(o) == label for o in g.objects(c, SKOS.prefLabel))
    for code in LEVEL2:
        assert g.value(LEVEL[code], SKOS.broader) == LEVEL[code[0]]
    assert len(set(g.subjects(SKOS.inScheme, BKG.IndicatorLevelScheme))) == 12


def test_attributes_and_fund_sources_have_their_hierarchy():
    g = ontology_graph()
    assert set(ATTRIBUTES) == {str(g.value(c, SKOS.notation)) for c in g.subjects(SKOS.inScheme, BKG.ProjectAttributeScheme)}
    assert g.value(ATTRIBUTE["0101"], SKOS.broader) == ATTRIBUTE["01"]
    assert g.value(ATTRIBUTE["0102"], SKOS.broader) == ATTRIBUTE["01"]
    assert len(set(g.subjects(SKOS.inScheme, BKG.FundSourceScheme))) == 9
    for part in ("fiscal-appropriation", "other-funds", "carryover"):
        assert g.value(FUND[part], SKOS.broader) == FUND["own-level-total"]
    for part in ("central-funds", "regional-funds"):
        assert g.value(FUND[part], SKOS.broader) == FUND["transfer-total"]


def test_ten_thousand_yuan_unit_has_its_multiplier():
    g = ontology_graph()
    m = g.value(BKG.TenThousandYuan, URIRef("http://qudt.org/schema/qudt/conversionMultiplier"))
    assert m is not None and float(m) == 10000


def test_graph_names_and_copies():
    assert ontology_graph_name("https://x.example/id/") == URIRef("https://x.example/id/graph/ontology")
    g = ontology_graph()
    g.remove((None, None, None))
    assert len(ontology_graph()) > 500  # callers get copies
    assert len(shapes_graph()) > 100
