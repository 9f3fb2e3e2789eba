"""The store interface on the embedded pyoxigraph backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetkg.store import DataError, OxigraphStore, QueryError, StoreBusyError, StoreError

FIXTURE = Path(__file__).parent / "fixtures" / "small.trig"
ID = "https://budgetkg.example.org/id/"
G2021, G2022, GVOCAB = ID + "graph/doc2021", ID + "graph/doc2022", ID + "graph/vocabulary"
PROJECTS = "SELECT ?p WHERE { ?p a <https://budgetkg.example.org/ontology#Project> }"


def rows(results):
    return sorted(tuple(str(t.value) if t is not None else None for t in row) for row in results)


@pytest.fixture
def store(tmp_path):
    s = OxigraphStore(tmp_path / "data")
    s.replace_graphs(FIXTURE.read_bytes(), "application/trig")
    yield s
    s.close()


def test_replace_graphs_reports_triples_per_graph(tmp_path):
    with OxigraphStore(tmp_path / "d") as s:
        assert s.is_empty()
        counts = s.replace_graphs(FIXTURE.read_bytes(), "application/trig")
        # counted by hand in tests/fixtures/small.trig
        assert counts == {GVOCAB: 5, G2021: 8, G2022: 16}
        assert s.graphs() == sorted([GVOCAB, G2021, G2022])
        assert not s.is_empty()


def test_default_graph_is_the_union_of_named_graphs(store):
    assert len(rows(store.query(PROJECTS))) == 3
    assert rows(store.query(PROJECTS, default_graph_union=False)) == []


def test_from_selects_a_local_graph_and_a_missing_one_is_empty(store):
    q = "SELECT ?p FROM <{}> WHERE {{ ?p a <https://budgetkg.example.org/ontology#Project> }}"
    assert rows(store.query(q.format(G2021))) == [(ID + "project/p1/2021",)]
    assert rows(store.query(q.format(ID + "graph/missing"))) == []


def test_dataset_parameters_override_the_query(store):
    assert rows(store.query(PROJECTS, default_graphs=[G2021])) == [(ID + "project/p1/2021",)]
    named = store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", named_graphs=[G2022])
    assert rows(named) == [(G2022,)]
    # Only named graphs given: the default graph is empty (SPARQL 1.1 Protocol).
    assert rows(store.query(PROJECTS, named_graphs=[G2022])) == []
    with pytest.raises(QueryError, match="invalid IRI"):
        store.query(PROJECTS, default_graphs=["not an iri"])


def test_replace_graph_replaces_without_touching_other_graphs(store):
    v1 = store.version()
    n = store.replace_graph(G2021, b"<http://e/a> <http://e/b> <http://e/c> .\n")
    assert n == 1
    assert store.version() != v1
    assert rows(store.query(f"SELECT ?s ?p ?o FROM <{G2021}> WHERE {{ ?s ?p ?o }}")) == [
        ("http://e/a", "http://e/b", "http://e/c")
    ]
    assert len(rows(store.query(f"SELECT * FROM <{G2022}> WHERE {{ ?s ?p ?o }}"))) == 16


def test_invalid_data_changes_nothing_and_names_the_line(store):
    before = rows(store.query("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"))
    version = store.version()
    bad = b"<http://e/a> <http://e/b> <http://e/c> .\n<http://e/a> <http://e/b> <c> .\n"
    with pytest.raises(DataError, match="line 2"):
        store.replace_graph(G2021, bad)
    assert rows(store.query("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")) == before
    assert store.version() == version


def test_triples_need_a_graph(store):
    with pytest.raises(DataError, match="outside a named graph"):
        store.replace_graphs(b"<http://e/a> <http://e/b> <http://e/c> .\n", "application/n-triples")
    with pytest.raises(DataError, match="media type"):
        store.replace_graphs(b"", "text/html")


def test_drop_graph(store):
    assert store.drop_graph(G2021) is True
    assert store.drop_graph(G2021) is False
    assert G2021 not in store.graphs()


def test_syntax_error_is_a_query_error(store):
    with pytest.raises(QueryError, match="line 1, column"):
        store.query("SELEC ?x")


def test_one_writer_and_no_reader_while_writing(tmp_path, store):
    folder = store.folder
    with pytest.raises(StoreBusyError, match="in use"):
        OxigraphStore(folder)
    with pytest.raises(StoreBusyError, match="being written"):
        OxigraphStore(folder, read_only=True)
    store.close()
    r1 = OxigraphStore(folder, read_only=True)
    r2 = OxigraphStore(folder, read_only=True)  # readers share
    try:
        assert len(r1.graphs()) == 3 and r2.graphs() == r1.graphs()
        with pytest.raises(StoreBusyError):
            OxigraphStore(folder)
        with pytest.raises(StoreError, match="read-only"):
            r1.replace_graph(G2021, b"")
    finally:
        r1.close()
        r2.close()
    with OxigraphStore(folder) as again:  # the lock is free once readers close
        assert len(again.graphs()) == 3


def test_version_survives_reopening(tmp_path):
    with OxigraphStore(tmp_path / "v") as s:
        assert s.version() == "0"
        s.replace_graphs(FIXTURE.read_bytes(), "application/trig")
        v = s.version()
    with OxigraphStore(tmp_path / "v", read_only=True) as s:
        assert s.version() == v != "0"


def test_read_only_needs_an_existing_store(tmp_path):
    with pytest.raises(StoreError, match="no store"):
        OxigraphStore(tmp_path / "nothing", read_only=True)


def test_in_memory_store(tmp_path):
    with OxigraphStore(None) as s:
        v = s.version()
        s.replace_graphs(FIXTURE.read_bytes(), "application/trig")
        assert s.version() != v
        assert len(rows(s.query(PROJECTS))) == 3
