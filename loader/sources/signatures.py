"""What format a file is, from its first bytes (not its name).

Every format the project knows of is named here, whether or not a source module reads it
yet: a PDF renamed ``.txt`` must reach the PDF source (or fail as "no PDF source"), never
be decoded as text. A source module may also claim files itself (its ``sniff``).
"""

from __future__ import annotations

import io
import re
import zipfile

PDF = b"%PDF-"
ZIP = b"PK\x03\x04"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Compound File: .xls, .doc
_HTML = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|table|meta)\b",
                   re.IGNORECASE | re.DOTALL)
_UTF8_BOM = b"\xef\xbb\xbf"


def sniff_format(data: bytes) -> str:
    """``pdf``, ``docx``, ``xlsx``, ``xls``, ``doc``, ``zip``, ``html`` or ``text``."""
    head = data[:1024]
    if head.lstrip()[:5] == PDF:  # (some writers put a blank line first)
        return "pdf"
    if head.startswith(ZIP):
        return _zip_format(data)
    if head.startswith(OLE2):
        # The directory names the streams (UTF-16): Word's main one is "WordDocument".
        return "doc" if "WordDocument".encode("utf-16-le") in data else "xls"
    if _HTML.match(head.removeprefix(_UTF8_BOM)):
        return "html"
    return "text"


def _zip_format(data: bytes) -> str:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return "zip"  # a damaged archive: still not text
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    return "zip"
