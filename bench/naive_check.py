"""Do the naive baseline's plain texts (bench/naive_queries/) give the library's rows?

    python -P bench/naive_check.py CORPUS_DIR_OR_NQ [--only NAME,NAME] [--timeout S]

The library's texts run on the embedded store (pyoxigraph, in memory), each plain text
on rdflib's default store (as bench/naive_endpoint.py holds the data), bound to the same
values as bench/run.py binds them (``queries_for``); rows are compared with
bench/rows.py. Prints one line per query and exits 1 when any plain text's rows differ.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from rows import compare  # noqa: E402

BASE = "https://budgetkg.example.org/id/"


def embedded(paths: list[Path]) -> Any:
    """A corpus (table files, or one .nq file) in an in-memory embedded store."""
    from budgetkg import pipeline
    from budgetkg.store import OxigraphStore

    store = OxigraphStore()
    if len(paths) == 1 and paths[0].suffix == ".nq":
        store.replace_graphs(paths[0].read_bytes(), "application/n-quads")
        return store
    pipeline.load_ontology(store, base=BASE)
    pipeline.load_corpus(store, paths, base=BASE, workers=0)
    return store


def nquads(store: Any) -> bytes:
    import pyoxigraph as ox

    return ox.serialize(store._store, format=ox.RdfFormat.N_QUADS)  # noqa: SLF001 - every quad


def check(store: Any, only: set[str] | None = None, timeout: float | None = None) -> dict[str, dict[str, Any]]:
    """name -> {"same": bool | None, "rows", "got_rows", "seconds" …} for every plain text
    (``same`` None: rdflib did not answer within ``timeout``)."""
    import pyoxigraph as ox
    from rdflib import Dataset

    from run import queries_for  # noqa: PLC0415 - the bench's binding of each query

    texts, plain = queries_for(store)
    ds = Dataset(default_union=True)
    ds.parse(data=nquads(store), format="nquads")
    out: dict[str, dict[str, Any]] = {}
    for name in sorted(plain):
        if only and name not in only:
            continue
        expected = json.loads(store.query(texts[name]).serialize(format=ox.QueryResultsFormat.JSON) or b"{}")
        start = time.perf_counter()
        got = _run(ds, plain[name], timeout)
        seconds = time.perf_counter() - start
        if got is None:
            out[name] = {"same": None, "seconds": round(seconds, 2), "timeout": True}
            continue
        if isinstance(got, Exception):
            out[name] = {"same": False, "error": f"{type(got).__name__}: {got}"[:300], "seconds": round(seconds, 2)}
            continue
        result = compare(expected, got, texts[name])
        result["seconds"] = round(seconds, 2)
        out[name] = result
    return out


def _run(ds: Any, text: str, timeout: float | None) -> Any:
    """rdflib's answer as SPARQL JSON, the exception it raised, or None after ``timeout``
    (rdflib cannot stop a query: it is left to finish in a daemon thread)."""
    box: list[Any] = []

    def work() -> None:
        try:
            box.append(json.loads(ds.query(text).serialize(format="json")))
        except Exception as exc:  # noqa: BLE001 - the error is the finding
            box.append(exc)

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    thread.join(timeout)
    return box[0] if box else None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path, help="a folder of table files, or a .nq file")
    ap.add_argument("--only", default="", help="comma-separated query names")
    ap.add_argument("--timeout", type=float, default=120.0)
    args = ap.parse_args()
    paths = [args.corpus] if args.corpus.is_file() else sorted(args.corpus.glob("*.txt"))
    store = embedded(paths)
    only = {n for n in args.only.split(",") if n} or None
    report = check(store, only, args.timeout)
    for name, r in report.items():
        state = "timeout" if r.get("timeout") else "same" if r["same"] else "DIFFER"
        print(f"{name:26} {state:8} {r.get('rows', '-'):>6} {r.get('got_rows', '-'):>6} {r['seconds']:>7} s "
              f"{r.get('error') or ''}{'' if r['same'] or r.get('timeout') or r.get('error') else r}")
    return 0 if all(r["same"] for r in report.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
