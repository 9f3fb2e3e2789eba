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

Per document (vocabulary 0.6.0), for the two categories whose targets the library profiles
year by year (satisfaction-targets: level 1 = 3 满意度; timeliness-by-month: level 2 = 13
时效), **target groups**: one node per fiscal year and normalized target (kind, comparator,
number, unit; or the year and month the target date ends in) listing the document's rows
with that target (``bkg:groupRow``), their project lines (``bkg:groupLine``) and one
printed value (``bkg:groupExample``). A year's satisfaction targets are then a few hundred
nodes read whole instead of every level-3 row looked up for its table, year, line, value
and target parts; counts stay distinct counts (of the rows and lines listed), so they add
up across documents exactly. The document states how many groups it has
(``bkg:groupCount``, 0 when none; every document of the graph): a store loaded
before 0.6.0 lacks it. And **level-2 groups**: per document, year and level-2 category,
the number of rows (``bkg:groupRowCount``) and the tables that have them
(``bkg:groupTable``), read by indicators-by-level2 instead of every row of the store
joined to its table's year and its level 2.

Per document (vocabulary 0.7.0), **fund groups**: per fiscal year and fund source, the sum
of the fund amounts (``bkg:groupSum``, as SPARQL's ``SUM`` adds them) and the tables
they belong to (``bkg:groupTable``, listed), read by fund-sources instead of the four
properties of every fund amount of the store. And on each document the version of the
vocabulary whose summaries it carries (``bkg:summaryVersion``): what tells a store
loaded by older code, whose documents lack the newer summaries.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from .iris import short_hash
from .memgraph import graph_of
from .namespaces import BKG, FUND, LEVEL, PROV, RDF, SUMMARY_VERSION, VOID, XSD
from .ox_terms import to_ox

__all__ = ["ROLES", "SUMMARY_PROPERTIES", "SUMMARY_VERSION", "complete", "derive"]

ROLES = ("main", "carry-over", "other")

#: The properties ``derive`` writes: a graph is summarized when it has them.
SUMMARY_PROPERTIES = (BKG.tableRole, BKG.totalYuan, BKG.costMismatch, BKG.indicatorCount, BKG.tableYear,
                      BKG.groupYear, BKG.groupCategory, BKG.groupKind, BKG.groupComparator, BKG.groupValue,
                      BKG.groupUnit, BKG.groupTargetYear, BKG.groupMonth, BKG.groupRow, BKG.groupLine,
                      BKG.groupExample, BKG.groupLevel2, BKG.groupRowCount, BKG.groupTable, BKG.groupCount,
                      BKG.groupFundSource, BKG.groupSum, BKG.summaryVersion)

#: The two categories that have target groups (level 1 = 3, level 2 = 13).
SATISFACTION, TIMELINESS = LEVEL["3"], LEVEL["13"]


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
    out.extend(_groups(g))
    return out


def _tables(g: Graph) -> set[Node]:
    """A graph's tables: typed ``bkg:ProjectYear`` or subjects with ``bkg:isCarryover``."""
    return set(g.subjects(RDF.type, BKG.ProjectYear)) | set(g.subjects(BKG.isCarryover, None))


def _groups(g: Graph) -> list[tuple[Node, Node, Node]]:
    """The target, level-2 and fund groups of the graph, and on each document its count
    of them (``bkg:groupCount``, 0 included) and the summaries' version
    (``bkg:summaryVersion``: what tells a store loaded by older code, as SUMMARIES_QUERY
    reads the documents, not their tables)."""
    tables = _tables(g)
    counts: dict[Node, int] = dict.fromkeys(g.subjects(RDF.type, BKG.SourceDocument), 0)
    counts.update((d, 0) for py in tables for d in g.objects(py, PROV.wasDerivedFrom) if isinstance(d, URIRef))
    out: list[tuple[Node, Node, Node]] = []
    for home, triples in _target_groups(g, tables) + _level_groups(g, tables) + _fund_groups(g):
        out.extend(triples)
        if home in counts:
            counts[home] += 1
    version = Literal(SUMMARY_VERSION)
    for d, n in counts.items():
        out.extend(((d, BKG.groupCount, Literal(n)), (d, BKG.summaryVersion, version)))
    return out


_Group = tuple[Node, list[tuple[Node, Node, Node]]]  # (the document it is minted under, its triples)


def _target_groups(g: Graph, tables: set[Node]) -> list[_Group]:
    """The target groups of the graph's documents (see the module's docstring).

    A row is in the groups its summary-free query would count it in: a row of a table
    with a year (``bkg:tableYear``) and a project line, with a printed value and a
    target, of level 1 = 3 (key: the target's kind, comparator text, number and unit)
    or level 2 = 13 (key: the year and month of the target's end date, read from its
    lexical form as the query reads it). A property stated twice gives a key per value,
    as a join would; a missing one leaves that part of the key empty (OPTIONAL)."""
    groups: dict[tuple, tuple[set, set, set]] = {}
    # the two categories' rows from the level indexes (a tenth of a document's rows),
    # each with its table
    candidates: dict[Node, list[tuple[Node, Any]]] = {}
    for category, level, keys in ((SATISFACTION, BKG.level1, _satisfaction_keys),
                                  (TIMELINESS, BKG.level2, _timeliness_keys)):
        for row in g.subjects(level, category):
            candidates.setdefault(row, []).append((category, keys))
    seen: dict[Node, tuple[list, list, Node] | None] = {}  # table -> (years, lines, home)
    for row, categories in candidates.items():
        printed = [v for v in g.objects(row, BKG.printedValue) if isinstance(v, Literal)]
        targets = list(g.objects(row, BKG.target))
        if not printed or not targets:
            continue
        for py in g.subjects(BKG.hasIndicator, row):
            if py not in seen:
                seen[py] = _table_facts(g, py) if py in tables else None
            facts = seen[py]
            if facts is None:
                continue
            years, lines, home = facts
            for category, keys in categories:
                for key in (k for t in targets for k in keys(g, t)):
                    for year in years:
                        rows, members, examples = groups.setdefault((home, category, year, key),
                                                                    (set(), set(), set()))
                        rows.add(row)
                        members.update(lines)
                        examples.update(printed)
    made: list[_Group] = []
    for (home, category, year, key), (rows, members, examples) in groups.items():
        node = URIRef(f"{home}/target-group/{category.rsplit('/', 1)[-1]}-"
                      f"{short_hash(repr((str(year), [None if k is None else str(k) for k in key])))}")
        names = _SATISFACTION_KEY if category == SATISFACTION else _TIMELINESS_KEY
        made.append((home, [(node, BKG.groupYear, year), (node, BKG.groupCategory, category),
                            *((node, p, v) for p, v in zip(names, key) if v is not None),
                            *((node, BKG.groupRow, r) for r in rows),
                            *((node, BKG.groupLine, ln) for ln in members),
                            (node, BKG.groupExample, min(examples, key=str))]))
    return made


def _level_groups(g: Graph, tables: set[Node]) -> list[_Group]:
    """Level-2 groups (indicators-by-level2).

    Per document, fiscal year and level-2 category: the number of the year's indicator
    rows in that category (``bkg:groupRowCount``: one per ``bkg:hasIndicator`` triple of
    a table with that year and a row with that level 2, as the query's join counts them)
    and the tables that have them (``bkg:groupTable``: listed, so that the count of
    tables is a distinct count across documents)."""
    rows: dict[tuple, int] = {}
    members: dict[tuple, set] = {}
    # two passes over the predicates' indexes, not a lookup per row
    levels: dict[Node, list[Node]] = {}
    for row, level2 in g.subject_objects(BKG.level2):
        levels.setdefault(row, []).append(level2)
    facts: dict[Node, tuple[list, Node] | None] = {}
    for py, row in g.subject_objects(BKG.hasIndicator):
        if py not in facts:
            years = [y for y in g.objects(py, BKG.fiscalYear) if isinstance(y, Literal)] if py in tables else []
            facts[py] = (years, _home(g, py)) if years else None
        known = facts[py]
        if known is None:
            continue
        years, home = known
        for level2 in levels.get(row, ()):
            for year in years:
                key = (home, year, level2)
                rows[key] = rows.get(key, 0) + 1
                members.setdefault(key, set()).add(py)
    made: list[_Group] = []
    for (home, year, level2), n in rows.items():
        node = URIRef(f"{home}/level-group/{year}-{short_hash(str(level2))}")
        made.append((home, [(node, BKG.groupYear, year), (node, BKG.groupLevel2, level2),
                            (node, BKG.groupRowCount, Literal(n)),
                            *((node, BKG.groupTable, py) for py in members[(home, year, level2)])]))
    return made


def _fund_groups(g: Graph) -> list[_Group]:
    """Fund groups (fund-sources).

    Per document, fiscal year and fund source: the sum of the fund amounts
    (``bkg:groupSum``) and their tables (``bkg:groupTable``, listed: the count of tables
    stays a distinct count across documents). An amount is counted as the query's join
    of its four properties counts it: once per combination of its year, source, table
    and amount (one of each, as the loader writes them); its document is its table's."""
    sums: dict[tuple, list[Node]] = {}
    members: dict[tuple, set] = {}
    homes: dict[Node, Node] = {}
    for node in set(g.subjects(BKG.fundSource, None)):
        sources = list(g.objects(node, BKG.fundSource))
        years = list(g.objects(node, BKG.fiscalYear))
        amounts = list(g.objects(node, BKG.amount))
        for py in g.objects(node, BKG.projectYear):
            if py not in homes:
                homes[py] = _home(g, py)
            for year in years:
                for source in sources:
                    key = (homes[py], year, source)
                    sums.setdefault(key, []).extend(amounts)
                    if amounts:
                        members.setdefault(key, set()).add(py)
    made: list[_Group] = []
    for (home, year, source), amounts in sums.items():
        if not amounts:
            continue
        node = URIRef(f"{home}/fund-group/{year}-{short_hash(str(source))}")
        made.append((home, [(node, BKG.groupYear, year), (node, BKG.groupFundSource, source),
                            (node, BKG.groupSum, _sparql_sum(amounts)),
                            *((node, BKG.groupTable, py) for py in members[(home, year, source)])]))
    return made


#: How SPARQL 1.1 promotes numbers in arithmetic: integer < decimal < float < double.
_NUMERIC = {**dict.fromkeys((XSD.integer, XSD.nonPositiveInteger, XSD.negativeInteger, XSD.long, XSD.int,
                             XSD.short, XSD.byte, XSD.nonNegativeInteger, XSD.unsignedLong, XSD.unsignedInt,
                             XSD.unsignedShort, XSD.unsignedByte, XSD.positiveInteger), 0),
            XSD.decimal: 1, XSD.float: 2, XSD.double: 3}


def _sparql_sum(values: list[Node]) -> Node:
    """``SUM`` of the values as SPARQL computes it: integers give an integer, with a
    decimal a decimal (exact), with a float or double that type. A value that is not a
    number is returned as it is, so that a query summing the groups fails on it (no
    value) exactly where its sum over the rows did."""
    rank, exact, approximate = 0, Decimal(0), 0.0
    for v in values:
        kind = _NUMERIC.get(v.datatype) if isinstance(v, Literal) else None
        number = v.toPython() if kind is not None else None
        if kind is None or isinstance(number, Literal):  # no number, or an ill-typed one
            return v
        rank = max(rank, kind)
        if isinstance(number, float):
            approximate += number
        else:
            exact += Decimal(number)
    if rank == 0:
        return Literal(int(exact))
    if rank == 1:
        return Literal(exact, datatype=XSD.decimal)
    return Literal(float(exact) + approximate, datatype=XSD.float if rank == 2 else XSD.double)


def _home(g: Graph, py: Node) -> Node:
    """The document a table's groups are minted under (the table itself without one)."""
    return min((d for d in g.objects(py, PROV.wasDerivedFrom) if isinstance(d, URIRef)), default=py, key=str)


def _table_facts(g: Graph, py: Node) -> tuple[list, list, Node] | None:
    """A table's years and lines, and the document its groups are minted under (None: no
    year or no line, so the query counts none of its rows)."""
    years = [y for y in g.objects(py, BKG.fiscalYear) if isinstance(y, Literal)]
    lines = [ln for ln in g.objects(py, BKG.projectLine) if isinstance(ln, URIRef)]
    if not years or not lines:
        return None
    return years, lines, _home(g, py)


_SATISFACTION_KEY = (BKG.groupKind, BKG.groupComparator, BKG.groupValue, BKG.groupUnit)
_TIMELINESS_KEY = (BKG.groupTargetYear, BKG.groupMonth)


def _values_or_none(g: Graph, s: Node, p: Node) -> list[Node | None]:
    return list(g.objects(s, p)) or [None]


def _satisfaction_keys(g: Graph, target: Node) -> list[tuple]:
    """(kind, comparator text, number, unit): each combination of the target's values.
    The kind is the kind's IRI; the query reads its notation from the ontology."""
    return [(k, c, v, u)
            for k in _values_or_none(g, target, BKG.targetKind)
            for c in _values_or_none(g, target, BKG.comparatorText)
            for v in _values_or_none(g, target, BKG.value)
            for u in _values_or_none(g, target, BKG.unitText)]


def _timeliness_keys(g: Graph, target: Node) -> list[tuple]:
    """(year, month) of each end date, as ``xsd:integer(SUBSTR(STR(?dateEnd), 1, 4))``
    and ``(…, 6, 2)`` read them (a part that is no integer: unbound); (None, None) when
    the target has no end date."""
    ends = list(g.objects(target, BKG.dateEnd))
    if not ends:
        return [(None, None)]
    return [(_integer(str(d)[0:4]), _integer(str(d)[5:7])) for d in ends]


def _integer(text: str) -> Literal | None:
    """``xsd:integer(text)`` of a date's digits (None where the cast raises an error)."""
    return Literal(int(text)) if text.isascii() and text.isdigit() else None


def _table_years(g: Graph) -> list[tuple[Node, Node, Node]]:
    """``bkg:tableYear`` per table: each of its ``bkg:fiscalYear`` values in this graph. A
    table is a typed ``bkg:ProjectYear`` or a subject with ``bkg:isCarryover``: where the
    queries read every subject's year and picked the tables by a table property, a table
    stated in two graphs had its year twice, and so has its table year."""
    return [(py, BKG.tableYear, y) for py in _tables(g)
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
                                     BKG.costIndicatorTotal, BKG.hasIndicator, RDF.type,
                                     PROV.wasDerivedFrom, BKG.level1, BKG.level2, BKG.printedValue,
                                     BKG.target, BKG.targetKind, BKG.comparatorText, BKG.value,
                                     BKG.unitText, BKG.dateEnd))
_SUMMARIES = frozenset(str(p) for p in SUMMARY_PROPERTIES)
_TRIGGERS = frozenset((str(BKG.isCarryover), str(BKG.fundSource)))
_TYPE = str(RDF.type)
_VOID_TRIPLES = str(VOID.triples)
_TYPES = frozenset((str(BKG.ProjectYear), str(BKG.SourceDocument)))  # the types derive reads


def _has_tables(triples: list[ox.Triple]) -> bool:
    """Tables, or a document (which counts its groups, 0 when it has none)."""
    return any(t.predicate.value in _TRIGGERS
               or (t.predicate.value == _TYPE and t.object.value in _TYPES) for t in triples)


def complete(triples: list[ox.Triple]) -> list[ox.Triple]:
    """One graph's triples (as an RDF file states them) with its summaries derived afresh.

    Summaries the file states are dropped and derived again from its own triples, so an
    edited or older file (written before the summaries existed) never carries stale or
    missing ones into the store. A graph without tables is returned as it is."""
    if not _has_tables(triples):
        return triples
    kept = [t for t in triples if t.predicate.value not in _SUMMARIES]
    terms: dict[object, Node] = {}  # each term converted once (a table's IRI is in dozens of triples)

    def term(t: object) -> Node:
        node = terms.get(t)
        if node is None:
            node = terms[t] = _to_rdflib(t)
        return node

    # filled in one pass (memgraph): Graph.add costs ~15 µs a triple
    g = graph_of((term(t.subject), term(t.predicate), term(t.object)) for t in kept
                 if t.predicate.value in _INPUTS and (t.predicate.value != _TYPE or t.object.value in _TYPES))
    seen = set(kept)
    for s, p, o in derive(g):
        triple = ox.Triple(to_ox(s), ox.NamedNode(str(p)), to_ox(o))
        if triple not in seen:
            seen.add(triple)
            kept.append(triple)
    # A void:triples that counted the graph as given (the converter's does: the graph's
    # triples, itself included) counts it as it now is.
    given, now = str(len(set(triples))), str(len(seen))
    for i, t in enumerate(kept):
        if t.predicate.value == _VOID_TRIPLES and isinstance(t.object, ox.Literal) and t.object.value == given:
            kept[i] = ox.Triple(t.subject, t.predicate, ox.Literal(now, datatype=t.object.datatype))
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
