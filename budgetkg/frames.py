"""Query rows as a typed pandas DataFrame (``Rows.to_pandas()``; pandas is the optional
``notebook`` extra): numbers and money as numeric columns, dates as datetimes, codes as
categories, chosen by each column's RDF datatype (and, for codes, its name)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from budgetkg.store.terms import FLOAT_TYPES, INTEGER_TYPES, XSD

INSTALL_HINT = "Rows.to_pandas() needs pandas: pip install 'budgetkg[notebook]' (or pip install pandas)"
DATE_TYPES = frozenset({XSD + "date", XSD + "dateTime", XSD + "dateTimeStamp"})


def is_code(column: str) -> bool:
    """A code column (department, unit, level codes): ``code`` or ``…Code``."""
    return column.lower().endswith("code") or column.lower().endswith("notation")


def to_frame(columns: Sequence[str], rows: Sequence[Mapping[str, Any]], datatypes: Mapping[str, str | None]) -> Any:
    try:
        import pandas as pd
    except ImportError as exc:  # optional dependency
        raise ImportError(INSTALL_HINT) from exc
    frame = pd.DataFrame(list(rows), columns=list(columns))
    for column in columns:
        datatype = datatypes.get(column)
        values = frame[column]
        if datatype in INTEGER_TYPES or datatype == XSD + "gYear":
            frame[column] = pd.to_numeric(values, errors="coerce").astype("Int64")
        elif datatype == XSD + "decimal" or datatype in FLOAT_TYPES:
            # money in yuan or 万元: float64 for arithmetic (the exact Decimal stays in Rows)
            frame[column] = pd.to_numeric(values.map(lambda v: None if v is None else float(v)), errors="coerce")
        elif datatype in DATE_TYPES:
            frame[column] = pd.to_datetime(values, errors="coerce")
        elif is_code(column):
            frame[column] = values.astype("category")
    return frame
