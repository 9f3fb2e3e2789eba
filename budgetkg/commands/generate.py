"""`budgetkg generate OUT_DIR`: write a synthetic corpus in the template of the seed, or
(``--next-year DOC``) the years after a given document.

The documents and their answer keys come from ``budgetkg.synthetic``; they are for tests
and benchmarks, never go into the default dataset, and say in their header block that
they are synthetic (合成数据（非真实数据）), which the loaded graph and its pages repeat.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from budgetkg.commands.status import EXIT_INVALID, EXIT_OK, EXIT_USAGE
from budgetkg.synthetic import ENCODINGS, generate_corpus
from budgetkg.synthetic.continuity import Continuity


def _years(_ctx: click.Context, _param: click.Parameter, value: str | None) -> tuple[int, ...] | None:
    if value is None:
        return None
    try:
        years = tuple(int(y) for y in value.split(",") if y.strip())
    except ValueError:
        raise click.BadParameter(f"expected years separated by commas, e.g. 2021,2022; got {value!r}") from None
    if not years or any(not 1990 <= y <= 2100 for y in years):
        raise click.BadParameter(f"expected years between 1990 and 2100, got {value!r}")
    return years


@click.command()
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed: same seed, same bytes.")
@click.option("--tables", type=click.IntRange(min=1), help="Size: number of tables.")
@click.option("--megabytes", type=click.FloatRange(min=0, min_open=True), help="Size: MB of text.")
@click.option("--triples", type=click.IntRange(min=1),
              help="Size: estimated RDF triples (~13 per indicator + ~40 per table).")
@click.option("--years", callback=_years,
              help="Years to write, separated by commas; one document per department and year "
                   "[default: 2021,2022,2023; with --next-year: the year after DOC's].")
@click.option("--next-year", "next_of", metavar="DOC",
              help="Write the years after the table file DOC instead (its lines continued: totals drifting, "
                   "targets changed, lines added and dropped, carry-overs); DOC 'seed' is the embedded "
                   "2022 document.")
@click.option("--with-source", is_flag=True,
              help="With --next-year: copy DOC into OUT_DIR too, so that loading OUT_DIR loads every year.")
@click.option("--framework-2021", "framework_2021", type=click.IntRange(1990, 2100), metavar="YEAR",
              help="Print continued years from YEAR on in the 2021 indicator framework (成本指标 at level 1, "
                   "41-43 under it; docs/synthetic.md); default: the old framework in every year.")
@click.option("--independent-years", is_flag=True,
              help="Draw each year of a department afresh (default: each year continues the last).")
@click.option("--encoding", type=click.Choice(ENCODINGS), default="utf-8", show_default=True)
@click.option("--crlf", is_flag=True, help="Write CRLF line ends (default LF).")
@click.option("--truth", is_flag=True, help="Write NAME.truth.json (the answer key) beside each file.")
@click.option("--progress", is_flag=True, help="Show a progress bar.")
def generate(out_dir: Path, seed: int, tables: int | None, megabytes: float | None, triples: int | None,
             years: tuple[int, ...] | None, next_of: str | None, with_source: bool, framework_2021: int | None,
             independent_years: bool,
             encoding: str,
             crlf: bool, truth: bool, progress: bool) -> None:
    """Write synthetic performance-target tables into OUT_DIR.

    Give at most one size (--tables, --megabytes or --triples); without one, one
    seed-sized document per year. With --next-year DOC, write the years after DOC
    instead (no size options). Prints one summary line. Exit status: 0 ok, 1 DOC cannot
    be continued, 2 usage or I/O error.
    """
    if sum(x is not None for x in (tables, megabytes, triples)) > 1:
        raise click.UsageError("give at most one of --tables, --megabytes, --triples")
    if next_of is not None:
        if tables is not None or megabytes is not None or triples is not None or independent_years \
                or framework_2021 is not None:
            raise click.UsageError("--next-year takes no size options, --independent-years or --framework-2021")
        _next_years(out_dir, _document(next_of), seed, years, encoding, crlf, truth, with_source)
        return
    if with_source:
        raise click.UsageError("--with-source goes with --next-year")
    try:
        paths = generate_corpus(out_dir, seed=seed, tables=tables, megabytes=megabytes, triples=triples,
                                years=years or (2021, 2022, 2023), encoding=encoding,
                                newline="\r\n" if crlf else "\n", truth=truth, progress=progress,
                                continuity=None if independent_years else Continuity(),
                                framework_2021=framework_2021)
    except OSError as exc:
        click.echo(f"{out_dir}: error: cannot write: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_USAGE)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    size = sum(p.stat().st_size for p in paths)
    n_tables = sum(line.startswith("项目名称") for p in paths for line in p.read_bytes().decode(encoding).splitlines())
    click.echo(f"{out_dir}: {len(paths)} files, {n_tables} tables, {size / 1_000_000:.2f} MB")


def _document(name: str) -> Path:
    if name == "seed":
        from importlib import resources  # noqa: PLC0415

        from budgetkg.synthetic import SEED_NAME  # noqa: PLC0415

        return Path(str(resources.files("budgetkg") / "data" / SEED_NAME))
    return Path(name)


def _next_years(out_dir: Path, doc: Path, seed: int, years: tuple[int, ...] | None, encoding: str, crlf: bool,
                truth: bool, with_source: bool) -> None:
    from budgetkg.synthetic.next_year import file_name, next_years  # noqa: PLC0415  (reads the reader)

    try:
        docs = next_years(doc, seed=seed, years=years)
    except OSError as exc:
        click.echo(f"{doc}: error: cannot read: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_USAGE)
    except ValueError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_INVALID)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        if with_source:
            (out_dir / doc.name).write_bytes(doc.read_bytes())
            click.echo(f"{out_dir / doc.name}: {docs[0].truth['continuity']['previous']['year']}, a copy of {doc}")
        for d in docs:
            path = out_dir / file_name(doc, d.year)
            path.write_bytes(d.encode(encoding, "\r\n" if crlf else "\n"))
            if truth:
                d.truth["source"] = path.name
                path.with_suffix(".truth.json").write_text(json.dumps(d.truth, ensure_ascii=False, indent=1),
                                                           encoding="utf-8")
            c = d.truth["continuity"]
            click.echo(f"{path}: {d.year}, {d.tables} tables ({len(c['new_tables'])} new, "
                       f"{len(c['dropped_tables'])} of {c['previous']['tables']} not continued, "
                       f"{c['carryover_tables']} carry-overs added), {c['indicators']['changed']} targets changed; "
                       "synthetic")
    except OSError as exc:
        click.echo(f"{out_dir}: error: cannot write: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_USAGE)
