"""The reader memoizes pure functions of a cell's text (cells, labels, target values,
level-2 shapes) across documents: results must not depend on what was parsed before."""

from __future__ import annotations

import json
from pathlib import Path

from budgetkg.loader.reader import clear_caches, parse_text, read_document

CASES = Path(__file__).parent / "cases"
SEED = Path(__file__).parent.parent / "budgetkg" / "data" / "000_aa5de0a37e870aea.txt"


def _table(year: int) -> str:
    text = (CASES / "basic_clean_table" / "input.txt").read_text(encoding="utf-8")
    text = text.replace("(2023年度)", f"({year}年度)")
    return text.replace("2023年12月中旬", "当年12月31日前").replace("培训费\t\t100.5万元", "培训费\t\t年底前")


def _deadlines(year: int) -> dict[str, tuple[str | None, str | None]]:
    doc = parse_text(_table(year), source=f"t{year}.txt")
    assert doc.year == year
    return {i.name: (i.target.date_start and i.target.date_start.isoformat(),
                     i.target.date_end and i.target.date_end.isoformat())
            for i in doc.projects[0].indicators if i.target.kind == "date"}


def test_relative_dates_follow_each_documents_year() -> None:
    # The same printed values in documents of different years, in one process: a cache
    # keyed on the text alone would hand the second document the first one's dates.
    clear_caches()
    first = _deadlines(2021)
    second = _deadlines(2024)
    # "before the end of <the fiscal year>": from the start of that year to its last day
    assert first == {"完成时间": ("2021-01-01", "2021-12-31"), "培训费": ("2021-01-01", "2021-12-31")}
    assert second == {"完成时间": ("2024-01-01", "2024-12-31"), "培训费": ("2024-01-01", "2024-12-31")}
    assert _deadlines(2021) == first  # and back again, now from the caches


def test_seed_parses_the_same_with_cold_and_warm_caches() -> None:
    clear_caches()
    cold = json.dumps(read_document(SEED).to_json(), ensure_ascii=False, sort_keys=True)
    for year in (2019, 2020):  # other documents in between fill the caches
        parse_text(_table(year), source="other.txt")
    warm = json.dumps(read_document(SEED).to_json(), ensure_ascii=False, sort_keys=True)
    assert warm == cold
    clear_caches()
    again = json.dumps(read_document(SEED).to_json(), ensure_ascii=False, sort_keys=True)
    assert again == cold


def test_detection_cuts_a_grid_into_tables_once_for_every_family(monkeypatch) -> None:
    # Each family template scores the same tables: they are tokenized once per grid (the
    # families used to redo it, nine times the detection cost), and a new grid is never
    # given the previous grid's tables.
    from budgetkg.loader.sources import read_grid
    from budgetkg.loader.templates import detect_template, document

    calls = []
    real = document.text_rows
    monkeypatch.setattr(document, "text_rows", lambda *a, **k: calls.append(1) or real(*a, **k))
    clear_caches()
    grid = read_grid(SEED.read_bytes(), str(SEED))
    chosen, _ = detect_template(grid)
    assert len(calls) == 1 and len(document.families()) > 1
    assert chosen.name == "ningxia"
    other = read_grid(_table(2022).encode("utf-8"), "t.txt")
    texts = document.region_texts(other)
    assert len(calls) == 2 and texts != document.region_texts(grid) and len(calls) == 3
