"""The DCAT-AP 3 part of ``/.well-known/void``: what a data portal needs to list the data.

A ``dcat:Catalog`` holding the dataset and one dataset per source document, each with
publisher, contact point, licence, dates, temporal coverage (one ``dct:PeriodOfTime``
per fiscal year held), spatial coverage (the regions named by the departments, or the
``region`` setting) and themes (the EU data-theme vocabulary). Each document's dataset
has the original file as its distribution: download URL and retrieval date (``budgetkg
load --source-url`` or a ``FILE.source.json`` sidecar) and its SHA-256. Unset settings
are said in the description (no licence: a ``dct:RightsStatement`` saying so).
The tests validate it with the official DCAT-AP 3.0.0 SHACL shapes.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Mapping
from typing import Any

import pyoxigraph as ox

from budgetkg.loader import namespaces

from .querying import select_py

P = namespaces.prefixes("dcat", "dcterms", "spdx", "xsd", "bkg", "skos", "rdfs")
DCAT, DCT, SPDX, XSD, BKG, SKOS, RDFS = (P[k] for k in ("dcat", "dcterms", "spdx", "xsd", "bkg", "skos", "rdfs"))
FOAF = "http://xmlns.com/foaf/0.1/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
LOCN = "http://www.w3.org/ns/locn#"
PROV = "http://www.w3.org/ns/prov#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
IANA = "http://www.iana.org/assignments/media-types/"
THEME_SCHEME = "http://publications.europa.eu/resource/authority/data-theme"
#: EU data themes: government and public sector; economy and finance.
THEMES = {"GOVE": ("政府与公共部门", "Government and public sector"),
          "ECON": ("经济与财政", "Economy and finance")}
#: Provincial-level divisions: short name as printed in department names -> (full name,
#: GB/T 2260 code).
REGIONS = {
    "北京": ("北京市", "110000"), "天津": ("天津市", "120000"), "河北": ("河北省", "130000"),
    "山西": ("山西省", "140000"), "内蒙古": ("内蒙古自治区", "150000"), "辽宁": ("辽宁省", "210000"),
    "吉林": ("吉林省", "220000"), "黑龙江": ("黑龙江省", "230000"), "上海": ("上海市", "310000"),
    "江苏": ("江苏省", "320000"), "浙江": ("浙江省", "330000"), "安徽": ("安徽省", "340000"),
    "福建": ("福建省", "350000"), "江西": ("江西省", "360000"), "山东": ("山东省", "370000"),
    "河南": ("河南省", "410000"), "湖北": ("湖北省", "420000"), "湖南": ("湖南省", "430000"),
    "广东": ("广东省", "440000"), "广西": ("广西壮族自治区", "450000"), "海南": ("海南省", "460000"),
    "重庆": ("重庆市", "500000"), "四川": ("四川省", "510000"), "贵州": ("贵州省", "520000"),
    "云南": ("云南省", "530000"), "西藏": ("西藏自治区", "540000"), "陕西": ("陕西省", "610000"),
    "甘肃": ("甘肃省", "620000"), "青海": ("青海省", "630000"), "宁夏": ("宁夏回族自治区", "640000"),
    "新疆": ("新疆维吾尔自治区", "650000"),
}
NO_LICENCE = ("No licence has been stated for this data: the publisher has not set one (budgetkg "
              "setting `license`). Ask the publisher before reusing it.")

DOCUMENTS = """
SELECT ?ds ?doc ?title ?sha ?file ?url ?retrieved WHERE {
  ?ds a bkg:Dataset ; prov:wasDerivedFrom ?doc .
  ?doc bkg:sha256 ?sha .
  OPTIONAL { ?ds dcterms:title ?title FILTER(langMatches(lang(?title), "en")) }
  OPTIONAL { ?doc bkg:fileName ?file }
  OPTIONAL { ?doc dcat:downloadURL ?url }
  OPTIONAL { ?doc bkg:retrievedOn ?retrieved }
} ORDER BY ?ds"""

YEARS = """
SELECT DISTINCT ?ds ?year WHERE { ?py a bkg:ProjectYear ; void:inDataset ?ds ; bkg:fiscalYear ?year }
ORDER BY ?ds ?year"""

DEPARTMENTS = """
SELECT DISTINCT ?ds ?label WHERE {
  ?py a bkg:ProjectYear ; void:inDataset ?ds ; bkg:department ?d . ?d rdfs:label ?label }"""


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _lit(text: str, lang: str | None = None, datatype: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(text, language=lang)
    return ox.Literal(text, datatype=_n(XSD + datatype)) if datatype else ox.Literal(text)


def regions(labels: list[str], setting: str) -> list[tuple[str, str]]:
    """(full name, GB/T 2260 code) of the regions named in ``labels``, else in ``setting``."""
    found = {REGIONS[short] for short in REGIONS for label in labels if short in label}
    if not found:
        for item in filter(None, (s.strip() for s in setting.split(","))):
            match = next((v for k, v in REGIONS.items() if item in (k, v[0], v[1])), None)
            found.add(match or (item, ""))
    return sorted(found, key=lambda r: r[1] or r[0])


def dcat_triples(state: Any, root: str, ds: ox.NamedNode, cached: Callable[[str, Callable[[], Any]], Any],
                 distributions: list[ox.NamedNode], service: ox.NamedNode) -> list[ox.Triple]:
    """The catalogue, the agents and each document's dataset; ``ds`` is the whole dataset."""
    settings: Mapping[str, Any] = state.settings
    t = ox.Triple
    here = root + ".well-known/void#"
    catalog, contact = _n(here + "catalog"), _n(here + "contact")
    publisher = _n(settings["publisher_iri"] or here + "publisher")
    docs = cached("dcat_documents", lambda: select_py(state, _q(DOCUMENTS)))
    years = cached("dcat_years", lambda: select_py(state, _q(YEARS)))
    depts = cached("dcat_departments", lambda: select_py(state, _q(DEPARTMENTS)))
    out: list[ox.Triple] = [
        t(catalog, RDF_TYPE, _n(DCAT + "Catalog")),
        t(catalog, _n(DCT + "title"), _lit("部门项目支出预算绩效目标数据目录", "zh")),
        t(catalog, _n(DCT + "title"), _lit("budgetkg catalogue: budget performance-target tables", "en")),
        t(catalog, _n(DCT + "description"), _lit(
            "The dataset of budget performance-target tables and one dataset per source document.", "en")),
        t(catalog, _n(DCT + "publisher"), publisher),
        t(catalog, _n(FOAF + "homepage"), _n(root)),
        t(catalog, _n(DCAT + "dataset"), ds),
        t(catalog, _n(DCAT + "service"), service),
        t(_n(root), RDF_TYPE, _n(FOAF + "Document")),
        t(publisher, RDF_TYPE, _n(FOAF + "Agent")),
        t(publisher, _n(FOAF + "name"), _lit(settings["publisher"] or "publisher not set (budgetkg setting `publisher`)")),
        t(contact, RDF_TYPE, _n(VCARD + "Kind")),
        t(contact, RDF_TYPE, _n(VCARD + "Organization")),
        t(contact, _n(VCARD + "fn"), _lit(settings["publisher"] or "budgetkg")),
    ]
    if settings["contact_email"]:
        out.append(t(contact, _n(VCARD + "hasEmail"), _n("mailto:" + settings["contact_email"])))
    else:
        out.append(t(contact, _n(VCARD + "hasURL"), _n(root)))
    rights = _rights(settings, here, out)
    for code, (zh, en) in THEMES.items():
        theme = _n(f"{THEME_SCHEME}/{code}")
        out += [t(theme, RDF_TYPE, _n(SKOS + "Concept")), t(theme, _n(SKOS + "prefLabel"), _lit(zh, "zh")),
                t(theme, _n(SKOS + "prefLabel"), _lit(en, "en")), t(theme, _n(SKOS + "inScheme"), _n(THEME_SCHEME))]
    for dist in distributions:
        out += [t(dist, p, o) for p, o in rights]

    def describe(dataset: ox.NamedNode, held: list[int], labels: list[str]) -> None:
        out.extend([t(dataset, _n(DCT + "publisher"), publisher), t(dataset, _n(DCAT + "contactPoint"), contact)])
        out.extend(t(dataset, p, o) for p, o in rights)
        for code in THEMES:
            out.append(t(dataset, _n(DCAT + "theme"), _n(f"{THEME_SCHEME}/{code}")))
        out.append(t(dataset, _n(DCAT + "keyword"), _lit("预算绩效目标", "zh")))
        out.append(t(dataset, _n(DCAT + "keyword"), _lit("budget performance targets", "en")))
        for year in held:  # a Chinese fiscal year is the calendar year
            period = _n(f"{here}year-{year}")
            out.extend([t(dataset, _n(DCT + "temporal"), period), t(period, RDF_TYPE, _n(DCT + "PeriodOfTime")),
                        t(period, _n(DCAT + "startDate"), _lit(f"{year}-01-01", datatype="date")),
                        t(period, _n(DCAT + "endDate"), _lit(f"{year}-12-31", datatype="date"))])
        for name, code in regions(labels, settings["region"]):
            place = _n(f"{here}region-{code or name}")
            out.extend([t(dataset, _n(DCT + "spatial"), place), t(place, RDF_TYPE, _n(DCT + "Location")),
                        t(place, _n(LOCN + "geographicName"), _lit(name, "zh")),
                        t(place, _n(SKOS + "prefLabel"), _lit(name, "zh"))])
            if code:
                out.append(t(place, _n(DCT + "identifier"), _lit(code)))

    by_ds: dict[str, list[int]] = {}
    for row in years:
        by_ds.setdefault(row["ds"], []).append(int(str(row["year"])[:4]))
    labels_by_ds: dict[str, list[str]] = {}
    for row in depts:
        labels_by_ds.setdefault(row["ds"], []).append(str(row["label"]))
    describe(ds, sorted({y for ys in by_ds.values() for y in ys}), [lab for ls in labels_by_ds.values() for lab in ls])
    if settings["issued"]:
        out.append(t(ds, _n(DCT + "issued"), _lit(settings["issued"], datatype="date")))
    for row in docs:
        sub, doc = _n(row["ds"]), _n(row["doc"])
        name = row.get("file") or row["sha"][:16]
        media = mimetypes.guess_type(name)[0] or "application/octet-stream"  # .txt .pdf .docx .xlsx .html
        out += [
            t(catalog, _n(DCAT + "dataset"), sub),
            t(sub, RDF_TYPE, _n(DCAT + "Dataset")),
            t(sub, _n(DCT + "title"), _lit(row.get("title") or name, "en")),
            t(sub, _n(DCT + "description"), _lit(
                f"The performance-target tables of the source document {name} as RDF, line by line "
                "traced to the document (prov:wasDerivedFrom).", "en")),
            t(sub, _n(PROV + "wasDerivedFrom"), doc),
            t(sub, _n(DCAT + "distribution"), doc),
            t(ds, _n(DCT + "hasPart"), sub),
            # The original file: a distribution of the document's dataset as published.
            t(doc, RDF_TYPE, _n(DCAT + "Distribution")),
            t(doc, _n(DCT + "title"), _lit(f"{name} (original file)", "en")),
            t(doc, _n(DCAT + "mediaType"), _n(IANA + media)),
            t(_n(IANA + media), RDF_TYPE, _n(DCT + "MediaType")),
            t(doc, _n(SPDX + "checksum"), _n(row["doc"] + "#sha256")),
            t(_n(row["doc"] + "#sha256"), RDF_TYPE, _n(SPDX + "Checksum")),
            t(_n(row["doc"] + "#sha256"), _n(SPDX + "algorithm"), _n(SPDX + "checksumAlgorithm_sha256")),
            t(_n(row["doc"] + "#sha256"), _n(SPDX + "checksumValue"), _lit(row["sha"], datatype="hexBinary")),
        ]
        out += [t(doc, p, o) for p, o in rights]
        if row.get("url"):
            url = _n(row["url"])
            out += [t(doc, _n(DCAT + "downloadURL"), url), t(doc, _n(DCAT + "accessURL"), url)]
        else:  # unknown origin: the document's own description is where to get at it
            out += [t(doc, _n(DCAT + "accessURL"), doc), t(doc, _n(RDFS + "comment"), _lit(
                "Original download URL unknown (load with --source-url or a FILE.source.json sidecar).", "en"))]
        if row.get("retrieved"):
            out += [t(doc, _n(BKG + "retrievedOn"), _lit(str(row["retrieved"]), datatype="date")),
                    t(sub, _n(DCT + "modified"), _lit(str(row["retrieved"]), datatype="date"))]
        describe(sub, by_ds.get(row["ds"], []), labels_by_ds.get(row["ds"], []))
    return out


#: The classes DCAT-AP wants the values of these properties to have (its shapes check
#: ``sh:class``, so the description says them).
RANGES = {
    DCAT + "accessURL": RDFS + "Resource", DCAT + "downloadURL": RDFS + "Resource",
    DCAT + "endpointURL": RDFS + "Resource", DCT + "conformsTo": DCT + "Standard",
    SPDX + "algorithm": SPDX + "ChecksumAlgorithm",
}


def typed(triples: list[ox.Triple]) -> list[ox.Triple]:
    """``triples`` plus the rdf:type DCAT-AP expects of each value in ``RANGES``."""
    extra = {ox.Triple(tr.object, RDF_TYPE, _n(RANGES[tr.predicate.value]))
             for tr in triples if tr.predicate.value in RANGES and isinstance(tr.object, ox.NamedNode)}
    return triples + sorted(extra, key=str)


def _rights(settings: Mapping[str, Any], here: str, out: list[ox.Triple]) -> list[tuple[ox.NamedNode, ox.Term]]:
    """(predicate, object) pairs every dataset and distribution gets: the licence, or a
    statement that there is none."""
    if settings["license"]:
        licence = _n(settings["license"])
        out.append(ox.Triple(licence, RDF_TYPE, _n(DCT + "LicenseDocument")))
        return [(_n(DCT + "license"), licence)]
    statement = _n(here + "no-licence")
    out += [ox.Triple(statement, RDF_TYPE, _n(DCT + "RightsStatement")),
            ox.Triple(statement, _n(RDFS + "label"), _lit(NO_LICENCE, "en"))]
    return [(_n(DCT + "rights"), statement)]


def _q(body: str) -> str:
    return namespaces.sparql_prefixes("bkg", "dcterms", "dcat", "prov", "void", "rdfs") + body
