"""The `budgetkg` command line: a thin click layer over the library.

The library raises; this layer turns exceptions into messages and exit codes:
0 ok, 1 invalid data (violations, unreadable tables), 2 usage or I/O error.
Each stage keeps its commands in its own module under ``budgetkg.commands``, imported
only when its command runs (or ``--help`` lists it): ``budgetkg load`` never pays for
the web service, PDF or SHACL libraries (tests/test_cli_imports.py).
"""

from __future__ import annotations

import importlib
import os
import sys
import threading

import click

# (name, module, attribute) of every sub-command, in the order `--help` lists them.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("parse", "budgetkg.commands.parse", "parse"),
    ("load", "budgetkg.commands.load", "load"),
    ("validate", "budgetkg.commands.validate", "validate"),
    ("upgrade", "budgetkg.commands.upgrade", "upgrade"),
    ("serve", "budgetkg.commands.serve", "serve"),
    ("query", "budgetkg.commands.query", "query"),
    ("publish", "budgetkg.commands.publish", "publish"),
    ("generate", "budgetkg.commands.generate", "generate"),
    ("templates", "budgetkg.commands.templates", "templates"),
)


class LazyGroup(click.Group):
    """A group whose sub-commands are imported when first asked for (click's documented
    lazy-loading pattern)."""

    def __init__(self, *args: object, lazy: tuple[tuple[str, str, str], ...] = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._lazy = {name: (module, attr) for name, module, attr in lazy}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self._lazy) + [n for n in super().list_commands(ctx) if n not in self._lazy]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self._lazy and cmd_name not in self.commands:
            module, attr = self._lazy[cmd_name]
            self.add_command(getattr(importlib.import_module(module), attr), cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="budgetkg")
def main() -> None:
    """budgetkg: budget performance-target tables as linked data."""


def run() -> None:
    """The `budgetkg` script and `python -m budgetkg`: ``main``, then a quick exit.

    Once a command has returned, the interpreter's teardown frees every object it still
    holds one by one: after a seed load (the cached ontology, shapes and checks) that was
    ~50 ms, a tenth of the command, for memory the OS takes back at once. So what that
    teardown does that matters is done here (non-daemon threads waited for, the atexit
    handlers run: logging, worker pools, coverage; the standard streams flushed), then
    ``os._exit``. Anything unusual takes Python's own way out (``_quick_exit``)."""
    try:
        main()
    except SystemExit as exc:
        _quick_exit(exc.code)
    _quick_exit(0)


def _quick_exit(code: object) -> None:
    import atexit

    code = 0 if code is None else code
    others = [t for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon]
    run_exitfuncs = getattr(atexit, "_run_exitfuncs", None)
    if not isinstance(code, int) or others or run_exitfuncs is None:
        sys.exit(code)  # a message to print, threads to wait for: as Python does it
    run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        sys.exit(code)  # (a closed pipe: reported as Python reports it)
    os._exit(code)
