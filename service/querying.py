"""Queries of the web pages and linked-data views, run like any other query.

Pages and resource descriptions go through the same executor as ``/sparql`` (the
worker pool, its timeout and row cap), so a page can never do what the endpoint
would refuse. Values are put into query text only as pyoxigraph's own N-Triples
serialization of a ``NamedNode`` or ``Literal`` (``iri()``, ``literal()``): the term
is validated and escaped by the engine's code, never pasted in raw.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox

from .errors import ApiError
from .state import ServiceState
from .tasks import QueryTask

XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {XSD + t for t in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger")}

PREFIXES = """\
PREFIX bkg: <https://budgetkg.example.org/def/>
PREFIX fund: <https://budgetkg.example.org/def/fund-source/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX void: <http://rdfs.org/ns/void#>
PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
"""


def iri(value: str) -> str:
    """``<value>`` for a query; raises ValueError for an invalid IRI."""
    return str(ox.NamedNode(value))


def literal(value: str) -> str:
    """``"value"`` (escaped) for a query."""
    return str(ox.Literal(value))


@dataclass(frozen=True)
class Term:
    """One RDF term of a SELECT result."""

    kind: str  # "uri", "literal", "bnode"
    value: str
    datatype: str | None = None
    lang: str | None = None

    @property
    def is_iri(self) -> bool:
        return self.kind == "uri"

    @property
    def py(self) -> Any:
        """The value as Python: Decimal, int, bool or str."""
        if self.kind != "literal" or not self.datatype:
            return self.value
        if self.datatype in _INTEGERS:
            try:
                return int(self.value)
            except ValueError:
                return self.value
        if self.datatype in (XSD + "decimal", XSD + "double", XSD + "float"):
            try:
                return Decimal(self.value)
            except InvalidOperation:
                return self.value
        if self.datatype == XSD + "boolean":
            return self.value in ("true", "1")
        return self.value


Row = dict[str, Term]


def _run(state: ServiceState, query: str, *, graph_format: str | None = None) -> tuple[bytes, bool]:
    task = QueryTask(
        query=PREFIXES + query,
        default_graphs=None,
        named_graphs=None,
        results_format=None if graph_format else "json",
        graph_format=graph_format,
        max_rows=state.settings.max_rows,
    )
    outcome = state.executor.run(task, state.settings.query_timeout)
    if not outcome.ok:
        raise ApiError(outcome.status, outcome.title, outcome.detail)
    return outcome.body, outcome.truncated


def select(state: ServiceState, query: str) -> list[Row]:
    """Run a SELECT (the common prefixes are added); rows of name -> Term."""
    body, _ = _run(state, query)
    data = json.loads(body)
    rows = []
    for binding in data["results"]["bindings"]:
        rows.append({
            name: Term(t["type"] if t["type"] != "typed-literal" else "literal", t["value"],
                       t.get("datatype"), t.get("xml:lang"))
            for name, t in binding.items()
        })
    return rows


def select_py(state: ServiceState, query: str) -> list[dict[str, Any]]:
    """Run a SELECT; rows of name -> Python value (IRIs and strings as str)."""
    return [{name: term.py for name, term in row.items()} for row in select(state, query)]


def construct(state: ServiceState, query: str) -> tuple[list[ox.Triple], bool]:
    """Run a CONSTRUCT; its triples and whether they were cut at ``max_rows``."""
    body, truncated = _run(state, query, graph_format="ntriples")
    # A triple held by several graphs comes once per graph from the union default graph.
    triples = list(dict.fromkeys(q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)))
    return triples, truncated
