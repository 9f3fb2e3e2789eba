"""Body of a query worker process: ``python -m budgetkg.service.query_worker READ_FD WRITE_FD FOLDER [MEMORY_MB]``.

Opens the store in FOLDER read-only, says ``("ready", None)`` (or ``("failed", why)``),
then answers each :class:`~budgetkg.service.tasks.QueryTask` it reads with an
:class:`~budgetkg.service.tasks.Outcome` until its input closes. The pipes are
dedicated file descriptors, so nothing printed on stdout can corrupt them. Started
with ``subprocess`` rather than ``multiprocessing`` so that the server's ``__main__``
module is never imported again in the worker.
"""

from __future__ import annotations

import sys
from multiprocessing.connection import Connection

from budgetkg.store import open_store

from .tasks import execute


def limit_memory(megabytes: int) -> None:
    """Cap this process's address space: a runaway query (a sort of a cartesian product
    grows by ~100 MB/s) then fails an allocation and ends this worker alone (the server
    answers 422 and starts another) instead of drawing the whole host into swap or the
    OOM killer. Opening the store takes ~0.4 GB of address space."""
    if megabytes > 0:
        import resource

        limit = megabytes * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def serve(reader: Connection, writer: Connection, folder: str) -> None:
    try:
        store = open_store({"data_dir": folder}, read_only=True, create=False)
    except Exception as exc:  # reported to the server, which answers 503
        writer.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    writer.send(("ready", None))
    try:
        while True:
            try:
                task = reader.recv()
            except (EOFError, OSError):  # the server went away
                break
            if task is None:
                break
            writer.send(execute(store, task))
    finally:
        store.close()


def main(argv: list[str] | None = None) -> None:
    args = argv if argv is not None else sys.argv[1:]
    read_fd, write_fd, folder = args[:3]
    limit_memory(int(args[3]) if len(args) > 3 else 0)
    serve(Connection(int(read_fd), writable=False), Connection(int(write_fd), readable=False), folder)


if __name__ == "__main__":
    main()
