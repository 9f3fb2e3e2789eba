"""RDF literal -> Python value: one mapping, the same for the API and the web pages."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from budgetkg import api
from budgetkg.service.querying import Term
from budgetkg.store.terms import to_python

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.mark.parametrize(("lexical", "datatype", "expected"), [
    ("42", XSD + "integer", 42),
    ("7", XSD + "unsignedByte", 7),
    ("2022", XSD + "gYear", 2022),
    ("73398.50", XSD + "decimal", Decimal("73398.50")),
    ("1.5E2", XSD + "double", 150.0),
    ("0.1", XSD + "float", 0.1),
    ("true", XSD + "boolean", True),
    ("0", XSD + "boolean", False),
    ("2022-06-30", XSD + "date", datetime.date(2022, 6, 30)),
    ("培训合格率", None, "培训合格率"),
    ("not a number", XSD + "decimal", "not a number"),  # invalid lexical form: the text
    ("NaNx", XSD + "double", "NaNx"),
])
def test_literal_values(lexical, datatype, expected):
    value = to_python(lexical, datatype)
    assert value == expected and type(value) is type(expected)


def test_a_double_is_a_float_and_a_decimal_a_decimal_in_the_api_and_the_pages():
    double, decimal = (XSD + "double", "2.5"), (XSD + "decimal", "2.5")
    assert type(Term("literal", double[1], double[0]).py) is float
    assert type(Term("literal", decimal[1], decimal[0]).py) is Decimal
    assert api.to_python is to_python
    rows = api.open_seed().sparql(
        'SELECT ?d ?m WHERE { BIND("2.5"^^<%sdouble> AS ?d) BIND(2.5 AS ?m) }' % XSD)
    assert rows[0] == {"d": 2.5, "m": Decimal("2.5")}
    assert type(rows[0]["d"]) is float


def test_iris_and_language_tagged_text_stay_text():
    assert Term("uri", "https://budgetkg.example.org/id/x").py == "https://budgetkg.example.org/id/x"
    assert Term("literal", "培训", None, "zh").py == "培训"
