"""Parse throughput of the table reader: the seed, and a generated ~50 MB corpus.

Run: ``python bench/bench_parse.py [--megabytes 50] [--json bench/out/parse.json]``.
Prints a Markdown table (MB/s of table text, tables/s) with the machine description and
writes the same numbers as JSON when asked. The corpus is generated into ``bench/out/``
(git-ignored) with ``--out bench/out``, else into a temporary directory removed afterwards.
This is a script, not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

from budgetkg.loader.reader import read_document
from budgetkg.synthetic import SEED_NAME, generate_corpus

def machine() -> dict[str, object]:
    return {
        "cpu_count": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
    }


def bench(label: str, paths: list[Path], min_seconds: float) -> dict[str, object]:
    """Parse every file (repeating the whole set until ``min_seconds`` have passed)."""
    size = sum(p.stat().st_size for p in paths)
    rounds, tables, errors, elapsed = 0, 0, 0, 0.0
    while elapsed < min_seconds or rounds == 0:
        start = time.perf_counter()
        for p in paths:
            doc = read_document(p)
            tables += len(doc.projects)
            errors += len(doc.errors)
        elapsed += time.perf_counter() - start
        rounds += 1
    return {
        "input": label,
        "files": len(paths),
        "megabytes": round(size / 1e6, 3),
        "tables": tables // rounds,
        "rounds": rounds,
        "seconds": round(elapsed, 3),
        "mb_per_s": round(size * rounds / 1e6 / elapsed, 2),
        "tables_per_s": round(tables / elapsed, 1),
        "errors": errors // rounds,
    }


def corpus(out: Path, megabytes: float, seed: int) -> tuple[list[Path], float]:
    start = time.perf_counter()
    paths = generate_corpus(out, seed=seed, megabytes=megabytes)
    return paths, time.perf_counter() - start


def markdown(rows: list[dict[str, object]], info: dict[str, object]) -> str:
    head = "| input | files | MB | tables | MB/s | tables/s | seconds | errors |"
    lines = [f"Machine: {info['cpu_count']} CPUs ({info['processor']}), {info['implementation']} "
             f"{info['python']}, {info['platform']}", "", head, "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['input']} | {r['files']} | {r['megabytes']} | {r['tables']} | {r['mb_per_s']} | "
                     f"{r['tables_per_s']} | {r['seconds']} | {r['errors']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--megabytes", type=float, default=50.0, help="size of the generated corpus (default 50)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, help="keep the corpus here, e.g. bench/out (default: a temp dir)")
    ap.add_argument("--min-seconds", type=float, default=2.0, help="repeat the seed until this long (default 2)")
    ap.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = ap.parse_args(argv)

    seed_path = Path(str(resources.files("budgetkg") / "data" / SEED_NAME))
    rows = [bench("seed", [seed_path], args.min_seconds)]
    with tempfile.TemporaryDirectory(prefix="budgetkg-bench-") as tmp:
        paths, gen_seconds = corpus(args.out or Path(tmp), args.megabytes, args.seed)
        rows.append(bench(f"synthetic {args.megabytes:g} MB (seed {args.seed})", paths, 0.0))
    info = machine()
    print(markdown(rows, info))
    print(f"\n(corpus generated in {gen_seconds:.1f} s)")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": info, "results": rows, "generate_seconds": gen_seconds},
                                        indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
