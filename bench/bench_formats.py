"""Read throughput of the office sources: the seed's 37 tables as Word, Excel and HTML.

Run: ``python -P bench/bench_formats.py [--repeat 5] [--json OUT]``. Renders the seed
(tests/render_tables.py) into a temporary folder once, then times, per format, the
source alone (file bytes -> Grid) and the whole reader (-> records), best of
``--repeat`` in CPU seconds of this one process, and prints a Markdown table: file size, MB/s of file bytes, tables/s.
This is a script, not a test: numbers depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

from budgetkg.loader.reader import clear_caches, parse_bytes, read_document
from budgetkg.loader.sources import read_grid

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import render_tables as R  # noqa: E402

FORMATS = ["docx", "xlsx", "xls", "html", "html-nocharset"]


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        clear_caches()
        t = time.process_time()  # CPU time: the machine is shared, wall time swings with its load
        fn()
        times.append(time.process_time() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    seed = Path(str(resources.files("budgetkg") / "data" / "000_aa5de0a37e870aea.txt"))
    doc = read_document(seed)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        files = {"text": seed}
        files |= {f: R.render(doc, f, Path(tmp) / f"seed{R.SUFFIX[f]}") for f in FORMATS}
        for fmt, path in files.items():
            data = path.read_bytes()
            grid_s = best(lambda: read_grid(data, str(path)), args.repeat)
            full_s = best(lambda: parse_bytes(data, str(path)), args.repeat)
            n = len(parse_bytes(data, str(path)).projects)
            mb = len(data) / 1e6
            rows.append({"format": fmt, "bytes": len(data), "tables": n, "source_s": grid_s,
                         "reader_s": full_s, "source_mb_s": mb / grid_s, "reader_mb_s": mb / full_s,
                         "tables_per_s": n / full_s})
    print("| format | file | tables | source alone | whole reader | tables/s |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['format']} | {r['bytes'] / 1e3:.0f} kB | {r['tables']} | {r['source_s'] * 1e3:.0f} ms "
              f"({r['source_mb_s']:.2f} MB/s) | {r['reader_s'] * 1e3:.0f} ms ({r['reader_mb_s']:.2f} MB/s) "
              f"| {r['tables_per_s']:.0f} |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
