"""The `budgetkg` command line: a thin click layer over the library.

The library raises; this layer turns exceptions into messages and exit codes:
0 ok, 1 invalid data (violations, unreadable tables), 2 usage or I/O error.
Each stage keeps its commands in its own module under ``budgetkg.commands``.
"""

from __future__ import annotations

import importlib

import click

# (module, attribute) of every sub-command, in the order `--help` lists them.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("budgetkg.commands.parse", "parse"),
    ("budgetkg.commands.load", "load"),
    ("budgetkg.commands.validate", "validate"),
    ("budgetkg.commands.serve", "serve"),
    ("budgetkg.commands.query", "query"),
    ("budgetkg.commands.publish", "publish"),
    ("budgetkg.commands.generate", "generate"),
    ("budgetkg.commands.templates", "templates"),
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="budgetkg")
def main() -> None:
    """budgetkg: budget performance-target tables as linked data."""


for _module, _name in COMMANDS:
    main.add_command(getattr(importlib.import_module(_module), _name))
