"""Load-time summaries: facts derived from a document's own triples, stored in its graph.

They are data, not a cache (issue #21): computed from the graph of one document when it
is converted and written into that same named graph, so that replacing or removing the
document (one atomic graph replace, journalled) carries them with it and a SIGKILL mid-load
leaves them as consistent as the rest of the graph. Each is plain RDF a SPARQL user can
read, and a library query that uses one returns the rows of the summary-free text
(``bench/naive_queries``; tests/test_summaries.py).

Per table (``bkg:ProjectYear``) of the graph:

- ``bkg:tableRole``: "main", "carry-over" or "other", the role by which compare-lines and
  compare-targets pair tables across years (the line's ``{line}/{year}`` table is the main
  one; a further table is a carry-over when ``bkg:isCarryover`` is true, else other);
- ``bkg:totalYuan``: the amount in yuan of the table's ``fund:total`` fund amount;
- ``bkg:costMismatch`` (vocabulary 0.4.0), on each table with a ``bkg:costIndicatorTotal``:
  true when its cost rows' sum differs from its total (the rows cost-mismatches lists),
  false when they agree or it prints no total, so that the query reads the few mismatched
  tables from one index range instead of comparing every table's two values;
- ``bkg:indicatorCount`` (0.4.0), on each table: how many indicator rows it has
  (``bkg:hasIndicator``), so that years adds one number per table instead of joining
  every row to its table's year (the count of rows, not a distinct count: it adds up);
- ``bkg:tableYear`` (0.5.0), on each table: its ``bkg:fiscalYear``, stated on tables
  only. Amounts (four or five per table) and documents have a fiscal year too, so the
  year's tables read through ``bkg:fiscalYear`` are an index range of five times as many
  subjects, each looked up or hash-joined to find the tables among them.
"""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from .namespaces import BKG, FUND, RDF
from .ox_terms import to_ox

__all__ = ["ROLES", "SUMMARY_PROPERTIES", "complete", "derive"]

ROLES = ("main", "carry-over", "other")

#: The properties ``derive`` writes: a graph is summarized when it has them.
SUMMARY_PROPERTIES = (BKG.tableRole, BKG.totalYuan, BKG.costMismatch, BKG.indicatorCount, BKG.tableYear)


def derive(g: Graph) -> list[tuple[Node, Node, Node]]:
    """The summary triples of one document's graph (computed from ``g`` alone).

    Several values of a property (a table stated twice with different facts) give one
    summary per combination, as the summary-free query text would."""
    out: list[tuple[Node, Node, Node]] = []
    role_lits = {r: Literal(r) for r in ROLES}
    for py in set(g.subjects(BKG.isCarryover, None)):  # what the queries require of a table
        years = [y for y in g.objects(py, BKG.fiscalYear) if isinstance(y, Literal)]
        lines = [ln for ln in g.objects(py, BKG.projectLine) if isinstance(ln, URIRef)]
        carry = [c for c in g.objects(py, BKG.isCarryover) if isinstance(c, Literal)]
        for y in years:
            for line in lines:
                for co in carry:
                    if py == URIRef(f"{line}/{y}"):
                        role = "main"
                    else:
                        role = "carry-over" if co.toPython() is True else "other"
                    out.append((py, BKG.tableRole, role_lits[role]))
    for amount in g.subjects(BKG.fundSource, FUND.total):
        for py in g.objects(amount, BKG.projectYear):
            for yuan in g.objects(amount, BKG.amount):
                out.append((py, BKG.totalYuan, yuan))
    out.extend(_cost_mismatches(g))
    out.extend(_indicator_counts(g))
    out.extend(_table_years(g))
    return out


def _table_years(g: Graph) -> list[tuple[Node, Node, Node]]:
    """``bkg:tableYear`` per table: each of its ``bkg:fiscalYear`` values in this graph. A
    table is a typed ``bkg:ProjectYear`` or a subject with ``bkg:isCarryover``: where the
    queries read every subject's year and picked the tables by a table property, a table
    stated in two graphs had its year twice, and so has its table year."""
    tables = set(g.subjects(RDF.type, BKG.ProjectYear)) | set(g.subjects(BKG.isCarryover, None))
    return [(py, BKG.tableYear, y) for py in tables
            for y in g.objects(py, BKG.fiscalYear) if isinstance(y, Literal)]


def _indicator_counts(g: Graph) -> list[tuple[Node, Node, Node]]:
    """``bkg:indicatorCount`` per table (every subject with ``bkg:isCarryover``, as the
    role): its ``bkg:hasIndicator`` triples in this graph, 0 when it has none."""
    return [(py, BKG.indicatorCount, Literal(len(set(g.objects(py, BKG.hasIndicator)))))
            for py in set(g.subjects(BKG.isCarryover, None))]


def _cost_mismatches(g: Graph) -> list[tuple[Node, Node, Node]]:
    """``bkg:costMismatch`` per table with a cost sum: true when some cost sum differs
    (as SPARQL's ``!=`` compares numbers) from some ``fund:total`` amount of the table,
    exactly the tables for which cost-mismatches' summary-free text gives rows."""
    totals: dict[Node, list[Literal]] = {}
    for amount in g.subjects(BKG.fundSource, FUND.total):
        for py in g.objects(amount, BKG.projectYear):
            totals.setdefault(py, []).extend(
                y for y in g.objects(amount, BKG.amount) if isinstance(y, Literal))
    out: list[tuple[Node, Node, Node]] = []
    for py in set(g.subjects(BKG.costIndicatorTotal, None)):
        costs = [c for c in g.objects(py, BKG.costIndicatorTotal) if isinstance(c, Literal)]
        differ = any(_differ(c, t) for c in costs for t in totals.get(py, ()))
        out.append((py, BKG.costMismatch, Literal(differ)))
    return out


def _differ(a: Literal, b: Literal) -> bool:
    """SPARQL ``a != b`` on two numeric literals (an ill-typed one: an error, no row)."""
    x, y = a.toPython(), b.toPython()
    if isinstance(x, (int, float, Decimal)) and isinstance(y, (int, float, Decimal)):
        return x != y
    return False



# --- RDF loaded as RDF files ------------------------------------------------------------

#: What ``derive`` reads: the triples a graph's summaries are computed from.
_INPUTS = frozenset(str(p) for p in (BKG.fiscalYear, BKG.projectLine, BKG.isCarryover,
                                     BKG.fundSource, BKG.projectYear, BKG.amount,
                                     BKG.costIndicatorTotal, BKG.hasIndicator, RDF.type))
_SUMMARIES = frozenset(str(p) for p in SUMMARY_PROPERTIES)
_TRIGGERS = frozenset((str(BKG.isCarryover), str(BKG.fundSource)))
_TYPE, _TABLE = str(RDF.type), str(BKG.ProjectYear)


def _has_tables(triples: list[ox.Triple]) -> bool:
    return any(t.predicate.value in _TRIGGERS
               or (t.predicate.value == _TYPE and t.object.value == _TABLE) for t in triples)


def complete(triples: list[ox.Triple]) -> list[ox.Triple]:
    """One graph's triples (as an RDF file states them) with its summaries derived afresh.

    Summaries the file states are dropped and derived again from its own triples, so an
    edited or older file (written before the summaries existed) never carries stale or
    missing ones into the store. A graph without tables is returned as it is."""
    if not _has_tables(triples):
        return triples
    kept = [t for t in triples if t.predicate.value not in _SUMMARIES]
    g = Graph()
    for t in kept:
        if t.predicate.value in _INPUTS and (t.predicate.value != _TYPE or t.object.value == _TABLE):
            g.add((_to_rdflib(t.subject), URIRef(t.predicate.value), _to_rdflib(t.object)))
    seen = set(kept)
    for s, p, o in derive(g):
        triple = ox.Triple(to_ox(s), ox.NamedNode(str(p)), to_ox(o))
        if triple not in seen:
            seen.add(triple)
            kept.append(triple)
    return kept


def _to_rdflib(term: object) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language, normalize=False)
        return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise TypeError(f"not a term of a triple: {term!r}")
