"""The table reader: a file -> ``Document`` of ``Project`` records, in two stages.

A **source** (``loader.sources``, chosen by the file's content) turns the bytes into a
``Grid`` of rows of cells; a **template** (``loader.templates``, chosen by what the grid
shows, or by name) turns the grid into records and accounts for every row. This module
only joins them (docs/reader.md).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from . import levels, targets, vocabulary
from .gc_pause import gc_paused
from .grid import Grid
from .records import Document, Problem
from .sources import SourceError, read_grid
from .sources import text as text_source
from .templates import DEFAULT, Template, detect_template, get_template, templates
from .templates.base import DEFAULT_CURRENCY
from .text import fold


def read_document(path: str | Path, template: str | Template | None = None) -> Document:
    """Read one file. Never raises for bad content: problems go into the Document."""
    data = Path(path).read_bytes()  # I/O errors propagate: the CLI reports them
    return parse_bytes(data, source=str(path), template=template)


def parse_bytes(data: bytes, source: str = "<bytes>", template: str | Template | None = None) -> Document:
    """Read a file's bytes (any format a source reads) into a Document."""
    with gc_paused():  # (one block: the grid's rows are many small tuples, no cycles)
        try:
            grid = read_grid(data, source)
        except SourceError as exc:  # not a document at all: one problem, no records
            doc = Document(source=source, year=None, currency_unit=DEFAULT_CURRENCY, encoding="unknown",
                           sha256=hashlib.sha256(data).hexdigest())
            doc.problems.append(Problem(exc.code, exc.reason, source, None))
            return doc
        return parse_grid(grid, template)


def parse_text(text: str, source: str = "<text>", template: str | Template | None = None) -> Document:
    """Parse decoded text (any newline style) into a Document."""
    # (a BOM the caller's decoding left is removed; parse_bytes' decoding already has)
    with gc_paused():
        grid = text_source.grid_of_text(text.removeprefix("\ufeff"), source)
        grid.sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return parse_grid(grid, template)


#: problems by which the family reader has already spoken (no fallback needed)
FAMILY_CODES = ("blank-form", "no-family")


def parse_grid(grid: Grid, template: str | Template | None = None) -> Document:
    """Read a grid with the named template, or the one that recognises it best.

    Without a template named, a grid whose chosen template finds no indicator row is
    read again by the layout-family reader (``templates.document``, each table matched
    to its family); its reading wins when it finds tables or a blank form. Every
    command (parse, load, validate, the service) reads through here: one behaviour."""
    if template is None:
        chosen, _ = detect_template(grid)
    elif isinstance(template, str):
        chosen = get_template(template)
    else:
        chosen = template
    with gc_paused():
        doc = chosen.read(grid)
        if template is not None or not needs_family_fallback(doc):
            return doc
        from .templates.document import read_grid as read_family_grid

        try:
            fam = read_family_grid(grid)
        except ValueError:  # not readable by the families either: the first reading says why
            return doc
    if fam.tables or any(p.code == "blank-form" for p in fam.problems):
        return fam.to_document()
    return doc


def needs_family_fallback(doc: Document) -> bool:
    """True when a reading found no indicator row and the family reader has not spoken."""
    if any(p.indicators for p in doc.projects) or any(t.indicators for t in doc.tables):
        return False
    return not doc.tables and not any(p.code in FAMILY_CODES for p in doc.problems)


def clear_caches() -> None:
    """Forget every memoized result of the reader and its helpers (lines cut into cells,
    folded cells, labels, target values, amounts, level-2 shapes): for benchmarks of a
    first parse, and memory."""
    targets.clear_caches()
    text_source.clear_caches()
    for cached in (fold, vocabulary.level1_of, vocabulary.level2_of, levels._assign):
        cached.cache_clear()
    for t in templates().values():
        t.clear_caches()


__all__ = ["read_document", "parse_text", "parse_bytes", "parse_grid", "needs_family_fallback", "clear_caches",
           "FAMILY_CODES", "DEFAULT"]
