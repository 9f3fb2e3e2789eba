"""The remote store with hundreds of document graphs (issue #21, item 8).

Virtuoso echoes every ``default-graph-uri`` / ``named-graph-uri`` of a request as a
response header, and Python's http.client refuses an answer with more than 100
headers: with the dataset sent as protocol parameters, `serve --store` answered every
query with 503 once the store held ~50 documents. For Virtuoso the transport now sends
the dataset as the pragmas its endpoint makes of those parameters (store/virtuoso.py);
a real Virtuoso with hundreds of graphs must answer through the service, the union
default graph and a requested dataset both. (That the pragmas give the embedded store's
rows: every catalog query in test_remote_store.py and test_remote_compare_lines.py.)
"""

from __future__ import annotations

import pytest

from budgetkg.service import close_app, create_app
from budgetkg.store.remote import RemoteStore

GRAPHS = 300
BASE = "https://budgetkg.example.org/test-many/"
EX = "https://w3id.org/budgetkg/def/"


def _graph(i: int) -> str:
    return f"{BASE}doc/{i:04d}"


def _trig(n: int, start: int = 0) -> str:
    return "".join(
        f"<{_graph(i)}> {{ <{BASE}p/{i}> <{EX}fiscalYear> {2000 + i % 7} ; <{EX}shared> <{BASE}common> . }}\n"
        for i in range(start, n))


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
