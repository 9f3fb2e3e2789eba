"""Target values (指标值) normalized: kind, comparator, numbers, unit, dates.

A cell is read on a *folded* copy of its text (NFKC per character, so full-width digits,
``％ ＞ ，`` become ASCII; ``≧ ≦ ～ —`` unified; whitespace dropped). Every position of
the folded copy remembers the printed character it came from, so parts and notes quote
the printed text. The printed text itself (``Target.text``) is never altered.

The rules, with examples, are in docs/values.md. In short:

* empty or punctuation only -> ``empty``;
* a whole-cell date or period (``2022年12月中旬``, ``当年12月31日前``, ``年底前``) -> ``date``
  with a closed interval ``date_start..date_end``;
* one number with a unit, comparator words/symbols and a short text around it -> ``quantitative``
  (the text around it goes to ``notes``); several such numbers separated only by
  punctuation (``7000人、70万人``, ``6版1年``) -> ``multiple`` with ``parts``;
* anything else -> ``qualitative`` (long prose with numbers in it gets a note).

Dates and periods are read by ``dates.py``; this module decides what a cell is and owns
``Target``.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation, getcontext, localcontext
from typing import Any, Sequence

from .dates import read_date

#: Money units a value may carry, with their factor to yuan.
MONEY_UNITS: dict[str, Decimal] = {
    "元": Decimal(1),
    "千元": Decimal(1_000),
    "万元": Decimal(10_000),
    "百万元": Decimal(1_000_000),
    "千万元": Decimal(10_000_000),
    "亿元": Decimal(100_000_000),
}

KINDS: tuple[str, ...] = ("quantitative", "qualitative", "date", "multiple", "empty")
COMPARATORS: tuple[str, ...] = ("=", ">=", "<=", ">", "<", "≈", "range")


@dataclass(frozen=True)
class Target:
    """One normalized target value; ``text`` is the cell as printed."""

    text: str
    kind: str = "qualitative"  # one of KINDS
    comparator: str | None = None  # one of COMPARATORS, None for qualitative/empty/multiple
    values: tuple[Decimal, ...] = ()  # one value, or (low, high) for a range
    unit: str | None = None  # as printed after the number: 个, 万元, %, 万册, 人次 ...
    per: str | None = None  # the denominator of a rate: 万元/班次 -> 班次
    is_money: bool = False
    yuan: tuple[Decimal, ...] = ()  # values converted to yuan (money only), exact
    unit_inferred: bool = False  # unit set from context (bare number in a cost row)
    date_start: date | None = None
    date_end: date | None = None
    parts: tuple["Target", ...] = ()  # for "multiple"
    notes: tuple[str, ...] = ()

    @property
    def is_bare_number(self) -> bool:
        return self.kind == "quantitative" and self.unit is None and len(self.values) == 1

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "comparator": self.comparator,
            "values": [str(v) for v in self.values],
            "unit": self.unit,
            "per": self.per,
            "is_money": self.is_money,
            "yuan": [str(v) for v in self.yuan],
            "unit_inferred": self.unit_inferred,
            "date_start": None if self.date_start is None else self.date_start.isoformat(),
            "date_end": None if self.date_end is None else self.date_end.isoformat(),
            "parts": [p.to_json() for p in self.parts],
            "notes": list(self.notes),
        }


#: Bare numbers from this value up may be yuan amounts (see ``money_like`` and, without
#: a project total, ``infer_bare_cost_unit``).
BARE_YUAN_MIN = Decimal(1000)


def money_like(target: Target) -> bool:
    """Money, or a bare number large enough to be an amount in yuan (the reader's
    cost-run test: ``227000`` after a 时效 row is a cost; ``1`` or ``4`` is a count)."""
    return target.is_money or (target.is_bare_number and target.values[0] >= BARE_YUAN_MIN)


# --- folding ------------------------------------------------------------------------

# NFKC leaves these alone; they mean the same to a reader of the tables.
_CHAR_MAP = str.maketrans({
    "≧": "≥", "⩾": "≥", "≮": "≥", "≦": "≤", "⩽": "≤", "≯": "≤", "≒": "≈",
    "〜": "~", "—": "-", "–": "-", "−": "-", "﹣": "-", "‐": "-", "‑": "-",
})


_MAPPED = frozenset(map(chr, _CHAR_MAP))


def _fold(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the printed position it came from."""
    # Most cells are their own folded copy. NFKC-normalized text has no character that
    # NFKC changes on its own (those are never in NFKC text), so each character folds
    # to itself if it is also printable (no whitespace but " ") and not in _CHAR_MAP.
    if (text.isprintable() and " " not in text and unicodedata.is_normalized("NFKC", text)
            and _MAPPED.isdisjoint(text)):
        return text, list(range(len(text)))
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        # ASCII and the CJK ideographs U+4E00..U+9FFF are their own NFKC form and not in
        # _CHAR_MAP: no unicodedata call for them.
        if ch.isascii() or "\u4e00" <= ch <= "\u9fff":
            if not ch.isspace():
                out.append(ch)
                origin.append(i)
            continue
        folded = unicodedata.normalize("NFKC", ch).translate(_CHAR_MAP)
        for c in folded:
            if not c.isspace():
                out.append(c)
                origin.append(i)
    return "".join(out), origin


class _Printed:
    """Maps spans of the folded text back to the printed text."""

    def __init__(self, text: str, origin: list[int]) -> None:
        self.text, self.origin = text, origin

    def __call__(self, start: int, end: int) -> str:
        if end <= start:
            return ""
        return self.text[self.origin[start]: self.origin[end - 1] + 1]


# --- quantities ---------------------------------------------------------------------

_BASE_UNITS = (
    "人次 车次 件次 班次 台次 架次 户次 场次 批次 人天 人日 人月 工日 人套 课时 学时 小时 分钟 季度 学期 年度 "
    "平方公里 平方米 立方米 公里 千米 公顷 千克 公斤 百分点 "
    "人 次 天 日 年 月 周 本 台 班 件 期 场 份 册 条 项 套 批 张 把 箱 部 座 页 版 家 户 所 名 位 辆 间 栋 幢 "
    "处 块 篇 卷 盒 包 种 类 支 只 棵 株 头 匹 组 队 床 届 轮 门 节 课 元 个 字 首 集 幅 枚 根 层 岗 笔 单 "
    "宗 例 分 秒 倍 吨 亩 米 克 册次 期次"
).split()
# (longest first; then in a fixed order, so the pattern is the same text in every process)
_UNIT_ALT = "|".join(sorted(set(_BASE_UNITS), key=lambda u: (-len(u), u)))
_MAG = "(?:百万|千万|万|亿|千|百)"
# Words that follow a number but are not its unit: comparators and conjunctions.
_NOT_UNIT = "以上|以下|以内|之内|左右|上下|余|多|或|及|和|与|内|前|后|达|的|至|到"
_UNIT = (
    rf"(?:%|‰|℃|{_MAG}?个?(?:{_UNIT_ALT})|{_MAG}?个|{_MAG}"
    rf"|[A-Za-z]{{1,6}}"
    # An unlisted unit: one or two CJK characters ending the value.
    rf"|(?!{_NOT_UNIT})[\u4e00-\u9fff]{{1,2}}(?=$|[,、;/]|以上|以下|以内|左右))"
)
_UNIT_START = re.compile(rf"(?:%|‰|{_MAG}?个?(?:{_UNIT_ALT}))")
_NUM = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?"

_SYMBOLS = {">=": ">=", "=>": ">=", "≥": ">=", "<=": "<=", "=<": "<=", "≤": "<=",
            ">": ">", "<": "<", "=": "=", "≈": "≈", "~": "≈"}
_PRE_WORDS = {
    "不低于": ">=", "不少于": ">=", "不小于": ">=", "不得低于": ">=", "不得少于": ">=", "至少": ">=",
    "不高于": "<=", "不超过": "<=", "不多于": "<=", "不大于": "<=", "不得超过": "<=", "不得高于": "<=",
    "最多": "<=", "至多": "<=",
    "高于": ">", "大于": ">", "多于": ">", "超过": ">",
    "低于": "<", "小于": "<", "少于": "<",
    "约为": "≈", "大约": "≈", "约": "≈", "約": "≈",
    # 达/达到 "reach": the target is met by reaching it, so a floor (see docs/values.md).
    "达到": ">=", "达": ">=",
}
_WEAK_WORDS = ("达到", "达")  # give way to any other comparator (达90%以上 -> 以上)
_SUF_WORDS = {"及以上": ">=", "以上": ">=", "及以下": "<=", "以下": "<=", "以内": "<=", "之内": "<=",
              "内": "<=", "左右": "≈", "上下": "≈"}
_BETWEEN_WORDS = {"余": ">=", "多": ">="}  # 400余件次: "400-odd", met by 400 and more


def _alt(words: Sequence[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_SYM_RE = _alt(list(_SYMBOLS))
_QTY = re.compile(
    rf"(?P<sym>{_SYM_RE})?(?P<word>{_alt(list(_PRE_WORDS))})?(?P<sym2>{_SYM_RE})?"
    rf"(?P<num>(?:(?<![0-9])-)?{_NUM})(?P<unit1>{_UNIT})?"
    rf"(?:(?P<rsep>-|~|至|到)(?P<num2>{_NUM}))?"
    rf"(?P<between>余|多)?(?P<unit>{_UNIT})?"
    rf"(?:/(?P<per>{_UNIT}|[\u4e00-\u9fff·]{{1,4}}))?"
    rf"(?:\(含\))?(?P<suf>{_alt(list(_SUF_WORDS))})?"  # 95%(含)以上: "95% inclusive and up"
)

_SEPARATORS = ",、;/"
_TRAILING = "。.,;、!?！？:"
# A value text around the number longer than this is prose, not a decorated number.
PREFIX_MAX = 8
SUFFIX_MAX = 16
GAP_MAX = 4
# `21-经济效益`, `1-产出指标`: a level label pushed into the value column.
_LABEL = re.compile(r"^[0-9]{1,2}-[^0-9.,%]")


def _to_yuan(value: Decimal, factor: Decimal) -> Decimal:
    """value × factor, exact (the context is widened to the digits needed), trailing zeros dropped."""
    # len(str(value)) bounds its digit count (as_tuple() is slow); count exactly only
    # when the bound is too big for the default precision.
    digits = len(str(value)) + len(str(factor)) + 2
    if digits > 28:
        digits = len(value.as_tuple().digits) + len(factor.as_tuple().digits) + 2
    prec = max(28, digits)
    if getcontext().prec == prec:  # the usual case: no need for a copy of the context
        y = value * factor
        return y.quantize(_ONE) if y == y.to_integral_value() else y.normalize()
    with localcontext() as ctx:
        ctx.prec = prec
        y = value * factor
        return y.quantize(_ONE) if y == y.to_integral_value() else y.normalize()


_ONE = Decimal(1)


def _number(s: str) -> Decimal:
    return Decimal(s.replace(",", ""))


_COMPARATOR_GROUPS = ("sym", "word", "sym2", "between", "suf")
_COMPARATOR_TABLES = (_SYMBOLS, _PRE_WORDS, _SYMBOLS, _BETWEEN_WORDS, _SUF_WORDS)


def _comparator(m: re.Match[str], notes: list[str]) -> str:
    """One comparator from the symbols and words around a number."""
    words = m.group(*_COMPARATOR_GROUPS)  # (one call for the five groups)
    if m.group("num2") is not None:
        extra = [w for w in words if w]
        if extra:
            notes.append("comparator words ignored in a range: " + "".join(extra))
        return "range"
    if not any(words):  # most values: a bare number and unit
        return "="
    found = [(w, table[w]) for w, table in zip(words, _COMPARATOR_TABLES) if w]
    strong = [(w, c) for w, c in found if w not in _WEAK_WORDS]
    if strong:
        found = strong
    elif found:
        notes.append(f"{found[0][0]} read as >=")
    if any(w in _BETWEEN_WORDS for w, _ in found):
        notes.append(f"{m.group('between')} (more than) read as >=")
    distinct = list(dict.fromkeys(c for _, c in found))
    if len(distinct) > 1:
        notes.append("comparators disagree: " + ", ".join(f"{w} {c}" for w, c in found)
                     + f"; kept {distinct[0]}")
    return distinct[0]


def _quantity(m: re.Match[str], printed: str, notes: list[str], more_notes: tuple[str, ...] = ()) -> Target:
    comparator = _comparator(m, notes)
    num, num2, unit1, unit2, per = m.group("num", "num2", "unit1", "unit", "per")
    values = [_number(num)]
    if num2 is not None:
        values.append(_number(num2))
        if values[0] > values[1]:
            notes.append("range printed high to low")
    if unit1 and unit2 and unit1 != unit2:
        notes.append(f"two units printed: {unit1}, {unit2}; kept {unit2}")
    unit = unit2 or unit1
    factor = MONEY_UNITS.get(unit) if unit else None
    return Target(
        text=printed, kind="quantitative", comparator=comparator, values=tuple(values), unit=unit,
        per=per, is_money=factor is not None,
        yuan=tuple(_to_yuan(v, factor) for v in values) if factor is not None else (),
        notes=tuple(notes) + more_notes,
    )


_DIGIT = re.compile(r"[0-9]")


def _parse_quantities(body: str, printed: _Printed, text: str) -> Target | None:
    if _DIGIT.search(body) is None:  # every _QTY match has a number: prose is one quick scan
        return None
    matches = list(_QTY.finditer(body))
    if not matches:
        return None
    prefix = body[: matches[0].start()]
    suffix = body[matches[-1].end():].strip(_SEPARATORS)
    gaps = [body[a.end(): b.start()] for a, b in zip(matches, matches[1:])]
    if (len(prefix) > PREFIX_MAX or len(suffix) > SUFFIX_MAX
            or any(len(g.strip(_SEPARATORS)) > GAP_MAX for g in gaps)):
        return Target(text=text, kind="qualitative",
                      notes=(f"prose with {len(matches)} number(s); no value extracted",))
    notes: list[str] = []
    if prefix:
        notes.append(f"text before the value: {printed(0, matches[0].start())}")
    for a, b, g in zip(matches, matches[1:], gaps):
        if g.strip(_SEPARATORS):
            notes.append(f"text between values: {printed(a.end(), b.start())}")
    if suffix:
        notes.append(f"text after the value: {printed(len(body) - len(suffix), len(body))}")
    if len(matches) == 1:
        m = matches[0]
        return _quantity(m, text, [], tuple(notes))  # (dataclasses.replace is slow)
    parts = tuple(_quantity(m, printed(m.start(), m.end()), []) for m in matches)
    return Target(text=text, kind="multiple", parts=parts, notes=tuple(notes))


# --- dates (read by dates.py) -------------------------------------------------------


def _parse_date(body: str, printed: _Printed, text: str, fiscal_year: int | None) -> Target | None:
    d = read_date(body, printed, fiscal_year, text_max=PREFIX_MAX, amount_unit=_UNIT_START)
    if d is None:
        return None
    return Target(text=text, kind="date", comparator=d.comparator, date_start=d.start, date_end=d.end,
                  notes=d.notes)


# --- the common case, read directly ----------------------------------------------------

# Most values are a plain number and a unit (1570.84万元, 125人, 98%, 42200). For them the
# general reading below always comes to one "=" quantity with no notes: no 年/月/季 and
# no 2022-12 shape, so no date; one _QTY match over the whole cell. Reading them directly
# skips the date and quantity scans. A unit is only taken here if _QTY reads it whole
# (checked at import, below: 百分点 is read as 百分 + 点 and stays with the general path);
# tests/test_values.py compares the two readings.
def _reads_whole(unit: str) -> bool:
    if (unicodedata.normalize("NFKC", unit) != unit or unit.translate(_CHAR_MAP) != unit
            or any(ch.isspace() or ch in "年月季" for ch in unit)):
        return False  # folding would change it, or it could be part of a date
    for num in ("1", "12.5"):
        m = _QTY.match(num + unit)
        if (m is None or m.end() != len(num) + len(unit) or m.group("num") != num
                or (m.group("unit1") or m.group("unit")) != unit
                or any(m.group(g) for g in ("sym", "word", "sym2", "rsep", "num2", "between", "per", "suf"))
                or (m.group("unit1") and m.group("unit"))):
            return False
    return True


def plain_units_key() -> str:
    """What ``_PLAIN_UNITS`` is computed from: this module's source (the units, ``_QTY``,
    ``_reads_whole``) and the Unicode data NFKC folds by."""
    from hashlib import sha256
    from pathlib import Path

    return sha256(Path(__file__).read_bytes() + b"\0" + unicodedata.unidata_version.encode()).hexdigest()


def compute_plain_units() -> frozenset[str]:
    return frozenset(
        u for u in ["%", "‰", *(mag + g + unit for mag in ("", "百万", "千万", "万", "亿", "千", "百")
                                for g in ("", "个") for unit in _BASE_UNITS)] if _reads_whole(u))


def _plain_units() -> frozenset[str]:
    """``compute_plain_units()`` (~3,000 matches of ``_QTY``: ~20 ms of every process that
    reads a table), as ``plain_units.py`` holds it when made from this very source."""
    try:
        from . import plain_units

        if plain_units.KEY == plain_units_key():
            return plain_units.UNITS
    except (ImportError, AttributeError, OSError):  # none, or no source to hash: computed
        pass
    return compute_plain_units()


def write_plain_units() -> None:
    """Make ``plain_units.py`` again (after a change to this module):
    ``python -P -c 'from budgetkg.loader.values import write_plain_units; write_plain_units()'``."""
    from pathlib import Path

    from . import plain_units

    path = Path(plain_units.__file__)
    text = path.read_text(encoding="utf-8")
    units = "".join(f"    {u!r},\n" for u in sorted(compute_plain_units()))
    path.write_text(f"{text[: text.index('KEY = ')]}KEY = {plain_units_key()!r}\n"
                    f"UNITS: frozenset[str] = frozenset({{\n{units}}})\n", encoding="utf-8")


_PLAIN_UNITS = _plain_units()
# The number, then the rest of the cell, which must be "" or a unit of the set (no unit
# has a digit or a dot, so the number here is the one _QTY reads). Digits are bounded:
# absurd runs go to the general path, which reports them.
_PLAIN = re.compile(r"([0-9]{1,15}(?:\.[0-9]{1,12})?)(.*)", re.DOTALL)


def _plain_quantity(text: str) -> Target | None:
    m = _PLAIN.match(text)
    if m is None:
        return None
    num, unit = m.groups()
    if unit and unit not in _PLAIN_UNITS:
        return None
    value = _number(num)
    factor = MONEY_UNITS.get(unit) if unit else None
    unit = unit or None
    return Target(text=text, kind="quantitative", comparator="=", values=(value,), unit=unit,
                  is_money=factor is not None, yuan=(_to_yuan(value, factor),) if factor is not None else ())


# --- entry points -------------------------------------------------------------------


def normalize_target(text: str, *, fiscal_year: int | None = None) -> Target:
    """Read one printed target value. Never raises on any text; ``text`` is kept as is."""
    return _plain_quantity(text) or _normalize(text, fiscal_year)


def _normalize(text: str, fiscal_year: int | None) -> Target:
    """The general reading of a value (every shape the module docstring lists)."""
    folded, origin = _fold(text)
    body = folded.rstrip(_TRAILING)
    lead = len(body) - len(body.lstrip(_TRAILING))
    if not body.strip(_TRAILING + "-~/*_—"):
        notes = ("placeholder punctuation, no value",) if folded else ()
        return Target(text=text, kind="empty", notes=notes)
    # Work on the body without leading punctuation, keeping the printed positions.
    body, origin = body[lead:], origin[lead:]
    printed = _Printed(text, origin)
    if _LABEL.match(body):
        return Target(text=text, kind="qualitative", notes=("looks like an indicator label, not a value",))
    try:
        found = _parse_date(body, printed, text, fiscal_year) or _parse_quantities(body, printed, text)
    except (InvalidOperation, ValueError, OverflowError):  # absurd digit runs; keep the text
        found = Target(text=text, kind="qualitative", notes=("numbers could not be read",))
    return found or Target(text=text, kind="qualitative")


def with_inferred_unit(target: Target, unit: str) -> Target:
    """A bare number whose money unit was inferred from context (a cost row)."""
    if unit not in MONEY_UNITS:
        raise ValueError(f"not a money unit: {unit!r}")
    if target.unit is not None or not target.values:
        raise ValueError(f"only a number without a unit can get an inferred unit: {target.text!r}")
    f = MONEY_UNITS[unit]
    return replace(target, unit=unit, is_money=True, unit_inferred=True,
                   yuan=tuple(_to_yuan(v, f) for v in target.values))




def infer_bare_cost_unit(values: Sequence[Decimal], total: Decimal | None,
                         currency_unit: str = "万元") -> tuple[str, str]:
    """The unit of a table's bare cost numbers, 元 or the currency unit, and why.

    Whichever reading makes their sum closest to the project total (by |log ratio|) wins;
    a tie goes to the currency unit. Without a usable total, a median ≥ 1000 means 元.
    """
    if currency_unit not in MONEY_UNITS:
        raise ValueError(f"not a money unit: {currency_unit!r}")
    vals = list(values)
    if not vals:
        raise ValueError("no numbers to interpret")
    if currency_unit == "元":
        return "元", "the document's currency unit is 元"
    factor = MONEY_UNITS[currency_unit]
    s = sum(vals, Decimal(0))
    if total is not None and total > 0 and s > 0:
        as_yuan = s / factor  # the sum in currency units if the numbers are yuan
        off_yuan = abs((as_yuan / total).ln())
        off_cur = abs((s / total).ln())
        unit = "元" if off_yuan < off_cur else currency_unit
        return unit, (f"their sum {s} read as 元 is {as_yuan.normalize():f} {currency_unit}, read as "
                      f"{currency_unit} is {s} {currency_unit}; the project total is {total} "
                      f"{currency_unit}, closest as {unit}")
    med = statistics.median(vals)
    unit = "元" if med >= BARE_YUAN_MIN else currency_unit
    return unit, f"no project total to compare with: median {med} {'≥' if unit == '元' else '<'} 1000"


__all__ = ["Target", "MONEY_UNITS", "KINDS", "COMPARATORS", "normalize_target", "with_inferred_unit",
           "infer_bare_cost_unit", "money_like", "BARE_YUAN_MIN"]
