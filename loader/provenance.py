"""Where a source document came from: its original download URL and retrieval date.

Given on the command line (``budgetkg load FILE --source-url URL [--retrieved DATE]``)
or in a sidecar file beside the document, ``FILE.source.json``::

    {"url": "https://czt.nx.gov.cn/…/附件1.xls", "retrieved": "2024-03-01"}

``retrieved`` defaults to the file's modification date (UTC), which a download sets.
The document graph then states ``dcat:downloadURL`` and ``bkg:retrievedOn`` on the
source document, and the DCAT description lists the URL as the document's original.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

SIDECAR_SUFFIX = ".source.json"


class SourceInfoError(ValueError):
    """A sidecar file or a --source-url that cannot be used (the message names it)."""


@dataclass(frozen=True)
class SourceInfo:
    url: str
    retrieved: date | None = None


def sidecar_path(path: str | Path) -> Path:
    p = Path(path)
    return p.with_name(p.name + SIDECAR_SUFFIX)


# Characters an IRI may not hold (RFC 3987; RDF's IRIREF): the URL becomes an IRI in the
# graph (dcat:downloadURL) and in the loader's SPARQL, so it is refused here, once.
_NOT_IN_IRI = frozenset('<>"{}|\\^`') | {chr(c) for c in range(0x21)}


def check_url(url: str, where: str) -> str:
    parts = urlsplit(url)
    if (parts.scheme.lower() not in {"http", "https", "ftp"} or not parts.netloc
            or any(ch in _NOT_IN_IRI for ch in url)):
        raise SourceInfoError(f"{where}: source URL must be an absolute http(s) or ftp URL "
                              f"(percent-encode spaces, <, >, \" and the like), got {url!r}")
    return url


def _date(value: object, where: str) -> date:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise SourceInfoError(f"{where}: retrieved must be a date YYYY-MM-DD, got {value!r}") from None


def file_date(path: str | Path) -> date | None:
    try:
        return datetime.fromtimestamp(Path(path).stat().st_mtime, tz=timezone.utc).date()
    except OSError:
        return None


def read_sidecar(path: str | Path) -> SourceInfo | None:
    """The sidecar of the document ``path``, or None when it has none."""
    side = sidecar_path(path)
    try:
        text = side.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SourceInfoError(f"{side}: cannot read: {exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceInfoError(f"{side}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    if not isinstance(data, dict) or not isinstance(data.get("url"), str):
        raise SourceInfoError(f"{side}: must be a JSON object with a \"url\" string")
    unknown = set(data) - {"url", "retrieved"}
    if unknown:
        raise SourceInfoError(f"{side}: unknown keys {', '.join(sorted(unknown))} (known: url, retrieved)")
    retrieved = _date(data["retrieved"], str(side)) if data.get("retrieved") else file_date(path)
    return SourceInfo(check_url(data["url"], str(side)), retrieved)


def source_info(path: str | Path, url: str | None = None, retrieved: str | date | None = None) -> SourceInfo | None:
    """The command line's URL (and date) if given, else the sidecar's, else None."""
    if url:
        day = _date(retrieved, str(path)) if retrieved else file_date(path)
        return SourceInfo(check_url(url, str(path)), day)
    return read_sidecar(path)
