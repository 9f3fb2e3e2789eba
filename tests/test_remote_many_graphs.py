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


# -- what each query costs: no graph scan, no list of hundreds of graphs ---------------


@pytest.fixture()
def requests_sent(many, virtuoso, monkeypatch):
    """A RemoteStore on the anonymous endpoint whose query requests are recorded."""
    store = RemoteStore(virtuoso.sparql, base_iri=BASE)
    sent: list[str] = []
    send = store.transport._send_query

    def recorded(client):
        sent.append(client.queryString)
        return send(client)

    monkeypatch.setattr(store.transport, "_send_query", recorded)
    yield store, sent
    store.close()


def _count(store: RemoteStore, text: str) -> int:
    rows = list(store.query(text))  # read whole, in this thread (pyoxigraph objects stay in theirs)
    return int(rows[0][0].value)


def test_a_query_costs_one_small_request_besides_itself(requests_sent, monkeypatch):
    from budgetkg.store import remote as remote_store

    store, sent = requests_sent
    assert len(store.graphs()) == GRAPHS
    monkeypatch.setattr(remote_store, "REFRESH_SECONDS", 0.0)  # the list is always "old"
    text = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{EX}fiscalYear> ?y }}"
    for i in range(3):
        sent.clear()
        assert _count(store, text) == GRAPHS  # the documents' triples, all of them
        # the housekeeping graph (twice at most: list age, then the query's own check), the
        # query, and the first time an ASK whether its patterns match the server's other graphs
        asks = [q for q in sent if q.startswith("ASK")]
        assert len(asks) == (1 if i == 0 else 0) and len(sent) - len(asks) <= 3, sent
        assert sent[-1] == text  # Virtuoso's own default graph: no dataset, no pragma
        assert all("GROUP BY ?g" not in q and "DISTINCT ?g" not in q for q in sent)  # no scan of graphs
        assert all(len(q) < 1000 for q in sent)  # nothing that grows with the graphs


def test_a_query_that_could_match_the_servers_own_graphs_gets_the_graph_list(requests_sent):
    store, sent = requests_sent
    # ?s ?p ?o matches Virtuoso's system graphs: the documents are listed instead
    assert _count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == 2 * GRAPHS
    assert "DEFINE input:default-graph-uri" in sent[-1]
    # so does rdf:type, which its system graphs use a lot, and a GRAPH pattern
    sent.clear()
    assert _count(store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }") == 2 * GRAPHS
    assert "DEFINE input:named-graph-uri" in sent[-1]


def test_a_graph_being_staged_is_never_read(requests_sent, virtuoso):
    from budgetkg.store import staging
    import pyoxigraph as ox

    store, _ = requests_sent
    text = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{EX}fiscalYear> ?y }}"
    assert _count(store, text) == GRAPHS  # the graph list is read before the staging starts
    with RemoteStore(virtuoso.sparql_auth, user=virtuoso.user, password=virtuoso.password) as writer:
        half = [ox.Triple(ox.NamedNode(f"{BASE}p/staged"), ox.NamedNode(f"{EX}fiscalYear"), ox.Literal("2003"))]
        name = staging.stage(writer.transport, half, 100)
        try:
            assert _count(store, text) == GRAPHS
        finally:
            staging.drop_staging(writer.transport, [name])
    assert _count(store, text) == GRAPHS


def test_triples_in_a_graph_that_is_not_a_document_are_never_read(requests_sent, virtuoso):
    store, sent = requests_sent
    other = "urn:budgetkg-test:not-a-document"  # not under base_iri, not loaded by budgetkg
    text = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{EX}fiscalYear> ?y }}"
    with RemoteStore(virtuoso.sparql_auth, user=virtuoso.user, password=virtuoso.password) as writer:
        writer._update(f"INSERT DATA {{ GRAPH <{other}> {{ <{BASE}p/other> <{EX}fiscalYear> 2003 }} }}")
        try:
            assert _count(store, text) == GRAPHS  # Virtuoso's own default graph would say 301
            assert "DEFINE input:default-graph-uri" in sent[-1]
        finally:
            writer._update(f"DROP SILENT GRAPH <{other}>")


def test_which_queries_the_pattern_check_can_reason_about():
    from budgetkg.store.union_check import triple_patterns

    p = "PREFIX e: <http://e/> "
    # a sequence path is its chain of plain patterns; an inverse path, the pattern reversed
    seq = triple_patterns(p + "SELECT * WHERE { ?a e:p/e:q ?b . ?c ^e:r ?d }")
    assert seq is not None and len(seq) == 3 and "?d <http://e/r> ?c" in seq
    assert any(x.startswith("?a <http://e/p> ?") for x in seq)
    # OPTIONAL, subqueries, FILTER EXISTS: every pattern counts
    nested = triple_patterns(p + "SELECT * WHERE { ?a e:p ?b OPTIONAL { ?b e:q ?c } "
                                 "{ SELECT ?a WHERE { ?a e:r 1 } } FILTER EXISTS { ?a e:s ?z } "
                                 "FILTER NOT EXISTS { ?a e:t ?z ; e:u ?y } }")
    assert nested is not None and len(nested) == 6
    for text in ("SELECT * WHERE { GRAPH ?g { ?a e:p ?b } }", "SELECT * WHERE { ?a e:p* ?b }",
                 "SELECT * WHERE { ?a e:p|e:q ?b }", "SELECT * WHERE { ?a e:p ?b FILTER EXISTS { ?a e:s/e:u ?z } }",
                 "SELECT * WHERE { ?a e:p ?b FILTER NOT EXISTS { GRAPH ?g { ?a e:s ?z } } }", "DESCRIBE <http://e/a>", "SELECT * WHERE { broken"):
        assert triple_patterns(p + text) is None, text


def test_a_type_fixed_by_a_filter_still_goes_to_the_servers_default_graph(requests_sent):
    """`?s a ?t FILTER(?t = <iri>)` (the form carryover-chains uses to steer Oxigraph's
    plan) is checked as `?s a <iri>`: Virtuoso's system graphs type many things, but
    nothing as a budgetkg class, so the query needs no graph list (it was sent with 300
    graphs as pragmas: 4x slower through serve --store at 10M)."""
    store, sent = requests_sent
    text = (f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{EX}fiscalYear> ?y . ?s a ?t "
            f"FILTER(?t = <{EX}ProjectYear>) }}")
    assert _count(store, text) == 0
    assert sent[-1] == text
    # an alternative is not a fixed IRI: listed as before
    sent.clear()
    text = (f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{EX}fiscalYear> ?y . ?s a ?t "
            f"FILTER(?t = <{EX}ProjectYear> || ?t = <{EX}Other>) }}")
    assert _count(store, text) == 0
    assert "DEFINE input:default-graph-uri" in sent[-1]


def test_carryover_chains_goes_to_the_servers_default_graph(requests_sent):
    from budgetkg.queries.catalog import load_catalog

    store, sent = requests_sent
    text = load_catalog()["carryover-chains"].bind({}, [2022])
    list(store.query(text))
    assert "DEFINE input:default-graph-uri" not in sent[-1] and "input:default-graph-uri" not in sent[-1]


def test_a_filter_fixes_an_iri_only_where_it_applies():
    from budgetkg.store.union_check import triple_patterns

    p = "PREFIX e: <http://e/> "
    rdf_type = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    assert triple_patterns(p + "SELECT * WHERE { ?a a ?t FILTER(?t = e:T && ?a = e:x) }") == [
        f"<http://e/x> {rdf_type} <http://e/T>"]
    assert triple_patterns(p + "SELECT * WHERE { ?a e:q ?b OPTIONAL { ?a a ?t } FILTER(e:T = ?t) }") == [
        "?a <http://e/q> ?b", f"?a {rdf_type} <http://e/T>"]
    for text in (
        "SELECT * WHERE { ?a a ?t FILTER(?t = e:T || ?t = e:U) }",  # either IRI
        "SELECT * WHERE { ?a a ?t FILTER(?t != e:T) }",
        "SELECT * WHERE { ?a e:n ?t FILTER(?t = 1) }",  # a literal: compared by value
        "SELECT * WHERE { ?a e:q ?b { SELECT ?a WHERE { ?a a ?t } } FILTER(?t = e:T) }",  # another ?t
        "SELECT * WHERE { ?a e:q ?b MINUS { ?a a ?t } FILTER(?t = e:T) }",  # MINUS shares nothing
        "SELECT * WHERE { ?a a ?t { ?b e:q ?c FILTER(?t = e:T) } }",  # the inner group's filter
    ):
        patterns = triple_patterns(p + text)
        assert patterns is not None and not any(x.endswith("<http://e/T>") for x in patterns), (text, patterns)


def test_the_pattern_check_leaves_no_garbage_holding_its_callers_locals():
    """rdflib's SPARQL parser leaves cyclic garbage holding its frames and, through
    ``f_back``, its callers' frames and locals. A pyoxigraph result in such a local (the
    store's query results: unsendable) is then dropped by whichever thread collects
    it, and pyo3 prints a RuntimeError on stderr (seen in `budgetkg load --store`).
    The check's callers' locals must go when the callers return."""
    import gc
    import weakref

    from budgetkg.store.union_check import triple_patterns

    class Held:
        pass

    def caller() -> weakref.ref[Held]:
        held = Held()  # stands for a query's results, held while the check runs
        assert triple_patterns(f"SELECT * WHERE {{ ?a <{EX}p> ?b OPTIONAL {{ ?b <{EX}q> ?c }} }}")
        return weakref.ref(held)

    gc.collect()
    gc.disable()
    try:
        ref = caller()
        assert ref() is None, "the caller's frame outlived it: kept by the parser's cyclic garbage"
    finally:
        gc.enable()
