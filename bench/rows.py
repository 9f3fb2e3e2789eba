"""Are two SPARQL JSON results the same rows? (for bench/run.py's ratios)

Rows are compared as a multiset (ORDER BY ties and engines' orders differ), each term by
what it means: numbers as numbers (Oxigraph writes canonical decimals, "1.0" where rdflib
writes "1.00"; COUNT is an integer on both), booleans as booleans (Virtuoso writes the
valid lexical forms 1 and 0), ``xsd:string`` as a plain literal, blank nodes as "a blank
node". GROUP_CONCAT's order is unspecified, so a query whose text has
``separator="S"`` is compared with each string split on S and sorted. SAMPLE picks any
value of its group, so a variable bound by ``SAMPLE(…) AS ?v`` in the query is left out.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + t for t in (
    "integer", "decimal", "double", "float", "int", "long", "short", "byte", "nonNegativeInteger",
    "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong",
    "unsignedShort", "unsignedByte")}
SAMPLED = re.compile(r"\bSAMPLE\s*\([^()]*\)\s+AS\s+\?(\w+)", re.IGNORECASE)
SEPARATOR = re.compile(r'separator\s*=\s*"((?:[^"\\]|\\.)*)"', re.IGNORECASE)

Term = tuple[Any, ...]
Row = frozenset[tuple[str, Term]]


def term(value: Mapping[str, str], separators: Sequence[str] = ()) -> Term:
    kind = value.get("type")
    if kind == "bnode":
        return ("bnode",)
    if kind == "uri":
        return ("uri", value["value"])
    datatype = value.get("datatype")
    if datatype == XSD + "boolean":  # "1" and "true" are the same value (Virtuoso writes 1/0)
        return ("boolean", value["value"].strip() in ("true", "1"))
    if datatype in NUMERIC:
        try:
            number = Decimal(value["value"])
            return ("number", number.normalize() if number.is_finite() else number)
        except InvalidOperation:
            pass
    text = value["value"]
    if separators and datatype in (None, XSD + "string") and "xml:lang" not in value:
        for sep in separators:
            if sep and sep in text:
                text = sep.join(sorted(text.split(sep)))
    return ("literal", text, value.get("xml:lang", "").lower(),
            "" if datatype in (None, XSD + "string") else datatype)


def rows(body: Mapping[str, Any], separators: Sequence[str] = (), skip: frozenset[str] = frozenset()) -> Counter[Row]:
    """The rows of a SPARQL JSON result as a multiset (an ASK: one row, its boolean)."""
    if "boolean" in body:
        return Counter({frozenset({("boolean", ("boolean", bool(body["boolean"])))}): 1})
    return Counter(frozenset((k, term(v, separators)) for k, v in b.items() if k not in skip)
                   for b in body.get("results", {}).get("bindings", []))


def separators(query: str) -> list[str]:
    return [m.group(1).encode().decode("unicode_escape") if "\\" in m.group(1) else m.group(1)
            for m in SEPARATOR.finditer(query)]


def compare(expected: Mapping[str, Any], got: Mapping[str, Any], query: str = "") -> dict[str, Any]:
    """``{"same": bool, "rows": n, "got_rows": m, ...}``; when they differ, how many rows
    each side has that the other lacks and one example of each."""
    seps, skip = separators(query), frozenset(SAMPLED.findall(query))
    a, b = rows(expected, seps, skip), rows(got, seps, skip)
    out: dict[str, Any] = {"same": a == b, "rows": sum(a.values()), "got_rows": sum(b.values())}
    if seps:
        out["group_concat_order_ignored"] = True
    if skip:
        out["sample_ignored"] = sorted(skip)
    if a != b:
        missing, extra = a - b, b - a
        out["missing"] = sum(missing.values())
        out["extra"] = sum(extra.values())
        out["example_missing"] = _show(next(iter(missing), None))
        out["example_extra"] = _show(next(iter(extra), None))
    return out


def _show(row: Row | None) -> dict[str, str] | None:
    if row is None:
        return None
    return {k: str(t[1]) if len(t) > 1 else t[0] for k, t in sorted(row)}
