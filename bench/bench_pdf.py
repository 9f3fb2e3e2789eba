"""PDF reading speed: pages per second, one process and two.

Run: ``python -P bench/bench_pdf.py [--pages 40] [--repeat 3] [--json bench/out/pdf.json]``.
Builds a PDF of at least ``--pages`` pages from the seed's tables with the reportlab
fixture writer (``tests/pdf_fixtures.py``: ruled tables, merged cells, tables crossing
pages, page headers and numbers; the tables are drawn again until there are enough
pages), then times

* ``read_document``, 1 process: the whole file, best of ``--repeat``;
* the same split over 2 processes: two copies of the file read at once by a pool of two
  workers (the machine's two cores), pages per second of wall time, pool start-up
  included;
* where the time goes, one file: pdfminer's parse of the page content (``page.chars``),
  pdfplumber's table finder, and the rest (cells, lines, the template).

Needs ``pip install -e '.[test]'`` (pdfplumber, reportlab). A script, not a test: numbers
depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def build(pages: int, out: Path) -> tuple[Path, int]:
    import pdfplumber

    import pdf_fixtures as fx
    from budgetkg.loader.reader import read_document

    seed = read_document(ROOT / "budgetkg" / "data" / "000_aa5de0a37e870aea.txt")
    tables = fx.table_model(seed)
    n = len(tables)
    while True:
        pdf = fx.write_reportlab(tables[:n] if n <= len(tables) else (tables * (n // len(tables) + 1))[:n],
                                 out / "bench.pdf")
        with pdfplumber.open(pdf) as p:
            count = len(p.pages)
        if count >= pages:
            return pdf, count
        n += max(1, int(n * (pages - count) / count) + 1)


def _read(path: str) -> int:
    from budgetkg.loader.reader import read_document

    return len(read_document(path).projects)


def split(pdf: Path) -> dict[str, float]:
    import pdfplumber

    from budgetkg.loader.sources import pdf as src

    t0 = time.perf_counter()
    with pdfplumber.open(pdf) as p:
        for page in p.pages:
            page.chars
        t1 = time.perf_counter()
        for page in p.pages:
            page.find_tables(src.TABLE_SETTINGS)
    t2 = time.perf_counter()
    _read(str(pdf))
    t3 = time.perf_counter()
    return {"pdfminer_chars_s": t1 - t0, "find_tables_s": t2 - t1, "read_document_s": t3 - t2}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=40)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-pdf-"))
    try:
        pdf, pages = build(args.pages, tmp)
        one = min(_timed(lambda: _read(str(pdf))) for _ in range(args.repeat))
        cpu = min(_timed(lambda: _read(str(pdf)), time.process_time) for _ in range(args.repeat))
        copy = tmp / "bench2.pdf"
        shutil.copy(pdf, copy)
        two = min(_timed(lambda: _pool([str(pdf), str(copy)])) for _ in range(args.repeat))
        parts = split(pdf)
        result = {
            "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                        "processor": platform.processor() or platform.machine()},
            "pages": pages, "bytes": pdf.stat().st_size,
            "one_process_s": round(one, 2), "one_process_pages_per_s": round(pages / one, 1),
            "one_process_cpu_s": round(cpu, 2), "load_average": round(os.getloadavg()[0], 1),
            "two_processes_s": round(two, 2), "two_processes_pages_per_s": round(2 * pages / two, 1),
            **{k: round(v, 2) for k, v in parts.items()},
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"| PDF of {pages} pages ({result['bytes'] // 1024} KB) | seconds | pages/s |")
    print("|---|---:|---:|")
    print(f"| 1 process | {result['one_process_s']} | {result['one_process_pages_per_s']} |")
    print(f"| 1 process, CPU time | {result['one_process_cpu_s']} | "
          f"{round(pages / result['one_process_cpu_s'], 1)} |")
    print(f"| 2 processes (2 copies) | {result['two_processes_s']} | {result['two_processes_pages_per_s']} |")
    print(f"\nload average {result['load_average']} on {result['machine']['cpus']} CPUs; one file: pdfminer page parse {result['pdfminer_chars_s']} s, table finder "
          f"{result['find_tables_s']} s, whole read_document {result['read_document_s']} s")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")


def _timed(fn, clock=time.perf_counter) -> float:
    t = clock()
    fn()
    return clock() - t


def _pool(paths: list[str]) -> None:
    with ProcessPoolExecutor(2) as ex:
        list(ex.map(_read, paths))


if __name__ == "__main__":
    main()
