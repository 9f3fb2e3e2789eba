"""The next years of a given document: its tables read by the reader, continued year after
year by ``continuity`` and printed in the template of the seed, each marked synthetic."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path, PurePath

from budgetkg.loader.reader import read_document
from budgetkg.loader.records import Document

from .continuity import Content, Continuity
from .document import SyntheticDocument, continue_document
from .model import Quirks
from .vocabulary import LABELS


def contents_of(doc: Document) -> list[Content]:
    """What each table of a read document says, as ``continuity`` takes it.

    Raises ValueError (naming the file) for what the generator cannot print: another
    currency than 万元, several departments, a table without a total."""
    if doc.currency_unit != "万元":
        raise ValueError(f"{doc.source}: amounts in {doc.currency_unit}; only 万元 documents can be continued")
    depts = {(p.department.code, p.department.name) for p in doc.projects if p.department is not None}
    if len(depts) != 1 or not next(iter(depts))[0].isdigit():
        raise ValueError(f"{doc.source}: expected one department with a numeric code, found {sorted(depts)}")
    code, name = depts.pop()
    out: list[Content] = []
    for p in doc.projects:
        cents = {f: int((v * 100).to_integral_value()) for f, v in p.amounts.items() if v is not None and v > 0}
        if "total" not in cents:
            raise ValueError(f"{doc.source}:{p.line}: table {p.seq} ({p.name}) has no project total")
        groups: dict[str, list[tuple[str, str]]] = {}
        for ind in p.indicators:
            if ind.level2 not in LABELS:
                raise ValueError(f"{doc.source}:{ind.line}: level-2 code {ind.level2!r} is not one the "
                                 "generator prints")
            groups.setdefault(ind.level2, []).append((ind.name, ind.value))
        out.append(Content(
            name=p.name, dept=(int(code), name),
            unit=None if p.unit is None else (p.unit.code, p.unit.name),
            attribute=p.attribute.code if p.attribute is not None else "02",
            period=p.period, cents=cents, goal=p.goal or "",
            groups=sorted(groups.items()), carryover=p.carryover.marker is not None,
        ))
    return out


def next_years(path: str | Path, *, seed: int = 0, years: Sequence[int] | None = None,
               quirks: bool | Quirks = True, continuity: Continuity | None = None) -> list[SyntheticDocument]:
    """Documents for ``years`` after the document at ``path`` (default: the one year after
    it), each continuing the one before. Raises ValueError for a document the reader finds
    errors in or the generator cannot continue, and for years not after the document's."""
    doc = read_document(path)
    if doc.errors:
        raise ValueError(f"{path}: the reader found errors: {doc.errors[0]}")
    if doc.year is None:
        raise ValueError(f"{path}: no fiscal year in the header")
    years = [doc.year + 1] if not years else sorted(years)
    if years[0] <= doc.year or len(set(years)) != len(years):
        raise ValueError(f"years must be distinct and after the document's year {doc.year}: {years}")
    contents = contents_of(doc)
    name = PurePath(str(path)).name
    prev = SyntheticDocument(text="", truth={"source": name}, department=contents[0].dept[0], year=doc.year,
                             contents=tuple(contents))
    out: list[SyntheticDocument] = []
    for y in years:
        how = f"budgetkg generate --next-year {name} --seed {seed}, {y} continuing {prev.year}"
        prev = continue_document(prev, seed, year=y, quirks=quirks, continuity=continuity, how=how)
        out.append(prev)
    return out


def file_name(source: str | Path, year: int) -> str:
    """``000_aa5de0a37e870aea.txt`` continued into 2023: ``000_aa5de0a37e870aea.synthetic-2023.txt``."""
    return f"{PurePath(str(source)).stem}.synthetic-{year}.txt"


__all__ = ["contents_of", "next_years", "file_name"]
