"""The old and 2021 indicator frameworks as SKOS data, and their mappings."""

from __future__ import annotations

from importlib.resources import files

import rdflib

SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
OLD = rdflib.Namespace("https://w3id.org/budgetkg/def/indicator-level/")
NEW = rdflib.Namespace("https://w3id.org/budgetkg/def/indicator-level-2021/")


def _graph() -> rdflib.Graph:
    g = rdflib.Graph()
    for name in ("concepts.ttl", "frameworks.ttl"):
        g.parse(data=files("budgetkg.ontology").joinpath(name).read_text(encoding="utf-8"), format="turtle")
    return g


# every concept that is a cost indicator in either framework: the 2021 level 1 and what
# is under it, and whatever it maps to
COST = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?c WHERE {
  ?top skos:prefLabel "成本指标"@zh ; skos:inScheme ?s .
  ?s skos:hasTopConcept ?top .
  { ?c skos:broader* ?top } UNION { ?top skos:closeMatch|skos:exactMatch ?c }
  UNION { ?x skos:broader ?top ; skos:broadMatch ?c }
}"""


def test_cost_indicators_of_both_frameworks_are_found_together():
    found = {row.c for row in _graph().query(COST)}
    assert found == {NEW["4"], NEW["41"], NEW["42"], NEW["43"], OLD["14"]}


def test_each_spelling_leads_to_one_concept_per_scheme():
    g = _graph()
    for spelling in ("环境效益指标", "社会公众或服务对象满意度指标", "服务对象满意度"):
        concepts = set(g.subjects(SKOS.altLabel, rdflib.Literal(spelling, lang="zh")))
        assert sorted(str(c).rsplit("/", 2)[1] for c in concepts) == ["indicator-level", "indicator-level-2021"]


def test_every_2021_level2_has_its_level1_and_old_counterpart():
    g = _graph()
    for c in g.subjects(SKOS.inScheme, rdflib.URIRef("https://w3id.org/budgetkg/def/IndicatorFramework2021")):
        if (c, SKOS.topConceptOf, None) in g:
            continue
        assert g.value(c, SKOS.broader) is not None
        assert g.value(c, SKOS.exactMatch) is not None or g.value(c, SKOS.broadMatch) is not None
