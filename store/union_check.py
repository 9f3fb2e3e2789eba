"""When a server's own default graph answers a query as the document graphs' union would.

Virtuoso's default graph is the union of all its graphs: the document graphs, and a few
others (its system graphs, budgetkg's housekeeping graph, a staging graph being
written). A query may go to it with no dataset (Virtuoso's own plans, its rows: listing
540 graphs as pragmas dropped rows and cost seconds, docs/stores.md) when no triple of
the other graphs can take part in an answer. This module decides that from the query's
triple patterns: every pattern is checked against the other graphs (one ``ASK``); a
query whose patterns match nothing there has the same solutions on both default
graphs (a variable a `FILTER(?v = <iri>)` of its group fixes is checked with that IRI).
Queries this cannot reason about (``GRAPH``, property paths, ``DESCRIBE``,
anything rdflib's parser does not read) get ``None`` and keep the listed dataset.
"""

from __future__ import annotations

import threading
from typing import Any

#: Algebra nodes whose meaning reaches past the default graph's triples.
_UNSAFE = {"Graph", "GraphGraphPattern", "ServiceGraphPattern", "DescribeQuery"}


def triple_patterns(sparql: str) -> list[str] | None:
    """Every triple pattern of the query as SPARQL text (blank nodes as variables), or
    None when the query has something the check does not cover.

    Read in a thread of its own: rdflib's parser (pyparsing) leaves cyclic garbage that
    holds its frames and, through them, every caller's frame and locals until the
    collector runs, in whichever thread. A pyoxigraph result among those locals cannot
    be dropped in another thread (pyo3 prints a RuntimeError on stderr and leaks it).
    The parsing thread's garbage holds only that thread's frames."""
    box: dict[str, list[str] | None] = {}
    thread = threading.Thread(target=lambda: box.update(patterns=_triple_patterns(sparql)),
                              name="budgetkg-sparql-parse", daemon=True)
    thread.start()
    thread.join()
    return box.get("patterns")


def _triple_patterns(sparql: str) -> list[str] | None:
    from rdflib.paths import InvPath, Path, SequencePath
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import BNode, Literal, URIRef, Variable

    try:
        algebra = translateQuery(parseQuery(sparql)).algebra
    except Exception:  # noqa: BLE001 - any parse failure: not checkable, the store decides
        return None
    patterns: set[str] = set()
    unsafe = False

    def term(t: Any) -> str:
        if isinstance(t, BNode):
            return Variable(f"_b{abs(hash(t))}").n3()
        return t.n3()

    fresh = iter(range(1 << 30))

    def expand(s: Any, p: Any, o: Any) -> list[tuple[Any, Any, Any]]:
        # a sequence path is a chain of plain patterns, an inverse one a plain pattern
        # reversed (SPARQL 1.1 section 18.2.2.4); other paths stay (and are unsafe)
        if isinstance(p, InvPath):
            return expand(o, p.arg, s)
        if isinstance(p, SequencePath):
            out, left = [], s
            for i, step in enumerate(p.args):
                right = o if i == len(p.args) - 1 else Variable(f"_p{next(fresh)}")
                out += expand(left, step, right)
                left = right
            return out
        return [(s, p, o)]

    def fixed_iris(expr: Any) -> dict[Any, Any]:
        # FILTER(?v = <iri>) (alone or in a conjunction): every answer has ?v = <iri>, so a
        # pattern with ?v only takes part with that IRI there (an IRI equals only itself;
        # a literal is compared by value, so "01"^^xsd:integer = 1: not fixed)
        if not isinstance(expr, CompValue):
            return {}
        if expr.name == "ConditionalAndExpression":
            out: dict[Any, Any] = {}
            for part in [expr.expr, *(expr.other or [])]:
                out.update(fixed_iris(part))
            return out
        if expr.name == "RelationalExpression" and expr.op == "=":
            a, b = expr.expr, expr.other
            if isinstance(a, Variable) and isinstance(b, URIRef):
                return {a: b}
            if isinstance(b, Variable) and isinstance(a, URIRef):
                return {b: a}
        return {}

    def walk(node: Any, fixed: dict[Any, Any] | None = None) -> None:
        nonlocal unsafe
        if unsafe:
            return
        fixed = fixed or {}
        if isinstance(node, CompValue):
            if node.name in _UNSAFE:
                unsafe = True
                return
            if node.name == "Project":
                fixed = {}  # a subquery's variables are its own
            if node.name == "Filter":
                fixed = {**fixed, **fixed_iris(node.expr)}
            if node.name == "Minus":  # MINUS's right side shares no bindings with the left
                walk(node.p1, fixed)
                walk(node.p2, {})
                return
            if node.name == "BGP":
                for s, p, o in node.triples:
                    s, p, o = (fixed.get(x, x) for x in (s, p, o))
                    for triple in expand(s, p, o):
                        if any(isinstance(t, Path) for t in triple):
                            unsafe = True
                            return
                        patterns.add(" ".join(term(t) for t in triple))
            if node.name == "TriplesBlock":
                # EXISTS / NOT EXISTS keep the parser's form: flat lists of terms, in threes
                for flat in node.get("triples") or []:
                    if len(flat) % 3 or not all(isinstance(t, (Variable, URIRef, Literal, BNode)) for t in flat):
                        unsafe = True  # a path or a form not read here
                        return
                    for i in range(0, len(flat), 3):
                        patterns.add(" ".join(term(t) for t in flat[i:i + 3]))
            for value in node.values():
                walk(value, fixed)
        elif isinstance(node, (list, tuple, set)):
            for value in node:
                walk(value, fixed)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value, fixed)

    if getattr(algebra, "name", "") == "DescribeQuery":
        return None
    try:
        walk(algebra)
    except Exception:  # noqa: BLE001 - a form this walk does not know: not checkable
        return None
    return None if unsafe else sorted(patterns)


def ask_elsewhere(patterns: list[str], graphs: list[str]) -> str:
    """An ``ASK`` that is true when any pattern matches a triple of ``graphs``."""
    values = " ".join(f"<{g}>" for g in graphs)
    branches = " UNION ".join(f"{{ {p} }}" for p in patterns)
    return f"ASK WHERE {{ VALUES ?budgetkg_graph {{ {values} }} GRAPH ?budgetkg_graph {{ {branches} }} }}"
