"""SIGKILL during `budgetkg load` leaves each document wholly old or wholly new, and the
next start serves (bench/kill_loads.py does 50 kills on a generated corpus).

The kills are aimed: each lands while the load is changing a document (its crash
journal is on disk), so a test run cannot pass on kills that all came before or after
the loader touched the store."""

from __future__ import annotations

import random

import pytest

from kill_harness import KillHarness, Result
from reader_mutations import TABLES


def doc(tables: list[list[str]]) -> bytes:
    return ("\n".join(line for t in tables for line in t) + "\n").encode("utf-8")


@pytest.mark.slow
def test_random_kills_leave_every_document_old_or_new(tmp_path):
    # Two small documents cut from the seed; the new versions are other tables.
    old = [doc(TABLES[0:2]), doc(TABLES[2:4])]
    new = [doc(TABLES[4:7]), doc(TABLES[7:9])]
    harness = KillHarness(tmp_path, old, new, ("--workers", "0"))
    result = Result()
    rng = random.Random(9)
    for _ in range(3):
        harness.one_round(rng, result)
    assert result.inconsistent == 0, result.problems
    assert result.rounds == 3 and result.serve_failures == 0
    assert sum(result.documents.values()) == 6


@pytest.mark.slow
def test_kills_mid_change_are_recovered_whole(tmp_path):
    # Bigger documents (generated, 12 tables each) so that each change lasts a while.
    from budgetkg.synthetic.document import generate_document

    old = [generate_document(s, tables=12).text.encode("utf-8") for s in (1, 2)]
    new = [generate_document(s, tables=12, year=2023).text.encode("utf-8") for s in (1, 2)]
    harness = KillHarness(tmp_path, old, new, ("--workers", "0"))
    result = Result()
    for _ in range(3):
        harness.kill_mid_change(result)
    assert result.rounds == 3 and result.killed == 3
    assert result.inconsistent == 0, result.problems
    assert result.serve_failures == 0
    # every round left a store mid-change, and each document came back whole
    assert sum(result.journal_states.values()) == 3
    assert sum(result.documents.values()) == 6 and result.documents["mixed"] == 0
