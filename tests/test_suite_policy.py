"""The suite's own policies, run on tiny throw-away suites in a subprocess: a skip for a
missing tool fails the run (unless BUDGETKG_ALLOW_SKIPS=1) and the skip count is printed;
a Virtuoso that stops answering fails the later tests at once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def run_suite(folder: Path, conftest: str, tests: str, **env: str) -> tuple[int, str, float]:
    (folder / "conftest.py").write_text(f"import sys\nsys.path.insert(0, {str(TESTS)!r})\n" + conftest, encoding="utf-8")
    (folder / "test_inner.py").write_text(tests, encoding="utf-8")
    environ = {k: v for k, v in os.environ.items() if k != "BUDGETKG_ALLOW_SKIPS"} | env
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-P", "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rA", str(folder)],
                          cwd=folder, capture_output=True, text=True, env=environ, timeout=300)
    return done.returncode, done.stdout + done.stderr, time.monotonic() - started


SKIP_HOOKS = """from skip_policy import (pytest_configure, pytest_runtest_logreport, pytest_sessionfinish,
                         pytest_terminal_summary)
"""
SKIPPING = """import pytest
from skip_policy import missing_tool

def test_ok():
    pass

@pytest.mark.skipif(True, reason=missing_tool("rapper", "apt-get install raptor2-utils"))
def test_needs_rapper():
    pass

def test_by_design():
    pytest.skip("the embedded engine only")
"""


def test_a_skip_for_a_missing_tool_fails_the_run(tmp_path):
    status, out, _ = run_suite(tmp_path, SKIP_HOOKS, SKIPPING)
    assert status == 1, out
    assert "budgetkg: 2 test(s) skipped, 1 of them for a missing tool: rapper (1)" in out
    assert "BUDGETKG_ALLOW_SKIPS=1" in out


def test_allow_skips_lets_it_pass(tmp_path):
    status, out, _ = run_suite(tmp_path, SKIP_HOOKS, SKIPPING, BUDGETKG_ALLOW_SKIPS="1")
    assert status == 0, out
    assert "budgetkg: 2 test(s) skipped, 1 of them for a missing tool: rapper (1)" in out


def test_other_skips_pass_and_are_counted(tmp_path):
    status, out, _ = run_suite(tmp_path, SKIP_HOOKS, SKIPPING.replace("reason=missing_tool(", "reason=\" \".join((", 1).replace("raptor2-utils\")", "raptor2-utils\"))"))
    assert status == 0, out
    assert "budgetkg: 2 test(s) skipped" in out and "missing tool" not in out


VIRTUOSO_HOOKS = """import socket
import pytest
import conftest_virtuoso
from conftest_virtuoso import HEALTH, Virtuoso, pytest_runtest_setup

conftest_virtuoso.PROBE_SECONDS = 1.0

@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory):
    # a server that accepts connections and never answers: a hung Virtuoso
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    HEALTH.server = Virtuoso(http_port=listener.getsockname()[1], sql_port=1, folder=tmp_path_factory.mktemp("v"))
    yield HEALTH.server
    listener.close()
"""
HANGING = """import time
import pytest

def test_first(virtuoso):
    pass  # the server hangs from here on

@pytest.mark.parametrize("n", range(3))
def test_later(virtuoso, n):
    time.sleep(120)  # what a request would wait without the readiness check

@pytest.mark.parametrize("backend", ["embedded", "virtuoso"])
def test_parametrized(backend):
    pass  # the embedded one runs; the other one is known to need Virtuoso
"""


def test_a_hung_virtuoso_fails_the_later_tests_at_once(tmp_path):
    status, out, seconds = run_suite(tmp_path, VIRTUOSO_HOOKS, HANGING)
    assert status == 1, out
    assert "1 failed" not in out and "2 passed" in out and "4 errors" in out, out
    errors = {line.split(" - ")[0].split("::")[1]: line for line in out.splitlines() if line.startswith("ERROR test_inner")}
    assert "Virtuoso stopped answering" in errors["test_later[0]"]
    for name in ("test_later[1]", "test_later[2]", "test_parametrized[virtuoso]"):
        assert "Failed: Virtuoso is not us" in errors[name]  # at once, "not waiting again"
    assert seconds < 110, f"took {seconds:.0f} s"  # no body ran: each sleeps 120 s
