"""Loader fuzzing, the long run: N mutated real tables through the reader (and the RDF
converter), counting unhandled exceptions and broken promises.

A script, not a test: the suite runs the same property (tests/test_reader_fuzz.py)
on 150 cases. The mutations and the oracle are tests/reader_mutations.py: whole
tables of the seed with cells and lines dropped, duplicated, swapped and shifted,
files cut, re-encoded (GB18030, UTF-8 with BOM, CRLF, CR), junk bytes and control
characters. Every case is checked: no exception, every non-blank line accounted for
(record + boilerplate + rejected), every rejected line named by a problem with file
and line. With --convert the documents also go through the RDF converter, where only
ConversionError (a ValueError with the file name) may come out.

    python -P bench/fuzz_loader.py --cases 10000
    python -P bench/fuzz_loader.py --cases 2000 --convert --seed 7

Runs the cases with hypothesis in generate-only mode (no shrinking, no example
database), so one failure does not stop the count. Exit status 1 when any case failed;
the first failing inputs are written to --failures (a folder) for replay.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402

from budgetkg.loader.reader import parse_bytes  # noqa: E402
from reader_mutations import check_document, mutants  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=0, help="hypothesis seed (same seed, same cases)")
    ap.add_argument("--convert", action="store_true", help="also convert each document to RDF")
    ap.add_argument("--failures", default="fuzz-failures", help="folder for the first failing inputs")
    args = ap.parse_args(argv)

    stats: Counter[str] = Counter()
    line_counts: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    slowest = [0.0, b""]
    failures: list[tuple[str, bytes]] = []

    def record_failure(what: str, data: bytes) -> None:
        if len(failures) < 20:
            failures.append((what, data))

    @settings(max_examples=args.cases, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(mutants())
    @seed(args.seed)
    def one_case(data: bytes) -> None:
        stats["cases"] += 1
        started = time.perf_counter()
        try:
            doc = parse_bytes(data, source="mutant.txt")
        except Exception:
            stats["unhandled"] += 1
            record_failure("unhandled exception\n" + traceback.format_exc(), data)
            return
        elapsed = time.perf_counter() - started
        if elapsed > slowest[0]:
            slowest[:] = [elapsed, data]
        bad = check_document(doc, data, "mutant.txt")
        if bad:
            stats["broken"] += 1
            if any("not accounted" in b or "do not add up" in b for b in bad):
                stats["unaccounted"] += 1
            if any("rejected without" in b for b in bad):
                stats["rejected_unnamed"] += 1
            record_failure("\n".join(bad), data)
        kinds[doc.encoding] += 1
        stats["projects"] += len(doc.projects)
        for e in doc.lines:
            line_counts[e.status] += 1
        stats["problems"] += len(doc.problems)
        if args.convert and doc.encoding != "unknown":
            from budgetkg.loader.rdf import ConversionError, document_graph

            try:
                document_graph(doc)
                stats["converted"] += 1
            except ConversionError:
                stats["conversion_refused"] += 1  # e.g. no fiscal year: said with the file name
            except Exception:
                stats["unhandled"] += 1
                stats["unhandled_in_converter"] += 1
                record_failure("unhandled exception in the converter\n" + traceback.format_exc(), data)

    started = time.monotonic()
    one_case()
    wall = time.monotonic() - started
    report = {
        "cases": stats["cases"],
        "unhandled_exceptions": stats["unhandled"],
        "unaccounted_cases": stats["unaccounted"],
        "rejected_without_problem": stats["rejected_unnamed"],
        "cases_with_any_broken_check": stats["broken"],
        "lines": dict(line_counts),
        "projects_read": stats["projects"],
        "problems_reported": stats["problems"],
        "decoded_as": dict(kinds),
        "converted": stats["converted"] if args.convert else None,
        "conversion_refused": stats["conversion_refused"] if args.convert else None,
        "seconds": round(wall, 1),
        "slowest_case_ms": round(slowest[0] * 1000, 1),
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if failures:
        out = Path(args.failures)
        out.mkdir(parents=True, exist_ok=True)
        for i, (what, data) in enumerate(failures):
            (out / f"case{i}.txt").write_bytes(data)
            (out / f"case{i}.why").write_text(what, encoding="utf-8")
        print(f"first {len(failures)} failing inputs written to {out}/", file=sys.stderr)
    return 1 if stats["unhandled"] or stats["broken"] else 0


if __name__ == "__main__":
    sys.exit(main())
