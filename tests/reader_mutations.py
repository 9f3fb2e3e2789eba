"""Mutated real tables for fuzzing the reader, and the checks every result must pass.

Shared by ``test_reader_fuzz.py`` (a short run in the suite) and
``bench/fuzz_loader.py`` (the 10,000-case run). The mutants start from whole tables
of the seed (a random run of consecutive tables, so every table gets its turn) and
are damaged the way real files are: cells and lines dropped, duplicated, swapped or
shifted, files cut (at a line or in the middle of a multi-byte character), other
encodings (GB18030, UTF-8 with BOM) and newlines (CRLF, CR), junk bytes and control
characters.

:func:`check_document` is the oracle. It counts lines on its own (``\\r\\n``, ``\\r``
and ``\\n`` end a line, as the README says; a form feed or U+2028 does not) and
returns the list of broken promises, empty when the reader kept them all.
"""

from __future__ import annotations

import re
from importlib import resources

from hypothesis import strategies as st

from budgetkg.loader.records import Document

SEED = (resources.files("budgetkg") / "data" / "000_aa5de0a37e870aea.txt").read_text(encoding="utf-8")
# Whole tables, each starting with its header block (附件 or the title line).
_STARTS = [m.start() for m in re.finditer(r"^(?:附件|\S*部门项目支出预算绩效目标表)", SEED, re.M)]
TABLES: list[list[str]] = []
_pending: list[str] = SEED[: _STARTS[0]].splitlines()
for _i, _s in enumerate(_STARTS):
    _pending += SEED[_s: _STARTS[_i + 1] if _i + 1 < len(_STARTS) else len(SEED)].splitlines()
    if any(line.startswith("项目名称") for line in _pending):  # else: a header block, glued to its table
        TABLES.append(_pending)
        _pending = []
if _pending:
    TABLES[-1] += _pending

VOCAB_JUNK = ["", "\t", "\t\t\t", "项目总额", "1-产出指标", "11-数量指标", "abc", "12.5", "其中: 本级资金",
              "依据", "<p>", "</p>&nbsp;", "年度总体绩效目标", "一级指标\t二级指标", "项目名称", "项目名称\t",
              "附件", "(2022年度)", "(1999年度)", "单位: 元", "单位: 亿元", "实施单位\t303-", "项目属性\t99-未知",
              "2-效益指标\t22-社会效益指标\t\t", "3\t31\tx\ty", "-1e309", "1" * 400, "９９．５％",
              "项目总额\t１２３４\t本级资金\tabc", "≥≤><以上以下", "\ufeff项目名称\t测试"]
CONTROL = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1c", "\x1e", "\x7f", "\x85", "\u2028",
           "\u2029", "\u200b", "\ufeff", "\ufffd", "\ud800"]
JUNK_BYTES = [b"\x00", b"\xff", b"\xfe\xff", b"\xef\xbb\xbf", b"\xc3", b"\xe4\xb8", b"\x80\x80", b"\x81\x30",
              b"\r", b"\n", b"\r\r\n", b"\t", b"\x1a", b"%PDF-1.4", bytes(range(256))[:64]]
ENCODINGS = ["utf-8", "utf-8-sig", "gb18030"]
NEWLINES = ["\n", "\r\n", "\r"]
LINE_OPS = ["drop", "dup", "swap", "shift", "cut-line", "cut-file", "junk", "control", "cells-shuffle",
            "cell-drop", "cell-dup", "cell-swap", "cell-shift", "cell-merge", "cell-split"]
BYTE_OPS = ["cut", "junk", "flip"]


@st.composite
def mutants(draw, max_ops: int = 8) -> bytes:
    """Bytes of a damaged run of real tables."""
    first = draw(st.integers(0, len(TABLES) - 1))
    count = draw(st.integers(1, 4))
    lines = [line for t in TABLES[first: first + count] for line in t]
    for _ in range(draw(st.integers(0, max_ops))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(LINE_OPS))
        cells = lines[i].split("\t")
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "shift":
            lines[i] = "\t" * draw(st.integers(1, 3)) + lines[i]
        elif op == "cut-line":
            lines[i] = lines[i][: draw(st.integers(0, max(0, len(lines[i]) - 1)))]
        elif op == "cut-file":
            lines = lines[: i + 1]
        elif op == "junk":
            lines.insert(i, draw(st.sampled_from(VOCAB_JUNK) | st.text(max_size=20)))
        elif op == "control":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(st.sampled_from(CONTROL)) + lines[i][at:]
        elif op == "cells-shuffle":
            draw(st.randoms(use_true_random=False)).shuffle(cells)
            lines[i] = "\t".join(cells)
        else:  # one cell of the line
            k = draw(st.integers(0, len(cells) - 1))
            if op == "cell-drop":
                del cells[k]
            elif op == "cell-dup":
                cells.insert(k, cells[k])
            elif op == "cell-swap":
                m = draw(st.integers(0, len(cells) - 1))
                cells[k], cells[m] = cells[m], cells[k]
            elif op == "cell-shift":
                cells.insert(k, "")
            elif op == "cell-merge" and k + 1 < len(cells):
                cells[k: k + 2] = [cells[k] + " " + cells[k + 1]]
            elif op == "cell-split" and len(cells[k]) > 1:
                at = draw(st.integers(1, len(cells[k]) - 1))
                cells[k: k + 1] = [cells[k][:at], cells[k][at:]]
            lines[i] = "\t".join(cells)
    text = draw(st.sampled_from(NEWLINES)).join(lines)
    if draw(st.booleans()):
        text += "\n"
    encoding = draw(st.sampled_from(ENCODINGS))
    data = text.encode(encoding, errors="replace" if encoding == "gb18030" else "surrogatepass")
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):  # most damage is at the line level
        op = draw(st.sampled_from(BYTE_OPS))
        at = draw(st.integers(0, len(data)))
        if op == "cut":
            data = data[:at]
        elif op == "junk":
            data = data[:at] + draw(st.sampled_from(JUNK_BYTES) | st.binary(max_size=8)) + data[at:]
        elif at < len(data):
            data = data[:at] + bytes([data[at] ^ (1 << draw(st.integers(0, 7)))]) + data[at + 1:]
    return data


_NEWLINE = re.compile(r"\r\n|\r|\n")


def _lines_of(data: bytes, encoding: str) -> list[str]:
    codec = {"utf-8-bom": "utf-8-sig", "utf-8": "utf-8", "gb18030": "gb18030"}[encoding]
    text = data.decode(codec)
    lines = _NEWLINE.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def check_document(doc: Document, data: bytes, source: str) -> list[str]:
    """What the reader got wrong about ``data`` (read as ``source``); [] when nothing."""
    bad: list[str] = []
    for p in doc.problems:
        if p.file != source or not p.message or not p.code:
            bad.append(f"problem without file, code or message: {p}")
    if doc.encoding == "unknown":  # refused whole (binary, empty, undecodable): it must say so
        if not doc.errors:
            bad.append("unreadable input without an error")
        if doc.lines or doc.projects:
            bad.append("unreadable input with lines or projects")
        return bad
    try:
        lines = _lines_of(data, doc.encoding)
    except (KeyError, UnicodeDecodeError) as exc:
        return [f"reported encoding {doc.encoding!r} does not decode the input: {exc}"]
    nonblank = [n for n, line in enumerate(lines, 1) if line.strip()]
    got = [e.line for e in doc.lines]
    if got != nonblank:
        missing = sorted(set(nonblank) - set(got))[:5]
        extra = sorted(set(got) - set(nonblank))[:5]
        bad.append(f"lines not accounted: {len(nonblank)} non-blank, {len(got)} accounted; "
                   f"missing {missing}, extra {extra}")
    counts = {"record": 0, "boilerplate": 0, "rejected": 0}
    problem_lines = {p.line for p in doc.problems}
    for e in doc.lines:
        if e.status not in counts or not e.reason:
            bad.append(f"line {e.line}: status {e.status!r} reason {e.reason!r}")
            continue
        counts[e.status] += 1
        if e.status == "rejected" and e.line not in problem_lines:
            bad.append(f"line {e.line} rejected without a problem naming it")
    if sum(counts.values()) != len(nonblank):
        bad.append(f"counts {counts} do not add up to {len(nonblank)} non-blank lines")
    for p in doc.problems:
        if p.line is not None and not 1 <= p.line <= len(lines):
            bad.append(f"problem names line {p.line} of a {len(lines)}-line file: {p}")
    records = {e.line for e in doc.lines if e.status == "record"}
    for project in doc.projects:
        for ind in project.indicators:
            if ind.level2[:1] != ind.level1 or ind.line not in records:
                bad.append(f"indicator on line {ind.line}: levels {ind.level1}/{ind.level2}, "
                           f"line recorded: {ind.line in records}")
    return bad
