"""Benchmark: rdflib's default store vs pyoxigraph (in memory and on disk).

A script, not a test. Builds a synthetic graph shaped like budgetkg's (project-years
with 8 fund amounts and 20-30 indicators of about 9 triples each; project and
indicator names recur across projects and years), loads it into each engine and times
four queries:

  a  count indicators per level-2 category
  b  indicator names used by at least 3 projects
  c  the same project name in two consecutive years, with both totals
  d  one project's indicators (a point lookup)

    python bench/bench_store.py                      # 1M triples, all engines
    python bench/bench_store.py --triples 100000 --engines oxigraph-disk

Prints a Markdown table (docs/performance.md keeps the numbers). rdflib cannot cancel
a query: one that runs past --timeout is reported as "> timeout" and left running in a
background thread, so rdflib goes last and its slow query c last of all.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator

BK = "https://budgetkg.example.org/bench#"
ID = "https://budgetkg.example.org/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LEVEL2 = ("11", "12", "13", "14", "21", "22", "23", "24", "31")
FUNDS = ("total", "annual", "own", "transfer", "fiscal", "other", "carryover", "central")

QUERIES: dict[str, str] = {
    "a": f"""PREFIX bk: <{BK}>
SELECT ?level2 (COUNT(?i) AS ?n) WHERE {{ ?i a bk:Indicator ; bk:level2 ?level2 }} GROUP BY ?level2""",
    "b": f"""PREFIX bk: <{BK}>
SELECT ?name (COUNT(DISTINCT ?p) AS ?projects) WHERE {{ ?p bk:indicator ?i . ?i bk:name ?name }}
GROUP BY ?name HAVING (COUNT(DISTINCT ?p) >= 3)""",
    "c": f"""PREFIX bk: <{BK}>
SELECT ?name ?y1 ?t1 ?t2 WHERE {{
  ?p1 a bk:Project ; bk:name ?name ; bk:year ?y1 ; bk:total ?t1 .
  ?p2 a bk:Project ; bk:name ?name ; bk:year ?y2 ; bk:total ?t2 .
  FILTER(?y2 = ?y1 + 1) }}""",
    "d": f"""PREFIX bk: <{BK}>
SELECT ?i ?name ?value WHERE {{ <{ID}project/17> bk:indicator ?i . ?i bk:name ?name ; bk:value ?value }}""",
}


def _lit(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def synthetic_ntriples(triples: int, seed: int = 0) -> Iterator[str]:
    """N-Triples lines of about ``triples`` triples (whole project-years)."""
    rnd = random.Random(seed)
    project_names = [f"项目{n}号 职业技能提升" for n in range(max(triples // 1500, 10))]
    indicator_names = [f"指标{n} 培训合格率" for n in range(400)]
    written = 0
    p = 0
    while written < triples:
        proj = f"<{ID}project/{p}>"
        year = 2019 + p % 4
        name = project_names[(p // 4) % len(project_names)] if rnd.random() < 0.8 else rnd.choice(project_names)
        lines = [
            f"{proj} <{RDF_TYPE}> <{BK}Project> .",
            f"{proj} <{BK}name> {_lit(name)}@zh .",
            f"{proj} <{BK}year> \"{year}\"^^<{XSD}integer> .",
            f"{proj} <{BK}total> \"{rnd.randint(1, 99999) / 100}\"^^<{XSD}decimal> .",
            f"{proj} <{BK}unit> <{ID}unit/{rnd.randint(1, 40)}> .",
        ]
        for f in FUNDS:
            amount = f"<{ID}project/{p}/amount/{f}>"
            lines += [
                f"{proj} <{BK}amount> {amount} .",
                f"{amount} <{BK}fund> <{BK}{f}> .",
                f"{amount} <{BK}value> \"{rnd.randint(0, 99999) / 100}\"^^<{XSD}decimal> .",
            ]
        for k in range(rnd.randint(20, 30)):
            ind = f"<{ID}project/{p}/indicator/{k}>"
            level2 = rnd.choice(LEVEL2)
            lines += [
                f"{proj} <{BK}indicator> {ind} .",
                f"{ind} <{RDF_TYPE}> <{BK}Indicator> .",
                f"{ind} <{BK}level1> \"{level2[0]}\" .",
                f"{ind} <{BK}level2> \"{level2}\" .",
                f"{ind} <{BK}name> {_lit(rnd.choice(indicator_names))}@zh .",
                f"{ind} <{BK}value> {_lit('≥' + str(rnd.randint(50, 100)) + '%')} .",
                f"{ind} <{BK}number> \"{rnd.randint(1, 1000)}\"^^<{XSD}decimal> .",
                f"{ind} <{BK}unit> {_lit('%')} .",
                f"{ind} <{BK}row> \"{k + 1}\"^^<{XSD}integer> .",
            ]
        written += len(lines)
        p += 1
        yield from lines


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def with_timeout(fn: Callable[[], object], timeout: float, repeat: int) -> float | None:
    """Median seconds, or None if one run took longer than ``timeout``."""
    result: dict[str, float] = {}
    thread = threading.Thread(target=lambda: result.setdefault("t", timed(fn, repeat)), daemon=True)
    thread.start()
    thread.join(timeout * repeat)
    return result.get("t")


def bench_oxigraph(data: bytes, on_disk: bool, repeat: int, timeout: float) -> dict[str, object]:
    import pyoxigraph as ox

    tmp = tempfile.mkdtemp(prefix="bench-ox-") if on_disk else None
    store = ox.Store(tmp) if tmp else ox.Store()
    started = time.perf_counter()
    store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
    row: dict[str, object] = {"load": time.perf_counter() - started, "triples": len(store)}
    for name, q in QUERIES.items():
        row[name] = with_timeout(lambda q=q: list(store.query(q)), timeout, repeat)
    return row


def bench_rdflib(data: bytes, repeat: int, timeout: float) -> dict[str, object]:
    import rdflib

    g = rdflib.Graph()
    started = time.perf_counter()
    g.parse(data=data, format="nt")
    row: dict[str, object] = {"load": time.perf_counter() - started, "triples": len(g)}
    for name in sorted(QUERIES, key=lambda n: n == "c"):  # c last: it may never end
        q = QUERIES[name]
        row[name] = with_timeout(lambda q=q: list(g.query(q)), timeout, repeat)
    return row


def fmt_seconds(value: object, timeout: float) -> str:
    if value is None:
        return f"> {timeout:g} s"
    assert isinstance(value, float)
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--engines", default="oxigraph-memory,oxigraph-disk,rdflib")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per query run")
    parser.add_argument("--no-header", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    engines = args.engines.split(",")
    if not args.no_header:
        print(f"# {args.triples} triples; python {sys.version.split()[0]}, {os.cpu_count()} cores; "
              f"medians of {args.repeat} runs")
        print("| engine | triples | load | peak RSS | a | b | c | d |")
        print("|---|---|---|---|---|---|---|---|", flush=True)
    if len(engines) > 1:
        # One process per engine, so that each peak memory figure is its own.
        for engine in engines:
            subprocess.run([sys.executable, __file__, "--engines", engine, "--triples", str(args.triples),
                            "--repeat", str(args.repeat), "--timeout", str(args.timeout), "--no-header"],
                           check=False)
        return
    data = ("\n".join(synthetic_ntriples(args.triples)) + "\n").encode("utf-8")
    for engine in engines:
        gc.collect()
        if engine == "oxigraph-memory":
            row = bench_oxigraph(data, False, args.repeat, args.timeout)
        elif engine == "oxigraph-disk":
            row = bench_oxigraph(data, True, args.repeat, args.timeout)
        elif engine == "rdflib":
            row = bench_rdflib(data, args.repeat, args.timeout)
        else:
            parser.error(f"unknown engine {engine}")
        cells = [fmt_seconds(row[k], args.timeout) for k in ("a", "b", "c", "d")]
        print(f"| {engine} | {row['triples']} | {fmt_seconds(row['load'], args.timeout)} "
              f"| {peak_rss_mb():.0f} MB | " + " | ".join(cells) + " |", flush=True)
    os._exit(0)  # do not wait for an rdflib query still running in its thread


if __name__ == "__main__":
    main()
