"""A SPARQL syntax error as people read it: line, column, the line itself and a caret.

The engine says ``error at 2:35: expected one of …`` (line and column counted from 1,
columns in characters); :func:`locate` turns that into a :class:`SyntaxPosition` and
:func:`describe` into a message the CLI, the API and the HTTP error envelope show alike.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# The engine's "error at L:C:", and this module's own "at line L, column C:" (a message
# that went through budgetkg's endpoint).
_POSITION = re.compile(r"\berror at (?:(\d+):(\d+)|line (\d+), column (\d+)):\s*", re.IGNORECASE)
#: The engine's list of expected tokens can run to hundreds of characters of Unicode ranges.
MAX_REASON = 240


@dataclass(frozen=True)
class SyntaxPosition:
    line: int  # from 1
    column: int  # from 1, in characters
    reason: str  # the engine's words after the position


def locate(message: str, *, first_line_shift: int = 0) -> SyntaxPosition | None:
    """The position an engine message names, or None. ``first_line_shift`` is the length
    of text put before the query on its first line (the service's ``BASE <…> ``)."""
    match = _POSITION.search(message)
    if match is None:
        return None
    line = int(match.group(1) or match.group(3))
    column = int(match.group(2) or match.group(4))
    if line == 1:
        column = max(1, column - first_line_shift)
    reason = " ".join(message[match.end():].split("\n  ")[0].split())  # without a caret shown already
    if len(reason) > MAX_REASON:
        reason = reason[:MAX_REASON].rstrip(" ,") + " …"
    return SyntaxPosition(line, column, reason)


def position(query: str, message: str, *, first_line_shift: int = 0) -> SyntaxPosition | None:
    """:func:`locate`, kept inside ``query``: the engine names the end of the input (a
    line past the last one, after a final newline) when the query stops too early; that
    is the end of the query's last line."""
    pos = locate(message, first_line_shift=first_line_shift)
    if pos is None:
        return None
    lines = query.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    if lines and pos.line > len(lines):
        return SyntaxPosition(len(lines), len(lines[-1].rstrip()) + 1, pos.reason)
    return pos


def _width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def caret(query: str, pos: SyntaxPosition) -> str:
    """The query's line at ``pos`` and a caret under its column (wide characters count two)."""
    lines = query.splitlines() or [""]
    text = lines[min(pos.line, len(lines)) - 1].rstrip()
    before = text[: max(0, pos.column - 1)]
    pad = "".join("\t" if ch == "\t" else " " * _width(ch) for ch in before)
    return f"  {text}\n  {pad}^"


def describe(query: str, message: str, *, first_line_shift: int = 0) -> str | None:
    """``line L, column C: reason`` and the caret, or None when ``message`` has no position."""
    pos = position(query, message, first_line_shift=first_line_shift)
    if pos is None:
        return None
    return f"syntax error at line {pos.line}, column {pos.column}: {pos.reason}\n{caret(query, pos)}"
