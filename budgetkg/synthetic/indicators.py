"""The indicator rows of one table: names and values that fit each level-2 group, and
their placement as printed, with the seed's label quirks and page breaks."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .amounts import cost_values
from .model import BREAK, Context, Row
from .vocabulary import COUNT_UNITS, ITEMS, LABEL_LIKE, LABELS, MISCODED_LABELS, NAMES, QUALITATIVE, SHORT_LABELS


def _pick(ctx: Context, pool: Sequence[str], used: set[str]) -> str:
    for _ in range(8):
        s = ctx.rng.choice(pool)
        if s not in used:
            used.add(s)
            return s
    return s


def _value(ctx: Context, code: str, rich: bool) -> str:
    r, y = ctx.rng, ctx.year
    p = r.choice((90, 95, 98, 100, 85, 96, 99))
    seed_pool = ctx.voc.values.get(code, ())
    if rich and r.random() < 0.5:
        n = r.randint(2, 900)
        forms = {
            "11": (f"{n}件左右", f"{n}余件次", f"≥{n}人次", f"全年{n}人次", f"{n}人、{r.randint(2, 90)}万人",
                   f"{n}人, {r.randint(2, 9)}天", f"{n}人以上"),
            "12": (f"≥{p}%", f"{p}%以上", f"达{p}%以上", f"不低于{p}%"),
            "13": (f"{y}年12月中旬", "当年12月31日前", "年底前", f"{y}年底前", f"≤{r.randint(15, 60)}天"),
            "21": (f"{r.randint(2, 9)}.{r.randint(1, 9)}%以内", f"{n}人以上", f"{p}%"),
            "22": (f"{n}人、{r.randint(2, 90)}万人", "效果显著", f"≥{p}%"),
            "23": (f"{r.randint(5, 40)}%", "明显改善"),
            "24": (f"≥{r.randint(3, 10)}年", f"大于{r.randint(3, 10)}年", "长期"),
            "31": (f"≥{p}%", f"达{p}%以上", f"{p}%以上", f"高于{p}%", f"≥ {p}%"),
        }[code]
        return r.choice(forms)
    if seed_pool and r.random() < 0.5:
        return ctx.shift(r.choice(seed_pool))
    if code == "11":
        return f"{r.choice((1, 1, 2, 3, 4, 5, 10, 12, 20, 50, 100, 200, 500))}{r.choice(COUNT_UNITS)}"
    if code == "13" and r.random() < 0.6:
        m = r.randint(6, 12)
        return r.choice((f"{y}年{m}月", f"{y}年{m}月{r.choice((15, 30))}日前", f"{y}年{m}月完成"))
    if r.random() < 0.5 and code not in ("24",):
        return f"{p}%"
    return r.choice(QUALITATIVE[code])


def _names(ctx: Context, code: str, k: int, used: set[str]) -> list[str]:
    pool = list(ctx.voc.names.get(code, ())) + list(NAMES[code])
    return [ctx.shift(_pick(ctx, pool, used)) for _ in range(k)]


def _items(ctx: Context, k: int) -> list[str]:
    pool = list(ctx.voc.names.get("11", ())) + [ctx.topic + it for it in ITEMS] + list(ITEMS)
    used: set[str] = set()
    return [ctx.shift(_pick(ctx, pool, used)) for _ in range(k)]


def indicator_rows(ctx: Context, i: int, total: int, cost_style: str, late: bool) -> list[Row]:
    r, q = ctx.rng, ctx.q
    rich_forced = "rich_values" in ctx.must[i]
    rich = rich_forced or r.random() < q.rich_values
    k = r.choices((1, r.randint(2, 4), r.randint(5, 12), r.randint(13, 20)), (30, 35, 25, 10))[0]
    if late or rich_forced:
        k = max(k, 3)
    items = _items(ctx, k)
    used: set[str] = set()
    groups: list[tuple[str, list[tuple[str, str]]]] = [("11", [(it, _value(ctx, "11", rich)) for it in items])]
    for code, n in (("12", r.choice((1, 1, 2))), ("13", r.choice((1, 1, 1, 2)))):
        groups.append((code, [(nm, _value(ctx, code, rich)) for nm in _names(ctx, code, n, used)]))
    suffix = ("", "", "费用", "预算", "经费")
    costs = cost_values(ctx, total, k, cost_style)
    groups.append(("14", [(it + r.choice(suffix), v) for it, v in zip(items, costs)]))
    for code in ("21", "22", "23", "24", "31"):
        empty = code in ("21", "23") and r.random() < 0.7
        n = 0 if empty else r.choice((1, 1, 2))
        groups.append((code, [(nm, _value(ctx, code, rich)) for nm in _names(ctx, code, n, used)]))
    if rich_forced:  # one of each value form the seed shows
        y, g = ctx.year, dict(groups)
        shows = {"11": ["368件左右", "400余件次", "7000人、70万人"], "12": ["≥95%"],
                 "13": [f"{y}年12月中旬", "当年12月31日前", "年底前"], "21": ["4.5%以内"],
                 "31": ["达90%以上", "95%以上"]}
        for code, vals in shows.items():
            rows = g[code]
            while len(rows) < len(vals):
                rows.append((_names(ctx, code, 1, used)[0], ""))
            rows[: len(vals)] = [(nm, v) for (nm, _), v in zip(rows, vals)]
        g["14"].append((items[0] + "标准", "5.5万元/班次"))
    return _place(ctx, i, groups, late)


def place_rows(ctx: Context, i: int, groups: list[tuple[str, list[tuple[str, str]]]]) -> list[Row]:
    """Given groups printed as ``indicator_rows`` prints its own (no late cost label)."""
    return _place(ctx, i, [(code, list(rows)) for code, rows in groups], False)


def new_row(ctx: Context, code: str, used: set[str]) -> tuple[str, str]:
    """One more indicator row of group ``code``: a name and a value that fit it."""
    name = _items(ctx, 1)[0] if code == "11" else _names(ctx, code, 1, used)[0]
    return name, _value(ctx, code, ctx.rng.random() < ctx.q.rich_values)


def _label(ctx: Context, i: int, code: str) -> str:
    r = ctx.rng
    if code in SHORT_LABELS and r.random() < ctx.q.short_labels:
        return SHORT_LABELS[code]
    if code in MISCODED_LABELS and r.random() < ctx.q.miscoded_labels:
        return MISCODED_LABELS[code]
    return LABELS[code]


def _place(ctx: Context, i: int, groups: list[tuple[str, list[tuple[str, str]]]], late: bool) -> list[Row]:
    """Printed rows: each group's label on its first row, with the seed's quirks."""
    r, q, must = ctx.rng, ctx.q, ctx.must[i]
    rows: list[Row] = []
    for code, items in groups:
        l1, label = code[0], _label(ctx, i, code)
        if not items:
            if q.placeholders and r.random() < q.placeholders:
                shift = "label_l3" if r.random() < q.label_in_level3 else ""
                rows.append(Row(l1, code, label=label, placeholder=True, shift=shift))
            continue
        body = [Row(l1, code, nm, v) for nm, v in items]
        if code == "14" and late and len(body) >= 2:
            m = r.randint(1, len(body) - 1)
            for row in body[:m]:
                row.late = True
            body[m].label = LABELS["14"]
            rows += body[:m] + [BREAK] + body[m:]
            continue
        if code != "11" and r.random() < q.label_on_empty_row:
            rows.append(Row(l1, code, label=label, placeholder=True))
        else:
            body[0].label = label
            if r.random() < q.label_in_level3:
                body[0].shift = "label_l3"
        rows += body
    # Forced quirks the rates did not produce in this table.
    def first(pred: Callable[[Row], bool]) -> Row | None:
        cands = [row for row in rows if row is not BREAK and pred(row)]
        return r.choice(cands) if cands else None

    if "short_labels" in must and not any(row.label in SHORT_LABELS.values() for row in rows):
        if (row := first(lambda x: x.code in SHORT_LABELS and x.label is not None)) is not None:
            row.label = SHORT_LABELS[row.code]
    if "miscoded_labels" in must and (row := first(lambda x: x.code == "31" and x.label is not None)):
        row.label = MISCODED_LABELS["31"]
    if "label_in_level3" in must and (row := first(lambda x: x.label is not None and not x.late)):
        row.shift = "label_l3"
    if "label_on_empty_row" in must and not any(x.placeholder and x.code in ("12", "22", "31") for x in rows):
        if (row := first(lambda x: x.code in ("12", "22", "31") and x.label is not None and not x.placeholder)):
            rows.insert(next(k for k, x in enumerate(rows) if x is row), Row(row.level1, row.code, label=row.label, placeholder=True))
            row.label, row.shift = None, ""
    for row in rows:
        if (row is not BREAK and row.label is None and not row.placeholder and r.random() < q.name_in_level2
                and not LABEL_LIKE.match(row.name.replace(" ", ""))):
            row.shift = "name_l2"
    if "name_in_level2" in must and not any(x.shift == "name_l2" for x in rows):
        if (row := first(lambda x: x.label is None and not x.placeholder
                         and not LABEL_LIKE.match(x.name.replace(" ", "")))):
            row.shift = "name_l2"
    if ctx.q.drift:
        for row in rows:
            if row is not BREAK and not row.shift and not row.placeholder and r.random() < q.drift / 10:
                row.shift = "right"
    # A page break: never inside the late-cost run, which has its own.
    if len(rows) >= 12 and ctx.on(i, "page_breaks") or "label_after_break" in must or "page_breaks" in must:
        ok = [b for b in range(2, len(rows) - 1)
              if rows[b - 1] is not BREAK and rows[b] is not BREAK and not rows[b].late
              and not (rows[b - 1].late and rows[b].late) and not rows[b].placeholder]
        again = [b for b in ok if rows[b].label is None and not rows[b].shift]
        if "label_after_break" in must and again:
            ok = again
        if ok:
            b = r.choice(ok)
            after = rows[b]
            if (after.label is None and not after.shift
                    and ("label_after_break" in must or r.random() < q.label_after_break)):
                # the group's label printed again, as it was printed above the break
                after.label = next((x.label for x in rows[:b] if x.code == after.code and x.label),
                                   LABELS[after.code])
            before = rows[b - 1]
            if before.label is None and not before.placeholder and not before.shift and r.random() < 0.3 \
                    and not LABEL_LIKE.match(before.name.replace(" ", "")):
                before.shift = "name_l2"
            rows.insert(b, BREAK)
    return rows
