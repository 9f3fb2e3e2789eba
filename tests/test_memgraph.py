"""The converter's fast graph building and N-Triples writing give what rdflib's own do."""

from __future__ import annotations

import gc
from datetime import date
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.plugins.stores.memory import Memory

from budgetkg.loader.gc_pause import gc_paused
from budgetkg.loader.memgraph import BulkMemory, extend, graph_of, ntriples

EX = "https://example.org/"


def tricky_triples() -> list[tuple]:
    s, p = URIRef(EX + "s"), URIRef(EX + "p")
    objects = [
        Literal("plain"),
        Literal('quote " backslash \\ newline \n return \r tab \t end'),
        Literal("中文 名称", lang="zh"),
        Literal("english", lang="en-GB"),
        Literal("47.80", datatype=XSD.decimal),
        Literal(7, datatype=XSD.integer),
        Literal(True),
        Literal(date(2022, 12, 31)),
        Literal("x", datatype=XSD.string),
        URIRef(EX + "o"),
        BNode("b1"),
    ]
    out = [(s, p, o) for o in objects]
    out += [(BNode("b1"), RDF.type, URIRef(EX + "C")), (s, p, Literal("plain"))]  # a duplicate
    return out


def by_add(triples: list[tuple]) -> Graph:
    g = Graph()
    for t in triples:
        g.add(t)
    return g


def nt_set(data: bytes) -> set[str]:
    return {str(t) for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)}


def test_filled_graph_equals_one_built_triple_by_triple():
    triples = tricky_triples()
    filled, added = graph_of(triples), by_add(triples)
    assert isinstance(filled.store, Memory) and filled.store.context_aware
    assert len(filled) == len(added) == len(triples) - 1
    assert set(filled) == set(added)
    # every index answers as rdflib's: by subject, predicate, object, and the whole triple
    for s, p, o in triples:
        for pattern in ((s, None, None), (None, p, None), (None, None, o), (s, p, o), (None, p, o)):
            assert set(filled.triples(pattern)) == set(added.triples(pattern)), pattern
    assert list(filled.store.contexts()) == [filled]
    assert {tuple(c for c in ctxs) for _, ctxs in filled.store.triples((None, None, None), filled)} == {(filled,)}


def test_filled_graph_takes_adds_and_removes_afterwards():
    triples = tricky_triples()
    g = graph_of(triples)
    extra = (URIRef(EX + "t"), URIRef(EX + "p"), Literal("new"))
    g.add(extra)
    g.add(triples[0])  # already there
    assert len(g) == len(triples)
    g.remove((URIRef(EX + "s"), None, None))
    assert set(g) == {(BNode("b1"), RDF.type, URIRef(EX + "C")), extra}
    assert len(g) == 2


@pytest.mark.parametrize("osp_made", [False, True], ids=["osp-pending", "osp-made"])
def test_extended_graph_equals_one_built_triple_by_triple(osp_made):
    """extend (the converter's summaries): the graph, its indexes (order included) and
    its length are those of Graph.add, whether the object index was made before or not."""
    triples = tricky_triples()
    extra = [(URIRef(EX + "t"), URIRef(EX + "p"), Literal("plain")), triples[3],  # one already there
             (URIRef(EX + "t"), URIRef(EX + "q"), BNode("b1")), (URIRef(EX + "t"), URIRef(EX + "p"), Literal("plain"))]
    g = graph_of(triples)
    if osp_made:
        list(g.triples((None, None, Literal("plain"))))
    assert extend(g, iter(extra)) == 2
    added = by_add(triples + extra)
    assert len(g) == len(added) and set(g) == set(added)
    for s, p, o in triples + extra:
        for pattern in ((s, None, None), (None, p, None), (None, None, o), (s, p, o)):
            assert set(g.triples(pattern)) == set(added.triples(pattern)), pattern
    assert _indexes(g) == _indexes(added)
    assert list(g.store.contexts()) == [g]
    g.remove((URIRef(EX + "t"), None, None))
    assert len(g) == len(triples) - 1


def test_extend_on_another_graph_takes_the_public_way():
    g = by_add(tricky_triples())  # rdflib's own Memory store
    assert extend(g, [(URIRef(EX + "t"), URIRef(EX + "p"), Literal("x"))]) == 1
    assert len(g) == len(tricky_triples())
    empty = Graph(store=BulkMemory())  # a BulkMemory store fill() never filled
    assert extend(empty, tricky_triples()) == len(tricky_triples()) - 1
    assert set(empty) == set(by_add(tricky_triples()))


def _indexes(g: Graph) -> list:
    """Memory's three indexes, order included (what iterating the graph follows)."""
    store = g.store
    return [
        [(a, [(b, list(cs)) for b, cs in bs.items()]) for a, bs in index.items()]
        for index in (store._Memory__spo, store._Memory__pos, store._Memory__osp)
    ]


def test_object_index_is_made_when_first_needed_as_memory_add_makes_it():
    triples = tricky_triples()
    extra = [(URIRef(EX + "t"), URIRef(EX + "p"), Literal("plain")), triples[3]]
    g = graph_of(triples)
    assert g.store._Memory__osp == {}  # not made by the fill
    for t in extra:  # added before the index exists: queued behind the filled triples
        g.add(t)
    list(g.triples((URIRef(EX + "s"), None, None)))
    list(g.triples((None, RDF.type, None)))
    assert g.store._Memory__osp == {}  # by subject or predicate: not needed
    assert set(g.triples((None, None, Literal("plain")))) == {triples[0], extra[0]}
    assert _indexes(g) == _indexes(by_add(triples + extra))


@pytest.mark.parametrize("first", ["add", "remove"])
def test_object_index_is_complete_before_memory_writes_it(first):
    triples = tricky_triples()
    g = graph_of(triples)
    ref = by_add(triples)
    gone = (URIRef(EX + "s"), URIRef(EX + "p"), Literal("plain"))
    for graph in (g, ref):
        if first == "remove":
            graph.remove(gone)
        graph.add((URIRef(EX + "t"), URIRef(EX + "p"), Literal("new")))
        graph.remove((None, None, URIRef(EX + "o")))
    assert _indexes(g) == _indexes(ref)
    assert set(g.triples((None, None, Literal("new")))) == {(URIRef(EX + "t"), URIRef(EX + "p"), Literal("new"))}


def test_fill_needs_an_empty_store_of_its_own_graph():
    g = graph_of(tricky_triples())
    with pytest.raises(ValueError):
        g.store.fill(g, [(URIRef(EX + "a"), URIRef(EX + "b"), URIRef(EX + "c"))])
    other = Graph(store=BulkMemory())
    with pytest.raises(ValueError):
        BulkMemory().fill(other, [])
    with pytest.raises(TypeError):
        graph_of([], Graph())


@pytest.mark.parametrize("fill", [graph_of, by_add], ids=["bulk", "rdflib-memory"])
def test_ntriples_has_the_triples_rdflib_writes(fill):
    g = fill(tricky_triples())
    ours = ntriples(g)
    theirs = g.serialize(format="nt", encoding="utf-8")
    assert nt_set(ours) == nt_set(theirs)
    assert ours.count(b"\n") == len(g)
    back = Graph().parse(data=ours, format="nt")
    assert len(back) == len(g)
    assert Literal('quote " backslash \\ newline \n return \r tab \t end') in set(back.objects())


def test_ntriples_of_an_empty_graph_is_empty():
    assert ntriples(graph_of([])) == b""
    assert ntriples(Graph()) == b""


def test_ntriples_of_a_store_holding_other_graphs_writes_only_this_one():
    g = graph_of(tricky_triples())
    other = Graph(store=g.store, identifier=URIRef(EX + "other"))
    other.add((URIRef(EX + "x"), URIRef(EX + "y"), Literal("only in other")))
    assert b"only in other" not in ntriples(g)
    assert nt_set(ntriples(g)) == nt_set(g.serialize(format="nt", encoding="utf-8"))


def test_converted_document_is_the_same_graph_built_either_way(seed_doc):
    from budgetkg.loader.rdf import document_graph

    _, g = document_graph(seed_doc)
    again = by_add(list(g))
    assert len(g) == len(again) > 10_000
    assert nt_set(ntriples(g)) == nt_set(again.serialize(format="nt", encoding="utf-8"))
    # void:triples counts the graph's triples, itself included
    (count,) = {o for _, _, o in g.triples((None, URIRef("http://rdfs.org/ns/void#triples"), None))}
    assert count.toPython() == len(g)


def test_gc_paused_restores_the_collector():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()


def test_an_rdflib_without_the_expected_internals_falls_back_to_addn(monkeypatch):
    # A future rdflib may rename Memory's private attributes: the converter must still
    # build the same graph (the public way), only slower.
    from rdflib import Graph, Literal, URIRef

    from budgetkg.loader import memgraph

    triples = [(URIRef("http://x/s"), URIRef("http://x/p"), Literal("o")),
               (URIRef("http://x/s"), URIRef("http://x/p"), Literal("o")),  # duplicate
               (URIRef("http://x/s"), URIRef("http://x/q"), URIRef("http://x/o"))]

    def no_internals(self, graph, triples):
        raise AttributeError("'BulkMemory' object has no attribute '_Memory__spo'")

    monkeypatch.setattr(memgraph.BulkMemory, "fill", no_internals)
    g = memgraph.graph_of(iter(triples))
    expected = Graph()
    for t in triples:
        expected.add(t)
    assert set(g) == set(expected) and len(g) == 2
    assert sorted(memgraph.ntriples(g).decode().splitlines()) == sorted(
        expected.serialize(format="nt").strip().splitlines())


def _added_one_by_one(triples, graph=None):
    """rdflib's own way of filling the converter's graph: Graph.add per triple."""
    g = Graph(store=BulkMemory()) if graph is None else graph
    for t in triples:
        g.add(t)
    return g


_TESTS = Path(__file__).parent
_DOCUMENTS = sorted(
    [*(_TESTS / "templates").glob("*.txt"), *(_TESTS / "cases").glob("*/input.txt")], key=str)[:8]


@pytest.mark.parametrize("path", [None, *_DOCUMENTS], ids=lambda p: "seed" if p is None else p.parent.name + "/" + p.name)
def test_converter_graph_is_exactly_the_one_graph_add_builds(path, seed_doc, monkeypatch):
    """Same triples, same index order (so the same N-Triples bytes) as adding one by one."""
    from budgetkg.loader import rdf
    from budgetkg.loader.reader import read_document

    doc = seed_doc if path is None else read_document(path)
    _, fast = rdf.document_graph(doc, publish_contacts=True)
    monkeypatch.setattr(rdf, "graph_of", _added_one_by_one)
    _, slow = rdf.document_graph(doc, publish_contacts=True)
    assert len(fast) > 50
    assert ntriples(fast) == ntriples(slow)
    list(fast.triples((None, None, URIRef(EX + "nothing"))))  # the object index made now
    assert _indexes(fast) == _indexes(slow)
