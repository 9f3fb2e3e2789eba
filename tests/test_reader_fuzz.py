"""Property tests: the reader never raises on mutated real tables, and accounts for
every non-blank line (a record, boilerplate, or rejected with a reason)."""

from __future__ import annotations

from importlib import resources

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgetkg.loader.reader import parse_bytes

SEED = (resources.files("budgetkg") / "data" / "000_aa5de0a37e870aea.txt").read_text(encoding="utf-8")
# A few whole tables of the seed, to keep each example small.
TABLES = SEED.split("\n附件")
SAMPLE = "\n附件".join(TABLES[:4]).splitlines()

JUNK = st.sampled_from(["", "\t", "\t\t\t", "项目总额", "1-产出指标", "11-数量指标", "abc", "12.5",
                        "其中: 本级资金", "\x00", "依据", "<p>", "年度总体绩效目标", "一级指标\t二级指标"])


@st.composite
def mutated(draw) -> list[str]:
    lines = list(SAMPLE)
    for _ in range(draw(st.integers(0, 8))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["drop", "dup", "swap", "shift", "cut", "junk", "cells"]))
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "shift":
            lines[i] = "\t" * draw(st.integers(1, 3)) + lines[i]
        elif op == "cut":
            lines[i] = lines[i][: draw(st.integers(0, max(0, len(lines[i]) - 1)))]
            if draw(st.booleans()):
                lines = lines[: i + 1]
        elif op == "junk":
            lines.insert(i, draw(JUNK))
        else:
            cells = lines[i].split("\t")
            draw(st.randoms()).shuffle(cells)
            lines[i] = "\t".join(cells)
    return lines


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(), st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]), st.sampled_from(["\n", "\r\n"]))
def test_mutated_tables_never_crash_and_every_line_is_accounted(lines, encoding, newline) -> None:
    text = newline.join(lines)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:  # a junk control character GB18030 cannot hold
        return
    doc = parse_bytes(data, source="mutant.txt")
    if doc.encoding == "unknown":  # rejected whole (binary, empty): said so
        assert doc.errors and doc.errors[0].file == "mutant.txt"
        return
    decoded = data.decode("utf-8-sig" if encoding.startswith("utf") else encoding).splitlines()
    nonblank = [n for n, line in enumerate(decoded, 1) if line.strip()]
    assert [e.line for e in doc.lines] == nonblank
    for e in doc.lines:
        assert e.status in ("record", "boilerplate", "rejected") and e.reason
    for p in doc.problems:
        assert p.file == "mutant.txt" and p.message
    for project in doc.projects:
        for i in project.indicators:
            assert i.level2[0] == i.level1 and i.line in nonblank
