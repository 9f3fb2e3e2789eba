"""Load test: mixed queries from N concurrent clients against a live `budgetkg serve`.

A script, not a test. Starts a server on a free loopback port (or uses --endpoint),
runs --clients client threads for --duration seconds, each sending queries picked
at random from a mix (aggregates, joins, point lookups, DESCRIBE/CONSTRUCT, the
package's queries/*.rq, every result format, GET and POST), and samples the
resident memory of the server's process tree (server + query workers, psutil)
every --sample seconds.

    python -P bench/load_test.py --clients 2 --duration 600
    python -P bench/load_test.py --clients 8 --duration 60 --json out.json

Reports throughput, latency p50/p95/p99, errors (any answer but 200, any
connection failure) and memory: RSS at the end of the warm-up and at the end, with
the growth in percent. Exit status 1 if there was an error or memory grew more than
--max-growth percent.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import threading
import time
from collections import Counter
from importlib import resources
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import requests  # noqa: E402

from live_server import LiveServer, tree_rss  # noqa: E402

P = "PREFIX bk: <https://w3id.org/budgetkg/def/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"

#: name -> (query, format). Each runs in well under a second on the default dataset.
MIX: dict[str, tuple[str, str]] = {
    "count-by-level2": (P + "SELECT ?l2 (COUNT(?i) AS ?n) WHERE { ?i a bk:Indicator ; bk:level2 ?l2 } "
                        "GROUP BY ?l2 ORDER BY ?l2", "json"),
    "shared-names": (P + "SELECT ?name (COUNT(DISTINCT ?p) AS ?projects) WHERE { ?p bk:hasIndicator ?i . "
                     "?i bk:printedName ?name } GROUP BY ?name HAVING (COUNT(DISTINCT ?p) >= 3) "
                     "ORDER BY DESC(?projects)", "json"),
    "projects-csv": (P + "SELECT ?p ?name ?year WHERE { ?p a bk:ProjectYear ; bk:printedName ?name ; "
                     "bk:fiscalYear ?year } ORDER BY ?name", "csv"),
    "amounts-tsv": (P + "SELECT ?p ?src ?amount WHERE { ?a a bk:FundAmount ; bk:projectYear ?p ; "
                    "bk:fundSource ?src ; bk:amount ?amount } ORDER BY DESC(?amount)", "tsv"),
    "point-lookup": (P + "SELECT ?i ?name ?value WHERE { ?p a bk:ProjectYear ; bk:sequence 12 ; "
                     "bk:hasIndicator ?i . ?i bk:printedName ?name ; bk:printedValue ?value }", "xml"),
    "ask": (P + "ASK { ?p a bk:ProjectYear ; bk:isCarryover true }", "json"),
    "describe": (P + "DESCRIBE ?p WHERE { ?p a bk:ProjectYear ; bk:sequence 7 }", "turtle"),
    "construct": (P + "CONSTRUCT { ?p rdfs:label ?name } WHERE { ?p a bk:ProjectYear ; bk:printedName ?name }",
                  "ntriples"),
    "filter-regex": (P + 'SELECT ?i ?name WHERE { ?i a bk:Indicator ; bk:printedName ?name '
                     'FILTER(REGEX(?name, "培训|满意度")) } LIMIT 100', "json"),
    "graphs": ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", "json"),
    "truncated": ("SELECT * WHERE { ?s ?p ?o }", "json"),  # cut at max_rows, flagged
    "malformed": ("SELECT ?x WHERE { ?x ?y }", "json"),  # a 400 is the expected answer
}
EXPECTED_STATUS = {"malformed": 400}


def library_queries() -> dict[str, tuple[str, str]]:
    """queries/*.rq of the installed package, when there are any."""
    out: dict[str, tuple[str, str]] = {}
    try:
        root = resources.files("budgetkg.queries")
    except ModuleNotFoundError:
        return out
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            out["rq:" + entry.name[:-3]] = (entry.read_text(encoding="utf-8"), "json")
    return out


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, round(q / 100 * (len(sorted_values) - 1))))
    return sorted_values[k]


class Client(threading.Thread):
    def __init__(self, url: str, mix: dict[str, tuple[str, str]], stop_at: float, seed: int,
                 timeout: float) -> None:
        super().__init__(daemon=True)
        self.url, self.mix, self.stop_at, self.timeout = url, mix, stop_at, timeout
        self.rng = random.Random(seed)
        self.latencies: list[float] = []
        self.by_query: dict[str, list[float]] = {}
        self.errors: Counter[str] = Counter()
        self.first_errors: list[str] = []

    def run(self) -> None:
        session = requests.Session()
        names = list(self.mix)
        while time.monotonic() < self.stop_at:
            name = self.rng.choice(names)
            query, fmt = self.mix[name]
            started = time.perf_counter()
            try:
                if self.rng.random() < 0.5:
                    r = session.get(self.url, params={"query": query, "format": fmt}, timeout=self.timeout)
                else:
                    r = session.post(self.url, data={"query": query, "format": fmt}, timeout=self.timeout)
                _ = r.content
                status = r.status_code
                why = f"{status} {r.text[:200]}"
            except requests.RequestException as exc:
                status, why = -1, f"{type(exc).__name__}: {exc}"
            elapsed = time.perf_counter() - started
            if status != EXPECTED_STATUS.get(name, 200):
                self.errors[f"{name}: {status}"] += 1
                if len(self.first_errors) < 5:
                    self.first_errors.append(f"{name}: {why}")
                continue
            self.latencies.append(elapsed)
            self.by_query.setdefault(name, []).append(elapsed)


def run(args: argparse.Namespace) -> dict:
    server = None
    if args.endpoint:
        url, pid = args.endpoint, args.server_pid
    else:
        extra = ["--workers", str(args.workers), "--threads", str(max(8, args.clients + 2))]
        server = LiveServer(args.data_dir, *extra)
        url, pid = server.url, server.pid
    try:
        mix = dict(MIX)
        session = requests.Session()
        for name, (query, fmt) in library_queries().items():
            r = session.get(url, params={"query": query, "format": fmt}, timeout=60)
            if r.status_code == 200:  # a library query needing parameters is left out
                mix[name] = (query, fmt)
        print(f"endpoint {url}, server pid {pid}, {len(mix)} queries in the mix, "
              f"{args.clients} clients, {args.duration:g} s", file=sys.stderr)
        samples: list[tuple[float, int, int]] = []
        started = time.monotonic()
        stop_at = started + args.duration
        clients = [Client(url, mix, stop_at, args.seed + i, args.timeout) for i in range(args.clients)]
        for c in clients:
            c.start()
        next_sample = started
        while any(c.is_alive() for c in clients):
            now = time.monotonic()
            if pid and now >= next_sample:
                rss, n = tree_rss(pid)
                samples.append((round(now - started, 1), rss, n))
                if args.verbose:
                    done = sum(len(c.latencies) for c in clients)
                    print(f"  t={now - started:6.0f}s rss={rss / 2**20:7.1f} MiB procs={n} requests={done}",
                          file=sys.stderr)
                next_sample += args.sample
            time.sleep(0.2)
        for c in clients:
            c.join()
        wall = time.monotonic() - started
        if pid:
            rss, n = tree_rss(pid)
            samples.append((round(wall, 1), rss, n))
        server_alive = server.alive() if server else None
    finally:
        if server is not None:
            server.stop()

    lat = sorted(x for c in clients for x in c.latencies)
    errors: Counter[str] = Counter()
    for c in clients:
        errors.update(c.errors)
    after_warmup = [s for s in samples if s[0] >= args.warmup] or samples
    base = after_warmup[0][1] if after_warmup else 0
    end = samples[-1][1] if samples else 0
    report = {
        "endpoint": url,
        "clients": args.clients,
        "duration_s": round(wall, 1),
        "requests_ok": len(lat),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "first_errors": [e for c in clients for e in c.first_errors][:10],
        "throughput_rps": round(len(lat) / wall, 1) if wall else 0,
        "latency_ms": {q: round(percentile(lat, q) * 1000, 1) for q in (50, 95, 99)}
        | {"max": round(lat[-1] * 1000, 1) if lat else None},
        "per_query_p50_ms": {name: round(statistics.median(v) * 1000, 1)
                             for name, v in sorted({k: v for c in clients for k, v in c.by_query.items()}.items())},
        "rss_mib": {
            "at_start": round(samples[0][1] / 2**20, 1) if samples else None,
            "after_warmup": round(base / 2**20, 1),
            "max": round(max(s[1] for s in samples) / 2**20, 1) if samples else None,
            "at_end": round(end / 2**20, 1),
            "growth_pct": round(100 * (end - base) / base, 2) if base else None,
        },
        "rss_samples": [(t, round(r / 2**20, 1), n) for t, r, n in samples],
        "server_alive_at_end": server_alive,
    }
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=2, help="concurrent clients (2..8)")
    ap.add_argument("--duration", type=float, default=600, help="seconds of load")
    ap.add_argument("--endpoint", help="an already running endpoint (default: start one)")
    ap.add_argument("--server-pid", type=int, help="with --endpoint: the server's pid, for memory")
    ap.add_argument("--data-dir", help="data folder of the started server (default: a temporary one)")
    ap.add_argument("--workers", type=int, default=2, help="query workers of the started server")
    ap.add_argument("--timeout", type=float, default=60, help="client timeout per request, seconds")
    ap.add_argument("--sample", type=float, default=10, help="seconds between memory samples")
    ap.add_argument("--warmup", type=float, default=60, help="seconds before the memory baseline")
    ap.add_argument("--max-growth", type=float, default=10, help="percent of memory growth that fails")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", help="also write the report to this file")
    ap.add_argument("-v", "--verbose", action="store_true", help="print each memory sample")
    args = ap.parse_args(argv)
    if not 1 <= args.clients <= 64:
        ap.error("--clients must be between 1 and 64")
    args.warmup = min(args.warmup, args.duration / 4)
    report = run(args)
    text = json.dumps(report, indent=2, ensure_ascii=False)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    shown = {k: v for k, v in report.items() if k != "rss_samples"}
    print(json.dumps(shown, indent=2, ensure_ascii=False))
    growth = report["rss_mib"]["growth_pct"]
    failed = report["errors"] > 0 or (growth is not None and growth > args.max_growth)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
