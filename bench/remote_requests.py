"""Every HTTP request the remote store makes, timed, on a private Virtuoso holding a
bench store's quads (issue #21 item 8: ``serve --store`` took 30-45 s per query at 10M).

    python -P bench/remote_requests.py STORE_DIR NQUADS [--folder F] [--queries a,b]

Loads NQUADS into a fresh Virtuoso (bench/virtuoso_side.py's settings), then for each
library query (bound as bench/run.py binds them, from the embedded STORE_DIR): the query on
Virtuoso's own default graph (no dataset), then through ``RemoteStore.query`` with every
request it sends timed and named (the graph list and version, the query itself); rows are
compared with the embedded store's. Prints one JSON line per query.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import pyoxigraph as ox  # noqa: E402
import requests  # noqa: E402
import virtuoso_side as vs  # noqa: E402
from rows import compare  # noqa: E402
from run import BASE, queries_for  # noqa: E402

from budgetkg.store import OxigraphStore  # noqa: E402
from budgetkg.store.remote import RemoteStore  # noqa: E402


#: No answer from the embedded store within minutes at 1M (docs/performance.md): its rows
#: are compared between Virtuoso direct and the remote store instead.
SLOW_EMBEDDED = {"indicator-across-regions"}


def timed_transport(store: RemoteStore, log: list[dict]) -> None:
    """Wrap the transport's one query entry point so each request is logged with its time."""
    transport = store.transport
    send = transport._send_query  # noqa: SLF001 - the one place every query request goes

    def logged(client):
        start = time.perf_counter()
        try:
            return send(client)
        finally:
            text = re.sub(r"^(DEFINE \S+ <[^>]*> )+", "", client.queryString)
            log.append({"ms": round((time.perf_counter() - start) * 1000, 1), "bytes": len(client.queryString),
                        "query": " ".join(text.split())[:80]})

    transport._send_query = logged  # noqa: SLF001


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("store")
    ap.add_argument("nquads", type=Path)
    ap.add_argument("--folder", type=Path, default=Path("/tmp/remote-requests"))
    ap.add_argument("--queries", default="")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    with OxigraphStore(args.store, read_only=True) as embedded:
        texts, _ = queries_for(embedded)
        wanted = [q for q in args.queries.split(",") if q] or sorted(texts)
        cache = args.folder.with_suffix(".expected.json")
        expected = json.loads(cache.read_text()) if cache.is_file() else {}
        for n in wanted:
            if n not in expected and n not in SLOW_EMBEDDED:
                expected[n] = json.loads(embedded.query(texts[n]).serialize(format=ox.QueryResultsFormat.JSON))
        cache.write_text(json.dumps(expected))
    server = vs.Server(args.folder)
    shutil.rmtree(args.folder, ignore_errors=True)
    try:
        info = server.start()
        print(json.dumps({"load": vs.bulk_load(info, args.nquads)}), flush=True)
        log: list[dict] = []
        store = RemoteStore(info.sparql, base_iri=BASE, timeout=args.timeout)
        timed_transport(store, log)
        start = time.perf_counter()
        graphs = store.graphs()
        print(json.dumps({"graphs": len(graphs), "first_refresh_ms": round((time.perf_counter() - start) * 1000),
                          "requests": log}), flush=True)
        with requests.Session() as s:
            for name in wanted:
                entry: dict = {"query": name}
                try:
                    t = time.perf_counter()
                    body = vs._get(s, info.sparql, texts[name], args.timeout)  # noqa: SLF001
                    entry["direct_ms"] = round((time.perf_counter() - t) * 1000)
                    if name in expected:
                        entry["direct_same"] = compare(expected[name], body, texts[name])["same"]
                    else:
                        expected[name] = body
                except Exception as exc:  # noqa: BLE001 - reported
                    entry["direct_error"] = str(exc)[:200]
                runs = []
                for _ in range(args.repeats):
                    log.clear()
                    t = time.perf_counter()
                    try:
                        res = store.query(texts[name])
                        body = json.loads(res.serialize(format=ox.QueryResultsFormat.JSON))
                        check = compare(expected[name], body, texts[name])
                        entry["store_same"] = check["same"]
                        entry["rows"] = [check["got_rows"], check["rows"]]
                    except Exception as exc:  # noqa: BLE001 - reported
                        entry["store_error"] = str(exc)[:200]
                    runs.append({"ms": round((time.perf_counter() - t) * 1000), "requests": list(log)})
                entry["store_runs"] = runs
                print(json.dumps(entry, ensure_ascii=False), flush=True)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
