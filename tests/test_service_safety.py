"""The endpoint is safe in public: read-only, no outbound requests, bounded work, no 500."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest
from conftest_virtuoso import BACKENDS, app_on_backend

from budgetkg.service import close_app
from budgetkg.service.precheck import Limits, QueryRefused, check
from budgetkg.store.sparql_lexer import scan

FIXTURE = Path(__file__).parent / "fixtures" / "small.trig"
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
# 29^6 ≈ 6e8 solutions to count: minutes of work for any engine.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o . ?q ?r ?t }"


@pytest.fixture(scope="module", params=BACKENDS)
def app(request, tmp_path_factory):
    # Every check runs on the embedded store and in front of a remote one (Virtuoso).
    app = app_on_backend(request, tmp_path_factory, FIXTURE.read_bytes(), {
        "workers": 2, "query_timeout": 1.5, "max_request_bytes": 20_000,
        "max_query_length": 10_000, "max_nesting": 12, "max_triple_patterns": 50,
    })
    yield app
    close_app(app)


@pytest.fixture
def client(app):
    return app.test_client()


def triple_count(client) -> int:
    r = client.get("/sparql", query_string={"query": COUNT_ALL})
    assert r.status_code == 200, r.data
    return int(r.get_json()["results"]["bindings"][0]["n"]["value"])


def assert_error(response, status):
    assert response.status_code == status, response.data
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "title", "detail"}
    assert body["error"]["status"] == status
    return body["error"]


# -- read-only ---------------------------------------------------------------------

UPDATES = [
    "INSERT DATA { GRAPH <http://e/g> { <http://e/a> <http://e/b> <http://e/c> } }",
    "DELETE DATA { GRAPH <https://budgetkg.example.org/id/graph/doc2021> { ?s ?p ?o } }",
    "DELETE WHERE { GRAPH ?g { ?s ?p ?o } }",
    "PREFIX e: <http://e/> DELETE { ?s ?p ?o } INSERT { ?s e:x ?o } WHERE { ?s ?p ?o }",
    "WITH <https://budgetkg.example.org/id/graph/doc2021> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "DROP ALL",
    "clear graph <https://budgetkg.example.org/id/graph/doc2021>",
    "LOAD <http://127.0.0.1:9/data.ttl>",
    "CREATE GRAPH <http://e/new>",
    "ADD <https://budgetkg.example.org/id/graph/doc2021> TO <http://e/new>",
    "MOVE <https://budgetkg.example.org/id/graph/doc2021> TO <http://e/new>",
    "COPY DEFAULT TO <http://e/new>",
]


@pytest.mark.parametrize("update", UPDATES, ids=lambda u: u.split()[0] if not u.startswith("PREFIX") else "MODIFY")
def test_updates_are_refused_on_every_channel(client, update):
    before = triple_count(client)
    responses = [
        client.get("/sparql", query_string={"query": update}),
        client.get("/sparql", query_string={"update": update}),
        client.post("/sparql", data={"query": update}),
        client.post("/sparql", data={"update": update}),
        client.post("/sparql", data=update, content_type="application/sparql-query"),
        client.post("/sparql", data=update, content_type="application/sparql-update"),
    ]
    for r in responses:
        assert "read-only" in assert_error(r, 403)["detail"]
    assert triple_count(client) == before


# -- no outbound connection --------------------------------------------------------


class Listener:
    """A local port that records whether anything connected to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        time.sleep(0.3)  # let a late connection arrive
        self._stop = True
        self._thread.join()
        self.sock.close()


@pytest.fixture
def listener():
    ear = Listener()
    yield ear
    ear.close()


def test_service_is_refused_without_any_connection(client, listener):
    url = f"http://127.0.0.1:{listener.port}/sparql"
    for q in (
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service silent <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?x ?y ?z OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    ):
        assert "SERVICE" in assert_error(client.get("/sparql", query_string={"query": q}), 400)["title"]
    listener.close()
    assert listener.connections == 0


def test_from_and_dataset_parameters_never_fetch(client, listener):
    url = f"http://127.0.0.1:{listener.port}/data.ttl"
    r = client.get("/sparql", query_string={"query": f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}"})
    assert r.status_code == 200 and r.get_json()["results"]["bindings"] == []
    r = client.get("/sparql", query_string={"query": f"SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"})
    assert r.status_code == 200 and r.get_json()["results"]["bindings"] == []
    r = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": url,
                                            "named-graph-uri": url})
    assert r.status_code == 200 and r.get_json()["results"]["bindings"] == []
    listener.close()
    assert listener.connections == 0


def test_file_iris_in_from_are_not_read(client, tmp_path):
    secret = tmp_path / "secret.ttl"
    secret.write_text("<http://e/secret> <http://e/p> 'leaked' .\n", encoding="utf-8")
    r = client.get("/sparql", query_string={"query": f"SELECT * FROM <{secret.as_uri()}> WHERE {{ ?s ?p ?o }}"})
    assert r.status_code == 200 and r.get_json()["results"]["bindings"] == []
    r = client.get("/sparql", query_string={"query": "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"})
    assert r.status_code == 200 and r.get_json()["results"]["bindings"] == []


# -- size limits -------------------------------------------------------------------


def test_request_body_over_the_limit_is_413(client):
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 30_000
    assert_error(client.post("/sparql", data={"query": big}), 413)
    assert_error(client.post("/sparql", data=big, content_type="application/sparql-query"), 413)


def test_query_over_the_length_limit_is_400(client):
    long = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 12_000
    assert "10000" in assert_error(client.get("/sparql", query_string={"query": long}), 400)["detail"]


def test_deep_nesting_is_refused_before_parsing(client):
    deep = "SELECT * WHERE " + "{ " * 40 + "?s ?p ?o" + " }" * 40
    assert "nest" in assert_error(client.get("/sparql", query_string={"query": deep}), 400)["title"]
    parens = "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 30 + "1" + ")" * 30 + ") }"
    assert_error(client.get("/sparql", query_string={"query": parens}), 400)


def test_too_many_triple_patterns_are_refused(client):
    many = "SELECT * WHERE { " + " . ".join(f"?s <http://e/p{i}> ?o{i}" for i in range(80)) + " }"
    assert "patterns" in assert_error(client.get("/sparql", query_string={"query": many}), 400)["detail"]


# -- time limits -------------------------------------------------------------------


def test_slow_query_is_stopped_while_others_answer(app):
    state = app.extensions["budgetkg"]
    pids = hasattr(state.executor, "pids")  # a worker pool (embedded); remote queries run in threads
    pids_before = set(state.executor.pids) if pids else set()
    slow_result = {}

    def run_slow():
        started = time.monotonic()
        slow_result["response"] = app.test_client().get("/sparql", query_string={"query": SLOW})
        slow_result["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=run_slow)
    thread.start()
    time.sleep(0.3)
    quick = app.test_client().get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
    slow_still_running = thread.is_alive()
    thread.join()
    # the quick query was answered while the slow one was still being worked on
    assert quick.status_code == 200 and slow_still_running
    # 422, not 503: the query is at fault, and sent again unchanged it would fail again
    err = assert_error(slow_result["response"], 422)
    assert err["title"] == "Query timeout" and "1.5 s" in err["detail"]
    # stopped at its limit (1.5 s), not run to completion (minutes); the margin is for busy machines
    assert 1.4 < slow_result["seconds"] < 15
    # the worker that ran it was killed and replaced; the service goes on
    assert not pids or (set(state.executor.pids) != pids_before and len(state.executor.pids) == 2)
    assert app.test_client().get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}).status_code == 200


def test_regex_cannot_backtrack_catastrophically(client):
    # "(a+)+$" on a's followed by b takes exponential time in backtracking engines.
    q = ('SELECT ?o WHERE { VALUES ?o { "' + "a" * 5000 + 'b" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaab" } '
         'FILTER(REGEX(?o, "^(a+)+$")) }')
    # 200, not 422: it finished within the query timeout (1.5 s here)
    r = client.get("/sparql", query_string={"query": q})
    assert r.status_code == 200
    if not client.application.extensions["budgetkg"].store.shared:
        # Virtuoso's PCRE gives up past its backtracking limit and counts the value
        # as a match: bounded time, wrong answer (docs/stores.md). Oxigraph is exact.
        assert r.get_json()["results"]["bindings"] == []
    q2 = 'SELECT ?v WHERE { ?s ?p ?v FILTER(isLiteral(?v) && REGEX(STR(?v), "^(a|aa)+$")) }'
    assert client.get("/sparql", query_string={"query": q2}).status_code == 200


# -- malformed requests ------------------------------------------------------------


def test_malformed_query_is_400_with_the_parser_message(client):
    err = assert_error(client.get("/sparql", query_string={"query": "SELECT ?x WHERE { ?x ?y }"}), 400)
    # the line of the query: "line 1, column C" (embedded), "line 1:" (Virtuoso)
    assert err["title"] == "Malformed query" and "line 1" in err["detail"]


def test_two_queries_are_400(client):
    r = client.get("/sparql", query_string=[("query", "ASK {}"), ("query", "ASK {}")])
    assert "2 queries" in assert_error(r, 400)["detail"]
    r = client.post("/sparql?query=ASK%20%7B%7D", data={"query": "ASK {}"})
    assert_error(r, 400)
    r = client.post("/sparql?query=ASK%20%7B%7D", data="ASK {}", content_type="application/sparql-query")
    assert_error(r, 400)


def test_missing_query_is_400(client):
    assert_error(client.post("/sparql", data={"format": "json"}), 400)
    assert_error(client.get("/sparql", query_string={"query": "  "}), 400)
    assert_error(client.get("/sparql", query_string={"default-graph-uri": "http://e/g"}), 400)


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_wrong_method_is_405(client, method):
    r = client.open("/sparql", method=method, data="ASK {}")
    assert_error(r, 405)
    assert set(r.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


@pytest.mark.parametrize("content_type", ["text/plain", "application/json", "multipart/form-data; boundary=x", None])
def test_wrong_content_type_is_415(client, content_type):
    r = client.post("/sparql", data=b"ASK {}", content_type=content_type)
    assert_error(r, 415)


def test_unknown_route_is_404_in_the_envelope(client):
    assert_error(client.get("/nothing"), 404)


def test_undecodable_body_is_400(client):
    r = client.post("/sparql", data=b"ASK { \xff\xfe }", content_type="application/sparql-query")
    assert_error(r, 400)


def test_invalid_dataset_iri_is_400(client):
    r = client.get("/sparql", query_string={"query": "ASK {}", "default-graph-uri": "not an iri"})
    assert "IRI" in assert_error(r, 400)["detail"]


GARBAGE = ["{", "}", "SELECT", "\x00", "SELECT * WHERE { ?s ?p ?o } LIMIT -1", '"""', "<", "PREFIX : <",
           "ASK { FILTER(1/0) }", "SELECT (1/0 AS ?x) {}", "SELECT * { ?s ?p ?o } ORDER BY (?o + 'a')",
           "DESCRIBE *", "CONSTRUCT { ?s ?p ?o } WHERE { BIND(<<( <http://a> <http://b> <http://c> )>> AS ?s) }",
           "SELECT ?x { BIND(STRLANGDIR('x', 'ar', 'rtl') AS ?x) }", "SELECT * { ?s ?p ?o } GROUP BY ?nothing"]


@pytest.mark.parametrize("text", GARBAGE)
def test_never_a_500(client, text):
    for fmt in ("json", "xml", "csv", "tsv", "turtle"):
        r = client.get("/sparql", query_string={"query": text, "format": fmt})
        assert r.status_code < 500, (text, r.status_code, r.data)


def test_an_unexpected_exception_becomes_a_503_envelope(app, caplog):
    state = app.extensions["budgetkg"]
    original = state.executor

    class Broken:
        def run(self, task, timeout):
            raise RuntimeError("boom")

        def close(self):
            pass

    state.executor = Broken()
    try:
        r = app.test_client().get("/sparql", query_string={"query": "ASK {}"})
    finally:
        state.executor = original
    err = assert_error(r, 503)
    assert "boom" not in err["detail"]  # internals stay in the log
    assert "RuntimeError: boom" in caplog.text


# -- the pre-parse scanner ---------------------------------------------------------


def test_scanner_ignores_keywords_in_iris_strings_comments_and_names():
    q = '''PREFIX service: <http://e/SERVICE#>
    # SERVICE <http://evil> in a comment
    SELECT ?service WHERE { ?s service:SERVICE "SERVICE { }" . ?s <http://e/service> 'from' }'''
    shape = scan(q)
    assert shape.form == "SELECT" and not shape.uses_service and not shape.uses_from
    assert scan("prefix e: <http://e/> construct where { ?s ?p ?o }").form == "CONSTRUCT"
    assert scan("BASE <http://e/> DESCRIBE <x>").form == "DESCRIBE"
    assert scan("PREFIX e: <http://e/> InSeRt DATA {}").update_keyword == "INSERT"
    assert scan("SELECT * FROM <http://e/g> {}").uses_from
    assert scan("SELECT * { SeRvIcE <http://e/> {} }").uses_service


def test_scanner_measures_nesting_and_patterns():
    assert scan("SELECT * { { ?s ?p ?o } UNION { ?s ?p [ ?q ?r ] } }").max_depth == 3
    shape = scan("SELECT * { ?s ?p ?o ; ?q ?r , ?t . ?a ?b ?c FILTER(CONCAT(?a, ?b, 1.5)) }")
    assert shape.triple_patterns >= 4


def test_scanner_remembers_short_texts_only(monkeypatch):
    """A text the service sees again (a dashboard's, the library's) is tokenized once;
    a long one every time, so the cache holds at most 256 short texts."""
    from budgetkg.store import sparql_lexer

    sparql_lexer._scan_cached.cache_clear()
    short = "SELECT * { ?s ?p ?o }"
    long = "SELECT * { " + "?s ?p ?o . " * (sparql_lexer._CACHED_LENGTH // 10) + "}"
    assert scan(short) is scan(short) and scan(long) == scan(long) and scan(long) is not scan(long)
    info = sparql_lexer._scan_cached.cache_info()
    assert (info.hits, info.misses, info.maxsize) == (1, 1, 256)
    assert scan(long).triple_patterns > sparql_lexer._CACHED_LENGTH // 10


HOSTILE = (
    lambda n: '"""' + "\\" * n, lambda n: "'" * n, lambda n: "<" * n, lambda n: "ex:" + "a." * (n // 2),
    lambda n: "SELECT * { " + '"a' * (n // 2) + " }", lambda n: "?" * n,
)


@pytest.mark.parametrize("make", HOSTILE)
def test_scanner_is_linear_on_hostile_input(make):
    """Eight times the input costs about eight times the work, not sixty-four (a ratio
    of two best-of-three timings in one run, so a loaded machine does not fail it; the
    sizes are large enough that neither fits in a CPU cache)."""
    limits = Limits(max_query_length=10_000_000, max_nesting=10**6, max_triple_patterns=10**9)

    def best_of_three(text):
        times = []
        for _ in range(3):
            started = time.perf_counter()
            try:
                check(text, limits)
            except QueryRefused:
                pass
            times.append(time.perf_counter() - started)
        return min(times)

    small, large = best_of_three(make(100_000)), best_of_three(make(800_000))
    assert large < 32 * max(small, 1e-4), (small, large)
