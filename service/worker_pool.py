"""Running queries where they can be stopped: a pool of worker processes.

Neither rdflib nor pyoxigraph can cancel a running query, and a thread cannot be
killed, so each query runs in a long-lived worker process (``budgetkg.service.query_worker``)
that opens the on-disk store read-only. The server waits for the answer at most
``timeout`` seconds; past that it kills the worker (the query really stops), starts
a fresh one and answers 422 (``tasks.OVER_LIMIT``). Workers serialize the results themselves, so only
bytes cross the pipe.

``InProcessExecutor`` runs queries in the calling thread (no hard timeout); it suits
stores that enforce timeouts themselves, and ``workers = 0``.
"""

from __future__ import annotations

import logging
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Protocol

from budgetkg.store import Store
from .tasks import Outcome, QueryTask, execute, over_memory, timed_out

log = logging.getLogger(__name__)

#: Seconds a fresh worker may take to start and open the store.
STARTUP_TIMEOUT = 60.0


class Executor(Protocol):
    def run(self, task: QueryTask, timeout: float) -> Outcome: ...

    def close(self) -> None: ...


class InProcessExecutor:
    """Runs each query in the calling thread; ``timeout`` is not enforced."""

    def __init__(self, store: Store) -> None:
        # pyoxigraph releases the GIL and may be shared between threads.
        self.store = store

    def run(self, task: QueryTask, timeout: float) -> Outcome:
        return execute(self.store, task)

    def close(self) -> None:
        pass


class _Worker:
    """One worker process and the two ends of the pipes the server keeps."""

    def __init__(self, folder: str, memory_mb: int = 0) -> None:
        task_read, task_write = os.pipe()
        answer_read, answer_write = os.pipe()
        try:
            self.process = subprocess.Popen(
                # -P: never import from the working directory (a checkout there would shadow
                # the installed package).
                [sys.executable, "-P", "-m", "budgetkg.service.query_worker", str(task_read), str(answer_write), folder,
                 str(memory_mb)],
                pass_fds=(task_read, answer_write),
                stdin=subprocess.DEVNULL,
            )
        finally:
            # The child has its own copies; closing ours lets each side see EOF
            # when the other dies.
            os.close(task_read)
            os.close(answer_write)
        self.tasks = Connection(task_write, readable=False)
        self.answers = Connection(answer_read, writable=False)
        self.ready = False

    def wait_ready(self, timeout: float) -> str | None:
        """None when ready, else why not."""
        if self.ready:
            return None
        if not self.answers.poll(timeout):
            return "the query worker did not start in time"
        try:
            status, detail = self.answers.recv()
        except (EOFError, OSError):
            return "the query worker exited while starting"
        if status != "ready":
            return f"the query worker could not open the store: {detail}"
        self.ready = True
        return None

    def _close_pipes(self) -> None:
        for conn in (self.tasks, self.answers):
            try:
                conn.close()
            except OSError:
                pass

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()
        self._close_pipes()

    def stop(self) -> None:
        try:
            self.tasks.send(None)
        except (OSError, ValueError):
            pass
        try:
            self.process.wait(2)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._close_pipes()


class WorkerPool:
    """``size`` worker processes on the store in ``folder``; each runs one query at a time."""

    def __init__(self, folder: str | Path, size: int, memory_mb: int = 0) -> None:
        if size < 1:
            raise ValueError("a worker pool needs at least one worker")
        self.folder = str(folder)
        self.memory_mb = memory_mb  # address-space cap of each worker; 0: none
        self.size = size
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._all: set[_Worker] = set()
        self._closed = False
        for _ in range(size):
            self._add()

    def _add(self) -> None:
        worker = _Worker(self.folder, self.memory_mb)
        with self._lock:
            self._all.add(worker)
        self._idle.put(worker)

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)
            closed = self._closed
        if not closed:
            self._add()

    @property
    def pids(self) -> list[int]:
        with self._lock:
            return sorted(w.process.pid for w in self._all)

    def run(self, task: QueryTask, timeout: float) -> Outcome:
        if self._closed:
            return Outcome(503, title="Service stopping", detail="The query service is shutting down.")
        started = time.monotonic()
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            return Outcome(503, title="Service busy",
                           detail=f"All {self.size} query workers stayed busy for {timeout:g} s; try again later.")
        problem = worker.wait_ready(STARTUP_TIMEOUT)
        if problem is not None:
            self._replace(worker)
            return Outcome(503, title="Store unavailable", detail=problem)
        remaining = max(timeout - (time.monotonic() - started), 0.001)
        try:
            worker.tasks.send(task)
            if worker.answers.poll(remaining):
                outcome: Outcome = worker.answers.recv()
                self._idle.put(worker)
                return outcome
        except (EOFError, OSError):
            try:
                code = worker.process.wait(2)  # it is exiting: its status says why
            except subprocess.TimeoutExpired:
                code = None
            self._replace(worker)
            log.warning("query worker %s died (exit status %s) running %.200r", worker.process.pid, code, task.query)
            if code == -signal.SIGABRT and self.memory_mb:
                # the engine (Rust) aborts when an allocation fails: the worker's memory cap
                return over_memory(self.memory_mb)
            return Outcome(503, title="Query failed",
                           detail="The query worker stopped unexpectedly; the service started a new one.")
        log.info("query stopped after %.1f s: %.200r", timeout, task.query)
        self._replace(worker)
        return timed_out(timeout)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop()


def make_query_executor(store: Store, folder: str | Path | None, workers: int, memory_mb: int = 0) -> Executor:
    """A worker pool on ``folder`` when ``workers`` > 0, else in-process execution."""
    if workers > 0 and folder is not None:
        return WorkerPool(folder, workers, memory_mb)
    return InProcessExecutor(store)
