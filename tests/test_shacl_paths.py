"""The seed's SHACL warnings are the 15 docs/warnings.md lists, and the fast validation
path (loader/shacl.py: lifted property shapes, SHACL-SPARQL on pyoxigraph) reports what
plain pySHACL reports with the same shapes, on the seed and on damaged copies of it.
"""

from __future__ import annotations

import random
import re
from decimal import Decimal
from pathlib import Path

import pytest
from pyshacl import validate as pyshacl_validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD

from budgetkg.loader.namespaces import BKG, FUND
from budgetkg.loader.model import cached_ontology_graph, cached_shapes_graph
from budgetkg.loader.rdf import document_graph
from budgetkg.loader.validate import validate_graph

WARNINGS_MD = Path(__file__).resolve().parent.parent / "docs" / "warnings.md"
SHAPES = "https://w3id.org/budgetkg/def/shapes/"
#: The "check" column of docs/warnings.md -> the SHACL-SPARQL constraint that reports it.
CHECKS = {
    "cost rows ≠ total": "CostRowsSum",
    "total ≠ own-level + transfers": "TotalSum",
    "reversed comparator": "ReversedComparator",
    "date outside the fiscal year": "DateOutsideYear",
}


@pytest.fixture(scope="module")
def seed_graph(seed_doc) -> Graph:
    return document_graph(seed_doc)[1]


def documented_warnings() -> list[tuple[int, str, str]]:
    text = WARNINGS_MD.read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+) \| (.+?) \| (.+?) \|", text, re.MULTILINE)
    return sorted((int(line), project, SHAPES + CHECKS[check]) for line, project, check in rows)


def test_the_seed_gives_exactly_the_documented_warnings(seed_graph):
    documented = documented_warnings()
    assert len(documented) == 15  # docs/warnings.md: "0 violations and 15 warnings"
    assert "**0 violations and 15\nwarnings**" in WARNINGS_MD.read_text(encoding="utf-8")
    result = validate_graph(seed_graph)
    assert result.conforms and result.violations == []
    assert sorted((w.line, w.project_name, w.shape) for w in result.warnings) == documented
    assert len(result.findings) == 15  # nothing at info level either


# -- the fast path against plain pySHACL ------------------------------------------


_DECIMAL = re.compile(r"\b(\d+)\.(\d*?)0+\b")


def _message_key(message: Literal) -> str:
    # Two known differences that are not about the results: pySHACL drops the language
    # tag of a message it fills in, and pyoxigraph writes an xsd:decimal in canonical form
    # (305870000 for "305870000.00") where rdflib's engine keeps the stored lexical form.
    return _DECIMAL.sub(lambda m: m[1] + ("." + m[2] if m[2] else ""), str(message))


def results(report: Graph) -> set[tuple]:
    """Each sh:ValidationResult as a comparable tuple (blank-node property shapes named by
    their node shape and path)."""
    shapes = cached_shapes_graph()
    out = set()
    for r in report.subjects(RDF.type, SH.ValidationResult):
        def v(p):
            return report.value(r, p)
        shape = v(SH.sourceShape)
        if not isinstance(shape, URIRef):
            shape = (shapes.value(None, SH.property, shape), shapes.value(shape, SH.path))
        constraint = v(SH.sourceConstraint)
        out.add((v(SH.focusNode), v(SH.value), v(SH.resultPath), v(SH.resultSeverity),
                 v(SH.sourceConstraintComponent), constraint if isinstance(constraint, URIRef) else None, shape,
                 frozenset(_message_key(m) for m in report.objects(r, SH.resultMessage))))
    return out


def plain_pyshacl(data: Graph) -> tuple[bool, set[tuple]]:
    work = Graph()
    work += data
    work += cached_ontology_graph()
    conforms, report, _ = pyshacl_validate(work, shacl_graph=cached_shapes_graph(), inference="none",
                                           allow_warnings=True, advanced=True)
    return bool(conforms), results(report)


def damaged(seed: Graph, seed_value: int) -> Graph:
    """The seed with random damage: triples dropped, literals of the wrong type, second
    values where one is expected, indicators moved to another level 2."""
    rng = random.Random(seed_value)
    g = Graph()
    g += seed
    triples = sorted(g, key=str)
    for t in rng.sample(triples, 40):
        g.remove(t)
    literal_triples = [t for t in triples if isinstance(t[2], Literal) and t in g]
    for s, p, o in rng.sample(literal_triples, 25):
        g.remove((s, p, o))
        g.add((s, p, rng.choice([Literal("x"), Literal("-5", datatype=XSD.integer), Literal("1999-02-30", datatype=XSD.date),
                                 Literal(str(o) + "0", datatype=o.datatype)])))
    for s, p, o in rng.sample(literal_triples, 15):
        g.add((s, p, Literal("another", lang="zh")))
    iri_triples = [t for t in triples if isinstance(t[2], URIRef) and t[1] != RDF.type and t in g]
    objects = sorted({o for _, _, o in iri_triples}, key=str)
    for s, p, _ in rng.sample(iri_triples, 15):
        g.add((s, p, rng.choice(objects)))
    # and what the SHACL-SPARQL checks read: amounts, cost values, dates, comparators
    for pred in (BKG.amount, BKG.valueYuan, BKG.dateEnd, BKG.comparator):
        chosen = [t for t in sorted(g.triples((None, pred, None)), key=str)]
        for s, p, o in rng.sample(chosen, min(8, len(chosen))):
            g.remove((s, p, o))
            if isinstance(o, Literal) and o.datatype == XSD.date:
                g.add((s, p, Literal("1999-06-30", datatype=XSD.date)))
            elif isinstance(o, Literal) and not isinstance(o.toPython(), (int, Decimal)):
                g.add((s, p, o))  # a number damaged above stays as it is
            elif isinstance(o, Literal):
                g.add((s, p, Literal(str(o.toPython() * 3 + 1), datatype=o.datatype)))
            else:
                g.add((s, p, rng.choice(sorted(set(g.objects(None, pred)), key=str))))
    return g


def test_fast_path_matches_plain_pyshacl_on_the_seed(seed_graph):
    fast = validate_graph(seed_graph)
    conforms, plain = plain_pyshacl(seed_graph)
    assert fast.conforms == conforms
    assert results(fast.report) == plain
    assert len(plain) == 15


@pytest.mark.parametrize("seed_value", [1, 2])
def test_fast_path_matches_plain_pyshacl_on_damaged_copies(seed_graph, seed_value):
    data = damaged(seed_graph, seed_value)
    fast = validate_graph(data)
    conforms, plain = plain_pyshacl(data)
    assert not conforms and fast.violations  # the damage is seen, by both kinds of check
    assert len([w for w in fast.warnings if w.shape and w.shape.startswith(SHAPES)]) > 15
    assert fast.conforms == conforms
    fast_results = results(fast.report)
    assert fast_results == plain, (sorted(map(str, fast_results - plain))[:5], sorted(map(str, plain - fast_results))[:5])


#: A value a sum check compares, made what no sum can equal: an ill-typed date, a date,
#: a string. rdflib's `!=` calls an ill-typed date unequal to a number where SPARQL (and
#: pyoxigraph) say "error, no row". (Not an ill-typed decimal: rdflib's engine recurses
#: without end adding one to a number, as a damaged part of another check's sum would be.)
NOT_NUMBERS = (Literal("1999-02-30", datatype=XSD.date), Literal("1999-02-03", datatype=XSD.date), Literal("x"))
#: The checks' compared values: (check, how to reach the value from a table, the fund
#: sources of the sum's parts; None: the converter's cost sum on the table itself).
COMPARED = (("CostRowsSum", BKG.costIndicatorTotal, None),
            ("TotalSum", FUND.total, (FUND["own-level-total"], FUND["transfer-total"])),
            ("OwnLevelSum", FUND["own-level-total"],
             (FUND["fiscal-appropriation"], FUND["other-funds"], FUND.carryover)),
            ("TransferSum", FUND["transfer-total"], (FUND["central-funds"], FUND["regional-funds"])))


def _amount_of(g: Graph, table, source):
    return next(a for a in g.subjects(BKG.projectYear, table) if (a, BKG.fundSource, source) in g)


def test_sum_checks_report_a_total_no_sum_can_equal_on_both_paths(seed_graph):
    """Each compared value of each sum check, on its own table, made one of NOT_NUMBERS:
    both paths give the same findings, and each such table is reported by its check
    (a total that is not a number is not the sum of its parts)."""
    g = Graph()
    g += seed_graph
    used, damaged_tables = set(), {}
    for check, value, parts in reversed(COMPARED):  # the fewest candidate tables first
        if parts is None:
            tables = sorted(set(g.subjects(BKG.costIndicatorTotal, None)) - used)
        else:
            tables = sorted({t for a in g.subjects(BKG.fundSource, value) for t in g.objects(a, BKG.projectYear)
                             if any((p, BKG.projectYear, t) in g and (p, BKG.fundSource, s) in g
                                    for s in parts for p in g.subjects(BKG.fundSource, s))} - used)
        for table, bad in zip(tables, NOT_NUMBERS):
            node, prop = (table, value) if parts is None else (_amount_of(g, table, value), BKG.amount)
            g.set((node, prop, bad))
            used.add(table)
            damaged_tables[table] = check
    assert len(damaged_tables) >= 11  # every kind on three checks, two on TransferSum (two tables)

    fast = validate_graph(g)
    conforms, plain = plain_pyshacl(g)
    fast_results = results(fast.report)
    assert fast_results == plain, (sorted(map(str, fast_results - plain))[:5], sorted(map(str, plain - fast_results))[:5])
    reported = {(r[1], r[5].split("/")[-1]) for r in fast_results if r[5] is not None}
    assert set(damaged_tables.items()) <= reported
