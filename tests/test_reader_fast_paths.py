"""The reader's shortcuts give the same answers as the general code they skip.

Each shortcut (values: a plain number and unit read directly; dates: a cell without 年, 月,
季 or a 2022-12 shape is no date; values and text: a cell that is its own folded copy)
is checked against the general path on every case it claims, or on generated cells.
"""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from budgetkg.loader import dates, text, values
from budgetkg.loader.values import _normalize, _plain_quantity, normalize_target

NUMBERS = ["0", "1", "7", "12.5", "98", "100", "2022", "42200", "1570.84", "0.005", "123456789012345"]


def test_plain_units_include_the_common_ones_and_leave_out_the_tricky_ones() -> None:
    for unit in ("%", "万元", "元", "亿元", "人", "人次", "个", "万人", "件", "天", "平方米"):
        assert unit in values._PLAIN_UNITS, unit
    # 12月 and 2022年 are dates; 百分点 reads as 百分 + 点 (two units, a note): general path
    for unit in ("月", "年", "季度", "年度", "百分点"):
        assert unit not in values._PLAIN_UNITS, unit


def test_the_kept_plain_units_are_current() -> None:
    """loader/plain_units.py keeps what compute_plain_units() gives, keyed by the source it
    came from; stale (values.py or its Unicode data changed), the import computes them
    itself, slower: make it again with values.write_plain_units()."""
    from budgetkg.loader import plain_units

    assert plain_units.KEY == values.plain_units_key(), "stale: run values.write_plain_units()"
    assert plain_units.UNITS == values.compute_plain_units()
    assert values._PLAIN_UNITS is plain_units.UNITS  # the import used them


def test_kept_plain_units_of_another_source_are_not_used(monkeypatch) -> None:
    from budgetkg.loader import plain_units

    monkeypatch.setattr(plain_units, "UNITS", frozenset({"月"}))  # wrong, as a stale file's may be
    assert values._plain_units() is plain_units.UNITS  # (its key matches: used)
    monkeypatch.setattr(plain_units, "KEY", "0" * 64)  # made from another values.py
    assert values._plain_units() == values.compute_plain_units()


def test_the_key_of_the_plain_units_follows_the_unicode_data(monkeypatch) -> None:
    key = values.plain_units_key()
    monkeypatch.setattr(unicodedata, "unidata_version", "0.0.0")  # NFKC may fold otherwise
    assert values.plain_units_key() != key


def test_every_plain_unit_reads_as_the_general_path_reads_it() -> None:
    units = sorted(values._PLAIN_UNITS) + [""]
    for unit in units:
        for num in NUMBERS:
            cell = num + unit
            fast = _plain_quantity(cell)
            assert fast is not None, cell
            assert fast == _normalize(cell, 2022), cell
            assert fast == _normalize(cell, None), cell


def test_the_shortcut_declines_what_it_does_not_know() -> None:
    for cell in ["≥98%", "98 %", "９８%", "2022年", "12月", "5百分点", "1,000元", "1.", "100%以上", "约5天",
                 "1" * 16, "0." + "1" * 13, "", "好", "7000人、70万人", "12-3", "2022-12", "5.5万元/班次"]:
        assert _plain_quantity(cell) is None, cell


@settings(max_examples=400, deadline=None)
@given(st.from_regex(r"[0-9]{1,18}(\.[0-9]{1,14})?", fullmatch=True),
       st.sampled_from(sorted(values._PLAIN_UNITS) + ["", "百分点", "月", "年", "多", "余人"]),
       st.sampled_from(["", " ", "以上", "。", "/人", "%", "0"]))
def test_shortcut_or_not_the_answer_is_the_general_one(num: str, unit: str, tail: str) -> None:
    cell = num + unit + tail
    assert normalize_target(cell, fiscal_year=2022) == _normalize(cell, 2022)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789-/.~年月季度日号上中下旬初底末当本今次明去第一二三四半前后至到 ")),
               max_size=14))
def test_no_date_marker_means_no_date(body: str) -> None:
    # read_date's first test: every date _DATE can find has 年, 月, 季 or a 2022-12 shape
    if dates._MAYBE_DATE.search(body) is None:
        assert not any(dates._is_date(m) for m in dates._DATE.finditer(body)), body


def _fold_by_character(s: str) -> tuple[str, list[int]]:
    out, origin = [], []
    for i, ch in enumerate(s):
        for c in unicodedata.normalize("NFKC", ch).translate(values._CHAR_MAP):
            if not c.isspace():
                out.append(c)
                origin.append(i)
    return "".join(out), origin


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=12)
       | st.text(alphabet=st.sampled_from(list("年月1２.％%：:—-–  \u3000\u200bé\u0301≧〜ｱ㎡Ⅻ") + ["e"]), max_size=8))
def test_folding_shortcuts_agree_with_folding_each_character(s: str) -> None:
    assert values._fold(s) == _fold_by_character(s)
    # text.fold without its shortcuts (ASCII, no punctuation to map, no space to drop)
    assert text.fold.__wrapped__(s) == text._SPACE.sub("", unicodedata.normalize("NFKC", s).translate(text._PUNCT))
