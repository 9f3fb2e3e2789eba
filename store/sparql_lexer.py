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


#: Keywords that end a query's dataset clauses when it has no WHERE group
#: (``DESCRIBE <x>``, ``ASK {}`` has its group): solution modifiers and VALUES.
_AFTER_DATASET = frozenset({"WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES"})


def with_dataset(text: str, default_graphs: list[str], named_graphs: list[str]) -> str:
    """``text`` with its dataset written as ``FROM`` / ``FROM NAMED`` clauses.

    Each non-empty list replaces the query's own clauses of that kind (the protocol's
    dataset takes precedence over the query's, SPARQL 1.1 Protocol §2.1.4); an empty list
    leaves them as written. The graphs are IRIs already checked by the caller. The clauses
    go where the grammar has them: after the form keyword and its projection or
    CONSTRUCT template, before the WHERE group (nested groups, ``EXISTS`` inside a
    projection and subqueries are skipped by depth)."""
    matches = list(TOKEN.finditer(text))
    i = 0
    # the prologue: BASE and PREFIX declarations
    while i < len(matches) and not (matches[i].lastgroup == "word"
                                    and matches[i].group().upper() in QUERY_FORMS):
        i += 1
    if i == len(matches):
        raise ValueError("not a SPARQL query: no SELECT, CONSTRUCT, DESCRIBE or ASK")
    form = matches[i].group().upper()
    i += 1
    if form == "CONSTRUCT":
        j = _next_significant(matches, i)
        if j is not None and matches[j].group() == "{":  # the template
            i = _after_group(matches, j)
    depth = 0
    remove: list[tuple[int, int]] = []
    insert_at = len(text)
    while i < len(matches):
        m = matches[i]
        kind, tok = m.lastgroup, m.group()
        if kind == "punct" and tok in _OPEN:
            if depth == 0 and tok == "{":
                insert_at = m.start()
                break
            depth += 1
        elif kind == "punct" and tok in _CLOSE:
            depth = max(depth - 1, 0)
        elif kind == "word" and depth == 0:
            word = tok.upper()
            if word in _AFTER_DATASET:
                insert_at = m.start()
                break
            if word == "FROM":
                j = _next_significant(matches, i + 1)
                named = j is not None and matches[j].lastgroup == "word" and matches[j].group().upper() == "NAMED"
                k = _next_significant(matches, j + 1) if named and j is not None else j
                if k is None:
                    break  # FROM at the end: the engine's parser will say what is wrong
                if named_graphs if named else default_graphs:
                    remove.append((m.start(), matches[k].end()))
                i = k
        i += 1
    # On one line, and removed clauses leave their line breaks: the server's error
    # messages keep the line numbers of the text the user wrote.
    clauses = "".join(f" FROM <{g}>" for g in default_graphs) + "".join(f" FROM NAMED <{g}>" for g in named_graphs)
    out, last = [], 0
    for start, end in remove:
        out.append(text[last:start] + "\n" * text.count("\n", start, end))
        last = end
    out.append(text[last:insert_at])
    if clauses:
        at_end_of_comment = insert_at == len(text) and bool(matches) and matches[-1].lastgroup == "comment"
        out.append(("\n" if at_end_of_comment else "") + clauses + " ")
    out.append(text[insert_at:])
    return "".join(out)


def _next_significant(matches: list[re.Match[str]], i: int) -> int | None:
    while i < len(matches) and matches[i].lastgroup in {"ws", "comment"}:
        i += 1
    return i if i < len(matches) else None


def _after_group(matches: list[re.Match[str]], i: int) -> int:
    """Index just past the group that opens at ``matches[i]`` (a ``{``)."""
    depth = 0
    while i < len(matches):
        tok = matches[i].group() if matches[i].lastgroup == "punct" else ""
        if tok in _OPEN:
            depth += 1
        elif tok in _CLOSE:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return i
