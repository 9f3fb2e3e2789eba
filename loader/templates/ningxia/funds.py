"""The fund block: a two-sided grid (本级 left, 转移市县 right) read into ``Amounts``.

The PDF-to-text step moves numbers around, so a number is matched to a label by
position, in this order (see ``_match``):

1. the label and the number share one cell (``其中: 年度资金总额 886.70``);
2. the nearest non-empty cell to the number's left in the same row is a label that
   has no number yet (``财政拨款 ⇥ 1250.00``);
3. the first non-empty cell above the number, in the same column, is a label that has
   no number yet (numbers printed on the row below their label, or a repeated
   ``项目总额`` row whose second number sits under ``年度资金总额``).

``资金总额`` (subtotal) belongs to the side whose header (本级资金 or 转移市县(区)资金)
stands nearest to its left, unless that side already has its subtotal. A label printed twice must carry
the same number; a different one is reported and the first is kept.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from decimal import Decimal, InvalidOperation

from ...records import Amounts
from ...text import Cell
from .layout import FUND_ROWS_UP as _ROWS_UP
from .layout import NUMBER, fund_label
from .layout import SIDE_TOTALS as _HEADER_FIELD


@dataclass(slots=True)
class _Label:
    row: int
    col: int
    field: str
    filled: bool = False


@dataclass
class FundIssue:
    code: str
    line: int
    message: str
    text: str
    severity: str = "error"


@dataclass
class FundResult:
    amounts: Amounts
    issues: list[FundIssue] = field(default_factory=list)
    #: (line, field) of every number that was matched, for tests and provenance
    sources: dict[str, int] = field(default_factory=dict)


@lru_cache(maxsize=1 << 12)  # the same amounts recur in a table's grid (总额 = 本级 = 财政拨款)
def _number(key: str) -> Decimal | None:
    k = key.removesuffix("万元")
    if not NUMBER.match(k):
        return None
    try:
        return Decimal(k.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - NUMBER already guards the syntax
        return None


def parse_fund_block(rows: Sequence[tuple[int, Sequence[Cell]]]) -> FundResult:
    """Read the rows from ``项目总额`` up to the goal into Amounts."""
    result = FundResult(Amounts())
    grid: dict[tuple[int, int], _Label | Decimal | str] = {}
    labels: list[_Label] = []
    numbers: list[tuple[int, int, Decimal, _Label | None]] = []
    headers: list[tuple[int, str]] = []  # (column, side) of 本级/转移 headers read so far
    has_subtotal = {"own": False, "transfer": False}

    # Pass 1: classify every cell, resolving each label to a field.
    for r, (_line, row_cells) in enumerate(rows):
        for c in row_cells:
            key = c.key
            found = fund_label(key)
            if found is None:
                value = _number(key)
                if value is not None:
                    grid[(r, c.col)] = value
                    numbers.append((r, c.col, value, None))
                else:
                    grid[(r, c.col)] = c.text
                continue
            kind, rest = found
            if kind in ("own", "transfer"):
                headers.append((c.col, kind))
                fld = _HEADER_FIELD[kind]
            elif kind == "subtotal":
                side = _side(headers, c.col)
                s = side if not has_subtotal[side] else ("transfer" if side == "own" else "own")
                has_subtotal[s] = True
                fld = _HEADER_FIELD[s]
            else:
                fld = kind
            label = _Label(r, c.col, fld)
            labels.append(label)
            grid[(r, c.col)] = label
            if rest:
                value = _number(rest)
                if value is None:
                    grid[(r, c.col)] = label  # the label stays usable for neighbours
                    result.issues.append(
                        FundIssue("non-numeric-amount", rows[r][0],
                                  f"amount of {fld} is not a number: {rest!r}", c.text)
                    )
                else:
                    numbers.append((r, c.col, value, label))

    # Each row's occupied columns, in order, for "the nearest cell to the left".
    ordered = sorted(grid.items())  # (the keys are unique: values are never compared)
    row_cols: dict[int, list[int]] = {}
    for (r, col), _ in ordered:
        row_cols.setdefault(r, []).append(col)

    # Pass 2: match numbers to labels.
    for r, col, value, inline in numbers:
        label = inline or _match(grid, row_cols, r, col)
        line = rows[r][0]
        if label is None:
            result.issues.append(
                FundIssue("unmatched-amount", line,
                          f"the number {value} matches no fund label", str(value), "warning")
            )
            continue
        label.filled = True
        _store(result, label.field, value, line)

    # Text that is neither a label nor a number, right of a label: a non-numeric amount.
    for (r, col), v in ordered:
        if isinstance(v, str):
            left = _left(grid, row_cols, r, col)
            if isinstance(left, _Label) and not left.filled:
                result.issues.append(
                    FundIssue("non-numeric-amount", rows[r][0],
                              f"amount of {left.field} is not a number: {v!r}", v)
                )
            else:
                result.issues.append(
                    FundIssue("unrecognized-fund-cell", rows[r][0],
                              f"unrecognized text in the fund block: {v!r}", v, "warning")
                )
    return result


def _side(headers: list[tuple[int, str]], col: int) -> str:
    """The side of a 资金总额 label: the header nearest to its left (same or earlier
    column), else the last header read; the grid puts each subtotal under its header."""
    left = [(c, i, side) for i, (c, side) in enumerate(headers) if c <= col]
    if left:
        return max(left)[2]
    return headers[-1][1] if headers else "own"


def _left(grid: dict, row_cols: dict[int, list[int]], r: int, col: int) -> object | None:
    cols = row_cols.get(r, ())
    k = bisect_left(cols, col)  # cols[k - 1] is the last column left of col
    return grid[(r, cols[k - 1])] if k else None


def _match(grid: dict, row_cols: dict[int, list[int]], r: int, col: int) -> _Label | None:
    left = _left(grid, row_cols, r, col)
    if isinstance(left, _Label) and not left.filled:
        return left
    for rr in range(r - 1, max(-1, r - 1 - _ROWS_UP), -1):
        above = grid.get((rr, col))
        if above is None:
            continue
        if isinstance(above, _Label) and not above.filled:
            return above
        return None
    return None


def _store(result: FundResult, fld: str, value: Decimal, line: int) -> None:
    current = getattr(result.amounts, fld)
    if current is None:
        setattr(result.amounts, fld, value)
        result.sources[fld] = line
    elif current != value:
        result.issues.append(
            FundIssue("conflicting-amount", line,
                      f"{fld} printed twice with different values: {current} and {value}; "
                      f"kept {current}", str(value), "warning")
        )
