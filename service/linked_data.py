"""Dereferenceable IRIs: every IRI of the dataset answers with its description.

``GET /id/department/303`` answers **200** with the description in the negotiated
format (HTML for browsers; Turtle, JSON-LD, N-Triples, RDF/XML by ``Accept``),
``Vary: Accept`` and ``Content-Location`` naming the format-specific document
(``/id/department/303.ttl``). The extensions ``.html .ttl .jsonld .nt .rdf`` pick the
format without negotiation. No 303 redirect: one round trip instead of two, and the
W3C TAG's 2012 httpRange-14 resolution allows a 200 for a thing's IRI when the
answer describes it (Content-Location says which document it is). IRIs outside the
served namespaces answer at ``/resource?iri=…[&format=ttl]``. An IRI the store knows
nothing about answers 404.

The description (RDF formats) is: the triples with the IRI as subject, up to 500 with
it as object, the labels (``rdfs:label``, ``skos:prefLabel``) of the resources it links
to, and for a named graph its size (``a sd:Graph ; void:triples N``). It is a SPARQL
CONSTRUCT run through the worker pool like any query.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, request

from budgetkg.loader.namespaces import PREFIXES as LOADER_PREFIXES

from .errors import ApiError
from .conneg import Variant, best_variant
from .formats import FORMATS_BY_NAME, GRAPH_FORMATS, Format, NotInXml, offered_variants, serialize_graph
from .iri_map import FORMAT_EXTENSIONS, document_path, split_extension
from .querying import construct, iri as iri_term
from .state import get_state
from .web_state import get_web

bp = Blueprint("linked_data", __name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")
INBOUND_LIMIT = 500

# Descriptions are written for people too: Turtle grouped by subject, JSON-LD compacted.
from .rdf_out import serialize_description as serialize_graph  # noqa: E402,F811

DESCRIBE = """\
CONSTRUCT {{
  {t} ?p ?o . ?o ?olp ?ol .
  ?s ?q {t} . ?s ?slp ?sl .
  ?graph a sd:Graph ; void:triples ?n .
}}
WHERE {{
  {{ {t} ?p ?o .
    OPTIONAL {{ FILTER(isIRI(?o)) VALUES ?olp {{ rdfs:label skos:prefLabel }} ?o ?olp ?ol }} }}
  UNION
  {{ {{ SELECT ?s ?q WHERE {{ ?s ?q {t} }} LIMIT {limit} }}
    OPTIONAL {{ VALUES ?slp {{ rdfs:label skos:prefLabel }} ?s ?slp ?sl }} }}
  UNION
  {{ {{ SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {t} {{ ?a ?b ?c }} }} HAVING (COUNT(*) > 0) }}
    BIND({t} AS ?graph) }}
}}
"""


def rdf_prefixes(base: str) -> dict[str, str]:
    out = {name: str(ns) for name, ns in LOADER_PREFIXES.items()}
    out["id"] = base
    out["sd"] = "http://www.w3.org/ns/sparql-service-description#"
    return out


#: A resource's JSON-LD document is compacted (``rdf_out``); the expanded and flattened
#: forms answer a request whose ``profile`` names them.
JSONLD_DOCUMENT = FORMATS_BY_NAME["jsonld-compacted"]


def _document_format(fmt: Format) -> Format:
    return JSONLD_DOCUMENT if fmt.name == "jsonld" else fmt


def negotiate_resource_format(requested: str | None) -> Format | str | None:
    """``"html"`` or a graph :class:`Format`; None when nothing offered is acceptable."""
    if requested:
        key = requested.strip().lower().lstrip(".")
        if key in ("html", "htm"):
            return "html"
        for fmt in GRAPH_FORMATS:
            if key in fmt.aliases or key in fmt.media_types or FORMAT_EXTENSIONS[fmt.name] == "." + key:
                return _document_format(fmt)
        raise ApiError(400, "Unknown format", f"unknown format {requested!r}; use html, ttl, jsonld, nt or rdf")
    accept = request.accept_mimetypes
    if not accept:
        return "html"
    offered: list[tuple[Variant, Format | str]] = [(Variant(mt), "html") for mt in HTML_TYPES]
    offered += _compacted_first(offered_variants(GRAPH_FORMATS))
    best = best_variant(accept, [v for v, _ in offered])
    return None if best is None else next(fmt for v, fmt in offered if v is best)


def _compacted_first(graph: Sequence[tuple[Variant, Format]]) -> list[tuple[Variant, Format]]:
    """The compacted document first among the JSON-LD forms: a plain
    ``application/ld+json`` gets it (ties go to the first offered)."""
    first_jsonld = next(i for i, (_, f) in enumerate(graph) if f.name.startswith("jsonld"))
    compacted = [vf for vf in graph if vf[1].name == JSONLD_DOCUMENT.name]
    rest = [vf for vf in graph if vf[1].name != JSONLD_DOCUMENT.name]
    return rest[:first_jsonld] + compacted + rest[first_jsonld:]


def dereference(rest: str) -> Response:
    """A resource under a served namespace (``/id/…``, ``/def/…``)."""
    web = get_web()
    if request.path.endswith(".csv"):  # a project year's table as CSV
        from .pages import table_csv

        iri = web.mapper.iri_for_path(request.path[: -len(".csv")])
        table = table_csv(iri) if iri else None
        if table is None:
            raise ApiError(404, "Not found", f"No table at {request.path}.")
        return table
    stem, ext_format = split_extension(request.path)
    iri = web.mapper.iri_for_path(stem)
    if iri is None:
        raise ApiError(404, "Not found", f"No resource at {request.path}.")
    fmt = (ext_format if ext_format == "html" else _document_format(FORMATS_BY_NAME[ext_format])) if ext_format else negotiate_resource_format(None)
    host = request.host_url.rstrip("/")
    return answer(iri, fmt, negotiated=ext_format is None, doc_url=lambda name: host + document_path(stem, FORMAT_EXTENSIONS[name]))


@bp.route("/resource")
def resource_by_iri() -> Response:
    """Any IRI, local or not: ``/resource?iri=…[&format=ttl]``."""
    iri = request.args.get("iri", "").strip()
    if not iri:
        raise ApiError(400, "Missing IRI", "Give the IRI to describe: /resource?iri=…")
    requested = request.args.get("format") or None
    fmt = negotiate_resource_format(requested)
    web = get_web()
    path = web.mapper.path_for_iri(iri)

    def doc_url(name: str) -> str:
        if path is not None:
            return request.host_url.rstrip("/") + document_path(path, FORMAT_EXTENSIONS[name])
        return request.base_url + "?" + urlencode({"iri": iri, "format": FORMAT_EXTENSIONS[name].lstrip(".")})

    return answer(iri, fmt, negotiated=requested is None, doc_url=doc_url)


def answer(iri: str, fmt: Format | str | None, *, negotiated: bool, doc_url: Callable[[str], str]) -> Response:
    """The description of ``iri`` in ``fmt`` (a graph format or "html"); ``doc_url(name)``
    is the URL of the document in each format (for Content-Location and Link)."""
    if fmt is None:
        offered = ", ".join(list(HTML_TYPES) + [f.media_type for f in GRAPH_FORMATS])
        raise ApiError(406, "Not acceptable", f"None of the accepted media types is available; offered: {offered}.")
    try:
        iri_term(iri)
    except ValueError:
        raise ApiError(404, "Not found", f"{iri!r} is not a valid IRI.") from None
    if fmt == "html":
        from .pages import render_resource

        fmt_name = "html"
        response = render_resource(iri)
    else:
        assert isinstance(fmt, Format)
        fmt_name = "jsonld" if fmt.name.startswith("jsonld") else fmt.name  # one document per syntax
        response = _rdf_answer(iri, fmt)
    response.headers["Content-Location"] = doc_url(fmt_name)
    links = [f'<{doc_url(name)}>; rel="alternate"; type="{_media_type(name)}"'
             for name in FORMAT_EXTENSIONS if name != fmt_name]
    response.headers["Link"] = ", ".join(links)
    if negotiated:
        response.vary.add("Accept")
    return response


def _media_type(name: str) -> str:
    return "text/html" if name == "html" else FORMATS_BY_NAME[name].media_type


def describe(iri: str) -> tuple[list[ox.Triple], bool]:
    """The description triples of ``iri`` (empty when the store does not know it)."""
    state = get_state()
    return construct(state, DESCRIBE.format(t=iri_term(iri), limit=INBOUND_LIMIT))


def _rdf_answer(iri: str, fmt: Format) -> Response:
    triples, truncated = describe(iri)
    if not triples:
        raise ApiError(404, "Not found", f"The dataset says nothing about <{iri}>.")
    state = get_state()
    try:
        body = serialize_graph(triples, fmt, rdf_prefixes(state.settings.base_iri))
    except NotInXml as exc:
        raise ApiError(406, "Not representable in XML", f"The description of <{iri}>: {exc}.") from None
    response = Response(body, status=200, content_type=fmt.content_type)
    if truncated:
        response.headers["X-Results-Truncated"] = "true"
    return response

