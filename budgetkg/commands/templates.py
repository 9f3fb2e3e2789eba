"""`budgetkg templates`: list the table layouts (templates) the reader knows."""

from __future__ import annotations

import click

from budgetkg.loader.templates import DEFAULT, templates as known


@click.command()
def templates() -> None:
    """List the table layout families: their names (for `parse --template`) and titles."""
    for name, t in sorted(known().items(), key=lambda kv: (kv[0] != DEFAULT, kv[0])):
        click.echo(f"{name}\t{t.title}")
