"""The SPARQL checks' in-memory store (``shacl.check_store``) is filled in a thread while
the SHACL Core checks run (``validate._Filling``): same findings, its errors raised."""

from __future__ import annotations

import threading

import pytest
from rdflib.namespace import SH

from budgetkg.loader import validate as validate_module
from budgetkg.loader.memgraph import ntriples
from budgetkg.loader.rdf import document_graph
from budgetkg.loader.iris import DEFAULT_BASE


def _graph(seed_doc):
    return document_graph(seed_doc, base=DEFAULT_BASE)[1]


def test_the_check_store_is_filled_while_the_core_checks_run(seed_doc, monkeypatch):
    expected = validate_module.validate_graph(_graph(seed_doc)).findings
    filling = threading.Event()
    seen: list[bool] = []
    check_store, focus_nodes = validate_module.check_store, validate_module.focus_nodes

    def filling_store(data):
        filling.set()
        return check_store(data)

    def waiting_focus_nodes(run, targets):
        if not seen:  # the first Core check waits, in vain if the store came after them all
            seen.append(filling.wait(5))
        return focus_nodes(run, targets)

    monkeypatch.setattr(validate_module, "check_store", filling_store)
    monkeypatch.setattr(validate_module, "focus_nodes", waiting_focus_nodes)
    graph = _graph(seed_doc)
    result = validate_module.validate_graph(graph, ntriples=ntriples(graph))
    assert seen == [True]
    assert result.findings == expected and len(expected) > 0


def test_a_check_store_that_fails_fails_the_validation(seed_doc, monkeypatch):
    def failing(data):
        raise MemoryError("no room for the check store")

    monkeypatch.setattr(validate_module, "check_store", failing)
    with pytest.raises(MemoryError, match="no room"):
        validate_module.validate_graph(_graph(seed_doc))


def _documents(seed_doc):
    from budgetkg.loader.reader import parse_bytes
    from budgetkg.synthetic import department_catalog, generate_document

    yield seed_doc
    for k, (code, _name) in enumerate(department_catalog()[:4]):
        doc = generate_document(11 + k, department=code, year=2021 + k, tables=6)
        yield parse_bytes(doc.encode(), source=doc.file_name)


def test_the_checks_on_the_dump_members_store_find_the_same_in_the_same_order(seed_doc):
    """``shacl.checks_view``: the loader's in-memory store (the document in its graph,
    made for the dump's member) with the ontology added, read as the default graph, gives
    the findings of ``check_store``'s, in the same order."""
    import pyoxigraph as ox

    from budgetkg.loader import shacl
    from budgetkg.store.dumps import canonical

    sparql_found = 0
    for doc in _documents(seed_doc):
        name, graph = document_graph(doc, base=DEFAULT_BASE)
        nt = ntriples(graph)
        own = validate_module.validate_graph(graph, ntriples=nt)
        scratch = canonical(nt, str(name))[0]
        viewed = validate_module.validate_graph(
            document_graph(doc, base=DEFAULT_BASE)[1], ntriples=nt,
            sparql_store=lambda: shacl.checks_view(scratch, ox.NamedNode(str(name))))
        assert viewed.findings == own.findings
        assert own.report is not None
        sparql_found += len(list(own.report.triples((None, SH.sourceConstraintComponent,
                                                     SH.SPARQLConstraintComponent))))
    assert sparql_found > 0  # the SPARQL checks found something to compare
