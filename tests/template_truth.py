"""Score a family reader's output against a ``.truth.json`` answer key (TEMPLATES.md).

Three measures, as the issue states them:

- tables found by name: truth projects whose name (folded) is a table's name;
- amounts exact: truth amounts with a read amount of the same label, value and (where
  the truth names one) column, each read amount used once;
- indicator rows: F1 over (l1, l2, l3, value), folded. ``ambiguous_split`` rows compare
  l3 + value joined; ``indicators_cut`` rows are neither wanted nor counted against;
  ``indicator_blocks`` add the block to the key; ``l1`` is compared as given by meaning
  (``l1_printed: false`` changes nothing); a read row that is a truth
  ``non_indicator_rows`` label counts as a false positive like any other extra row.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any, NamedTuple

from budgetkg.loader.text import fold


class Score(NamedTuple):
    tables: tuple[int, int]  # found, expected
    amounts: tuple[int, int]  # exact, expected
    tp: int
    fp: int
    fn: int

    @property
    def f1(self) -> float:
        if self.tp == 0:
            return 1.0 if self.fp == 0 and self.fn == 0 else 0.0
        p = self.tp / (self.tp + self.fp)
        r = self.tp / (self.tp + self.fn)
        return 2 * p * r / (p + r)

    @property
    def perfect(self) -> bool:
        return self.tables[0] == self.tables[1] and self.amounts[0] == self.amounts[1] and self.fp == 0 and self.fn == 0


def _k(s: Any) -> str:
    return fold(str(s or "")).rstrip(":")


def _col(c: Any) -> str:
    return _k(c).split("(")[0]


def _block(name: Any) -> str | None:
    """A block's kind (长期, 中期, 年度) whatever the words around it (长期绩效指标)."""
    k = _k(name)
    return next((w for w in ("长期", "中期", "年度") if w in k), k or None)


def _val(v: Any) -> Decimal | None:
    return None if v is None or v == "" else Decimal(str(v))


def _truth_rows(p: dict) -> tuple[list[tuple], list[tuple]]:
    rows, cut = [], []

    def key(r: dict, block: str | None) -> tuple:
        if r.get("ambiguous_split"):
            return (block, _k(r["l1"]), _k(r["l2"]), _k(r["l3"]) + _k(r["value"]))
        return (block, _k(r["l1"]), _k(r["l2"]), _k(r["l3"]), _k(r["value"]))

    for r in p.get("indicators", []):
        rows.append(key(r, None))
    blocks = p.get("indicator_blocks", [])
    if isinstance(blocks, dict):  # {"长期": [rows], "年度": [rows]}
        blocks = [{"block": k, "indicators": v} for k, v in blocks.items()]
    for b in blocks:
        name = b.get("block") or b.get("name") or b.get("label")
        for r in b.get("indicators", b.get("rows", [])):
            rows.append(key(r, _block(name)))
    for r in p.get("indicators_cut", []):
        if isinstance(r, dict) and "l3" in r:
            cut.append(key(r, None))
    return rows, cut


def score(read: dict, truth: dict) -> Score:
    """``read``: the family document's JSON; ``truth``: the answer key."""
    tables = read.get("tables", [])
    by_name: dict[str, dict] = {}
    for t in tables:
        by_name.setdefault(_k(t["name"]), t)
    found = amounts_ok = amounts_n = tp = fp = fn = 0
    used_tables = set()
    for p in truth["projects"]:
        t = by_name.get(_k(p["name"]))
        amounts_n += len(p.get("amounts", []))
        want, cut = _truth_rows(p)
        if t is None:
            fn += len(want)
            continue
        found += 1
        used_tables.add(id(t))
        pool = list(t.get("amounts", []))
        for a in p.get("amounts", []):
            for got in pool:
                if _k(got["label"]) == _k(a["label"]) and _val(got["value"]) == _val(a["value"]) and (
                    "column" not in a or _col(got.get("column")) == _col(a["column"])
                ):
                    pool.remove(got)
                    amounts_ok += 1
                    break
        amb = {w[:3] for w in want if len(w) == 4}
        got_rows = Counter()
        for r in t.get("indicators", []):
            block = _block(r["block"]) if r.get("block") else None
            k4 = (block, _k(r["l1"]), _k(r["l2"]), _k(r["l3"]) + _k(r["value"]))
            got_rows[k4 if k4[:3] in amb and k4 in want else (block, _k(r["l1"]), _k(r["l2"]), _k(r["l3"]), _k(r["value"]))] += 1
        want_c = Counter(want)
        for k, n in got_rows.items():
            if k in cut:
                continue
            hit = min(n, want_c.get(k, 0))
            tp += hit
            fp += n - hit
        fn += sum(max(0, n - got_rows.get(k, 0)) for k, n in want_c.items())
    for t in tables:  # tables that are no project of the truth: all their rows are extra
        if id(t) not in used_tables:
            fp += len(t.get("indicators", []))
    return Score((found, len(truth["projects"])), (amounts_ok, amounts_n), tp, fp, fn)
