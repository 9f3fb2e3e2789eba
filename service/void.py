"""``/.well-known/void``: the dataset described with VoID and DCAT; ``/dumps/``: the dumps.

The description (RFC 5785 well-known location of VoID, §7.2 of the VoID guide)
names the SPARQL endpoint (``void:sparqlEndpoint``; as a ``dcat:DataService`` whose
``dcat:endpointDescription`` is the SPARQL Service Description at ``GET /sparql``),
the full dump with its size and SHA-256 (``dcat:byteSize``, ``spdx:checksum``), the
IRI space, the counts, one class partition per main class and one subset per source
document (the ``bkg:Dataset`` the loader wrote). Formats are negotiated like
CONSTRUCT results (Turtle by default).
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, render_template, request, send_file, url_for

from budgetkg.loader import namespaces
from budgetkg.store.dumps import DumpInfo, dump_folder

from . import page_data as data
from .dcat import dcat_triples, typed
from .errors import ApiError
from .formats import GRAPH_FORMATS, negotiate, serialize_graph
from .querying import select_py
from .state import get_state
from .web_state import get_web

bp = Blueprint("void", __name__)

PREFIXES = {**namespaces.prefixes("void", "dcat", "dcterms", "spdx", "sd", "xsd", "bkg", "skos", "rdfs", "prov"),
            "foaf": "http://xmlns.com/foaf/0.1/", "vcard": "http://www.w3.org/2006/vcard/ns#",
            "locn": "http://www.w3.org/ns/locn#"}
VOID, DCAT, DCT, SPDX, SD = (PREFIXES[p] for p in ("void", "dcat", "dcterms", "spdx", "sd"))
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD, BKG = PREFIXES["xsd"], PREFIXES["bkg"]
IANA = "http://www.iana.org/assignments/media-types/"
VOCABULARIES = (BKG, "http://www.w3.org/ns/org#", "http://www.w3.org/2004/02/skos/core#",
                "http://purl.org/linked-data/cube#", "http://www.w3.org/ns/prov#", DCAT, VOID,
                "http://qudt.org/schema/qudt/")

CLASS_PARTITIONS = """
SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE {
  VALUES ?class { bkg:Department bkg:ImplementingUnit bkg:ProjectLine bkg:ProjectYear bkg:FundAmount
                  bkg:Indicator bkg:Target bkg:SourceDocument }
  ?x a ?class
} GROUP BY ?class ORDER BY ?class"""

SUBSETS = """
SELECT ?ds ?title ?triples ?year WHERE {
  ?ds a bkg:Dataset . OPTIONAL { ?ds dcterms:title ?title FILTER(langMatches(lang(?title), "en")) }
  OPTIONAL { ?ds void:triples ?triples } OPTIONAL { ?ds dcterms:temporal ?year }
} ORDER BY ?ds"""


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _int(value: int, datatype: str = "integer") -> ox.Literal:
    return ox.Literal(str(value), datatype=_n(XSD + datatype))


def void_triples(root: str, dump: DumpInfo | None) -> list[ox.Triple]:
    """The VoID + DCAT description; ``root`` is the service's URL ending with /."""
    state = get_state()
    web = get_web()
    stats = web.cached("landing", lambda: data.landing(state))["stats"]
    partitions = web.cached("void_partitions", lambda: select_py(state, CLASS_PARTITIONS))
    subsets = web.cached("void_subsets", lambda: select_py(state, "PREFIX dcterms: <http://purl.org/dc/terms/>\n" + SUBSETS))
    ds = _n(root + ".well-known/void#dataset")
    service = _n(root + "sparql")
    endpoint_dist = _n(root + ".well-known/void#sparql")
    t = ox.Triple
    out = [
        t(ds, RDF_TYPE, _n(VOID + "Dataset")),
        t(ds, RDF_TYPE, _n(DCAT + "Dataset")),
        t(ds, _n(DCT + "title"), ox.Literal("部门项目支出预算绩效目标知识图谱", language="zh")),
        t(ds, _n(DCT + "title"), ox.Literal("budgetkg: budget performance-target tables", language="en")),
        t(ds, _n(DCT + "description"), ox.Literal(
            "Chinese project-expenditure budget performance-target tables (部门项目支出预算绩效目标表) as RDF: "
            "projects, yearly funds, three-level indicators with normalized targets, each traced to its "
            "source line.", language="en")),
        t(ds, _n(VOID + "sparqlEndpoint"), service),
        t(ds, _n(VOID + "uriSpace"), ox.Literal(state.settings.base_iri)),
        t(ds, _n(VOID + "triples"), _int(stats.get("triples", 0))),
        t(ds, _n(VOID + "entities"), _int(stats.get("projects", 0) + stats.get("indicators", 0))),
        t(ds, _n(VOID + "feature"), _n("http://www.w3.org/ns/formats/N-Quads")),
        t(ds, _n(DCAT + "landingPage"), _n(root)),
        t(ds, _n(DCAT + "distribution"), endpoint_dist),
        t(endpoint_dist, RDF_TYPE, _n(DCAT + "Distribution")),
        t(endpoint_dist, _n(DCT + "title"), ox.Literal("SPARQL 1.1 endpoint", language="en")),
        t(endpoint_dist, _n(DCAT + "accessURL"), service),
        t(endpoint_dist, _n(DCAT + "accessService"), service),
        t(service, RDF_TYPE, _n(DCAT + "DataService")),
        t(service, RDF_TYPE, _n(SD + "Service")),
        t(service, _n(DCT + "title"), ox.Literal("budgetkg SPARQL endpoint", language="en")),
        t(service, _n(DCAT + "endpointURL"), service),
        # GET /sparql without a query answers the SPARQL Service Description.
        t(service, _n(DCAT + "endpointDescription"), service),
        t(service, _n(DCAT + "servesDataset"), ds),
        t(service, _n(DCT + "conformsTo"), _n("https://www.w3.org/TR/sparql11-protocol/")),
    ]
    for vocab in VOCABULARIES:
        out.append(t(ds, _n(VOID + "vocabulary"), _n(vocab)))
    for i, row in enumerate(partitions):
        part = _n(f"{root}.well-known/void#class-{i}")
        out += [t(ds, _n(VOID + "classPartition"), part), t(part, _n(VOID + "class"), _n(row["class"])),
                t(part, _n(VOID + "entities"), _int(row["n"]))]
    for row in subsets:
        sub = _n(row["ds"])
        out += [t(ds, _n(VOID + "subset"), sub), t(sub, RDF_TYPE, _n(VOID + "Dataset"))]
        if row.get("title"):
            out.append(t(sub, _n(DCT + "title"), ox.Literal(row["title"], language="en")))
        if row.get("triples") is not None:
            out.append(t(sub, _n(VOID + "triples"), _int(row["triples"])))
    if dump is not None:
        url = _n(root + "dumps/" + dump.name)
        dist = _n(root + "dumps/" + dump.name + "#distribution")
        checksum = _n(root + "dumps/" + dump.name + "#sha256")
        out += [
            t(ds, _n(VOID + "dataDump"), url),
            t(ds, _n(DCAT + "distribution"), dist),
            t(dist, RDF_TYPE, _n(DCAT + "Distribution")),
            t(dist, _n(DCT + "title"), ox.Literal("Full dump, N-Quads, gzip", language="en")),
            t(dist, _n(DCAT + "downloadURL"), url),
            t(dist, _n(DCAT + "accessURL"), _n(root + "dumps/")),
            t(dist, _n(DCAT + "mediaType"), _n(IANA + dump.media_type)),
            t(dist, _n(DCAT + "compressFormat"), _n(IANA + dump.compression)),
            t(dist, _n(DCAT + "byteSize"), _int(dump.size, "nonNegativeInteger")),
            t(dist, _n(DCT + "modified"), ox.Literal(dump.created, datatype=_n(XSD + "dateTime"))),
            t(dist, _n(SPDX + "checksum"), checksum),
            t(checksum, RDF_TYPE, _n(SPDX + "Checksum")),
            t(checksum, _n(SPDX + "algorithm"), _n(SPDX + "checksumAlgorithm_sha256")),
            t(checksum, _n(SPDX + "checksumValue"), ox.Literal(dump.sha256, datatype=_n(XSD + "hexBinary"))),
            t(ds, _n(DCT + "modified"), ox.Literal(dump.created, datatype=_n(XSD + "dateTime"))),
            t(_n(IANA + dump.media_type), RDF_TYPE, _n(DCT + "MediaType")),
            t(_n(IANA + dump.compression), RDF_TYPE, _n(DCT + "MediaType")),
        ]
    distributions = [endpoint_dist] + ([dist] if dump is not None else [])
    out += dcat_triples(state, root, ds, web.cached, distributions, service)
    return typed(out)


def _wants_page() -> bool:
    """A browser (text/html preferred to every RDF format, no ``format=``) gets a page."""
    accept = request.accept_mimetypes
    if request.args.get("format") or not accept["text/html"]:
        return False
    return accept["text/html"] > max(accept[mt] for f in GRAPH_FORMATS for mt in f.media_types)


def _void_page(triples: list[ox.Triple]) -> Response:
    """The description as a page: one table per subject, with the RDF downloads."""
    subjects: dict[str, list[tuple[str, ox.Term]]] = {}
    for triple in triples:
        subjects.setdefault(triple.subject.value, []).append((triple.predicate.value, triple.object))
    prefixes = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))

    def short(iri: str) -> str:
        for name, ns in prefixes + [("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#")]:
            if iri.startswith(ns):
                return f"{name}:{iri[len(ns):]}"
        return iri

    body = render_template("void.html", subjects=subjects, short=short, title="VoID / DCAT",
                           is_iri=lambda term: isinstance(term, ox.NamedNode))
    response = Response(body, mimetype="text/html")
    response.vary.add("Accept")
    return response


@bp.route("/.well-known/void")
def void() -> Response:
    if _wants_page():
        return _void_page(void_triples(request.url_root, get_web().dump))
    try:
        fmt = negotiate(GRAPH_FORMATS, request.accept_mimetypes, request.args.get("format") or None)
    except ValueError as exc:
        raise ApiError(400, "Unknown format", str(exc)) from None
    if fmt is None:
        offered = ", ".join(f.media_type for f in GRAPH_FORMATS)
        raise ApiError(406, "Not acceptable", f"None of the accepted media types is available; offered: {offered}.")
    body = serialize_graph(void_triples(request.url_root, get_web().dump), fmt, PREFIXES)
    response = Response(body, status=200, content_type=fmt.content_type)
    response.vary.add("Accept")
    return response


def _listing(dump: DumpInfo | None) -> list[dict[str, Any]]:
    if dump is None:
        return []
    return [{"name": dump.name, "url": url_for("void.dump_file", name=dump.name, _external=True),
             "media_type": dump.media_type, "compression": dump.compression, "size": dump.size,
             "sha256": dump.sha256, "quads": dump.quads, "created": dump.created,
             "store_version": dump.version}]


@bp.route("/dumps/")
def dump_listing() -> Response:
    listing = _listing(get_web().dump)
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    if best == "text/html":
        response = Response(render_template("dumps.html", dumps=listing), mimetype="text/html")
    else:
        response = Response(json.dumps({"dumps": listing}, indent=2) + "\n", mimetype="application/json")
    response.vary.add("Accept")
    return response


@bp.route("/dumps/<name>")
def dump_file(name: str) -> Response:
    dump = get_web().dump
    if dump is None or name != dump.name:
        raise ApiError(404, "Not found", f"No dump named {name!r}; see /dumps/.")
    state = get_state()
    response = send_file(dump_folder(state.settings.data_dir) / dump.name, mimetype=dump.compression,
                         as_attachment=True, download_name=dump.name, conditional=True, etag=dump.sha256)
    response.headers["Repr-Digest"] = "sha-256=:" + base64.b64encode(bytes.fromhex(dump.sha256)).decode() + ":"
    return response
