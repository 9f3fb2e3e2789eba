"""The reader shared by the form-like families: header fields, amounts, goals, indicators.

A family describes its form with a ``Spec`` (which labels name the project, the
department, the amounts and their columns, the goals, the target blocks, the footer);
``read_table`` walks the table's tokens once with the shared vocabulary and joiner. The
indicator block is read by meaning: a level-2 label says its level 1 (``l1_printed``
false when that level 1 is not printed), 成本指标 is level 1 when a cost level-2 label
follows it and level 2 under 产出指标 otherwise, and a level-2 label with nothing after
it is a non-indicator row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ..records import FamilyTable, PrintedAmount, TargetRow
from . import labels as L
from .labels import Label, Vocabulary
from .tokens import Tok, TokRow


@dataclass(frozen=True)
class Spec:
    family: str
    name_labels: tuple[str, ...] = ("项目名称",)
    #: header label -> what it is: "department", "unit", or a header-field name
    fields: dict[str, str] = field(default_factory=dict)
    #: amount labels in printed order, with their column (None for a one-column form);
    #: a label printed twice (其他资金) is listed twice
    amounts: tuple[tuple[str, str | None], ...] = ()
    goals: tuple[str, ...] = ()
    #: section labels recognised (so that they end a value) but carrying nothing
    sections: tuple[str, ...] = ()
    #: block labels of the indicator part -> block name (长期/年度, 中期/年度)
    blocks: dict[str, str] = field(default_factory=dict)
    #: labels that end the indicator part (footers)
    stops: tuple[str, ...] = ("财政部门审核意见", "主管部门审核意见", "填表人", "填报日期", "单位负责人签字", "其他需说明的问题")
    #: the form's 一级指标 column holds level 2 and its 二级指标 the indicator name (鄂州)
    shifted_levels: bool = False
    default_currency: str = "万元"
    #: the header field naming the regions, each with its own target-value column
    region_field: str | None = None
    #: other printed forms of labels -> the label (bare level names: 产出 -> 产出指标)
    aliases: dict[str, str] = field(default_factory=dict)

    def vocabulary(self) -> Vocabulary:
        words = (
            list(self.name_labels) + list(self.fields) + [a for a, _ in self.amounts] + list(self.goals)
            + list(self.sections) + list(self.blocks) + list(self.stops)
            + list(L.COLUMN_ROLES) + list(L.INDICATOR_LABELS)
        )
        return Vocabulary(words, self.aliases)


Item = Tok | Label

#: personal contact fields: kept apart from the header fields (not published)
CONTACT_FIELDS = frozenset({"项目负责人", "项目责任人", "联系电话", "填表人"})

_AMOUNT = re.compile(r"^[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:万元|万|元)?$")
_PLACEHOLDER = re.compile(r"^(?:具体指标)?[…\.。·]{2,}$|^…+$")
_COMPARATOR = "≥≤=<>＞＜≧≦"
_FOOT_NOTE = re.compile(r"^注[:：]")
# a label of money the family's list may lack (其中:本级资金, 上年结转, 专项经费…)
_MONEY_LABEL = re.compile(r"^.{0,10}(?:资金|金额|预算|拨款|总额|经费|收入|结转|预算数)$")
# a value glued to its name: a comparator and a number after at least two characters
_GLUED_VALUE = re.compile(r"(?<=..)(?:[=≥≤＞＜><]=?|>=|<=)\s*\d")


def amount_value(printed: str) -> Decimal | None:
    s = printed.replace(",", "").replace("−", "-")
    s = re.sub(r"(万元|万|元)$", "", s)
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


def looks_like_value(text: str) -> bool:
    """Whether a cell reads like a target value rather than an indicator name."""
    t = text.strip()
    return bool(t) and (
        t[0] in _COMPARATOR or t[0].isdigit() or "%" in t or "％" in t or len(t) <= 6
    )


def joined(toks: list[Tok]) -> str:
    """Fragments of one cell: wrapped lines join without a space, words on a line with one."""
    out = ""
    prev = None
    for t in toks:
        if prev is not None:
            out += " " if t.line == prev.line else ""
        out += t.text
        prev = t
    return out.strip()


def split_department(printed: str) -> tuple[str, str | None]:
    """``[042]六安市金安区体育局``, ``820001-名称``, ``名称 308001`` -> (name, code)."""
    s = printed.strip()
    m = re.match(r"^[\[【(（]\s*(\d{2,12})\s*[\]】)）]\s*(.+)$", s)
    if m:
        return m.group(2), m.group(1)
    m = re.match(r"^(\d{3,12})\s*-\s*(.+)$", s)
    if m:
        return m.group(2), m.group(1)
    m = re.match(r"^(.+?)\s+(\d{3,12})$", s)
    if m:
        return m.group(1), m.group(2)
    return s, None


def _rows_of_items(rows: list[TokRow], rowwise: bool, vocab: Vocabulary) -> list[list[Item]]:
    if rowwise:
        if any(t.col >= 0 for r in rows for t in r.toks):  # laid-out text: wrapped labels
            return [vocab.join(r) for r in vocab.join_vertical([list(r.toks) for r in rows])]
        return [vocab.join(list(r.toks)) for r in rows]
    return [vocab.join([t for r in rows for t in r.toks])]


def read_table(rows: list[TokRow], rowwise: bool, spec: Spec, currency: str) -> FamilyTable:
    vocab = spec.vocabulary()
    item_rows = _rows_of_items(rows, rowwise, vocab)
    # where the indicator part starts: the first 一级指标 header (else the first indicator label)
    start = _indicator_start(item_rows, {L.key(b) for b in spec.blocks})
    head = [r[:] for r in item_rows[: start[0]]] + [item_rows[start[0]][: start[1]]] if item_rows else []
    body = [item_rows[start[0]][start[1] :]] + item_rows[start[0] + 1 :] if item_rows else []
    first = rows[0].line if rows else 0
    last = max((t.line for r in rows for t in r.toks), default=first)
    table = FamilyTable(family=spec.family, framework="", line=first, end_line=last, name="", currency_unit=currency)
    _read_head(head, spec, table, currency)
    regions: list[str] = []
    if spec.region_field:
        regions = [r for r in re.split(r"[、,，;；\s]+", table.header_fields.get(spec.region_field, "")) if r]
    _read_indicators(body, rowwise, spec, table, regions)
    if any(i.l1 == L.COST for i in table.indicators):
        table.framework = "2021"
    elif any(i.l2 == L.COST for i in table.indicators):
        table.framework = "old"
    return table


def _indicator_start(item_rows: list[list[Item]], blocks: set[str]) -> tuple[int, int]:
    fallback = None
    for ri, row in enumerate(item_rows):
        for ii, it in enumerate(row):
            if isinstance(it, Label):
                if L.COLUMN_ROLES.get(it.key) == "l1" or it.key in blocks:
                    return ri, ii
                if fallback is None and L.group_of(it.key):
                    fallback = (ri, ii)
    return fallback or (len(item_rows) - 1 if item_rows else 0, len(item_rows[-1]) if item_rows else 0)


def _read_head(head: list[list[Item]], spec: Spec, table: FamilyTable, currency: str) -> None:
    amount_slots = list(spec.amounts)
    amount_keys = {L.key(a) for a, _ in spec.amounts}
    fields = {L.key(k): v for k, v in spec.fields.items()}
    names = {L.key(n) for n in spec.name_labels}
    goals = {L.key(g) for g in spec.goals}
    used: set[int] = set()  # ids of value tokens taken

    def free_row(ri: int) -> list[Tok]:
        """A row of words only (no label), none taken: a wrapped value's line."""
        if 0 <= ri < len(head) and head[ri] and all(isinstance(x, Tok) and id(x) not in used for x in head[ri]):
            return head[ri]  # type: ignore[return-value]
        return []

    waiting_goals: list[Label] = []
    for ri, row in enumerate(head):
        for ii, it in enumerate(row):
            if not isinstance(it, Label):
                nxt = row[ii + 1] if ii + 1 < len(row) else None
                if (id(it) not in used and _MONEY_LABEL.search(L.key(it.text)) and isinstance(nxt, Tok)
                        and id(nxt) not in used and _AMOUNT.match(nxt.text.replace(" ", ""))):
                    # an amount under a label the family's list lacks: kept, column unknown
                    used.update((id(it), id(nxt)))
                    printed = nxt.text.strip()
                    table.amounts.append(PrintedAmount(it.text, printed, amount_value(printed), currency, it.line))
                continue
            k = it.key
            vals: list[Tok] = []
            for x in row[ii + 1 :]:
                if not isinstance(x, Tok):
                    break
                if id(x) not in used:
                    vals.append(x)
            alone = not vals
            if alone and ii == len(row) - 1:
                # the value is on the next row, or wrapped around the label's row
                below = free_row(ri + 1)
                above = free_row(ri - 1) if below and len(row) == 1 and k not in amount_keys else []
                vals = above + below
            elif vals and vals[-1].col >= 0 and k not in amount_keys:
                # laid-out text: a value wrapped onto the next line, in its column
                below = free_row(ri + 1)
                lone_label_next = ri + 2 < len(head) and len(head[ri + 2]) == 1 and isinstance(head[ri + 2][0], Label)
                if below and not lone_label_next and all(abs(b.col - vals[-1].col) <= 2 for b in below):
                    vals = vals + below
            if k in amount_keys:
                slot = next((sl for sl in amount_slots if L.key(sl[0]) == k), None)
                if slot is not None:
                    amount_slots.remove(slot)
                col = slot[1] if slot else None
                first = vals[0] if vals else None
                if first is not None and _AMOUNT.match(first.text.replace(" ", "")):
                    used.add(id(first))
                    printed = first.text.strip()
                    table.amounts.append(PrintedAmount(it.printed, printed, amount_value(printed), currency, it.line, col))
                else:
                    table.amounts.append(PrintedAmount(it.printed, "", None, currency, it.line, col))
                continue
            if k in goals:
                waiting_goals.append(it)
                if vals:
                    used.update(id(v) for v in vals)
                    _assign_goals(waiting_goals, vals, table)
                    waiting_goals = []
                continue
            if not vals:
                continue
            if k in names or k in fields:
                used.update(id(v) for v in vals)
            value = joined(vals)
            if k in names and not table.name:
                table.name = value
            elif k in fields:
                role = fields[k]
                if role == "department":
                    table.department, code = split_department(value)
                    if code:
                        table.department_code = code
                elif role == "unit":
                    table.unit = value
                elif role in CONTACT_FIELDS:
                    table.contacts.setdefault(role, value)
                else:
                    table.header_fields.setdefault(role, value)


def _assign_goals(goal_labels: list[Label], vals: list[Tok], table: FamilyTable) -> None:
    """Goal texts under one or more goal labels printed side by side (stacked, in order)."""
    period = re.compile(r"^[(（]\s*\d{4}\s*年?\s*[-—–~至]\s*\d{4}\s*年?\s*[)）]\s*")
    if vals and period.match(joined(vals)):  # 项目总体目标 (2024 年-2026 年): the period is no goal text
        text = joined(vals)
        m = period.match(text)
        table.header_fields.setdefault(f"{goal_labels[0].key}期间", m.group().strip())
        rest = text[m.end():]
        vals = [Tok(rest, vals[-1].line)] if rest else []
        if not vals:
            return
    if len(goal_labels) == 1:
        table.goals.setdefault(goal_labels[0].key, joined(vals))
        return
    parts: list[list[Tok]] = [[] for _ in goal_labels]
    gi = 0
    for t in vals:
        parts[gi].append(t)
        if t.text.rstrip().endswith(("。", ".", "；", ";")) and gi < len(parts) - 1:
            gi += 1
    for g, p in zip(goal_labels, parts):
        table.goals.setdefault(g.key, joined(p))


class _State:
    def __init__(self) -> None:
        self.l1 = ""
        self.l1_printed = False
        self.l2 = ""
        self.l2_label: Label | None = None
        self.l2_used = True
        self.block: str | None = None
        #: two target blocks side by side on each row (中期, 年度): records alternate
        self.pair_blocks: tuple[str, str] | None = None
        self.pair_index = 0


def _read_indicators(body: list[list[Item]], rowwise: bool, spec: Spec, table: FamilyTable,
                     regions: list[str] = ()) -> None:  # type: ignore[assignment]
    roles: list[str] = []
    st = _State()
    stops = {L.key(s) for s in spec.stops}
    blocks = {L.key(b): v for b, v in spec.blocks.items()}
    other = {L.key(x) for x in list(spec.name_labels) + list(spec.fields) + list(spec.goals)} | {L.key(a) for a, _ in spec.amounts}
    pending: list[Tok] = []
    in_header = False

    def data_roles() -> list[str]:
        if regions and roles.count("value") == 1:  # one value column per region
            rs = [r for r in roles if r not in ("l1", "l2")] or ["l3", "value"]
            vi = rs.index("value")
            return rs[: vi + 1] + ["region"] * (len(regions) - 1) + rs[vi + 1 :]
        if roles.count("value") >= 2:  # 中期 variant: 中期 then 年度 triple on each row
            rs = [r for r in roles[: roles.index("value") + 1] if r not in ("l1", "l2")]
            return rs or ["l3", "value"]
        rs = [r for r in roles if r not in ("l1", "l2")]
        if spec.shifted_levels:
            rs = [r for r in roles[1:] if r != "l1"]  # 一级=level 2, 二级=name
            rs = ["l3" if r == "l2" else r for r in rs]
        return rs or ["l3", "value"]

    def close_l2() -> None:
        if st.l2_label is not None and not st.l2_used:
            table.non_indicator_rows.append((st.l2_label.printed, st.l2_label.line))
        st.l2_label = None

    def flush() -> None:
        nonlocal pending
        if pending:
            if roles.count("value") >= 2:
                st.pair_blocks = ("中期", "年度")
            _emit(pending, data_roles(), rowwise, st, table, regions)
            st.l2_used = True
        pending = []

    done = False
    for row in body:
        if done:
            break
        if rowwise:
            st.pair_index = 0
        for idx, it in enumerate(row):
            if isinstance(it, Label):
                k = it.key
                if k in stops:
                    done = True
                    break
                if k in L.COLUMN_ROLES:
                    if not in_header:
                        flush()
                        roles = []
                        in_header = True
                    roles.append("l2" if spec.shifted_levels and L.COLUMN_ROLES[k] == "l1" else L.COLUMN_ROLES[k])
                    continue
                in_header = False
                if k in blocks:
                    flush()
                    close_l2()
                    st.block = blocks[k]
                    continue
                if L.group_of(k):
                    flush()
                    nxt = next((x for x in row[idx + 1 :] if not (isinstance(x, Tok) and L.is_score_range(x.text))), None)
                    _resolve(it, nxt, st, close_l2)
                    continue
                if k in other:
                    done = True  # the next table's header
                    break
                continue
            in_header = False
            if L.is_score_range(it.text) or _PLACEHOLDER.match(it.text.strip()):
                continue
            if regions and it.text.strip() in regions:  # the region names under 区域目标值
                continue
            if _FOOT_NOTE.match(it.text.strip()):
                done = True
                break
            pending.append(it)
        if rowwise or done:
            flush()
    flush()
    close_l2()


def _resolve(lab: Label, nxt: Item | None, st: _State, close_l2) -> None:
    """Set the levels from an indicator label, deciding its level from what follows it."""
    k = lab.key
    nk = nxt.key if isinstance(nxt, Label) else None
    ngroup = L.group_of(nk) if nk else None
    if k == L.COST:
        if nk in L.COST_LEVEL2:  # 2021 framework: level 1 over 经济/社会/生态环境成本指标
            _set_l1(k, st, close_l2)
        else:  # old framework: level 2 under 产出指标
            _set_l2(lab, L.OUTPUT, st, close_l2)
        return
    if k in (L.OUTPUT, L.EFFECT):
        _set_l1(k, st, close_l2)
        return
    group = L.group_of(k)
    if group == L.SATISFACTION:
        if ngroup == L.SATISFACTION:  # the level-1 cell, level 2 follows
            _set_l1(lab.key if k == L.SATISFACTION else lab.printed, st, close_l2)
            return
        if k == L.SATISFACTION and not (st.l1_printed and L.group_of(st.l1) == L.SATISFACTION and not st.l2):
            _set_l1(k, st, close_l2)  # one label for the group: level 1, and level 2 alike
    _set_l2(lab, group, st, close_l2)


def _set_l1(text: str, st: _State, close_l2) -> None:
    if st.l2 and st.l1 == text and not st.l1_printed and L.group_of(text) != L.SATISFACTION:
        # a merged level-1 label printed on a middle row of its group: the group goes on
        st.l1_printed = True
        return
    close_l2()
    st.l1, st.l1_printed, st.l2 = text, True, ""


def _set_l2(lab: Label, group: str | None, st: _State, close_l2) -> None:
    close_l2()
    same = st.l1 == group or L.group_of(st.l1) == group
    if not same:
        st.l1, st.l1_printed = group or "", False
    st.l2 = lab.key
    st.l2_label = lab
    st.l2_used = False


def _emit(toks: list[Tok], roles: list[str], rowwise: bool, st: _State, table: FamilyTable,
          regions: list[str] = ()) -> None:  # type: ignore[assignment]
    w = len(roles)
    chunks: list[list[Tok]]
    if rowwise:
        if len(toks) >= 2 * w and len(toks) % w == 0 and all(
            looks_like_value(toks[i + roles.index("value")].text) for i in range(0, len(toks), w)
        ) if "value" in roles else False:
            chunks = [toks[i : i + w] for i in range(0, len(toks), w)]
        elif len(toks) > w:
            chunks = [_fit_row(toks, roles)]
        else:
            chunks = [toks]
    elif w > 2 and roles[:2] == ["l3", "value"]:
        chunks = _greedy(toks, roles)
    else:
        run = [[t] for t in toks]
        vi = roles.index("value") if "value" in roles else 1
        while len(run) % w and len(run) > 1:
            run = _merge_one(run, w, vi)
        chunks = [[Tok(joined(c), c[0].line) for c in run[i : i + w]] for i in range(0, len(run), w)]
    for ch in chunks:
        if len(ch) == 1 and "value" in roles:
            m = _GLUED_VALUE.search(ch[0].text)
            if m:  # no separator between name and value: the comparator starts the value
                ch = [Tok(ch[0].text[: m.start()], ch[0].line), Tok(ch[0].text[m.start():], ch[0].line)]
        cells = {r: (ch[i].text if i < len(ch) else "") for i, r in enumerate(roles)}
        if not cells.get("value") and len(ch) < 2:
            continue  # a name without its value: the text was cut
        extra = {r: v for r, v in cells.items() if r not in ("l3", "value", "l1", "l2", "region")}
        by_region: dict[str, str] = {}
        if regions:
            vals = [ch[i].text if i < len(ch) else "" for i, r in enumerate(roles) if r in ("value", "region")]
            by_region = dict(zip(regions, vals))
        block = st.block
        if st.pair_blocks:
            block = st.pair_blocks[st.pair_index % 2]
            st.pair_index += 1
        table.indicators.append(
            TargetRow(st.l1, st.l2, cells.get("l3", ""), cells.get("value", ""), ch[0].line, st.l1_printed, block, extra,
                      by_region)
        )


_FITS = {
    "score": re.compile(r"^\d+(?:\.\d+)?分?$"),
    "weight": re.compile(r"^\d+(?:\.\d+)?%?$"),
    "standard": re.compile(r"标准$|^其他$"),
    "direction": re.compile(r"向指标$|^[正反]向$"),
    "comparator": re.compile(r"^[≥≤=<>＞＜≧≦]+$"),
}


def _greedy(toks: list[Tok], roles: list[str]) -> list[list[Tok]]:
    """A stream of cells with extra columns, where empty cells left no fragment.

    Name and value come first; each extra column takes the next fragment only if it
    fits the column (a score is a number, a standard ends in 标准…); a free-text column
    (指标解释, 备注) takes it only where the name-value pattern goes on after it.
    """
    out: list[list[Tok]] = []
    i, n = 0, len(toks)
    blank = Tok("", -1)
    while i < n:
        rec = [toks[i]]
        i += 1
        if i >= n:
            break  # a name without its value: the text was cut
        rec.append(toks[i])
        i += 1
        for role in roles[2:]:
            fit = _FITS.get(role)
            if i >= n:
                rec.append(blank)
            elif fit is not None:
                ok = bool(fit.search(toks[i].text.strip()))
                rec.append(toks[i] if ok else blank)
                i += ok
            else:
                ok = i + 1 >= n or (i + 2 < n and _strong_value(toks[i + 2].text) and not _strong_value(toks[i + 1].text))
                rec.append(toks[i] if ok else blank)
                i += ok
        out.append(rec)
    return out


def _strong_value(text: str) -> bool:
    t = text.strip()
    return bool(t) and (t[0] in _COMPARATOR or t[0].isdigit() or t.endswith(("%", "％")))


def _fit_row(toks: list[Tok], roles: list[str]) -> list[Tok]:
    """More words than columns on a space-separated row: find the value, widen the rest.

    The name takes the words before the value; the last column (an explanation, a
    note) takes the words left over after the other columns.
    """
    w = len(roles)
    vi = roles.index("value") if "value" in roles else -1
    if vi == 1:
        for v in range(1, len(toks)):
            if _strong_value(toks[v].text) and len(toks) - v >= w - 1:
                name = Tok(" ".join(t.text for t in toks[:v]), toks[0].line)
                rest = toks[v:]
                if len(rest) > w - 1:
                    tail = Tok(" ".join(t.text for t in rest[w - 2 :]), rest[w - 2].line)
                    rest = rest[: w - 2] + [tail]
                return [name] + rest
    n = len(toks) - w + 1  # the name took the extra words
    return [Tok(" ".join(t.text for t in toks[:n]), toks[0].line)] + toks[n:]


def _merge_one(run: list[list[Tok]], w: int, vi: int) -> list[list[Tok]]:
    """Join one wrapped fragment to the one before it, where the value cells read best."""
    best = None
    for i in range(len(run) - 1):
        cand = run[:i] + [run[i] + run[i + 1]] + run[i + 2 :]
        score = sum(looks_like_value(joined(c)) for c in cand[vi::w])
        score -= sum(looks_like_value(joined(c)) for j, c in enumerate(cand) if j % w != vi) * 0.5
        longest = len(joined(run[i]))
        if best is None or (score, longest) > best[0]:
            best = ((score, longest), cand)
    return best[1] if best else run
