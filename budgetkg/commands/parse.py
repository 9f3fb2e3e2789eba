"""`budgetkg parse FILE... [--json]`: read tables, print records or a summary."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from budgetkg.commands.status import EXIT_OK, EXIT_INVALID, EXIT_USAGE
from budgetkg.loader.reader import read_document
from budgetkg.loader.records import Document


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the records as JSON (schema in README).")
@click.option("--quiet", "-q", is_flag=True, help="Only print problems of severity error.")
def parse(files: tuple[Path, ...], as_json: bool, quiet: bool) -> None:
    """Read performance-target tables and report what was found.

    Exit status: 0 all good, 1 some file or table had errors (the good tables still
    come out), 2 a file could not be read at all.
    """
    docs: list[Document] = []
    status = EXIT_OK
    for path in files:
        try:
            doc = read_document(path)
        except OSError as exc:
            click.echo(f"{path}: error: cannot read: {exc.strerror or exc}", err=True)
            status = EXIT_USAGE
            continue
        docs.append(doc)
        for p in doc.problems:
            if p.severity == "error" or not (quiet or p.severity == "info"):
                click.echo(str(p), err=True)
        if doc.errors:
            status = max(status, EXIT_INVALID)
    if as_json:
        json.dump({"documents": [d.to_json() for d in docs]}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        for d in docs:
            n_ind = sum(len(p.indicators) for p in d.projects)
            counts = d.to_json()["line_report"]["counts"]
            click.echo(
                f"{d.source}: {len(d.projects)} tables, {n_ind} indicators, year {d.year}, "
                f"unit {d.currency_unit}, encoding {d.encoding}; lines: "
                + ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
            )
    sys.exit(status)
