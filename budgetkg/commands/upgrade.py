"""`budgetkg upgrade`: bring a store loaded by older code up to this code's summaries."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from budgetkg.commands.status import EXIT_OK, EXIT_USAGE
from budgetkg.settings import SettingsError, load_settings
from budgetkg.store import StoreError


@click.command()
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of the store [default: the data_dir setting].")
@click.option("--store", "store_url", metavar="URL",
              help="Upgrade this remote SPARQL store instead (docs/stores.md).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path),
              help="TOML file of settings.")
def upgrade(data_dir: Path | None, store_url: str | None, config_file: Path | None) -> None:
    """Bring the load-time summaries of documents loaded by older code up to date.

    The library's queries answer 409 on a store whose documents lack this version's
    summaries (docs/summaries.md). They are derived from each document's own triples, so
    no source file is needed: each stale graph is changed in one transaction (an
    interrupted upgrade leaves every graph wholly old or new; run it again to finish).
    `budgetkg load` does the same before it loads. Exit status: 0 done (or nothing to
    do), 2 the store could not be opened or written.
    """
    from budgetkg.loader.namespaces import SUMMARY_VERSION

    try:
        settings = load_settings({"data_dir": data_dir, "store_url": store_url}, config_file=config_file)
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from None
    from budgetkg import upgrade as upgrading
    from budgetkg import year_statistics
    from budgetkg.commands.progress import progress_bar
    from budgetkg.pipeline import load_ontology, recover
    from budgetkg.store import open_store
    from budgetkg.store.dumps import refresh_dump

    where = settings.store_url or settings.data_dir
    started = time.perf_counter()
    try:
        with open_store(settings) as store:
            done = recover(store)
            if done:
                click.echo(f"note: {done}", err=True)
            load_ontology(store, base=settings.base_iri)  # the classes and properties of the summaries
            stale = upgrading.stale_graphs(store, thorough=True)
            written = 0
            with year_statistics.refreshing(store, settings.base_iri) as changes:
                if stale:
                    click.echo(f"{where}: {len(stale)} graph(s) lack the summaries of vocabulary {SUMMARY_VERSION}; "
                               "deriving them from the store's own triples", err=True)
                    with progress_bar(total=len(stale), desc="upgrading", unit="graph", file=sys.stderr,
                                      disable=None, dynamic_ncols=True) as bar:
                        written = upgrading.upgrade(store, stale, on_graph=lambda graph, n: bar.update(1))
                    changes.touch(stale)  # changed in place: their years' statistics are made again
            years = sorted(changes.done)
            refresh_dump(store)  # the full dump follows the store (docs/linked-data.md): the ontology too
    except (StoreError, OSError) as exc:  # (OSError: the dump's folder)
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    made = "" if not years else f"; statistics of {', '.join(map(str, years))} made again"
    if not stale and not years:
        click.echo(f"{where}: every document has the summaries of vocabulary {SUMMARY_VERSION} and every year "
                   f"its statistics; nothing to do")
        sys.exit(EXIT_OK)
    click.echo(f"upgraded {len(stale)} graph(s) of {where} to the summaries of vocabulary {SUMMARY_VERSION}: "
               f"{written} triples added in {time.perf_counter() - started:.1f} s{made}")
