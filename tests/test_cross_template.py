"""Cross-year queries across a change of layout and of indicator framework, and one
indicator concept compared across regions.

Two hand-made tables of one project: a 2023 Hunan 申报表 (the old framework, 成本指标
under 产出指标, the department printed without a code) and a 2024 central 目标表 (the
2021 framework, 成本指标 at level 1 with 经济成本指标, the department with its code).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetkg import pipeline
from budgetkg.loader.iris import DEFAULT_BASE
from budgetkg.loader.reader import read_document
from budgetkg.queries.catalog import load_catalog
from budgetkg.store import OxigraphStore

HERE = Path(__file__).parent / "cross_template"
PAIR = [HERE / "2023_shenbao.txt", HERE / "2024_mubiao.txt"]


def rows(store, name: str, **params) -> list[dict]:
    results = store.query(load_catalog()[name].bind(params))
    names = [v.value for v in results.variables]
    return [{n: (t.value if t is not None else None) for n, t in zip(names, row)} for row in results]


@pytest.fixture(scope="module")
def store():
    s = OxigraphStore(None)
    pipeline.load_ontology(s, base=DEFAULT_BASE)
    summary = pipeline.load_corpus(s, PAIR, base=DEFAULT_BASE, workers=0)
    assert summary.loaded == 2
    yield s
    s.close()


def test_the_pair_is_two_layouts_and_two_frameworks():
    docs = [read_document(p) for p in PAIR]
    assert [(t.family, t.framework) for d in docs for t in d.tables] == [
        ("hunan_shenbao_2023", "old"), ("central_xmzc", "2021")]


def test_compare_lines_pairs_the_project_across_layouts(store):
    got = rows(store, "compare-lines", yearA=2023, yearB=2024)
    assert [(r["role"], r["matchedBy"], r["change"]) for r in got] == [("main", "same-name", "total-changed")]
    assert (float(got[0]["totalA"]), float(got[0]["totalB"])) == (80.0, 90.0)  # 万元
    assert rows(store, "new-discontinued", yearA=2023, yearB=2024) == []


def test_compare_targets_matches_cost_rows_across_frameworks(store):
    got = {r["indicator"]: (r["level2Code"], r["targetA"], r["targetB"], r["change"])
           for r in rows(store, "compare-targets", yearA=2023, yearB=2024)}
    # the cost row moved from 产出/成本指标 to 成本指标/经济成本指标: still one row, changed
    assert got["人均服务成本"] == ("14", "≤1600元", "≤1500元", "changed")
    assert got["服务老人人数"] == ("11", "500人", "550人", "changed")
    # the satisfaction group printed two ways is one level 2
    assert got["老人满意度"] == ("31", "≥90%", "≥92%", "changed")
    assert "服务合格率" not in got and "老人生活质量" not in got  # unchanged


def test_indicator_across_regions(store, tmp_path):
    # a third table: the same indicator in another department (another region)
    other = tmp_path / "other.txt"
    other.write_text(PAIR[1].read_text(encoding="utf-8").replace("某县民政局", "另一县民政局")
                     .replace("≥92%", "≥85%"), encoding="utf-8")
    pipeline.load_corpus(store, [other], base=DEFAULT_BASE, workers=0)
    got = [(r["year"], r["region"], r["family"], r["tables"], r["low"], r["high"], r["targets"])
           for r in rows(store, "indicator-across-regions", indicator="老人满意度")]
    assert got == [
        ("2023", "某县民政局", "hunan_shenbao_2023", "1", "90", "90", "≥90%"),
        ("2024", "另一县民政局", "central_xmzc", "1", "85", "85", "≥85%"),
        ("2024", "某县民政局", "central_xmzc", "1", "92", "92", "≥92%"),
    ]
    only = rows(store, "indicator-across-regions", indicator="老人满意度", year=2023)
    assert [r["region"] for r in only] == ["某县民政局"]
