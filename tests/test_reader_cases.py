"""Golden cases: tests/cases/<name>/{input.txt, expected.json}, one quirk each.

expected.json lists only the fields a case is about; every key present must match.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from budgetkg.loader.reader import parse_text

CASES_DIR = Path(__file__).parent / "cases"
CASES = sorted(p.name for p in CASES_DIR.iterdir() if (p / "input.txt").exists())


def test_case_count() -> None:
    # A suite that silently shrinks hides bugs: adding a case means raising this.
    assert len(CASES) == 10


def diff(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Differences between an expected subset and the actual JSON value."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected an object, got {actual!r}"]
        out: list[str] = []
        for k, v in expected.items():
            if k not in actual:
                out.append(f"{path}.{k}: missing")
            else:
                out += diff(v, actual[k], f"{path}.{k}")
        return out
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            got = len(actual) if isinstance(actual, list) else actual
            return [f"{path}: expected {len(expected)} items, got {got}"]
        return [d for i, (e, a) in enumerate(zip(expected, actual)) for d in diff(e, a, f"{path}[{i}]")]
    return [] if expected == actual else [f"{path}: expected {expected!r}, got {actual!r}"]


@pytest.mark.parametrize("name", CASES)
def test_golden_case(name: str) -> None:
    case = CASES_DIR / name
    text = (case / "input.txt").read_text(encoding="utf-8")
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    doc = parse_text(text, source=f"{name}/input.txt")
    actual = doc.to_json()
    rejected = expected.pop("rejected_lines", [])
    problems = diff(expected, actual)
    assert not problems, "\n".join(problems)
    # Every non-blank line is accounted for exactly once.
    lines = text.splitlines()
    nonblank = [n for n, line in enumerate(lines, 1) if line.strip()]
    assert [e.line for e in doc.lines] == nonblank
    got_rejected = [lines[e.line - 1].strip() for e in doc.lines if e.status == "rejected"]
    assert got_rejected == rejected
    assert not doc.errors, [str(p) for p in doc.errors]
