"""One planned table: its name, unit, attribute and period, fund-grid family, amounts,
goal, printed header block and spelling style, and its indicator rows."""

from __future__ import annotations

import re

from .amounts import fund_amounts, money_text
from .continuity import Content
from .indicators import indicator_rows, place_rows
from .model import BREAK, FAMILIES, Context, Table
from .vocabulary import ATTRIBUTES, GOALS

_TRANSFER = ("转移市县 (区)资金", "转移市县（区）资金", "转移市县 (区)资 金")  # as printed in the seed
MARKERS = ("(上年结转)", "（上年结转）", "{prev}年结转")  # carry-over suffixes of project names
_LATE_OK = ("wan", "yuan", "bare")  # cost styles whose values read as money


def plan_table(ctx: Context, i: int, base: str, units: list[tuple[str, str]]) -> Table:
    """Table ``i`` (0-based) of the document, for project ``base`` and one of ``units``."""
    r, q, y = ctx.rng, ctx.q, ctx.year
    name = ctx.shift(base)
    family = next((f for f in range(1, FAMILIES) if f"family{f}" in ctx.must[i]), None)
    if family is None:
        family = r.randint(1, FAMILIES - 1) if r.random() < q.fund_layouts else 0
    forced = next((k for k in range(len(MARKERS)) if f"carryover{k}" in ctx.must[i]), None)
    if family == 5 and forced is not None:
        family = 0
    marker = None
    if family != 5 and (forced is not None or r.random() < q.carryover):  # family 5: transfers only
        marker = MARKERS[forced if forced is not None else r.randrange(len(MARKERS))].format(prev=y - 1)
        name += marker
    punct, style = _style(ctx, i)
    attr = r.choices(("02", "03", "0102", "01", "0101"), (60, 15, 10, 8, 7))[0]
    label = ATTRIBUTES[attr]
    printed = label[:-1] if len(label) >= 5 and ctx.on(i, "truncated_attribute") else label
    period: str | None = r.choice(("1年", "1年", "2年", "3年")) if attr in ("03", "0102") else "1年"
    # The families of the seed that print 实施单位 and 项目期 empty.
    empty = family in (2, 4, 5, 6, 7) and r.random() < q.empty_unit_period and "subunit" not in ctx.must[i]
    weights = [6] + [1] * (len(units) - 1)
    unit = None if empty else r.choices(units, weights)[0]
    if "subunit" in ctx.must[i]:
        unit = next(u for u in units if len(u[0]) > 6)
    cost_style = "bare" if ctx.on(i, "bare_yuan") else r.choice(("wan", "wan", "wan", "yuan", "rate"))
    late = ctx.on(i, "late_cost")
    if late and cost_style not in _LATE_OK:
        cost_style = "wan"
    cents = fund_amounts(r, family, marker is not None, cost_style)
    t = Table(i + 1, name, unit, family, attr, f"{attr}-{printed}", None if empty else period, cents,
              _goal(ctx, cents["total"]), [], style, _header(ctx, i, punct))
    t.pad = 1 if family == 0 and ctx.on(i, "drift") else 0
    t.trail = r.choice((0, 0, 1, 2)) if ctx.q.drift else 0
    t.rows = indicator_rows(ctx, i, cents["total"], cost_style, late)
    return t


def _style(ctx: Context, i: int) -> tuple[bool, dict[str, str]]:
    """Whether table ``i`` drifts in punctuation, and the spellings of its labels."""
    r = ctx.rng
    punct = ctx.on(i, "punctuation") or "punctuation_b" in ctx.must[i]
    style = {
        "c": r.choice((":", ": ", "：", "： ")) if punct else ": ",
        "trans": r.choice(_TRANSFER) if punct else "转移市县(区)资金",
        "reg": "自治区 资金" if punct and r.random() < 0.7 else "自治区资金",
        "goal": "年度总体 绩效目标" if punct and r.random() < 0.7 else "年度总体绩效目标",
    }
    for k, token in enumerate(("punctuation", "punctuation_b")):  # each spelling at least once
        if token in ctx.must[i]:
            style.update(c="：", trans=_TRANSFER[-1 - k], reg="自治区 资金", goal="年度总体 绩效目标")
    return punct, style


def present(ctx: Context, i: int, c: Content) -> Table:
    """Table ``i`` printing given content (``continuity``): a fund-grid family that prints
    every amount it has, and spellings, header and indicator placement drawn as usual."""
    r = ctx.rng
    has = set(c.cents)
    if "transfer_total" in has:
        families = [0] if "own_level_total" in has else [0, 5]
    else:
        families = [0, 1, 3, 4] if "annual_total" in has else [2, 6, 7]
    family = families[0] if len(families) == 1 or r.random() >= ctx.q.fund_layouts else r.choice(families[1:])
    if family == 5 and "annual_total" in has:
        family = 0
    punct, style = _style(ctx, i)
    label = ATTRIBUTES[c.attribute]
    printed = label[:-1] if len(label) >= 5 and ctx.on(i, "truncated_attribute") else label
    t = Table(i + 1, c.name, c.unit, family, c.attribute, f"{c.attribute}-{printed}", c.period, dict(c.cents),
              c.goal, [], style, _header(ctx, i, punct))
    t.pad = 1 if family == 0 and ctx.on(i, "drift") else 0
    t.trail = r.choice((0, 0, 1, 2)) if ctx.q.drift else 0
    t.rows = place_rows(ctx, i, framework_2021(c.groups) if ctx.framework_2021 else c.groups)
    return t


def framework_2021(groups: list[tuple[str, list[tuple[str, str]]]]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Groups as the 2021 framework prints them: 成本指标 first, at level 1, its rows as
    经济成本指标 (41) and the social and ecological cost groups empty (42, 43)."""
    costs = [rows for code, rows in groups if code == "14"]
    rest = [(code, rows) for code, rows in groups if code != "14"]
    if not costs:
        return rest
    return [("41", costs[0]), ("42", []), ("43", [])] + rest


def content_of(t: Table, dept: tuple[int, str]) -> Content:
    """What a planned table says (for ``continuity``): its groups as printed, in order."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for row in t.rows:
        if row is not BREAK:
            rows = groups.setdefault(row.code, [])
            if not row.placeholder:
                rows.append((row.name, row.value))
    return Content(t.name, dept, t.unit, t.attribute, t.period, dict(t.cents), t.goal, list(groups.items()),
                   carryover=_CARRIED.search(t.name) is not None)


_CARRIED = re.compile(r"(上年结转|\d{4}年结转)[)）]?$")


def _header(ctx: Context, i: int, punct: bool) -> list[str]:
    r, y = ctx.rng, ctx.year
    variant = next((v for v in (0, 1, 3) if f"header{v}" in ctx.must[i]), None)
    if variant is None:
        variant = r.choice((0, 1, 2, 3)) if r.random() < ctx.q.header_variants else 2
    title = "部门项目支出预算绩效目标表"
    year = f"（{y}年度）" if punct and r.random() < 0.3 else f"({y}年度)"
    unit = r.choice(("单位: 万元", "单位：万元")) if ctx.q.header_variants else "单位: 万元"
    if variant == 0:
        return ["附件1", "", title, "", year, "", unit, ""]
    if variant == 1:
        return [s + "\t" * 4 for s in ("附件", title, year, unit)]
    if variant == 2:
        return ["附件", "", title, "", year, "", unit, ""]
    return [title, "", year, "", unit, ""]


def _goal(ctx: Context, total: int) -> str:
    r = ctx.rng
    parts = [ctx.shift(s) for s in r.sample(ctx.voc.goals, min(len(ctx.voc.goals), r.randint(1, 3)))]
    parts.append(f"项目金额{money_text(total)}万元。" if r.random() < 0.5 else r.choice(GOALS))
    return "".join(parts)
