"""The report of ``shacl_core``'s results, as pySHACL writes it: the same
``sh:ValidationResult`` triples, the shapes' messages or pySHACL's generic ones (its
``stringify_node``), blank nodes cloned the way pySHACL clones them."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, NamespaceManager
from rdflib.term import Node

from .shacl_data import ALLOWED_SEVERITIES

if TYPE_CHECKING:
    from .shacl_core import CoreShape, Result


class Messages:
    """pySHACL's ``stringify_node`` for the generic messages: shapes-graph terms with the
    shapes' prefixes, data terms with those of a new rdflib Graph (what pySHACL's copy of
    the data graph has)."""

    def __init__(self, shapes: Graph, data: Graph) -> None:
        self.shapes = shapes
        self.data_graph = data


    def sg(self, node: Node) -> str:
        ns = self.shapes.namespace_manager
        ns.bind("sh", SH, override=False, replace=False)  # as pySHACL does
        return _stringify(self.shapes, node, ns, 0)

    def data(self, node: Node | None) -> str:
        return _stringify(self.data_graph, node, _fresh_namespaces(), 0)


@lru_cache(maxsize=1)
def _fresh_namespaces() -> NamespaceManager:
    ns = Graph().namespace_manager
    ns.bind("sh", SH, override=False, replace=False)
    return ns


def _stringify(graph: Graph, node: Node | None, ns: NamespaceManager, depth: int) -> str:
    if isinstance(node, Literal):
        value = None if node.value is None else str(node.value)
        lex = str(node)
        if value is not None:
            at = value.find(" object at 0x")
            if at > 0:
                value = value[:at]
        text = f'"{lex}" = {value}' if value is not None and value != lex else f'"{lex}"'
        lang = f", lang={node.language}" if node.language else ""
        dt = f", datatype={_stringify(graph, node.datatype, ns, depth)}" if node.datatype else ""
        return f"Literal({text}{lang}{dt})"
    if isinstance(node, BNode):
        return _stringify_bnode(graph, node, ns, depth + 1)
    if isinstance(node, URIRef):
        try:
            return node.n3(namespace_manager=ns)
        except Exception:
            return str(node)
    return str(node)


def _stringify_bnode(graph: Graph, bnode: BNode, ns: NamespaceManager, depth: int) -> str:
    if depth >= 12:
        return "<http://recursion.too.deep>"
    predicates = list(graph.predicates(bnode))
    if not predicates:
        return "[ ]"
    if RDF.first in predicates:
        return "( {} )".format(" ".join(_stringify(graph, i, ns, depth + 1) for i in graph.items(bnode)))
    parts = {}
    for p in predicates:
        p_text = p.n3(namespace_manager=ns) if isinstance(p, (Literal, BNode, URIRef)) else str(p)
        objs = list(graph.objects(bnode, p))
        if not objs:
            continue
        texts = sorted(_stringify(graph, o, ns, depth + 1) for o in objs)
        parts[p_text] = ", ".join(texts) if len(texts) > 1 else texts[0]
    if len(parts) > 1:
        body = " ; ".join(f"{p} {o}" for p, o in sorted(parts.items()))
    else:
        (p, o), = parts.items()
        body = f"{p} {o}"
    return f"[ {body} ]"


def new_report(shapes: Graph) -> tuple[Graph, BNode]:
    """An empty report graph as pySHACL makes it (its prefixes, ``sh:conforms true``)."""
    report = Graph(bind_namespaces="core")
    for prefix, ns in shapes.namespace_manager.namespaces():
        report.namespace_manager.bind(prefix, ns)
    node = BNode()
    report.add((node, RDF.type, SH.ValidationReport))
    report.add((node, SH.conforms, Literal(True)))
    return report, node


def write_results(report: Graph, report_node: Node, results: list[tuple[CoreShape, Result]], ctx: Messages,
                  data: Graph) -> bool:
    """Add ``results`` as pySHACL's sh:ValidationResults; False if one is not allowed
    (a severity other than sh:Warning/sh:Info)."""
    conforms = True
    cloned: dict[tuple[int, Node], Node] = {}

    def clone(graph: Graph, node: Node) -> Node:
        if not isinstance(node, BNode):
            return node
        key = (id(graph), node)
        if key not in cloned:
            cloned[key] = _clone_bnode(graph, node, report, keep_id=True, depth=0)
        return cloned[key]

    for shape, r in results:
        node = BNode()
        add = report.add
        add((report_node, SH.result, node))
        add((node, RDF.type, SH.ValidationResult))
        add((node, SH.sourceConstraintComponent, r.component))
        add((node, SH.sourceShape, clone(ctx.shapes, shape.node)))
        add((node, SH.resultSeverity, shape.severity))
        add((node, SH.focusNode, clone(data, r.focus)))
        if r.value is not None:
            add((node, SH.value, clone(data, r.value)))
        if shape.path is not None:
            add((node, SH.resultPath, clone(ctx.shapes, shape.path)))
        messages = shape.messages or tuple(Literal(m) for m in r.check.generic_messages(ctx, shape, r.focus, r.value))
        for m in messages:
            add((node, SH.resultMessage, m))
        if shape.severity not in ALLOWED_SEVERITIES:
            conforms = False
    if not conforms:
        report.set((report_node, SH.conforms, Literal(False)))
    return conforms


def _clone_bnode(graph: Graph, bnode: BNode, target: Graph, keep_id: bool, depth: int) -> BNode:
    # pyshacl.rdfutil.clone: the node itself keeps its id, what it holds gets new ones
    new = BNode(str(bnode)) if keep_id else BNode()
    if depth >= 10:
        return new
    predicates = set(graph.predicates(bnode))
    if RDF.first in predicates:
        items = list(graph.items(bnode))
        cell = new
        for i, item in enumerate(items):
            target.add((cell, RDF.first, _clone_term(graph, item, target, depth + 1)))
            nxt = BNode() if i + 1 < len(items) else RDF.nil
            target.add((cell, RDF.rest, nxt))
            cell = nxt
        if not items:
            return RDF.nil  # type: ignore[return-value]
        return new
    for p in predicates:
        for o in graph.objects(bnode, p):
            target.add((new, p, _clone_term(graph, o, target, depth + 1)))
    return new


def _clone_term(graph: Graph, node: Node, target: Graph, depth: int) -> Node:
    if isinstance(node, Literal):
        return Literal(str(node), node.language, node.datatype)
    if isinstance(node, BNode):
        return _clone_bnode(graph, node, target, keep_id=False, depth=depth)
    return URIRef(str(node))
