"""Load one N-Quads file into a fresh on-disk pyoxigraph store and exit (bench/run.py).

    python -P bench/load_file.py DATA.nq FOLDER

The other side of the store-load ratio is ``naive_endpoint.py DATA.nq --load-only``
(rdflib): both read the same bytes from disk, parsing included, each in a fresh process.
Prints ``LOADED <wall s> <CPU s> <quads> <peak RSS bytes>``; the quads are counted after
the clock stops (counting an on-disk store reads every quad).
"""

from __future__ import annotations

import resource
import shutil
import sys
import time

import pyoxigraph as ox


def main(data: str, folder: str) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    started, cpu = time.perf_counter(), time.process_time()
    store = ox.Store(folder)
    store.bulk_load(path=data, format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store  # closed: the data is on disk
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    quads = len(ox.Store.read_only(folder))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"LOADED {seconds:.3f} {cpu:.3f} {quads} {peak}", flush=True)
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
