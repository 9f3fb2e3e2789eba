"""bench/rows.py: the row check behind the benchmark's naive and HTTP ratios."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("bench_rows", Path(__file__).parents[1] / "bench" / "rows.py")
rows = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rows)

XSD = "http://www.w3.org/2001/XMLSchema#"


def result(*bindings):
    return {"head": {"vars": []}, "results": {"bindings": list(bindings)}}


def lit(value, datatype=None, lang=None):
    out = {"type": "literal", "value": value}
    if datatype:
        out["datatype"] = XSD + datatype
    if lang:
        out["xml:lang"] = lang
    return out


def test_numbers_compare_as_numbers_and_rows_as_a_multiset():
    a = result({"n": lit("1.0", "decimal"), "s": lit("x")}, {"n": lit("2", "integer"), "s": lit("y")})
    b = result({"n": lit("2", "integer"), "s": lit("y", "string")}, {"n": lit("1.00", "decimal"), "s": lit("x")})
    assert rows.compare(a, b)["same"]
    c = result({"n": lit("1.01", "decimal"), "s": lit("x")}, {"n": lit("2", "integer"), "s": lit("y")})
    check = rows.compare(a, c)
    assert not check["same"] and check["missing"] == check["extra"] == 1
    # a repeated row is not the same as one row
    assert not rows.compare(a, result(*a["results"]["bindings"], a["results"]["bindings"][0]))["same"]


def test_language_and_kind_matter():
    assert not rows.compare(result({"s": lit("x", lang="zh")}), result({"s": lit("x")}))["same"]
    assert not rows.compare(result({"s": {"type": "uri", "value": "x"}}), result({"s": lit("x")}))["same"]


def test_group_concat_order_and_sample_are_not_held_against_an_engine():
    query = 'SELECT ?k (GROUP_CONCAT(?v; separator=" | ") AS ?vs) (SAMPLE(?w) AS ?any) WHERE { } GROUP BY ?k'
    a = result({"k": lit("k"), "vs": lit("a | b"), "any": lit("p")})
    b = result({"k": lit("k"), "vs": lit("b | a"), "any": lit("q")})
    assert not rows.compare(a, b)["same"]  # without the query: strings as they are
    check = rows.compare(a, b, query)
    assert check["same"] and check["sample_ignored"] == ["any"]
    assert not rows.compare(a, result({"k": lit("k"), "vs": lit("b | c"), "any": lit("p")}), query)["same"]


def test_booleans_compare_by_value_not_form():
    # Virtuoso writes xsd:boolean as 1/0, Oxigraph as true/false: the same values
    a = result({"b": lit("true", "boolean")}, {"b": lit("false", "boolean")})
    assert rows.compare(a, result({"b": lit("0", "boolean")}, {"b": lit("1", "boolean")}))["same"]
    # ... but a boolean is not the integer 1, and true is not false
    assert not rows.compare(a, result({"b": lit("1", "integer")}, {"b": lit("0", "integer")}))["same"]
    assert not rows.compare(a, result({"b": lit("true", "boolean")}, {"b": lit("true", "boolean")}))["same"]
