"""Deterministic synthetic documents in the template of the seed, with their answer key.

Each document is one department's tables for one year, written the way the PDF-to-text
step writes the real ones: the header block variants, the fund grid in each layout family
of the seed, drifting columns, labels and values sharing a cell, truncated unit names,
goal text with HTML remnants, indicator rows whose level-2 label is printed once per group,
page breaks, placeholder groups, the "late cost label", bare-yuan cost rows and so on
(docs: /work/shared/DOMAIN.md). Names, indicator names and values are taken from the
seed at run time and recombined with small built-in word lists.

Only placements a careful reader could decide are generated: labels sit on a group's
first row (or after a page break, or — the seed's late cost label — after a run of money
rows that follows the 时效 group), and values fit their group's kind.

Determinism: every choice comes from ``random.Random`` seeded from the arguments, so the
same arguments give byte-identical output. Output never goes into the default dataset.

Modules, in the order a document is made: ``vocabulary`` (seed words, labels, department
catalogue), ``model`` (quirk rates, planned tables and rows, the per-document random
state), ``amounts`` (funds and cost values), ``indicators`` (indicator rows), ``tables``
(one planned table), ``render`` (printing a table), ``document`` (one document and its
answer key), ``corpus`` (writing many).
"""

from .corpus import generate_corpus
from .document import ENCODINGS, TRIPLES_PER_INDICATOR, TRIPLES_PER_TABLE, SyntheticDocument, generate_document
from .model import Quirks
from .vocabulary import SEED_NAME, department_catalog

__all__ = ["Quirks", "SyntheticDocument", "generate_document", "generate_corpus", "department_catalog",
           "ENCODINGS", "TRIPLES_PER_INDICATOR", "TRIPLES_PER_TABLE", "SEED_NAME"]
