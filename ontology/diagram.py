"""Write the ontology as a Graphviz diagram: ``python -m budgetkg.ontology.diagram [OUT.dot]``.

Classes are boxes; object properties are arrows from domain to range (unions drawn to
each member); subclass links are dashed arrows to the reused W3C/QUDT classes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

from budgetkg.loader.model import ontology_graph


def _short(g: Graph, node: URIRef) -> str:
    return g.namespace_manager.normalizeUri(node)


def _members(g: Graph, node) -> list:
    if isinstance(node, BNode):
        lst = g.value(node, OWL.unionOf)
        return list(Collection(g, lst)) if lst is not None else []
    return [node]


def to_dot(g: Graph) -> str:
    out = ["digraph budgetkg {", '  rankdir=LR; node [shape=box, fontname="Helvetica"]; edge [fontname="Helvetica", fontsize=10];']
    classes = sorted(s for s in g.subjects(RDF.type, OWL.Class) if isinstance(s, URIRef))
    for c in classes:
        out.append(f'  "{_short(g, c)}" [style=filled, fillcolor="#e8f0fe"];')
        for sup in sorted(o for o in g.objects(c, RDFS.subClassOf) if isinstance(o, URIRef)):
            out.append(f'  "{_short(g, c)}" -> "{_short(g, sup)}" [style=dashed, arrowhead=empty];')
    for p in sorted(s for s in g.subjects(RDF.type, OWL.ObjectProperty) if isinstance(s, URIRef)):
        for d in _members(g, g.value(p, RDFS.domain)):
            for r in _members(g, g.value(p, RDFS.range)):
                out.append(f'  "{_short(g, d)}" -> "{_short(g, r)}" [label="{_short(g, p)}"];')
    out.append("}")
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else Path(__file__).with_name("budgetkg.dot")
    target.write_text(to_dot(ontology_graph()), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
