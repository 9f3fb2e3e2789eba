"""甘肃 省级部门预算项目支出绩效目标表: 二级项目名称 is the project, 指标目标值."""

from __future__ import annotations

from ..records import FamilyTable
from .detect import Detection, score_markers
from .document import FamilyTemplate
from .form import Spec, read_table
from .tokens import TokRow

NAME = "gansu_shengji"
TITLE = "甘肃 省级部门预算项目支出绩效目标表 (一级/二级项目名称, 预算申报数, 指标目标值)"
MARKERS = (("二级项目名称",), ("一级项目名称",), ("预算申报数", "项目总投资"), ("指标目标值",), ("省级财政安排", "中央补助安排"))

SPEC = Spec(
    family=NAME,
    name_labels=("二级项目名称",),
    fields={
        "一级项目名称": "一级项目名称",
        "项目类型": "项目类型",
        "项目分类": "项目分类",
        "资金用途": "资金用途",
        "主管部门": "department",
        "项目开始日期": "项目开始日期",
        "项目完成日期": "项目完成日期",
        "资金性质": "资金性质",
        "基本情况": "基本情况",
        "项目立项必要性": "项目立项必要性",
        "保证项目实施的制度措施": "保证项目实施的制度措施",
        "项目实施计划": "项目实施计划",
        "组织实施单位": "组织实施单位",
        "监督管理单位": "监督管理单位",
        "项目实施单位": "unit",
        "政策依据": "政策依据",
        "其他依据": "其他依据",
        "需要说明的其他问题": "需要说明的其他问题",
    },
    amounts=(("项目总投资", None), ("中央补助安排", None), ("省级财政安排", None), ("其他资金", None), ("预算申报数", None)),
    goals=("年度绩效目标",),
    # level 1 printed without 指标
    aliases={"产出": "产出指标", "成本": "成本指标", "效益": "效益指标", "满意度": "满意度指标"},
)


def detect(text: str) -> Detection:
    return score_markers(NAME, text, MARKERS)


def read(rows: list[TokRow], rowwise: bool, currency: str | None) -> list[FamilyTable]:
    return [read_table(rows, rowwise, SPEC, currency or SPEC.default_currency)]


TEMPLATE = FamilyTemplate(NAME, TITLE)
