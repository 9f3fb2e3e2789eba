"""Templates: found by themselves, chosen by what the grid shows, or by name."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from budgetkg.loader import templates
from budgetkg.loader.grid import Grid
from budgetkg.loader.reader import parse_grid, parse_text, read_document
from budgetkg.loader.records import Document
from budgetkg.loader.sources import read_grid
from budgetkg.loader.templates import Detection, Ledger, Template, UnknownTemplate, detect_template

SEED = Path(__file__).parent.parent / "budgetkg" / "data" / "000_aa5de0a37e870aea.txt"
KV = "品名\t数量\n苹果\t3\n梨\t5\n"


class KeyValue(Template):
    """A made-up layout: a 品名/数量 header, then one name and a count per row."""

    name = "test-key-value"
    title = "a two-column list (test)"

    def detect(self, grid: Grid) -> Detection:
        heads = [r for r in grid.rows if [c.key for c in r.cells] == ["品名", "数量"]]
        return Detection(self.name, 1.0 if heads else 0.0, ("品名",) if heads else (), () if heads else ("品名",))

    def read(self, grid: Grid) -> Document:
        led = Ledger(grid)
        for r in grid.rows:
            if r.cells:
                led.account(r.number, "record", "item")
        led.doc.currency_unit = "件"
        return led.finish()


@pytest.fixture
def key_value():
    t = templates.register(KeyValue())
    yield t
    templates.unregister(t.name)


def test_the_ningxia_template_is_found_and_recognises_the_seed() -> None:
    assert "ningxia" in templates.templates()
    t, d = detect_template(read_grid(SEED))
    assert t.name == "ningxia" and d.score == 1.0 and d.missing == ()
    assert "项目名称" in str(d)


def test_a_grid_of_no_known_layout_goes_to_the_default_which_reports_it() -> None:
    t, d = detect_template(read_grid("随便写的一行字\n".encode(), "note.txt"))
    assert t.name == templates.DEFAULT and d.score == 0 and "项目名称" in d.missing
    assert [p.code for p in parse_text("随便写的一行字\n").problems] == ["stray-text", "no-tables"]


def test_a_registered_template_is_detected_and_used(key_value: Template) -> None:
    doc = parse_text(KV, "list.txt")
    assert doc.currency_unit == "件" and [(e.line, e.reason) for e in doc.lines] == [
        (1, "item"), (2, "item"), (3, "item")]
    assert doc.problems == []
    # the seed still goes to the Ningxia template: the best score wins
    assert len(read_document(SEED).projects) == 37


def test_a_template_chosen_by_name_reads_whatever_it_is_given(key_value: Template) -> None:
    forced = parse_text(KV, "list.txt", template="ningxia")
    assert forced.currency_unit == "万元" and "no-tables" in [p.code for p in forced.problems]
    assert parse_grid(read_grid(SEED), template=key_value).currency_unit == "件"
    with pytest.raises(UnknownTemplate, match="no template named 'nope'"):
        parse_text(KV, template="nope")


def test_a_new_template_module_is_discovered_by_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A layout is added by dropping a module into the package folder: nothing to edit.
    (tmp_path / "test_kv_layout.py").write_text(
        "from tests.test_templates import KeyValue\n"
        "class Dropped(KeyValue):\n"
        "    name = 'dropped-in'\n"
        "TEMPLATE = Dropped()\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(Path(__file__).parent.parent))
    monkeypatch.setattr(templates, "__path__", [*templates.__path__, str(tmp_path)])
    try:
        found = templates.discover(refresh=True)
        assert {"ningxia", "dropped-in"} <= set(found)  # beside the layout families
        assert parse_text(KV, "list.txt").currency_unit == "件"
    finally:
        monkeypatch.undo()
        templates.discover(refresh=True)
        sys.modules.pop("budgetkg.loader.templates.test_kv_layout", None)
    assert "ningxia" in templates.templates() and "dropped-in" not in templates.templates()


def test_a_template_can_read_a_span_of_rows() -> None:
    grid = read_grid(SEED)
    whole = read_document(SEED)
    first, second = whole.projects[0], whole.projects[1]
    part = grid.span(1, second.line - 1)  # the header block (year, unit) and table 1
    assert [r.number for r in part.rows] == list(range(1, second.line))
    doc = parse_grid(part)
    assert [p.name for p in doc.projects] == [first.name] and doc.year == whole.year
    one = doc.projects[0].to_json()
    assert json.dumps(one, ensure_ascii=False) == json.dumps(first.to_json(), ensure_ascii=False)
