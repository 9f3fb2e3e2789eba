"""Choosing a media type from an ``Accept`` header, parameters included.

werkzeug parses the header (q-values, quoting), but its ``best_match`` treats any
parameter as part of the type: ``text/turtle; charset=utf-8`` then matches nothing we
offer. Here each offered variant is matched against the most specific range that
applies to it (RFC 9110 §12.5.1), and the parameters are understood:

- ``charset``: every answer is UTF-8, so a range asking for another charset does not
  apply (a less specific range may still);
- ``profile`` (JSON-LD): the variant must conform to each JSON-LD profile asked for
  (expanded, compacted, flattened); profile IRIs we do not know are ignored;
- any other parameter is ignored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only the type: query workers import this module without werkzeug
    from werkzeug.datastructures import Accept

JSONLD_NS = "http://www.w3.org/ns/json-ld#"
JSONLD_PROFILES = frozenset(JSONLD_NS + p for p in ("expanded", "compacted", "flattened"))
UTF8 = frozenset({"utf-8", "utf8"})


@dataclass(frozen=True)
class Variant:
    """One thing we can answer: a media type, and the JSON-LD profiles it conforms to."""

    media_type: str
    profiles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class _Range:
    main: str
    sub: str
    params: dict[str, str]
    q: float

    def specificity(self) -> tuple[int, int]:
        kind = 0 if self.main == "*" else 1 if self.sub == "*" else 2
        return kind, len(self.params)

    def applies_to(self, variant: Variant) -> bool:
        main, _, sub = variant.media_type.partition("/")
        if self.main != "*" and self.main != main:
            return False
        if self.sub != "*" and self.sub != sub:
            return False
        charset = self.params.get("charset")
        if charset is not None and charset.strip().lower() not in UTF8:
            return False
        profile = self.params.get("profile")
        if profile is not None and variant.media_type == "application/ld+json":
            asked = set(profile.split()) & JSONLD_PROFILES
            if not asked <= variant.profiles:
                return False
        return True


def _ranges(accept: Accept) -> list[_Range]:
    from werkzeug.http import parse_options_header

    out = []
    for value, q in accept:
        mimetype, params = parse_options_header(value)
        main, _, sub = mimetype.lower().partition("/")
        if not sub:
            if main != "*":
                continue  # not a media range
            sub = "*"
        params = {k.lower(): v for k, v in params.items() if k.lower() != "q"}
        out.append(_Range(main, sub, params, q))
    return out


def quality(ranges: Sequence[_Range], variant: Variant) -> float:
    """The q-value of ``variant``: that of the most specific range applying to it."""
    best: tuple[tuple[int, int], float] | None = None
    for r in ranges:
        if r.applies_to(variant):
            key = r.specificity()
            if best is None or key > best[0]:
                best = (key, r.q)
    return best[1] if best else 0.0


def best_variant(accept: Accept, offered: Iterable[Variant]) -> Variant | None:
    """The acceptable variant with the highest q-value (ties: the first offered), or None."""
    ranges = _ranges(accept)
    best: tuple[float, Variant] | None = None
    for variant in offered:
        q = quality(ranges, variant)
        if q > 0 and (best is None or q > best[0]):
            best = (q, variant)
    return best[1] if best else None
