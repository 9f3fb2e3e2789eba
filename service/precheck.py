"""Checks on the text of a SPARQL request before it reaches the engine.

The store's SPARQL lexer (``budgetkg.store.sparql_lexer.scan``) reads the query once,
in linear time, and says what it is; ``check`` refuses what must never run (updates,
SERVICE, texts past the size and nesting limits) before the engine sees it. The
engine's own parser still decides what is valid and gives the syntax error.
"""

from __future__ import annotations

from dataclasses import dataclass

from budgetkg.store.sparql_lexer import QueryShape, scan

__all__ = ["Limits", "QueryRefused", "QueryShape", "check", "scan"]


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
