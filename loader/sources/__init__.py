"""Sources: one module per file format, each turning a file's bytes into a ``Grid``.

Each module exposes ``sniff(data) -> bool`` (is this my format, by content) and
``read(data, source) -> Grid``.
"""

from __future__ import annotations


class UnreadableFile(OSError):
    """The file cannot be read as tables at all (a scanned PDF, an encrypted or damaged file).

    An ``OSError``: every command already reports those as "cannot read" with exit
    status 2 and goes on with the other files.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code

    def __str__(self) -> str:
        return self.args[0]


class MissingDependency(UnreadableFile):
    """The format's optional reader is not installed; the message says what to install."""
