"""What every template is and has: the ``Template`` interface, its ``Detection``, and the
``Ledger`` that accounts for every row and collects problems with their locators."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..grid import Grid, Locator
from ..records import Document, LineEntry, Problem, Severity

DEFAULT_CURRENCY = "万元"

_new_tuple = tuple.__new__  # LineEntry(...) without its Python-level __new__


@dataclass(frozen=True)
class Detection:
    """How well a template recognises a grid (or the span of rows it claims)."""

    template: str
    score: float  # 0 = not this layout, 1 = every landmark found
    found: tuple[str, ...] = ()  # landmarks seen, e.g. ("项目名称", "一级指标")
    missing: tuple[str, ...] = ()  # landmarks of the layout not seen
    #: the rows claimed, (first, last) row numbers inclusive; None = the whole grid
    span: tuple[int, int] | None = None

    def __str__(self) -> str:
        return (f"{self.template}: {self.score:.2f} (found {', '.join(self.found) or 'nothing'}"
                + (f"; missing {', '.join(self.missing)})" if self.missing else ")"))


class Template:
    """A table layout family: recognises its grids and reads them into a ``Document``.

    A subclass sets ``name`` (stable, used by ``--template``-style choices) and ``title``
    (for people), and implements ``detect`` and ``read``. ``read`` never raises for bad
    content: problems go into the Document, and every non-blank row is accounted for
    (``Ledger`` does the bookkeeping).
    """

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""

    def detect(self, grid: Grid) -> Detection:  # pragma: no cover - interface
        raise NotImplementedError

    def read(self, grid: Grid) -> Document:  # pragma: no cover - interface
        raise NotImplementedError

    def clear_caches(self) -> None:
        """Forget what the template memoized (labels classified, …); default: nothing."""

    def __repr__(self) -> str:
        return f"<template {self.name}>"


class Ledger:
    """The account of every row of one grid, and the problems found, for one Document.

    Rows are accounted by number (the line number for text); locators are attached at
    the end, so that text (no locators) pays nothing for them.
    """

    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        self.source = grid.source
        self.doc = Document(source=grid.source, year=None, currency_unit=DEFAULT_CURRENCY,
                            encoding=grid.encoding, sha256=grid.sha256, format=grid.format)
        self.entries: dict[int, LineEntry] = {}
        self.locators = grid.locators()
        for code, message, row, severity in grid.problems:
            self.problem(code, message, row, None, severity)  # type: ignore[arg-type]

    def where(self, row: int | None) -> Locator | None:
        """The locator of a row, if it is not a text line."""
        return self.locators.get(row) if (row is not None and self.locators) else None

    def account(self, row: int, status: str, reason: str, seq: int | None = None) -> None:
        self.entries[row] = _new_tuple(LineEntry, (row, status, reason, seq, None))

    def problem(self, code: str, message: str, row: int | None, text: str | None = None,
                severity: Severity = "error") -> None:
        self.doc.problems.append(Problem(code, message, self.source, row, text, severity, self.where(row)))

    def finish(self) -> Document:
        """The Document, with its line report in row order (locators attached)."""
        entries = [self.entries[k] for k in sorted(self.entries)]
        if self.locators:
            entries = [e._replace(locator=self.locators.get(e.line)) for e in entries]
        self.doc.lines = entries
        return self.doc
