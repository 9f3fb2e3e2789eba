"""The load targets of issue #21, measured as a user runs `budgetkg load` (a subprocess).

    python -P bench/bench_load.py seed                      # the seed into a fresh folder
    python -P bench/bench_load.py corpus /work/corpora/1M   # a folder end to end, by stage
    python -P bench/bench_load.py add DATA_DIR              # one new seed-sized document
    python -P bench/bench_load.py all /work/corpora/1M      # the three (add: into the corpus' store)

Targets: (a) the seed (37 tables, 17.5k triples) into a fresh folder <= 0.5 s wall;
(b) 10M triples end to end (parse -> RDF -> SHACL -> store) <= 5 min, 30M <= 30 min and
<= 6 GiB peak RSS, cost per triple within 1.5x of the 1M figure; (c) one seed-sized
document added to a 10M store <= 5 s, dump included (its VoID size and SHA-256 true).

The machine is shared: every figure comes with the CPU time of the process tree (user +
system, from wait4) and the load average before and after; compare CPU, and wall only
within one run. ``seed`` uses hyperfine (apt: hyperfine) when installed, else repeats
the subprocess itself. ``corpus`` samples the peak RSS of the whole process tree (the
loader and its workers) from /proc, and reads the stage figures from the summary line.
Python's bytecode cache is allowed (PYTHONDONTWRITEBYTECODE unset), as after `pip install`.
Results: printed, and appended as one JSON line to bench/results/load.jsonl (--no-save).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # python -P keeps the script's folder off the path
    sys.path.insert(0, str(HERE))
import proctree  # noqa: E402 - bench/proctree.py: a process tree's pids and memory

SEED = HERE.parent / "budgetkg" / "data" / "000_aa5de0a37e870aea.txt"
# the installed script, as a user types it (else the same entry point through -c)
_SCRIPT = shutil.which("budgetkg", path=str(Path(sys.executable).parent))
BUDGETKG = [_SCRIPT] if _SCRIPT else [sys.executable, "-c", "from budgetkg.cli import run; run()"]
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
STAGES = re.compile(r"worker CPU s: ([^)]*)\)")
COUNTS = re.compile(r"(\d+) documents .*?: (\d+) tables, (\d+) triples")


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def run(args: list[str], sample: bool = False) -> dict[str, Any]:
    """Run ``budgetkg ARGS``: wall, CPU of the tree (wait4), peak RSS of the tree (sampled)."""
    before = loadavg()
    started = time.perf_counter()
    proc = subprocess.Popen([*BUDGETKG, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV, text=True)
    peak = 0
    stop = threading.Event()

    def sampler() -> None:
        nonlocal peak
        while not stop.wait(0.2):
            peak = max(peak, sum(proctree.rss(p) for p in proctree.tree(proc.pid)))

    thread = threading.Thread(target=sampler, daemon=True)
    if sample:
        thread.start()
    out_box: dict[str, str] = {}
    reader = threading.Thread(target=lambda: out_box.update(out=proc.stdout.read(), err=proc.stderr.read()))  # type: ignore[union-attr]
    reader.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    stop.set()
    reader.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"budgetkg {' '.join(args)} failed ({proc.returncode}):\n{out_box.get('err', '')[-2000:]}")
    result: dict[str, Any] = {
        "wall_s": round(wall, 3), "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
        "loadavg_before": before, "loadavg_after": loadavg(),
    }
    if sample:
        result["peak_rss_tree_mib"] = round(peak / 2**20, 1)
    summary = out_box.get("out", "")
    if m := COUNTS.search(summary):
        result.update(documents=int(m.group(1)), tables=int(m.group(2)), triples=int(m.group(3)))
    if m := STAGES.search(summary):
        result["stages_s"] = {k: float(v) for k, v in (part.strip().rsplit(" ", 1) for part in m.group(1).split(","))}
    return result


def dump_is_true(data_dir: Path) -> bool:
    """The dump's record (what VoID states) gives the file's true size, SHA-256 and quads.
    Streamed: this process stays small (a child forked from it starts with its RSS)."""
    path = data_dir / "dumps" / "budgetkg.nq.gz"
    meta = json.loads((data_dir / "dumps" / "budgetkg.nq.gz.json").read_text())
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    lines = 0
    with gzip.open(path, "rb") as gz:
        for block in iter(lambda: gz.read(1 << 20), b""):
            lines += block.count(b"\n")
    return (meta["size"], meta["sha256"], meta["quads"]) == (path.stat().st_size, digest.hexdigest(), lines)


def bench_seed(runs: int) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="bench-seed-"))
    folder = tmp / "data"
    cmd = [*BUDGETKG, "load", "--data-dir", str(folder), str(SEED)]
    out: dict[str, Any] = {"loadavg_before": loadavg()}
    try:
        subprocess.run(cmd, env=ENV, capture_output=True, check=False)  # bytecode cache warm
        if shutil.which("hyperfine"):
            report = tmp / "hf.json"
            subprocess.run(["hyperfine", "-N", "-w", "2", "-r", str(runs), "--prepare", f"rm -rf {folder}",
                            "-i", "--export-json", str(report), " ".join(f"'{c}'" for c in cmd)],
                           env=ENV, check=True, capture_output=True)
            r = json.loads(report.read_text())["results"][0]
            out.update(tool="hyperfine", runs=len(r["times"]), wall_mean_s=round(r["mean"], 3),
                       wall_median_s=round(r["median"], 3), wall_min_s=round(r["min"], 3),
                       cpu_mean_s=round(r["user"] + r["system"], 3))
        else:
            walls, cpus = [], []
            for _ in range(runs):
                shutil.rmtree(folder, ignore_errors=True)
                r = run(["load", "--data-dir", str(folder), str(SEED)])
                walls.append(r["wall_s"])
                cpus.append(r["cpu_s"])
            out.update(tool="subprocess", runs=runs, wall_mean_s=round(statistics.mean(walls), 3),
                       wall_median_s=round(statistics.median(walls), 3), wall_min_s=min(walls),
                       cpu_mean_s=round(statistics.mean(cpus), 3))
        out["target"] = "wall <= 0.5 s"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    out["loadavg_after"] = loadavg()
    return out


def bench_corpus(corpus: Path, data_dir: Path, extra: list[str]) -> dict[str, Any]:
    shutil.rmtree(data_dir, ignore_errors=True)
    r = run(["load", "--data-dir", str(data_dir), *extra, str(corpus)], sample=True)
    r["corpus"] = str(corpus)
    if r.get("triples"):
        r["cpu_s_per_1M_triples"] = round(r["cpu_s"] / r["triples"] * 1e6, 2)
        r["wall_s_per_1M_triples"] = round(r["wall_s"] / r["triples"] * 1e6, 2)
    r["dump_true"] = dump_is_true(data_dir)
    r["store_mib"] = round(sum(f.stat().st_size for f in (data_dir / "oxigraph").rglob("*") if f.is_file()) / 2**20, 1)
    return r


def bench_add(data_dir: Path, runs: int) -> dict[str, Any]:
    """New seed-sized documents (generated: 37 tables, none in the store) added one by one."""
    from budgetkg.synthetic.document import generate_document

    tmp = Path(tempfile.mkdtemp(prefix="bench-add-"))
    rows = []
    try:
        for i in range(runs):
            doc = tmp / f"added_{i}.txt"
            doc.write_text(generate_document(900_000 + int(time.time()) % 100_000 + i, tables=37).text, encoding="utf-8")
            r = run(["load", "--data-dir", str(data_dir), str(doc)], sample=True)
            r["dump_true"] = dump_is_true(data_dir)
            rows.append(r)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {"runs": rows, "wall_median_s": statistics.median(r["wall_s"] for r in rows),
            "cpu_median_s": statistics.median(r["cpu_s"] for r in rows), "target": "wall <= 5 s (10M store)"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=["seed", "corpus", "add", "all"])
    ap.add_argument("path", nargs="?", help="corpus folder (corpus, all) or data folder (add)")
    ap.add_argument("--data-dir", type=Path, help="where the corpus' store goes [default: a temporary folder]")
    ap.add_argument("--runs", type=int, default=10, help="seed runs (hyperfine -r) [10]; add: documents [3]")
    ap.add_argument("--keep", action="store_true", help="keep the corpus' store")
    ap.add_argument("--no-validate", action="store_true", help="corpus: load with --no-validate")
    ap.add_argument("--no-save", action="store_true")
    args = ap.parse_args()
    record: dict[str, Any] = {"at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), "cores": os.cpu_count()}
    if args.what in ("seed", "all"):
        record["seed"] = bench_seed(args.runs)
        print("seed:", json.dumps(record["seed"]), flush=True)
    if args.what in ("corpus", "all"):
        if not args.path:
            ap.error("give the corpus folder")
        data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="bench-corpus-")) / "data"
        extra = ["--no-validate"] if args.no_validate else []
        record["corpus"] = bench_corpus(Path(args.path), data_dir, extra)
        print("corpus:", json.dumps(record["corpus"]), flush=True)
        if args.what == "all":
            record["add"] = bench_add(data_dir, min(args.runs, 3))
            print("add:", json.dumps(record["add"]), flush=True)
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
    if args.what == "add":
        if not args.path:
            ap.error("give the data folder of an existing store")
        record["add"] = bench_add(Path(args.path), min(args.runs, 3))
        print("add:", json.dumps(record["add"]), flush=True)
    if not args.no_save:
        with open(HERE / "results" / "load.jsonl", "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
