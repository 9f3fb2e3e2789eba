"""A store loaded by older code gets this code's summaries from its own triples
(``budgetkg.upgrade``; `budgetkg upgrade`, and `budgetkg load` before it loads): the
upgraded store holds what a fresh load of the same files holds, its dump and its
documents' void:triples follow, and the library answers instead of 409.

"Older code" is simulated as the changelog describes it: the summary triples a version
lacked are deleted, and void:triples counts the graph that is left (the converter of
that version counted its own graph)."""

from __future__ import annotations

import gzip
import shutil

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from budgetkg import pipeline, upgrade
from budgetkg.cli import main as cli
from budgetkg.loader.iris import DEFAULT_BASE
from budgetkg.loader.namespaces import BKG
from budgetkg.loader.summaries import SUMMARY_PROPERTIES
from budgetkg.queries.catalog import SUMMARIES_QUERY
from budgetkg.store import OxigraphStore
from budgetkg.store.dumps import dump_folder, read_info, refresh_dump
from budgetkg.synthetic import generate_corpus

VOID_TRIPLES = "http://rdfs.org/ns/void#triples"


def document_quads(store) -> set[ox.Quad]:
    """Every quad of the documents' graphs (the ontology graph aside)."""
    return {q for q in store._store.quads_for_pattern(None, None, None)
            if isinstance(q.graph_name, ox.NamedNode) and not q.graph_name.value.endswith("/graph/ontology")}


def missing(store) -> int:
    return int(next(iter(store.query(SUMMARIES_QUERY)))["missing"].value)


def make_old(store, marker=BKG.groupYear, properties=SUMMARY_PROPERTIES) -> None:
    """The store as code without the group nodes ``marker`` marks and without
    ``properties`` would have loaded it."""
    store._update(f"DELETE {{ GRAPH ?g {{ ?n ?p ?o }} }} WHERE {{ GRAPH ?g {{ ?n <{marker}> ?m ; ?p ?o }} }}")
    for prop in properties:
        store._update(f"DELETE WHERE {{ GRAPH ?g {{ ?s <{prop}> ?o }} }}")
    store._update(f"""DELETE {{ GRAPH ?g {{ ?ds <{VOID_TRIPLES}> ?old }} }}
        INSERT {{ GRAPH ?g {{ ?ds <{VOID_TRIPLES}> ?n }} }}
        WHERE {{ {{ SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g }}
                 GRAPH ?g {{ ?ds <{VOID_TRIPLES}> ?old }} }}""")


def void_counts_true(store) -> bool:
    rows = store.query(f"""SELECT ?g ?n (COUNT(*) AS ?c) WHERE {{ GRAPH ?g {{ ?ds <{VOID_TRIPLES}> ?n . ?s ?p ?o }} }}
                           GROUP BY ?g ?n""")
    counted = [(int(r["n"].value), int(r["c"].value)) for r in rows]
    return bool(counted) and all(n == c for n, c in counted)


@pytest.fixture(scope="module")
def files(tmp_path_factory, seed_path):
    folder = tmp_path_factory.mktemp("tables")
    return [seed_path, *generate_corpus(folder, seed=5, tables=12, years=(2023,))]


@pytest.fixture(scope="module")
def fresh(tmp_path_factory, files):
    """The files loaded by this code: what an upgraded store must hold."""
    folder = tmp_path_factory.mktemp("fresh") / "data"
    with OxigraphStore(folder) as store:
        pipeline.load_corpus(store, files, base=DEFAULT_BASE, workers=0)
        return document_quads(store)


@pytest.fixture
def old(tmp_path, files):
    """A folder whose documents were loaded by code before any summary (0.3.0)."""
    folder = tmp_path / "data"
    with OxigraphStore(folder) as store:
        pipeline.load_corpus(store, files, base=DEFAULT_BASE, workers=0)
        make_old(store)
        # its dump, written by that code (the members of the graphs as they are now)
        shutil.rmtree(dump_folder(folder))
        refresh_dump(store)
        assert missing(store) > 0 and void_counts_true(store)
    return folder


@pytest.mark.parametrize("marker, lacking", [(BKG.groupYear, SUMMARY_PROPERTIES),
                                             (BKG.groupFundSource, (BKG.summaryVersion,))],
                         ids=["before-0.4", "0.6.0"])
def test_an_upgraded_store_holds_what_a_fresh_load_holds(tmp_path, files, fresh, marker, lacking):
    folder = tmp_path / "data"
    with OxigraphStore(folder) as store:
        pipeline.load_corpus(store, files, base=DEFAULT_BASE, workers=0)
        make_old(store, marker, lacking)
        assert document_quads(store) != fresh
        stale = upgrade.stale_graphs(store)
        assert len(stale) == len(files)
        told = []
        upgrade.upgrade(store, stale, on_graph=lambda graph, n: told.append((graph, n)))
        assert [g for g, _ in told] == stale and all(n > 0 for _, n in told)
        assert document_quads(store) == fresh
        assert missing(store) == 0 and upgrade.stale_graphs(store, thorough=True) == []
        assert void_counts_true(store)


def test_the_dump_follows_the_upgrade(old):
    """A document's dump member is known by its file's hash, which an upgrade does not
    change: the member is made again, so the dump holds what the store holds."""
    with OxigraphStore(old) as store:
        upgrade.upgrade(store, upgrade.stale_graphs(store))
        info = refresh_dump(store)
        held = {q for q in store._store.quads_for_pattern(None, None, None) if isinstance(q.graph_name, ox.NamedNode)}
    raw = (dump_folder(old) / info.name).read_bytes()
    dumped = set(ox.parse(gzip.decompress(raw), format=ox.RdfFormat.N_QUADS))
    assert dumped == held and info == read_info(old) and info.quads == len(held)


def test_load_of_unchanged_files_upgrades_the_store_first(old, files):
    """`budgetkg load` of the very files the store holds (each "unchanged") still brings
    their documents' summaries up to date, and says so; the library then answers."""
    result = CliRunner().invoke(cli, ["load", "--workers", "0", "--data-dir", str(old), *map(str, files)])
    assert result.exit_code == 0, result.output
    assert f"the store holds {len(files)} document(s) loaded by older code" in result.output
    assert f"0 loaded, {len(files)} unchanged" in result.output
    assert f"summaries of {len(files)} stored document(s) brought up to date" in result.output
    from budgetkg import api

    with api.open(old) as kg:
        assert kg.run("fund-sources") and kg.run("cost-mismatches") is not None
    result = CliRunner().invoke(cli, ["load", "--workers", "0", "--data-dir", str(old), str(files[0])])
    assert result.exit_code == 0 and "older code" not in result.output and "brought up" not in result.output


def test_the_upgrade_command(old, fresh, files):
    runner = CliRunner()
    result = runner.invoke(cli, ["upgrade", "--data-dir", str(old)])
    assert result.exit_code == 0, result.output
    assert f"{len(files)} graph(s) lack the summaries" in result.output
    assert f"upgraded {len(files)} graph(s)" in result.output
    with OxigraphStore(old, read_only=True) as store:
        assert document_quads(store) == fresh
        version = store.version()
    result = runner.invoke(cli, ["upgrade", "--data-dir", str(old)])
    assert result.exit_code == 0 and "nothing to do" in result.output
    with OxigraphStore(old, read_only=True) as store:
        assert store.version() == version  # nothing written


def test_the_upgrade_command_finds_tables_outside_documents(tmp_path, fresh, files):
    """Hand-made RDF: a graph of tables and no document, loaded by code before 0.4.0
    (no roles), is found by the command's thorough check, not by the document check."""
    folder = tmp_path / "data"
    with OxigraphStore(folder) as store:
        pipeline.load_corpus(store, files[:1], base=DEFAULT_BASE, workers=0)
        store._update(f"DELETE WHERE {{ GRAPH ?g {{ ?d a <{BKG.SourceDocument}> }} }}")
        store._update(f"DELETE WHERE {{ GRAPH ?g {{ ?t <{BKG.tableRole}> ?r }} }}")
        assert upgrade.stale_graphs(store) == [] and len(upgrade.stale_graphs(store, thorough=True)) == 1
    result = CliRunner().invoke(cli, ["upgrade", "--data-dir", str(folder)])
    assert result.exit_code == 0 and "upgraded 1 graph(s)" in result.output, result.output
    with OxigraphStore(folder, read_only=True) as store:
        assert missing(store) == 0


def test_an_unwritable_store_is_a_clear_error(tmp_path, old):
    shutil.rmtree(old / "oxigraph")
    (old / "oxigraph").write_text("not a database")
    result = CliRunner().invoke(cli, ["upgrade", "--data-dir", str(old)])
    assert result.exit_code == 2 and "error:" in result.output and "Traceback" not in result.output


def test_patch_graph_changes_only_the_triples_given_and_keeps_blank_nodes_linked(tmp_path):
    g = "http://example.org/g"
    a, b, c = (ox.NamedNode(f"http://example.org/{x}") for x in "abc")
    data = "_:n <http://example.org/a> \"1\" .\n<http://example.org/s> <http://example.org/b> _:n .\n"
    with OxigraphStore(tmp_path / "data") as store:
        store.replace_graph(g, data)
        node = next(iter(store._store.quads_for_pattern(None, a, None))).subject
        store.patch_graph(g, [], [ox.Triple(node, c, ox.Literal("2"))])
        rows = list(store.query(f"SELECT ?x WHERE {{ GRAPH <{g}> {{ ?s <{b.value}> ?x . ?x <{a.value}> \"1\" ; "
                                f"<{c.value}> \"2\" }} }}", default_graph_union=False))
        assert len(rows) == 1  # the new triple is about the graph's own node
        store.patch_graph(g, [ox.Triple(b, a, ox.Literal("absent"))], [ox.Triple(a, b, c)])
        assert ox.Quad(a, b, c, ox.NamedNode(g)) in set(store.graph_quads(g))
        assert len(list(store.graph_quads(g))) == 4


def test_a_remote_store_is_upgraded_too(virtuoso, tmp_path, seed_path):
    """On Virtuoso too; and `serve`'s check of the default dataset names its graph as the
    dataset's named graph (it named none before, and Virtuoso then said the stale seed
    was current: a bare `serve --store` kept answering 409)."""
    from budgetkg.commands.serve import _stale_seed
    from budgetkg.store.remote import RemoteStore

    virtuoso.clear()
    env = {"BUDGETKG_STORE_USER": virtuoso.user, "BUDGETKG_STORE_PASSWORD": virtuoso.password}
    runner = CliRunner(env=env)
    result = runner.invoke(cli, ["load", "--store", virtuoso.sparql_auth, str(seed_path)])
    assert result.exit_code == 0, result.output
    with RemoteStore(virtuoso.sparql_auth, user=virtuoso.user, password=virtuoso.password) as store:
        assert upgrade.stale_graphs(store, thorough=True) == []
        graph = next(x for x in store.graphs() if "/graph/" in x and not x.endswith("ontology"))
        before = {(q.subject, q.predicate, q.object) for q in store.graph_quads(graph)}
        store._update(f"DELETE WHERE {{ GRAPH ?g {{ ?n <{BKG.groupFundSource}> ?f ; ?p ?o }} }}")
        store._update(f"DELETE WHERE {{ GRAPH ?g {{ ?d <{BKG.summaryVersion}> ?v }} }}")
        assert len(upgrade.stale_graphs(store)) == 1
        assert _stale_seed(store, DEFAULT_BASE)  # a bare `serve --store` would load it again
    result = runner.invoke(cli, ["upgrade", "--store", virtuoso.sparql_auth])
    assert result.exit_code == 0 and "upgraded 1 graph(s)" in result.output, result.output
    with RemoteStore(virtuoso.sparql_auth, user=virtuoso.user, password=virtuoso.password) as store:
        after = {(q.subject, q.predicate, q.object) for q in store.graph_quads(graph)}
        assert upgrade.stale_graphs(store, thorough=True) == []
        assert not _stale_seed(store, DEFAULT_BASE)  # ... and now serves it as it is
    assert after == before
    virtuoso.clear()
