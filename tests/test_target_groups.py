"""Target groups and level-2 groups (vocabulary 0.6.0) and fund groups (0.7.0),
loader/summaries.py: per document, the satisfaction and timeliness rows grouped by
normalized target, read by satisfaction-targets and timeliness-by-month; the rows counted
per year and level-2 category with their tables, read by indicators-by-level2; the fund
amounts summed per year and fund source with their tables, read by fund-sources, instead
of the rows (docs/summaries.md).

Rows of those queries are checked against their plain texts in tests/test_summaries.py;
here, what the groups hold: on a hand-made graph with each case the derivation must get
right, and on the seed and a generated corpus against the facts, document by document."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, XSD

from budgetkg.loader.namespaces import BKG, FUND, KIND, LEVEL, SUMMARY_VERSION
from budgetkg.loader.summaries import derive

DOC = URIRef("https://example.org/id/document/abc")
LINE = URIRef("https://example.org/id/project/1/aaa")
OTHER_LINE = URIRef("https://example.org/id/project/1/bbb")


def _table(g: Graph, name: str, line: URIRef | None, year: str = "2023") -> URIRef:
    py = URIRef(f"https://example.org/id/project/1/{name}/{year}")
    g.add((py, RDF.type, BKG.ProjectYear))
    g.add((py, BKG.isCarryover, Literal(False)))
    g.add((py, BKG.fiscalYear, Literal(year, datatype=XSD.gYear)))
    g.add((py, PROV.wasDerivedFrom, DOC))
    if line is not None:
        g.add((py, BKG.projectLine, line))
    return py


def _row(g: Graph, py: URIRef, n: int, level1: str, level2: str, printed: str | None = "≥90%",
         target: bool = True, **parts: object) -> URIRef:
    row = URIRef(f"{py}/indicator/{n}")
    g.add((py, BKG.hasIndicator, row))
    g.add((row, BKG.level1, LEVEL[level1]))
    g.add((row, BKG.level2, LEVEL[level2]))
    if printed is not None:
        g.add((row, BKG.printedValue, Literal(printed)))
    if target:
        t = URIRef(f"{row}/target")
        g.add((row, BKG.target, t))
        for prop, values in parts.items():
            for v in values if isinstance(values, list) else [values]:
                g.add((t, URIRef(f"{BKG}{prop}"), v))
    return row


def _groups(triples, level: bool = False, kind: str | None = None) -> dict[URIRef, dict[str, set]]:
    """The target groups (``level``: the level-2 groups; ``kind``: that kind) among ``triples``."""
    kind = kind or ("level-group" if level else "target-group")
    out: dict[URIRef, dict[str, set]] = {}
    for s, p, o in triples:
        if str(p).startswith(f"{BKG}group") and p != BKG.groupCount and f"/{kind}/" in str(s):
            out.setdefault(s, {}).setdefault(str(p).rsplit("/", 1)[-1], set()).add(o)
    return out


def test_rows_with_the_same_target_share_a_group_per_document_and_year():
    g = Graph()
    a, b = _table(g, "a", LINE), _table(g, "b", OTHER_LINE)
    pct = dict(targetKind=KIND.quantitative, comparatorText=Literal("≥"),
               value=Literal(Decimal("90"), datatype=XSD.decimal), unitText=Literal("%"))
    r1 = _row(g, a, 1, "3", "12", **pct)
    r2 = _row(g, b, 1, "3", "12", printed="≥ 90%", **pct)
    r3 = _row(g, b, 2, "3", "12", targetKind=KIND.qualitative)  # no number: a group of its own
    _row(g, a, 2, "1", "4", **pct)  # an output row: in no group
    out = derive(g)
    groups = _groups(out)
    assert len(groups) == 2
    [shared] = [v for v in groups.values() if v["groupRow"] == {r1, r2}]
    assert shared["groupLine"] == {LINE, OTHER_LINE}
    assert shared["groupCategory"] == {LEVEL["3"]} and shared["groupYear"] == {Literal("2023", datatype=XSD.gYear)}
    assert shared["groupValue"] == {Literal(Decimal("90"), datatype=XSD.decimal)}
    assert len(shared["groupExample"]) == 1 and shared["groupExample"] <= {Literal("≥90%"), Literal("≥ 90%")}
    [alone] = [v for v in groups.values() if v["groupRow"] == {r3}]
    assert "groupValue" not in alone and alone["groupKind"] == {KIND.qualitative}
    # minted under the document, which counts them
    assert all(str(node).startswith(f"{DOC}/target-group/3-") for node in groups)
    # and two level-2 groups (12 and 4), all counted by the document
    assert (DOC, BKG.groupCount, Literal(4)) in out


def test_a_row_the_query_would_not_count_is_in_no_group():
    g = Graph()
    lineless = _table(g, "c", None)
    a = _table(g, "a", LINE)
    _row(g, lineless, 1, "3", "12", targetKind=KIND.qualitative)  # table without a line
    _row(g, a, 1, "3", "12", target=False)  # no target
    _row(g, a, 2, "3", "12", printed=None, targetKind=KIND.qualitative)  # no printed value
    # a subject with rows, a year and a line but neither table type nor carry-over flag:
    # no bkg:tableYear, so no table for the query (docs/summaries.md, "What a table is")
    untyped = _table(g, "d", LINE)
    g.remove((untyped, RDF.type, None))
    g.remove((untyped, BKG.isCarryover, None))
    _row(g, untyped, 1, "3", "12", targetKind=KIND.qualitative)
    out = derive(g)
    assert _groups(out) == {}
    # the level-2 groups count rows without a line, a target or a printed value too
    # (indicators-by-level2 joins only the table's year and the row's level 2), not
    # the untyped subject's
    [level] = _groups(out, level=True).values()
    assert level["groupRowCount"] == {Literal(3)} and level["groupTable"] == {lineless, a}
    assert (DOC, BKG.groupCount, Literal(1)) in out


def test_timeliness_groups_by_the_year_and_month_the_date_ends_in():
    g = Graph()
    a = _table(g, "a", LINE)
    d = lambda s: Literal(s, datatype=XSD.date)  # noqa: E731
    r1 = _row(g, a, 1, "1", "13", dateEnd=d("2023-12-20"))
    r2 = _row(g, a, 2, "1", "13", dateEnd=d("2023-12-31"))
    r3 = _row(g, a, 3, "1", "13", dateEnd=d("2023-06-30"))
    r4 = _row(g, a, 4, "1", "13", value=Literal(Decimal("100"), datatype=XSD.decimal))  # no date
    # a target with two end dates counts in both months, as the query's join does
    r5 = _row(g, a, 5, "1", "13", dateEnd=[d("2023-12-01"), d("2024-01-15")])
    groups = {(next(iter(v.get("groupTargetYear", {None}))), next(iter(v.get("groupMonth", {None})))):
              v["groupRow"] for v in _groups(derive(g)).values()}
    y, m = Literal(2023), Literal(12)
    assert groups == {(y, m): {r1, r2, r5}, (y, Literal(6)): {r3}, (None, None): {r4},
                      (Literal(2024), Literal(1)): {r5}}


def test_a_row_of_both_categories_is_in_both_and_each_combination_of_values_counts():
    g = Graph()
    a = _table(g, "a", LINE)
    # level 1 = 3 and level 2 = 13 at once (a hand-edited file): a group of each category
    r = _row(g, a, 1, "3", "13", comparatorText=[Literal("≥"), Literal(">")],
             dateEnd=Literal("2023-12-31", datatype=XSD.date))
    groups = _groups(derive(g))
    assert sorted(str(next(iter(v["groupCategory"]))).rsplit("/", 1)[-1] for v in groups.values()) == ["13", "3", "3"]
    assert {c for v in groups.values() for c in v.get("groupComparator", ())} == {Literal("≥"), Literal(">")}
    assert all(v["groupRow"] == {r} for v in groups.values())


def test_level_groups_count_rows_per_year_and_category_and_list_their_tables():
    g = Graph()
    a, b = _table(g, "a", LINE), _table(g, "b", OTHER_LINE)
    old = _table(g, "a", LINE, year="2022")
    for n in (1, 2, 3):
        _row(g, a, n, "1", "4")
    _row(g, b, 1, "1", "4")
    _row(g, b, 2, "3", "12")
    _row(g, old, 1, "1", "4")
    groups = {(str(next(iter(v["groupYear"]))),
               str(next(iter(v["groupLevel2"]))).rsplit("/", 1)[-1]): v
              for v in _groups(derive(g), level=True).values()}
    assert set(groups) == {("2023", "4"), ("2023", "12"), ("2022", "4")}
    assert groups[("2023", "4")]["groupRowCount"] == {Literal(4)}
    assert groups[("2023", "4")]["groupTable"] == {a, b}
    assert groups[("2023", "12")]["groupTable"] == {b}
    assert groups[("2022", "4")]["groupRowCount"] == {Literal(1)}


def _amount(g: Graph, py: URIRef, source: URIRef, *amounts: Literal, year: str = "2023") -> URIRef:
    node = URIRef(f"{py}/amount/{source.rsplit('/', 1)[-1]}")
    g.add((node, BKG.projectYear, py))
    g.add((node, BKG.fundSource, source))
    g.add((node, BKG.fiscalYear, Literal(year, datatype=XSD.gYear)))
    for a in amounts:
        g.add((node, BKG.amount, a))
    return node


def _dec(text: str) -> Literal:
    return Literal(Decimal(text), datatype=XSD.decimal)


def _fund_groups(g: Graph) -> dict[tuple[str, str], dict[str, set]]:
    return {(str(next(iter(v["groupYear"]))), str(next(iter(v["groupFundSource"]))).rsplit("/", 1)[-1]): v
            for v in _groups(derive(g), kind="fund-group").values()}


def test_fund_groups_sum_amounts_per_year_and_source_and_list_their_tables():
    g = Graph()
    a, b = _table(g, "a", LINE), _table(g, "b", OTHER_LINE)
    old = _table(g, "a", LINE, year="2022")
    _amount(g, a, FUND.total, _dec("100.50"))
    _amount(g, b, FUND.total, Literal(20))  # an integer and a decimal add up to a decimal
    _amount(g, a, FUND["fiscal-appropriation"], Literal(7), Literal(8))  # two amounts: both counted
    _amount(g, b, FUND["fiscal-appropriation"], Literal(5))
    _amount(g, old, FUND.total, _dec("3"), year="2022")
    # no amount: no row of the query, so its table is not counted
    _amount(g, _table(g, "c", LINE), FUND["fiscal-appropriation"])
    groups = _fund_groups(g)
    assert set(groups) == {("2023", "total"), ("2023", "fiscal-appropriation"), ("2022", "total")}
    [total] = groups[("2023", "total")]["groupSum"]
    assert total.datatype == XSD.decimal and total.toPython() == Decimal("120.5")
    assert groups[("2023", "total")]["groupTable"] == {a, b}
    # integers alone stay an integer, as SPARQL's SUM gives
    assert groups[("2023", "fiscal-appropriation")]["groupSum"] == {Literal(20)}
    assert groups[("2023", "fiscal-appropriation")]["groupTable"] == {a, b}
    assert groups[("2022", "total")]["groupTable"] == {old}
    assert all(str(n).startswith(f"{DOC}/fund-group/") for n in _groups(derive(g), kind="fund-group"))


def test_a_fund_group_with_a_value_that_is_no_number_keeps_it_so_that_its_sum_fails_too():
    g = Graph()
    a = _table(g, "a", LINE)
    bad = Literal("一百", datatype=XSD.decimal)
    _amount(g, a, FUND.total, _dec("1"), bad)
    [group] = _fund_groups(g).values()
    assert group["groupSum"] == {bad}


def test_every_document_states_the_version_of_its_summaries():
    g = Graph()
    g.add((DOC, RDF.type, BKG.SourceDocument))
    assert (DOC, BKG.summaryVersion, Literal(SUMMARY_VERSION)) in derive(g)


def test_the_summary_versions_are_the_vocabularys():
    """The documents' summaries state the vocabulary release that last changed them, the
    statistics of a year the latest (which added them): no later release than the
    ontology's own."""
    from pathlib import Path

    from rdflib.namespace import OWL

    from budgetkg.loader.namespaces import STATISTICS_VERSION

    onto = Graph().parse(Path(__file__).resolve().parents[1] / "ontology" / "budgetkg.ttl")
    version = str(onto.value(URIRef(str(BKG)), OWL.versionInfo))
    assert STATISTICS_VERSION == version

    def parts(v: str) -> tuple[int, ...]:
        return tuple(int(x) for x in v.split("."))

    assert parts(SUMMARY_VERSION) <= parts(version)


# --- on real documents: the groups hold the facts, document by document -----------------

_FACTS = {
    "3": """?row bkg:level1 level:3 .
            OPTIONAL { ?t bkg:targetKind ?k1 } OPTIONAL { ?t bkg:comparatorText ?k2 }
            OPTIONAL { ?t bkg:value ?k3 } OPTIONAL { ?t bkg:unitText ?k4 }""",
    "13": """?row bkg:level2 level:13 .
            OPTIONAL { ?t bkg:dateEnd ?d
                       BIND(xsd:integer(SUBSTR(STR(?d), 1, 4)) AS ?k1) BIND(xsd:integer(SUBSTR(STR(?d), 6, 2)) AS ?k2) }""",
}
_KEYS = {"3": ("groupKind", "groupComparator", "groupValue", "groupUnit"), "13": ("groupTargetYear", "groupMonth")}
_PREFIXES = """PREFIX bkg: <https://w3id.org/budgetkg/def/>
PREFIX level: <https://w3id.org/budgetkg/def/indicator-level/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


def _value(term) -> object:
    if term is None:
        return None
    if type(term).__name__ == "Literal" and term.datatype.value.endswith(("#decimal", "#integer")):
        return Decimal(term.value)
    return term.value


@pytest.mark.parametrize("category", ["3", "13"])
def test_each_documents_groups_hold_its_rows_and_lines_by_target(corpus_store, category):
    """Per graph: (year, key, row) and (year, key, line) from the groups equal those the
    facts give (the row's table year and line, its target's parts), and each example is
    a printed value of one of the group's rows."""
    keys = " ".join(f"?k{i + 1}" for i in range(len(_KEYS[category])))
    facts = set()
    lines = set()
    for g, year, row, line, *key in corpus_store.query(_PREFIXES + f"""
        SELECT DISTINCT ?g ?year ?row ?line {keys} WHERE {{ GRAPH ?g {{
          ?py bkg:tableYear ?year ; bkg:projectLine ?line ; bkg:hasIndicator ?row .
          ?row bkg:printedValue ?pv ; bkg:target ?t . {_FACTS[category]} }} }}"""):
        k = tuple(_value(x) for x in key)
        facts.add((g.value, year.value, k, row.value))
        lines.add((g.value, year.value, k, line.value))
    assert len(facts) > 50
    optional = " ".join(f"OPTIONAL {{ ?n bkg:{p} ?k{i + 1} }}" for i, p in enumerate(_KEYS[category]))
    grouped, grouped_lines, examples = set(), set(), {}
    for g, n, year, row, line, example, *key in corpus_store.query(_PREFIXES + f"""
        SELECT ?g ?n ?year ?row ?line ?example {keys} WHERE {{ GRAPH ?g {{
          ?n bkg:groupCategory level:{category} ; bkg:groupYear ?year ; bkg:groupRow ?row ;
             bkg:groupLine ?line ; bkg:groupExample ?example . {optional} }} }}"""):
        k = tuple(_value(x) for x in key)
        grouped.add((g.value, year.value, k, row.value))
        grouped_lines.add((g.value, year.value, k, line.value))
        examples.setdefault(n.value, set()).add(example.value)
    assert grouped == facts
    assert grouped_lines == lines
    printed = {}
    for n, pv in corpus_store.query(_PREFIXES + f"""SELECT ?n ?pv WHERE {{
          ?n bkg:groupCategory level:{category} ; bkg:groupRow ?row . ?row bkg:printedValue ?pv }}"""):
        printed.setdefault(n.value, set()).add(pv.value)
    assert all(len(ex) == 1 and ex <= printed[n] for n, ex in examples.items())
    # fewer groups than rows: what makes the queries read less
    assert len(examples) < len({f[3] for f in facts})


def test_every_document_counts_its_groups(corpus_store):
    counted = {d.value: int(n.value) for d, n in corpus_store.query(
        "SELECT ?d ?n WHERE { ?d <https://w3id.org/budgetkg/def/groupCount> ?n }")}
    groups = {}
    for (node,) in corpus_store.query(
            "SELECT DISTINCT ?n WHERE { { ?n <https://w3id.org/budgetkg/def/groupCategory> ?c } UNION "
            "{ ?n <https://w3id.org/budgetkg/def/groupLevel2> ?c } UNION "
            "{ ?n <https://w3id.org/budgetkg/def/groupFundSource> ?c } }"):
        doc = node.value.split("/target-group/")[0].split("/level-group/")[0].split("/fund-group/")[0]
        groups[doc] = groups.get(doc, 0) + 1
    documents = {d.value for (d,) in corpus_store.query(
        "SELECT DISTINCT ?d WHERE { ?d a <https://w3id.org/budgetkg/def/SourceDocument> }")}
    assert set(counted) == documents and len(documents) > 3
    assert {d: n for d, n in counted.items() if n} == groups
    versions = {d.value: v.value for d, v in corpus_store.query(
        "SELECT ?d ?v WHERE { ?d <https://w3id.org/budgetkg/def/summaryVersion> ?v }")}
    assert versions == dict.fromkeys(documents, SUMMARY_VERSION)


def _by_document(store, query: str, number) -> dict[tuple[str, str, str], tuple[object, set[str]]]:
    """(graph, year, key) -> (number, tables) of a query's rows: one row per key (a group
    per document, year and key; or the facts grouped so)."""
    out = {}
    for g, year, key, n, tables in store.query(_PREFIXES + query):
        k = (g.value, year.value, key.value)
        assert k not in out, k
        out[k] = (number(n.value), set(tables.value.split()))
    return out


#: Per graph, year and key, what the facts give and what the groups hold: (a number, the
#: tables). Level-2 groups: the row count per level 2; fund groups: the sum per source.
_BY_DOCUMENT = {
    "level": ("""
        SELECT ?g ?year ?l2 (COUNT(?row) AS ?n) (GROUP_CONCAT(DISTINCT STR(?py); separator=" ") AS ?tables)
        WHERE { GRAPH ?g { ?py bkg:tableYear ?year ; bkg:hasIndicator ?row . ?row bkg:level2 ?l2 } }
        GROUP BY ?g ?year ?l2""", """
        SELECT ?g ?year ?l2 ?n (GROUP_CONCAT(STR(?py); separator=" ") AS ?tables)
        WHERE { GRAPH ?g { ?x bkg:groupYear ?year ; bkg:groupLevel2 ?l2 ; bkg:groupRowCount ?n ; bkg:groupTable ?py } }
        GROUP BY ?g ?x ?year ?l2 ?n""", int),
    "fund": ("""
        SELECT ?g ?year ?fs (SUM(?a) AS ?sum) (GROUP_CONCAT(DISTINCT STR(?py); separator=" ") AS ?tables)
        WHERE { GRAPH ?g { ?n bkg:fiscalYear ?year ; bkg:fundSource ?fs ; bkg:projectYear ?py ; bkg:amount ?a } }
        GROUP BY ?g ?year ?fs""", """
        SELECT ?g ?year ?fs ?sum (GROUP_CONCAT(STR(?py); separator=" ") AS ?tables)
        WHERE { GRAPH ?g { ?x bkg:groupYear ?year ; bkg:groupFundSource ?fs ; bkg:groupSum ?sum ; bkg:groupTable ?py } }
        GROUP BY ?g ?x ?year ?fs ?sum""", Decimal),
}


@pytest.mark.parametrize("kind", sorted(_BY_DOCUMENT))
def test_each_documents_level_and_fund_groups_hold_its_counts_sums_and_tables(corpus_store, kind):
    """Per graph, year and level 2 (or fund source): the row count (or the sum of the
    amounts) and the tables equal the facts'."""
    facts_query, groups_query, number = _BY_DOCUMENT[kind]
    facts = _by_document(corpus_store, facts_query, number)
    assert len(facts) > 20 and _by_document(corpus_store, groups_query, number) == facts
