"""Canned queries on the command line: `budgetkg query NAME -p year=2022`, `--list`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from budgetkg.queries.catalog import (
    YEARS_QUERY,
    CannedQuery,
    HeaderError,
    ParameterError,
    StoreFacts,
    load_catalog,
    parse_query,
    strip_comments,
)


def list_text() -> str:
    """The catalog as text: name, titles, parameters with type and default."""
    out = []
    for q in load_catalog().values():
        out.append(f"{q.name}\n    {q.title_zh}\n    {q.title_en}")
        for p in q.parameters:
            default = p.default if p.default is not None else "(none)"
            out.append(f"    -p {p.name}=<{p.type}>  default {default}: {p.description}")
    return "\n".join(out)


def _parse_params(params: tuple[str, ...]) -> dict[str, str]:
    values: dict[str, str] = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.UsageError(f"-p takes NAME=VALUE, got {item!r}")
        if name in values:
            raise click.UsageError(f"parameter {name!r} given twice")
        values[name] = value
    return values


def _endpoint_years(endpoint: str, timeout: float) -> StoreFacts | None:
    """The endpoint's years and first project (for the defaults the store decides), or None."""
    from budgetkg.store.transport import sparql_client

    client = sparql_client(endpoint, YEARS_QUERY, timeout=int(timeout))
    try:
        body = json.loads(client.query().response.read())
    except Exception:  # the real query reports an unreachable endpoint clearly
        return None
    return StoreFacts.from_json(body)


def bind_canned(source: str, text: str, params: tuple[str, ...], endpoint: str, timeout: float) -> str:
    """The text of NAME or FILE.rq with its parameters bound; plain text if it has no header."""
    values = _parse_params(params)
    path = Path(source)
    try:
        if source.endswith(".rq") or path.is_file():
            if not text.lstrip().startswith("# @") and not values:
                return text  # a plain query file
            query: CannedQuery = parse_query(path.stem, text, source)
        else:
            query = load_catalog()[source]
    except HeaderError as exc:
        raise click.UsageError(str(exc)) from None
    try:
        query.resolve(values)  # report bad parameters before asking the endpoint anything
        years = _endpoint_facts(endpoint, timeout, query) if query.uses_years else None
        # SPARQLWrapper guesses the query form from the text, comments included.
        return strip_comments(query.bind(values, years))
    except ParameterError as exc:
        raise click.UsageError(str(exc)) from None


def _endpoint_facts(endpoint: str, timeout: float, query: CannedQuery) -> StoreFacts | None:
    """What the endpoint's store decides for ``query``'s defaults (its pre-query: years,
    first project, and the top indicator and word when the query has those defaults)."""
    from budgetkg import api

    try:
        with api.open(endpoint, timeout=timeout) as kg:
            return kg.store_facts(query.facts_query)
    except Exception:  # the real query reports an unreachable endpoint clearly
        return None
