"""Skips for a missing system tool fail the run (hooks imported by conftest.py).

The rapper, browser and Virtuoso tests skip when their tool (raptor2-utils, chromium +
chromedriver, virtuoso-opensource) is not installed. Silently green with 13% of the
suite skipped is not a result: such a skip fails the session unless
``BUDGETKG_ALLOW_SKIPS=1`` says it may pass, and every run prints its skip count.
"""

from __future__ import annotations

import os
from collections import Counter

import pytest

#: Every skip for a missing tool says so with this prefix, then the tool's name.
MISSING_TOOL = "missing tool: "
ALLOW_VARIABLE = "BUDGETKG_ALLOW_SKIPS"


def missing_tool(tool: str, how: str) -> str:
    """The reason of a skip for a tool that is not installed."""
    return f"{MISSING_TOOL}{tool} ({how})"


class _Skips:
    def __init__(self) -> None:
        self.reasons: Counter[str] = Counter()
        self.tools: Counter[str] = Counter()

    def add(self, reason: str) -> None:
        self.reasons[reason] += 1
        if reason.startswith(MISSING_TOOL):
            self.tools[reason[len(MISSING_TOOL):].split(" (")[0]] += 1


def _allowed() -> bool:
    return os.environ.get(ALLOW_VARIABLE, "").strip() == "1"


def _reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    text = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return text.removeprefix("Skipped: ")


_skips = _Skips()


def pytest_configure(config: pytest.Config) -> None:
    global _skips
    _skips = _Skips()  # one session per process, but pytester runs several


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        _skips.add(_reason(report))


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _skips.tools and not _allowed() and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:  # type: ignore[no-untyped-def]
    total = sum(_skips.reasons.values())
    tools = ", ".join(f"{tool} ({n})" for tool, n in sorted(_skips.tools.items()))
    line = f"budgetkg: {total} test(s) skipped"
    if tools:
        line += f", {sum(_skips.tools.values())} of them for a missing tool: {tools}"
    terminalreporter.write_line(line)
    if _skips.tools:
        if _allowed():
            terminalreporter.write_line(f"budgetkg: allowed by {ALLOW_VARIABLE}=1")
        else:
            terminalreporter.write_line(
                f"budgetkg: FAILED: install the missing tools (.ci/run does, as root) or set {ALLOW_VARIABLE}=1",
                red=True)
