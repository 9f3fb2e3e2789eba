"""The errors of sources: each names the file, and carries a stable code."""

from __future__ import annotations


class SourceError(ValueError):
    """A file that no source can turn into a grid: the message names the file."""

    def __init__(self, code: str, reason: str, source: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.code = code
        self.reason = reason  # without the file name (a Problem adds it)
        self.source = source


class UnsupportedFormat(SourceError):
    """The file is of a format (by its content) that no installed source reads."""

    def __init__(self, fmt: str, source: str, reason: str | None = None) -> None:
        super().__init__("unsupported-format", reason or f"a {fmt} file: no source for {fmt} files is installed", source)
        self.format = fmt

