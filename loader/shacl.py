"""The same SHACL shapes, checked in well under conversion's time, same results.

Plain pySHACL took ~3.5 s on the seed (17.4k triples) and 27 CPU-s at 1M triples, against
6.9 for conversion. ``plan`` splits the shapes graph once per process (``cached_plan``):

* **SHACL Core, set-based** (``shacl_core.py``). Each node shape with plain targets
  (class, node, subjects-of, objects-of) and each of its property shapes is compiled into
  checks (class, datatype, node kind, min/max count, length, pattern, ``sh:in``,
  ``sh:hasValue``, ranges, ``sh:equals``, ``sh:lessThanOrEquals``, ``sh:or``, qualified
  value shapes; paths of IRIs, inverse IRIs and sequences). A property shape has its node
  shape's focus nodes (SHACL 2.1, 2.3): they are found once, the value nodes of all of
  them at once, on rdflib's own indexes, and each result is the ``sh:ValidationResult``
  pySHACL writes (message, language tags and generic messages included).
* **SHACL-SPARQL on pyoxigraph.** The ``sh:select`` constraints of node shapes run over
  an in-memory copy of the data with the ontology, ``$this`` pre-bound to each focus
  node (SHACL 5.3.1); each solution becomes an ``sh:ValidationResult`` in the same report
  (SHACL 5.3.2: ``?value``, ``?path``, ``{?var}`` in messages, the shape's severity).
* **pySHACL, only for the rest**: shapes with a parameter or path ``shacl_core`` does not
  know (it raises ``Unsupported``: ``sh:node``, ``sh:xone``, ``sh:closed``, nested
  ``sh:property``, alternative paths …), SPARQL constraints of property shapes, ``sh:ask``,
  ``$PATH``/``$currentShape``/``$shapesGraph``, SPARQL-based targets. Their property shapes
  are "lifted" (given the node shape's targets) so pySHACL checks each once for all focus
  nodes. ``Plan.needs_pyshacl`` is False when nothing is left: ``ontology/shapes.ttl``
  needs no pySHACL at all, and ``validate.py`` then does not even import it.

A shape added to ``ontology/shapes.ttl`` just works: compiled if it can be, left to
pySHACL otherwise. ``tests/test_shacl_paths.py`` and ``tests/test_shacl_engine.py``
compare the whole report with plain pySHACL's, result by result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Node, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD

from .ox_terms import to_ox
from .shacl_core import CoreShape, Unsupported, compile_shape

TARGET_PREDICATES = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
# Pre-bound variables this module does not substitute (SHACL 5.3.1): leave those to pySHACL.
_UNSUPPORTED_VARS = re.compile(r"[?$](PATH|currentShape|shapesGraph)\b")
_TEMPLATE_VAR = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class Targets:
    classes: tuple[URIRef, ...] = ()
    nodes: tuple[Node, ...] = ()
    subjects_of: tuple[URIRef, ...] = ()
    objects_of: tuple[URIRef, ...] = ()


@dataclass(frozen=True)
class SparqlCheck:
    """One ``sh:sparql`` constraint of a node shape, run here rather than by pySHACL."""

    shape: Node
    constraint: Node
    query: str  # with the PREFIX lines of sh:prefixes
    severity: URIRef
    messages: tuple[Literal, ...]
    targets: Targets


@dataclass(frozen=True)
class Plan:
    core: Graph | None  # the shapes pySHACL checks (lifted, without what runs here); None: none
    checks: tuple[SparqlCheck, ...]
    shapes: tuple[tuple[CoreShape, Targets], ...] = ()  # SHACL Core run by shacl_core

    @property
    def needs_pyshacl(self) -> bool:
        return self.core is not None


def plan(shapes: Graph) -> Plan:
    """Split ``shapes`` into what runs here and what pySHACL checks (``core``, built only
    if something is left for it)."""
    edits: list[tuple[bool, tuple]] = []  # (add?, triple or pattern) to make core from shapes
    untargeted: set[Node] = set()
    lifted = False
    checks: list[SparqlCheck] = []
    compiled: list[tuple[CoreShape, Targets]] = []
    for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)), key=str):
        if (shape, SH.deactivated, Literal(True)) in shapes or (shape, SH.path, None) in shapes:
            continue
        if (shape, SH.target, None) in shapes:
            continue  # SPARQL-based targets: pySHACL's business
        targets = _targets(shapes, shape)
        if targets == Targets():
            continue  # used only through sh:node, sh:or …: left as it is
        try:
            own: CoreShape | None = compile_shape(shapes, shape, nested=False)
        except Unsupported:
            own = None
        kept = set(shapes.objects(shape, SH.property))  # still held by the node shape in core
        for prop in list(kept):
            if (prop, SH.deactivated, Literal(True)) in shapes:
                kept.discard(prop)  # pySHACL skips it too
        for prop in _liftable_properties(shapes, shape):
            kept.discard(prop)
            try:
                compiled.append((compile_shape(shapes, prop), targets))
            except Unsupported:
                edits.extend(_lift(shapes, shape, prop))
                lifted = True
        for prop in set(shapes.objects(shape, SH.property)) - kept:
            edits.append((False, (shape, SH.property, prop)))
        sparql_left = False
        for constraint in list(shapes.objects(shape, SH.sparql)):
            check = _sparql_check(shapes, shape, constraint, targets)
            if check is None:
                sparql_left = True
            else:
                checks.append(check)
                edits.append((False, (shape, SH.sparql, constraint)))
        if own is not None and not kept and not sparql_left:
            compiled.append((own, targets))
            untargeted.add(shape)  # pySHACL has nothing left to check on it
            edits.extend((False, t) for t in _target_patterns(shape))
    needs = lifted or _has_other_targets(shapes, untargeted)
    return Plan(_core(shapes, edits) if needs else None, tuple(checks), tuple(compiled))


def _has_other_targets(shapes: Graph, untargeted: set[Node]) -> bool:
    """Whether pySHACL would find a shape with focus nodes other than ``untargeted``."""
    for p in (*TARGET_PREDICATES, SH.target):
        if any(s not in untargeted for s in shapes.subjects(p, None)):
            return True
    for s in shapes.subjects(RDF.type, SH.NodeShape):
        if s not in untargeted and ((s, RDF.type, RDFS.Class) in shapes or (s, RDF.type, OWL.Class) in shapes):
            return True
    return False


def _target_patterns(shape: Node) -> list[tuple]:
    return [*((shape, p, None) for p in TARGET_PREDICATES), (shape, RDF.type, RDFS.Class), (shape, RDF.type, OWL.Class)]


def _core(shapes: Graph, edits: list[tuple[bool, tuple]]) -> Graph:
    core = Graph()
    for prefix, ns in shapes.namespaces():
        core.bind(prefix, ns)
    core += shapes
    for add, triple in edits:
        (core.add if add else core.remove)(triple)
    return core


def _targets(shapes: Graph, shape: Node) -> Targets:
    classes = [o for o in shapes.objects(shape, SH.targetClass) if isinstance(o, URIRef)]
    if (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, OWL.Class) in shapes:
        classes.append(shape)  # implicit class target (SHACL 2.1.3.3)
    return Targets(
        classes=tuple(sorted(classes)),
        nodes=tuple(sorted(shapes.objects(shape, SH.targetNode))),
        subjects_of=tuple(sorted(o for o in shapes.objects(shape, SH.targetSubjectsOf) if isinstance(o, URIRef))),
        objects_of=tuple(sorted(o for o in shapes.objects(shape, SH.targetObjectsOf) if isinstance(o, URIRef))),
    )


def _liftable_properties(shapes: Graph, shape: Node) -> list[Node]:
    """The property shapes of ``shape`` that can take its targets as their own: a property
    shape shared with other holders, switched off or with targets of its own stays put."""
    out = []
    for prop in shapes.objects(shape, SH.property):
        if len(set(shapes.subjects(None, prop))) != 1 or (prop, SH.deactivated, None) in shapes:
            continue
        if any((prop, p, None) in shapes for p in TARGET_PREDICATES):
            continue
        out.append(prop)
    return out


def _lift(shapes: Graph, shape: Node, prop: Node) -> list[tuple[bool, tuple]]:
    """The edits giving the property shape ``prop`` of ``shape`` the node shape's targets,
    as its own (same focus nodes, hence the same value nodes and results: SHACL 2.1, 2.3),
    for pySHACL to check it once for all of them."""
    edits: list[tuple[bool, tuple]] = [(True, (prop, RDF.type, SH.PropertyShape))]
    for p in TARGET_PREDICATES:
        for o in shapes.objects(shape, p):
            edits.append((True, (prop, p, o)))
    if (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, OWL.Class) in shapes:
        edits.append((True, (prop, SH.targetClass, shape)))
    return edits


def _sparql_check(shapes: Graph, shape: Node, constraint: Node, targets: Targets) -> SparqlCheck | None:
    if (constraint, SH.deactivated, Literal(True)) in shapes:
        return None  # pySHACL skips it too; leaving it in the core graph keeps that behaviour
    select = shapes.value(constraint, SH.select)
    if not isinstance(select, Literal) or _UNSUPPORTED_VARS.search(str(select)):
        return None
    prefixes: dict[str, str] = {}
    for holder in shapes.objects(constraint, SH.prefixes):
        for decl in shapes.objects(holder, SH.declare):
            p, ns = shapes.value(decl, SH.prefix), shapes.value(decl, SH.namespace)
            if p is not None and ns is not None:
                prefixes[str(p)] = str(ns)
    header = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(prefixes.items()))
    severity = shapes.value(shape, SH.severity)
    messages = [m for m in shapes.objects(constraint, SH.message) if isinstance(m, Literal)]
    if not messages:
        messages = [m for m in shapes.objects(shape, SH.message) if isinstance(m, Literal)]
    return SparqlCheck(
        shape=shape,
        constraint=constraint,
        query=header + str(select),
        severity=severity if isinstance(severity, URIRef) else SH.Violation,
        messages=tuple(messages),
        targets=targets,
    )


@lru_cache(maxsize=1)
def cached_plan() -> Plan:
    from .model import cached_shapes_graph

    return plan(cached_shapes_graph())


# --- running the SPARQL checks ---------------------------------------------------------


def from_ox(term: object) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    assert isinstance(term, ox.Literal)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def focus_nodes(store: ox.Store, targets: Targets) -> list[ox.NamedNode | ox.BlankNode | ox.Literal]:
    """The focus nodes of a shape in ``store`` (class targets follow rdfs:subClassOf*)."""
    found: dict[object, None] = {}
    for node in targets.nodes:
        found[to_ox(node)] = None
    queries = [
        *(f"SELECT DISTINCT ?n WHERE {{ ?n a/<{RDFS.subClassOf}>* {ox.NamedNode(str(c))} }}"
          for c in targets.classes),
        *(f"SELECT DISTINCT ?n WHERE {{ ?n {ox.NamedNode(str(p))} ?o }}" for p in targets.subjects_of),
        *(f"SELECT DISTINCT ?n WHERE {{ ?s {ox.NamedNode(str(p))} ?n }}" for p in targets.objects_of),
    ]
    for q in queries:
        for row in store.query(q):
            found[row["n"]] = None
    return list(found)  # type: ignore[arg-type]


class CheckFailure(RuntimeError):
    """A SPARQL constraint reported ?failure (SHACL 5.3.2): the validation is unreliable."""


_TRUE = ox.Literal("true", datatype=ox.NamedNode(str(XSD.boolean)))


def run_checks(store: ox.Store, checks: tuple[SparqlCheck, ...], report: Graph) -> bool:
    """Run ``checks`` on ``store``, adding their results to ``report``; False on a violation."""
    report_node = report.value(None, RDF.type, SH.ValidationReport)
    conforms = True
    this = ox.Variable("this")
    for check in checks:
        for focus in focus_nodes(store, check.targets):
            solutions = store.query(check.query, substitutions={this: focus})
            names = [v.value for v in solutions.variables]
            for row in solutions:
                values = {name: row[name] for name in names if row[name] is not None}
                if values.get("failure") == _TRUE:
                    raise CheckFailure(f"SPARQL constraint {check.constraint} reported a failure")
                result = BNode()
                add = report.add
                if report_node is not None:
                    add((report_node, SH.result, result))
                add((result, RDF.type, SH.ValidationResult))
                add((result, SH.focusNode, from_ox(focus)))
                add((result, SH.resultSeverity, check.severity))
                add((result, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
                add((result, SH.sourceShape, check.shape))
                add((result, SH.sourceConstraint, check.constraint))
                add((result, SH.value, from_ox(values.get("value", focus))))
                if isinstance(values.get("path"), ox.NamedNode):
                    add((result, SH.resultPath, from_ox(values["path"])))
                for message in check.messages:
                    add((result, SH.resultMessage, _fill(message, values, focus)))
                if check.severity == SH.Violation:
                    conforms = False
    if report_node is not None and not conforms:
        report.set((report_node, SH.conforms, Literal(False)))
    return conforms


def _fill(message: Literal, values: dict[str, object], focus: object) -> Literal:
    """``{?var}`` / ``{$var}`` in a message -> the variable's value, language tag kept."""

    def text(match: re.Match[str]) -> str:
        term = focus if match.group(1) == "this" else values.get(match.group(1))
        if term is None:
            return match.group(0)
        return term.value if isinstance(term, (ox.Literal, ox.NamedNode, ox.BlankNode)) else str(term)

    return Literal(_TEMPLATE_VAR.sub(text, str(message)), lang=message.language, datatype=message.datatype)


@lru_cache(maxsize=1)
def ontology_ntriples() -> bytes:
    """The ontology graph as N-Triples (for the SPARQL checks' store), made once."""
    from .memgraph import ntriples
    from .model import cached_ontology_graph

    return ntriples(cached_ontology_graph())


def check_store(data_ntriples: bytes) -> ox.Store:
    """An in-memory pyoxigraph store of the data and the ontology, for the SPARQL checks."""
    store = ox.Store()
    # lenient: no IRI re-validation; both were written by an RDF serializer
    store.load(data_ntriples, format=ox.RdfFormat.N_TRIPLES, lenient=True)
    store.load(ontology_ntriples(), format=ox.RdfFormat.N_TRIPLES, lenient=True)
    return store


class GraphChecks:
    """One graph of a store read as the default graph (what ``run_checks`` and
    ``focus_nodes`` query)."""

    def __init__(self, store: ox.Store, graph: ox.NamedNode) -> None:
        self.store, self.graph = store, graph

    def query(self, sparql: str, **kwargs: object) -> object:
        return self.store.query(sparql, default_graph=self.graph, **kwargs)  # type: ignore[arg-type]


def checks_view(scratch: ox.Store, graph: ox.NamedNode) -> GraphChecks:
    """The SPARQL checks' store made from an in-memory store that holds the data in
    ``graph`` (the loader's, made for the dump's member): the ontology added to that
    graph, read as the default graph. The same triples as ``check_store``'s default
    graph, without parsing the data again (tests/test_validate_overlap.py: the same
    results, in the same order)."""
    scratch.load(ontology_ntriples(), format=ox.RdfFormat.N_TRIPLES, to_graph=graph, lenient=True)
    return GraphChecks(scratch, graph)
