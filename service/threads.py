"""Running queries on a remote store: threads, and a clock that does not wait.

A remote query is an HTTP request, so no worker process is needed to stop it: the
server waits at most ``timeout`` seconds for the answer and then answers 422 itself
(``tasks.OVER_LIMIT``).
The abandoned request goes on in its thread until the HTTP client's own timeout (or
the store's server-side limit, where it has one) ends it, so the pool is larger than
the number of requests the server handles at once; a slow query never holds up
others.
"""

from __future__ import annotations

import concurrent.futures
import logging
import threading
import time

from budgetkg.store import Store
from .tasks import Outcome, QueryTask, execute, timed_out

log = logging.getLogger(__name__)

#: Seconds a trivial query may take when a query hit its time limit: past that the
#: store, not the query, is the likelier culprit (a hung or overloaded server).
PROBE_SECONDS = 5.0


class ThreadExecutor:
    """Runs each query in a pool of ``size`` threads and answers within ``timeout``."""

    def __init__(self, store: Store, size: int) -> None:
        self.store = store
        self.size = size
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=size, thread_name_prefix="budgetkg-query")
        self._closed = False
        self._lock = threading.Lock()
        # Probes get their own thread: the query threads may all be stuck on the store.
        self._probes = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="budgetkg-probe")

    def run(self, task: QueryTask, timeout: float) -> Outcome:
        with self._lock:
            if self._closed:
                return Outcome(503, title="Service stopping", detail="The query service is shutting down.")
            started = time.monotonic()
            future = self._pool.submit(self._timed, task, started, timeout)
        try:
            return future.result(timeout=timeout)
        except concurrent.futures.TimeoutError:
            if future.cancel():  # it never started: every thread was busy
                return Outcome(503, title="Service busy",
                               detail=f"All {self.size} query threads stayed busy for {timeout:g} s; "
                               "try again later.")
            log.info("query abandoned after %.1f s: %.200r", timeout, task.query)
            if not self._store_answers(min(PROBE_SECONDS, timeout)):
                return Outcome(503, title="Store unavailable",
                               detail=f"The store did not answer within {timeout:g} s, nor a trivial query "
                               "after that: it is overloaded or not responding. Try again later.")
            return timed_out(timeout)

    def _store_answers(self, seconds: float) -> bool:
        """Does the store answer ``ASK {}`` within ``seconds``? (Tells a slow query from a stuck store.)"""
        probe = self._probes.submit(self.store.query, "ASK {}")
        try:
            probe.result(timeout=seconds)
            return True
        except Exception:  # timeout, connection refused, …
            return False

    def _timed(self, task: QueryTask, started: float, timeout: float) -> Outcome:
        if time.monotonic() - started >= timeout:  # waited its whole time in the queue
            return Outcome(503, title="Service busy", detail="The query waited too long to start.")
        return execute(self.store, task)

    def close(self) -> None:
        with self._lock:
            self._closed = True
        # Running requests end by their own HTTP timeout; nobody waits for them.
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._probes.shutdown(wait=False, cancel_futures=True)
