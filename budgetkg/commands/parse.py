"""`budgetkg parse FILE... [--json]`: read tables, print records or a summary."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from budgetkg.commands.status import EXIT_OK, EXIT_INVALID, EXIT_USAGE
from budgetkg.loader.reader import FAMILY_CODES, needs_family_fallback, read_document
from budgetkg.loader.records import Document, Problem
from budgetkg.loader.templates import UnknownTemplate, get_template
from budgetkg.loader.templates.document import UnknownTemplate as UnknownFamily
from budgetkg.loader.templates.document import families
from budgetkg.loader.templates.document import read_file as read_family_file


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the records as JSON (schema in README).")
@click.option("--quiet", "-q", is_flag=True, help="Only print problems of severity error.")
@click.option("--verbose", "-v", is_flag=True, help="Print problems of severity info too.")
@click.option(
    "--template", "template", metavar="NAME", default=None,
    help="Read every table with this layout family (see `budgetkg templates`); "
    "default: the Ningxia reader, then the families detected per table.",
)
def parse(files: tuple[Path, ...], as_json: bool, quiet: bool, verbose: bool, template: str | None) -> None:
    """Read performance-target tables and report what was found.

    Exit status: 0 all good, 1 some file or table had errors (the good tables still
    come out), 2 a file could not be read at all.
    """
    docs: list[Document] = []
    status = EXIT_OK
    for path in files:
        try:
            doc, notes = _read(path, template)
        except (UnknownTemplate, UnknownFamily) as exc:
            raise click.UsageError(str(exc)) from exc
        except OSError as exc:
            click.echo(f"{path}: error: cannot read: {exc.strerror or exc}", err=True)
            status = EXIT_USAGE
            continue
        docs.append(doc)
        for p in notes:
            click.echo(str(p), err=True)
        for p in doc.problems:
            if p.severity == "error" or (not quiet and (verbose or p.severity != "info")):
                click.echo(str(p), err=True)
        if doc.errors:
            status = max(status, EXIT_INVALID)
    if as_json:
        json.dump({"documents": [d.to_json() for d in docs]}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        for d in docs:
            if d.tables or not d.projects and any(p.code in _FAMILY_CODES for p in d.problems):
                n_ind = sum(len(t.indicators) for t in d.tables)
                fams = ", ".join(sorted({t.family for t in d.tables})) or "none"
                click.echo(f"{d.source}: {len(d.tables)} tables, {n_ind} indicators, family {fams}, "
                           f"{_year(d)}, unit {d.currency_unit}, encoding {d.encoding}")
                continue
            n_ind = sum(len(p.indicators) for p in d.projects)
            report = d.to_json()["line_report"]
            lines = ", ".join(f"{v} {k}" for k, v in sorted(report["counts"].items()))
            if not d.projects:  # not a table: no year, unit or counts to speak of
                click.echo(f"{d.source}: no table found (encoding {d.encoding}); lines: {lines}")
            else:
                click.echo(f"{d.source}: {len(d.projects)} tables, {n_ind} indicators, {_year(d)}, "
                           f"unit {d.currency_unit}, encoding {d.encoding}; lines: {lines}")
            for entry in _rejected(report["lines"]):
                click.echo(f"  {entry}")
    sys.exit(status)


_FAMILY_CODES = FAMILY_CODES
#: Rejected lines named one by one in the text summary (the rest are counted).
SHOWN_REJECTED = 10


def _year(doc: Document) -> str:
    return f"year {doc.year}" if doc.year is not None else "no fiscal year found"


def _rejected(lines: list[dict]) -> list[str]:
    """``rejected line N: reason`` for the first rejected lines of the line report."""
    rejected = [e for e in lines if e.get("status") == "rejected"]
    out = [f"rejected line {e['line']}: {e.get('reason') or 'not part of a table'}"
           + (f" (project {e['project']})" if e.get("project") else "")
           for e in rejected[:SHOWN_REJECTED]]
    if len(rejected) > SHOWN_REJECTED:
        out.append(f"… and {len(rejected) - SHOWN_REJECTED} more rejected lines (--json lists them all)")
    return out


def _read(path: Path, template: str | None) -> tuple[Document, list[Problem]]:
    """Read with the template named, else the one each file's content shows.

    A layout family named is forced on every table of the file. When the chosen
    template finds no indicator, the family detection's word (the closest family and
    what it missed, or a blank form) is returned for the user.
    """
    if template is not None:
        get_template(template)  # unknown name: a usage error
        if template in families():
            return read_family_file(path, template=template).to_document(), []
        return read_document(path, template=template), []
    doc = read_document(path)  # (the family fallback is the reader's: loader/reader.py)
    if doc.tables or not needs_family_fallback(doc):
        return doc, []
    try:  # nothing read: the family detection says which family came closest and what it missed
        fam = read_family_file(path)
    except ValueError:
        return doc, []
    return doc, [p for p in fam.problems if p.code == "no-family"]
