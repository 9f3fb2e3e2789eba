"""Conversion cost (records -> rdflib graph -> N-Triples), now against an earlier commit.

    python -P bench/bench_convert.py [--ref main] [--docs 10] [--reps 3] [FILE ...]

Parses the files once (default: the seed and the first ``--docs`` files of
/work/corpora/1M), then converts each with this checkout's ``loader/memgraph.py`` and with
``--ref``'s (loaded from git next to it), alternating, and prints CPU seconds per document
and µs per triple of ``document_graph`` and of ``ntriples``, plus whether both give the
same N-Triples bytes. Only ``memgraph.py`` is swapped: compare refs that differ there.
"""

from __future__ import annotations

import argparse
import gc
import glob
import importlib.util
import subprocess
import sys
import time
from pathlib import Path

from budgetkg.documents import seed_path
from budgetkg.loader import memgraph, rdf
from budgetkg.loader.reader import read_document

ROOT = Path(__file__).resolve().parent.parent


def ref_memgraph(ref: str):
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{ref}:loader/memgraph.py"],
                            check=True, capture_output=True, text=True).stdout
    spec = importlib.util.spec_from_loader("budgetkg.loader._memgraph_ref", loader=None)
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "budgetkg.loader"
    exec(compile(source, f"{ref}:loader/memgraph.py", "exec"), module.__dict__)
    return module


def run(docs, module) -> tuple[float, float, int, list[bytes]]:
    rdf.graph_of, rdf.BulkMemory = module.graph_of, module.BulkMemory
    clock = time.process_time
    build = write = 0.0
    triples, out = 0, []
    for doc in docs:
        t0 = clock()
        _, g = rdf.document_graph(doc)
        t1 = clock()
        nt = module.ntriples(g)
        t2 = clock()
        build, write, triples = build + t1 - t0, write + t2 - t1, triples + len(g)
        out.append(nt)
        del g
    gc.collect()
    return build, write, triples, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ref", default="main")
    ap.add_argument("--docs", type=int, default=10)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()
    files = a.files or [str(seed_path())] + sorted(glob.glob("/work/corpora/1M/*.txt"))[: a.docs]
    docs = [read_document(f) for f in files]
    versions = {a.ref: ref_memgraph(a.ref), "now": memgraph}
    best: dict[str, tuple[float, float, int]] = {}
    outputs: dict[str, list[bytes]] = {}
    for _ in range(a.reps):
        for name, module in versions.items():
            build, write, n, outputs[name] = run(docs, module)
            if name not in best or build + write < sum(best[name][:2]):
                best[name] = (build, write, n)
    print(f"{len(docs)} documents, best of {a.reps} (CPU s)")
    for name, (build, write, n) in best.items():
        print(f"{name:>6}: document_graph {build:.3f} s ({build / n * 1e6:.2f} µs/triple), "
              f"ntriples {write:.3f} s ({write / n * 1e6:.2f} µs/triple), "
              f"per document {(build + write) / len(docs) * 1000:.1f} ms, {n} triples")
    same = outputs[a.ref] == outputs["now"]
    print("same N-Triples bytes:", same)
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
