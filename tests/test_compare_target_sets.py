"""compare-targets when a table has the same indicator more than once: its targets are
compared as sets, exactly (order and repeats do not matter; a set of three that differs
only in its middle value is a change), and each side's set is printed joined by " | "
with no empty piece.

The graph is written by hand in the shape the loader writes (one graph per document), so
that each set case is there once and the expected rows can be read off the data below.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from budgetkg.queries.catalog import load_catalog

BKG = "https://w3id.org/budgetkg/def/"
ID = "https://budgetkg.example.org/id/"

#: (concept, level-2 code) -> (2022 targets, 2023 targets), as printed, in table order
CASES = {
    "same-set": (["90%", "80%"], ["80%", "90%"]),  # reordered: no row
    "repeat": (["5个", "5个"], ["5个"]),  # a repeated target is one: no row
    "middle": (["1个", "2个", "3个"], ["1个", "4个", "3个"]),  # same count, least, greatest
    "grew": (["1次"], ["1次", "2次"]),
    "shrank": (["≥95%", "≥98%"], ["≥98%"]),
    "gone": (["10人", "20人"], []),
    "new": ([], ["3天", "4天"]),
}


def _graph(year: int) -> str:
    table = f"<{ID}project/1/line/{year}>"
    lines = [
        f'{table} <{BKG}fiscalYear> "{year}"^^<http://www.w3.org/2001/XMLSchema#gYear> ;',
        # a load-time summary the loader writes on every table (docs/summaries.md)
        f'  <{BKG}tableYear> "{year}"^^<http://www.w3.org/2001/XMLSchema#gYear> ;',
        f"  <{BKG}projectLine> <{ID}project/1/line> ;",
        f'  <{BKG}isCarryover> false ; <{BKG}printedName> "测试项目" .',
        f'<{BKG}indicator-level/11> <http://www.w3.org/2004/02/skos/core#notation> "11" ;',
        f"  <http://www.w3.org/2004/02/skos/core#inScheme> <{BKG}indicator-levels> .",
    ]
    position = 0
    for concept, sides in CASES.items():
        for value in sides[year - 2022]:
            position += 1
            row = f"<{ID}project/1/line/{year}/indicator/{position}>"
            lines += [
                f"{table} <{BKG}hasIndicator> {row} .",
                f"{row} <{BKG}indicatorConcept> <{ID}indicator-concept/{concept}> ;",
                f"  <{BKG}level2> <{BKG}indicator-level/11> ;",
                f'  <{BKG}printedName> "{concept}" ; <{BKG}printedValue> "{value}" .',
            ]
    return f"<{ID}document/{year}> {{\n" + "\n".join(lines) + "\n}\n"


@pytest.fixture(scope="module")
def rows():
    store = ox.Store()
    store.load(_graph(2022) + _graph(2023), format=ox.RdfFormat.TRIG)
    query = load_catalog()["compare-targets"].bind({"yearA": 2022, "yearB": 2023})
    return {r["indicator"].value: (r["targetA"].value, r["targetB"].value, r["change"].value)
            for r in store.query(query, use_default_graph_as_union=True)}


def test_equal_sets_give_no_row(rows):
    assert "same-set" not in rows and "repeat" not in rows


def test_changed_sets(rows):
    def split(text):
        return sorted(text.split(" | ")) if text else []

    got = {name: (split(a), split(b), change) for name, (a, b, change) in rows.items()}
    assert got == {
        "middle": (["1个", "2个", "3个"], ["1个", "3个", "4个"], "changed"),
        "grew": (["1次"], ["1次", "2次"], "changed"),
        "shrank": (["≥95%", "≥98%"], ["≥98%"], "changed"),
        "gone": (["10人", "20人"], [], "disappeared"),
        "new": ([], ["3天", "4天"], "appeared"),
    }


def test_joined_targets_have_no_empty_piece(rows):
    for a, b, _change in rows.values():
        for text in (a, b):
            assert not text.startswith(" |") and not text.endswith("| ") and " |  | " not in text
