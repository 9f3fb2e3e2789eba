"""The thread executor used for remote stores: a slow query is the query's fault (422),
a store that stops answering is the store's (503)."""

from __future__ import annotations

import threading

import pytest

from budgetkg.service import threads
from budgetkg.service.tasks import QueryTask
from budgetkg.service.threads import ThreadExecutor

TASK = QueryTask("SELECT * { ?s ?p ?o }", None, None, "json", None, 10)


class SlowStore:
    """A stand-in for a remote store: ``ASK {}`` answers unless the store is stuck."""

    def __init__(self, stuck: bool) -> None:
        self.stuck = stuck
        self.release = threading.Event()

    def query(self, text, default_graphs=None, named_graphs=None):
        if text != "ASK {}" or self.stuck:
            self.release.wait(10)
        return True


@pytest.fixture(autouse=True)
def quick_probe(monkeypatch):
    monkeypatch.setattr(threads, "PROBE_SECONDS", 0.3)


@pytest.mark.parametrize("stuck, status, title", [
    (False, 422, "Query timeout"),  # the store answers other queries: this one is too slow
    (True, 503, "Store unavailable"),  # the store answers nothing: not the query's fault
])
def test_timeout_blames_the_query_or_the_store(stuck, status, title):
    store = SlowStore(stuck)
    executor = ThreadExecutor(store, 2)
    try:
        outcome = executor.run(TASK, 0.3)
        assert (outcome.status, outcome.title) == (status, title)
    finally:
        store.release.set()
        executor.close()
