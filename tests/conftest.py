"""Shared fixtures: the embedded seed document and the golden cases."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import pytest
from conftest_virtuoso import pytest_runtest_setup, virtuoso  # noqa: F401  (a private Virtuoso, checked before each use)
from skip_policy import (  # noqa: F401  (hooks: a skip for a missing tool fails the run)
    pytest_configure,
    pytest_runtest_logreport,
    pytest_sessionfinish,
    pytest_terminal_summary,
)

SEED_NAME = "000_aa5de0a37e870aea.txt"
CASES_DIR = Path(__file__).parent / "cases"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return Path(str(resources.files("budgetkg") / "data" / SEED_NAME))


@pytest.fixture(scope="session")
def seed_doc(seed_path):
    from budgetkg.loader.reader import read_document

    return read_document(seed_path)


@contextmanager
def live_server(app, **waitress_options) -> Iterator[str]:
    """Serve a Flask app with waitress on a free loopback port; yields its root URL.

    Real HTTP for the tests that must not stop at the Flask test client."""
    from budgetkg.service.http_server import create_http_server

    server = create_http_server(app, host="127.0.0.1", port=0, **{"threads": 4, **waitress_options})
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        thread.join(5)


@pytest.fixture(scope="session")
def two_year_data_dir(tmp_path_factory) -> Path:
    """A store holding the seed (2022) and the synthetic 2023 document (tests/second_year.py)."""
    from second_year import FIXTURE

    from budgetkg import pipeline
    from budgetkg.loader.iris import DEFAULT_BASE
    from budgetkg.store import OxigraphStore

    folder = tmp_path_factory.mktemp("two-years") / "data"
    with OxigraphStore(folder) as store:
        pipeline.load_seed(store, base=DEFAULT_BASE)
        pipeline.load_path(store, FIXTURE, base=DEFAULT_BASE)
    return folder


#: The years of ``shifted_years_data_dir``: neither is 2022 or 2023, so nothing that
#: hard-codes the seed's years can answer there.
SHIFTED_YEARS = (2024, 2025)


@pytest.fixture(scope="session")
def shifted_years_data_dir(tmp_path_factory) -> Path:
    """The seed and its synthetic second year (tests/second_year.py) relabelled 2024 and
    2025: a store holding two years that are not the seed's."""
    from second_year import FIXTURE, SEED

    from budgetkg import pipeline
    from budgetkg.loader.iris import DEFAULT_BASE

    from budgetkg.store import OxigraphStore

    root = tmp_path_factory.mktemp("shifted-years")
    folder = root / "data"
    with OxigraphStore(folder) as store:
        for source, old, new in ((SEED, 2022, SHIFTED_YEARS[0]), (FIXTURE, 2023, SHIFTED_YEARS[1])):
            text = source.read_text(encoding="utf-8")
            assert text.count(f"({old}年度)") > 10  # the fiscal year of each table's title
            path = root / f"{new}.txt"
            path.write_text(text.replace(f"({old}年度)", f"({new}年度)"), encoding="utf-8")
            pipeline.load_path(store, path, base=DEFAULT_BASE)
    return folder


@pytest.fixture(scope="session")
def corpus_store(tmp_path_factory):
    """The seed and a generated corpus of three years (tests/test_summaries.py,
    tests/test_target_groups.py): read only."""
    from generated_store import seed_and_generated

    return seed_and_generated(tmp_path_factory.mktemp("summaries"), seed=5, tables=150)
