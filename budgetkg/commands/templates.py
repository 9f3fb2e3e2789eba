"""`budgetkg templates`: list the layout families the reader knows."""

from __future__ import annotations

import click

from budgetkg.loader.templates import families


@click.command()
def templates() -> None:
    """List the table layout families (names for `parse --template`)."""
    click.echo("ningxia\tthe Ningxia 部门项目支出预算绩效目标表 (the default reader)")
    for name, mod in sorted(families().items()):
        click.echo(f"{name}\t{mod.TITLE}")
