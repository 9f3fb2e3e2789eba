"""Sources: a file's bytes -> a ``Grid`` (rows of cells with locators), one module per format.

The format is decided by content, not by the file's name: a ZIP holding ``word/`` is a
Word file, one holding ``xl/`` an Excel workbook, an OLE2 compound file an Excel 97
workbook, markup with a table an HTML page; anything else is text (the text source).
Each module has ``sniff(data) -> bool`` and ``read(data, source) -> Grid``.

A file that cannot be opened at all (a damaged ZIP, an OLE2 file that is no workbook)
raises ``UnreadableFile``, an ``OSError``: the commands report it as a file they
cannot read (exit status 2), like a missing file.
"""

from __future__ import annotations

from ..grid import Grid
from . import docx, html, xls, xlsx
from .common import ZIP_MAGIC, UnreadableFile, open_zip

#: Tried in order; the first whose sniff says yes reads the file.
SOURCES = {"docx": docx, "xlsx": xlsx, "xls": xls, "html": html}
#: File name suffixes of the formats, for folders (the content still decides).
SUFFIXES: frozenset[str] = frozenset({".docx", ".xlsx", ".xlsm", ".xls", ".html", ".htm"})


def sniff(data: bytes) -> str:
    """The format of a file's bytes: one of SOURCES' names, or ``"text"``."""
    for name, module in SOURCES.items():
        if module.sniff(data):
            return name
    if data.startswith(ZIP_MAGIC):
        return "zip"  # damaged, or some other archive: refused by read_grid
    return "text"


def read_grid(data: bytes, source: str, fmt: str | None = None) -> Grid:
    """Read a non-text file into a Grid. Raises UnreadableFile."""
    fmt = fmt or sniff(data)
    if fmt == "zip":
        open_zip(data, source, "ZIP archive (a .docx or .xlsx?)")
        raise UnreadableFile(source, "a ZIP archive that is neither a Word (.docx) nor an Excel (.xlsx) file",
                             "unknown-archive")
    if fmt not in SOURCES:
        raise ValueError(f"{source}: not a Word, Excel or HTML file")
    return SOURCES[fmt].read(data, source)


__all__ = ["SOURCES", "SUFFIXES", "UnreadableFile", "read_grid", "sniff"]
