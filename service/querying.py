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
from typing import Any

import pyoxigraph as ox

from budgetkg.loader.namespaces import sparql_prefixes
from budgetkg.store.terms import to_python

from .errors import ApiError
from .state import ServiceState
from .tasks import QueryTask


PREFIXES = sparql_prefixes("bkg", "fund", "rdf", "rdfs", "skos", "org", "prov", "void", "sd")


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
        """The value as Python (``budgetkg.store.terms.to_python``); IRIs as str."""
        if self.kind != "literal" or not self.datatype:
            return self.value
        return to_python(self.value, self.datatype)


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
