"""The remote store with hundreds of document graphs (issue #21, item 8).

Virtuoso echoes every ``default-graph-uri`` / ``named-graph-uri`` of a request as a
response header, and Python's http.client refuses an answer with more than 100
headers: with the dataset sent as protocol parameters, `serve --store` answered every
query with 503 once the store held ~50 documents. The transport now writes the
dataset into the query as FROM / FROM NAMED clauses; these tests check that the
rewritten text means the same dataset (on pyoxigraph, which takes both forms) and that
a real Virtuoso with hundreds of graphs answers through the service.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from budgetkg.service import close_app, create_app
from budgetkg.store.remote import RemoteStore
from budgetkg.store.sparql_lexer import with_dataset

GRAPHS = 300
BASE = "https://budgetkg.example.org/test-many/"
EX = "https://budgetkg.example.org/def/"


def _graph(i: int) -> str:
    return f"{BASE}doc/{i:04d}"


def _trig(n: int, start: int = 0) -> str:
    return "".join(
        f"<{_graph(i)}> {{ <{BASE}p/{i}> <{EX}fiscalYear> {2000 + i % 7} ; <{EX}shared> <{BASE}common> . }}\n"
        for i in range(start, n))


# -- the rewritten text means the same dataset -----------------------------------------

QUERIES = [
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "PREFIX e: <%s>\nSELECT (EXISTS { ?s e:shared ?c } AS ?e) (COUNT(*) AS ?n) WHERE { ?s ?p ?o }" % EX,
    "# a comment naming WHERE {\nSELECT DISTINCT ?y WHERE { ?s <%sfiscalYear> ?y { SELECT ?s WHERE { ?s ?p ?o } } }" % EX,
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "CONSTRUCT WHERE { ?s ?p ?o }",
    "ASK { GRAPH ?g { ?s ?p 2003 } }",
    "DESCRIBE <%sp/3>" % BASE,
    "SELECT * FROM <urn:other> FROM NAMED <urn:other> WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }",
]


def _answer(result) -> object:
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QueryTriples):
        return sorted(str(t) for t in result)
    return sorted(tuple(str(v) for v in row) for row in result)


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("defaults,named", [([1, 2, 3], [2, 4]), ([5], [5]), ([], [0, 6]), ([0, 1, 2], [0, 1, 2])])
def test_dataset_clauses_mean_the_protocol_dataset(query, defaults, named):
    store = ox.Store()
    store.load(_trig(8), format=ox.RdfFormat.TRIG)
    d, n = [_graph(i) for i in defaults], [_graph(i) for i in named]
    expected = store.query(query, default_graph=[ox.NamedNode(g) for g in d] or None,
                           named_graphs=[ox.NamedNode(g) for g in n] or None)
    rewritten = with_dataset(query, d, n)
    assert _answer(store.query(rewritten)) == _answer(expected), rewritten


def test_the_querys_own_clauses_of_a_kind_not_given_are_kept():
    text = "SELECT * FROM <urn:a> FROM NAMED <urn:b> WHERE { ?s ?p ?o }"
    out = with_dataset(text, [], ["urn:c"])
    assert "FROM <urn:a>" in out and "<urn:b>" not in out and "FROM NAMED <urn:c>" in out


# -- a real Virtuoso with hundreds of graphs -------------------------------------------


@pytest.fixture(scope="module")
def many(virtuoso):
    virtuoso.clear()
    with RemoteStore(virtuoso.sparql_auth, user=virtuoso.user, password=virtuoso.password) as store:
        # as `budgetkg load` writes them: a few documents per request (one swap of
        # hundreds of graphs is more than Virtuoso compiles: docs/stores.md)
        for start in range(0, GRAPHS, 20):
            store.replace_graphs(_trig(start + 20, start), "application/trig")
    app = create_app({"store_url": virtuoso.sparql, "workers": 1, "max_rows": 100_000})
    yield app.test_client()
    close_app(app)
    virtuoso.clear()


def test_virtuoso_with_hundreds_of_graphs_answers_through_the_service(many):
    r = many.post("/sparql", data={"query": "SELECT (COUNT(DISTINCT ?g) AS ?n) (COUNT(*) AS ?t) "
                                            "WHERE { GRAPH ?g { ?s ?p ?o } }", "format": "json"})
    assert r.status_code == 200, r.data
    row = r.get_json()["results"]["bindings"][0]
    assert (int(row["n"]["value"]), int(row["t"]["value"])) == (GRAPHS, 2 * GRAPHS)
    # the union default graph: every document's triples, none of the store's own
    r = many.post("/sparql", data={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{EX}shared> ?o }}",
                                   "format": "json"})
    assert r.status_code == 200, r.data
    assert int(r.get_json()["results"]["bindings"][0]["n"]["value"]) == GRAPHS
    r = many.post("/sparql", data={"query": "CONSTRUCT WHERE { ?s ?p 2003 }", "format": "ntriples"})
    assert r.status_code == 200, r.data
    assert len(r.data.decode().strip().splitlines()) == len([i for i in range(GRAPHS) if i % 7 == 3])


def test_a_requested_dataset_of_hundreds_of_graphs(many):
    graphs = [_graph(i) for i in range(0, GRAPHS, 2)]
    r = many.post("/sparql", data={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                                   "named-graph-uri": graphs, "format": "json"})
    assert r.status_code == 200, r.data
    assert int(r.get_json()["results"]["bindings"][0]["n"]["value"]) == 2 * len(graphs)
