"""`budgetkg generate OUT_DIR`: write a synthetic corpus in the template of the seed.

The documents and their answer keys come from ``budgetkg.synthetic``; they are for tests
and benchmarks and never go into the default dataset.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from budgetkg.commands.status import EXIT_OK, EXIT_USAGE
from budgetkg.synthetic import ENCODINGS, generate_corpus


def _years(_ctx: click.Context, _param: click.Parameter, value: str) -> tuple[int, ...]:
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
@click.option("--years", default="2021,2022,2023", show_default=True, callback=_years,
              help="Years to write, separated by commas; one document per department and year.")
@click.option("--encoding", type=click.Choice(ENCODINGS), default="utf-8", show_default=True)
@click.option("--crlf", is_flag=True, help="Write CRLF line ends (default LF).")
@click.option("--truth", is_flag=True, help="Write NAME.truth.json (the answer key) beside each file.")
@click.option("--progress", is_flag=True, help="Show a progress bar.")
def generate(out_dir: Path, seed: int, tables: int | None, megabytes: float | None, triples: int | None,
             years: tuple[int, ...], encoding: str, crlf: bool, truth: bool, progress: bool) -> None:
    """Write synthetic performance-target tables into OUT_DIR.

    Give at most one size (--tables, --megabytes or --triples); without one, one
    seed-sized document per year. Prints one summary line. Exit status: 0 ok, 2 usage
    or I/O error.
    """
    if sum(x is not None for x in (tables, megabytes, triples)) > 1:
        raise click.UsageError("give at most one of --tables, --megabytes, --triples")
    try:
        paths = generate_corpus(out_dir, seed=seed, tables=tables, megabytes=megabytes, triples=triples,
                                years=years, encoding=encoding, newline="\r\n" if crlf else "\n",
                                truth=truth, progress=progress)
    except OSError as exc:
        click.echo(f"{out_dir}: error: cannot write: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_USAGE)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    size = sum(p.stat().st_size for p in paths)
    n_tables = sum(line.startswith("项目名称") for p in paths for line in p.read_bytes().decode(encoding).splitlines())
    click.echo(f"{out_dir}: {len(paths)} files, {n_tables} tables, {size / 1_000_000:.2f} MB")
