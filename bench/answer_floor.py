"""What the fastest possible summary could give: each library query's answer, stored as
it is, read back through SPARQL.

    python -P bench/answer_floor.py STORE [--runs N] [NAME ...]

A load-time summary can at best hold a query's answer ready to read. For each library
query (bound as the service binds it: latest year, the year before) this script runs the
query on STORE once, writes its answer into a fresh on-disk Oxigraph store holding
nothing else (one node per row, one triple per bound value, the row's position as an
integer), and times reading it back: every column, in the answer's order (by the stored
position, the cheapest sort there is), serialized as SPARQL JSON as the endpoint does.
That time is a floor for the query at that scale on this engine: no store layout read by
SPARQL answers faster. Reported: rows, values, the JSON's size, the library text's CPU
time on STORE and the floor's (process CPU ms, median of N; both in this process), and
whether the answer read back has the library's rows (bench/rows.py), as a check of the
measurement.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from budgetkg.queries.catalog import load_catalog
from budgetkg.store import OxigraphStore

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # bench/rows.py (python -P keeps the script's folder off the path)
    sys.path.insert(0, str(HERE))

from rows import compare  # noqa: E402
from time_texts import store_facts  # noqa: E402

BASE = "https://example.org/answer/"


def cpu_ms(run) -> tuple[float, object]:
    start = time.process_time()
    out = run()
    return 1000 * (time.process_time() - start), out


def json_answer(store, text: str) -> bytes:
    return store.query(text).serialize(format=ox.QueryResultsFormat.JSON)


def _fresh(names: list[str], base: str) -> str:
    while base in names:
        base += "_"
    return base


def materialize(folder: Path, names: list[str], rows: list[list[object]]) -> tuple[ox.Store, str, int]:
    """The answer as a store of its own, and the SPARQL that reads it back in order."""
    store = ox.Store(str(folder))
    position = ox.NamedNode(BASE + "position")  # (columns are BASE + "column/" + name)
    quads, values = [], 0
    always = set(names)
    for i, row in enumerate(rows):
        node = ox.NamedNode(f"{BASE}row/{i}")
        quads.append(ox.Quad(node, position, ox.Literal(str(i), datatype=ox.NamedNode(
            "http://www.w3.org/2001/XMLSchema#integer")), ox.DefaultGraph()))
        for name, value in zip(names, row):
            if value is None:
                always.discard(name)
                continue
            values += 1
            quads.append(ox.Quad(node, ox.NamedNode(BASE + "column/" + name), value, ox.DefaultGraph()))
    store.bulk_extend(quads)
    store.flush()
    # a column bound on every row is a plain pattern; the others OPTIONAL (as the
    # library's answers leave them unbound)
    row, pos = (_fresh(names, base) for base in ("row", "position"))  # not a column's name
    patterns = " ".join(f"?{row} <{BASE}column/{n}> ?{n} ." if n in always else f"OPTIONAL {{ ?{row} <{BASE}column/{n}> ?{n} }}"
                        for n in names)
    text = (f"SELECT {' '.join('?' + n for n in names)} WHERE {{ ?{row} <{BASE}position> ?{pos} . "
            f"{patterns} }} ORDER BY ?{pos}")
    return store, text, values


def floor(store: Any, text: str, runs: int = 3) -> dict[str, Any]:
    """The library text on ``store`` against its answer read back from a store of its own:
    CPU ms of each (median of ``runs``, alternated), the answer's size, and whether the
    read-back answer has the library's rows (bench/rows.py)."""
    result = store.query(text)
    names = [v.value for v in result.variables]
    rows = [[r[n] for n in names] for r in result]
    with tempfile.TemporaryDirectory(prefix="answer-floor-") as tmp:
        answer, back, values = materialize(Path(tmp) / "store", names, rows)
        lib, fl = [], []
        for _ in range(runs):  # alternated, so that both see the same machine
            ms, expected = cpu_ms(lambda: json_answer(store, text))
            lib.append(ms)
            ms, body = cpu_ms(lambda: json_answer(answer, back))
            fl.append(ms)
        del answer
    want, got = json.loads(expected), json.loads(body)
    return {"rows": len(rows), "values": values, "json_bytes": len(body),
            "same": compare(want, got, text)["same"],  # the same rows (as a multiset)
            "in_order": want["results"]["bindings"] == got["results"]["bindings"],  # and the same list
            "library_ms": statistics.median(lib), "floor_ms": statistics.median(fl)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("store")
    ap.add_argument("names", nargs="*", help="library queries (default: all)")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_intermixed_args()
    store = OxigraphStore(args.store, read_only=True)
    catalog = load_catalog()
    print(f"{'query':26} {'rows':>7} {'values':>9} {'JSON KB':>9} {'library ms':>11} {'floor ms':>9}  same rows",
          flush=True)
    for name in args.names or sorted(catalog):
        query = catalog[name]
        f = floor(store, query.bind({}, store_facts(store, query.facts_query)), args.runs)
        print(f"{name:26} {f['rows']:7,} {f['values']:9,} {f['json_bytes'] / 1024:9,.0f} "
              f"{f['library_ms']:11,.0f} {f['floor_ms']:9,.0f}  {'yes' if f['same'] and f['in_order'] else 'NO'}", flush=True)


if __name__ == "__main__":
    main()
