"""The `budgetkg` script's quick exit (``budgetkg.cli.run``): the interpreter's teardown is
skipped, and nothing it would have done that a user can see is lost: exit status,
output, atexit handlers, threads still working."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest


def _script(body: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``body`` then ``budgetkg.cli.run()`` with ``args``, in a fresh interpreter."""
    code = textwrap.dedent(body) + "\nimport sys\nfrom budgetkg.cli import run\nsys.argv = ['budgetkg', *sys.argv[1:]]\nrun()\n"
    # (buffered as a user's shell has it: no PYTHONUNBUFFERED)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    return subprocess.run([sys.executable, "-P", "-c", code, *args], capture_output=True, text=True, timeout=120,
                          check=False, env=env)


def test_the_teardown_is_skipped_and_atexit_handlers_still_run():
    out = _script("""
        import atexit, sys

        class Noisy:
            def __del__(self):
                sys.stderr.write("freed at teardown\\n")

        KEPT = Noisy()  # freed only by the interpreter's teardown
        atexit.register(lambda: sys.stderr.write("atexit ran\\n"))
    """, "--version")
    assert out.returncode == 0, out.stderr
    assert "version" in out.stdout
    assert "atexit ran" in out.stderr
    assert "freed at teardown" not in out.stderr


@pytest.mark.parametrize("args, status", [(("--version",), 0), (("load",), 2), (("no-such-command",), 2)])
def test_the_exit_status_is_the_commands(args, status):
    assert _script("", *args).returncode == status


def test_a_command_that_fails_keeps_its_status(tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("no table here\n", encoding="utf-8")
    out = _script("", "parse", str(bad))
    in_process = subprocess.run([sys.executable, "-P", "-c", "import sys\nfrom budgetkg.cli import main\n"
                                 "sys.argv = ['budgetkg', *sys.argv[1:]]\nmain()", "parse", str(bad)],
                                capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == in_process.returncode != 0
    assert out.stdout == in_process.stdout and out.stderr == in_process.stderr


def test_everything_printed_reaches_a_pipe(seed_path):
    # stdout to a pipe is block-buffered; click flushes what it echoes, an atexit
    # handler's print is still in the buffer when the process ends
    out = _script("""
        import atexit
        atexit.register(lambda: print("printed at exit"))
    """, "parse", "--json", str(seed_path))
    assert out.returncode == 0, out.stderr
    records, last, end = out.stdout.rsplit("\n", 2)
    assert json.loads(records) and last == "printed at exit" and end == ""


def test_a_thread_still_working_is_waited_for():
    out = _script("""
        import threading, time, sys

        def work():
            time.sleep(0.3)
            sys.stderr.write("thread done\\n")

        threading.Thread(target=work).start()
    """, "--version")
    assert out.returncode == 0
    assert "thread done" in out.stderr


def test_the_installed_script_and_python_dash_m_use_it():
    from importlib.metadata import entry_points

    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "budgetkg"]
    assert script.value == "budgetkg.cli:run"
    import budgetkg.__main__ as dunder_main

    assert dunder_main.run.__module__ == "budgetkg.cli"
