"""The endpoint over real HTTP: waitress on a loopback port, SPARQLWrapper and requests."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.error import HTTPError

import pytest
import rdflib
import requests
from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed
from conftest import live_server

from budgetkg.service import close_app, create_app
from budgetkg.store import OxigraphStore

FIXTURE = Path(__file__).parent / "fixtures" / "small.trig"
ID = "https://budgetkg.example.org/id/"
BK = "https://budgetkg.example.org/ontology#"
PROJECTS = f"SELECT ?p WHERE {{ ?p a <{BK}Project> }} ORDER BY ?p"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o . ?q ?r ?t }"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    folder = tmp_path_factory.mktemp("http") / "data"
    with OxigraphStore(folder) as s:
        s.replace_graphs(FIXTURE.read_bytes(), "application/trig")
    app = create_app({"data_dir": folder, "workers": 2, "query_timeout": 1.5})
    with live_server(app, max_request_body_size=5_000_000) as url:
        yield f"{url}/sparql"
    close_app(app)


def wrapper(endpoint, query, fmt=JSON, method=None):
    sw = SPARQLWrapper(endpoint)
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    if method:
        sw.setMethod(method)
    return sw


def test_sparqlwrapper_select_in_each_format(endpoint):
    result = wrapper(endpoint, PROJECTS).query().convert()
    assert [b["p"]["value"] for b in result["results"]["bindings"]][0] == ID + "project/p1/2021"
    xml = wrapper(endpoint, PROJECTS, XML).query().convert()  # a DOM document
    assert len(xml.getElementsByTagName("result")) == 3
    csv_text = wrapper(endpoint, PROJECTS, CSV, POST).query().convert().decode()
    assert csv_text.splitlines()[0] == "p" and len(csv_text.splitlines()) == 4


def test_sparqlwrapper_ask_and_construct(endpoint):
    assert wrapper(endpoint, f"ASK {{ ?p a <{BK}Project> }}").query().convert()["boolean"] is True
    turtle = wrapper(endpoint, f"CONSTRUCT WHERE {{ ?p <{BK}total> ?t }}", TURTLE).query().convert()
    assert len(rdflib.Graph().parse(data=turtle, format="turtle")) == 3


def test_sparqlwrapper_sees_refusals(endpoint):
    with pytest.raises(QueryBadFormed):
        wrapper(endpoint, "SELECT ?x WHERE {").query()
    update = wrapper(endpoint, "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }", method=POST)
    with pytest.raises(HTTPError) as info:  # SPARQLWrapper re-raises codes it has no class for
        update.query()
    assert info.value.code == 403 and b"read-only" in info.value.read()
    count = wrapper(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").query().convert()
    assert count["results"]["bindings"][0]["n"]["value"] == "29"  # the fixture, unchanged


def test_requests_protocol_cases(endpoint):
    assert requests.get(endpoint, params={"query": PROJECTS}, timeout=10).json()["head"]["vars"] == ["p"]
    r = requests.post(endpoint, data={"query": PROJECTS}, headers={"Accept": "text/csv"}, timeout=10)
    assert r.headers["Content-Type"].startswith("text/csv") and len(r.text.splitlines()) == 4
    r = requests.post(endpoint, data=PROJECTS.encode(), headers={"Content-Type": "application/sparql-query"}, timeout=10)
    assert r.status_code == 200 and len(r.json()["results"]["bindings"]) == 3
    sd = requests.get(endpoint, timeout=10)
    assert sd.headers["Content-Type"].startswith("text/turtle")
    assert f"sd:endpoint <{endpoint}>" in sd.text
    r = requests.put(endpoint, data="ASK {}", timeout=10)
    assert r.status_code == 405 and r.json()["error"]["status"] == 405
    r = requests.post(endpoint, data="ASK {}", headers={"Content-Type": "text/plain"}, timeout=10)
    assert r.status_code == 415 and r.json()["error"]["status"] == 415
    r = requests.post(endpoint, data={"query": "ASK {} #" + "x" * 2_000_000}, timeout=10)
    assert r.status_code == 413 and r.json()["error"]["status"] == 413


def test_slow_query_does_not_block_others_over_http(endpoint):
    slow = {}

    def run():
        slow["r"] = requests.get(endpoint, params={"query": SLOW}, timeout=30)

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(0.3)
    quick = requests.get(endpoint, params={"query": "ASK { ?s ?p ?o }"}, timeout=10)
    slow_still_running = thread.is_alive()
    thread.join()
    # the quick query was answered while the slow one was still being worked on
    assert quick.status_code == 200 and slow_still_running
    assert slow["r"].status_code == 422 and slow["r"].json()["error"]["title"] == "Query timeout"


# -- the real command --------------------------------------------------------------


def _worker_pids(parent: int) -> set[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(parent)], capture_output=True, text=True).stdout
    return {int(p) for p in out.split()}


def test_budgetkg_serve_seeds_an_empty_store_and_serves(tmp_path):
    """`budgetkg serve` on an empty folder loads the embedded seed, then answers."""
    env = {**os.environ, "BUDGETKG_WORKERS": "1"}
    log = (tmp_path / "serve.log").open("w")  # a file: a full stderr pipe would block the server
    proc = subprocess.Popen(
        [sys.executable, "-P", "-c", "from budgetkg.cli import main; main()", "serve",
         "--data-dir", str(tmp_path / "d"), "--port", "0", "--timeout", "5"],
        stdout=subprocess.PIPE, stderr=log, text=True, env=env,
    )
    try:
        line = proc.stdout.readline()  # printed once the server listens
        match = re.search(r"http://127\.0\.0\.1:\d+/sparql", line)
        assert match, (line, (tmp_path / "serve.log").read_text())
        url = match.group()
        q = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
        r = requests.get(url, params={"query": q}, timeout=30)
        assert r.status_code == 200
        # the ontology graph, the seed document's graph and its year's statistics
        assert r.json()["results"]["bindings"][0]["n"]["value"] == "3"
        q = "SELECT (COUNT(*) AS ?n) WHERE { ?p a <https://w3id.org/budgetkg/def/ProjectYear> }"
        count = requests.get(url, params={"query": q}, timeout=30).json()["results"]["bindings"][0]["n"]["value"]
        assert int(count) == 37  # the seed has 37 tables
        workers = _worker_pids(proc.pid)
        assert len(workers) == 1
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)
        log.close()
    assert proc.returncode == 0
    assert "loading the default dataset" in (tmp_path / "serve.log").read_text()
    time.sleep(0.2)
    for pid in workers:  # the workers went with the server
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
