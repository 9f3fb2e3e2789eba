"""bench/answer_floor.py: the floor is measured on the library's own answer, every row
and value of it, in its order (else the figure says nothing about the query)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from budgetkg.queries.catalog import load_catalog
from budgetkg.store import OxigraphStore

BENCH = Path(__file__).parents[1] / "bench"


@pytest.fixture(scope="module")
def answer_floor():
    spec = importlib.util.spec_from_file_location("answer_floor", BENCH / "answer_floor.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.path.remove(str(BENCH))  # (the script puts its folder on the path for bench/rows.py)
    return module


def test_every_library_answer_is_read_back_whole_and_in_order(answer_floor, two_year_data_dir):
    with OxigraphStore(two_year_data_dir, read_only=True) as store:
        measured = {name: answer_floor.floor(store, q.bind({}, answer_floor.store_facts(store, q.facts_query)), runs=1)
                    for name, q in load_catalog().items()}
    assert len(measured) >= 18
    for name, f in measured.items():
        assert f["same"] and f["in_order"], name
        assert f["floor_ms"] >= 0 and f["library_ms"] > 0, name
    # the two-year store answers every comparison with rows, some of them with unbound
    # columns (OPTIONAL in the read-back): the check is not about empty answers
    assert all(measured[n]["rows"] > 0 for n in ("compare-targets", "compare-lines", "shared-indicators"))
    assert sum(f["values"] for f in measured.values()) > 1000
