"""Faults: SIGKILL `budgetkg load` at random moments; every document must stay whole.

A script, not a test (tests/test_kill_loads.py does 3 kills on a small corpus). Writes
a corpus with `budgetkg generate` (old versions, --seed-old) and a second one
(new versions, --seed-new) under the same file names, then repeats: copy the store
holding the old versions, start `budgetkg load` of the new versions, SIGKILL it (and
its worker processes) at a random moment, start `budgetkg serve` on the store (which
finishes or undoes the interrupted load), query it, and compare every graph with the
expected old and new ones (tests/kill_harness.py).

    python -P bench/kill_loads.py --kills 50
    python -P bench/kill_loads.py --kills 10 --years 2021,2022 --no-validate

Reports rounds, how many loads were killed mid-way, documents found old / new /
mixed, and inconsistent rounds (exit status 1 if any).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from kill_harness import BUDGETKG, KillHarness, Result  # noqa: E402


def generated(folder: Path, seed: int, years: str) -> list[bytes]:
    subprocess.run([*BUDGETKG, "generate", str(folder), "--seed", str(seed), "--years", years],
                   check=True, capture_output=True)
    return [p.read_bytes() for p in sorted(folder.glob("*.txt"))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kills", type=int, default=50, help="rounds whose load was killed mid-way (rounds "
                    "where the load finished before the kill are checked too, and not counted)")
    ap.add_argument("--seed", type=int, default=0, help="random seed of the kill moments")
    ap.add_argument("--seed-old", type=int, default=1)
    ap.add_argument("--seed-new", type=int, default=2)
    ap.add_argument("--years", default="2021,2022,2023", help="one generated document per year")
    ap.add_argument("--no-validate", action="store_true", help="pass --no-validate to the loads")
    ap.add_argument("--json", help="also write the report here")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="budgetkg-kills-") as tmp:
        root = Path(tmp)
        old = generated(root / "gen-old", args.seed_old, args.years)
        new = generated(root / "gen-new", args.seed_new, args.years)
        n = min(len(old), len(new))
        harness = KillHarness(root / "run", old[:n], new[:n], ("--no-validate",) if args.no_validate else ())
        result = Result(full_load_s=round(harness.full_load_s, 1))
        while result.killed < args.kills and result.rounds < 3 * args.kills:
            harness.one_round(rng, result)
            print(f"  round {result.rounds}: killed {result.killed}, finished first {result.finished_first}, "
                  f"documents {dict(result.documents)}, inconsistent {result.inconsistent}", file=sys.stderr, flush=True)
    report = {
        "rounds": result.rounds,
        "documents_per_round": n,
        "killed_mid_load": result.killed,
        "load_finished_before_kill": result.finished_first,
        "documents": dict(result.documents),
        "inconsistent_rounds": result.inconsistent,
        "serve_failures": result.serve_failures,
        "full_load_s": result.full_load_s,
        "kill_times_s": sorted(result.kill_times),
        "problems": result.problems[:20],
        "seconds": round(time.monotonic() - started, 1),
    }
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    return 1 if result.inconsistent else 0


if __name__ == "__main__":
    sys.exit(main())
