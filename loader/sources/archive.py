"""ZIP archives that are neither Word nor Excel files (``signatures`` says ``zip``): a
damaged .docx/.xlsx (a download cut off) or some other archive. Refused as a file that
cannot be read (``UnreadableFile``, an OSError: exit status 2 in the commands)."""

from __future__ import annotations

from ..grid import Grid
from .common import UnreadableFile, open_zip

FORMAT = "zip"


def read(data: bytes, source: str) -> Grid:
    open_zip(data, source, "ZIP archive (a .docx or .xlsx cut off?)")
    raise UnreadableFile(source, "a ZIP archive that is neither a Word (.docx) nor an Excel (.xlsx) file",
                         "unknown-archive")
