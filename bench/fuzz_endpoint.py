"""Endpoint fuzzing, the long run: N hostile requests against a live `budgetkg serve`.

A script, not a test (tests/test_endpoint_fuzz.py sends 300 of the same). Starts a
server on a free loopback port with the default dataset (or uses --endpoint) and
sends, from --concurrency client threads, random and mutated SPARQL and malformed
HTTP over raw sockets (see tests/endpoint_fuzz.py). Asserts never a 5xx, never a
hang past the query timeout plus --margin, and that the server stays up (a probe
query every 500 requests).

    python -P bench/fuzz_endpoint.py --requests 10000
    python -P bench/fuzz_endpoint.py --requests 2000 --seed 3 --query-timeout 2

Prints a histogram of statuses (and per kind of request); offending requests are
written to --failures for replay. Exit status 1 on any 5xx, hang or server death.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from endpoint_fuzz import Case, next_case, seed_queries, send  # noqa: E402
from live_server import LiveServer  # noqa: E402

def title_of(head: bytes) -> str:
    try:
        return json.loads(head.split(b"\r\n\r\n", 1)[1].decode("utf-8"))["error"]["title"]
    except (ValueError, KeyError, TypeError, IndexError):
        return "(no envelope)"


PROBE = Case("probe", b"GET /sparql?query=ASK%20%7B%7D HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--workers", type=int, default=4,
                    help="query workers of the started server (fewer than --concurrency: some 503 'busy' by design, "
                         "the server's own condition)")
    ap.add_argument("--query-timeout", type=float, default=5.0, help="the server's query timeout (started server)")
    ap.add_argument("--margin", type=float, default=10.0, help="seconds past the query timeout that count as a hang")
    ap.add_argument("--endpoint", help="host:port of a running server instead of starting one")
    ap.add_argument("--failures", default="fuzz-endpoint-failures", help="folder for offending requests")
    ap.add_argument("--json", help="also write the report here")
    args = ap.parse_args(argv)

    server = None
    if args.endpoint:
        host, port = args.endpoint.rsplit(":", 1)
        port_n = int(port)
    else:
        server = LiveServer(None, "--timeout", str(args.query_timeout), "--workers", str(args.workers),
                            "--threads", str(max(8, args.concurrency + 2)))
        host, port_n = server.host, server.port
    limit = args.query_timeout + args.margin
    seeds = seed_queries()
    statuses: Counter[str] = Counter()
    by_kind: dict[str, Counter[str]] = {}
    bad: list[tuple[str, Case, bytes]] = []
    titles: Counter[str] = Counter()  # of the 5xx and 422 (query over a limit) answers
    slowest = [0.0, ""]
    lock = threading.Lock()
    counter = iter(range(args.requests))
    probes_failed = 0

    def worker(index: int) -> None:
        rng = random.Random(args.seed * 1000 + index)
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            case = next_case(rng, seeds, f"{host}:{port_n}")
            status, seconds, head = send(host, port_n, case, limit)
            key = str(status)
            with lock:
                statuses[key] += 1
                by_kind.setdefault(case.kind, Counter())[key] += 1
                if seconds > slowest[0]:
                    slowest[:] = [seconds, case.kind]
                if status == "hang" or (isinstance(status, int) and status >= 500):
                    bad.append((key, case, head))
            if isinstance(status, int) and (status >= 500 or status == 422):
                if case.data.startswith(b"HEAD "):  # no body to tell why: ask again with GET
                    head = send(host, port_n, Case("get", b"GET " + case.data[5:]), limit)[2]
                with lock:
                    titles[f"{status} {title_of(head)}"] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(args.concurrency)]
    for t in threads:
        t.start()
    done_probes = 0
    while any(t.is_alive() for t in threads):
        time.sleep(1)
        total = sum(statuses.values())
        if total // 500 > done_probes:
            done_probes = total // 500
            status, _, _ = send(host, port_n, PROBE, limit)
            if status != 200:
                probes_failed += 1
            print(f"  {total} requests, {dict(statuses.most_common(8))}", file=sys.stderr, flush=True)
    wall = time.monotonic() - started
    final_probe = send(host, port_n, PROBE, limit)[0]
    alive = server.alive() if server else None
    if server is not None:
        server_log = "".join(server.log)
        server.stop()
    else:
        server_log = ""

    five = {k: v for k, v in statuses.items() if k.isdigit() and int(k) >= 500}
    report = {
        "requests": sum(statuses.values()),
        "seconds": round(wall, 1),
        "hang_limit_s": limit,
        "statuses": dict(sorted(statuses.items())),
        "responses_5xx": sum(five.values()),
        "responses_422_and_5xx_by_title": dict(sorted(titles.items())),
        "hangs": statuses.get("hang", 0),
        "probes_failed": probes_failed,
        "final_probe": final_probe,
        "server_alive_at_end": alive,
        "slowest_s": round(slowest[0], 2),
        "slowest_kind": slowest[1],
        "by_kind": {k: dict(sorted(v.items())) for k, v in sorted(by_kind.items())},
        "seed_queries": len(seeds),
        "server_tracebacks": server_log.count("Traceback"),
    }
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    if bad:
        out = Path(args.failures)
        out.mkdir(parents=True, exist_ok=True)
        for i, (key, case, head) in enumerate(bad[:50]):
            (out / f"{i:03}-{key}-{case.kind}.request").write_bytes(case.data[:2_000_000])
            (out / f"{i:03}-{key}-{case.kind}.response").write_bytes(head)
        print(f"{len(bad)} offending requests; the first {min(50, len(bad))} are in {out}/", file=sys.stderr)
    failed = bad or probes_failed or final_probe != 200 or alive is False
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
