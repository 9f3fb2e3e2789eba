"""SHACL Core checked set-based, on the rdflib terms pySHACL would see, without pySHACL.

pySHACL walks focus node by focus node, building each constraint component again for
every shape and looking every value up through rdflib's generic triple iterators. Here a
shape with plain targets (``sh:targetClass``/``targetNode``/``targetSubjectsOf``/
``targetObjectsOf``) is compiled once per process into a few checks; a run finds its focus
nodes once, gets the value nodes of each property shape for all of them at once (straight
from rdflib's ``Memory`` indexes when it can: ``shacl_data``) and applies each check to the
whole map; ``shacl_report`` writes the results into the report as pySHACL would.
The checks mirror pySHACL 0.40's Core components term for term (rdflib ``Literal``
equality, ``ill_typed``, value types, comparisons, the generic messages), so a result is
the very ``sh:ValidationResult`` pySHACL writes (tests/test_shacl_paths.py compares them).

What a shape uses and this module does not know (any other parameter, a path other than
IRIs, inverse IRIs and sequences of those, a nested ``sh:property`` …) raises
``Unsupported`` when compiling: ``shacl.plan`` then leaves that shape to pySHACL.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from .shacl_data import ALLOWED_SEVERITIES, Run

# (``Messages`` in annotations: ``shacl_report.Messages``, which imports this module.)


class Unsupported(Exception):
    """A shape (or part of one) this engine leaves to pySHACL."""


# ------------------------------------------------------------------ shapes


@dataclass
class Result:
    focus: Node
    value: Node | None
    component: URIRef
    check: Check


@dataclass
class CoreShape:
    node: Node  # in the shapes graph
    path: Node | None  # None: a node shape
    steps: tuple[tuple[URIRef, bool], ...]  # the path as (predicate, inverse) steps
    severity: Node
    messages: tuple[Node, ...]
    deactivated: bool
    checks: list[Check] = field(default_factory=list)

    def value_nodes(self, run: Run, focus: Iterable[Node]) -> dict[Node, Collection[Node]]:
        """Focus node -> its value nodes (a set, or a read-only view of rdflib's index)."""
        if self.path is None:
            return {f: (f,) for f in focus}
        t = run.triples
        if len(self.steps) == 1:
            p, inverse = self.steps[0]
            return t.values(focus, p, inverse)
        out = {}
        for f in focus:
            nodes = {f}
            for p, inverse in self.steps:
                step: set[Node] = set()
                for n in nodes:
                    step |= t.subjects(p, n) if inverse else t.objects(n, p)
                nodes = step
            out[f] = nodes
        return out

    def results(self, run: Run, focus: Iterable[Node]) -> list[Result]:
        if self.deactivated:
            return []
        fv = self.value_nodes(run, focus)
        if not fv:
            return []
        out: list[Result] = []
        for check in self.checks:
            out.extend(check.run(run, self, fv))
        return out

    def failing(self, run: Run, nodes: set[Node]) -> set[Node]:
        """The ``nodes`` that do not conform to this shape (pySHACL's ``Shape.validate``
        with ``focus=node``, ``allow_warnings``)."""
        if self.deactivated or self.severity in ALLOWED_SEVERITIES:
            return set()
        return {r.focus for r in self.results(run, nodes)}


class Check:
    """One constraint component of a shape."""

    component: URIRef

    def run(self, run: Run, shape: CoreShape, fv: dict[Node, set[Node]]) -> Iterable[Result]:
        raise NotImplementedError

    def generic_messages(self, ctx: Messages, shape: CoreShape, focus: Node, value: Node | None) -> list[str]:
        raise NotImplementedError


def _one(shapes: Graph, shape: Node, p: URIRef) -> Node:
    values = list(shapes.objects(shape, p))
    if len(values) != 1:
        raise Unsupported(f"{shape}: {len(values)} values of {p}")
    return values[0]


class ClassCheck(Check):
    component = SH.ClassConstraintComponent

    def __init__(self, shapes: Graph, node: Node) -> None:
        self.classes = list(shapes.objects(node, SH["class"]))

    def run(self, run, shape, fv):
        for c in self.classes:
            for f, values in fv.items():
                for v in values:
                    if isinstance(v, Literal) or c not in run.classes_of(v):
                        yield Result(f, v, self.component, self)

    def generic_messages(self, ctx, shape, focus, value):
        if len(self.classes) < 2:
            return [f"Value does not have class {ctx.sg(self.classes[0])}"]
        return ["Value class is not in classes ({})".format(", ".join(ctx.sg(c) for c in self.classes))]


_VALUE_TYPES: dict[Node, type | tuple[type, ...]] = {
    XSD.string: (str, bytes),
    RDF.langString: (str, bytes),
    XSD.integer: int,
    XSD.float: float,
    XSD.decimal: Decimal,
    XSD.boolean: bool,
    XSD.date: datetime.date,
    XSD.time: datetime.time,
    XSD.dateTime: datetime.datetime,
}


class DatatypeCheck(Check):
    component = SH.DatatypeConstraintComponent

    def __init__(self, shapes: Graph, node: Node) -> None:
        self.datatype = _one(shapes, node, SH.datatype)
        self._cache: dict[Literal, bool] = {}

    def matches(self, v: Node) -> bool:
        if not isinstance(v, Literal):
            return False
        dt, rule = v.datatype, self.datatype
        if dt == rule:
            if getattr(v, "ill_typed", None) is True:
                return False
            return self._actual(v)
        if rule == RDFS.Literal:
            return True
        if rule == RDFS.Datatype and dt:
            return True
        if dt is None and v.language is None and rule == XSD.string:
            return self._actual(v)
        if rule == RDF.langString and v.language:
            return self._actual(v)
        return False

    def _actual(self, v: Literal) -> bool:
        kind = _VALUE_TYPES.get(self.datatype)
        return True if kind is None else isinstance(v.value, kind)

    def run(self, run, shape, fv):
        # The common cases first, cheaply (rdflib's URIRef.__eq__ is Python code: compare
        # str): a literal of the very datatype, well formed, of the right Python type; a
        # plain literal for xsd:string; a tagged one for rdf:langString. Else ``matches``.
        rule, kind, eq = str(self.datatype), _VALUE_TYPES.get(self.datatype), str.__eq__
        plain_ok = self.datatype == XSD.string
        tagged_ok = self.datatype == RDF.langString
        for f, values in fv.items():
            for v in values:
                if type(v) is Literal:
                    dt = v.datatype
                    if dt is None:
                        if v.language is None:
                            if plain_ok and isinstance(v.value, (str, bytes)):
                                continue
                        elif tagged_ok and isinstance(v.value, (str, bytes)):
                            continue
                    elif eq(dt, rule) and v.ill_typed is not True and (kind is None or isinstance(v.value, kind)):
                        continue
                if not self.matches(v):
                    yield Result(f, v, self.component, self)

    def generic_messages(self, ctx, shape, focus, value):
        return [f"Value is not Literal with datatype {ctx.sg(self.datatype)}"]


_KINDS = {
    BNode: (SH.BlankNode, SH.BlankNodeOrLiteral, SH.BlankNodeOrIRI),
    Literal: (SH.Literal, SH.BlankNodeOrLiteral, SH.IRIOrLiteral),
    URIRef: (SH.IRI, SH.IRIOrLiteral, SH.BlankNodeOrIRI),
}


class NodeKindCheck(Check):
    component = SH.NodeKindConstraintComponent

    def __init__(self, shapes: Graph, node: Node) -> None:
        self.kind = _one(shapes, node, SH.nodeKind)

    def run(self, run, shape, fv):
        kind = self.kind
        for f, values in fv.items():
            for v in values:
                allowed = _KINDS[BNode] if isinstance(v, BNode) else _KINDS[Literal] if isinstance(v, Literal) else _KINDS[URIRef]
                if kind not in allowed:
                    yield Result(f, v, self.component, self)

    def generic_messages(self, ctx, shape, focus, value):
        return [f"Value is not of Node Kind {ctx.sg(self.kind)}"]


class CountCheck(Check):
    def __init__(self, shapes: Graph, node: Node, param: URIRef) -> None:
        self.is_min = param == SH.minCount
        self.component = SH.MinCountConstraintComponent if self.is_min else SH.MaxCountConstraintComponent
        count = _one(shapes, node, param)
        if not isinstance(count, Literal) or not isinstance(count.value, int) or isinstance(count.value, bool):
            raise Unsupported(f"{node}: {param} {count!r}")
        self.count = count

    def run(self, run, shape, fv):
        n = int(self.count.value)
        if self.is_min:
            if n == 0:
                return
            for f, values in fv.items():
                if not len(values) >= n:
                    yield Result(f, None, self.component, self)
        else:
            for f, values in fv.items():
                if not len(values) <= n:
                    yield Result(f, None, self.component, self)

    def generic_messages(self, ctx, shape, focus, value):
        word = "Less" if self.is_min else "More"
        return [f"{word} than {self.count.value} values on {ctx.data(focus)}->{ctx.sg(shape.path)}"]


_STRING_TYPES = (None, RDF.langString, XSD.string)


def _string_of(v: Node) -> str:
    if isinstance(v, Literal):
        if v.value is not None and v.datatype in _STRING_TYPES:
            return str(v.value)
        return str(v)
    return str(v)


class LengthCheck(Check):
    def __init__(self, shapes: Graph, node: Node, param: URIRef) -> None:
        self.is_min = param == SH.minLength
        self.component = SH.MinLengthConstraintComponent if self.is_min else SH.MaxLengthConstraintComponent
        self.rule = _one(shapes, node, param)
        if not isinstance(self.rule, Literal) or not isinstance(self.rule.value, int) or self.rule.value < 0:
            raise Unsupported(f"{node}: {param} {self.rule!r}")

    def run(self, run, shape, fv):
        n = self.rule.value
        for f, values in fv.items():
            for v in values:
                if self.is_min:
                    ok = n == 0 or (not isinstance(v, BNode) and len(_string_of(v)) >= n)
                else:
                    ok = not isinstance(v, BNode) and len(_string_of(v)) <= n
                if not ok:
                    yield Result(f, v, self.component, self)

    def generic_messages(self, ctx, shape, focus, value):
        return [f"String length not {'>=' if self.is_min else '<='} {ctx.data(self.rule)}"]


class PatternCheck(Check):
    component = SH.PatternConstraintComponent

    def __init__(self, shapes: Graph, node: Node) -> None:
        self.patterns = list(shapes.objects(node, SH.pattern))
        if not all(isinstance(p, Literal) for p in self.patterns):
            raise Unsupported(f"{node}: sh:pattern not a literal")
        flags_found = list(shapes.objects(node, SH.flags))
        re_flags = 0
        if flags_found:
            text = str(flags_found[0].value if isinstance(flags_found[0], Literal) else flags_found[0]).lower()
            re_flags |= (re.I if "i" in text else 0) | (re.M if "m" in text else 0)
        self.compiled = {
            p: re.compile(str(p.value) if p.value is not None and len(p.value) > 1 else str(p), re_flags)
            for p in self.patterns
        }

    def run(self, run, shape, fv):
        for p in self.patterns:
            matcher = self.compiled[p]
            for f, values in fv.items():
                for v in values:
                    ok = False
                    if not isinstance(v, BNode):
                        s = _string_of(v)
                        ok = bool(matcher.match(s) or matcher.search(s))
                    if not ok:
                        yield Result(f, v, self.component, self)

    def generic_messages(self, ctx, shape, focus, value):
        if len(self.patterns) < 2:
            return [f"Value does not match pattern '{self.patterns[0].value}'"]
        return ["Value does not match every pattern in ('{}')".format("', '".join(str(p.value) for p in self.patterns))]


class InCheck(Check):
    component = SH.InConstraintComponent

    def __init__(self, shapes: Graph, node: Node) -> None:
        self.values: set[Node] = set()
        for item in shapes.items(_one(shapes, node, SH["in"])):
            self.values.add(item)

    def run(self, run, shape, fv):
        allowed = self.values
        for f, values in fv.items():
            for v in values:
                if v not in allowed:
                    yield Result(f, v, self.component, self)

    def generic_messages(self, ctx, shape, focus, value):
        listed = [ctx.sg(v) for v in self.values]
        return [f"Value {ctx.data(value)} not in list {listed}"]


class HasValueCheck(Check):
    component = SH.HasValueConstraintComponent

    def __init__(self, shapes: Graph, node: Node) -> None:
        self.values = set(shapes.objects(node, SH.hasValue))

    def run(self, run, shape, fv):
        for hv in self.values:
            for f, values in fv.items():
                if not any(v == hv for v in values):
                    yield Result(f, None, self.component, self)

    def generic_messages(self, ctx, shape, focus, value):
        listed = [ctx.sg(v) for v in self.values]
        if shape.path is not None:
            return [f"Node {ctx.data(focus)}->{ctx.sg(shape.path)} does not contain a value in the set: {listed}"]
        return [f"Node {ctx.data(focus)} value is not a in the set of values: {listed}"]


_INTEGER = XSD.integer


def _compare_literal(l1: Literal, l2: Literal) -> int:
    # pyshacl.rdfutil.compare.compare_literal, with a shortcut for two xsd:integers
    a, b = l1.value, l2.value
    if type(a) is int and type(b) is int and l1.datatype == _INTEGER and l2.datatype == _INTEGER:
        return (a > b) - (a < b)
    if l1.eq(l2):
        return 0
    if l1.value.__class__ in (datetime.datetime, datetime.time):
        if l1.value == l2.value:
            return 0
        if l1.value > l2.value:
            return 1
    elif l1 > l2:
        return 1
    return -1


_RANGES: dict[URIRef, tuple[URIRef, Callable[[int], bool], str]] = {
    SH.minExclusive: (SH.MinExclusiveConstraintComponent, lambda c: c > 0, ">"),
    SH.minInclusive: (SH.MinInclusiveConstraintComponent, lambda c: c >= 0, ">="),
    SH.maxExclusive: (SH.MaxExclusiveConstraintComponent, lambda c: c < 0, "<"),
    SH.maxInclusive: (SH.MaxInclusiveConstraintComponent, lambda c: c <= 0, "<="),
}


class RangeCheck(Check):
    def __init__(self, shapes: Graph, node: Node, param: URIRef) -> None:
        self.component, self.passes, self.word = _RANGES[param]
        self.limits = list(shapes.objects(node, param))
        if not all(isinstance(m, Literal) for m in self.limits):
            raise Unsupported(f"{node}: {param} not a literal")

    def run(self, run, shape, fv):
        for m in self.limits:
            limit_is_string = isinstance(m.value, str)
            for f, values in fv.items():
                for v in values:
                    ok = False
                    if isinstance(v, Literal):
                        v_is_string = isinstance(v.value, str)
                        if v_is_string == limit_is_string:
                            try:
                                ok = self.passes(_compare_literal(v, m))
                            except (TypeError, NotImplementedError):
                                ok = False
                    if not ok:
                        yield Result(f, v, self.component, self)

    def generic_messages(self, ctx, shape, focus, value):
        if len(self.limits) < 2:
            return [f"Value is not {self.word} {ctx.sg(self.limits[0])}"]
        return ["Value is not {} in ({})".format(self.word, ", ".join(ctx.sg(m) for m in self.limits))]


def _comparable(node: Node) -> tuple[object, bool]:
    if isinstance(node, BNode):
        raise Unsupported("a blank node compared by a property-pair constraint")  # pySHACL raises
    if isinstance(node, URIRef):
        return str(node), True
    if isinstance(node, Literal) and isinstance(node.value, str):
        return node.value, True
    return node, False


class PairCheck(Check):
    """sh:equals, sh:lessThanOrEquals (pySHACL's rdflib mode)."""

    def __init__(self, shapes: Graph, node: Node, param: URIRef) -> None:
        self.param = param
        self.component = {SH.equals: SH.EqualsConstraintComponent,
                          SH.lessThanOrEquals: SH.LessThanOrEqualsConstraintComponent}[param]
        self.properties = set(shapes.objects(node, param))
        if not all(isinstance(p, URIRef) for p in self.properties):
            raise Unsupported(f"{node}: {param} not an IRI")

    def run(self, run, shape, fv):
        for prop in self.properties:
            for f, values in fv.items():
                others = run.triples.objects(f, prop)
                if self.param == SH.equals:
                    values = set(values)
                    for v in values - others:
                        yield Result(f, v, self.component, self)
                    for v in others - values:
                        yield Result(f, v, self.component, self)
                    continue
                for v in values:
                    a, a_str = _comparable(v)
                    for o in others:
                        b, b_str = _comparable(o)
                        if a_str != b_str or not a <= b:
                            yield Result(f, v, self.component, self)

    def generic_messages(self, ctx, shape, focus, value):
        op = "!=" if self.param == SH.equals else "<="
        if len(self.properties) < 2:
            rules = ctx.sg(next(iter(self.properties)))
        else:
            rules = ", ".join(ctx.sg(p) for p in self.properties)
        return [f"Value of {ctx.data(focus)}->{rules} {op} {ctx.data(value)}"]


class OrCheck(Check):
    component = SH.OrConstraintComponent

    def __init__(self, shapes: Graph, node: Node, compile_shape: Callable[[Node], CoreShape]) -> None:
        self.lists = list(shapes.objects(node, SH["or"]))
        self.members = []
        for lst in self.lists:
            members = [compile_shape(m) for m in set(shapes.items(lst))]
            if not members:
                raise Unsupported(f"{node}: empty sh:or")
            self.members.append(members)

    def run(self, run, shape, fv):
        all_values = set().union(*fv.values())
        for members in self.members:
            # a value fails the sh:or when it fails every member
            failing = set(all_values)
            for m in members:
                failing &= m.failing(run, failing)
                if not failing:
                    break
            for f, values in fv.items():
                for v in values:
                    if v in failing:
                        yield Result(f, v, self.component, self)

    def generic_messages(self, ctx, shape, focus, value):
        if len(self.lists) < 2:
            text = " , ".join(ctx.sg(m) for m in ctx.shapes.items(self.lists[0]))
        else:
            text = " and ".join("({})".format(" , ".join(ctx.sg(m) for m in ctx.shapes.items(lst))) for lst in self.lists)
        return [f"Node {ctx.data(value)} must conform to one or more shapes in {text}"]


class QualifiedCheck(Check):
    component = SH.QualifiedMinCountConstraintComponent  # or …MaxCount…, per result

    def __init__(self, shapes: Graph, node: Node, compile_shape: Callable[[Node], CoreShape]) -> None:
        self.value_shapes = list(shapes.objects(node, SH.qualifiedValueShape))
        self.compiled = [compile_shape(s) for s in self.value_shapes]
        for d in shapes.objects(node, SH.qualifiedValueShapesDisjoint):
            if isinstance(d, Literal) and d.value is True:
                raise Unsupported(f"{node}: sh:qualifiedValueShapesDisjoint")
        self.min_count = self._count(shapes, node, SH.qualifiedMinCount)
        self.max_count = self._count(shapes, node, SH.qualifiedMaxCount)
        if self.min_count is None and self.max_count is None:
            raise Unsupported(f"{node}: sh:qualifiedValueShape without a count")

    @staticmethod
    def _count(shapes: Graph, node: Node, p: URIRef) -> int | None:
        found = list(shapes.objects(node, p))
        if not found:
            return None
        if len(found) > 1 or not isinstance(found[0], Literal) or not isinstance(found[0].value, int):
            raise Unsupported(f"{node}: {p}")
        return found[0].value

    def run(self, run, shape, fv):
        if sum(len(v) for v in fv.values()) < 1 and (self.min_count is None or self.min_count < 1):
            return
        all_values = set().union(*fv.values())
        for vs in self.compiled:
            failing = vs.failing(run, all_values)
            for f, values in fv.items():
                n = sum(1 for v in values if v not in failing)
                if self.max_count is not None and n > self.max_count:
                    yield Result(f, None, SH.QualifiedMaxCountConstraintComponent, self)
                if self.min_count is not None and n < self.min_count:
                    yield Result(f, None, SH.QualifiedMinCountConstraintComponent, self)

    def generic_messages(self, ctx, shape, focus, value):
        shapes_string = ",".join(ctx.sg(s) for s in self.value_shapes)
        count = (f" MinCount {self.min_count}" if self.min_count is not None else "") + (
            f" MaxCount {self.max_count}" if self.max_count is not None else "")
        if len(self.value_shapes) > 1:
            return [f"Focus node does not conform to shapes{count}: ({shapes_string})"]
        return [f"Focus node does not conform to shape{count}: {shapes_string}"]


# Parameters that are not constraints (or are handled elsewhere: sh:property by shacl.plan,
# sh:sparql by the SHACL-SPARQL runner).
_IGNORED = frozenset((
    RDF.type, RDFS.label, RDFS.comment, SH.path, SH.message, SH.severity, SH.deactivated, SH.name,
    SH.description, SH.order, SH.group, SH.defaultValue, SH.targetClass, SH.targetNode,
    SH.targetSubjectsOf, SH.targetObjectsOf, SH.qualifiedMinCount, SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint, SH.flags,
))


def compile_shape(shapes: Graph, node: Node, *, nested: bool = True, _seen: tuple = ()) -> CoreShape:
    """``node`` of ``shapes`` as a ``CoreShape``; raises ``Unsupported``. A ``nested``
    shape (a member of sh:or, a qualified value shape) may not have property shapes or
    SPARQL constraints of its own; a top-level one may (``shacl.plan`` handles those)."""
    if node in _seen:
        raise Unsupported(f"{node}: a recursive shape")
    seen = (*_seen, node)

    def sub(n: Node) -> CoreShape:
        return compile_shape(shapes, n, nested=True, _seen=seen)

    path = shapes.value(node, SH.path)
    steps = _steps(shapes, path) if path is not None else ()
    severity = shapes.value(node, SH.severity) or SH.Violation
    deactivated = False
    for d in shapes.objects(node, SH.deactivated):
        if not isinstance(d, Literal):
            raise Unsupported(f"{node}: sh:deactivated {d!r}")
        deactivated = bool(d.value)
    shape = CoreShape(node, path, steps, severity, tuple(set(shapes.objects(node, SH.message))), deactivated)
    params = set(shapes.predicates(node))
    for p in params:
        if p in _IGNORED:
            continue
        if p in (SH.property, SH.sparql):
            if nested:
                raise Unsupported(f"{node}: nested {p}")
            continue
        if p == SH["class"]:
            shape.checks.append(ClassCheck(shapes, node))
        elif p == SH.datatype:
            shape.checks.append(DatatypeCheck(shapes, node))
        elif p == SH.nodeKind:
            shape.checks.append(NodeKindCheck(shapes, node))
        elif p in (SH.minCount, SH.maxCount):
            if path is None:
                raise Unsupported(f"{node}: {p} on a node shape")
            shape.checks.append(CountCheck(shapes, node, p))
        elif p in (SH.minLength, SH.maxLength):
            shape.checks.append(LengthCheck(shapes, node, p))
        elif p == SH.pattern:
            shape.checks.append(PatternCheck(shapes, node))
        elif p == SH["in"]:
            shape.checks.append(InCheck(shapes, node))
        elif p == SH.hasValue:
            shape.checks.append(HasValueCheck(shapes, node))
        elif p in _RANGES:
            shape.checks.append(RangeCheck(shapes, node, p))
        elif p in (SH.equals, SH.lessThanOrEquals):
            if path is None:
                raise Unsupported(f"{node}: {p} on a node shape")
            shape.checks.append(PairCheck(shapes, node, p))
        elif p == SH["or"]:
            shape.checks.append(OrCheck(shapes, node, sub))
        elif p == SH.qualifiedValueShape:
            if path is None:
                raise Unsupported(f"{node}: {p} on a node shape")
            shape.checks.append(QualifiedCheck(shapes, node, sub))
        else:
            raise Unsupported(f"{node}: {p}")
    return shape


def _steps(shapes: Graph, path: Node) -> tuple[tuple[URIRef, bool], ...]:
    """A path of IRIs, inverse IRIs and sequences of those, as steps; else Unsupported."""
    if isinstance(path, URIRef):
        return ((path, False),)
    if isinstance(path, BNode):
        inv = list(shapes.objects(path, SH.inversePath))
        if len(inv) == 1 and isinstance(inv[0], URIRef) and len(set(shapes.predicates(path))) == 1:
            return ((inv[0], True),)
        if (path, RDF.first, None) in shapes:
            items = list(shapes.items(path))
            if len(items) >= 2:
                out: list[tuple[URIRef, bool]] = []
                for item in items:
                    step = _steps(shapes, item)
                    if len(step) != 1:
                        raise Unsupported(f"nested sequence path {path}")
                    out.extend(step)
                return tuple(out)
    raise Unsupported(f"path {path!r}")
