"""The 2015-era 申报表 layout: 项目资金申请, 长期/年度 indicator blocks, placeholder rows."""

from __future__ import annotations

from ..records import FamilyTable
from .detect import Detection, score_markers
from .document import FamilyTemplate
from .form import Spec, read_table
from .tokens import TokRow

NAME = "shenbao_legacy"
TITLE = "2015-era 项目绩效目标(申报)表 (项目资金申请, 年度资金总额及构成, 长期/年度绩效指标)"
MARKERS = (
    ("项目资金申请", "年度资金总额及构成"),
    ("长期绩效指标", "年度绩效指标"),
    ("长期目标", "年度目标"),
    ("项目属性", "主管部门编码", "主管部门及其编码", "填报单位"),
    ("项目实施进度计划", "项目立项情况", "项目概况", "单位职能概述"),
)

SPEC = Spec(
    family=NAME,
    fields={
        "填报单位(盖章)": "填报单位",
        "填报单位": "填报单位",
        "项目属性": "项目属性",
        "主管部门": "department",
        "主管部门及其编码": "department",
        "主管部门编码": "主管部门编码",
        "项目实施单位": "unit",
        "项目单位": "unit",
        "实施单位": "unit",
        "项目负责人": "项目负责人",
        "联系电话": "联系电话",
        "项目起止时间": "项目起止时间",
        "单位职能概述": "单位职能概述",
        "项目概况": "项目概况",
        "项目立项情况": "项目立项情况",
    },
    amounts=(
        ("资金总额", None),
        ("总额", None),
        ("一、财政拨款", None),
        ("财政拨款", None),
        ("预算资金", None),
        ("其中:上级财政资金", None),
        ("上级财政资金", None),
        ("本级财政", None),
        ("二、自有资金", None),
        ("自有资金", None),
        ("事业收入", None),
        ("经营性收入", None),
        ("三、其他", None),
    ),
    goals=("长期目标", "年度目标"),
    sections=("项目资金申请(万元)", "项目资金申请", "年度资金总额及构成", "项目实施进度计划", "项目绩效目标", "绩效指标"),
    blocks={"长期绩效指标": "长期", "年度绩效指标": "年度"},
)


def detect(text: str) -> Detection:
    return score_markers(NAME, text, MARKERS)


def read(rows: list[TokRow], rowwise: bool, currency: str | None) -> list[FamilyTable]:
    return [read_table(rows, rowwise, SPEC, currency or SPEC.default_currency)]


TEMPLATE = FamilyTemplate(NAME, TITLE)
