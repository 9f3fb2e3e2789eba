"""上海 财政项目支出绩效目标申报表: amounts in 元 in two columns, 2021 vocabulary."""

from __future__ import annotations

from ..records import FamilyTable
from .detect import Detection, score_markers
from .document import FamilyTemplate
from .form import Spec, read_table
from .tokens import TokRow

NAME = "shanghai_caizheng_shenbao"
TITLE = "上海 财政项目支出绩效目标申报表 (项目资金（元）, 项目/年度 two columns)"
MARKERS = (
    ("年度资金申请总额",),
    ("项目资金总额",),
    ("当年财政拨款",),
    ("计划开始日期", "计划完成日期", "项目性质"),
    ("财政项目支出绩效目标申报表", "项目资金(元)"),
)

SPEC = Spec(
    family=NAME,
    fields={
        "项目性质": "项目性质",
        "项目类别": "项目类别",
        "主管部门": "department",
        "实施单位": "unit",
        "计划开始日期": "计划开始日期",
        "计划完成日期": "计划完成日期",
    },
    # the left column is the project's whole period, the right one this year; the
    # first 其他资金 printed is the left column's
    amounts=(
        ("项目资金总额", "project"),
        ("年度资金申请总额", "annual"),
        ("其中:财政资金", "project"),
        ("财政资金", "project"),
        ("其中:当年财政拨款", "annual"),
        ("当年财政拨款", "annual"),
        ("上年结转资金", "annual"),
        ("其他资金", "project"),
        ("其他资金", "annual"),
    ),
    goals=("项目总目标", "项目总体目标", "年度总体目标"),
    sections=("项目资金(元)", "项目资金", "项目绩效目标", "绩效指标", "财政项目支出绩效目标申报表"),
    default_currency="元",
)


def detect(text: str) -> Detection:
    return score_markers(NAME, text, MARKERS)


def read(rows: list[TokRow], rowwise: bool, currency: str | None) -> list[FamilyTable]:
    return [read_table(rows, rowwise, SPEC, currency or SPEC.default_currency)]


TEMPLATE = FamilyTemplate(NAME, TITLE)
