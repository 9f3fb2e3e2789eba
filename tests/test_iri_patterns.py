"""The IRI patterns documented in loader/iris.py, pinned on the converted seed.

Published IRIs are a promise: a change to a pattern must fail here. The expected IRIs
are written out from the documented patterns (with hashlib, not the loader's own
functions), so the test does not agree with the code by construction.
"""

from __future__ import annotations

import hashlib
import re

import pytest
from rdflib import RDF, URIRef

from budgetkg.loader.namespaces import BKG
from budgetkg.loader.rdf import document_graph

BASE = "https://budgetkg.example.org/id/"
FIELDS = ("total", "annual-total", "own-level-total", "transfer-total", "fiscal-appropriation",
          "other-funds", "carryover", "central-funds", "regional-funds")
PROJECT_YEAR = rf"{re.escape(BASE)}project/[0-9A-Za-z]+/[0-9a-f]{{16}}/\d{{4}}(?:/t\d+)?"
AMOUNT = re.compile(rf"(?P<py>{PROJECT_YEAR})/amount/(?P<field>{'|'.join(FIELDS)})")
INDICATOR = re.compile(rf"(?P<py>{PROJECT_YEAR})/indicator/(?P<n>[1-9]\d*)")
TARGET = re.compile(rf"(?P<indicator>{PROJECT_YEAR}/indicator/[1-9]\d*)/target")
PART = re.compile(rf"(?P<target>{PROJECT_YEAR}/indicator/[1-9]\d*/target)/(?P<k>[1-9]\d*)")


@pytest.fixture(scope="module")
def seed_graph(seed_doc):
    return document_graph(seed_doc)[1]


def test_every_amount_iri_follows_the_pattern(seed_graph):
    amounts = list(seed_graph.subjects(RDF.type, BKG.FundAmount))
    assert amounts
    for a in amounts:
        m = AMOUNT.fullmatch(str(a))
        assert m, f"amount IRI {a} does not follow {{project year}}/amount/{{field}}"
        assert str(seed_graph.value(a, BKG.projectYear)) == m["py"]
        assert str(seed_graph.value(a, BKG.fundSource)).rsplit("/", 1)[1] == m["field"]


def test_every_indicator_target_and_part_iri_follows_the_pattern(seed_graph):
    indicators = list(seed_graph.subjects(RDF.type, BKG.Indicator))
    assert indicators
    for i in indicators:
        m = INDICATOR.fullmatch(str(i))
        assert m, f"indicator IRI {i} does not follow {{project year}}/indicator/{{n}}"
        assert (URIRef(m["py"]), BKG.hasIndicator, i) in seed_graph
        assert int(seed_graph.value(i, BKG.position)) == int(m["n"])  # n is the row order
        t = seed_graph.value(i, BKG.target)
        assert TARGET.fullmatch(str(t))["indicator"] == str(i)
        for part in seed_graph.objects(t, BKG.part):
            pm = PART.fullmatch(str(part))
            assert pm and pm["target"] == str(t) and int(seed_graph.value(part, BKG.position)) == int(pm["k"])


def test_the_first_project_s_iris_written_out(seed_doc, seed_graph):
    p = seed_doc.projects[0]
    line = f"{BASE}project/{p.department.code}/{hashlib.sha256(p.name.encode('utf-8')).hexdigest()[:16]}"
    year = f"{line}/{seed_doc.year}"
    for field, value in [("total", p.amounts.total), ("own-level-total", p.amounts.own_level_total),
                         ("central-funds", p.amounts.central_funds)]:
        a = URIRef(f"{year}/amount/{field}")
        assert (a, RDF.type, BKG.FundAmount) in seed_graph, a
        assert (a, BKG.projectYear, URIRef(year)) in seed_graph
        assert value is not None
    for n, ind in enumerate(p.indicators, start=1):
        i = URIRef(f"{year}/indicator/{n}")
        assert (URIRef(year), BKG.hasIndicator, i) in seed_graph
        assert str(seed_graph.value(i, BKG.printedName)) == ind.name
        assert (i, BKG.target, URIRef(f"{i}/target")) in seed_graph
