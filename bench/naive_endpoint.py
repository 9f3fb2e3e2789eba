"""The naive baseline: rdflib's default (in-memory) store behind a minimal Flask SPARQL endpoint.

What one would write in an afternoon: load the N-Quads into an rdflib ``Dataset`` whose
default graph is the union of the named graphs, answer ``GET /sparql?query=`` with
SPARQL JSON. rdflib's SPARQL parser is not thread-safe, so queries run one at a time
(a lock). Used by ``bench/run.py`` only; serves on 127.0.0.1.

    python bench/naive_endpoint.py DATA.nq --port 5055

Prints ``READY <port> <load seconds> <triples> <peak RSS bytes>`` once it listens.
"""

from __future__ import annotations

import argparse
import resource
import sys
import threading
import time

from flask import Flask, Response, request
from rdflib import Dataset


def create_app(data: str) -> tuple[Flask, float, int]:
    started = time.perf_counter()
    ds = Dataset(default_union=True)
    ds.parse(data, format="nquads")
    seconds = time.perf_counter() - started
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
    ap.add_argument("--port", type=int, required=True)
    args = ap.parse_args()
    app, seconds, triples = create_app(args.data)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"READY {args.port} {seconds:.3f} {triples} {peak}", flush=True)
    sys.stdout.flush()
    app.run(host="127.0.0.1", port=args.port, threaded=True)


if __name__ == "__main__":
    main()
