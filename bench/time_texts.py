"""CPU time of query texts on an on-disk store, bound as the service binds them.

    python -P bench/time_texts.py STORE [--runs N] NAME_OR_FILE.rq ...

A name is a library query; a ``.rq`` file is timed with the catalog entry of the same
stem's parameters (latest year, the year before). Texts run alternately, N times each
(process CPU ms, median and min; rows counted as pyoxigraph hands them over).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from budgetkg.queries.catalog import YEARS_QUERY, StoreFacts, load_catalog, parse_query
from budgetkg.store import OxigraphStore


def store_facts(store: OxigraphStore, text: str = YEARS_QUERY) -> StoreFacts:
    """What the store decides for the library's defaults (latest year, the year before...);
    ``text`` is a query's ``facts_query`` when it needs more (the top indicator or word),
    as the service runs it."""
    rows = store.query(text)
    names = [v.value for v in rows.variables]
    return StoreFacts.from_rows([{n: (None if row[n] is None else row[n].value) for n in names} for row in rows])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("store")
    ap.add_argument("texts", nargs="+")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--all-years", action="store_true", help="leave year parameters UNDEF")
    args = ap.parse_args()
    store = OxigraphStore(args.store, read_only=True)
    catalog = load_catalog()
    texts = {}
    for t in args.texts:
        if t.endswith(".rq"):
            stem = Path(t).stem.split("+")[0]
            q = parse_query(stem, Path(t).read_text(encoding="utf-8"))
        else:
            q = catalog[t]
        texts[t] = q.text if args.all_years else q.bind({}, store_facts(store, q.facts_query))
    cpu = {t: [] for t in texts}
    rows = {}
    for _ in range(args.runs):
        for t, text in texts.items():
            c = time.process_time()
            rows[t] = sum(1 for _ in store.query(text))
            cpu[t].append(1000 * (time.process_time() - c))
    for t in texts:
        print(f"{t:50} rows {rows[t]:6d}  cpu ms median {statistics.median(cpu[t]):8.0f} min {min(cpu[t]):8.0f}", flush=True)


if __name__ == "__main__":
    main()
