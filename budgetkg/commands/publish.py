"""`budgetkg publish OUT_DIR --base-url URL`: the whole site as static files."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from budgetkg.commands.serve import warn_unlicensed
from budgetkg.commands.status import EXIT_OK, EXIT_USAGE
from budgetkg.settings import SETTINGS_BY_NAME, SettingsError, load_settings
from budgetkg.store import StoreError

#: Settings given as flags here: where the data is, and the dataset's description.
FLAGS = ("data_dir", "base_iri", "store_url", "license", "publisher", "publisher_iri", "contact_email",
         "issued", "region")


def _settings_flags(command):  # type: ignore[no-untyped-def]
    for name in reversed(FLAGS):
        s = SETTINGS_BY_NAME[name]
        kind = click.Path(path_type=Path, file_okay=False) if s.type is Path else s.type
        command = click.option(s.option, s.name, type=kind, default=None, metavar=s.metavar or None,
                               help=f"{s.help} [env {s.env_var}]")(command)
    return command


@click.command()
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--base-url", required=True, metavar="URL",
              help="Where the site will be served (http(s)://host/): the root of the links in VoID/DCAT and the sitemap.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path), help="TOML file of settings.")
@_settings_flags
def publish(out_dir: Path, base_url: str, config_file: Path | None, **flags: object) -> None:
    """Write the whole site into OUT_DIR as files, for any web server.

    Every resource of the store as HTML, Turtle (.ttl), JSON-LD (.jsonld) and N-Triples
    (.nt), the ontology documentation (def/), VoID/DCAT (.well-known/void.*), the dump,
    sitemap.xml, and the rules giving content negotiation on the extensionless IRIs
    (nginx/budgetkg.conf, .htaccess). The pages are rendered by the service itself, so
    they are what `budgetkg serve` answers. Exit status: 0 written, 2 usage, store or I/O
    error.
    """
    from budgetkg.service.static_site import PublishError, check_base_url, publish as write_site

    try:
        settings = load_settings(flags, config_file=config_file)
        check_base_url(base_url)
    except (SettingsError, ValueError) as exc:
        raise click.UsageError(str(exc)) from None
    warn_unlicensed(settings)
    from tqdm import tqdm

    from budgetkg.service import close_app, create_app

    started = time.perf_counter()
    try:
        # workers=0: queries in this process (no worker processes to start for a batch job).
        app = create_app({**settings, "workers": 0})
    except StoreError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    try:
        with tqdm(desc="publishing", unit="resource", file=sys.stderr, disable=None) as bar:
            report = write_site(app, out_dir, base_url, progress=bar.update)
    except (PublishError, OSError, StoreError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    finally:
        close_app(app)
    if report.resources == 0:
        click.echo("error: the store holds no resources; load documents first", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(f"wrote {out_dir}: {report.resources} resources, {report.files} files in "
               f"{time.perf_counter() - started:.1f} s (web server rules: {out_dir}/nginx/budgetkg.conf, "
               f"{out_dir}/.htaccess)")
    sys.exit(EXIT_OK)
