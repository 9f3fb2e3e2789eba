"""Writing a corpus: one document per department and year until a size target (tables,
megabytes of encoded text or estimated triples) is reached, with optional answer keys."""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from .continuity import Continuity
from .document import SyntheticDocument, continue_document, generate_document
from .vocabulary import COUNTY_PLACES, TOPICS, department_catalog


def generate_corpus(out_dir: Path, *, seed: int = 0, tables: int | None = None, megabytes: float | None = None,
                    triples: int | None = None, years: Sequence[int] = (2021, 2022, 2023), encoding: str = "utf-8",
                    newline: str = "\n", truth: bool = False, progress: bool = False,
                    continuity: Continuity | None = Continuity(),
                    framework_2021: int | None = None) -> list[Path]:
    """Write documents (one per department and year, 20–60 tables each) into ``out_dir``.

    Sized by exactly one target: a count of ``tables``, ``megabytes`` of encoded text, or
    ``triples`` (estimated as ``TRIPLES_PER_TABLE`` per table + ``TRIPLES_PER_INDICATOR``
    per indicator); with none, one seed-sized document per year. Files are named
    ``dept412_2023.txt``, with ``dept412_2023.truth.json`` beside each when ``truth``.
    Returns the paths of the text files in the order written.

    A department's years continue each other (``continuity``: most lines and indicators
    kept, some totals and targets changed, lines added and dropped, carry-overs; see
    docs/synthetic.md); ``continuity=None`` draws every year afresh, as before.
    ``framework_2021``: a year from which continued years print the 2021 indicator
    framework (成本指标 at level 1, which the reader reads: tests/test_next_year.py).
    """
    targets = [t for t in (tables, megabytes, triples) if t is not None]
    if len(targets) > 1:
        raise ValueError("give at most one of tables, megabytes, triples")
    if not years:
        raise ValueError("years must not be empty")
    if tables is None and megabytes is None and triples is None:
        tables = 37 * len(years)
    if any(t <= 0 for t in targets):
        raise ValueError("the size target must be positive")
    goal = float(tables if tables is not None else megabytes * 1_000_000 if megabytes is not None else triples)
    measure: Callable[[SyntheticDocument, int], float] = (
        (lambda d, n: d.tables) if tables is not None
        else (lambda d, n: n) if megabytes is not None
        else (lambda d, n: d.triples_estimate)
    )
    out_dir = Path(out_dir)
    data_dir = Path(str(resources.files("budgetkg") / "data")).resolve()
    if out_dir.resolve() == data_dir or data_dir in out_dir.resolve().parents:
        raise ValueError(f"{out_dir} is the package's default dataset; write synthetic documents elsewhere")
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"budgetkg-corpus:{seed}")
    catalog = [code for code, _ in department_catalog()]
    cities = len(catalog) - len(COUNTY_PLACES) * len(TOPICS)
    depts, counties = catalog[:cities], catalog[cities:]
    rng.shuffle(depts)
    # the counties' own generator, so that the cities' draws (and corpora that fit in them)
    # stay what they were before the counties were added
    random.Random(f"budgetkg-corpus:{seed}:counties").shuffle(counties)
    depts += counties
    pairs = iter([(d, y) for d in depts for y in years])
    done, n_tables, written = 0.0, 0, []
    last: SyntheticDocument | None = None
    bar = _progress(goal, progress, "tables" if tables is not None else "B" if megabytes is not None else "triples")
    while done < goal:
        try:
            dept, year = next(pairs)
        except StopIteration:
            raise ValueError("size target too large for the department catalogue") from None
        n = rng.randint(20, 60)
        room = None
        if n_tables:  # size the last document from the average so far, not to overshoot
            room = max(1, math.ceil((goal - done) / (done / n_tables)))
            n = min(n, room)
        if continuity is not None and last is not None and last.department == dept:
            doc = continue_document(last, seed, year=year, continuity=continuity, tables=room,
                                    framework_2021=framework_2021 is not None and year >= framework_2021)
        else:
            doc = generate_document(seed, department=dept, year=year, tables=n)
        last = doc
        data = doc.encode(encoding, newline)
        path = out_dir / doc.file_name
        path.write_bytes(data)
        if truth:
            doc.truth["source"] = path.name
            path.with_suffix(".truth.json").write_text(
                json.dumps(doc.truth, ensure_ascii=False, indent=1), encoding="utf-8")
        written.append(path)
        step = measure(doc, len(data))
        done += step
        n_tables += doc.tables
        if bar is not None:
            bar.update(step)
    if bar is not None:
        bar.close()
    return written


def _progress(total: float, show: bool, unit: str) -> Any:
    if not show:
        return None
    from tqdm import tqdm  # noqa: PLC0415  (only when asked)

    return tqdm(total=total, unit=unit, unit_scale=True, desc="generating")
