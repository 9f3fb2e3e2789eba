"""Bytes to lines of cells: decoding, newlines, and the folding used to match labels.

Printed text is never altered here; ``fold`` makes a *key* for matching labels that
differ only in width, punctuation style or stray spaces (``其中： 本级资金`` vs
``其中: 本级资金``, ``转移市县 (区)资 金``).
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple
from functools import lru_cache

# Tried in order. GB18030 is a superset of GBK and GB2312, so it covers both.
ENCODINGS: tuple[str, ...] = ("utf-8-sig", "gb18030")


class UnreadableInput(ValueError):
    """The bytes are not a text document of the template (binary, empty, unknown encoding)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a document, returning (text, encoding name). Raises UnreadableInput."""
    if not data.strip():
        raise UnreadableInput("empty-file", "the file is empty")
    if b"\x00" in data[:4096]:
        # UTF-16/32 or a binary file; the template is published as UTF-8 or GB text.
        raise UnreadableInput("binary-file", "the file is binary (NUL bytes), not table text")
    for enc in ENCODINGS:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        name = "utf-8-bom" if enc == "utf-8-sig" and data.startswith(b"\xef\xbb\xbf") else enc
        if enc == "utf-8-sig" and name != "utf-8-bom":
            name = "utf-8"
        if _control_ratio(text) > 0.05:
            raise UnreadableInput("binary-file", "the file is binary (control characters), not table text")
        return text, name
    raise UnreadableInput("unknown-encoding", "the file is neither UTF-8 nor GB18030/GBK text")


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # Cc, less tab and line breaks


def _control_ratio(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    return len(_CONTROL.findall(sample)) / len(sample)


_NEWLINE = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """Lines without their terminators; CRLF, LF and lone CR all end a line.

    Only those: ``str.splitlines`` also breaks at form feeds (pdftotext puts one at
    each page), U+2028 and other separators, and every line number after one would
    then differ from what an editor shows.
    """
    # str.split is several times faster than the regex; without CR they agree.
    lines = text.split("\n") if "\r" not in text else _NEWLINE.split(text)
    if lines[-1] == "":  # the terminator of the last line starts no new line
        lines.pop()
    return lines


class Cell(NamedTuple):  # a tuple: millions are made, and they never change
    col: int
    text: str  # stripped printed text
    key: str  # fold(text), computed once: labels are matched many times




_new_cell = tuple.__new__  # Cell(...) without the generated __new__: ~1/3 of this loop


Row = tuple[Cell, ...]  # a line's cells: a tuple, so that equal lines can share one


def cells(line: str) -> Row:
    """The non-empty tab-separated cells of a line, with their column positions."""
    out: list[Cell] = []
    if not line or line.isspace():  # blank lines and empty grid rows (tabs only)
        return ()
    col = -1
    for raw in line.split("\t"):
        col += 1
        if raw:  # most cells of a drifting grid are empty: skip strip() for them
            t = raw.strip()
            if t:
                out.append(_new_cell(Cell, (col, t, fold(t))))
    return tuple(out)


_SPACE = re.compile(r"\s+")
# NFKC maps full-width （）：，－ to ASCII; these dashes and colons it leaves alone.
_PUNCT = str.maketrans({"—": "-", "–": "-", "－": "-", "﹣": "-", "−": "-", "：": ":", "﹕": ":"})


# str.translate looks every character up in a dict: a search for the few it changes is
# much cheaper, and ASCII is its own NFKC form with none of them.
_PUNCT_ANY = re.compile("[" + "".join(map(chr, _PUNCT)) + "]")


@lru_cache(maxsize=1 << 16)  # labels repeat on every row of every table
def fold(s: str) -> str:
    """A matching key: NFKC, unified dashes and colons, all whitespace removed."""
    if s.isascii():
        k = s
    else:
        k = unicodedata.normalize("NFKC", s)
        if _PUNCT_ANY.search(k) is not None:
            k = k.translate(_PUNCT)
    # Every whitespace character but " " is unprintable: most keys need no regex.
    return k if k.isprintable() and " " not in k else _SPACE.sub("", k)
