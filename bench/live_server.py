"""Start and stop a real `budgetkg serve` on a free loopback port (for the bench scripts).

Shared by ``load_test.py`` and ``fuzz_endpoint.py``: the server runs as its own
process (python -P, the installed package), so its memory and its query workers can
be measured with psutil and a crash of the server cannot hide in the client.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BUDGETKG = [sys.executable, "-P", "-c", "from budgetkg.cli import run; run()"]
_ENDPOINT = re.compile(r"SPARQL endpoint: (http://\S+)")


class LiveServer:
    """`budgetkg serve --port 0` in a subprocess; ``url`` is its /sparql endpoint."""

    def __init__(self, data_dir: str | Path | None = None, *extra: str, startup: float = 120.0) -> None:
        self._tmp = None
        if data_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="budgetkg-live-")
            data_dir = Path(self._tmp.name) / "data"
        self.data_dir = Path(data_dir)
        self.log: list[str] = []
        self.proc = subprocess.Popen(
            [*BUDGETKG, "serve", "--data-dir", str(self.data_dir), "--host", "127.0.0.1", "--port", "0", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace",
        )
        # stderr is drained all the time so that a chatty server never blocks on a full pipe
        self._err = threading.Thread(target=self._drain, args=(self.proc.stderr,), daemon=True)
        self._err.start()
        deadline = time.monotonic() + startup
        self.url = ""
        assert self.proc.stdout is not None
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            if m := _ENDPOINT.search(line):
                self.url = m.group(1)
                break
        if not self.url:
            self.stop()
            raise RuntimeError("the server did not start:\n" + "".join(self.log[-30:]))
        threading.Thread(target=self._drain, args=(self.proc.stdout,), daemon=True).start()
        self.host, port = self.url.split("//", 1)[1].split("/", 1)[0].rsplit(":", 1)
        self.port = int(port)

    def _drain(self, stream) -> None:
        for line in stream:
            self.log.append(line)
            if len(self.log) > 5000:
                del self.log[:1000]

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> int | None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # serve stops its query workers on SIGTERM
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
        return self.proc.returncode

    def __enter__(self) -> LiveServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def tree_rss(pid: int) -> tuple[int, int]:
    """(bytes resident, number of processes) of ``pid`` and all its descendants."""
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0, 0
    total = n = 0
    for p in procs:
        try:
            total += p.memory_info().rss
            n += 1
        except psutil.NoSuchProcess:  # a worker replaced meanwhile
            pass
    return total, n


if __name__ == "__main__":  # manual use: start one and print its URL until Ctrl-C
    with LiveServer(os.environ.get("BUDGETKG_DATA_DIR")) as s:
        print(s.url, flush=True)
        try:
            s.proc.wait()
        except KeyboardInterrupt:
            pass
