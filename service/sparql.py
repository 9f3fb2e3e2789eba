"""The ``/sparql`` endpoint: SPARQL 1.1 Protocol queries, read-only."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, current_app, request

from . import precheck
from .description import PREFIXES, service_description
from budgetkg.store.sparql_errors import describe

from .errors import ApiError
from .formats import FORMATS_BY_NAME, GRAPH_FORMATS, RESULT_FORMATS, Format, UnknownFormat, negotiate, serialize_graph
from .protocol import read_query_request
from .querying import iri
from .state import ServiceState, get_state
from .tasks import QueryTask

bp = Blueprint("sparql", __name__)

TRUNCATED_HEADER = "X-Results-Truncated"
LIMIT_HEADER = "X-Results-Limit"
#: The parameter asking for the whole answer: past max_rows, up to max_download_rows.
ALL_PARAMETER = "all"
#: Bytes per chunk of a whole-answer download (sent with chunked transfer encoding).
CHUNK_BYTES = 64 * 1024


def wants_all() -> bool:
    """Whether the request asks for the whole answer (``all=1``, in the URL or the form)."""
    value = request.values.get(ALL_PARAMETER)
    if value is None:
        return False
    text = value.strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off", ""}:
        return False
    raise ApiError(400, "Bad parameter", f"{ALL_PARAMETER} must be 1 or 0, got {value!r}")


def row_limits(settings: Any, whole: bool) -> tuple[int, float]:
    """(row cap, seconds) of a request: the interactive ones, or the download ones."""
    if whole:
        return settings.max_download_rows, settings.download_timeout
    return settings.max_rows, settings.query_timeout


def chunked(body: bytes) -> Iterator[bytes]:
    """A whole answer, sent in chunks: the client starts reading at once."""
    for start in range(0, len(body), CHUNK_BYTES):
        yield body[start:start + CHUNK_BYTES]


def answer(body: bytes, content_type: str, whole: bool) -> Response:
    if whole:
        return Response(chunked(body), status=200, content_type=content_type)
    return Response(body, status=200, content_type=content_type)


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
    whole = wants_all()
    max_rows, seconds = row_limits(settings, whole)
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
        max_rows=max_rows,
    )
    etag = etag_for(state.current_version(), task)
    if request.if_none_match.contains(etag):
        response = Response(status=304)
        response.set_etag(etag)
        return response
    outcome = state.executor.run(task, seconds)
    if outcome.log_text:
        current_app.logger.error("query failed: %s\n%s", outcome.detail, outcome.log_text)
    if not outcome.ok:
        detail = outcome.detail
        if outcome.status == 400 and task.query.endswith(req.query):
            # the line and column in the client's own text (the BASE put before it shifts line 1)
            detail = describe(req.query, detail, first_line_shift=len(task.query) - len(req.query)) or detail
        raise ApiError(outcome.status, outcome.title, detail)
    fmt = next((f for f in (results_fmt, graph_fmt) if f and f.name == outcome.format_name),
               FORMATS_BY_NAME[outcome.format_name or "json"])  # as negotiated: the media type that matched
    response = answer(outcome.body, fmt.content_type, whole)
    response.headers[LIMIT_HEADER] = str(max_rows)
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
