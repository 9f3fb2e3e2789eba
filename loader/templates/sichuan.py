"""四川 部门预算项目绩效目标申报表: a spreadsheet list, one row per indicator.

Columns: 单位名称 | 项目名称 | 预算数 | 年度目标 | 一级指标 | 二级指标 | 三级指标 | 指标性质 |
指标值 | 度量单位 | 权重 | 指标方向性, amounts in 元. Merged cells are dropped in the export,
so rows are read from the level-1 cell: what stands before it is the project's first
row (unit, name, amount, goal, right-aligned on the amount), what follows is the
indicator. A row with a code-name and an amount only is the department's subtotal.
"""

from __future__ import annotations

import re

from ..records import FamilyTable, PrintedAmount, TargetRow
from . import labels as L
from .detect import Detection, score_markers
from .document import FamilyTemplate
from .form import _AMOUNT, amount_value, split_department
from .tokens import TokRow

NAME = "sichuan_flatlist"
TITLE = "四川 部门预算项目绩效目标申报表 (one row per indicator: 指标性质, 度量单位, 权重, 指标方向性)"
MARKERS = (("指标性质",), ("度量单位",), ("权重", "指标方向性"), ("预算数",), ("一级指标",))
_AFTER = ("comparator", "value", "measure_unit", "weight", "direction")
_CODE_NAME = re.compile(r"^\d{2,12}-\S")


def detect(text: str) -> Detection:
    return score_markers(NAME, text, MARKERS)


def _is_amount(s: str) -> bool:
    return bool(_AMOUNT.match(s.replace(" ", "")))


def read(rows: list[TokRow], rowwise: bool, currency: str | None) -> list[FamilyTable]:
    cur = currency or "元"
    tables: list[FamilyTable] = []
    department: str | None = None
    unit: str | None = None
    for r in rows:
        cells = list(r.raw) if r.raw else [t.text for t in r.toks]
        while cells and not cells[-1]:
            cells.pop()
        p = next((i for i, c in enumerate(cells) if L.key(c) in L.LEVEL1_LABELS), None)
        inferred = None
        if p is None:  # a level-1 cell dropped: start at the level-2 label, level 1 by meaning
            q = next((i for i, c in enumerate(cells) if L.key(c) in L.LEVEL2_PARENT), None)
            if q is not None:
                inferred = L.LEVEL2_PARENT[L.key(cells[q])]
                cells = cells[:q] + [inferred] + cells[q:]
                p = q
        before = [c for c in (cells[:p] if p is not None else cells) if c]
        if p is None:
            if len(before) == 2 and _CODE_NAME.match(before[0]) and _is_amount(before[1]):
                department = before[0]  # the department's subtotal row
            continue
        if before:
            ai = next((i for i, c in enumerate(before) if _is_amount(c)), None)
            if ai is not None and ai >= 1:
                if ai >= 2:
                    unit = before[ai - 2]
                name = before[ai - 1]
                t = FamilyTable(family=NAME, framework="", line=r.line, end_line=r.line, name=name, currency_unit=cur)
                t.department = department
                t.unit = unit
                if unit:
                    uname, ucode = split_department(unit)
                    if ucode:
                        t.header_fields["单位编码"] = ucode
                        t.header_fields["单位名称"] = uname
                printed = before[ai]
                t.amounts.append(PrintedAmount("预算数", printed, amount_value(printed), cur, r.line))
                if ai + 1 < len(before):
                    t.goals["年度目标"] = "".join(before[ai + 1 :])
                tables.append(t)
        if not tables:
            continue
        t = tables[-1]
        l1 = cells[p]
        l2 = cells[p + 1] if p + 1 < len(cells) else ""
        l3 = cells[p + 2] if p + 2 < len(cells) else ""
        rest = cells[p + 3 :]
        extra = {role: (rest[i] if i < len(rest) else "") for i, role in enumerate(_AFTER)}
        if not l3:
            continue
        value = extra["comparator"] + extra["value"] + extra["measure_unit"]
        t.indicators.append(TargetRow(l1, l2, l3, value, r.line, inferred is None, None, extra))
        t.end_line = r.line
    for t in tables:
        if any(i.l1 == L.COST for i in t.indicators):
            t.framework = "2021"
        elif any(i.l2 == L.COST for i in t.indicators):
            t.framework = "old"
    return tables


TEMPLATE = FamilyTemplate(NAME, TITLE)
