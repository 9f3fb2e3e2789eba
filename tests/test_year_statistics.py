"""The statistics of a fiscal year (budgetkg/year_statistics.py, docs/summaries.md):
the library's texts that read them give the rows of the texts that compute them, and the
statistics follow every change of the year's documents, a crash included."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from budgetkg import pipeline, year_statistics
from budgetkg.loader.iris import DEFAULT_BASE
from budgetkg.queries.catalog import SUMMARIES_QUERY, load_catalog, parse_query
from budgetkg.store import OxigraphStore
from budgetkg.store.journal import LoadJournal

from second_year import FIXTURE, SEED

CATALOG = load_catalog()
SAMPLED = re.compile(r"SAMPLE\s*\([^()]*\)\s+AS\s+\?(\w+)")


def rows(store, text: str, names: list[str] | None = None) -> Counter:
    """The rows as a multiset of exact terms, on ``names`` (default: the text's own
    columns), without what a SAMPLE picks (any of its group)."""
    results = store.query(text)
    names = names or [v.value for v in results.variables]
    skip = set(SAMPLED.findall(text)) | {"example"}
    return Counter(tuple((n, str(row[n])) for n in names if n not in skip) for row in results)


def years_of(store) -> list[int]:
    return sorted(set().union(*year_statistics.graph_years(store).values()))


def cases(store):
    """(kind, year or None, the computing text, the reading text), every year and each."""
    for kind in year_statistics.KINDS:
        compute = parse_query(kind.query, year_statistics.compute_text(kind))
        read = CATALOG[kind.query]
        for year in [None] + (years_of(store) if kind.binds_year else []):
            if year is None:
                yield kind, None, compute.text, read.text
            else:
                yield kind, year, compute.bind({kind.param: f"{year:04d}"}), read.bind({"year": f"{year:04d}"})


def assert_same_rows(store) -> int:
    """Every reading text against its computing text; how many rows were compared."""
    compared = 0
    for kind, year, compute, read in cases(store):
        names = [v.value for v in store.query(read).variables]
        expected, got = rows(store, compute, names), rows(store, read)
        assert got == expected, (kind.query, year, expected - got, got - expected)
        compared += sum(got.values())
    return compared


def test_every_kind_reads_its_statistics_and_is_refused_without_them():
    for kind in year_statistics.KINDS:
        query = CATALOG[kind.query]
        assert f"bkg:{kind.cls}" in query.text, kind.query
        assert query.reads_summaries, kind.query  # refused (409) on a store without them


def test_the_statistics_give_the_rows_of_the_texts_that_compute_them(corpus_store):
    """The seed and a generated corpus of three years (the 2021 framework in the last):
    each kind, for every year together and for each year."""
    assert len(years_of(corpus_store)) == 3
    assert assert_same_rows(corpus_store) > 200


def test_a_statistic_is_its_year_s_rows(two_year_data_dir):
    with OxigraphStore(two_year_data_dir, read_only=True) as store:
        assert assert_same_rows(store) > 50
        graphs = year_statistics.statistics_graphs(store, DEFAULT_BASE)
        assert sorted(graphs) == [2022, 2023]
        # the seed's year: its 37 tables, one document (the figures of docs/summaries.md)
        row = next(iter(store.query(CATALOG["years"].text)))
        assert (row["fiscalYear"].value, row["documents"].value, row["projectYears"].value) == ("2022", "1", "37")
        assert not year_statistics.stale_years(store)


def _load(folder: Path, *paths: Path) -> pipeline.LoadSummary:
    with OxigraphStore(folder) as store:
        pipeline.load_ontology(store, base=DEFAULT_BASE)
        return pipeline.load_corpus(store, paths, base=DEFAULT_BASE, workers=1)


def _years_rows(folder: Path) -> dict[str, tuple[str, ...]]:
    with OxigraphStore(folder, read_only=True) as store:
        return {r["fiscalYear"].value: (r["documents"].value, r["projectYears"].value, r["indicators"].value)
                for r in store.query(CATALOG["years"].text)}


def _graph(folder: Path, year: int) -> set:
    with OxigraphStore(folder, read_only=True) as store:
        return {q.triple for q in store.graph_quads(year_statistics.graph_iri(DEFAULT_BASE, year))}


def test_the_statistics_follow_documents_added_replaced_and_removed(tmp_path):
    folder = tmp_path / "data"
    seed, second = tmp_path / "seed.txt", tmp_path / "second.txt"
    shutil.copy(SEED, seed)
    summary = _load(folder, seed)
    assert sorted(summary.statistics) == [2022]
    assert _years_rows(folder) == {"2022": ("1", "37", "656")}
    before_2022 = _graph(folder, 2022)

    # a second year added: its statistics made, the seed's year left as it was
    shutil.copy(FIXTURE, second)
    summary = _load(folder, seed, second)
    assert sorted(summary.statistics) == [2023]
    assert set(_years_rows(folder)) == {"2022", "2023"}
    assert _graph(folder, 2022) == before_2022

    # the second year's document replaced by one table fewer: its year's counts follow
    lines = FIXTURE.read_text(encoding="utf-8").splitlines(keepends=True)
    titles = [i for i, line in enumerate(lines) if line.startswith("部门项目支出预算绩效目标表")]
    tables = _years_rows(folder)["2023"][1]
    second.write_text("".join(lines[:titles[0]] + lines[titles[1]:]), encoding="utf-8")  # the first table dropped
    summary = _load(folder, seed, second)
    assert sorted(summary.statistics) == [2023]
    assert int(_years_rows(folder)["2023"][1]) == int(tables) - 1

    # ... then by the seed's own text: no document of 2023 is left, nor its statistics
    shutil.copy(SEED, second)
    summary = _load(folder, seed, second)
    assert sorted(summary.statistics) == [2023]
    assert set(_years_rows(folder)) == {"2022"}
    assert not _graph(folder, 2023)
    with OxigraphStore(folder, read_only=True) as store:
        assert assert_same_rows(store)


def test_an_unchanged_load_makes_no_statistics_again(tmp_path):
    folder = tmp_path / "data"
    _load(folder, SEED)
    summary = _load(folder, SEED)
    assert summary.unchanged == 1 and summary.statistics == {}


def test_an_rdf_file_loaded_again_in_place_makes_its_year_again(tmp_path):
    """A graph replaced under the same IRI (an RDF file) is not seen by comparing the
    graphs' years: the loader names it."""
    folder = tmp_path / "data"
    with OxigraphStore(folder) as store:
        pipeline.load_seed(store, base=DEFAULT_BASE)
        seed_graph = next(g for g in store.graphs() if "/graph/" in g and "statistics" not in g and "ontology" not in g)
        quads = list(store.graph_quads(seed_graph))
    trig = tmp_path / "seed.nq"
    trig.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    with OxigraphStore(tmp_path / "other") as store:
        pipeline.load_ontology(store, base=DEFAULT_BASE)
        pipeline.load_path(store, trig, base=DEFAULT_BASE)
        assert next(iter(store.query(CATALOG["years"].text)))["projectYears"].value == "37"
        # the same graph again, one table's type gone: the year counts one table fewer
        table = next(q.subject for q in quads if q.predicate.value.endswith("#type")
                     and q.object.value.endswith("/def/ProjectYear"))
        kept = [q for q in quads if not (q.subject == table and q.predicate.value.endswith("#type"))]
        trig.write_bytes(ox.serialize(kept, format=ox.RdfFormat.N_QUADS))
        pipeline.load_path(store, trig, base=DEFAULT_BASE)
        assert next(iter(store.query(CATALOG["years"].text)))["projectYears"].value == "36"
        assert assert_same_rows(store)


def test_a_crash_before_the_statistics_is_repaired_at_the_next_start(tmp_path):
    """A document written (journalled) but the process killed before its year's
    statistics: the marker left behind makes ``recover`` compute every year again."""
    folder = tmp_path / "data"
    _load(folder, SEED)
    with OxigraphStore(folder) as store:
        year_statistics.mark_stale(store, DEFAULT_BASE)
        res = pipeline.process_document(FIXTURE, DEFAULT_BASE, False)
        pipeline.store_document(store, LoadJournal.of(store), FIXTURE, res)  # no statistics made
        assert year_statistics.stale_years(store) == {2023}
        assert store.query(SUMMARIES_QUERY).__next__()["missing"].value != "0"  # refused until repaired
    with OxigraphStore(folder) as store:
        done = pipeline.recover(store)
        assert done is not None and "statistics of 2 year(s)" in done
        assert not year_statistics.stale_years(store)
        assert store.query(SUMMARIES_QUERY).__next__()["missing"].value == "0"
        assert assert_same_rows(store)
        assert pipeline.recover(store) is None  # the marker is gone


def _first_table_alone(tmp_path: Path) -> Path:
    """The seed's text up to its second table: a document of the seed's year."""
    lines = SEED.read_text(encoding="utf-8").splitlines(keepends=True)
    titles = [i for i, line in enumerate(lines) if line.startswith("部门项目支出预算绩效目标表")]
    part = tmp_path / "part.txt"
    part.write_text("".join(lines[:titles[1]]), encoding="utf-8")
    return part


def test_a_load_that_does_not_recover_first_still_repairs_an_earlier_crash(tmp_path):
    """A crash left the marker and a year's statistics stale (but this code's version);
    the next change comes through a path that does not call ``recover`` first (one file,
    as the bare serve's default dataset is loaded): it makes every year again, not only
    its own, so the earlier crash is not forgotten when the marker is cleared."""
    folder = tmp_path / "data"
    part = _first_table_alone(tmp_path)  # a second document of 2022
    _load(folder, SEED)
    with OxigraphStore(folder) as store:
        year_statistics.mark_stale(store, DEFAULT_BASE)
        res = pipeline.process_document(part, DEFAULT_BASE, False)
        pipeline.store_document(store, LoadJournal.of(store), part, res)  # the crash: no statistics
        assert not year_statistics.stale_years(store)  # current, but wrong
    with OxigraphStore(folder) as store:
        pipeline.load_path(store, FIXTURE, base=DEFAULT_BASE)  # a document of 2023
        years = {r["fiscalYear"].value: r["documents"].value for r in store.query(CATALOG["years"].text)}
        assert years == {"2022": "2", "2023": "1"}
        assert assert_same_rows(store)
        assert not year_statistics.recover_pending(store)


def test_a_crash_before_the_statistics_is_repaired_on_a_remote_store_too(virtuoso, tmp_path):
    """Virtuoso: a second document of the seed's year written, the process gone before
    the statistics. The year's statistics exist and are this code's, so only the marker
    (in the housekeeping graph) tells they are stale; the next load's recovery makes
    them again."""
    from budgetkg.store.remote import RemoteStore

    part = _first_table_alone(tmp_path)  # a second document of 2022

    def remote():
        return RemoteStore(virtuoso.sparql_auth, user=virtuoso.user, password=virtuoso.password)

    virtuoso.clear()
    try:
        with remote() as store:
            pipeline.load_ontology(store, base=DEFAULT_BASE)
            pipeline.load_corpus(store, [SEED], base=DEFAULT_BASE, workers=1)
            year_statistics.mark_stale(store, DEFAULT_BASE)
            res = pipeline.process_document(part, DEFAULT_BASE, False)
            pipeline.store_document(store, LoadJournal.of(store), part, res)  # no statistics made
            assert not year_statistics.stale_years(store)  # current, but wrong:
            assert next(iter(store.query(CATALOG["years"].text)))["documents"].value == "1"
        with remote() as store:
            done = pipeline.recover(store)
            assert done is not None and "statistics of 1 year(s)" in done
            assert next(iter(store.query(CATALOG["years"].text)))["documents"].value == "2"
            assert assert_same_rows(store)
            assert store.marker(year_statistics.STALE_FILE) is None
            assert pipeline.recover(store) is None
    finally:
        virtuoso.clear()


def test_a_store_without_statistics_is_refused_then_upgraded(tmp_path):
    """A store loaded before 0.8.0 (no statistics): its years are stale, the queries that
    read them are refused, and `budgetkg upgrade` makes them."""
    from click.testing import CliRunner

    from budgetkg.cli import main

    folder = tmp_path / "data"
    _load(folder, SEED)
    with OxigraphStore(folder) as store:
        for graph in year_statistics.statistics_graphs(store, DEFAULT_BASE).values():
            store.drop_graph(graph)
        assert year_statistics.stale_years(store) == {2022}
        assert int(next(iter(store.query(SUMMARIES_QUERY)))["missing"].value) == 1
    result = CliRunner().invoke(main, ["upgrade", "--data-dir", str(folder)])
    assert result.exit_code == 0, result.output
    assert "statistics of 2022 made again" in result.output
    assert _years_rows(folder) == {"2022": ("1", "37", "656")}
    result = CliRunner().invoke(main, ["upgrade", "--data-dir", str(folder)])
    assert "nothing to do" in result.output


@pytest.mark.parametrize("kind", year_statistics.KINDS, ids=lambda k: k.query)
def test_each_column_is_kept(kind, two_year_data_dir):
    """Every column a kind keeps is stated on some observation (a mapping to the wrong
    column would leave it unbound everywhere)."""
    with OxigraphStore(two_year_data_dir, read_only=True) as store:
        for column, prop in kind.columns:
            found = store.query(f"ASK {{ ?s a <{year_statistics.DEF}{kind.cls}> ; "
                                f"<{year_statistics.DEF}{prop}> ?v }}")
            if column in ("percentOfTotal", "sumWanYuan", "comparator", "number", "unit", "targetYear", "month"):
                continue  # (may be unbound in every row of a small store)
            assert bool(found), (kind.query, column)


def test_a_bare_serve_makes_the_statistics_of_the_default_dataset(tmp_path):
    """The default dataset loaded by code before 0.8.0 (no statistics) is loaded again by
    a bare `budgetkg serve`, and a folder left with the marker is not served read-only
    as it is (the writer's path recovers it first)."""
    from budgetkg.commands.serve import _has_data, _load_into_store, _stale_seed
    from budgetkg.settings import load_settings

    folder = tmp_path / "data"
    settings = load_settings({"data_dir": folder})
    with OxigraphStore(folder) as store:
        pipeline.load_seed(store, base=DEFAULT_BASE)
        assert not _stale_seed(store, DEFAULT_BASE)
        for graph in year_statistics.statistics_graphs(store, DEFAULT_BASE).values():
            store.drop_graph(graph)
        assert _stale_seed(store, DEFAULT_BASE)
    assert not _has_data(settings)
    assert _load_into_store(settings, ()) == 0
    assert _has_data(settings)
    assert _years_rows(folder) == {"2022": ("1", "37", "656")}
    with OxigraphStore(folder) as store:
        year_statistics.mark_stale(store, DEFAULT_BASE)
    assert not _has_data(settings)
    assert _load_into_store(settings, ()) == 0  # recovers: every year made again, marker gone
    assert _has_data(settings) and not (folder / year_statistics.STALE_FILE).exists()
