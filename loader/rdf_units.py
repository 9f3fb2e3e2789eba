"""What ``rdf`` and ``family_rdf`` share: currency units and the conversion error."""

from __future__ import annotations

from decimal import Decimal

from rdflib import URIRef

from .namespaces import BKG, CUR

#: Multiplier to yuan and the unit IRI of each currency unit a document may use.
CURRENCY_UNITS: dict[str, tuple[Decimal, URIRef]] = {
    "元": (Decimal(1), CUR.CNY),
    "千元": (Decimal(1_000), BKG.ThousandYuan),
    "万元": (Decimal(10_000), BKG.TenThousandYuan),
    "亿元": (Decimal(100_000_000), BKG.HundredMillionYuan),
}


class ConversionError(ValueError):
    """The document lacks what every IRI needs (its fiscal year or its digest)."""
