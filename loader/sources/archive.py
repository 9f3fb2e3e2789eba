"""ZIP archives that are neither Word nor Excel files (``signatures`` says ``zip``).

A damaged archive (a .docx or .xlsx download cut off) cannot be read at all:
``UnreadableFile``, an OSError, exit status 2 in the commands. An intact archive of
something else (an OpenDocument file, a folder zipped) is a format no source reads:
``UnsupportedFormat``, one problem of the document."""

from __future__ import annotations

from ..grid import Grid
from .common import open_zip
from .errors import UnsupportedFormat

FORMAT = "zip"


def read(data: bytes, source: str) -> Grid:
    open_zip(data, source, "ZIP archive (a .docx or .xlsx cut off?)")
    raise UnsupportedFormat("zip", source, "a ZIP archive that is neither a Word (.docx) nor an Excel (.xlsx) file")
