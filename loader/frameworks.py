"""The indicator frameworks as data: a printed level label -> its concepts in both schemes.

The old scheme (``concepts.ttl``, ``level:``) and the 2021 one (``frameworks.ttl``,
``fw:``) are read from the ontology, with every spelling (prefLabel, altLabel,
hiddenLabel), so that a label the families print is placed by the vocabulary, not by
a list in code. A row's level 2 is looked up among level-2 concepts, its level 1 among
top concepts; a 2021 concept is carried to the old scheme by its mapping (exactMatch,
closeMatch, broadMatch), which is what every library query (``bkg:level1``/``level2``)
sees: a cost row of either framework is ``level:14``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from rdflib import URIRef
from rdflib.namespace import SKOS

from .model import cached_ontology_graph
from .namespaces import BKG, LEVEL
from .text import fold

_CODE = re.compile(r"^[0-9一二三四五六七八九十]+[-.、．)]*")


def _key(label: str) -> str:
    k = _CODE.sub("", fold(label)).rstrip(":")
    return k.removesuffix("指标") or k


class Levels(NamedTuple):
    level1: str | None  # old-scheme code "1".."3"
    level2: str | None  # old-scheme code "11".."31"
    framework_level1: URIRef | None  # the 2021 concept of the printed level 1 (fw:4 for 成本指标)
    framework_level2: URIRef | None


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, URIRef], dict[str, URIRef], dict[URIRef, str], dict[str, URIRef]]:
    """(top concepts by label key, level-2 concepts by label key, old code of each concept,
    the 2021 concept of each old code it matches exactly)."""
    g = cached_ontology_graph()
    top: dict[str, URIRef] = {}
    second: dict[str, URIRef] = {}
    old: dict[URIRef, str] = {}
    new: dict[str, URIRef] = {}
    for scheme in (BKG.IndicatorLevelScheme, BKG.IndicatorFramework2021):  # old first: it wins a tie
        for c in sorted(g.subjects(SKOS.inScheme, scheme)):
            assert isinstance(c, URIRef)
            table = second if g.value(c, SKOS.broader) is not None else top
            for p in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel):
                for lab in g.objects(c, p):
                    if getattr(lab, "language", None) == "zh":
                        table.setdefault(_key(str(lab)), c)
            if scheme == BKG.IndicatorLevelScheme:
                old[c] = _code(c)
                continue
            for p in (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch):
                m = g.value(c, p)
                if isinstance(m, URIRef) and _is_old(m):
                    old[c] = _code(m)
                    if p == SKOS.exactMatch:
                        new[_code(m)] = c
                    break
    return top, second, old, new


def _is_old(c: URIRef) -> bool:
    return str(c).startswith(str(LEVEL))


def _code(c: URIRef) -> str:
    return str(c).rsplit("/", 1)[-1]


def levels_of(l1: str, l2: str) -> Levels:
    """Both frameworks' levels of a row printed under ``l1`` / ``l2`` (None: unknown).

    A 2021 level-1 成本指标 (fw:4, closeMatch level:14) puts the row at old level 1 产出
    and level 2 成本指标, whatever is printed as its level 2 (经济/社会/生态环境成本指标,
    broadMatch level:14, or nothing)."""
    top, second, old, new = _index()
    c1 = top.get(_key(l1)) if l1 else None
    c2 = second.get(_key(l2)) if l2 else None
    code1 = old.get(c1) if c1 is not None else None
    code2 = old.get(c2) if c2 is not None else None
    fw1 = c1 if c1 is not None and not _is_old(c1) else None
    fw2 = c2 if c2 is not None and not _is_old(c2) else None
    if code1 is not None and len(code1) == 2:  # the 2021 level-1 成本指标
        code1, code2 = code1[0], "14" if code2 is None or code2 == "14" else None
    if code2 is not None and code1 is None:
        code1 = code2[0]
    if code2 is not None and code1 is not None and code2[0] != code1:
        code2 = fw2 = None  # a level 2 printed under another level 1: not placed
    if fw1 is None and code1 is not None:
        fw1 = new.get(code1)
    if fw2 is None and code2 is not None:
        fw2 = new.get(code2)
    return Levels(code1, code2, fw1, fw2)
