"""专项转移支付绩效目标表 with a target value per region (区域目标值)."""

from __future__ import annotations

from ..records import FamilyTable
from .detect import Detection, score_markers
from .document import FamilyTemplate
from .form import Spec, read_table
from .tokens import TokRow

NAME = "transfer_region"
TITLE = "专项转移支付绩效目标表 (部门预算编码, 区域, 指标解释, 区域目标值 per region)"
MARKERS = (("区域目标值",), ("部门预算编码",), ("部门(单位)名称",), ("指标解释",), ("资金总额",))

SPEC = Spec(
    family=NAME,
    fields={"部门(单位)名称": "department", "部门预算编码": "部门预算编码", "区域": "区域"},
    amounts=(("资金总额", None), ("其中:财政拨款", None), ("其他资金", None)),
    goals=("总体目标",),
    sections=("资金情况(万元)", "资金情况"),
    region_field="区域",
)


def detect(text: str) -> Detection:
    return score_markers(NAME, text, MARKERS)


def read(rows: list[TokRow], rowwise: bool, currency: str | None) -> list[FamilyTable]:
    return [read_table(rows, rowwise, SPEC, currency or SPEC.default_currency)]


TEMPLATE = FamilyTemplate(NAME, TITLE)
