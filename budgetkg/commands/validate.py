"""`budgetkg validate FILE...` or `budgetkg validate --graph FILE`: SHACL-check the data.

Table text files are read, converted and validated one document at a time; an RDF file
(``--graph``) is validated as a whole (each named graph of a TriG/N-Quads file on its
own). Exit status: 0 no violation (warnings allowed), 1 violations or unreadable
tables, 2 usage or I/O error.
"""

from __future__ import annotations

import sys
from pathlib import Path

from typing import TYPE_CHECKING

import click

from budgetkg.commands.status import EXIT_INVALID, EXIT_OK, EXIT_USAGE
from budgetkg.loader.rdf_files import RDF_EXTENSIONS, rdf_file
from budgetkg.settings import SettingsError, load_settings

if TYPE_CHECKING:  # (imported when the command runs: `budgetkg --help` stays light)
    from rdflib import Graph

    from budgetkg.loader.validate import ValidationResult


def _rdf_graphs(path: Path) -> list[tuple[str, Graph]]:
    syntax = rdf_file(path.name)
    if syntax is None:
        raise click.UsageError(f"{path}: unknown RDF extension; use one of {', '.join(RDF_EXTENSIONS)}")
    from rdflib import Dataset, Graph

    fmt = syntax.rdflib_format
    if fmt in ("trig", "nquads"):
        ds = Dataset()
        ds.parse(str(path), format=fmt)
        graphs = [(str(g.identifier), g) for g in ds.graphs() if len(g)]
        return graphs
    g = Graph()
    g.parse(str(path), format=fmt)
    return [(str(path), g)]


@click.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--graph", "graph_file", type=click.Path(dir_okay=False, path_type=Path),
              help=f"Validate an RDF file ({' '.join(RDF_EXTENSIONS)}) instead of table files.")
@click.option("--format", "fmt", type=click.Choice(["text", "ttl"]), default="text", show_default=True,
              help="text: a report for people grouped by project; ttl: the SHACL report graph.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="Language of the messages in the text report.")
@click.option("--base-iri", help="Base of the minted IRIs [default: the base_iri setting].")
def validate(files: tuple[Path, ...], graph_file: Path | None, fmt: str, lang: str, base_iri: str | None) -> None:
    """Validate tables (FILE...) or an RDF file (--graph) against the budgetkg shapes."""
    if bool(files) == bool(graph_file):
        click.echo("error: give table FILEs or --graph FILE (not both)", err=True)
        sys.exit(EXIT_USAGE)
    from budgetkg.documents import process_document
    from budgetkg.loader.validate import validate_graph

    try:
        base = load_settings({"base_iri": base_iri}).base_iri
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from None
    status = EXIT_OK
    results: list[tuple[str, ValidationResult]] = []
    try:
        if graph_file is not None:
            for name, g in _rdf_graphs(graph_file):
                results.append((name, validate_graph(g, lang=lang)))
    except click.UsageError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(EXIT_USAGE)
    except (OSError, SyntaxError, ValueError) as exc:  # unreadable file or bad RDF syntax
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    for path in files:  # every file read before any report, as a failure to read stops here
        res = process_document(path, base, lang=lang, serialize=False, keep_report=fmt == "ttl")
        if res.error is not None and res.error.kind == "unreadable":
            click.echo(f"error: {path}: {res.error}", err=True)
            sys.exit(EXIT_USAGE)
        for p in res.errors:
            click.echo(str(p), err=True)
        if res.errors:
            status = EXIT_INVALID
        if res.error is not None:
            click.echo(f"error: {res.error}", err=True)
            status = EXIT_INVALID
            continue
        assert res.validation is not None
        results.append((str(path), res.validation))
    for name, result in results:
        if fmt == "ttl":
            assert result.report is not None
            click.echo(result.report.serialize(format="turtle"))
        else:
            click.echo(f"== {name}")
            click.echo(result.text(lang))
        if not result.conforms:
            status = max(status, EXIT_INVALID)
    sys.exit(status)
