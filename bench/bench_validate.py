"""SHACL validation against conversion, CPU seconds, at three scales in one run.

    python bench/bench_validate.py [--scales seed,100k,1M] [--corpus-1m /work/corpora/1M]
                                   [--check N] [--out bench/results/validate.json]

Two passes per scale: convert only, then convert and validate (validation's own time and
its marginal cost: the second pass minus the first). For each document: read (not timed;
the seed once before, to warm the caches), convert (``document_graph`` and the
N-Triples, what ``budgetkg load`` does before validating), validate (``validate_graph``,
as ``process_document`` calls it). CPU time (``time.process_time``): the machine is shared.
The 1M corpus is /work/corpora/1M when present, else generated (bench/run.py's corpus).
``--check N``: also compare the results with plain pySHACL on the first N documents of
each scale (slow; tests/test_shacl_paths.py does the same on the seed and damaged copies).
"""

from __future__ import annotations

import argparse
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


def measure(paths: list[Path], check: int, validate: bool = True) -> dict[str, float | int | list[str]]:
    convert = validation = 0.0
    triples = findings = 0
    mismatches = []
    for i, path in enumerate(paths):
        doc = read_document(path)
        t0 = time.process_time()
        _name, graph = rdf.document_graph(doc, base=BASE)
        nt = ntriples(graph)
        t1 = time.process_time()
        convert += t1 - t0
        triples += len(graph)
        if not validate:
            continue
        result = validate_graph(graph, ntriples=nt, copy=i < check)
        validation += time.process_time() - t1
        findings += len(result.findings)
        if i < check and not _same_as_plain(graph, result):
            mismatches.append(path.name)
    return {"documents": len(paths), "triples": triples, "convert": convert, "validate": validation,
            "findings": findings, "mismatches": mismatches}


def compare(paths: list[Path], check: int) -> dict[str, object]:
    """Two passes: convert only, then convert + validate. Validation's cost is its own
    stage time and also its marginal cost (pass 2 minus pass 1): pausing or triggering the
    garbage collector in one stage shifts work into the next one."""
    alone = measure(paths, 0, validate=False)
    both = measure(paths, check)
    marginal = both["convert"] + both["validate"] - alone["convert"]  # type: ignore[operator]
    return {
        "documents": both["documents"],
        "triples": both["triples"],
        "convert_cpu_s": round(alone["convert"], 3),  # type: ignore[arg-type]
        "convert_cpu_s_with_validation": round(both["convert"], 3),  # type: ignore[arg-type]
        "validate_cpu_s": round(both["validate"], 3),  # type: ignore[arg-type]
        "validate_marginal_cpu_s": round(marginal, 3),
        "validate_over_convert": round(both["validate"] / alone["convert"], 3),  # type: ignore[operator]
        "findings": both["findings"],
        "checked_against_pyshacl": min(check, len(paths)),
        "mismatches": both["mismatches"],
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
        paths_measured = compare(paths, args.check)
        out[scale] = paths_measured
        print(scale, json.dumps(paths_measured), flush=True)
    out["pyshacl_imported"] = "pyshacl" in sys.modules
    print(json.dumps(out, indent=1))
    if args.out:
        args.out.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
