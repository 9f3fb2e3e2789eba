"""The canned-query API: ``GET /queries`` and ``GET /queries/NAME?param=…``.

The queries are the files of ``budgetkg.queries`` (see ``budgetkg.queries.catalog``).
Parameters come from the query string, are validated by type and bound as RDF terms in
the query's VALUES lines; the bound query then runs like any ``/sparql`` request: the
same worker pool and timeout, the same formats and content negotiation. Answers are
kept in a size-bounded LRU cache keyed by (query, bound parameters, format, store
version), so a repeated canned query is answered without touching the store.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass

from cachetools import LRUCache
from flask import Blueprint, Response, current_app, request

from budgetkg.queries.catalog import YEARS_QUERY, Catalog, ParameterError, StoreFacts, UnknownQuery, load_catalog

from .errors import ApiError
from .formats import FORMATS_BY_NAME, RESULT_FORMATS
from .sparql import LIMIT_HEADER, TRUNCATED_HEADER, etag_for, pick_format
from .state import ServiceState, get_state
from .tasks import Outcome, QueryTask

bp = Blueprint("canned", __name__)

#: Bytes of serialized answers the cache may hold (each app has its own cache).
CACHE_BYTES = 64 * 1024 * 1024
CACHE_EXTENSION = "budgetkg.canned"
CACHE_HEADER = "X-Cache"


@dataclass
class _Cache:
    answers: LRUCache  # key -> Outcome
    years: dict[str, StoreFacts]  # store version -> the store's years and first project
    lock: threading.Lock


def _cache() -> _Cache:
    ext = current_app.extensions
    cache = ext.get(CACHE_EXTENSION)
    if cache is None:
        cache = ext.setdefault(
            CACHE_EXTENSION,
            _Cache(LRUCache(maxsize=CACHE_BYTES, getsizeof=lambda o: len(o.body) + 200), {}, threading.Lock()),
        )
    return cache


def _catalog() -> Catalog:
    return load_catalog()


@bp.route("/queries", methods=["GET"])
def list_queries() -> Response:
    body = {"queries": [dict(q.to_json(), url=f"{request.script_root}/queries/{q.name}") for q in _catalog().values()]}
    return Response(json.dumps(body, ensure_ascii=False, indent=1) + "\n", mimetype="application/json")


@bp.route("/queries/<name>", methods=["GET"])
def run_query(name: str) -> Response:
    state = get_state()
    settings = state.settings
    try:
        query = _catalog()[name]
    except UnknownQuery as exc:
        raise ApiError(404, "Unknown query", str(exc)) from None
    fmt = pick_format(RESULT_FORMATS, request.args.get("format") or None, required=True)
    assert fmt is not None
    params = {}
    for key in request.args:
        if key == "format":
            continue
        values = request.args.getlist(key)
        if len(values) > 1:
            raise ApiError(400, "Bad parameter", f"parameter {key!r} is given {len(values)} times; give it once")
        params[key] = values[0]
    cache = _cache()
    try:
        terms = query.resolve(params, _years(state, cache) if query.uses_years else None)
    except ParameterError as exc:
        raise ApiError(400, "Bad parameter", str(exc)) from None
    task = QueryTask(
        query=query.bind_terms(terms),
        default_graphs=None,
        named_graphs=None,
        results_format=fmt.name,
        graph_format=None,
        max_rows=settings.max_rows,
    )
    version = _version(state)
    etag = etag_for(version, task)
    if request.if_none_match.contains(etag):
        response = Response(status=304)
        response.set_etag(etag)
        return response
    key = (name, tuple(sorted(terms.items())), fmt.name, settings.max_rows, version)
    with cache.lock:
        outcome: Outcome | None = cache.answers.get(key)
    hit = outcome is not None
    if outcome is None:
        outcome = state.executor.run(task, settings.query_timeout)
        if outcome.log_text:
            current_app.logger.error("canned query %s failed: %s\n%s", name, outcome.detail, outcome.log_text)
        if not outcome.ok:
            raise ApiError(outcome.status, outcome.title, outcome.detail)
        with cache.lock:
            cache.answers[key] = outcome
    out_fmt = FORMATS_BY_NAME[outcome.format_name or "json"]
    response = Response(outcome.body, status=200, content_type=out_fmt.content_type)
    response.headers[LIMIT_HEADER] = str(settings.max_rows)
    response.headers[CACHE_HEADER] = "hit" if hit else "miss"
    if outcome.truncated:
        response.headers[TRUNCATED_HEADER] = "true"
    response.vary.add("Accept")
    response.set_etag(etag)
    return response


def _version(state: ServiceState) -> str:
    # current_version() re-reads it when others may write the store (a remote backend).
    current = getattr(state, "current_version", None)
    return current() if current is not None else state.version


def _years(state: ServiceState, cache: _Cache) -> StoreFacts:
    """The store's years and first project (for the defaults it decides), once per version."""
    version = _version(state)
    with cache.lock:
        known = cache.years.get(version)
    if known is not None:
        return known
    task = QueryTask(YEARS_QUERY, None, None, "json", None, 10_000)
    outcome = state.executor.run(task, state.settings.query_timeout)
    if not outcome.ok:
        raise ApiError(outcome.status, outcome.title, outcome.detail)
    years = StoreFacts.from_json(json.loads(outcome.body))
    with cache.lock:
        cache.years[version] = years
    return years
