"""县级 项目支出绩效目标审批表 (重庆 奉节 style): 分值 and 指标解释 columns, scored levels."""

from __future__ import annotations

from ..records import FamilyTable
from .detect import Detection, score_markers
from .document import FamilyTemplate
from .form import Spec, read_table
from .tokens import TokRow

NAME = "chongqing_shenpi"
TITLE = "县级 项目支出绩效目标审批表 (项目总预算/当年年度预算, 分值, 指标解释)"
MARKERS = (
    ("审批表",),
    ("项目总预算", "当年年度预算"),
    ("业务主管部门",),
    ("指标解释", "分值"),
)

SPEC = Spec(
    family=NAME,
    fields={
        "预算单位": "预算单位",
        "项目分类": "项目分类",
        "建设周期": "建设周期",
        "业务主管部门": "department",
        "实施单位": "unit",
        "项目负责人": "项目负责人",
        "联系电话": "联系电话",
        "项目审批": "项目审批",
        "财政资金预算分类": "财政资金预算分类",
        "财政资金科目代码": "财政资金科目代码",
        "年度预算执行率": "年度预算执行率",
    },
    amounts=(
        ("项目总预算", None),
        ("当年年度预算", None),
        ("其中:财政资金", None),
        ("其中:其它资金", None),
        ("其中:其他资金", None),
    ),
    goals=("项目总体概况", "年度主要目标和成果"),
    sections=("项目资金", "预算执行", "年度绩效目标", "金额单位"),
)


def detect(text: str) -> Detection:
    return score_markers(NAME, text, MARKERS)


def read(rows: list[TokRow], rowwise: bool, currency: str | None) -> list[FamilyTable]:
    return [read_table(rows, rowwise, SPEC, currency or SPEC.default_currency)]


TEMPLATE = FamilyTemplate(NAME, TITLE)
