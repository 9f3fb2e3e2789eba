"""The SPARQL checks' in-memory store (``shacl.check_store``) is filled in a thread while
the SHACL Core checks run (``validate._Filling``): same findings, its errors raised."""

from __future__ import annotations

import threading

import pytest

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
