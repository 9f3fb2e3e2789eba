"""`budgetkg serve`: open the store, seed it when empty, serve SPARQL with waitress."""

from __future__ import annotations

import logging
import signal
import sys
from pathlib import Path
from typing import Any

import click

from budgetkg.commands.status import EXIT_OK, EXIT_INVALID, EXIT_USAGE
from budgetkg.settings import SETTINGS, Settings, SettingsError, load_settings
from budgetkg.store import StoreError


def warn_unlicensed(settings: Settings) -> None:
    """Say at start that the data goes out without a licence (the DCAT description says so too)."""
    if not settings.license:
        click.echo("warning: no licence set (setting `license`, e.g. --license "
                   "https://creativecommons.org/licenses/by/4.0/); the DCAT description says the "
                   "data has none", err=True)


def settings_options(command: Any) -> Any:
    """One flag per setting of the table, help text included (defaults come later)."""
    for setting in reversed(SETTINGS):
        if setting.secret:  # passwords never go on the command line
            continue
        kind: Any = click.Path(path_type=Path) if setting.type is Path else setting.type
        command = click.option(
            setting.option,
            setting.name,
            type=kind,
            default=None,
            metavar=setting.metavar or None,
            help=f"{setting.help} [default: {setting.shown_default()}; env {setting.env_var}]",
        )(command)
    return command


def _load_into_store(settings: Settings, paths: tuple[Path, ...], with_seed: bool = False) -> int:
    """Load ``paths``; the embedded dataset too when asked, or when the store is empty and
    nothing is given (so that a bare `budgetkg serve` shows something). Returns the worst
    exit status."""
    from tqdm import tqdm

    from budgetkg import pipeline
    from budgetkg.commands.load import load_files
    from budgetkg.store import open_store

    if not paths and not settings.store_url and _has_data(settings):
        # Nothing to write: no writer's lock, so that several servers (read-only replicas
        # of one store snapshot) can serve one folder at once.
        return EXIT_OK
    with open_store(settings) as store:
        if with_seed or (not paths and (store.is_empty() or _stale_seed(store, settings.base_iri))):
            with tqdm(total=4, desc="loading the default dataset", unit="step", file=sys.stderr) as bar:
                def step(name: str) -> None:
                    bar.set_postfix_str(name)
                    bar.update(1)

                reports = pipeline.load_seed(store, base=settings.base_iri, step=step)
            click.echo(f"loaded the default dataset: {sum(r.triples for r in reports)} triples", err=True)
        elif paths:  # as `budgetkg load` does: the ontology beside the documents
            pipeline.load_ontology(store, base=settings.base_iri)
        elif settings.store_url:
            # a remote store with nothing to load is served as it is: serving may have
            # no right to write there (no credentials), and its repairs are the writers'
            # (`budgetkg load --store`, `budgetkg upgrade --store`)
            return EXIT_OK
        status = load_files(store, pipeline.expand_paths(paths), settings.base_iri)[0]
    return status


def _has_data(settings: Settings) -> bool:
    """Whether the embedded store holds data and needs no recovery, asked through a
    reader's (shared) lock."""
    from budgetkg.store import open_store
    from budgetkg.store.journal import JOURNAL_FILE
    from budgetkg.year_statistics import STALE_FILE

    if any((Path(settings.data_dir) / name).exists() for name in (JOURNAL_FILE, STALE_FILE)):
        return False  # a load was interrupted: the writer's path finishes or undoes it first
    try:
        with open_store(settings, read_only=True, create=False) as store:
            return not store.is_empty() and not _stale_seed(store, settings.base_iri)
    except StoreError:  # no store yet, or a writer holds it: the writer's path reports it
        return False


def _stale_seed(store: Any, base: str) -> bool:
    """Whether the store holds the embedded default dataset loaded by older code (its
    document does not state this code's ``bkg:summaryVersion``, or its year lacks this
    code's statistics, so the library's queries would refuse the store: 409): a bare
    `budgetkg serve` then loads it again, as it loads it into an empty store. A user's
    own documents are left as they are (the 409 says how to rebuild them)."""
    from budgetkg import year_statistics
    from budgetkg.documents import file_sha256, seed_path
    from budgetkg.loader.iris import document_graph_iri
    from budgetkg.loader.namespaces import BKG, SUMMARY_VERSION

    graph = document_graph_iri(base, file_sha256(seed_path()))
    if not store.has_graph(str(graph)):
        return False
    # (the graph named as the dataset's one named graph: with none named, Virtuoso
    # answers from every graph it holds)
    current = store.query(f'ASK {{ GRAPH <{graph}> {{ ?d <{BKG.summaryVersion}> "{SUMMARY_VERSION}" }} }}',
                          named_graphs=[str(graph)])
    return not bool(current) or bool(year_statistics.stale_years(store))


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(0)  # unwinds into the `finally` that stops the query workers


@click.command()
@settings_options
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path),
              help="TOML file of settings (top-level keys or a [budgetkg] table).")
@click.option("--with-seed", is_flag=True,
              help="Load the embedded default dataset (the 2022 seed) too, beside FILE_OR_DIR.")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path), metavar="[FILE_OR_DIR]...")
def serve(config_file: Path | None, with_seed: bool, paths: tuple[Path, ...], **flags: Any) -> None:
    """Serve the SPARQL endpoint at /sparql (read-only, with waitress).

    Opens the store in the data folder. Given nothing, an empty store is first filled
    with the embedded default dataset; given FILE_OR_DIR, only they are loaded (add
    --with-seed for the embedded dataset too). FILE_OR_DIR (table files, or .trig .nq .ttl .nt .jsonld)
    are loaded before serving, each replacing its own graph; a file already loaded with
    the same content (SHA-256) is skipped, so serving a folder again starts at once.
    Settings come from the flags, then BUDGETKG_* variables, then the config file, then
    the defaults.
    """
    try:
        settings = load_settings(flags, config_file=config_file)
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from None
    warn_unlicensed(settings)
    try:
        status = _load_into_store(settings, paths, with_seed)
    except StoreError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    if status != EXIT_OK:
        click.echo("some files were not loaded (see above); serving the rest", err=True)

    from budgetkg.service import close_app, create_app
    from budgetkg.service.http_server import create_http_server

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        app = create_app(settings)
    except StoreError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    try:
        server = create_http_server(
            app,
            host=settings.host,
            port=settings.port,
            threads=settings.threads,
            # A backstop only: below it Flask answers 413 in the JSON envelope.
            max_request_body_size=4 * settings.max_request_bytes + 65536,
            ident="budgetkg",
        )
    except OSError as exc:
        close_app(app)
        click.echo(f"error: cannot listen on {settings.host}:{settings.port}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_USAGE)
    host = settings.host if ":" not in settings.host else f"[{settings.host}]"
    click.echo(f"SPARQL endpoint: http://{host}:{server.effective_port}/sparql", err=False)
    sys.stdout.flush()
    signal.signal(signal.SIGTERM, _stop)
    try:
        server.run()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.close()
        close_app(app)
