"""Time every canned query (defaults) on an RDF dump, pyoxigraph in memory.

    budgetkg generate --triples 1000000 --seed 6 /tmp/corpus
    budgetkg load --out /tmp/corpus.nq /tmp/corpus
    python -P bench/bench_queries.py /tmp/corpus.nq [NAME ...]

Prints rows and the best of two runs per query; the years for the latest/previous
defaults come from the store, as in the service.
"""

from __future__ import annotations

import sys
import time

import pyoxigraph as ox

from budgetkg import pipeline
from budgetkg.loader.iris import DEFAULT_BASE
from budgetkg.queries.catalog import YEARS_QUERY, load_catalog, years_from_values
from budgetkg.store import OxigraphStore


def main(path: str, names: list[str]) -> None:
    store = OxigraphStore(None)
    started = time.perf_counter()
    store._store.bulk_load(path=path, format=ox.RdfFormat.from_extension(path.rsplit(".", 1)[-1]))
    pipeline.load_ontology(store, base=DEFAULT_BASE)
    print(f"loaded {len(store._store)} quads in {time.perf_counter() - started:.1f} s", flush=True)
    years = years_from_values([row[0].value for row in store.query(YEARS_QUERY)])
    catalog = load_catalog()
    from budgetkg.queries.catalog import YearsError

    for name in names or list(catalog):
        try:
            text = catalog[name].bind({}, years)
        except YearsError as exc:  # e.g. a cross-year query on a one-year corpus
            print(f"{name:24} skipped: {exc}", flush=True)
            continue
        best, count = float("inf"), 0
        for _ in range(2):
            started = time.perf_counter()
            count = len(list(store.query(text)))
            best = min(best, time.perf_counter() - started)
        print(f"{name:24} {count:7d} rows {1000 * best:8.0f} ms", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
