"""The embedded store merges the files its bulk writes leave behind once enough have
piled up (``OxigraphStore.compaction_due`` / ``compact``, called at the end of
``pipeline.load_corpus``): after a load of many documents RocksDB's first level holds a
file per document and column family, which every lookup probes (10M triples: strings
read back 2.5x slower until merged; docs/performance.md). The count of writes is kept in
the folder, so that small loads add up; one document into a large store is not made to
pay for merging it."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from budgetkg import pipeline
from budgetkg.cli import main
from budgetkg.store import OxigraphStore
from budgetkg.store import oxigraph as ox_store

from test_pipeline import BASE, quads, write_docs


@pytest.fixture
def few_writes(monkeypatch):
    """A threshold of three bulk writes, so that a test needs few documents."""
    monkeypatch.setattr(ox_store, "COMPACT_MIN_WRITES", 3)


def _pending(folder) -> int:
    return int((folder / ox_store.UNCOMPACTED).read_text(encoding="ascii"))


def test_writes_add_up_across_loads_until_the_store_is_compacted(tmp_path, few_writes):
    docs = write_docs(tmp_path / "docs", 4)
    folder = tmp_path / "store"
    with OxigraphStore(folder) as store:
        first = pipeline.load_corpus(store, docs[:2], base=BASE, workers=0)
    assert first.compacted is None and _pending(folder) == 2
    told = []
    with OxigraphStore(folder) as store:
        before = quads(store)
        second = pipeline.load_corpus(store, docs[2:3], base=BASE, workers=0, on_compact=lambda: told.append(1))
        assert second.compacted is not None and told == [1]  # the third write: due
        after = quads(store)
        documents = {q for q in before if "/graph/statistics/" not in q.graph_name.value}
        assert after - before and documents <= after  # the data is the data (the year's statistics made again)
    assert _pending(folder) == 0
    with OxigraphStore(folder) as store:
        pipeline.load_corpus(store, docs[3:], base=BASE, workers=0)
    assert _pending(folder) == 1
    assert "store compacted in" in second.text() and "compacted" not in first.text()


def test_a_few_documents_into_a_large_store_are_not_made_to_pay_for_merging_it(tmp_path, monkeypatch):
    monkeypatch.setattr(ox_store, "COMPACT_MIN_WRITES", 1)
    monkeypatch.setattr(ox_store, "COMPACT_SHARE", 0.5)  # due at half the store's graphs
    docs = write_docs(tmp_path / "docs", 8)
    folder = tmp_path / "store"
    with OxigraphStore(folder) as store:
        assert pipeline.load_corpus(store, docs[:6], base=BASE, workers=0).compacted is not None
        # one write, then two, are less than half the store's 8 and 9 graphs (the
        # documents' and their year's statistics)...
        assert pipeline.load_corpus(store, docs[6:7], base=BASE, workers=0).compacted is None
        assert pipeline.load_corpus(store, docs[7:], base=BASE, workers=0).compacted is None
        assert not store.compaction_due()
        # (... which make half of the 8 documents' graphs and their year's statistics: as
        # another load would add them)
        store._bulk_writes += 3  # noqa: SLF001
        assert store.compaction_due()


def test_an_unchanged_load_a_read_only_store_and_an_in_memory_one_never_compact(tmp_path, few_writes):
    docs = write_docs(tmp_path / "docs", 3)
    folder = tmp_path / "store"
    with OxigraphStore(folder) as store:
        assert pipeline.load_corpus(store, docs, base=BASE, workers=0).compacted is not None
        (folder / ox_store.UNCOMPACTED).write_text("99\n", encoding="ascii")
        assert pipeline.load_corpus(store, docs, base=BASE, workers=0).compacted is None  # nothing written
    with OxigraphStore(folder, read_only=True) as store:
        assert not store.compaction_due()
    memory = OxigraphStore(None)
    assert pipeline.load_corpus(memory, docs, base=BASE, workers=0).compacted is None


def test_budgetkg_load_says_it_is_compacting(tmp_path, few_writes):
    docs = write_docs(tmp_path / "docs", 3)
    result = CliRunner().invoke(main, ["load", "--data-dir", str(tmp_path / "store"), *map(str, docs)])
    assert result.exit_code == 0, result.output
    assert "compacting the store" in result.output and "store compacted in" in result.output
    assert _pending(tmp_path / "store") == 0
