"""Talking to a SPARQL server: SPARQL 1.1 Query and Update over HTTP, nothing more.

Queries go through SPARQLWrapper (results as SPARQL JSON or N-Triples, read back into
pyoxigraph objects so the service serializes and caps them exactly as for the embedded
store); updates are POSTed form-encoded, each retried with backoff on transient errors.
What a query *means* (its dataset, the staging protocol) is the remote store's business
(``remote``, ``staging``); what one server does differently is ``virtuoso``'s.

Credentials are kept here and never put in URLs, messages or logs.
"""

from __future__ import annotations

import http.client
import json
import logging
import random
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

import pyoxigraph as ox

from . import virtuoso
from .base import QueryResults, QueryTimeout, StoreError

log = logging.getLogger(__name__)

#: Largest answer read from the store; past it the query fails (the row cap applies later).
MAX_RESPONSE_BYTES = 256 * 1024 * 1024
#: Extra seconds the HTTP client waits past the query timeout (the service's own
#: clock answers the client on time; this only bounds the abandoned request).
GRACE_SECONDS = 2.0

#: A dataset as the protocol's (default-graph-uri, named-graph-uri) lists.
Dataset = tuple[list[str], list[str]]


class Transient(Exception):
    """An HTTP failure worth retrying (connection reset, 5xx, deadlock)."""


class SparqlTransport:
    """One SPARQL server's query and update endpoints, with their credentials."""

    def __init__(self, query_url: str, *, update_url: str | None = None, user: str = "",
                 password: str = "", auth: str = "digest", timeout: float = 30.0,
                 retries: int = 5, backoff: float = 0.5) -> None:
        self.query_url = query_url
        self.update_url = update_url or query_url
        self._user = user
        self._password = password
        self._auth = auth
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.virtuoso: bool | None = None  # learnt from the Server header
        self._reached = False  # a refused first connection is a wrong URL, not a hiccup
        self.opener = make_opener(self.update_url, user, password)

    def __repr__(self) -> str:  # no credentials
        return f"SparqlTransport({self.query_url!r})"

    # -- queries -------------------------------------------------------------------

    def query(self, sparql: str, form: str, dataset: Dataset | None) -> QueryResults:
        """Send a query of ``form`` (the lexer's) with ``dataset``; pyoxigraph results."""
        if dataset is not None and self.virtuoso is None:
            self._learn_server()
        if dataset is not None and self.virtuoso:
            sparql = virtuoso.dataset_pragmas(*dataset) + sparql  # not parameters: they are echoed
            dataset = None
        body, content_type, headers = self._send_query(self._client(sparql, form, dataset))
        if self.virtuoso is None:
            self.virtuoso = virtuoso.is_virtuoso(headers)
        if virtuoso.stopped_at_timeout(headers):
            raise QueryTimeout(f"the store stopped the query at its time limit of {self.timeout:g} s")
        if form in {"CONSTRUCT", "DESCRIBE"}:
            return graph_results(body, content_type)
        return solutions(body, content_type)

    def is_virtuoso(self) -> bool:
        """Whether the server is Virtuoso (asked once)."""
        if self.virtuoso is None:
            self._learn_server()
        return bool(self.virtuoso)

    def _learn_server(self) -> None:
        """Which server this is (its ``Server`` header), before a query whose dataset it
        must be told in its own way."""
        headers = self._send_query(self._client("ASK {}", "ASK", None))[2]
        self.virtuoso = virtuoso.is_virtuoso(headers)

    def _client(self, sparql: str, form: str, dataset: Dataset | None) -> Any:
        from SPARQLWrapper import BASIC, DIGEST, JSON, TURTLE

        is_graph = form in {"CONSTRUCT", "DESCRIBE"}
        # The form is the lexer's: SPARQLWrapper's own guess is fooled by comments.
        client = sparql_client(self.query_url, sparql, timeout=max(1, round(self.timeout + GRACE_SECONDS)),
                               return_format=TURTLE if is_graph else JSON, form=form, agent="budgetkg")
        client.setOnlyConneg(True)  # no format=/output= parameters, just Accept
        client.addCustomHttpHeader(
            "Accept", "application/n-triples, text/turtle;q=0.9" if is_graph
            else "application/sparql-results+json")
        if self.virtuoso:
            for name, value in virtuoso.timeout_parameter(self.timeout).items():
                client.addParameter(name, value)
        if dataset is not None:
            for g in dataset[0]:
                client.addDefaultGraph(g)
            for g in dataset[1]:
                client.addNamedGraph(g)
        if self._user:
            client.setHTTPAuth(DIGEST if self._auth == "digest" else BASIC)
            client.setCredentials(self._user, self._password)
        return client

    def _send_query(self, client: Any) -> tuple[bytes, str, http.client.HTTPMessage]:
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        try:
            result = client.query()
            response = result.response
            body = response.read(MAX_RESPONSE_BYTES + 1)
            headers = response.info()
            response.close()
        except SPARQLWrapperException as exc:
            status = {"QueryBadFormed": 400, "Unauthorized": 401, "EndPointNotFound": 404,
                      "URITooLong": 414, "EndPointInternalError": 500}.get(type(exc).__name__, 500)
            raise virtuoso.query_error(status, _response_text(exc)) from None
        except urllib.error.HTTPError as exc:
            raise virtuoso.query_error(exc.code, _read_error(exc)) from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            if _is_timeout(exc):
                raise QueryTimeout(f"the store did not answer within {self.timeout:g} s") from None
            raise StoreError(f"cannot reach the store at {self.query_url}: {_reason(exc)}") from None
        if len(body) > MAX_RESPONSE_BYTES:
            raise StoreError(f"the store's answer is larger than {MAX_RESPONSE_BYTES >> 20} MiB; add a LIMIT")
        return body, headers.get("Content-Type", ""), headers

    # -- updates -------------------------------------------------------------------

    def update(self, update: str, *, already_done: Callable[[], bool] | None = None) -> None:
        """POST one SPARQL Update, retrying transient failures with exponential backoff."""
        data = urllib.parse.urlencode({"update": update}).encode("ascii")
        for attempt in range(self.retries + 1):
            try:
                self._post(data)
                self._reached = True
                return
            except Transient as exc:
                if not self._reached and isinstance(exc.__context__, (urllib.error.URLError, OSError)) \
                        and isinstance(getattr(exc.__context__, "reason", exc.__context__), ConnectionRefusedError):
                    raise StoreError(f"cannot reach the store at {self.update_url}: {exc}") from None
                if attempt == self.retries:
                    raise StoreError(f"the store kept failing ({exc}); gave up after "
                                     f"{self.retries + 1} attempts") from None
                delay = self.backoff * 2 ** attempt * (0.5 + random.random())
                log.warning("store write failed (%s); retrying in %.1f s", exc, delay)
                time.sleep(delay)
                if already_done is not None and already_done():
                    return

    def _post(self, data: bytes) -> None:
        request = urllib.request.Request(self.update_url, data=data, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            "Accept": "*/*",
            "User-Agent": "budgetkg",
        })
        try:
            with self.opener.open(request, timeout=max(self.timeout, 60.0) + GRACE_SECONDS) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            text = _read_error(exc)
            if exc.code in {401, 403}:
                raise StoreError(f"the store refused the write (HTTP {exc.code}): check store_user and "
                                 "store_password (environment or config file) and the user's update "
                                 "rights") from None
            if virtuoso.update_is_transient(exc.code, text):
                raise Transient(f"HTTP {exc.code}") from None
            raise StoreError(f"the store rejected the update (HTTP {exc.code}): "
                             f"{virtuoso.first_line(text)}") from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            raise Transient(_reason(exc)) from None


def sparql_client(url: str, query: str, *, timeout: int, return_format: str = "json",
                  form: str | None = None, agent: str | None = None) -> Any:
    """A SPARQLWrapper client set up the way every caller wants it: POST (no query in
    the URL), a timeout in whole seconds, the query, the results format.

    ``form`` overrides SPARQLWrapper's guess of the query form (a regular expression that
    words such as "load" in comments fool); without it the guess is made quietly (the
    endpoint's parser says what is wrong with a query)."""
    import warnings

    from SPARQLWrapper import POST, SPARQLWrapper

    client = SPARQLWrapper(url, agent=agent) if agent else SPARQLWrapper(url)
    client.setMethod(POST)
    client.setTimeout(timeout)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        client.setQuery(query)
    if form is not None:
        client.queryType = form
    client.setReturnFormat(return_format)
    return client


def make_opener(url: str, user: str, password: str) -> urllib.request.OpenerDirector:
    """An opener of our own (never installed globally) answering Basic or Digest."""
    if not user:
        return urllib.request.build_opener()
    manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    manager.add_password(None, url, user, password)
    return urllib.request.build_opener(
        urllib.request.HTTPBasicAuthHandler(manager), urllib.request.HTTPDigestAuthHandler(manager)
    )


def solutions(body: bytes, content_type: str) -> QueryResults:
    """SELECT / ASK results as pyoxigraph reads them."""
    if "json" not in content_type:
        fmt = ox.QueryResultsFormat.from_media_type(content_type.split(";")[0].strip())
        if fmt is None:
            raise StoreError(f"the store answered in an unexpected format ({content_type})")
        return ox.parse_query_results(body, format=fmt)
    try:
        doc = json.loads(body)
    except ValueError as exc:
        raise StoreError(f"the store's answer is not valid JSON: {exc}") from None
    for row in (doc.get("results") or {}).get("bindings", []):
        for term in row.values():
            virtuoso.canonical_term(term)
    data = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    try:
        return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
    except SyntaxError as exc:
        raise StoreError(f"cannot read the store's answer: {exc}") from None


def graph_results(body: bytes, content_type: str) -> QueryResults:
    """CONSTRUCT / DESCRIBE results as pyoxigraph ``QueryTriples``."""
    media = content_type.split(";")[0].strip() or "text/turtle"
    fmt = ox.RdfFormat.from_media_type(media)
    if fmt is None:
        raise StoreError(f"the store answered in an unexpected format ({content_type})")
    try:
        triples = [q.triple for q in ox.parse(body, format=fmt)]
    except SyntaxError as exc:
        raise StoreError(f"cannot read the store's answer: {exc}") from None
    # The service serializes pyoxigraph QueryTriples; an in-memory store makes one.
    scratch = ox.Store()
    scratch.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")


def _response_text(exc: Exception) -> str:
    # SPARQLWrapper keeps the answer only as the repr() of its bytes in the message.
    import ast

    raw = str(exc).split("Response:\n", 1)[-1]
    try:
        value = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        return raw
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _read_error(exc: urllib.error.HTTPError) -> str:
    try:
        return exc.read(65536).decode("utf-8", "replace")
    except (OSError, http.client.HTTPException):
        return ""


def _is_timeout(exc: BaseException) -> bool:
    reason = getattr(exc, "reason", exc)
    return isinstance(reason, (TimeoutError, socket.timeout)) or isinstance(exc, (TimeoutError, socket.timeout))


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None) or exc
    return str(reason) or type(reason).__name__
