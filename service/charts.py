"""Bar charts as inline SVG, rendered on the server (no script, no CDN: works offline).

``pick_columns`` chooses what a table of SPARQL results should chart: the measure by
datatype and name (money first, then counts; never a code, year or position), and the
labels from the text columns, written in full. ``bars_svg`` draws horizontal bars, one
colour per series (e.g. per fiscal year), with a legend.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from unicodedata import east_asian_width

from markupsafe import Markup, escape

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + t for t in ("decimal", "integer", "int", "long", "short", "double", "float",
                             "nonNegativeInteger", "positiveInteger")}
MONEY = re.compile(r"wan|yuan|total|sum|amount|difference|funds|budget", re.I)
COUNT = re.compile(r"projects|count|uses|indicators|rows|tables|years$|number|^n$", re.I)
NOT_A_MEASURE = re.compile(r"code|year$|^year|sequence|position|^seq|notation|low|high|percent|ratio", re.I)
NAME = re.compile(r"name|project|label|title|indicator|source|keyword|status|change|kind|target", re.I)
COLOURS = ("#2f6f9f", "#e39b3c", "#5a9e6f", "#a4262c", "#7d5ba6", "#8c8c8c")
MAX_BARS = 60


@dataclass(frozen=True)
class Columns:
    measure: str
    labels: tuple[str, ...]
    series: str | None  # a year column: one colour per value


def _number(term: Mapping[str, Any] | None) -> Decimal | None:
    if not term or term.get("type") != "literal" or term.get("datatype") not in NUMERIC:
        return None
    try:
        return Decimal(term["value"])
    except (InvalidOperation, KeyError):
        return None


def pick_columns(variables: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> Columns | None:
    """What to chart in SPARQL JSON ``rows``, or None (nothing numeric to chart)."""
    if not rows:
        return None
    numeric = [v for v in variables
               if any(r.get(v) for r in rows) and all(not r.get(v) or _number(r.get(v)) is not None for r in rows)]
    candidates = [v for v in numeric if not NOT_A_MEASURE.search(v)]
    if not candidates:
        return None
    measure = max(candidates, key=lambda v: (2 if MONEY.search(v) else 1 if COUNT.search(v) else 0,
                                             -variables.index(v)))
    text = [v for v in variables if v != measure and v not in numeric
            and all(not r.get(v) or r[v].get("type") == "literal" for r in rows)]
    years = [v for v in variables if re.search(r"year", v, re.I) and v not in candidates
             and all(not r.get(v) or r[v].get("datatype") == XSD + "gYear" for r in rows)]
    series = years[0] if len(years) == 1 and len({r[years[0]]["value"] for r in rows if r.get(years[0])}) > 1 else None
    named = [v for v in text if NAME.search(v) and v != series]
    labels = named or [v for v in text if v != series] or [v for v in variables if v != measure and v != series][:1]
    return Columns(measure, tuple(labels), series)


def rows_to_bars(columns: Columns, rows: Sequence[Mapping[str, Any]]) -> list[tuple[str, str, Decimal]]:
    """(label, series, value) of each row, labels in full."""
    out = []
    for r in rows:
        value = _number(r.get(columns.measure))
        if value is None:
            continue
        parts: list[str] = []
        for v in columns.labels:  # nameA and nameB are mostly one name: write it once
            text = r[v]["value"] if r.get(v) else ""
            if text and text not in parts:
                parts.append(text)
        label = " · ".join(parts)
        series = r[columns.series]["value"] if columns.series and r.get(columns.series) else ""
        out.append((label, series, value))
    return out


def _width(text: str) -> float:
    """Rough width in px at 12px: CJK characters are twice as wide as Latin ones."""
    return sum(12.0 if east_asian_width(c) in "WF" else 6.8 for c in text)


def _fmt(value: Decimal) -> str:
    if value == value.to_integral():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def bars_svg(bars: Sequence[tuple[str, str, Decimal]], *, title: str = "", unit: str = "",
             chart_id: str = "", plot_width: int = 420) -> Markup:
    """Horizontal bars: one row per (label, series), grouped by label; full labels."""
    bars = list(bars)[:MAX_BARS]
    if not bars:
        return Markup("")
    series = sorted({s for _, s, _ in bars})
    colour = {s: COLOURS[i % len(COLOURS)] for i, s in enumerate(series)}
    top = max((abs(v) for _, _, v in bars), default=Decimal(1)) or Decimal(1)
    label_w = int(max(_width(label) for label, _, _ in bars) + 12)  # in full: the SVG scales down
    bar_h, head = 20, (24 if title else 6)
    legend = len(series) > 1 or (series and series[0])
    legend_h = 22 if legend else 0
    height = head + legend_h + bar_h * len(bars) + 8
    width = label_w + plot_width + 110
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart bars" role="img" '
             f'{f"id={chr(34)}{escape(chart_id)}{chr(34)} " if chart_id else ""}'
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">']
    if title:
        parts.append(f'<title>{escape(title)}</title><text x="4" y="16" class="chart-title">{escape(title)}</text>')
    if legend:
        x = 4.0
        for s in series:
            parts.append(f'<rect x="{x:.0f}" y="{head + 4}" width="12" height="12" fill="{colour[s]}"/>'
                         f'<text x="{x + 16:.0f}" y="{head + 14}">{escape(s)}</text>')
            x += 30 + _width(s)
    previous = None
    for i, (label, s, value) in enumerate(bars):
        y = head + legend_h + i * bar_h
        if label != previous:
            parts.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" class="label">{escape(label)}</text>')
        previous = label
        w = float(abs(value) / top) * plot_width
        shown = _fmt(value) + (f" {unit}" if unit else "")
        parts.append(f'<rect class="bar" x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{bar_h - 6}" '
                     f'fill="{colour.get(s, COLOURS[0])}"><title>{escape(label)}{" " + escape(s) if s else ""}: '
                     f'{escape(shown)}</title></rect>'
                     f'<text x="{label_w + w + 4:.1f}" y="{y + 14}" class="value">{escape(shown)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def grouped(values: Mapping[tuple[str, str], Decimal], order: Sequence[str] | None = None) -> list[tuple[str, str, Decimal]]:
    """{(label, series): value} as bars, labels in ``order`` (else by label), series sorted."""
    labels = list(order) if order is not None else sorted({label for label, _ in values})
    series = sorted({s for _, s in values})
    return [(label, s, values[(label, s)]) for label in labels for s in series if (label, s) in values]
