"""Which files a load reads: table files and RDF files, folders expanded.

Kept apart from ``budgetkg.documents`` (which imports the converter and rdflib) so that
``budgetkg load`` can check its arguments and start opening the store before it imports
the loader (``budgetkg.commands.load``)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from budgetkg.loader.rdf_files import RDF_EXTENSIONS
from budgetkg.loader.sources import SUFFIXES as SOURCE_SUFFIXES

#: Table files, read by the loader (everything else loadable is an RDF file): text, and
#: the formats of loader/sources (PDF, Word, Excel, HTML). In a folder the suffix picks the
#: files; each file's content then decides how it is read.
TABLE_SUFFIXES: frozenset[str] = frozenset({".txt"}) | SOURCE_SUFFIXES


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given; folders replaced by the loadable files under them, sorted."""
    out: list[Path] = []
    known = TABLE_SUFFIXES | set(RDF_EXTENSIONS)
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in known))
        else:
            out.append(p)
    return out
