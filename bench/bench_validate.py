"""SHACL validation against conversion, CPU seconds, at three scales in one run.

    python bench/bench_validate.py [--scales seed,100k,1M] [--corpus-1m /work/corpora/1M]
                                   [--check N] [--out bench/results/validate.json]

For each document: read (not timed; the seed once before, to warm the caches), convert (``document_graph`` and the N-Triples, what
``budgetkg load`` does before validating), validate (``validate_graph``, as
``process_document`` calls it). CPU time (``time.process_time``): the machine is shared.
The 1M corpus is /work/corpora/1M when present, else generated (bench/run.py's corpus).
``--check N``: also compare the results with plain pySHACL on the first N documents of
each scale (slow; tests/test_shacl_paths.py does the same on the seed and damaged copies).
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import BASE, corpus  # noqa: E402

from budgetkg.loader import rdf  # noqa: E402
from budgetkg.loader.memgraph import ntriples  # noqa: E402
from budgetkg.loader.reader import read_document  # noqa: E402
from budgetkg.loader.shacl import cached_plan  # noqa: E402
from budgetkg.loader.validate import validate_graph  # noqa: E402


def measure(paths: list[Path], check: int) -> dict[str, object]:
    convert = validate = 0.0
    triples = findings = 0
    mismatches = []
    for i, path in enumerate(paths):
        doc = read_document(path)
        gc.collect()  # each stage pays for its own garbage, not for the one before
        t0 = time.process_time()
        _name, graph = rdf.document_graph(doc, base=BASE)
        nt = ntriples(graph)
        gc.collect()
        t1 = time.process_time()
        result = validate_graph(graph, ntriples=nt, copy=i < check)
        t2 = time.process_time()
        convert += t1 - t0
        validate += t2 - t1
        triples += len(graph)
        findings += len(result.findings)
        if i < check and not _same_as_plain(graph, result):
            mismatches.append(path.name)
    return {
        "documents": len(paths),
        "triples": triples,
        "convert_cpu_s": round(convert, 3),
        "validate_cpu_s": round(validate, 3),
        "validate_over_convert": round(validate / convert, 3) if convert else None,
        "findings": findings,
        "checked_against_pyshacl": min(check, len(paths)),
        "mismatches": mismatches,
    }


def _same_as_plain(graph, result) -> bool:
    sys.path.insert(0, str(HERE.parent / "tests"))
    from test_shacl_paths import plain_pyshacl, results

    conforms, plain = plain_pyshacl(graph)
    return conforms == result.conforms and results(result.report) == plain


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", default="seed,100k,1M")
    ap.add_argument("--corpus-1m", type=Path, default=Path("/work/corpora/1M"))
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--check", type=int, default=0)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    t = time.process_time()
    plan = cached_plan()
    import_s = time.process_time() - t
    print(f"plan: {len(plan.shapes)} shapes set-based, {len(plan.checks)} SPARQL checks, "
          f"pySHACL needed: {plan.needs_pyshacl} ({import_s:.3f} CPU-s)", flush=True)
    out: dict[str, object] = {"plan_cpu_s": round(import_s, 3), "pyshacl_needed": plan.needs_pyshacl}
    for scale in args.scales.split(","):
        if scale == "1M" and args.corpus_1m.is_dir():
            paths = sorted(args.corpus_1m.glob("*.txt"))
        else:
            paths = corpus(scale, args.seed)
        if scale == "seed":
            measure(paths, 0)  # warm: the first document of a process pays for caches
        paths_measured = measure(paths, args.check)
        out[scale] = paths_measured
        print(scale, json.dumps(paths_measured), flush=True)
    out["pyshacl_imported"] = "pyshacl" in sys.modules
    print(json.dumps(out, indent=1))
    if args.out:
        args.out.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
