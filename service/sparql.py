"""The ``/sparql`` endpoint: SPARQL 1.1 Protocol queries, read-only."""

from __future__ import annotations

import hashlib
import json

from flask import Blueprint, Response, current_app, request

from . import precheck
from .description import PREFIXES, service_description
from .errors import ApiError
from .formats import FORMATS_BY_NAME, GRAPH_FORMATS, RESULT_FORMATS, Format, UnknownFormat, negotiate, serialize_graph
from .protocol import read_query_request
from .querying import iri
from .state import ServiceState, get_state
from .tasks import QueryTask

bp = Blueprint("sparql", __name__)

TRUNCATED_HEADER = "X-Results-Truncated"
LIMIT_HEADER = "X-Results-Limit"


def _not_acceptable(family: tuple[Format, ...]) -> ApiError:
    offered = ", ".join(f.media_type for f in family)
    return ApiError(406, "Not acceptable", f"None of the accepted media types is available; offered: {offered}.")


def pick_format(family: tuple[Format, ...], requested: str | tuple[str, ...] | None, required: bool) -> Format | None:
    """Negotiate within one family; errors only matter for the family the query needs."""
    try:
        fmt = negotiate(family, request.accept_mimetypes, requested)
    except UnknownFormat as exc:
        if required:
            raise ApiError(400, "Unknown format", str(exc)) from None
        return None
    if fmt is None and required:
        raise _not_acceptable(family)
    return fmt


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    state = get_state()
    settings = state.settings
    req = read_query_request(request)
    if req is None:
        return _describe(state)
    try:
        shape = precheck.check(req.query, state.limits)
    except precheck.QueryRefused as exc:
        raise ApiError(exc.status, exc.title, exc.detail) from None
    is_graph = shape.form in {"CONSTRUCT", "DESCRIBE"}
    is_results = shape.form in {"SELECT", "ASK"}
    results_fmt = pick_format(RESULT_FORMATS, req.formats, required=is_results)
    graph_fmt = pick_format(GRAPH_FORMATS, req.formats, required=is_graph)
    if shape.form is None and results_fmt is None and graph_fmt is None and req.format:
        raise ApiError(400, "Unknown format", f"unknown format {req.format!r}")
    task = QueryTask(
        query=with_base(req.query, request.base_url),
        default_graphs=req.default_graphs,
        named_graphs=req.named_graphs,
        results_format=results_fmt.name if results_fmt else None,
        graph_format=graph_fmt.name if graph_fmt else None,
        max_rows=settings.max_rows,
    )
    etag = etag_for(state.current_version(), task)
    if request.if_none_match.contains(etag):
        response = Response(status=304)
        response.set_etag(etag)
        return response
    outcome = state.executor.run(task, settings.query_timeout)
    if outcome.log_text:
        current_app.logger.error("query failed: %s\n%s", outcome.detail, outcome.log_text)
    if not outcome.ok:
        raise ApiError(outcome.status, outcome.title, outcome.detail)
    fmt = next((f for f in (results_fmt, graph_fmt) if f and f.name == outcome.format_name),
               FORMATS_BY_NAME[outcome.format_name or "json"])  # as negotiated: the media type that matched
    response = Response(outcome.body, status=200, content_type=fmt.content_type)
    response.headers[LIMIT_HEADER] = str(settings.max_rows)
    if outcome.truncated:
        response.headers[TRUNCATED_HEADER] = "true"
    response.vary.add("Accept")
    response.set_etag(etag)
    return response


def with_base(query: str, base: str) -> str:
    """The query with the endpoint's URL as its base IRI, so relative IRIs resolve (RFC
    3986 §5.1.3: the retrieval URI). On the first line: error positions stay right but
    for the columns of line 1. A BASE of the query's own comes later and wins. The URL
    is written by the engine's own IRI serializer (the Host header is the client's)."""
    try:
        return f"BASE {iri(base)} {query}"
    except ValueError:
        return query


def etag_for(version: str, task: QueryTask) -> str:
    # The data cannot change while the server runs (the store is locked against
    # writers), so the same request on the same store version gives the same bytes.
    key = json.dumps([version, task.query, task.default_graphs, task.named_graphs,
                      task.results_format, task.graph_format, task.max_rows])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _describe(state: ServiceState) -> Response:
    fmt = pick_format(GRAPH_FORMATS, request.args.get("format") or None, required=True)
    assert fmt is not None
    triples = service_description(
        request.base_url,
        state.current_graphs(),
        query_timeout=state.settings.query_timeout,
        max_rows=state.settings.max_rows,
    )
    response = Response(serialize_graph(triples, fmt, PREFIXES), status=200, content_type=fmt.content_type)
    response.vary.add("Accept")
    return response
