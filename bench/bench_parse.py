"""Parse throughput of the table reader: the seed, and a generated ~50 MB corpus.

Run: ``python -P bench/bench_parse.py [--corpus bench/.cache/corpus-50MB-seed0] [--repeat 3]
[--json bench/out/parse.json]``. Prints a Markdown table (MB/s of table text, tables/s) with
the machine description and writes the same numbers as JSON when asked.

Rows:

* ``seed, warm``: the seed parsed again and again for ``--min-seconds`` (the reader's caches
  of cells, labels and target values stay filled between rounds, as in a long-running
  process that reads many documents of one template);
* ``seed, cold``: the same, but every cache is emptied before each round (a first parse);
* ``corpus, 1 process``: every file parsed once, caches emptied at the start;
* ``corpus, N processes``: the files shared out to a pool of ``--processes`` worker
  processes (each starts with empty caches); wall time, pool start-up included.

Each row is the best of ``--repeat`` runs. The corpus is ``--corpus DIR`` (its ``*.txt``),
else generated (``--megabytes``, ``--seed``) into ``--out`` or a temporary directory.
This is a script, not a test: numbers depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from importlib import resources
from pathlib import Path

from budgetkg.loader.reader import clear_caches, read_document
from budgetkg.synthetic import SEED_NAME, generate_corpus


def machine() -> dict[str, object]:
    return {
        "cpu_count": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }


def _count(path: Path) -> tuple[int, int]:
    doc = read_document(path)
    return len(doc.projects), len(doc.errors)


def _row(label: str, paths: list[Path], processes: int, seconds: float, rounds: int, tables: int,
         errors: int) -> dict[str, object]:
    size = sum(p.stat().st_size for p in paths)
    return {
        "input": label,
        "processes": processes,
        "files": len(paths),
        "megabytes": round(size / 1e6, 3),
        "tables": tables,
        "rounds": rounds,
        "seconds": round(seconds, 3),  # per round
        "mb_per_s": round(size / 1e6 / seconds, 2),
        "tables_per_s": round(tables / seconds, 1),
        "errors": errors,
    }


def bench(label: str, paths: list[Path], min_seconds: float, cold: bool) -> dict[str, object]:
    """One process: parse every file, repeating the set until ``min_seconds`` have passed;
    the fastest round counts. ``cold`` empties the reader's caches before each round."""
    best, rounds, elapsed = float("inf"), 0, 0.0
    tables = errors = 0
    while elapsed < min_seconds or rounds == 0:
        if cold:
            clear_caches()
        start = time.perf_counter()
        tables = errors = 0
        for p in paths:
            t, e = _count(p)
            tables += t
            errors += e
        took = time.perf_counter() - start
        best, elapsed, rounds = min(best, took), elapsed + took, rounds + 1
    return _row(label, paths, 1, best, rounds, tables, errors)


def bench_pool(label: str, paths: list[Path], processes: int) -> dict[str, object]:
    """``processes`` workers, each file parsed once; wall time including the pool start."""
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=processes, initializer=clear_caches) as pool:
        counts = list(pool.map(_count, paths, chunksize=4))
    took = time.perf_counter() - start
    return _row(label, paths, processes, took, 1, sum(t for t, _ in counts), sum(e for _, e in counts))


def best_of(n: int, run: Callable[[], dict[str, object]]) -> dict[str, object]:
    results = [run() for _ in range(n)]
    best = max(results, key=lambda r: r["mb_per_s"])  # type: ignore[arg-type, return-value]
    return {**best, "runs_mb_per_s": [r["mb_per_s"] for r in results]}


def markdown(rows: list[dict[str, object]], info: dict[str, object]) -> str:
    head = "| input | processes | files | MB | tables | MB/s | tables/s | s | errors | runs (MB/s) |"
    lines = [f"Machine: {info['cpu_count']} CPUs ({info['processor']}), {info['implementation']} "
             f"{info['python']}, {info['platform']}; load average {info['load_average']}", "", head,
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        runs = ", ".join(str(x) for x in r["runs_mb_per_s"])  # type: ignore[attr-defined]
        lines.append(f"| {r['input']} | {r['processes']} | {r['files']} | {r['megabytes']} | {r['tables']} | "
                     f"{r['mb_per_s']} | {r['tables_per_s']} | {r['seconds']} | {r['errors']} | {runs} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, help="parse the *.txt files of this folder (default: generate one)")
    ap.add_argument("--megabytes", type=float, default=50.0, help="size of the generated corpus (default 50)")
    ap.add_argument("--seed", type=int, default=0, help="generator seed number (default 0)")
    ap.add_argument("--out", type=Path, help="keep the generated corpus here, e.g. bench/out (default: a temp dir)")
    ap.add_argument("--min-seconds", type=float, default=2.0, help="repeat the seed until this long (default 2)")
    ap.add_argument("--processes", type=int, default=2, help="worker processes for the corpus (default 2; 1 = skip)")
    ap.add_argument("--repeat", type=int, default=3, help="best of this many runs per row (default 3)")
    ap.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = ap.parse_args(argv)

    seed_path = Path(str(resources.files("budgetkg") / "data" / SEED_NAME))
    rows = [best_of(args.repeat, lambda: bench("seed, warm caches, 1 process", [seed_path], args.min_seconds,
                                               cold=False)),
            best_of(args.repeat, lambda: bench("seed, cold caches, 1 process", [seed_path], args.min_seconds,
                                               cold=True))]
    gen_seconds = None
    with tempfile.TemporaryDirectory(prefix="budgetkg-bench-") as tmp:
        if args.corpus:
            paths, name = sorted(args.corpus.glob("*.txt")), str(args.corpus)
        else:
            start = time.perf_counter()
            paths = generate_corpus(args.out or Path(tmp), seed=args.seed, megabytes=args.megabytes)
            gen_seconds = time.perf_counter() - start
            name = f"synthetic {args.megabytes:g} MB (seed {args.seed})"
        rows.append(best_of(args.repeat, lambda: bench(f"{name}, 1 process", paths, 0.0, cold=True)))
        if args.processes > 1:
            rows.append(best_of(args.repeat, lambda: bench_pool(f"{name}, {args.processes} processes", paths,
                                                                 args.processes)))
    info = machine()
    print(markdown(rows, info))
    if gen_seconds is not None:
        print(f"\n(corpus generated in {gen_seconds:.1f} s)")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": info, "results": rows, "generate_seconds": gen_seconds},
                                        indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
