"""A SPARQL lexer (not a parser): what a query text is, read once in linear time.

``scan`` reports what the stores and the service's request checker must know before
anything runs: the query form, whether it is an update, whether it uses SERVICE or
FROM, how deeply it nests and roughly how many triple patterns and operators it has.
``tokens`` yields the tokens themselves (the remote store looks for FROM NAMED and for
Virtuoso's escape hatches). The engine's own parser still decides what is valid.

The lexer errs on the side of refusing: a keyword it finds outside IRIs, strings and
comments counts, even where the real parser would reject the query. Its regular
expressions have no nested quantifiers, so no input makes them slow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from collections.abc import Iterator
from typing import Literal

QueryForm = Literal["SELECT", "CONSTRUCT", "DESCRIBE", "ASK"]

QUERY_FORMS: frozenset[str] = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})
#: First keywords of the SPARQL 1.1 Update operations.
UPDATE_KEYWORDS: frozenset[str] = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "ADD", "MOVE", "COPY", "WITH"}
)

TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\n\r]|\\.)*"
              |'(?:[^'\\\n\r]|\\.)*')
  | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F\u2040]+)
  | (?P<bnode>_:[\w\-.]*)
  | (?P<pname>(?:[^\W\d_][\w\-.]*)?:(?:[\w:%\-]|\\\S|\.(?=[\w:%\-\\]))*)
  | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<number>\d*\.\d+(?:[eE][+-]?\d+)?|\d+\.\d*[eE][+-]?\d+|\d+[eE][+-]?\d+|\d+)
  | (?P<word>[^\W\d]\w*)
  | (?P<punct>\^\^|\|\||&&|!=|<=|>=|.)
    """,
    re.VERBOSE | re.DOTALL,
)



def tokens(text: str) -> Iterator[tuple[str, str]]:
    """``(kind, text)`` of every token; kinds are the group names of ``TOKEN``."""
    for m in TOKEN.finditer(text):
        yield m.lastgroup or "", m.group()


#: Each of these can add one level to the engine's expression or algebra tree, which
#: pyoxigraph builds and walks recursively: a few thousand in a row (``!!!…``,
#: ``1+1+…``, ``BIND … BIND …``, ``MINUS … MINUS …``) overflow its stack and kill
#: the process (measured: 3,000 BINDs or 10,000 ``!`` crash; 1,000 of each are fine).
OPERATOR_WORDS: frozenset[str] = frozenset(
    {"OPTIONAL", "MINUS", "UNION", "FILTER", "BIND", "GRAPH", "EXISTS", "SELECT", "VALUES", "SERVICE", "IN"}
)
OPERATOR_PUNCT: frozenset[str] = frozenset(
    {"!", "||", "&&", "+", "-", "*", "/", "=", "!=", "<", ">", "<=", ">=", "|", "^", "?"}
)

_OPEN = {"{": "}", "(": ")", "[": "]"}
_CLOSE = frozenset(_OPEN.values())


@dataclass(frozen=True)
class QueryShape:
    """What the tokenizer learnt about a query text."""

    form: QueryForm | None  # None: no query keyword found (the parser will say why)
    update_keyword: str | None  # e.g. "INSERT" when the text is a SPARQL Update
    uses_service: bool
    uses_from: bool  # FROM or FROM NAMED: the query names its own dataset
    max_depth: int  # deepest nesting of { ( [
    triple_patterns: int  # upper estimate
    length: int
    operators: int = 0  # operators and pattern keywords: how deep the engine's trees can grow


#: Texts up to this length are remembered (``scan``): clients send the same texts again.
_CACHED_LENGTH = 32_768


def scan(text: str) -> QueryShape:
    """Tokenize ``text`` once and describe it (never raises on bad syntax).

    The service scans a query when it arrives and the store again when it runs it
    (~0.25 ms each for a 4 KB text, a tenth of a small query's answer): the last few
    hundred short texts' shapes are kept."""
    return _scan_cached(text) if len(text) <= _CACHED_LENGTH else _scan(text)


@lru_cache(maxsize=256)
def _scan_cached(text: str) -> QueryShape:
    return _scan(text)


def _scan(text: str) -> QueryShape:
    form: str | None = None
    update_keyword: str | None = None
    first_keyword_seen = False
    uses_service = uses_from = False
    depth = max_depth = 0
    paren_depth = 0
    brace_depth = 0
    patterns = 0
    operators = 0
    for m in TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "word":
            word = m.group().upper()
            if not first_keyword_seen and word not in {"BASE", "PREFIX"}:
                first_keyword_seen = True
                if word in QUERY_FORMS:
                    form = word
                elif word in UPDATE_KEYWORDS:
                    update_keyword = word
            if word in OPERATOR_WORDS:
                operators += 1
            if word == "SERVICE":
                uses_service = True
            elif word == "FROM":
                uses_from = True
        elif kind == "punct":
            p = m.group()
            if p in OPERATOR_PUNCT:
                operators += 1
            if p in _OPEN:
                depth += 1
                max_depth = max(max_depth, depth)
                if p == "(":
                    paren_depth += 1
                elif p == "{":
                    brace_depth += 1
                    patterns += 1
            elif p in _CLOSE:
                depth = max(depth - 1, 0)
                if p == ")":
                    paren_depth = max(paren_depth - 1, 0)
                elif p == "}":
                    brace_depth = max(brace_depth - 1, 0)
            elif p in {".", ";", ","} and brace_depth and not paren_depth:
                # Each separator inside a group (outside function arguments) can
                # start one more pattern: an overestimate, never an underestimate.
                patterns += 1
    return QueryShape(
        form=form,  # type: ignore[arg-type]
        update_keyword=update_keyword,
        uses_service=uses_service,
        uses_from=uses_from,
        max_depth=max_depth,
        triple_patterns=patterns,
        length=len(text),
        operators=operators,
    )
