"""Statistics of a fiscal year: load-time summaries of every document of that year.

Five library queries count across the documents of a year (years, fund-sources,
indicators-by-level2, satisfaction-targets, timeliness-by-month): a line, a table or a
document is counted once however many documents state it, so per-document summaries
cannot give their counts. Their answers are therefore kept per fiscal year, in a graph
of their own (``{base}graph/statistics/{year}``), as Data Cube observations
(``bkg:YearOverview``, ``bkg:FundSourceStatistic``…; ontology/budgetkg.ttl), and the
library's texts read them. How each is computed is a SPARQL text of its own,
``queries/statistics/NAME.rq`` (the library's text before vocabulary 0.8.0), run on the
store bound to the year: the statistics are the query's rows, so they cannot differ from
them (tests/test_year_statistics.py checks it on every year of its corpora).

When they are made again (``refreshing``): after every change of the store's documents,
for the years whose documents changed (the years a graph held before or holds after).
A marker (``statistics.stale``: a file of the embedded store's folder, a note in a
remote store's housekeeping graph) is written before the first change and removed once
the statistics are made again, so that a crash between the two is repaired by
``recover`` at the next start (every year made again). Docs:
docs/summaries.md, "Vocabulary 0.8.0: statistics of a year".
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources

import pyoxigraph as ox

from budgetkg.loader.namespaces import DEF, STATISTICS_VERSION
from budgetkg.store import N_TRIPLES, Store

#: The marker kept while statistics may be stale (a change of documents begun); on the
#: embedded store, a file of its folder by this name.
STALE_FILE = "statistics.stale"

_XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_QB_DATASET = ox.NamedNode("http://purl.org/linked-data/cube#dataSet")
_YEAR = ox.NamedNode(DEF + "statisticYear")
_VERSION = ox.NamedNode(DEF + "statisticsVersion")
_STATISTICS_OF_YEAR = ox.NamedNode(DEF + "YearStatistics")


@dataclass(frozen=True)
class Kind:
    """One library query's statistics: which text computes them, which of its columns
    are kept (as which property), and which of them identify a row (with the year)."""

    query: str  # the library query (and queries/statistics/{query}.rq)
    cls: str  # the class of its observations
    dataset: str  # the qb:DataSet (ontology/budgetkg.ttl) they belong to
    param: str  # the computing text's year parameter
    columns: tuple[tuple[str, str], ...]  # (column, property local name)
    keys: tuple[str, ...]  # the columns that identify a row within the year

    @property
    def binds_year(self) -> bool:
        """Whether the library's (reading) text takes a year (years lists every year)."""
        return self.query != "years"


KINDS: tuple[Kind, ...] = (
    Kind("years", "YearOverview", "yearOverviews", "fiscalYear",
         (("documents", "documentCount"), ("departments", "departmentCount"),
          ("projectLines", "projectLineCount"), ("projectYears", "projectYearCount"),
          ("indicators", "indicatorRowCount"), ("totalWanYuan", "totalWanYuan")), ()),
    Kind("fund-sources", "FundSourceStatistic", "fundSourceStatistics", "year",
         (("fundSource", "statisticFundSource"), ("projects", "projectYearCount"),
          ("sumWanYuan", "sumWanYuan"), ("percentOfTotal", "percentOfTotal")), ("fundSource",)),
    Kind("indicators-by-level2", "Level2Statistic", "level2Statistics", "year",
         (("level2", "statisticLevel2"), ("indicators", "indicatorRowCount"),
          ("projectYears", "projectYearCount")), ("level2",)),
    Kind("satisfaction-targets", "SatisfactionTargetStatistic", "satisfactionTargetStatistics", "year",
         (("targetKind", "statisticTargetKind"), ("comparator", "statisticComparator"), ("number", "statisticNumber"),
          ("unit", "statisticUnit"), ("indicators", "indicatorRowCount"), ("projects", "projectLineCount"),
          ("example", "statisticExample")), ("targetKind", "comparator", "number", "unit")),
    Kind("timeliness-by-month", "TimelinessStatistic", "timelinessStatistics", "year",
         (("targetYear", "statisticTargetYear"), ("month", "statisticMonth"), ("indicators", "indicatorRowCount"),
          ("projects", "projectLineCount"), ("example", "statisticExample")), ("targetYear", "month")),
)

#: Each graph's fiscal years: of its tables, and of its summary groups (a fund group's
#: year is its amounts'). What decides which years a change of documents touches.
GRAPH_YEARS = f"""SELECT DISTINCT ?g ?year WHERE {{
  GRAPH ?g {{ ?s <{DEF}tableYear>|<{DEF}groupYear> ?year }}
}}"""


def compute_text(kind: Kind) -> str:
    """The SPARQL text that computes ``kind``'s statistics (``queries/statistics/``)."""
    return (resources.files("budgetkg.queries") / "statistics" / f"{kind.query}.rq").read_text(encoding="utf-8")


def graph_iri(base: str, year: int) -> str:
    return f"{base}graph/statistics/{year:04d}"


def _year_of(graph: str, base: str) -> int | None:
    prefix = f"{base}graph/statistics/"
    tail = graph[len(prefix):] if graph.startswith(prefix) else ""
    return int(tail) if tail.isdigit() else None


def statistics_graphs(store: Store, base: str) -> dict[int, str]:
    """The store's statistics graphs by year."""
    found = {}
    for g in store.graphs():
        year = _year_of(g, base)
        if year is not None:
            found[year] = g
    return found


def graph_years(store: Store) -> dict[str, frozenset[int]]:
    """Each graph's fiscal years (``GRAPH_YEARS``)."""
    years: dict[str, set[int]] = {}
    for row in store.query(GRAPH_YEARS):
        g, y = row["g"], row["year"]
        try:
            year = int(y.value[:4])  # type: ignore[union-attr]
        except (ValueError, AttributeError):
            continue  # not a year (hand-made RDF): no table of a year either
        years.setdefault(g.value, set()).add(year)  # type: ignore[union-attr]
    return {g: frozenset(v) for g, v in years.items()}


def _years(rows: Iterable[object], name: str) -> set[int]:
    found = set()
    for row in rows:
        try:
            found.add(int(row[name].value[:4]))  # type: ignore[index, union-attr]
        except (ValueError, AttributeError, TypeError):
            continue
    return found


def stale_years(store: Store, data_years: Iterable[int] | None = None) -> set[int]:
    """The fiscal years with tables or summary groups whose statistics are missing or
    not this code's (``bkg:statisticsVersion``); ``data_years``: those years, if known."""
    if data_years is None:
        data_years = set().union(*graph_years(store).values())
    current = _years(store.query(
        f'SELECT ?year WHERE {{ ?s a <{DEF}YearStatistics> ; <{DEF}statisticsVersion> "{STATISTICS_VERSION}" ; '
        f'<{DEF}statisticYear> ?year }}'), "year")
    return set(data_years) - current


def _year_term(year: int) -> ox.Literal:
    return ox.Literal(f"{year:04d}", datatype=ox.NamedNode(_XSD + "gYear"))


def compute(store: Store, base: str, years: Iterable[int]) -> dict[int, list[ox.Triple]]:
    """The statistics of each of ``years``, as the triples of its graph (an empty list:
    the year has no rows in any of the texts, i.e. no tables)."""
    from budgetkg.queries.catalog import parse_query

    wanted = sorted(set(years))
    out: dict[int, list[ox.Triple]] = {y: [] for y in wanted}
    tasks = [(kind, year) for kind in KINDS for year in wanted]
    texts = {kind.query: parse_query(kind.query, compute_text(kind)) for kind in KINDS}

    def rows(task: tuple[Kind, int]) -> list[dict[str, ox.NamedNode | ox.Literal | None]]:
        kind, year = task
        results = store.query(texts[kind.query].bind({kind.param: f"{year:04d}"}))
        names = [v.value for v in results.variables]  # type: ignore[union-attr]
        return [{n: row[n] for n in names} for row in results]

    # The embedded engine runs two queries at once on two cores (pyoxigraph lets the
    # interpreter run): the texts of one year at 10M triples, 660 -> 375 ms. A remote
    # store is asked one query at a time.
    workers = 1 if store.shared else min(2, os.cpu_count() or 1)
    with ThreadPoolExecutor(workers) as pool:
        for (kind, year), found in zip(tasks, pool.map(rows, tasks)):
            for cells in found:
                out[year].extend(_observation(base, kind, year, cells))
    for year, triples in out.items():
        if triples:
            node = ox.NamedNode(f"{base}statistics/{year:04d}")
            triples[:0] = [ox.Triple(node, _RDF_TYPE, _STATISTICS_OF_YEAR), ox.Triple(node, _YEAR, _year_term(year)),
                           ox.Triple(node, _VERSION, ox.Literal(STATISTICS_VERSION))]
    return out


def _observation(base: str, kind: Kind, year: int, cells: dict[str, ox.NamedNode | ox.Literal | None]) -> Iterator[ox.Triple]:
    key = json.dumps([str(cells.get(k)) if cells.get(k) is not None else None for k in kind.keys])
    digest = hashlib.sha256(f"{kind.query}\n{year}\n{key}".encode()).hexdigest()[:16]
    node = ox.NamedNode(f"{base}statistics/{year:04d}/{kind.query}/{digest}")
    yield ox.Triple(node, _RDF_TYPE, ox.NamedNode(DEF + kind.cls))
    yield ox.Triple(node, _QB_DATASET, ox.NamedNode(DEF + kind.dataset))
    yield ox.Triple(node, _YEAR, _year_term(year))
    for column, prop in kind.columns:
        value = cells.get(column)
        if value is not None and not isinstance(value, ox.BlankNode):
            yield ox.Triple(node, ox.NamedNode(DEF + prop), value)


def refresh(store: Store, base: str, years: Iterable[int] | None = None) -> dict[int, int]:
    """Make the statistics of ``years`` again (None: every year with tables, and drop
    the statistics of years without any). Each year's graph is replaced atomically;
    returns the triples written per year (0: its graph dropped)."""
    held = statistics_graphs(store, base)
    if years is None:
        present = set().union(*graph_years(store).values()) if not store.is_empty() else set()
        wanted = present | set(held)
    else:
        wanted = set(years)
    done: dict[int, int] = {}
    for year, triples in compute(store, base, wanted).items():
        graph = graph_iri(base, year)
        if triples:
            done[year] = store.replace_graph(graph, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), N_TRIPLES)
        else:
            if year in held:
                store.drop_graph(graph)
            done[year] = 0
    return done


# -- keeping them consistent ------------------------------------------------------------


def mark_stale(store: Store, base: str) -> None:
    """Say, durably, that the statistics may be stale (before a change of documents):
    a file of the embedded store's folder, a note in a remote store's housekeeping graph
    (``Store.set_marker``)."""
    if store.keeps_markers and not store.read_only:
        store.set_marker(STALE_FILE, json.dumps({"base": base}))


def clear_stale(store: Store) -> None:
    if store.keeps_markers and not store.read_only:
        store.set_marker(STALE_FILE, None)


def recover_pending(store: Store) -> bool:
    """Whether a change of documents was cut short before its statistics (the marker)."""
    return store.keeps_markers and not store.read_only and store.marker(STALE_FILE) is not None


def recover(store: Store) -> dict[int, int] | None:
    """After a crash between a change of documents and its statistics: make every
    year's statistics again. None when there was nothing to do."""
    if not store.keeps_markers or store.read_only:
        return None
    text = store.marker(STALE_FILE)
    if text is None:
        return None
    try:
        base = str(json.loads(text)["base"])
    except (ValueError, KeyError, TypeError):
        return None  # cut short while written: no change had begun
    done = refresh(store, base)
    clear_stale(store)
    return done


@contextmanager
def refreshing(store: Store, base: str) -> Iterator[Changes]:
    """Around a change of documents: the statistics of the years it touches are made
    again at the end. ``Changes.touch(graphs)`` names graphs changed in place (an RDF
    file loaded again), whose years a comparison of the graphs' years before and after
    would not see. If the change raises, an on-disk store keeps its marker: the load
    journal undoes or finishes the change at the next start, and ``recover`` then makes
    every year again (made now, they would count a half-written document); a remote
    store keeps its marker too (the next load or upgrade recovers it); an in-memory
    store has no next start, so its years are made again now. A marker already there
    (a crash not yet recovered: a path that loads without ``recover`` first) makes every
    year again at the end, as ``recover`` would."""
    changes = Changes(store, base)
    changes.everything = recover_pending(store)
    mark_stale(store, base)
    try:
        yield changes
    except BaseException:
        if not store.keeps_markers and not store.read_only:
            changes.finish()
        raise
    changes.finish()


class Changes:
    """What ``refreshing`` compares: each graph's years before the change."""

    def __init__(self, store: Store, base: str) -> None:
        self.store, self.base = store, base
        self.before = graph_years(store)
        self.touched: set[str] = set()
        self.everything = False  # make every year again (an earlier crash's marker)
        self.done: dict[int, int] = {}

    def touch(self, graphs: Iterable[str]) -> None:
        self.touched.update(graphs)

    def finish(self) -> None:
        if self.everything:
            self.done = refresh(self.store, self.base)
            clear_stale(self.store)
            return
        after = graph_years(self.store)
        years: set[int] = set()
        for g in set(self.before) | set(after):
            old, new = self.before.get(g, frozenset()), after.get(g, frozenset())
            if old != new or g in self.touched:
                years |= old | new
        # a graph that gained or lost content without a year (a document without tables)
        # changes no statistic; a year graph of a year without tables is dropped by
        # refresh; years without this code's statistics (older code loaded them) get them
        years |= stale_years(self.store, set().union(*after.values()) if after else set())
        if years:
            self.done = refresh(self.store, self.base, years)
        clear_stale(self.store)
