"""RDF literal -> Python value: the one mapping every reader of query results uses.

``budgetkg.api`` (notebooks) and the service's pages (``budgetkg.service.querying``)
both turn result terms into Python values here, so a value reads the same wherever it
is read:

- the XSD integer types and ``xsd:gYear`` -> ``int``;
- ``xsd:decimal`` -> ``decimal.Decimal`` (exact: amounts in yuan);
- ``xsd:double`` and ``xsd:float`` -> ``float`` (their value space *is* binary
  floating point; a Decimal would pretend to a precision they never had);
- ``xsd:boolean`` -> ``bool``; ``xsd:date`` -> ``datetime.date``;
- anything else, and a lexical form that is not valid for its datatype -> the text.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

XSD = "http://www.w3.org/2001/XMLSchema#"
INTEGER_TYPES: frozenset[str] = frozenset(f"{XSD}{t}" for t in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte"))
FLOAT_TYPES: frozenset[str] = frozenset({XSD + "double", XSD + "float"})


def to_python(value: str, datatype: str | None) -> Any:
    """A literal's lexical form as a Python value (the form itself when not convertible)."""
    try:
        if datatype in INTEGER_TYPES:
            return int(value)
        if datatype == XSD + "decimal":
            return Decimal(value)
        if datatype in FLOAT_TYPES:
            return float(value)
        if datatype == XSD + "boolean":
            return value in ("true", "1")
        if datatype == XSD + "date":
            return datetime.date.fromisoformat(value)
        if datatype == XSD + "gYear":
            return int(value)
    except (ValueError, InvalidOperation):
        pass
    return value
