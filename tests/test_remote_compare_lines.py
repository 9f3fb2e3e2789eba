"""`compare-lines` gives the embedded store's rows on Virtuoso, for every kind of row; so do
the other queries that pair tables across years (compare-targets, line-totals-two-years,
new-discontinued) and carryover-chains.

test_remote_store.py compares every catalog query on a corpus whose two years share no
project line, so there compare-lines only meets unmatched tables. Here the seed (2022)
and the synthetic second year (2023, tests/second_year.py: changed totals, renamed and
normalized names, dropped carry-overs, a new line, a second table of one name) are
loaded into both stores, and every direction of the comparison must agree, with and
without the query's comments: Virtuoso 7.2's answers to this kind of query depended on
its plan, which changed with the text (docs/stores.md).
"""

from __future__ import annotations

import collections
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from budgetkg.queries.catalog import load_catalog, strip_comments

from conftest_virtuoso import loaded_both_ways
from second_year import FIXTURE  # tests/ is on sys.path (rootdir conftest)

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def stores(virtuoso, seed_path, tmp_path_factory):
    folder = tmp_path_factory.mktemp("compare-lines") / "data"
    with loaded_both_ways(virtuoso, [str(seed_path), str(FIXTURE)], folder) as both:
        yield both


def _value(term) -> object:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if datatype == XSD + "boolean":  # Virtuoso's 1/0 for stored booleans
            return term.value in {"true", "1"}
        if datatype in {XSD + "decimal", XSD + "integer", XSD + "double"}:
            return Decimal(term.value)
        return term.value
    return term.value


def rows(results) -> collections.Counter:
    names = [v.value for v in results.variables]
    return collections.Counter(tuple(_value(s[n]) for n in names) for s in results)


@pytest.mark.parametrize("years", [(2022, 2023), (2023, 2022), (2022, 2022)], ids=lambda y: f"{y[0]}-{y[1]}")
def test_compare_lines_same_rows_on_virtuoso(stores, years):
    embedded, remote = stores
    text = load_catalog()["compare-lines"].bind({"yearA": years[0], "yearB": years[1]})
    expected = rows(embedded.query(text))
    if years[0] != years[1]:
        changes = {row[6] for row in expected}  # ?change
        assert {"unchanged", "total-changed", "new-line", "new-table", "discontinued-line",
                "dropped-table"} <= changes  # every kind of row is compared
    else:
        assert not expected
    for sent in (text, strip_comments(text)):
        got = rows(remote.query(sent))
        assert got == expected, (f"only embedded: {list(expected - got)[:3]}\n"
                                 f"only Virtuoso: {list(got - expected)[:3]}")


#: The other queries that pair tables across years (rewritten for speed like compare-lines,
#: so their Virtuoso answers are checked on years that share lines), and what each must
#: find at least once between the seed and the second year.
CROSS_YEAR = {
    "compare-targets": ("change", {"changed", "appeared", "disappeared"}),
    "line-totals-two-years": ("difference", None),
    "new-discontinued": ("status", {"new", "discontinued"}),
}


@pytest.mark.parametrize("name", sorted(CROSS_YEAR))
@pytest.mark.parametrize("years", [(2022, 2023), (2023, 2022)], ids=lambda y: f"{y[0]}-{y[1]}")
def test_cross_year_queries_same_rows_on_virtuoso(stores, name, years):
    embedded, remote = stores
    text = load_catalog()[name].bind({"yearA": years[0], "yearB": years[1]})
    results = embedded.query(text)
    column = [v.value for v in results.variables].index(CROSS_YEAR[name][0])
    expected = rows(results)
    assert expected  # the two years share lines: every query has rows to compare
    wanted = CROSS_YEAR[name][1]
    if wanted is not None:
        assert wanted <= {row[column] for row in expected}
    got = rows(remote.query(text))
    assert got == expected, (f"only embedded: {list(expected - got)[:3]}\n"
                             f"only Virtuoso: {list(got - expected)[:3]}")


def test_carryover_chains_same_rows_on_virtuoso(stores):
    embedded, remote = stores
    text = load_catalog()["carryover-chains"].bind({})
    expected = rows(embedded.query(text))
    assert expected
    assert rows(remote.query(text)) == expected


def test_cost_mismatches_same_rows_on_virtuoso(stores):
    """It picks its tables by the stored boolean bkg:costMismatch (Virtuoso answers
    booleans as 1/0): the same tables on both backends, every year and one year."""
    embedded, remote = stores
    for values in ({}, {"year": 2023}):
        text = load_catalog()["cost-mismatches"].bind(values)
        expected = rows(embedded.query(text))
        assert expected
        assert rows(remote.query(text)) == expected


def test_the_summaries_are_on_virtuoso_and_its_check_query_runs_there(stores):
    """Loaded through the remote store, each table has its load-time summaries
    (docs/summaries.md), the same as the embedded store's, and the check the service
    runs before a query that reads them answers 0 there."""
    from budgetkg.queries.catalog import SUMMARIES_QUERY

    embedded, remote = stores
    text = ("PREFIX bkg: <https://w3id.org/budgetkg/def/> SELECT ?py ?role ?total ?mismatch WHERE { "
            "?py bkg:tableRole ?role OPTIONAL { ?py bkg:totalYuan ?total } "
            "OPTIONAL { ?py bkg:costMismatch ?mismatch } }")
    expected = rows(embedded.query(text))
    assert len(expected) > 40
    assert rows(remote.query(text)) == expected
    for store in (embedded, remote):
        assert [_value(r[0]) for r in store.query(SUMMARIES_QUERY)] == [0]
