"""The canned-query API: ``GET /queries`` and ``GET /queries/NAME?param=…``.

The queries are the files of ``budgetkg.queries`` (see ``budgetkg.queries.catalog``).
Parameters come from the query string, are validated by type and bound as RDF terms in
the query's VALUES lines; the bound query then runs like any ``/sparql`` request: the
same worker pool and timeout, the same formats and content negotiation. Answers are
kept in a size-bounded LRU cache keyed by (query, bound parameters, format, store
version), so a repeated canned query is answered without touching the store.

A browser (Accept preferring ``text/html``, no ``format=``) gets pages instead, as
datasette gives: the list, and for one query its description, a form with the store's
values, the results table, a chart and download links (``canned_pages``).
``GET /queries/NAME.rq`` answers the bound text itself (what the editor runs).
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, request

from budgetkg.queries.catalog import CannedQuery, Catalog, ParameterError, UnknownQuery, YearsError, load_catalog

from .canned_run import run_bound, store_facts
from .errors import ApiError
from .formats import FORMATS_BY_NAME, RESULT_FORMATS
from .sparql import ALL_PARAMETER, LIMIT_HEADER, TRUNCATED_HEADER, answer, pick_format, row_limits, wants_all
from .state import get_state

bp = Blueprint("canned", __name__)

CACHE_HEADER = "X-Cache"


def _catalog() -> Catalog:
    return load_catalog()


def wants_html() -> bool:
    """A browser asking for a page: no ``format=``, and text/html preferred to JSON."""
    if request.args.get("format"):
        return False
    accept = request.accept_mimetypes
    html = accept["text/html"]
    return bool(html) and html > max(accept["application/json"], accept["application/sparql-results+json"])


@bp.route("/queries", methods=["GET"])
def list_queries() -> Response:
    if wants_html():
        from .canned_pages import list_page

        return list_page(_catalog())
    body = {"queries": [dict(q.to_json(), url=f"{request.script_root}/queries/{q.name}") for q in _catalog().values()]}
    return Response(json.dumps(body, ensure_ascii=False, indent=1) + "\n", mimetype="application/json")


def _query(name: str) -> CannedQuery:
    try:
        return _catalog()[name]
    except UnknownQuery as exc:
        raise ApiError(404, "Unknown query", str(exc)) from None


def _params() -> dict[str, str]:
    params = {}
    for key in request.args:
        if key in ("format", ALL_PARAMETER):
            continue
        values = request.args.getlist(key)
        if len(values) > 1:
            raise ApiError(400, "Bad parameter", f"parameter {key!r} is given {len(values)} times; give it once")
        if values[0] != "" or not wants_html():  # an empty field of the page's form: the default
            params[key] = values[0]
    return params


def resolve_terms(query: CannedQuery, params: dict[str, str]) -> dict[str, str]:
    """The bound terms, or a 400 naming the bad parameter (and the store's years)."""
    try:
        return query.resolve(params, store_facts(query) if query.uses_years else None)
    except YearsError as exc:
        raise ApiError(400, "Year not in the store", str(exc)) from None
    except ParameterError as exc:
        raise ApiError(400, "Bad parameter", str(exc)) from None


@bp.route("/queries/<name>.rq", methods=["GET"])
def query_text(name: str) -> Response:
    """The query with its parameters bound as ``/queries/NAME`` binds them (store defaults
    included): what the editor loads, so that its one click answers the same rows."""
    query = _query(name)
    text = query.bind_terms(resolve_terms(query, _params()))
    response = Response(text, mimetype="application/sparql-query")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/queries/<name>", methods=["GET"])
def run_query(name: str) -> Response:
    query = _query(name)
    if wants_html():
        from .canned_pages import query_page

        return query_page(query, _params())
    fmt = pick_format(RESULT_FORMATS, request.args.get("format") or None, required=True)
    assert fmt is not None
    terms = resolve_terms(query, _params())
    whole = wants_all()
    outcome, hit, etag = run_bound(query, terms, fmt.name, whole=whole)
    if outcome is None:
        response = Response(status=304)
        response.set_etag(etag)
        return response
    settings = get_state().settings
    out_fmt = FORMATS_BY_NAME[outcome.format_name or "json"]
    response = answer(outcome.body, out_fmt.content_type, whole)
    response.headers[LIMIT_HEADER] = str(row_limits(settings, whole)[0])
    if whole:  # a download: saved under the query's name
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.{out_fmt.name}"'
    response.headers[CACHE_HEADER] = "hit" if hit else "miss"
    if outcome.truncated:
        response.headers[TRUNCATED_HEADER] = "true"
    response.vary.add("Accept")
    response.set_etag(etag)
    return response


