"""The package's ontology and shapes as the validator reads them (``loader/model.py``):
parsed by pyoxigraph, they must be exactly the graphs rdflib's own Turtle parser gives
(same triples up to blank-node names, same literal forms, same prefixes bound)."""

from __future__ import annotations

from collections import Counter
from importlib import resources

import pytest
from rdflib import Graph, Literal
from rdflib.compare import isomorphic

from budgetkg.loader import model
from budgetkg.loader.namespaces import bind_prefixes


def rdflib_parse(*names: str) -> Graph:
    g = bind_prefixes(Graph())
    pkg = resources.files("budgetkg.ontology")
    for name in names:
        g.parse(data=(pkg / name).read_text(encoding="utf-8"), format="turtle", publicID=f"file:///{name}")
    return g


def literals(g: Graph) -> Counter:
    return Counter((str(o), o.datatype, o.language) for o in g.objects() if isinstance(o, Literal))


@pytest.mark.parametrize("names", [model.ONTOLOGY_FILES, (model.SHAPES_FILE,)], ids=["ontology", "shapes"])
def test_the_files_parse_as_rdflib_parses_them(names):
    ours, theirs = model._parse(*names), rdflib_parse(*names)
    assert len(ours) == len(theirs) > 500
    assert isomorphic(ours, theirs)
    assert literals(ours) == literals(theirs)  # lexical forms, datatypes (or none), language tags
    assert set(ours.namespaces()) == set(theirs.namespaces())
    # filled in one pass (memgraph.graph_of): found by object as by subject
    assert all(t in set(ours.triples((None, None, t[2]))) for t in ours)


def test_a_turtle_error_names_the_file(monkeypatch, tmp_path):
    (tmp_path / "broken.ttl").write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n", encoding="utf-8")
    monkeypatch.setattr(model.resources, "files", lambda _pkg: tmp_path)
    with pytest.raises(ValueError, match="broken.ttl"):
        model._parse("broken.ttl")
