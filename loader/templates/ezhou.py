"""鄂州市 市直部门预算项目支出绩效目标表: cost block, and levels shifted by one column.

This form's 一级指标 column holds 数量/质量/成本指标 (level 2) and its 二级指标 column the
indicator name; 产出指标 is never printed, so level 1 is given by meaning.
"""

from __future__ import annotations

from ..records import FamilyTable
from .detect import Detection, score_markers
from .document import FamilyTemplate
from .form import Spec, read_table
from .tokens import TokRow

NAME = "ezhou_shizhi"
TITLE = "鄂州市 市直部门预算项目支出绩效目标表 (成本构成/测算依据, 绩效标准, 当年预期实现值; shifted levels)"
MARKERS = (("成本构成",), ("测算(公式)依据", "测算依据"), ("当年预期实现值",), ("立项依据",), ("保障绩效目标实现措施", "绩效标准"))

SPEC = Spec(
    family=NAME,
    fields={"项目类别": "项目类别", "项目性质": "项目性质", "立项依据": "立项依据", "主管部门": "department"},
    amounts=(("合计", None),),
    goals=("绩效目标",),
    sections=("项目预算", "成本构成", "金额", "测算(公式)依据", "绩效指标", "保障绩效目标实现措施"),
    stops=("主管部门审核意见",),
    shifted_levels=True,
)


def detect(text: str) -> Detection:
    return score_markers(NAME, text, MARKERS)


def read(rows: list[TokRow], rowwise: bool, currency: str | None) -> list[FamilyTable]:
    return [read_table(rows, rowwise, SPEC, currency or SPEC.default_currency)]


TEMPLATE = FamilyTemplate(NAME, TITLE)
