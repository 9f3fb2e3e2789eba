"""The Ningxia layout (宁夏 部门项目支出预算绩效目标表): the first template.

One table per project: a header block (附件, title, year, currency unit), header rows
(项目名称, 主管部门, 实施单位, 项目属性, 项目期), a two-sided fund grid, the annual goal, and
the indicator grid (一级 / 二级 / 三级 指标 / 指标值). ``layout`` holds its labels as data,
``funds`` reads the fund grid, ``tables`` walks the rows (docs/reader.md).
"""

from __future__ import annotations

from ...grid import Grid
from ...records import Document
from ..base import Detection, Template
from . import funds, layout
from .layout import GOAL_LABEL, INDICATOR_HEADER, TABLE_START
from .tables import read_grid

#: what a grid of this layout shows, each a folded cell prefix
LANDMARKS: tuple[str, ...] = (TABLE_START, "项目总额", GOAL_LABEL, INDICATOR_HEADER[0])


class Ningxia(Template):
    name = "ningxia"
    title = "宁夏 部门项目支出预算绩效目标表 (project performance targets, Ningxia layout)"

    def detect(self, grid: Grid) -> Detection:
        # Stops at the first table that shows every landmark: a few dozen rows.
        seen: set[str] = set()
        for row in grid.rows:
            for c in row.cells:
                for mark in LANDMARKS:
                    if mark not in seen and c.key.startswith(mark):
                        seen.add(mark)
            if len(seen) == len(LANDMARKS):
                break
        found = tuple(m for m in LANDMARKS if m in seen)
        missing = tuple(m for m in LANDMARKS if m not in seen)
        return Detection(self.name, len(found) / len(LANDMARKS), found, missing)

    def read(self, grid: Grid) -> Document:
        return read_grid(grid)

    def clear_caches(self) -> None:
        layout.clear_caches()
        funds._number.cache_clear()


TEMPLATE = Ningxia()
