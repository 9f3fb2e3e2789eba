"""`budgetkg validate FILE...` or `budgetkg validate --graph FILE`: SHACL-check the data.

Table text files are read, converted and validated one document at a time; an RDF file
(``--graph``) is validated as a whole (each named graph of a TriG/N-Quads file on its
own). Exit status: 0 no violation (warnings allowed), 1 violations or unreadable
tables, 2 usage or I/O error.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rdflib import Dataset, Graph

from budgetkg.loader.rdf import FORMATS, ConversionError, document_graph
from budgetkg.loader.reader import read_document
from budgetkg.loader.validate import ValidationResult, validate_graph

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _rdf_graphs(path: Path) -> list[tuple[str, Graph]]:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise click.UsageError(f"{path}: unknown RDF extension; use one of {', '.join(FORMATS)}")
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
              help="Validate an RDF file (.ttl .nt .trig .nq .jsonld) instead of table files.")
@click.option("--format", "fmt", type=click.Choice(["text", "ttl"]), default="text", show_default=True,
              help="text: a report for people grouped by project; ttl: the SHACL report graph.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="Language of the messages in the text report.")
def validate(files: tuple[Path, ...], graph_file: Path | None, fmt: str, lang: str) -> None:
    """Validate tables (FILE...) or an RDF file (--graph) against the budgetkg shapes."""
    if bool(files) == bool(graph_file):
        click.echo("error: give table FILEs or --graph FILE (not both)", err=True)
        sys.exit(EXIT_USAGE)
    status = EXIT_OK
    targets: list[tuple[str, Graph]] = []
    try:
        if graph_file is not None:
            targets = _rdf_graphs(graph_file)
        for path in files:
            doc = read_document(path)
            if doc.errors:
                for p in doc.errors:
                    click.echo(str(p), err=True)
                status = EXIT_INVALID
            try:
                _, g = document_graph(doc)
            except ConversionError as exc:
                click.echo(f"error: {exc}", err=True)
                status = EXIT_INVALID
                continue
            targets.append((str(path), g))
    except click.UsageError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(EXIT_USAGE)
    except (OSError, SyntaxError, ValueError) as exc:  # unreadable file or bad RDF syntax
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    for name, g in targets:
        result: ValidationResult = validate_graph(g, lang=lang)
        if fmt == "ttl":
            click.echo(result.report.serialize(format="turtle"))
        else:
            click.echo(f"== {name}")
            click.echo(result.text())
        if not result.conforms:
            status = max(status, EXIT_INVALID)
    sys.exit(status)
