"""A data folder with the seed loaded once per test session, for the web tests.

Loading converts the seed (about a second); the folder is shared read-only by
test_pages, test_linked_data, test_void_dumps and test_browser.
"""

from __future__ import annotations

from pathlib import Path

BASE = "https://budgetkg.example.org/id/"
_folder: Path | None = None


def seeded_data_dir(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    global _folder
    if _folder is None or not (_folder / "oxigraph").is_dir():
        from budgetkg import pipeline
        from budgetkg.store import OxigraphStore

        folder = tmp_path_factory.mktemp("web") / "data"
        with OxigraphStore(folder) as store:
            pipeline.load_seed(store, base=BASE)
        _folder = folder
    return _folder
