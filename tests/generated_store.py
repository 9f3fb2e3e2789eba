"""A store of the seed and a generated corpus, for the tests of the library's queries."""

from __future__ import annotations

from pathlib import Path

from budgetkg import pipeline
from budgetkg.loader.iris import DEFAULT_BASE
from budgetkg.store import OxigraphStore
from budgetkg.synthetic import generate_corpus


def seed_and_generated(folder: Path, *, seed: int, tables: int) -> OxigraphStore:
    """An in-memory store of the seed and a generated corpus of three years (continuity
    on, the 2021 framework printed in the last year), loaded as documents."""
    paths = generate_corpus(folder / "tables", seed=seed, tables=tables, years=(2021, 2022, 2023),
                            framework_2021=2023)
    store = OxigraphStore(None)
    pipeline.load_ontology(store, base=DEFAULT_BASE)
    pipeline.load_seed(store, base=DEFAULT_BASE)
    for path in paths:
        pipeline.load_path(store, path, base=DEFAULT_BASE)
    return store
