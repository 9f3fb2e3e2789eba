"""Running a canned query with its bound terms, for the API and its pages: answers kept
in a size-bounded LRU cache keyed by (query, bound parameters, format, row cap, store
version), and the store's facts (years, first project, top indicator and word) once per
store version and pre-query.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field

from cachetools import LRUCache
from flask import current_app, request

from budgetkg.queries.catalog import SUMMARIES_MISSING, SUMMARIES_QUERY, CannedQuery, StoreFacts

from .errors import ApiError
from .formats import FORMATS_BY_NAME
from .sparql import etag_for, row_limits
from .state import ServiceState, get_state
from .tasks import Outcome, QueryTask

#: Bytes of serialized answers the cache may hold (each app has its own cache).
CACHE_BYTES = 64 * 1024 * 1024
CACHE_EXTENSION = "budgetkg.canned"


@dataclass
class _Cache:
    answers: LRUCache  # key -> Outcome
    years: dict[tuple[str, str], StoreFacts]  # (store version, facts query) -> the store's facts
    lock: threading.Lock
    missing: dict[str, int] = field(default_factory=dict)  # store version -> tables without summaries


def _cache() -> _Cache:
    ext = current_app.extensions
    cache = ext.get(CACHE_EXTENSION)
    if cache is None:
        cache = ext.setdefault(
            CACHE_EXTENSION,
            _Cache(LRUCache(maxsize=CACHE_BYTES, getsizeof=lambda o: len(o.body) + 200), {}, threading.Lock()),
        )
    return cache


def run_bound(query: CannedQuery, terms: dict[str, str], fmt_name: str,
              conditional: bool = True, whole: bool = False) -> tuple[Outcome | None, bool, str]:
    """(answer, from the cache?, ETag); answer None when the client's copy is current.
    ``whole``: past the row cap, up to max_download_rows within download_timeout (never
    cached: a whole answer may be larger than the cache)."""
    name = query.name
    state = get_state()
    settings = state.settings
    cache = _cache()
    if query.reads_summaries:
        _check_summaries(query)
    fmt = FORMATS_BY_NAME[fmt_name]
    max_rows, seconds = row_limits(settings, whole)
    task = QueryTask(
        query=query.bind_terms(terms),
        default_graphs=None,
        named_graphs=None,
        results_format=fmt.name,
        graph_format=None,
        max_rows=max_rows,
    )
    version = _version(state)
    etag = etag_for(version, task)
    if conditional and request.if_none_match.contains(etag):
        return None, False, etag
    key = (name, tuple(sorted(terms.items())), fmt.name, max_rows, version)
    with cache.lock:
        outcome: Outcome | None = None if whole else cache.answers.get(key)
    hit = outcome is not None
    if outcome is None:
        outcome = state.executor.run(task, seconds)
        if outcome.log_text:
            current_app.logger.error("canned query %s failed: %s\n%s", name, outcome.detail, outcome.log_text)
        if not outcome.ok:
            raise ApiError(outcome.status, outcome.title, outcome.detail)
        if not whole:
            with cache.lock:
                cache.answers[key] = outcome
    return outcome, hit, etag


def _version(state: ServiceState) -> str:
    # current_version() re-reads it when others may write the store (a remote backend).
    current = getattr(state, "current_version", None)
    return current() if current is not None else state.version


def _check_summaries(query: CannedQuery) -> None:
    """Refuse a query that reads load-time summaries on a store that lacks some (loaded
    by older code: SUMMARIES_QUERY): its rows would be wrong. Checked once per store version."""
    state = get_state()
    cache = _cache()
    version = _version(state)
    with cache.lock:
        missing = cache.missing.get(version)
    if missing is None:
        outcome = state.executor.run(QueryTask(SUMMARIES_QUERY, None, None, "json", None, 10), state.settings.query_timeout)
        if not outcome.ok:
            raise ApiError(outcome.status, outcome.title, outcome.detail)
        rows = json.loads(outcome.body)["results"]["bindings"]
        missing = int(rows[0]["missing"]["value"]) if rows and "missing" in rows[0] else 0
        with cache.lock:
            cache.missing[version] = missing
    if missing:
        raise ApiError(409, "Store needs rebuilding", SUMMARIES_MISSING.format(n=missing, name=query.name))


def store_facts(query: CannedQuery) -> StoreFacts:
    """What the store decides for ``query``'s defaults (years, first project, top
    indicator and word), once per store version and pre-query."""
    state = get_state()
    cache = _cache()
    key = (_version(state), query.facts_query)
    with cache.lock:
        known = cache.years.get(key)
    if known is not None:
        return known
    task = QueryTask(query.facts_query, None, None, "json", None, 10_000)
    outcome = state.executor.run(task, state.settings.query_timeout)
    if not outcome.ok:
        raise ApiError(outcome.status, outcome.title, outcome.detail)
    years = StoreFacts.from_json(json.loads(outcome.body))
    with cache.lock:
        cache.years[key] = years
    return years
