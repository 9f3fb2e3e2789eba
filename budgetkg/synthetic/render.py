"""Printing one planned table as the PDF-to-text step writes it: the fund grid in one of
the seed's layout families, the goal row, and the indicator rows with drifting cells."""

from __future__ import annotations

from .amounts import amount_text
from .model import BREAK, Context, Row, Table
from .vocabulary import LEVEL1


def render_table(ctx: Context, t: Table) -> list[str]:
    """The printed lines of ``t`` below its header block: fund grid, goal, indicator rows."""
    r = ctx.rng
    out = ["\t".join(row + [""] * t.trail) for row in _fund_rows(ctx, t)]
    goal = t.goal
    if ctx.on(t.seq - 1, "goal_html"):
        goal = f"<p>{goal}</p>"
    if ctx.on(t.seq - 1, "goal_below"):
        out += ["", t.style["goal"], "", goal, ""]
    elif t.family in (0, 1, 3):
        out.append("\t".join([t.style["goal"], goal, "", ""] + [""] * t.trail))
    else:
        out.append("\t".join([t.style["goal"], "", goal, ""] + [""] * t.trail))
    drift = ctx.q.drift > 0
    gap, trail = r.choice((0, 1)), r.choice((0, 1))
    out.append("\t".join(["一级指标", "二级指标", "三级指标"] + [""] * gap + ["指标值"] + [""] * trail))
    for row in t.rows:
        if row is BREAK:
            out.append("")
            if drift and r.random() < 0.5:
                gap, trail = r.choice((0, 1, 2)), r.choice((0, 1))
            continue
        out.append("\t".join(_cells(row, gap, trail)))
    return out


def _cells(row: Row, gap: int, trail: int) -> list[str]:
    l1, lab, g, tr = LEVEL1[row.level1], row.label or "", [""] * gap, [""] * trail
    if row.placeholder:
        return [l1, "", lab, "", ""] if row.shift == "label_l3" else [l1, lab, "", *g, "", *tr]
    if row.shift == "label_l3":
        return [l1, "", lab, row.name, *g, row.value, *tr]
    if row.shift == "name_l2":
        return [l1, row.name, *g, row.value, *tr]
    if row.shift == "right":
        return [l1, lab, "", row.name, row.value]
    return [l1, lab, row.name, *g, row.value, *tr]


def _fund_rows(ctx: Context, t: Table) -> list[list[str]]:
    """Header rows and the fund grid in one of the seed's layout families."""
    s, c = t.style, t.style["c"]
    a = {f: amount_text(v) for f, v in t.cents.items()}
    g = a.get
    T, A, own, tr = a["total"], g("annual_total", ""), g("own_level_total", ""), g("transfer_total", "")
    fisc, other, carry = g("fiscal_appropriation", ""), g("other_funds", ""), g("carryover", "")
    cent, reg = g("central_funds", ""), g("regional_funds", "")
    dept = f"{ctx.dept}-{ctx.dept_name}"
    unit = f"{t.unit[0]}-{t.unit_printed}" if t.unit else ""
    period, attr, trans, rl = t.period or "", t.attr_printed, s["trans"], s["reg"]
    f = t.family
    if f == 0:  # numbers right of their labels (seed lines 11-19)
        p = [""] * t.pad
        name_row = ["项目名称", "", t.name, ""] if ctx.rng.random() < 0.6 else ["项目名称", t.name, ""]
        return [name_row, ["主管部门", *p, dept, "实施单位", *p, unit],
                ["项目属性", *p, attr, "项目期", *p, period],
                ["项目总额", *p, T, f"其中{c}年度资金总额", *p, A],
                [f"其中{c}本级资金", "资金总额", own, f"其中{c}{trans}", "资金总额", tr],
                ["", f"其中{c}财政拨款", fisc, "", f"其中{c}中央资金", cent],
                ["", "其他资金", other, "", rl, reg], ["", "结余结转资金", carry, "", "", ""]]
    head = [["项目名称", "", t.name, ""]]
    if f == 1:  # label and value in one cell (seed lines 49-57)
        return head + [["主管部门", "", dept, f"实施单位 {unit}".strip()],
                       ["项目属性", "", attr, f"项目期 {period}".strip()],
                       ["项目总额", "", T, f"其中{c}年度资金总额 {A}".strip()],
                       [f"其中{c}本级资金", "资金总额", own, f"其中{c}{trans}", "资金总额"],
                       ["", f"其中{c}财政拨款", fisc, "", f"其中{c}中央资金"],
                       ["", "其他资金", other, "", rl], ["", "结余结转资金", carry, "", ""]]
    if f == 3:  # transfer labels printed below, without numbers (seed lines 327-338)
        tail = ctx.rng.choice((
            [[f"其中{c}中央资金", "资金总额", "", f"其中{c}{rl}"], ["", f"其中{c}中央资金", "", ""], ["", rl, "", ""]],
            [["", "", "资金总额", ""], ["", "", f"其中{c}中央资金", ""], ["", "", rl, ""]],
            [[f"其中{c}中央资金", "", rl, ""]], [["", f"其中{c}中央资金", "", rl]],
            [["", "资金总额", "", f"其中{c}中央资金"], ["", "", "", rl]], []))
        return [["项目名称", t.name, "", ""], ["主管部门", dept, "实施单位", unit],
                ["项目属性", attr, "项目期", period], ["项目总额", T, f"其中{c}年度资金总额", A],
                [f"其中{c}本级资金", "资金总额", own, f"其中{c}{trans}"], ["", f"其中{c}财政拨款", fisc, ""],
                ["", "其他资金", other, ""], ["", "结余结转资金", carry, ""]] + tail
    head += [["主管部门", "", dept, "实施单位", unit], ["项目属性", "", attr, "项目期", period],
             ["项目总额", "", T, f"其中{c}年度资金总额", ""]]
    if f == 2:  # the left column with numbers beside it (seed lines 268-277)
        return head + [[f"其中{c}本级资金", "", own, f"其中{c}{trans}", ""], ["资金总额", "", own, "资金总额", ""],
                       [f"其中{c}财政拨款", "", fisc, f"其中{c}中央资金", ""], ["其他资金", "", other, rl, ""],
                       ["结余结转资金", "", carry, "", ""]]
    if f == 4:  # 项目总额 printed twice, the annual total under its label (seed 425-434, 797-806)
        again = ["项目总额", "", T, A, ""] if ctx.rng.random() < 0.6 else [f"其中{c}本级资金", "", own, A, ""]
        return head + [again, [f"其中{c}本级资金", "资金总额", own, f"其中{c}{trans}", "资金总额"],
                       ["", f"其中{c}财政拨款", fisc, "", f"其中{c}中央资金"], ["", "其他资金", other, "", rl],
                       ["", "结余结转资金", carry, "", ""]]
    if f == 5:  # transfers only, numbers below their labels (seed lines 592-602)
        return head + [[f"其中{c}本级资金", "", f"其中{c}{trans}", "", "资金总额"], ["", "", "", "", tr],
                       ["", "", "", "", f"其中{c}中央资金"], ["", "", "", "", cent], ["", "", "", "", rl],
                       ["", "", "", "", reg]]
    if f == 6:  # own funds, numbers below their labels (seed lines 857-867)
        rows = head + [[f"其中{c}本级资金", "", "资金总额", f"其中{c}中央资金", ""], ["", "", own, rl, ""],
                       ["", "", f"其中{c}财政拨款", ctx.rng.choice((f"其中{c}{trans}", trans)), ""]]
        for label, v in (("", fisc), ("其他资金", other), ("结余结转资金", carry)):
            rows += ([["", "", label, "", ""]] if label else []) + ([["", "", v, "", ""]] if v else [])
        return rows
    # f == 7: no transfer header; central and regional labels on the right (seed 1052-1060)
    return head + [[f"其中{c}本级资金", "", own, f"其中{c}中央资金", ""],
                   [f"其中{c}财政拨款", "", fisc, f"其中{c}{rl.replace(' ', '')}", ""],
                   ["其他资金", "", other, "", ""], ["结余结转资金", "", carry, "", ""]]
