"""财政部 standard 项目支出绩效目标表 and its local copies (annual, 中期+年度, simplified)."""

from __future__ import annotations

import dataclasses

from ..records import FamilyTable
from .detect import Detection, score_markers
from .document import FamilyTemplate
from .form import Spec, read_table
from .tokens import TokRow

NAME = "central_xmzc"
TITLE = "财政部 项目支出绩效目标表 and local copies (年度资金总额/其中:财政拨款/其他资金; 中期 variant; simplified 绩效目标表)"
MARKERS = (
    ("年度资金总额",),
    ("其中:财政拨款", "其中:上级资金"),
    ("主管部门及代码", "项目期", "项目主管部门", "主管部门"),
    ("年度目标", "总体目标"),
    ("项目支出绩效目标表", "项目支出绩效目标申报表", "绩效目标表"),
)
VETOES = ("年度资金总额及构成", "项目资金申请", "长期绩效指标", "审批表", "指标性质")

SPEC = Spec(
    family=NAME,
    fields={
        "主管部门及代码": "department",
        "主管部门": "department",
        "项目主管部门": "department",
        "实施单位": "unit",
        "项目执行单位": "unit",
        "项目属性": "项目属性",
        "项目来源": "项目来源",
        "项目期": "项目期",
        "项目责任人": "项目责任人",
        "单位(盖章)": "单位(盖章)",
    },
    # the 中期 variant prints 中期 and 年度 side by side: their sub-labels alternate
    amounts=(
        ("中期资金总额", "medium"),
        ("年度资金总额", "annual"),
        ("其中:财政拨款", "medium"),
        ("其中:财政拨款", "annual"),
        ("其中:上级资金", "annual"),
        ("其中:当年财政拨款", "annual"),
        ("上年结转资金", "annual"),
        ("上年结转", "annual"),
        ("其他资金", "medium"),
        ("其他资金", "annual"),
    ),
    goals=("中期目标", "年度目标"),
    sections=("总体目标", "绩效指标", "项目资金(万元)", "项目资金", "资金情况(万元)", "资金情况"),
    blocks={"中期指标": "中期", "年度指标": "年度"},
)


def detect(text: str) -> Detection:
    return score_markers(NAME, text, MARKERS, VETOES)


def read(rows: list[TokRow], rowwise: bool, currency: str | None) -> list[FamilyTable]:
    table = read_table(rows, rowwise, SPEC, currency or SPEC.default_currency)
    if not any(a.column == "medium" and a.label.startswith("中期") for a in table.amounts):
        # annual-only form: one column, so no column names
        table.amounts = [dataclasses.replace(a, column=None) for a in table.amounts]
    return [table]


TEMPLATE = FamilyTemplate(NAME, TITLE)
