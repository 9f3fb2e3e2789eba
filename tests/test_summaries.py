"""Load-time summaries (loader/summaries.py, docs/summaries.md): stored in the document's
own graph, replaced and removed with it, derived for RDF files too, and the library
queries that read them give the rows of their summary-free texts."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from budgetkg import pipeline
from budgetkg.commands.load import load_files
from budgetkg.loader.iris import DEFAULT_BASE
from budgetkg.queries.catalog import load_catalog, parse_query
from budgetkg.store import OxigraphStore
from budgetkg.synthetic import generate_corpus

from test_bench_rows import rows

ROOT = Path(__file__).resolve().parents[1]
PLAIN = ROOT / "bench" / "naive_queries"
BKG = "https://w3id.org/budgetkg/def/"

SUMMARY = r"bkg:(tableRole|totalYuan|costMismatch|indicatorCount|tableYear|group[A-Z]\w*|statistic[A-Z]\w*)\b"
GROUPS = r"bkg:(group|statistic)[A-Z]\w*\b"
#: The library queries that read a summary (bkg:tableRole, bkg:totalYuan, bkg:costMismatch,
#: bkg:indicatorCount, bkg:tableYear, the target groups' bkg:group…, the statistics of a
#: year's bkg:statistic…).
USERS = sorted(name for name, q in load_catalog().items() if re.search(SUMMARY, q.text))


def test_the_queries_that_read_summaries_have_a_plain_text():
    assert {"compare-lines", "projects", "cost-mismatches", "shared-indicators", "years",
            "satisfaction-targets", "timeliness-by-month"} <= set(USERS)
    for name in USERS:
        text = (PLAIN / f"{name}.rq").read_text(encoding="utf-8")
        assert not re.search(SUMMARY, text), name


def as_json(results) -> dict:
    """pyoxigraph solutions as SPARQL JSON results (what bench/rows.py compares)."""
    names = [v.value for v in results.variables]
    out = []
    for row in results:
        binding = {}
        for name, term in zip(names, row):
            if term is None:
                continue
            kind = type(term).__name__
            if kind == "NamedNode":
                binding[name] = {"type": "uri", "value": term.value}
            elif kind == "BlankNode":
                binding[name] = {"type": "bnode", "value": term.value}
            else:
                value = {"type": "literal", "value": term.value}
                if term.language:
                    value["xml:lang"] = term.language
                else:
                    value["datatype"] = term.datatype.value
                binding[name] = value
        out.append(binding)
    return {"head": {"vars": names}, "results": {"bindings": out}}


#: Plain texts that rely on rdflib's union graph holding each triple once: Oxigraph's
#: union repeats a triple stated in several documents' graphs (an organisation's label),
#: so on it they repeat rows (the library's texts take each such fact once).
RDFLIB_ONLY = {"project-totals", "line-totals-two-years"}

_TOTAL = re.compile(r"\?(\w+) bkg:totalYuan \?(\w+)")
_MISMATCH = re.compile(r"\{ SELECT DISTINCT \?(\w+) WHERE \{ \?\1 bkg:costMismatch true \} \}")
_COUNT = re.compile(r"\{ SELECT \?py \?rows WHERE \{ \?py bkg:indicatorCount \?rows FILTER\(\?rows > 0\) \} \}")
_ROLE = re.compile(r"\{ SELECT \?(\w+) \?role WHERE \{ \?\1 bkg:tableRole \?role \} \}")


def unsummarized(text: str) -> str | None:
    """The library text with each summary computed from the facts it summarizes, as the
    text was before the summaries: a table's total from its fund amount node, its role
    from its IRI, line and carry-over flag, its year from every subject's year (the
    tables among them picked by the table properties the text joins). None for a text
    that reads target groups: no mechanical rewrite gives it back (its plain text is the
    check)."""
    if re.search(GROUPS, text):
        return None
    text = _TOTAL.sub(lambda m: (f"?{m[1]}_t bkg:projectYear ?{m[1]} ; "
                                 f"bkg:fundSource <{BKG}fund-source/total> ; bkg:amount ?{m[2]}"), text)

    def role(m: re.Match) -> str:
        v = m[1]
        year = "?yearA" if v.endswith("A") else "?yearB"
        return (f"{{ SELECT ?{v} ?{v}_co WHERE {{ ?{v} bkg:isCarryover ?{v}_co }} }}\n"
                f"BIND(IF(?{v} = IRI(CONCAT(STR(?line), \"/\", STR({year}))), \"main\", "
                f"IF(?{v}_co, \"carry-over\", \"other\")) AS ?role)")

    text = _ROLE.sub(role, text)
    text = _MISMATCH.sub("", text)  # the tables it picks are the ones the text's FILTER keeps
    text = _COUNT.sub("{ SELECT ?py ?indicator WHERE { ?py bkg:hasIndicator ?indicator } }", text)
    text = text.replace("(SUM(?rows) AS ?indicators)", "(COUNT(?indicator) AS ?indicators)")
    text = text.replace("bkg:tableYear", "bkg:fiscalYear")
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    assert not re.search(SUMMARY, code)
    return text


def _pairs_of_years(store) -> list[tuple[int, int]]:
    years = sorted({int(r[0].value) for r in store.query(
        f"SELECT DISTINCT ?y WHERE {{ ?d a <{BKG}SourceDocument> ; <{BKG}fiscalYear> ?y }}")})
    return [(a, b) for a, b in zip(years, years[1:])]


@pytest.mark.parametrize("name", USERS)
def test_a_query_reading_summaries_gives_the_rows_of_its_plain_text(corpus_store, name):
    query = load_catalog()[name]
    lines = query.text.splitlines()
    header = "".join(line + "\n" for line in lines[:next(i for i, x in enumerate(lines) if not x.startswith("#"))])
    plain = parse_query(name, header + (PLAIN / f"{name}.rq").read_text(encoding="utf-8"))
    params = {p.name for p in query.parameters}
    pairs = _pairs_of_years(corpus_store)
    years = sorted({y for pair in pairs for y in pair})
    bindings = [{}]
    if {"yearA", "yearB"} <= params:  # every pair of consecutive years, the seed's included
        bindings = [{"yearA": str(a), "yearB": str(b)} for a, b in pairs]
    elif "year" in params:
        bindings = [{}, {"year": "2022"}]
    for values in bindings:
        got = as_json(corpus_store.query(query.bind(values, years)))
        facts = unsummarized(query.text)
        assert facts is not None or name not in RDFLIB_ONLY, name  # one check at least
        if facts is not None:
            before = parse_query(name, facts).bind(values, years)
            check = rows.compare(as_json(corpus_store.query(before)), got, query.text)
            assert check["same"], (name, values, check)
        assert got["results"]["bindings"], (name, values)
        if name not in RDFLIB_ONLY:  # and an independent text, written plainly
            check = rows.compare(as_json(corpus_store.query(plain.bind(values, years))), got, plain.text)
            assert check["same"], (name, values, check)


def _summaries(store, graph: str | None = None) -> set[tuple[str, str, str]]:
    where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    return {(s.value, p.value, o.value) for s, p, o in store.query(
        f"SELECT ?s ?p ?o WHERE {{ {where} FILTER(?p IN (<{BKG}tableRole>, <{BKG}totalYuan>, "
        f"<{BKG}costMismatch>, <{BKG}indicatorCount>, <{BKG}tableYear>)) }}")}


def test_each_table_has_its_role_and_total_in_its_documents_graph(corpus_store):
    roles = dict(((s, o) for s, p, o in _summaries(corpus_store) if p.endswith("tableRole")))
    tables = {r[0].value for r in corpus_store.query(f"SELECT ?py WHERE {{ ?py a <{BKG}ProjectYear> }}")}
    assert set(roles) == tables
    assert set(roles.values()) >= {"main", "carry-over"}
    for py, role in roles.items():  # main is the line's {line}/{year} table
        assert (role == "main") == bool(re.search(r"/\d{4}$", py)), py
    # stored where the table is: in its document's graph, not the default graph
    assert not list(corpus_store.query(
        f"SELECT * WHERE {{ ?py <{BKG}tableRole> ?r }}", default_graph_union=False))


def _mismatches(store) -> dict[str, tuple[bool, bool]]:
    """Per table with a cost sum: (its bkg:costMismatch, whether its cost sum differs from
    its fund:total amount, computed here from the facts)."""
    got: dict[str, tuple[bool, bool]] = {}
    for py, flag, cost, total in store.query(f"""SELECT ?py ?flag ?cost ?total WHERE {{
        ?py <{BKG}costIndicatorTotal> ?cost .
        OPTIONAL {{ ?py <{BKG}costMismatch> ?flag }}
        OPTIONAL {{ ?t <{BKG}projectYear> ?py ; <{BKG}fundSource> <{BKG}fund-source/total> ;
                      <{BKG}amount> ?total }} }}"""):
        assert py.value not in got, f"{py.value}: one cost sum, one total, one flag"
        differ = total is not None and Decimal(cost.value) != Decimal(total.value)
        got[py.value] = (flag is not None and flag.value == "true", differ)
    return got


def test_each_table_with_a_cost_sum_says_whether_it_differs_from_its_total(corpus_store):
    got = _mismatches(corpus_store)
    assert {d for _, d in got.values()} == {True, False}  # the corpus has both kinds
    assert all(flag == differ for flag, differ in got.values())
    flags = {r[0].value for r in corpus_store.query(f"SELECT ?py WHERE {{ ?py <{BKG}costMismatch> ?m }}")}
    assert flags == set(got)  # on those tables only, in their documents' graphs
    assert not list(corpus_store.query(
        f"SELECT * WHERE {{ ?py <{BKG}costMismatch> ?m }}", default_graph_union=False))


def test_each_table_states_its_year_as_a_table_year(corpus_store):
    """bkg:tableYear: the table's own fiscal year, on every table and nothing else, in
    its document's graph (so that a year's tables are one index range)."""
    table_years = {(py.value, y.value) for py, y in corpus_store.query(
        f"SELECT ?py ?y WHERE {{ ?py <{BKG}tableYear> ?y }}")}
    years = {(py.value, y.value) for py, y in corpus_store.query(
        f"SELECT ?py ?y WHERE {{ ?py a <{BKG}ProjectYear> ; <{BKG}fiscalYear> ?y }}")}
    assert table_years == years and len({y for _, y in years}) >= 3
    # amounts and documents have a fiscal year too, and no table year
    assert len(list(corpus_store.query(f"SELECT * WHERE {{ ?s <{BKG}fiscalYear> ?y }}"))) > 3 * len(years)
    assert not list(corpus_store.query(
        f"SELECT * WHERE {{ ?py <{BKG}tableYear> ?y }}", default_graph_union=False))


def test_each_table_counts_its_indicator_rows(corpus_store):
    counted = {py.value: int(n.value) for py, n in corpus_store.query(
        f"SELECT ?py ?n WHERE {{ ?py <{BKG}indicatorCount> ?n }}")}
    rows = {py.value: int(n.value) for py, n in corpus_store.query(
        f"SELECT ?py (COUNT(?i) AS ?n) WHERE {{ ?py <{BKG}isCarryover> ?c "
        f"OPTIONAL {{ ?py <{BKG}hasIndicator> ?i }} }} GROUP BY ?py")}
    assert counted == rows and max(rows.values()) > 1


def test_a_replaced_document_replaces_its_summaries_and_a_removed_one_leaves_none(tmp_path):
    [path] = generate_corpus(tmp_path / "tables", seed=2, tables=20, years=(2022,))
    store = OxigraphStore(tmp_path / "store")
    assert load_files(store, [path], DEFAULT_BASE, workers=0, validate=False)[0] == 0
    [graph] = [g for g in store.graphs() if ("/graph/" in g or "document" in g) and "/statistics/" not in g]
    before = _summaries(store, graph)
    totals = {s: o for s, p, o in before if p.endswith("totalYuan")}
    assert totals and len(totals) == len({s for s, _, _ in before})
    # the first table's total printed 10 (万元) higher: its summary follows
    text = path.read_text(encoding="utf-8")
    first = re.search(r"项目总额\D*?(\d+(?:\.\d+)?)", text)
    assert first, "the generated table prints its total"
    changed = text[:first.start(1)] + f"{float(first.group(1)) + 10:.2f}" + text[first.end(1):]
    path.write_text(changed, encoding="utf-8")
    assert load_files(store, [path], DEFAULT_BASE, workers=0, validate=False)[0] == 0
    [new_graph] = [g for g in store.graphs() if g != graph and ("/graph/" in g or "document" in g)
                   and "/statistics/" not in g] or [graph]
    assert not store.has_graph(graph) or new_graph == graph
    after = _summaries(store)
    new_totals = {s: o for s, p, o in after if p.endswith("totalYuan")}
    assert set(new_totals) == set(totals)
    differ = [s for s in totals if float(new_totals[s]) != float(totals[s])]
    assert len(differ) == 1 and float(new_totals[differ[0]]) == float(totals[differ[0]]) + 100000
    assert _summaries(store, new_graph) == after  # all in the new document's graph
    assert all(flag == differ for flag, differ in _mismatches(store).values())
    store.drop_graph(new_graph)
    assert _summaries(store) == set()


def test_an_rdf_file_gets_its_summaries_derived_and_stale_ones_replaced(tmp_path):
    """A document written as RDF without summaries (or with edited ones) is summarized
    from its own triples when loaded as an RDF file."""
    # what the converter wrote (a store's replace_graphs derives them again, so a store
    # would give back its own derivation, right or wrong)
    res = pipeline.process_document(pipeline.seed_path(), DEFAULT_BASE, validate=False)
    memory = OxigraphStore(None)
    memory._store.load(res.ntriples, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(res.graph))
    expected = _summaries(memory)
    groups = _groups(memory)
    assert expected and len(groups) > 100
    quads = [q for q in memory._store.quads_for_pattern(None, None, None, None)]
    some = sorted(s for s, p, _ in expected if p.endswith("totalYuan"))[0]
    kept = [q for q in quads if q.predicate.value != f"{BKG}tableRole"
            and not (q.predicate.value == f"{BKG}totalYuan" and q.subject.value != some)
            # the target groups left out (a dump written before 0.6.0), but their rows
            and not ((q.subject.value, q.predicate.value, q.object.value) in groups
                     and q.predicate.value != f"{BKG}groupRow")]
    # one of the rows left stale (a row of another group): dropped, the right one derived
    stale = next(i for i, q in enumerate(kept) if q.predicate.value == f"{BKG}groupRow")
    other = next(q.object for q in kept if q.predicate.value == f"{BKG}groupRow"
                 and q.subject != kept[stale].subject)
    kept[stale] = ox.Quad(kept[stale].subject, kept[stale].predicate, other, kept[stale].graph_name)
    # one stale total left in the file: it is replaced, not kept beside the derived one
    kept = [ox.Quad(q.subject, q.predicate, ox.Literal("1", datatype=ox.NamedNode(
        "http://www.w3.org/2001/XMLSchema#decimal")), q.graph_name)
            if q.predicate.value == f"{BKG}totalYuan" else q for q in kept]
    dump = tmp_path / "old.nq"
    dump.write_bytes(ox.serialize(kept, format=ox.RdfFormat.N_QUADS))
    store = OxigraphStore(tmp_path / "store")
    pipeline.load_rdf_file(store, dump)
    assert _summaries(store) == expected
    assert _groups(store) == groups


def _groups(store) -> set[tuple[str, str, str]]:
    """The target groups' triples and the documents' counts of them (0.6.0)."""
    return {(s.value, p.value, o.value) for s, p, o in store.query(
        f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?p), \"{BKG}group\") "
        f"|| ?p = <{BKG}groupCount>) }}")}


def test_a_store_without_summaries_is_refused_not_answered_wrongly(tmp_path):
    """A store loaded before vocabulary 0.3.0 (simulated: its summaries deleted) answers
    the queries that read them with a clear error, through the service and the API;
    the other queries still run."""
    from budgetkg import api
    from budgetkg.queries.catalog import SummariesMissing
    from budgetkg.service import close_app, create_app

    store = OxigraphStore(tmp_path / "store")
    pipeline.load_seed(store, base=DEFAULT_BASE)
    for prop in ("tableRole", "totalYuan"):
        store._update(f"DELETE WHERE {{ GRAPH ?g {{ ?py <{BKG}{prop}> ?x }} }}")
    store.close()
    with api.open(tmp_path / "store") as kg:
        with pytest.raises(SummariesMissing, match=r"budgetkg upgrade"):
            kg.run("projects")
        assert kg.run("project-indicators")
    # a store loaded before 0.4.0: roles and totals, no bkg:costMismatch
    store = OxigraphStore(tmp_path / "store-0.3")
    pipeline.load_seed(store, base=DEFAULT_BASE)
    store._update(f"DELETE WHERE {{ GRAPH ?g {{ ?py <{BKG}costMismatch> ?x }} }}")
    store.close()
    with api.open(tmp_path / "store-0.3") as kg:
        with pytest.raises(SummariesMissing, match=r"costMismatch.*budgetkg upgrade"):
            kg.run("cost-mismatches")
    # a store loaded before 0.6.0: no target groups and no summary version
    store = OxigraphStore(tmp_path / "store-0.5")
    pipeline.load_seed(store, base=DEFAULT_BASE)
    store._update(f"DELETE WHERE {{ GRAPH ?g {{ ?d <{BKG}groupCount> ?n ; <{BKG}summaryVersion> ?v }} }}")
    store._update(f"DELETE WHERE {{ GRAPH ?g {{ ?n <{BKG}groupCategory> ?c ; ?p ?o }} }}")
    store.close()
    with api.open(tmp_path / "store-0.5") as kg:
        for name in ("satisfaction-targets", "timeliness-by-month", "indicators-by-level2", "fund-sources"):
            with pytest.raises(SummariesMissing, match=r"target, level-2 and fund groups.*budgetkg upgrade"):
                kg.run(name)
        assert kg.run("project-indicators")
    # a store loaded by 0.6.0: every group but the fund groups, whose absence its
    # documents' summary version tells
    store = OxigraphStore(tmp_path / "store-0.6")
    pipeline.load_seed(store, base=DEFAULT_BASE)
    store._update(f"DELETE WHERE {{ GRAPH ?g {{ ?n <{BKG}groupFundSource> ?c ; ?p ?o }} }}")
    store._update(f"DELETE {{ GRAPH ?g {{ ?d <{BKG}summaryVersion> ?v }} }} "
                  f"INSERT {{ GRAPH ?g {{ ?d <{BKG}summaryVersion> \"0.6.0\" }} }} "
                  f"WHERE {{ GRAPH ?g {{ ?d <{BKG}summaryVersion> ?v }} }}")
    store.close()
    with api.open(tmp_path / "store-0.6") as kg:
        with pytest.raises(SummariesMissing, match=r"vocabulary 0\.7\.0"):
            kg.run("fund-sources")
    app = create_app({"data_dir": tmp_path / "store", "workers": 0})
    try:
        client = app.test_client()
        r = client.get("/queries/projects", headers={"Accept": "application/sparql-results+json"})
        assert r.status_code == 409 and b"budgetkg upgrade" in r.data
        assert client.get("/queries/project-indicators",
                          headers={"Accept": "application/sparql-results+json"}).status_code == 200
    finally:
        close_app(app)


def test_a_bare_serve_loads_the_default_dataset_again_when_older_code_loaded_it(tmp_path):
    """`budgetkg serve` on a folder where older code loaded the embedded dataset (its
    documents lacking this code's summary version, simulated) loads it again, so that the
    library answers instead of 409; a folder without it is left as it is."""
    from budgetkg.commands.serve import _has_data, _load_into_store
    from budgetkg.queries.catalog import SUMMARIES_QUERY
    from budgetkg.settings import load_settings

    def missing(folder) -> int:
        with OxigraphStore(folder, read_only=True) as store:
            return int(next(iter(store.query(SUMMARIES_QUERY)))["missing"].value)

    settings = load_settings({"data_dir": tmp_path / "data"}, environ={})
    assert _load_into_store(settings, ()) == 0  # an empty folder: the dataset loaded
    assert _has_data(settings) and missing(tmp_path / "data") == 0
    with OxigraphStore(tmp_path / "data") as store:
        store._update(f"DELETE WHERE {{ GRAPH ?g {{ ?d <{BKG}summaryVersion> ?v }} }}")
        store._update(f"DELETE WHERE {{ GRAPH ?g {{ ?n <{BKG}groupFundSource> ?c ; ?p ?o }} }}")
    assert missing(tmp_path / "data") == 1 and not _has_data(settings)
    assert _load_into_store(settings, ()) == 0
    assert missing(tmp_path / "data") == 0 and _has_data(settings)
    from budgetkg import api

    with api.open(tmp_path / "data") as kg:
        assert kg.run("fund-sources")
    # a user's document beside it, loaded by older code: the dataset is current, so a
    # bare serve writes nothing (no writer's lock: replicas can share the folder)
    with OxigraphStore(tmp_path / "data") as store:
        load_files(store, generate_corpus(tmp_path / "mine", seed=3, tables=5, years=(2023,)), DEFAULT_BASE)
        store._update(f"DELETE {{ GRAPH ?g {{ ?d <{BKG}summaryVersion> ?v }} }} WHERE {{ GRAPH ?g {{ "
                      f"?d <{BKG}summaryVersion> ?v ; <{BKG}fiscalYear> \"2023\"^^<http://www.w3.org/2001/XMLSchema#gYear> }} }}")
    assert missing(tmp_path / "data") == 1 and _has_data(settings)
    # someone else's documents, loaded by older code: not the serve's to rebuild
    other = load_settings({"data_dir": tmp_path / "other"}, environ={})
    with OxigraphStore(tmp_path / "other") as store:
        load_files(store, generate_corpus(tmp_path / "tables", seed=2, tables=20, years=(2022,)), DEFAULT_BASE)
        store._update(f"DELETE WHERE {{ GRAPH ?g {{ ?d <{BKG}summaryVersion> ?v }} }}")
    assert _has_data(other)
    assert _load_into_store(other, ()) == 0 and missing(tmp_path / "other") > 0
