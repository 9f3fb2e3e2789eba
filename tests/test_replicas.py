"""The replica path: two `budgetkg serve` processes on one read-only snapshot of a store.

docs/performance.md says traffic beyond one server is met by read-only replicas of one
store snapshot behind an HTTP balancer. This starts two real servers (subprocesses, free
loopback ports) on one copied store folder and checks that every query of the library
gives the same rows from both, and that serving left the snapshot's files untouched.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from budgetkg import pipeline
from budgetkg.queries.catalog import load_catalog
from budgetkg.store import OxigraphStore
from budgetkg.store.dumps import refresh_dump

BASE = "https://budgetkg.example.org/id/"
SECOND_YEAR = Path(__file__).parent / "fixtures" / "second_year_2023.txt"  # the cross-year queries need two
JSON = {"Accept": "application/sparql-results+json"}


def _files(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "budgetkg.lock"}


def _start(folder: Path, log: Path) -> tuple[subprocess.Popen[str], str]:
    env = {**os.environ, "BUDGETKG_WORKERS": "1"}
    with log.open("w") as err:  # a file: a full stderr pipe would block the server
        proc = subprocess.Popen(
            [sys.executable, "-P", "-c", "from budgetkg.cli import main; main()", "serve",
             "--data-dir", str(folder), "--host", "127.0.0.1", "--port", "0", "--timeout", "20"],
            stdout=subprocess.PIPE, stderr=err, text=True, env=env, start_new_session=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()  # printed once the server listens
    match = re.search(r"http://127\.0\.0\.1:\d+", line)
    if not match:
        _stop(proc)
        pytest.fail(f"serve did not start: {line!r}\n{log.read_text()}")
    return proc, match.group()


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _rows(url: str, name: str) -> list[tuple[tuple[str, str, str], ...]]:
    r = requests.get(f"{url}/queries/{name}", headers=JSON, timeout=60)
    assert r.status_code == 200, (name, r.status_code, r.text[:300])
    assert r.headers.get("X-Results-Truncated") is None, name
    rows = [tuple(sorted((k, v["type"], v["value"]) for k, v in b.items()))
            for b in r.json()["results"]["bindings"]]
    return sorted(rows)


def test_two_servers_on_one_read_only_snapshot_give_the_same_rows(tmp_path):
    primary = tmp_path / "primary"
    with OxigraphStore(primary) as store:
        pipeline.load_seed(store, base=BASE)
        pipeline.load_path(store, SECOND_YEAR, base=BASE)
        refresh_dump(store)  # as `budgetkg load` leaves a store: its dump up to date
    snapshot = tmp_path / "snapshot"  # what a replica machine receives: a copy of the folder
    shutil.copytree(primary, snapshot)
    before = _files(snapshot)
    procs = []
    try:
        a, url_a = _start(snapshot, tmp_path / "a.log")
        procs.append(a)
        b, url_b = _start(snapshot, tmp_path / "b.log")  # while the first one serves
        procs.append(b)
        assert url_a != url_b
        names = sorted(load_catalog())
        assert len(names) >= 10
        nonempty = 0
        for name in names:
            rows_a, rows_b = _rows(url_a, name), _rows(url_b, name)
            assert rows_a == rows_b, name
            nonempty += bool(rows_a)
        assert nonempty >= len(names) - 2  # the comparison is about real rows
    finally:
        for proc in procs:
            _stop(proc)
    assert [p.returncode for p in procs] == [0, 0]
    assert _files(snapshot) == before  # serving wrote nothing into the snapshot
