"""Deterministic IRIs for everything the converter mints, and the name keys behind them.

Same input => same IRIs, so loading a document again replaces triples instead of adding
new ones. Codes (department, unit, level, year) are used as they are; Chinese names go
through a normalized key and a short SHA-256 hash, so IRIs stay ASCII and safe in every
serialization while the names themselves are on the nodes as labels. Patterns
(``{base}`` defaults to ``DEFAULT_BASE``):

================================  =================================================
department                        ``{base}department/{code}``
implementing unit                 ``{base}unit/{code}``
project line                      ``{base}project/{dept}/{hash(line key)}``
project year (one table)          ``{line}/{year}`` or ``{line}/{year}/t{seq}``
fund amount                       ``{project year}/amount/{field}``
indicator                         ``{project year}/indicator/{n}`` (n = row order, 1-based)
target of an indicator            ``{indicator}/target`` (parts: ``…/target/{k}``)
indicator concept                 ``{base}indicator-concept/{hash(name key)}``
source document                   ``{base}document/{sha256[:16]}``
dataset (DCAT/VoID/Data Cube)     ``{base}dataset/{sha256[:16]}``
named graph of a document         ``{base}graph/{sha256[:16]}``
named graph of the ontology       ``{base}graph/ontology``
================================  =================================================

``hash`` is the first 16 hex digits of SHA-256 of the UTF-8 key (64 bits: no collision
expected among the ~10^6 names a national dataset could hold).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from rdflib import URIRef

from .carryover import strip_trailing_marker

#: Not for publishing as is: a publisher sets its own base (``--base`` / settings);
#: example.org is reserved, so these IRIs can never clash with somebody else's data.
DEFAULT_BASE = "https://budgetkg.example.org/id/"

# Punctuation that differs only by style between documents: folded to one form, or
# dropped where it carries no meaning in a name.
_SPACE = re.compile(r"\s+")
_FOLD = str.maketrans(
    {
        "—": "-", "–": "-", "－": "-", "﹣": "-", "−": "-", "―": "-",
        "：": ":", "﹕": ":",
        "“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "「": '"', "」": '"',
        "『": '"', "』": '"',
        "【": "[", "】": "]", "〔": "[", "〕": "]", "［": "[", "］": "]",
        "、": ",", "，": ",", "；": ";", "。": ".",
    }
)


def fold_text(text: str) -> str:
    """NFKC, one style of dashes, colons, quotes and brackets, no whitespace."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text).translate(_FOLD))


def project_line_key(name: str) -> str:
    """Identity of a project across years: the folded name without carry-over markers.

    ``就业补助资金(上年结转)``, ``就业补助资金（上年结转）`` and ``就业补助资金`` share a key;
    so do ``X2021年结转`` and ``X``. Only a trailing marker is removed: a name that is
    nothing but a marker keeps it.
    """
    return strip_trailing_marker(fold_text(name))  # (the rule: loader/carryover.py)


def indicator_name_key(name: str) -> str:
    """Key of an indicator name: folded, trailing full stops removed."""
    return fold_text(name).rstrip(".")


def short_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def _check_base(base: str) -> str:
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", base) or not base.endswith(("/", "#")):
        raise ValueError(f"base IRI must be absolute and end with '/' or '#': {base!r}")
    return base


def _code(code: str) -> str:
    if not re.fullmatch(r"[0-9A-Za-z]+", code):
        raise ValueError(f"not an organisation code: {code!r}")
    return code


def department_iri(base: str, code: str) -> URIRef:
    return URIRef(f"{_check_base(base)}department/{_code(code)}")


def unit_iri(base: str, code: str) -> URIRef:
    return URIRef(f"{_check_base(base)}unit/{_code(code)}")


def project_line_iri(base: str, department_code: str, name: str) -> URIRef:
    return URIRef(f"{_check_base(base)}project/{_code(department_code)}/{short_hash(project_line_key(name))}")


def project_year_iri(line: URIRef, year: int, seq: int | None = None) -> URIRef:
    """The table of a line in a year; ``seq`` only when the document has several."""
    return URIRef(f"{line}/{year}" if seq is None else f"{line}/{year}/t{seq}")


def amount_iri(project_year: URIRef, field: str) -> URIRef:
    return URIRef(f"{project_year}/amount/{field.replace('_', '-')}")


def indicator_iri(project_year: URIRef, n: int) -> URIRef:
    return URIRef(f"{project_year}/indicator/{n}")


def target_iri(indicator: URIRef) -> URIRef:
    return URIRef(f"{indicator}/target")


def part_iri(target: URIRef, k: int) -> URIRef:
    """Part ``k`` (1-based) of a target with several values (``7000人、70万人``)."""
    return URIRef(f"{target}/{k}")


def indicator_concept_iri(base: str, name: str) -> URIRef:
    return URIRef(f"{_check_base(base)}indicator-concept/{short_hash(indicator_name_key(name))}")


def document_iri(base: str, sha256: str) -> URIRef:
    return URIRef(f"{_check_base(base)}document/{_sha(sha256)}")


def dataset_iri(base: str, sha256: str) -> URIRef:
    return URIRef(f"{_check_base(base)}dataset/{_sha(sha256)}")


def document_graph_iri(base: str, sha256: str) -> URIRef:
    return URIRef(f"{_check_base(base)}graph/{_sha(sha256)}")


def ontology_graph_iri(base: str) -> URIRef:
    return URIRef(f"{_check_base(base)}graph/ontology")


def _sha(sha256: str) -> str:
    if not re.fullmatch(r"[0-9a-f]{16,64}", sha256):
        raise ValueError(f"document has no SHA-256 (hex) digest: {sha256!r}")
    return sha256[:16]
