"""In-memory rdflib graphs filled in one pass, and N-Triples written by pyoxigraph.

The converter builds a document's triples as a Python list and needs them as an rdflib
``Graph`` (pySHACL validates that) and as N-Triples (the store loads those). Adding
triples one by one through rdflib's default ``Memory`` store costs ~15 µs each (an
event object per triple, the context bookkeeping redone for every triple), and rdflib's
N-Triples serializer formats every term again for each triple it is in.

``graph_of`` fills an empty ``Memory`` store straight from the list, ending in the
state one ``Graph.add`` per triple would leave (same indexes, same context records), so
the graph behaves exactly as before for pySHACL and everyone else. ``ntriples`` has
pyoxigraph format each distinct term once (not once per triple it is in).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.graph import _TripleType
from rdflib.plugins.stores.memory import Memory

from .gc_pause import gc_paused

__all__ = ["BulkMemory", "extend", "graph_of", "ntriples"]


class BulkMemory(Memory):
    """rdflib's default store (``Memory``) that an empty instance can be ``fill``-ed in
    one pass. Everything else (lookups, ``add``, ``remove``, contexts) is Memory's own.

    After ``fill`` the object-first index (osp) is made only when something needs it: a
    document's graph is read by subject and by predicate (the summaries, N-Triples,
    validation), almost never by object alone, and that index is a third of the fill."""

    # The triples still to put into osp, in the order they were added (so the index ends
    # up exactly as Memory.add would have left it); None when osp is complete.
    _osp_todo: list[_TripleType] | None = None

    def fill(self, graph: Graph, triples: Iterable[_TripleType]) -> int:
        """Put ``triples`` (duplicates allowed) into ``graph``, whose store this must be,
        empty. Returns the number of distinct triples."""
        # Memory keeps its state in name-mangled attributes. An rdflib release that
        # renames them raises AttributeError here, before any triple is consumed, and
        # graph_of falls back to Graph.addN (slower, same graph); tests/test_memgraph.py
        # fails loudly so that the fast path gets fixed.
        spo, pos = self._Memory__spo, self._Memory__pos  # type: ignore[attr-defined]
        self._Memory__osp  # type: ignore[attr-defined]  # noqa: B018 - present, checked up front
        context_triples = self._Memory__contextTriples  # type: ignore[attr-defined]
        ctx_to_str = self._Memory__ctx_to_str  # type: ignore[attr-defined]
        self._Memory__defaultContexts  # type: ignore[attr-defined]  # noqa: B018 - present, checked up front
        if graph.store is not self or spo or self._Memory__all_contexts:  # type: ignore[attr-defined]
            raise ValueError("fill() needs the graph's own store, empty")
        # Duplicates dropped up front, first occurrence kept (the order Graph.add leaves);
        # the dict keeps each triple's hash, so the sets below are made without hashing
        # the terms again (a Literal's hash is Python code).
        unique = dict.fromkeys(triples)
        self._index(unique)
        if unique:
            # What Memory.add records for a triple asserted (not quoted) in one context:
            # it is in that context and in the store's union (None); every triple has
            # that same context record, kept once as the default.
            ctx = ctx_to_str(graph)
            every = set(unique)
            context_triples[None] = every
            context_triples[ctx] = every.copy()
            self._Memory__defaultContexts = {ctx: False, None: False}
            self._Memory__all_contexts.add(graph)  # type: ignore[attr-defined]
            self._osp_todo = list(unique)
        return len(unique)

    def extend(self, graph: Graph, triples: Iterable[_TripleType]) -> int:
        """Add ``triples`` to ``graph``, the one graph of this store (after ``fill``: the
        converter's summaries), recording what ``Graph.add`` records for each, in one
        pass (~1 µs a triple against ~15). Returns how many were new."""
        ctx = self._Memory__ctx_to_str(graph)  # type: ignore[attr-defined]
        context_triples = self._Memory__contextTriples  # type: ignore[attr-defined]
        if set(context_triples) != {None, ctx}:
            raise ValueError("extend() needs a store holding that one graph")
        every = context_triples[None]
        new = [t for t in dict.fromkeys(triples) if t not in every]
        self._index(new)
        every.update(new)
        context_triples[ctx].update(new)
        if self._osp_todo is None:  # the object index exists: into it now, as Graph.add
            self._osp_todo = new
            self._complete_osp()
        else:
            self._osp_todo.extend(new)
        return len(new)

    def _index(self, triples: Iterable[_TripleType]) -> None:
        """Put each triple (none twice) into the subject and predicate indexes."""
        spo, pos = self._Memory__spo, self._Memory__pos  # type: ignore[attr-defined]
        for s, p, o in triples:
            po = spo.get(s)
            if po is None:
                po = spo[s] = {}
            objects = po.get(p)
            if objects is None:
                objects = po[p] = {}
            objects[o] = 1
            os_ = pos.get(p)
            if os_ is None:
                os_ = pos[p] = {}
            subjects = os_.get(o)
            if subjects is None:
                subjects = os_[o] = {}
            subjects[s] = 1

    def _complete_osp(self) -> None:
        todo, self._osp_todo = self._osp_todo, None
        if not todo:
            return
        osp = self._Memory__osp  # type: ignore[attr-defined]
        for s, p, o in todo:
            sp = osp.get(o)
            if sp is None:
                sp = osp[o] = {}
            predicates = sp.get(s)
            if predicates is None:
                predicates = sp[s] = {}
            predicates[p] = 1

    # Memory's methods that read or write osp: complete it first.

    def add(self, triple: _TripleType, context: Any, quoted: bool = False) -> None:
        todo = self._osp_todo
        if todo is None:
            super().add(triple, context, quoted=quoted)
            return
        # Memory.add writes a new triple into osp: let it write into a scratch dict and
        # queue the triple behind the others instead (the converter adds a few triples
        # after the fill: the summaries, void:triples).
        osp, self._Memory__osp = self._Memory__osp, {}  # type: ignore[attr-defined]
        try:
            super().add(triple, context, quoted=quoted)
        finally:
            new, self._Memory__osp = self._Memory__osp, osp  # type: ignore[attr-defined]
        if new:
            todo.append(triple)

    def remove(self, triple_pattern: Any, context: Any = None) -> None:
        if self._osp_todo is not None:
            self._complete_osp()
        super().remove(triple_pattern, context=context)

    def triples(self, triple_pattern: Any, context: Any = None) -> Iterator[Any]:
        if self._osp_todo is not None and triple_pattern[0] is None and triple_pattern[1] is None \
                and triple_pattern[2] is not None:  # (None, None, o): Memory walks osp
            self._complete_osp()
        return super().triples(triple_pattern, context)

    def holds_only(self, graph: Graph) -> bool:
        """True when every triple of this store is in ``graph``."""
        return len(self) == len(graph)


def graph_of(triples: Iterable[_TripleType], graph: Graph | None = None) -> Graph:
    """A Graph on a new ``BulkMemory`` store holding ``triples``.

    ``graph``: an empty Graph on a ``BulkMemory`` store to fill instead (e.g. one with
    prefixes bound)."""
    g = Graph(store=BulkMemory()) if graph is None else graph
    store = g.store
    if not isinstance(store, BulkMemory):
        raise TypeError("graph_of fills graphs on a BulkMemory store only")
    try:
        store.fill(g, triples)
    except AttributeError:  # an rdflib whose Memory looks different: the public, slower way
        g.addN((s, p, o, g) for s, p, o in triples)
    return g


def extend(graph: Graph, triples: Iterable[_TripleType]) -> int:
    """Add ``triples`` to ``graph`` (in one pass when ``graph_of`` made it); how many were new."""
    triples = list(triples)  # read again below if the fast path gives up
    store = graph.store
    if isinstance(store, BulkMemory):
        try:
            return store.extend(graph, triples)
        except (AttributeError, ValueError):  # an rdflib whose Memory looks different, another graph
            pass
    before = len(graph)
    graph.addN((s, p, o, graph) for s, p, o in triples)
    return len(graph) - before


def _ox_term(term: object) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(term)
    if isinstance(term, Literal):
        if term.language is not None:
            return ox.Literal(term, language=term.language)
        if term.datatype is not None:
            return ox.Literal(term, datatype=ox.NamedNode(term.datatype))
        return ox.Literal(term)
    if isinstance(term, BNode):
        return ox.BlankNode(term)
    raise TypeError(f"cannot write {type(term).__name__} {term!r} as N-Triples")


def ntriples(graph: Graph) -> bytes:
    """The triples of ``graph`` as UTF-8 N-Triples (any rdflib Graph; fastest on BulkMemory).

    pyoxigraph writes each distinct term in its N-Triples form (IRIs checked, literals
    escaped); a line is three of them and " .". Same triples as rdflib's serializer, and
    the same bytes except for the odd character the two escape differently (a tab)."""
    # Keyed by id() (cheaper than hashing a Literal): a term object shared by many
    # triples (the converter reuses them) is formatted once. The cache keeps each
    # rdflib term alive, so an id is never reused for another term while it runs.
    cache: dict[int, tuple[object, str]] = {}

    def nt(t: object) -> str:
        found = cache.get(id(t))
        if found is None:
            found = cache[id(t)] = (t, str(_ox_term(t)))
        return found[1]

    lines: list[str] = []
    add = lines.append
    store = graph.store
    with gc_paused():
        if isinstance(store, BulkMemory) and hasattr(store, "_Memory__spo") and store.holds_only(graph):
            # Walk the subject index: each subject and predicate looked up once per group.
            for s, po in store._Memory__spo.items():  # type: ignore[attr-defined]
                ns = nt(s)
                for p, objects in po.items():
                    head = f"{ns} {nt(p)} "
                    if len(objects) == 1:
                        for o in objects:
                            found = cache.get(id(o))
                            add(head + (found[1] if found is not None else nt(o)))
                    else:  # the group's lines as one piece (joined below by the same " .\n")
                        add(head + f" .\n{head}".join([nt(o) for o in objects]))
        else:
            for s, p, o in graph:
                add(f"{nt(s)} {nt(p)} {nt(o)}")
    if not lines:
        return b""
    lines.append("")
    return " .\n".join(lines).encode("utf-8")
