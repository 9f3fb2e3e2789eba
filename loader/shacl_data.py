"""Reading the data for ``shacl_core``: the union of the data graph and the ontology
(pySHACL validates the two mixed), straight from rdflib's ``Memory`` indexes when it can,
and the focus nodes of plain targets."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from rdflib import Graph
from rdflib.namespace import RDF, RDFS, SH
from rdflib.plugins.stores.memory import Memory
from rdflib.term import Node

_TYPE = RDF.type
_EMPTY: dict = {}
#: Severities that do not make a graph non-conforming (pySHACL's ``allow_warnings=True``).
ALLOWED_SEVERITIES = frozenset((SH.Warning, SH.Info))


class Triples:
    """``objects``/``subjects`` over the union of some rdflib graphs (the data and the
    ontology: pySHACL validates the two mixed). A graph alone on rdflib's ``Memory``
    store is read through its indexes (a dict lookup instead of ~3 µs of iterators)."""

    def __init__(self, graphs: Iterable[Graph]) -> None:
        self.fast: list[tuple[dict, dict]] = []
        self.slow: list[Graph] = []
        self._maps: dict[tuple[Node, bool], dict] = {}
        self._canons: dict[int, dict] = {}
        for g in graphs:
            indexes = _memory_indexes(g)
            if indexes is None:
                self.slow.append(g)
            else:
                self.fast.append(indexes)

    def objects(self, s: Node, p: Node) -> set[Node]:
        out: set[Node] | None = None
        for spo, _pos in self.fast:
            found = spo.get(s, _EMPTY).get(p)
            if found:
                out = set(found) if out is None else out.union(found)
        if self.slow:
            found = self._slow_map(p, False).get(s)
            if found:
                out = set(found) if out is None else out.union(found)
        return set() if out is None else out

    def subjects(self, p: Node, o: Node) -> set[Node]:
        out: set[Node] | None = None
        for _spo, pos in self.fast:
            found = pos.get(p, _EMPTY).get(o)
            if found:
                out = set(found) if out is None else out.union(found)
        if self.slow:
            found = self._slow_map(p, True).get(o)
            if found:
                out = set(found) if out is None else out.union(found)
        return set() if out is None else out

    def values(self, focus: Iterable[Node], p: Node, inverse: bool) -> dict[Node, Collection[Node]]:
        """``objects(f, p)`` (``subjects(p, f)`` if ``inverse``) for each focus node ``f``,
        at once: the first graph's index entries as they are (read-only key views), the
        other graphs looked at only for the focus nodes they mention."""
        if not self.fast or self.slow:
            get = self.subjects if inverse else self.objects
            return {f: get(p, f) if inverse else get(f, p) for f in focus}  # type: ignore[call-arg]
        (spo, pos), rest = self.fast[0], self.fast[1:]
        p = self._canon(pos, p)
        if inverse:
            index = pos.get(p, _EMPTY)
            out = {f: index.get(f, _EMPTY).keys() for f in focus}
        else:
            out = {f: spo.get(f, _EMPTY).get(p, _EMPTY).keys() for f in focus}
        for spo2, pos2 in rest:
            index2 = pos2.get(p, _EMPTY) if inverse else spo2
            for f in index2.keys() & out.keys():
                more = index2[f] if inverse else index2[f].get(p)
                if more:
                    out[f] = set(out[f]).union(more)
        return out

    def _canon(self, pos: dict, p: Node) -> Node:
        """The graph's own object for the IRI ``p`` (a dict lookup then stops at ``is``
        instead of calling rdflib's Python ``__eq__`` for every key)."""
        canon = self._canons.get(id(pos))
        if canon is None:
            canon = self._canons[id(pos)] = {k: k for k in pos}
        return canon.get(p, p)

    def subject_set(self, p: Node) -> set[Node]:
        """Every subject of ``p``."""
        out: set[Node] = set()
        for _spo, pos in self.fast:
            for subjects in pos.get(p, _EMPTY).values():
                out.update(subjects)
        if self.slow:
            for subjects in self._slow_map(p, True).values():
                out.update(subjects)
        return out

    def object_set(self, p: Node) -> set[Node]:
        """Every object of ``p``."""
        out: set[Node] = set()
        for _spo, pos in self.fast:
            # rdflib's Memory leaves an emptied entry behind when a triple is removed
            out.update(o for o, subjects in pos.get(p, _EMPTY).items() if subjects)
        if self.slow:
            out.update(self._slow_map(p, True))
        return out

    def _slow_map(self, p: Node, inverse: bool) -> dict:
        key = (p, inverse)
        m = self._maps.get(key)
        if m is None:
            m = self._maps[key] = {}
            for g in self.slow:
                for s, o in g.subject_objects(p):
                    a, b = (o, s) if inverse else (s, o)
                    m.setdefault(a, {})[b] = 1
        return m

    def transitive_subjects(self, p: Node, o: Node) -> set[Node]:
        """``o`` and every node reaching it by ``p``+ (rdflib's ``transitive_subjects``)."""
        seen = {o}
        todo = [o]
        while todo:
            for s in self.subjects(p, todo.pop()):
                if s not in seen:
                    seen.add(s)
                    todo.append(s)
        return seen


def _memory_indexes(g: Graph) -> tuple[dict, dict] | None:
    store = g.store
    if not isinstance(store, Memory) or getattr(g, "context_aware", False):
        return None
    try:
        spo, pos = store._Memory__spo, store._Memory__pos  # type: ignore[attr-defined]
        contexts = store._Memory__all_contexts  # type: ignore[attr-defined]
    except AttributeError:  # an rdflib whose Memory looks different: the public API
        return None
    # A store shared by several graphs (a Dataset's) holds their triples together.
    if len(contexts) > 1 or (contexts and g not in contexts):
        return None
    return spo, pos


class Run:
    """One validation: the data (and ontology), caches for class membership."""

    def __init__(self, triples: Triples) -> None:
        self.triples = triples
        self._classes: dict[Node, set[Node]] = {}
        self._super: dict[Node, set[Node]] = {}

    def classes_of(self, node: Node) -> set[Node]:
        """The rdf:type's of ``node`` and their rdfs:subClassOf* (SHACL instance)."""
        found = self._classes.get(node)
        if found is None:
            found = set()
            for t in self.triples.objects(node, _TYPE):
                found |= self._superclasses(t)
            self._classes[node] = found
        return found

    def _superclasses(self, c: Node) -> set[Node]:
        found = self._super.get(c)
        if found is None:
            found, todo = {c}, [c]
            while todo:
                for sup in self.triples.objects(todo.pop(), RDFS.subClassOf):
                    if sup not in found:
                        found.add(sup)
                        todo.append(sup)
            self._super[c] = found
        return found


def focus_nodes(run: Run, targets) -> set[Node]:
    """pySHACL's ``Shape.focus_nodes`` for plain targets (``shacl.Targets``)."""
    t = run.triples
    found: set[Node] = set(targets.nodes)
    for c in targets.classes:
        for cls in t.transitive_subjects(RDFS.subClassOf, c):
            found |= t.subjects(RDF.type, cls)
    for p in targets.subjects_of:
        found |= t.subject_set(p)
    for p in targets.objects_of:
        found |= t.object_set(p)
    return found
