"""`budgetkg load FILE...`: tables into the store (or into an RDF file with --out)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from budgetkg.service.settings import SettingsError, load_settings
from budgetkg.service.store import Store, StoreError, open_store

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write RDF to this file instead (format by extension: .trig .nq .ttl .nt .jsonld).")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of the store [default: the data_dir setting].")
@click.option("--base-iri", help="Base of the minted IRIs [default: the base_iri setting].")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path),
              help="TOML file of settings.")
def load(files: tuple[Path, ...], out: Path | None, data_dir: Path | None, base_iri: str | None,
         config_file: Path | None) -> None:
    """Load performance-target tables: each document replaces its own named graph.

    FILES are table files (.txt), RDF files (.trig .nq .ttl .nt .jsonld) or folders
    of them. Exit status: 0 all loaded, 1 some file or table had invalid data (the
    good ones are still loaded), 2 a file could not be read or the store not opened.
    """
    try:
        settings = load_settings({"data_dir": data_dir, "base_iri": base_iri}, config_file=config_file)
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from None
    from budgetkg import pipeline

    paths = pipeline.expand_paths(files)
    if out is not None:
        sys.exit(_write(paths, out, settings.base_iri))
    try:
        store = open_store(settings.data_dir)
    except StoreError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    started = time.perf_counter()
    with store:
        try:
            ontology = pipeline.load_ontology(store, base=settings.base_iri).triples
        except StoreError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_USAGE)
        status, loaded, tables, triples = load_files(store, paths, settings.base_iri)
    click.echo(
        f"loaded {loaded} of {len(paths)} files into {settings.data_dir}: {tables} tables, "
        f"{triples + ontology} triples (with the ontology) in {time.perf_counter() - started:.1f} s"
    )
    sys.exit(status)


def load_files(store: Store, paths: list[Path], base: str) -> tuple[int, int, int, int]:
    """Load each file, reporting problems on stderr: (exit status, files, tables, triples).

    A file that cannot be read or converted is skipped (the others still load); a
    failing store stops everything with exit status 2.
    """
    from tqdm import tqdm

    from budgetkg import pipeline

    status = EXIT_OK
    loaded = tables = triples = 0
    for path in tqdm(paths, desc="loading", unit="file", file=sys.stderr, disable=None if paths else True):
        try:
            report = pipeline.load_path(store, path, base=base)
        except OSError as exc:
            click.echo(f"{path}: error: cannot read: {exc.strerror or exc}", err=True)
            status = max(status, EXIT_USAGE)
            continue
        except ValueError as exc:  # DataError (invalid RDF, with its line) or ConversionError
            click.echo(f"{path}: error: {exc}", err=True)
            status = max(status, EXIT_INVALID)
            continue
        except StoreError as exc:  # the store itself failed: stop here
            click.echo(f"{path}: error: {exc}", err=True)
            sys.exit(EXIT_USAGE)
        for problem in report.problems:
            if problem.severity != "info":
                click.echo(str(problem), err=True)
        if report.errors:
            status = max(status, EXIT_INVALID)
        loaded += 1
        tables += report.tables
        triples += report.triples
    return status, loaded, tables, triples


def _write(paths: list[Path], out: Path, base: str) -> int:
    """Convert every table file into one dataset (with the ontology) and write it."""
    from budgetkg import pipeline
    from budgetkg.loader.reader import read_document
    from budgetkg.loader.rdf import add_ontology, bind_prefixes, replace_document, write_rdf
    from rdflib import Dataset

    status = EXIT_OK
    ds = bind_prefixes(Dataset(), base)
    add_ontology(ds, base=base)
    tables = 0
    for path in paths:
        if path.suffix.lower() not in pipeline.TABLE_SUFFIXES:
            click.echo(f"{path}: error: only table files (.txt) can be converted with --out", err=True)
            status = max(status, EXIT_USAGE)
            continue
        try:
            doc = read_document(path)
            replace_document(ds, doc, base=base)
        except OSError as exc:
            click.echo(f"{path}: error: cannot read: {exc.strerror or exc}", err=True)
            status = max(status, EXIT_USAGE)
            continue
        except ValueError as exc:
            click.echo(f"{path}: error: {exc}", err=True)
            status = max(status, EXIT_INVALID)
            continue
        for problem in doc.problems:
            if problem.severity != "info":
                click.echo(str(problem), err=True)
        if doc.errors:
            status = max(status, EXIT_INVALID)
        tables += len(doc.projects)
    try:
        write_rdf(ds, out)
    except (OSError, ValueError) as exc:
        click.echo(f"{out}: error: cannot write: {exc}", err=True)
        return EXIT_USAGE
    click.echo(f"wrote {out}: {tables} tables, {sum(1 for _ in ds.quads())} triples")
    return status
