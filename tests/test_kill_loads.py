"""SIGKILL during `budgetkg load` leaves each document wholly old or wholly new, and the
next start serves (bench/kill_loads.py does 50 kills on a generated corpus)."""

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
