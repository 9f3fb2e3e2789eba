"""A whole file through the family templates: cut into tables, detect each, read it.

A table starts at its title (``…绩效目标表``, ``…申报表``, ``…审批表``); text before the
first title, or a part without a project-name label (a page heading repeating the
title), is the preamble of the next table. Each table is matched to the family whose
markers it has; ``template=NAME`` forces one. A table matching no family, and a blank
form (labels but no project name and no values), give a problem and no table.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import importlib
import pkgutil
import weakref
from functools import lru_cache
from types import ModuleType

from ..grid import Grid
from ..records import Document, FamilyDocument, LineEntry, Problem
from ..text import Row, cells, fold, split_lines
from . import base
from .detect import THRESHOLD, Detection
from .tokens import TokRow, Tokens, text_rows

#: the shared machinery of the family templates: modules that are no family
_SHARED = {"tokens", "labels", "form", "detect", "document", "base"}


@lru_cache(maxsize=1)
def families() -> dict[str, ModuleType]:
    """The family modules of this package (``NAME``, ``TITLE``, ``detect``, ``read``)."""
    from . import __path__ as pkg_path

    out: dict[str, ModuleType] = {}
    for info in sorted(pkgutil.iter_modules(pkg_path), key=lambda m: m.name):
        if info.name in _SHARED or info.name.startswith("_") or info.ispkg:
            continue
        mod = importlib.import_module(f"{__package__}.{info.name}")
        if all(hasattr(mod, a) for a in ("NAME", "TITLE", "detect", "read")):
            out[mod.NAME] = mod
    return out


class FamilyTemplate(base.Template):
    """A family module as a seam ``Template``: detection per table, the best table's score.

    Its scores are kept a little under a perfect match (``_MARGIN``) and at zero below
    the detection threshold, so that a layout with its own complete landmarks (Ningxia)
    keeps its documents.
    """

    _MARGIN = 0.95

    def __init__(self, name: str, title: str) -> None:
        self._name, self._title = name, title

    @property  # type: ignore[override]
    def name(self) -> str:  # type: ignore[override]
        return self._name

    @property  # type: ignore[override]
    def title(self) -> str:  # type: ignore[override]
        return self._title

    def detect(self, grid: Grid) -> base.Detection:
        mod = families()[self._name]
        best = max((mod.detect(text) for text in region_texts(grid)), key=lambda d: d.score, default=None)
        if best is None:
            return base.Detection(self._name, 0.0, (), tuple(g[0] for g in getattr(mod, "MARKERS", ())))
        score = best.score * self._MARGIN if best.score >= THRESHOLD else 0.0
        return base.Detection(self._name, score, best.found, best.missing)

    def read(self, grid: Grid) -> Document:
        return read_grid(grid, fallback=self._name).to_document()

    def clear_caches(self) -> None:
        global _LAST_REGIONS
        _LAST_REGIONS = None

#: The last grid's tables as flat text: every family asks for them in turn (one
#: tokenization per grid, not one per family). Held by a weak reference, never keeping
#: a grid alive; a lookup checks identity.
_LAST_REGIONS: tuple[weakref.ref[Grid], tuple[str, ...]] | None = None


def region_texts(grid: Grid) -> tuple[str, ...]:
    """The flat text of each table of ``grid`` (its rows that are not boilerplate)."""
    global _LAST_REGIONS
    last = _LAST_REGIONS
    if last is not None and last[0]() is grid:
        return last[1]
    tokens = text_rows([(r.number, r.cells) for r in grid.rows if r.boilerplate is None])
    texts = tuple(flat_text(p) for p in regions(tokens))
    _LAST_REGIONS = (weakref.ref(grid), texts)
    return texts


_TITLE = re.compile(r"绩效目标(?:申报|审批)?表(?:\(\d{4}年度?\))?$")
_NAME_LABELS = ("项目名称", "项目支出名称", "二级项目名称")


class UnknownTemplate(ValueError):
    """``--template`` named no family."""


def is_title(text: str) -> bool:
    k = fold(text).rstrip("|")
    return len(k) < 90 and bool(_TITLE.search(k))


def regions(tokens: Tokens) -> list[list[TokRow]]:
    """The document's rows cut into tables.

    A table starts at its title; where titles are missing (cut off, or a page heading
    only once), a project-name label after a table's indicator header starts the next.
    Parts without a project-name label (a page heading repeating the title) are the
    preamble of the next table.
    """
    parts: list[list[TokRow]] = [[]]
    seen_name = seen_header = False
    for r in tokens.rows:
        head = fold("".join(t.text for t in r.toks[:3])) if r.toks else ""
        starts_name = any(head.startswith(n) for n in _NAME_LABELS)
        if parts[-1] and r.toks and (is_title(" ".join(t.text for t in r.toks[:8])) or (starts_name and seen_name and seen_header)):
            parts.append([])
            seen_name = seen_header = False
        parts[-1].append(r)
        seen_name = seen_name or starts_name or any(n in head for n in _NAME_LABELS)
        seen_header = seen_header or (seen_name and "一级指标" in fold("".join(t.text for t in r.toks)))
    out: list[list[TokRow]] = []
    carry: list[TokRow] = []
    for p in parts:
        text = flat_text(p)
        if not any(n in text for n in _NAME_LABELS):
            carry += p
            continue
        out.append(carry + p)
        carry = []
    if carry and out:
        out[-1] += carry
    elif carry:
        out.append(carry)
    return out


def _has_name_label(text: str) -> bool:
    return any(n in text for n in _NAME_LABELS)


def flat_text(rows: list[TokRow]) -> str:
    return fold("".join(t.text for r in rows for t in r.toks)).replace("|", "")


def currency_of(text: str) -> str | None:
    if re.search(r"单位:?元|\(元\)|金额单位:元", text):
        return "元"
    if "万元" in text:
        return "万元"
    return None


def best_family(text: str) -> Detection:
    found = [mod.detect(text) for mod in families().values()]
    return max(found, key=lambda d: d.score)


def read_text(text: str, source: str = "<text>", *, template: str | None = None, encoding: str = "utf-8") -> FamilyDocument:
    raw = split_lines(text)
    lines = [(i, cells(line)) for i, line in enumerate(raw, 1)]
    return read_rows(lines, source, raw=raw, template=template, encoding=encoding)


def read_grid(grid: Grid, *, template: str | None = None, fallback: str | None = None) -> FamilyDocument:
    """The seam's entry: a source's ``Grid`` (rows of cells with locators) to tables."""
    rows = [r for r in grid.rows if r.boilerplate is None]
    raw = [grid.lines[r.number - 1] for r in rows] if grid.lines is not None else None
    doc = read_rows([(r.number, r.cells) for r in rows], grid.source, raw=raw, template=template,
                    fallback=fallback, encoding=grid.encoding)
    flagged = [LineEntry(r.number, "boilerplate", r.boilerplate) for r in grid.rows if r.boilerplate is not None and r.cells]
    if flagged:
        doc.lines = sorted(doc.lines + flagged, key=lambda e: e.line)
    doc.sha256 = grid.sha256
    return doc


def detect_grid(grid: Grid) -> list[Detection]:
    """The best family of each table of a grid (a file may hold several)."""
    tokens = text_rows([(r.number, r.cells) for r in grid.rows if r.boilerplate is None])
    return [best_family(flat_text(p)) for p in regions(tokens)]


def read_rows(
    lines: list[tuple[int, Row]], source: str, *, raw: list[str] | None = None,
    template: str | None = None, fallback: str | None = None, encoding: str = "utf-8",
) -> FamilyDocument:
    """Rows of cells (line or row number, cells) to a family document.

    ``template`` forces a family on every table; ``fallback`` reads with that family
    the tables that match none (a template chosen for the whole file).
    """
    fams = families()
    if template is not None and template not in fams:
        raise UnknownTemplate(f"no template {template!r}; known: {', '.join(sorted(fams))}")
    tokens = text_rows(lines, raw)
    doc = FamilyDocument(source=source, encoding=encoding)
    outcome: list[tuple[int, str, str, int | None]] = []  # region start line, status, reason, table seq
    for part in regions(tokens):
        ftext = flat_text(part)
        line = min((t.line for r in part for t in r.toks), default=part[0].line if part else 1)
        if template is not None:
            det = fams[template].detect(ftext)
        else:
            det = best_family(ftext)
        if template is None and det.score < THRESHOLD and fallback is not None and _has_name_label(ftext):
            det = fams[fallback].detect(ftext)
        elif template is None and det.score < THRESHOLD:
            doc.problems.append(Problem(
                "no-family",
                f"a table matches no template family; closest is {det.family} "
                f"({det.score:.0%} of its markers), missing: {', '.join(det.missing)}",
                source, line, severity="error"))
            outcome.append((line, "rejected", "a table of no known layout family", None))
            continue
        read = fams[det.family].read(part, tokens.rowwise, currency_of(ftext))
        if not read:
            outcome.append((line, "boilerplate", f"text of a {det.family} form, no table", None))
        for k, table in enumerate(read):
            first = line if k == 0 else table.line
            if not table.name and not table.indicators and not any(a.value is not None for a in table.amounts):
                doc.problems.append(Problem(
                    "blank-form", f"a blank {det.family} form (labels, no values): no table",
                    source, table.line, severity="warning"))
                outcome.append((first, "boilerplate", f"a blank {det.family} form", None))
                continue
            if not table.name:
                doc.problems.append(Problem("no-project-name", "a table without a project name", source, table.line))
            doc.tables.append(table)
            outcome.append((first, "record", f"{det.family} table", len(doc.tables)))
    doc.lines = _account(lines, outcome, doc, source)
    if doc.year is None:
        m = re.search(r"(20\d{2})年度?", flat_text(tokens.rows[:40]))
        doc.year = int(m.group(1)) if m else None
    if not doc.tables and not doc.problems:
        doc.problems.append(Problem("no-table", "no performance-target table found", source, None))
    return doc


def _account(lines: list[tuple[int, Row]], outcome: list[tuple[int, str, str, int | None]],
             doc: FamilyDocument, source: str) -> list[LineEntry]:
    """Every non-blank row, accounted to the table (or rejected part) it falls in."""
    outcome.sort(key=lambda o: o[0])
    entries: list[LineEntry] = []
    k = -1
    for n, row in lines:
        if not row:
            continue
        while k + 1 < len(outcome) and outcome[k + 1][0] <= n:
            k += 1
        if k < 0:
            entries.append(LineEntry(n, "boilerplate", "text before the first table"))
            continue
        _, status, reason, seq = outcome[k]
        if status == "rejected":
            doc.problems.append(Problem("not-read", f"not read: {reason}", source, n, severity="warning"))
        entries.append(LineEntry(n, status, reason, seq))  # type: ignore[arg-type]
    return entries


def read_file(path: str | Path, *, template: str | None = None) -> FamilyDocument:
    """A file of any format a source reads, through the family templates."""
    from ..sources import read_grid as source_grid

    data = Path(path).read_bytes()
    doc = read_grid(source_grid(data, str(path)), template=template)
    doc.sha256 = hashlib.sha256(data).hexdigest()
    return doc
