"""Checks on the text of a SPARQL request before it reaches the engine.

A small tokenizer (not a parser) reads the query once, in linear time, and reports
what the service must know before running anything: the query form, whether it is
an update, whether it uses SERVICE or FROM, how deeply it nests and roughly how many
triple patterns it has. The engine's own parser still decides what is valid and
gives the syntax error; this pass only refuses what must never run.

The tokenizer errs on the side of refusing: a keyword it finds outside IRIs,
strings and comments counts, even where the real parser would reject the query.
Its regular expressions have no nested quantifiers, so no input makes them slow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

QueryForm = Literal["SELECT", "CONSTRUCT", "DESCRIBE", "ASK"]

QUERY_FORMS: frozenset[str] = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})
#: First keywords of the SPARQL 1.1 Update operations.
UPDATE_KEYWORDS: frozenset[str] = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "ADD", "MOVE", "COPY", "WITH"}
)

_TOKEN = re.compile(
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


def scan(text: str) -> QueryShape:
    """Tokenize ``text`` once and describe it (never raises on bad syntax)."""
    form: str | None = None
    update_keyword: str | None = None
    first_keyword_seen = False
    uses_service = uses_from = False
    depth = max_depth = 0
    paren_depth = 0
    brace_depth = 0
    patterns = 0
    operators = 0
    for m in _TOKEN.finditer(text):
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


@dataclass(frozen=True)
class Limits:
    max_query_length: int
    max_nesting: int
    max_triple_patterns: int
    max_operators: int = 1000


class QueryRefused(ValueError):
    """The query must not run; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, title: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail


def check(text: str, limits: Limits) -> QueryShape:
    """Scan ``text`` and raise :class:`QueryRefused` if it must not reach the engine."""
    if not text.strip():
        raise QueryRefused(400, "Missing query", "The query is empty.")
    if len(text) > limits.max_query_length:
        # Checked before scanning so that a huge text costs nothing more.
        raise QueryRefused(
            400,
            "Query too long",
            f"The query has {len(text)} characters; the limit is {limits.max_query_length}.",
        )
    shape = scan(text)
    if shape.update_keyword:
        raise QueryRefused(
            403,
            "Update refused",
            f"This endpoint is read-only: SPARQL Update ({shape.update_keyword}) is not accepted.",
        )
    if shape.uses_service:
        raise QueryRefused(
            400,
            "SERVICE refused",
            "This endpoint makes no outbound requests: federated queries (SERVICE) are not accepted.",
        )
    if shape.max_depth > limits.max_nesting:
        raise QueryRefused(
            400,
            "Query too deeply nested",
            f"The query nests {{ }}, ( ) or [ ] {shape.max_depth} levels deep; "
            f"the limit is {limits.max_nesting}.",
        )
    if shape.triple_patterns > limits.max_triple_patterns:
        raise QueryRefused(
            400,
            "Query too large",
            f"The query has about {shape.triple_patterns} triple patterns; "
            f"the limit is {limits.max_triple_patterns}.",
        )
    if shape.operators > limits.max_operators:
        raise QueryRefused(
            400,
            "Query too complex",
            f"The query has {shape.operators} operators and pattern keywords (FILTER, OPTIONAL, "
            f"BIND, ! + || …); the limit is {limits.max_operators}.",
        )
    return shape
