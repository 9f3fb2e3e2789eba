"""Shared fixtures: the embedded seed document and the golden cases."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

SEED_NAME = "000_aa5de0a37e870aea.txt"
CASES_DIR = Path(__file__).parent / "cases"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return Path(str(resources.files("budgetkg") / "data" / SEED_NAME))


@pytest.fixture(scope="session")
def seed_doc(seed_path):
    from budgetkg.loader.reader import read_document

    return read_document(seed_path)
