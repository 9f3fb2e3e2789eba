"""Rows of cells -> the table's *tokens*, whatever form its text came in.

Performance-target tables reach us flattened in several ways (TEMPLATES.md):

- ``pipe``: a markdown-style table, one table row per line, cells between ``|``;
- ``cellbar``: one cell per line ending in `` |`` (a cell may wrap over lines without
  the bar), runs of bars on a line of their own mark a row break;
- ``rows``: one table row per line, cells separated by spaces (the column header
  ``一级指标 二级指标 …`` is on one line);
- ``fragments``: one cell fragment per line, no row boundaries (PDF text): a cell may
  wrap over several lines, and labels may be printed one character per line.

Each form becomes a list of ``TokRow`` (a table row, or for ``fragments`` one fragment)
of ``Tok`` (text and line). Whether rows are real table rows is the form's ``rowwise``.
A source that already knows cells (several tab-separated cells on a row) is ``rows``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple, Sequence

from ..text import Row, fold


class Tok(NamedTuple):
    text: str
    line: int
    col: int = -1  # display column where the token starts (space-laid-out text), else -1


class TokRow(NamedTuple):
    line: int
    toks: tuple[Tok, ...]
    #: for ``pipe`` rows, every cell including the empty ones, in column order
    raw: tuple[str, ...] = ()


class Tokens(NamedTuple):
    form: str  # "pipe", "cellbar", "rows", "fragments"
    rows: list[TokRow]

    @property
    def rowwise(self) -> bool:
        """Whether each ``TokRow`` is one table row (else a fragment of the stream)."""
        return self.form != "fragments"


# Column-header labels of the indicator block: a line holding two of them is a
# table row printed on one line (``rows`` form).
_HEADER_KEYS = ("一级指标", "二级指标", "三级指标", "指标值")
_PIPE_ROW = re.compile(r"^\s*\|.*\|.*\|")
_BARS = re.compile(r"^\s*\|+\s*$")
_SPLIT = re.compile(r"[ \u3000\xa0]+")


def text_rows(lines: Sequence[tuple[int, Row]], raw: Sequence[str] | None = None) -> Tokens:
    """Tokens of a document given as (line number, cells) rows (``text.cells`` output).

    ``raw``: the lines as printed (with their leading spaces), when the source is
    text: laid-out text keeps its columns in them.
    """
    texts = [(n, "\t".join(c.text for c in row)) for n, row in lines]
    multi = sum(1 for _, row in lines if len(row) > 1)
    nonblank = [(n, t) for n, t in texts if t.strip()]
    if not nonblank:
        return Tokens("rows", [])
    if multi >= 3:  # a source with real cells (tab-separated, a spreadsheet)
        return Tokens("rows", [TokRow(n, tuple(Tok(c.text, n) for c in row)) for n, row in lines if row])
    pipe = sum(1 for _, t in nonblank if _PIPE_ROW.match(t))
    bar = sum(1 for _, t in nonblank if t.rstrip().endswith("|"))
    if pipe >= 3 and pipe >= len(nonblank) // 3:
        return Tokens("pipe", _pipe_rows(nonblank))
    if bar >= len(nonblank) // 3:
        rows = _cellbar_rows(texts)
        if len(rows) > 1:
            return Tokens("cellbar", rows)
        # no row breaks printed: a stream of cells
        return Tokens("fragments", [TokRow(t.line, (t,)) for r in rows for t in r.toks])
    if any(sum(k in fold(t) for k in _HEADER_KEYS) >= 2 and " " in t.strip() for _, t in nonblank):
        if raw is not None and len(raw) == len(texts):
            texts = [(n, r.expandtabs(4)) for (n, _), r in zip(texts, raw)]
        return Tokens("rows", [TokRow(n, _words(t, n)) for n, t in texts if t.strip()])
    blocks = _blank_line_rows(texts)
    if blocks is not None:
        return Tokens("blocks", blocks)
    rows = [TokRow(n, _words(t, n)) for n, t in texts if t.strip()]
    # fragments: every space-separated piece is its own fragment of the stream
    return Tokens("fragments", [TokRow(t.line, (t,)) for r in rows for t in r.toks])


_WORD = re.compile(r"[^ \u3000\xa0\t]+")


def _blank_line_rows(texts: list[tuple[int, str]]) -> list[TokRow] | None:
    """A web table flattened one cell a line, a blank line after each row, if it is one.

    It is, when the indicator column headers make one block of their own.
    """
    blocks: list[list[tuple[int, str]]] = [[]]
    for n, t in texts:
        if t.strip():
            blocks[-1].append((n, t.strip()))
        elif blocks[-1]:
            blocks.append([])
    if len(blocks) < 4:
        return None
    header = any(
        len(b) >= 3 and sum(fold(t) in _HEADER_KEYS for _, t in b) >= 3 and all(len(fold(t)) <= 12 for _, t in b)
        for b in blocks
    )
    if not header:
        return None
    return [TokRow(b[0][0], tuple(Tok(t, n) for n, t in b)) for b in blocks if b]


def _words(text: str, n: int) -> tuple[Tok, ...]:
    """Space-separated words with their display columns (a wide character counts 2)."""
    out = []
    col = 0
    pos = 0
    for m in _WORD.finditer(text):
        col += _width(text[pos : m.start()])
        out.append(Tok(m.group(), n, col))
        col += _width(m.group())
        pos = m.end()
    return tuple(out)


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else (4 if ch == "\t" else 1) for ch in s)


def _pipe_rows(lines: list[tuple[int, str]]) -> list[TokRow]:
    out = []
    for n, t in lines:
        if not _PIPE_ROW.match(t):
            out.append(TokRow(n, (Tok(t.strip(), n),), (t.strip(),)))
            continue
        cells = [c.strip() for c in t.strip().strip("|").split("|")]
        out.append(TokRow(n, tuple(Tok(c, n) for c in cells if c), tuple(cells)))
    return out


def _cellbar_rows(lines: list[tuple[int, str]]) -> list[TokRow]:
    rows: list[TokRow] = []
    cur: list[Tok] = []
    part: list[str] = []
    start = 0

    def end_row() -> None:
        nonlocal cur
        if cur:
            rows.append(TokRow(cur[0].line, tuple(cur)))
        cur = []

    for n, t in lines:
        s = t.strip()
        if not s:
            continue
        if _BARS.match(s):
            if part:  # a wrapped cell closed by a lone bar
                cur.append(Tok("".join(part), start))
                part = []
            if len(s) >= 2:
                end_row()
            continue
        if not part:
            start = n
        if s.endswith("|"):
            part.append(s[:-1].strip())
            text = "".join(part)
            part = []
            if text:
                cur.append(Tok(text, start))
        else:
            part.append(s)
    if part:
        cur.append(Tok("".join(part), start))
    end_row()
    return rows
