"""The naive baseline: rdflib's default (in-memory) store behind a minimal Flask SPARQL endpoint.

What one would write in an afternoon: load the N-Quads into an rdflib ``Dataset`` whose
default graph is the union of the named graphs, answer ``GET /sparql?query=`` with
SPARQL JSON. rdflib's SPARQL parser is not thread-safe, so queries run one at a time
(a lock). Used by ``bench/run.py`` only; serves on 127.0.0.1.

    python bench/naive_endpoint.py DATA.nq --port 5055

Prints ``READY <port> <load seconds> <triples> <peak RSS bytes>`` once it listens.
With ``--load-only`` it loads, prints ``LOADED <load seconds> <load CPU seconds>
<triples> <peak RSS bytes>`` and exits (the store-load comparison of ``bench/run.py``).
"""

from __future__ import annotations

import argparse
import resource
import sys
import threading
import time

from flask import Flask, Response, request
from rdflib import Dataset


def load(data: str) -> tuple[Dataset, float, float]:
    """The N-Quads in rdflib's default store; (dataset, wall seconds, CPU seconds)."""
    started, cpu = time.perf_counter(), time.process_time()
    ds = Dataset(default_union=True)
    ds.parse(data, format="nquads")
    return ds, time.perf_counter() - started, time.process_time() - cpu


def create_app(data: str) -> tuple[Flask, float, int]:
    ds, seconds, _cpu = load(data)
    lock = threading.Lock()
    app = Flask("naive")

    @app.get("/sparql")
    def sparql() -> Response:
        query = request.args.get("query", "")
        with lock:
            result = ds.query(query)
            body = result.serialize(format="json")
        return Response(body, mimetype="application/sparql-results+json")

    return app, seconds, len(ds)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--port", type=int)
    ap.add_argument("--load-only", action="store_true", help="load, print LOADED ..., exit")
    args = ap.parse_args()
    if args.load_only:
        ds, seconds, cpu = load(args.data)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        print(f"LOADED {seconds:.3f} {cpu:.3f} {len(ds)} {peak}", flush=True)
        return
    if args.port is None:
        ap.error("--port is required")
    app, seconds, triples = create_app(args.data)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"READY {args.port} {seconds:.3f} {triples} {peak}", flush=True)
    sys.stdout.flush()
    app.run(host="127.0.0.1", port=args.port, threaded=True)


if __name__ == "__main__":
    main()
