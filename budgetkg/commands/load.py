"""`budgetkg load FILE...`: tables into the store (or into an RDF file with --out)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from typing import TYPE_CHECKING, Any

import click

from budgetkg.commands.progress import progress_bar
from budgetkg.commands.status import EXIT_INVALID, EXIT_OK, EXIT_USAGE
from budgetkg.loader.provenance import SourceInfo, SourceInfoError, source_info
from budgetkg.loader.rdf_files import RDF_EXTENSIONS
from budgetkg.settings import SettingsError, load_settings
from budgetkg.store import Store, StoreError

if TYPE_CHECKING:  # (imported where used: `budgetkg --help` and a load stay light)
    from budgetkg.documents import DocumentResult
    from budgetkg.pipeline import LoadSummary


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help=f"Write RDF to this file instead (format by extension: {' '.join(RDF_EXTENSIONS)}).")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of the store [default: the data_dir setting].")
@click.option("--base-iri", help="Base of the minted IRIs [default: the base_iri setting].")
@click.option("--store", "store_url", metavar="URL",
              help="Load into this remote SPARQL store instead (docs/stores.md); credentials come "
              "from BUDGETKG_STORE_USER / BUDGETKG_STORE_PASSWORD or the config file.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path),
              help="TOML file of settings.")
@click.option("--workers", type=click.IntRange(min=0), default=None,
              help="Worker processes that parse, convert and validate [default: one per core, at most 2; "
              "0 = in this process].")
@click.option("--strict", is_flag=True,
              help="Refuse a document with SHACL violations (it keeps what it had); default: load it and report.")
@click.option("--no-validate", "no_validate", is_flag=True, help="Skip SHACL validation (faster; said in the summary).")
@click.option("--warnings", "show_warnings", is_flag=True,
              help="Print every SHACL warning (default: a count per document).")
@click.option("--source-url", metavar="URL",
              help="Where the (one) table file was downloaded from; stated in its RDF and the DCAT "
              "description. Several files: a sidecar FILE.source.json beside each (docs/linked-data.md).")
@click.option("--retrieved", metavar="DATE",
              help="Date (YYYY-MM-DD) the file was downloaded [default: its modification date].")
@click.option("--rebuild", is_flag=True,
              help="Delete the store in the data folder first and load FILES into a new one "
              "(for a damaged store; give every file the store should hold).")
def load(files: tuple[Path, ...], out: Path | None, data_dir: Path | None, base_iri: str | None,
         store_url: str | None, config_file: Path | None, workers: int | None, strict: bool,
         no_validate: bool, show_warnings: bool, rebuild: bool, source_url: str | None = None,
         retrieved: str | None = None) -> None:
    """Load performance-target tables: each document replaces its own named graph.

    FILES are table files (.txt, .pdf, .docx, .xlsx, .xls, .html), RDF files (.trig .nq
    .ttl .nt .jsonld) or folders of them. Documents are added incrementally: a file loaded before with the same
    content is skipped, with new content it replaces what it loaded (atomically; an
    interrupted load is finished or undone at the next start). Each document is
    SHACL-validated; violations are printed and the document is loaded anyway unless
    --strict. Exit status: 0 all loaded, 1 some file or table had invalid data or
    violations (the good ones are still loaded), 2 a file could not be read or the
    store not opened.
    """
    try:
        settings = load_settings({"data_dir": data_dir, "base_iri": base_iri, "store_url": store_url},
                                 config_file=config_file)
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from None
    from budgetkg.paths import expand_paths

    paths = expand_paths(files)
    sources = _sources(paths, source_url, retrieved)
    if out is not None:
        sys.exit(_write(paths, out, settings.base_iri, sources, publish_contacts=settings.publish_contacts))
    if rebuild:
        if settings.store_url:
            raise click.UsageError("--rebuild is for the embedded store; a remote store is rebuilt on its server")
        from budgetkg.store.rebuild import wipe_store

        try:
            if wipe_store(settings.data_dir):
                click.echo(f"deleted the old store in {settings.data_dir}", err=True)
        except StoreError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_USAGE)
    # Remote loads go in batches: this bar counts the triples sent.
    sent = progress_bar(desc="sending", unit="triple", file=sys.stderr, disable=None if settings.store_url else True,
                position=1, leave=False)
    started = time.perf_counter()
    opening = _Opening(settings, sent.update)  # while the loader's modules are imported
    from budgetkg import pipeline

    try:
        with opening.store() as store, sent:
            ontology = opening.ontology.triples
            status, summary = load_files(store, paths, settings.base_iri, workers=workers,
                                         validate=not no_validate, strict=strict, show_warnings=show_warnings,
                                         sources=sources, publish_contacts=settings.publish_contacts)
    except StoreError as exc:  # the store could not be opened, or failed: stop here
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(f"summary: {summary.text()}")
    click.echo(
        f"loaded {summary.loaded + summary.unchanged} of {len(paths)} files into "
        f"{settings.store_url or settings.data_dir}: {summary.tables} tables, "
        f"{summary.triples + ontology} triples (with the ontology) in {time.perf_counter() - started:.1f} s"
    )
    sys.exit(status)


def load_files(store: Store, paths: list[Path], base: str, *, workers: int | None = None,
               validate: bool = True, strict: bool = False,
               show_warnings: bool = False,
               sources: dict[Path, SourceInfo] | None = None,
               publish_contacts: bool = False) -> tuple[int, LoadSummary]:
    """Load each file, reporting problems on stderr: (exit status, summary).

    The streaming pipeline (``budgetkg.pipeline.load_corpus``): documents are parsed,
    converted and SHACL-validated by worker processes and written one at a time, with a
    progress bar and a summary. Policy: every reader problem and every SHACL violation
    is printed (FILE:LINE); a document with violations is still loaded (exit status 1)
    unless ``strict``, which refuses it (its path keeps what it had). Warnings are
    counted per document (all printed with ``show_warnings``). A file that cannot be
    read or converted is skipped (the others still load). Raises ``StoreError`` when
    the store fails (the caller stops with exit status 2).
    """
    from budgetkg import pipeline
    from budgetkg.documents import located

    status = EXIT_OK
    bar = progress_bar(total=len(paths), desc="loading", unit="doc", file=sys.stderr, disable=None if paths else True,
               dynamic_ncols=True)
    tables = triples = 0
    started = time.perf_counter()

    def on_result(path: Path, res: DocumentResult) -> None:
        nonlocal status, tables, triples
        say = bar.write if not bar.disable else (lambda m: click.echo(m, err=True))
        if res.action == "failed":
            say(f"{path}: error: {res.error}")
            unreadable = res.error is not None and res.error.kind == "unreadable"
            status = max(status, EXIT_USAGE if unreadable else EXIT_INVALID)
        for problem in res.problems:
            if problem.severity != "info":
                say(str(problem))
        if res.errors:
            status = max(status, EXIT_INVALID)
        for v in res.violations:
            say(located(path, v))
        if res.violations:
            status = max(status, EXIT_INVALID)
            if res.action == "refused":
                say(f"{path}: refused (--strict): {len(res.violations)} SHACL violation(s)")
        if show_warnings:
            for w in res.warnings:
                say(located(path, w))
        elif res.warnings:
            say(f"{path}: {len(res.warnings)} SHACL warning(s) (budgetkg validate {path} lists them)")
        if res.action not in ("failed", "refused"):
            tables += res.tables
            triples += res.triples
        rate = triples / max(time.perf_counter() - started, 1e-9)
        bar.set_postfix_str(f"{tables} tables, {triples:,} triples, {rate:,.0f} triples/s", refresh=False)
        bar.update(1)

    def on_compact() -> None:
        say = bar.write if not bar.disable else (lambda m: click.echo(m, err=True))
        say("compacting the store (merging the files of the documents written; "
            "about 1.5 s per million triples)")

    def on_upgrade(n: int) -> Any:
        say = bar.write if not bar.disable else (lambda m: click.echo(m, err=True))
        say(f"the store holds {n} document(s) loaded by older code: bringing their summaries up to "
            "date first (from the store's own triples; budgetkg upgrade does this alone)")
        upgrading = progress_bar(total=n, desc="upgrading", unit="doc", file=sys.stderr, disable=None,
                                 dynamic_ncols=True, leave=False)
        done = 0

        def step(graph: str, triples: int) -> None:
            nonlocal done
            done += 1
            upgrading.update(1)
            if done == n:
                upgrading.close()

        return step

    try:
        summary = pipeline.load_corpus(store, paths, base=base, workers=workers, validate=validate,
                                       strict=strict, on_result=on_result, sources=sources,
                                       publish_contacts=publish_contacts, on_compact=on_compact,
                                       on_upgrade=on_upgrade)
    finally:
        bar.close()
    if summary.recovered:
        click.echo(f"note: {summary.recovered}", err=True)
    from budgetkg.store.dumps import refresh_dump

    refresh_dump(store)  # the full dump follows the store (docs/linked-data.md)
    return status, summary


class _Opening:
    """``open_store(settings)`` and the ontology graph loaded into it
    (``budgetkg.ontology_graph``), in a thread started before the loader's modules are
    imported: creating a RocksDB database and bulk-loading a graph wait on some 50 fsyncs
    (~0.1-0.2 s of a seed load), and pyoxigraph lets the interpreter run meanwhile.
    ``store()`` waits for it and returns the store (``ontology`` then says what was
    loaded), or raises what opening or loading raised (``StoreError``), the store closed."""

    def __init__(self, settings: Any, progress: Any) -> None:
        import threading

        self._store: Store | None = None
        self._error: BaseException | None = None
        self.ontology: Any = None  # budgetkg.ontology_graph.OntologyLoad
        self._thread = threading.Thread(target=self._open, args=(settings, progress),
                                        name="budgetkg-open-store", daemon=True)
        self._thread.start()

    def _open(self, settings: Any, progress: Any) -> None:
        from budgetkg.ontology_graph import load
        from budgetkg.store import open_store

        try:
            store = open_store(settings, progress=progress)
        except BaseException as exc:  # handed to the caller of store()
            self._error = exc
            return
        try:
            self.ontology = load(store, base=settings.base_iri)
        except BaseException as exc:
            store.close()
            self._error = exc
            return
        self._store = store

    def store(self) -> Store:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._store is not None
        return self._store


def _sources(paths: list[Path], url: str | None, retrieved: str | None) -> dict[Path, SourceInfo]:
    """``--source-url``/``--retrieved`` for the one table file given (usage error otherwise)."""
    if not url:
        if retrieved:
            raise click.UsageError("--retrieved goes with --source-url")
        return {}
    if len(paths) != 1:
        raise click.UsageError("--source-url names the origin of one file; for several, put a "
                               "FILE.source.json beside each (docs/linked-data.md)")
    try:
        info = source_info(paths[0], url, retrieved)
    except SourceInfoError as exc:
        raise click.UsageError(str(exc)) from None
    assert info is not None
    return {paths[0]: info}


def _write(paths: list[Path], out: Path, base: str, sources: dict[Path, SourceInfo] | None = None, *,
           publish_contacts: bool = False) -> int:
    """Convert every table file into one dataset (with the ontology) and write it."""
    from rdflib import Dataset, URIRef

    from budgetkg.documents import TABLE_SUFFIXES, process_document
    from budgetkg.loader.rdf import add_ontology, bind_prefixes, write_rdf

    status = EXIT_OK
    ds = bind_prefixes(Dataset(), base)
    add_ontology(ds, base=base)
    tables = 0
    for path in paths:
        if path.suffix.lower() not in TABLE_SUFFIXES:
            click.echo(f"{path}: error: only table files (.txt, .pdf, .docx, .xlsx, .xls, .html) can be "
                       "converted with --out", err=True)
            status = max(status, EXIT_USAGE)
            continue
        res = process_document(path, base, validate=False, serialize=False, keep_graph=True,
                               source=(sources or {}).get(path), publish_contacts=publish_contacts)
        if res.error is not None:
            click.echo(f"{path}: error: {res.error}", err=True)
            status = max(status, EXIT_USAGE if res.error.kind == "unreadable" else EXIT_INVALID)
            continue
        assert res.rdf is not None and res.graph is not None
        target = ds.graph(URIRef(res.graph))
        ds.remove_graph(target)  # the same content given twice is one graph
        target = ds.graph(URIRef(res.graph))
        target.addN((s, p, o, target) for s, p, o in res.rdf)
        for problem in res.problems:
            if problem.severity != "info":
                click.echo(str(problem), err=True)
        if res.errors:
            status = max(status, EXIT_INVALID)
        tables += res.tables
    try:
        write_rdf(ds, out)
    except (OSError, ValueError) as exc:
        click.echo(f"{out}: error: cannot write: {exc}", err=True)
        return EXIT_USAGE
    click.echo(f"wrote {out}: {tables} tables, {sum(1 for _ in ds.quads())} triples")
    return status
