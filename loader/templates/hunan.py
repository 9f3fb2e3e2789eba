"""湖南 YYYY年项目支出绩效目标申报表 (项目支出名称/预算部门, 指标值及单位, 绩效标准)."""

from __future__ import annotations

from ..records import FamilyTable
from .detect import Detection, score_markers
from .document import FamilyTemplate
from .form import Spec, read_table
from .tokens import TokRow

NAME = "hunan_shenbao_2023"
TITLE = "湖南 项目支出绩效目标申报表 (项目支出名称, 年度本级预算金额, 绩效标准)"
MARKERS = (
    ("项目支出名称",),
    ("年度本级预算金额", "该项目支出上级资金"),
    ("实施期绩效目标", "本年度绩效目标"),
    ("指标值及单位", "绩效标准"),
)

SPEC = Spec(
    family=NAME,
    name_labels=("项目支出名称",),
    fields={"预算部门": "department", "项目支出实施期": "项目支出实施期", "联系电话": "联系电话"},
    amounts=(("年度本级预算金额", None), ("该项目支出上级资金", None)),
    goals=("实施期绩效目标", "本年度绩效目标"),
    sections=("本年度绩效指标", "绩效指标"),
)


def detect(text: str) -> Detection:
    return score_markers(NAME, text, MARKERS)


def read(rows: list[TokRow], rowwise: bool, currency: str | None) -> list[FamilyTable]:
    return [read_table(rows, rowwise, SPEC, currency or SPEC.default_currency)]


TEMPLATE = FamilyTemplate(NAME, TITLE)
