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


class UnreadableFile(OSError):
    """A file that cannot be read at all, for a reason its owner must fix: a scanned PDF
    (no text layer), a password-protected or damaged file. An ``OSError``, like a file that
    cannot be opened: every command reports it as "cannot read" with exit status 2 and
    goes on with the other files. The message names the file."""

    def __init__(self, source: str, reason: str, code: str = "damaged-file") -> None:
        super().__init__(f"{source}: {reason}")
        self.code = code
        self.reason = reason
        self.source = source
        self.strerror = reason  # what the commands print after "FILE: error: cannot read:"

    def __str__(self) -> str:
        return self.args[0]
