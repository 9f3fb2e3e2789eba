"""The remote backend: a SPARQL server (Virtuoso, Fuseki, GraphDB, Neptune) over HTTP.

Only standard protocols: queries go through SPARQLWrapper (SPARQL 1.1 Query, results
as SPARQL JSON or N-Triples, read back into pyoxigraph objects so the service
serializes and caps them exactly as for the embedded store); loading is SPARQL 1.1
Update. See docs/stores.md for what differs from the embedded store.

Loading a graph never leaves it half-written for readers: the triples go, in batches
(each retried with backoff on transient errors), into a private staging graph, and
one final request drops the old graph, adds the staging graph to it and drops the
staging graph. A housekeeping graph (``HOUSEKEEPING``) records the graphs loaded
this way and a version token that each load changes.

The union default graph: a server's own default graph is often the union of *all*
its graphs, system graphs included (Virtuoso), or empty (Fuseki without
``unionDefaultGraph``). So when neither the request nor the query names a dataset,
the store sends the document graphs as the protocol's ``default-graph-uri`` and
``named-graph-uri``, which gives the embedded store's semantics on any server.

Credentials come from settings read from the environment or the config file; they
are never put in URLs, messages or logs.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import logging
import random
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import pyoxigraph as ox

from .precheck import scan
from .store import (
    N_QUADS,
    DataError,
    QueryError,
    QueryResults,
    QueryTimeout,
    Store,
    StoreError,
    group_by_graph,
)

log = logging.getLogger(__name__)

#: Graph of budgetkg's own bookkeeping in the remote store (never a document graph).
HOUSEKEEPING = "urn:budgetkg:store"
_STORE = ox.NamedNode("urn:budgetkg:store")
_HAS_GRAPH = ox.NamedNode("urn:budgetkg:graph")
_VERSION = ox.NamedNode("urn:budgetkg:version")
STAGING_PREFIX = "urn:budgetkg:staging:"
#: A graph that never exists: names an empty dataset (servers read "no graph" as "all").
EMPTY = "urn:budgetkg:empty"

XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
#: Largest answer read from the store; past it the query fails (the row cap applies later).
MAX_RESPONSE_BYTES = 256 * 1024 * 1024
#: Seconds the graph list and version are reused before asking the store again.
REFRESH_SECONDS = 5.0
#: Extra seconds the HTTP client waits past the query timeout (the service's own
#: clock answers the client on time; this only bounds the abandoned request).
GRACE_SECONDS = 2.0

# Virtuoso-only syntax that standard SPARQL lacks and that reaches outside the data:
# pragmas (DEFINE get:soft fetches the web), and built-in SQL functions (bif:, sql:).
_FORBIDDEN_SCHEMES = ("bif:", "sql:")
_VIRTUOSO_ERROR = re.compile(r"Virtuoso (?P<state>[0-9A-Z]{5}) Error")


class _Transient(Exception):
    """An HTTP failure worth retrying (connection reset, 5xx, deadlock)."""


class RemoteStore(Store):
    """A SPARQL 1.1 server reached over HTTP.

    ``query_url`` answers queries, ``update_url`` (default: ``query_url``) updates.
    ``timeout`` bounds each query (HTTP client timeout, and a server-side limit where
    the server takes one: Virtuoso's ``timeout`` parameter). ``progress`` is called
    with the number of triples in each batch written.
    """

    def __init__(
        self,
        query_url: str,
        *,
        update_url: str | None = None,
        user: str = "",
        password: str = "",
        auth: str = "digest",
        timeout: float = 30.0,
        batch_triples: int = 1000,
        retries: int = 5,
        backoff: float = 0.5,
        base_iri: str = "",
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self.query_url = query_url
        self.update_url = update_url or query_url
        self._user = user
        self._password = password
        self._auth = auth
        self.timeout = timeout
        self.batch_triples = batch_triples
        self.retries = retries
        self.backoff = backoff
        self.base_iri = base_iri
        self.progress = progress
        self._virtuoso: bool | None = None  # learnt from the Server header
        self._lock = threading.Lock()
        self._snapshot: tuple[float, list[str], str] | None = None
        self._reached = False  # a refused first connection is a wrong URL, not a hiccup
        self._opener = _opener(self.update_url, user, password)

    shared = True  # other processes may load into it while this one serves

    def __repr__(self) -> str:  # no credentials
        return f"RemoteStore({self.query_url!r})"

    # -- reading -----------------------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        default_graph_union: bool = True,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResults:
        shape = scan(sparql)
        if shape.form is None or shape.update_keyword:
            raise QueryError("not a SPARQL query: it must start with SELECT, CONSTRUCT, DESCRIBE or ASK "
                             "(after PREFIX and BASE declarations)")
        _refuse_extensions(sparql)
        dataset: tuple[list[str], list[str]] | None
        if default_graphs is not None or named_graphs is not None:
            dataset = ([_iri(g) for g in default_graphs or ()] or [EMPTY],
                       [_iri(g) for g in named_graphs or ()] or [EMPTY])
        elif shape.uses_from:
            # The query's FROM clauses choose among the store's graphs (servers do not
            # fetch them; see docs). FROM without FROM NAMED means no named graphs,
            # which servers such as Virtuoso read as "all of them".
            dataset = None if _uses_from_named(sparql) else ([], [EMPTY])
        elif default_graph_union:
            graphs = self.graphs() or [EMPTY]
            dataset = (graphs, graphs)
        else:
            dataset = ([EMPTY], [EMPTY])
        return self._select(sparql, shape.form, dataset)

    def _select(self, sparql: str, form: str, dataset: tuple[list[str], list[str]] | None) -> QueryResults:
        from SPARQLWrapper import BASIC, DIGEST, JSON, POST, TURTLE, SPARQLWrapper

        client = SPARQLWrapper(self.query_url, agent="budgetkg")
        client.setMethod(POST)
        client.setOnlyConneg(True)  # no format=/output= parameters, just Accept
        client.setQuery(sparql)
        # SPARQLWrapper guesses the form with a regular expression that words such as
        # "load" in comments fool; the service's scanner already knows it.
        client.queryType = form
        is_graph = form in {"CONSTRUCT", "DESCRIBE"}
        client.setReturnFormat(TURTLE if is_graph else JSON)
        client.addCustomHttpHeader(
            "Accept", "application/n-triples, text/turtle;q=0.9" if is_graph
            else "application/sparql-results+json")
        client.setTimeout(max(1, round(self.timeout + GRACE_SECONDS)))
        if self._virtuoso:
            # Virtuoso stops the query itself at this many milliseconds (its "anytime"
            # results, which the service refuses as a timeout rather than return cut).
            client.addParameter("timeout", str(max(1, int(self.timeout * 1000))))
        if dataset is not None:
            for g in dataset[0]:
                client.addDefaultGraph(g)
            for g in dataset[1]:
                client.addNamedGraph(g)
        if self._user:
            client.setHTTPAuth(DIGEST if self._auth == "digest" else BASIC)
            client.setCredentials(self._user, self._password)
        body, content_type, headers = self._send_query(client)
        self._note_server(headers)
        if headers.get("X-SQL-State", "").upper() == "S1TAT":
            raise QueryTimeout(f"the store stopped the query at its time limit of {self.timeout:g} s")
        if is_graph:
            return _graph_results(body, content_type)
        return _solutions(body, content_type)

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
            raise _query_error(status, _response_text(exc)) from None
        except urllib.error.HTTPError as exc:
            raise _query_error(exc.code, _read_error(exc)) from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            if _is_timeout(exc):
                raise QueryTimeout(f"the store did not answer within {self.timeout:g} s") from None
            raise StoreError(f"cannot reach the store at {self.query_url}: {_reason(exc)}") from None
        if len(body) > MAX_RESPONSE_BYTES:
            raise StoreError(f"the store's answer is larger than {MAX_RESPONSE_BYTES >> 20} MiB; add a LIMIT")
        return body, headers.get("Content-Type", ""), headers

    def _note_server(self, headers: http.client.HTTPMessage) -> None:
        if self._virtuoso is None:
            self._virtuoso = "virtuoso" in headers.get("Server", "").lower()

    def _select_rows(self, sparql: str) -> list[list[Any]]:
        """Rows of an internal SELECT on the whole store (no dataset restriction)."""
        results = self._select(sparql, "SELECT", None)
        return [list(row) for row in results]  # type: ignore[union-attr]

    def _refresh(self) -> tuple[list[str], str]:
        with self._lock:
            now = time.monotonic()
            if self._snapshot is not None and now - self._snapshot[0] < REFRESH_SECONDS:
                return self._snapshot[1], self._snapshot[2]
        # The document graphs: those this class loaded (listed in the housekeeping
        # graph), and any other graph under the base IRI (a bulk load of our dump).
        rows = self._select_rows(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
            f"FILTER(?g != <{HOUSEKEEPING}> && !STRSTARTS(STR(?g), \"{STAGING_PREFIX}\")) }}"
        )
        existing = {row[0].value for row in rows if isinstance(row[0], ox.NamedNode)}
        listed = {row[0].value for row in self._select_rows(
            f"SELECT ?g WHERE {{ GRAPH <{HOUSEKEEPING}> {{ {_STORE} {_HAS_GRAPH} ?g }} }}")
            if isinstance(row[0], ox.NamedNode)}
        graphs = sorted(g for g in existing if g in listed or (self.base_iri and g.startswith(self.base_iri)))
        token = [str(row[0]) for row in self._select_rows(
            f"SELECT ?v WHERE {{ GRAPH <{HOUSEKEEPING}> {{ {_STORE} {_VERSION} ?v }} }}")]
        count = ""
        if graphs:
            count = str(self._select(
                "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", "SELECT", ([], graphs)
            ).__next__()[0])  # type: ignore[union-attr]
        version = hashlib.sha256(json.dumps([sorted(token), graphs, count]).encode()).hexdigest()[:24]
        with self._lock:
            self._snapshot = (time.monotonic(), graphs, version)
        return graphs, version

    def is_empty(self) -> bool:
        return not self.graphs()

    def graphs(self) -> list[str]:
        return list(self._refresh()[0])

    def version(self) -> str:
        """Changes with every load through budgetkg, and when graphs or their total
        size change otherwise (checked at most every ``REFRESH_SECONDS``)."""
        return self._refresh()[1]

    # -- writing -----------------------------------------------------------------

    def replace_graphs(
        self,
        data: bytes | str,
        media_type: str = N_QUADS,
        *,
        graph_iri: str | None = None,
    ) -> dict[str, int]:
        groups = group_by_graph(
            data, media_type, graph_iri,
            reserved=lambda name: name == HOUSEKEEPING or name.startswith(STAGING_PREFIX),
        )
        staged: dict[str, str] = {}
        try:
            for name, triples in groups.items():
                if triples:
                    staged[name] = self._stage(triples)
            self._swap(groups, staged)
        finally:
            leftovers = [s for s in staged.values()]
            if leftovers:
                try:  # staging graphs are removed by the swap; after a failure, here
                    self._update(" ;\n".join(f"DROP SILENT GRAPH <{s}>" for s in leftovers))
                except StoreError:
                    log.warning("could not remove %d staging graph(s)", len(leftovers))
        with self._lock:
            self._snapshot = None
        return {name: len(triples) for name, triples in groups.items()}

    def _stage(self, triples: list[ox.Triple]) -> str:
        staging = f"{STAGING_PREFIX}{uuid.uuid4().hex}"
        node = ox.NamedNode(staging)
        # Blank nodes keep their identity only within one request, so every triple
        # that has one goes into the first batch.
        with_bnodes = [t for t in triples if _has_bnode(t)]
        plain = [t for t in triples if not _has_bnode(t)]
        batches: list[list[ox.Triple]] = []
        if with_bnodes:
            batches.append(with_bnodes)
        batches.extend(plain[i:i + self.batch_triples] for i in range(0, len(plain), self.batch_triples))
        for batch in batches:
            text = ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
            if with_bnodes and batch is with_bnodes:
                # INSERT DATA forbids blank nodes on some servers (Virtuoso); a template does not.
                update = f"INSERT {{ GRAPH {node} {{\n{text}}} }} WHERE {{}}"
            else:
                update = f"INSERT DATA {{ GRAPH {node} {{\n{text}}} }}"
            self._update(update)
            if self.progress is not None:
                self.progress(len(batch))
        return staging

    def _swap(self, groups: dict[str, list[ox.Triple]], staged: dict[str, str]) -> None:
        """One request: each graph becomes its staging graph (or goes, if empty)."""
        ops: list[str] = []
        for name in groups:
            target = ox.NamedNode(name)
            ops.append(f"DROP SILENT GRAPH {target}")
            if name in staged:
                ops.append(f"ADD SILENT <{staged[name]}> TO {target}")
                ops.append(f"DROP SILENT GRAPH <{staged[name]}>")
        listed = " ".join(f"{_STORE} {_HAS_GRAPH} {ox.NamedNode(n)} ." for n in groups)
        kept = " ".join(f"{_STORE} {_HAS_GRAPH} {ox.NamedNode(n)} ." for n in staged)
        token = ox.Literal(f"{time.time_ns():x}-{uuid.uuid4().hex[:8]}")
        ops.append(f"DELETE DATA {{ GRAPH <{HOUSEKEEPING}> {{ {listed} }} }}")
        if kept:
            ops.append(f"INSERT DATA {{ GRAPH <{HOUSEKEEPING}> {{ {kept} }} }}")
        ops.append(f"DELETE WHERE {{ GRAPH <{HOUSEKEEPING}> {{ {_STORE} {_VERSION} ?v }} }}")
        ops.append(f"INSERT DATA {{ GRAPH <{HOUSEKEEPING}> {{ {_STORE} {_VERSION} {token} }} }}")

        def done() -> bool:
            # Retrying a swap that did happen would empty the graphs: ask first.
            probe = next(iter(staged.values()), None)
            return probe is not None and not self._ask_graph(probe)

        self._update(" ;\n".join(ops), already_done=done)
        staged.clear()

    def _ask_graph(self, graph: str) -> bool:
        rows = self._select_rows(f"SELECT ?s WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} LIMIT 1")
        return bool(rows)

    def drop_graph(self, graph_iri: str) -> bool:
        node = _named(graph_iri, DataError)
        if graph_iri not in self.graphs():
            return False
        self._swap({node.value: []}, {})
        with self._lock:
            self._snapshot = None
        return True

    def _update(self, update: str, *, already_done: Callable[[], bool] | None = None) -> None:
        """POST one SPARQL Update, retrying transient failures with exponential backoff."""
        data = urllib.parse.urlencode({"update": update}).encode("ascii")
        for attempt in range(self.retries + 1):
            try:
                self._post(data)
                self._reached = True
                return
            except _Transient as exc:
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
            with self._opener.open(request, timeout=max(self.timeout, 60.0) + GRACE_SECONDS) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            text = _read_error(exc)
            if exc.code in {401, 403}:
                raise StoreError(f"the store refused the write (HTTP {exc.code}): check store_user and "
                                 "store_password (environment or config file) and the user's update "
                                 "rights") from None
            state = _VIRTUOSO_ERROR.search(text)
            # 5xx is transient unless the server says the request itself is wrong
            # (a Virtuoso SQL state other than a deadlock, 40001).
            if exc.code >= 500 and (state is None or state.group("state") == "40001"):
                raise _Transient(f"HTTP {exc.code}") from None
            raise StoreError(f"the store rejected the update (HTTP {exc.code}): {_first_line(text)}") from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            raise _Transient(_reason(exc)) from None

    def close(self) -> None:
        self._snapshot = None


# -- helpers -------------------------------------------------------------------------


def _opener(url: str, user: str, password: str) -> urllib.request.OpenerDirector:
    """An opener of our own (never installed globally) answering Basic or Digest."""
    if not user:
        return urllib.request.build_opener()
    manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    manager.add_password(None, url, user, password)
    return urllib.request.build_opener(
        urllib.request.HTTPBasicAuthHandler(manager), urllib.request.HTTPDigestAuthHandler(manager)
    )


def _refuse_extensions(sparql: str) -> None:
    """Refuse Virtuoso's non-standard escape hatches (the embedded engine rejects them
    as syntax errors anyway): DEFINE pragmas and bif:/sql: built-in functions."""
    from .precheck import _TOKEN

    for m in _TOKEN.finditer(sparql):
        kind, text = m.lastgroup, m.group()
        if kind == "word" and text.upper() == "DEFINE":
            raise QueryError("DEFINE pragmas are not SPARQL and are not accepted")
        if kind == "iri" and text[1:].lower().startswith(_FORBIDDEN_SCHEMES):
            raise QueryError(f"IRI {text} names a store built-in function; not accepted")
        if kind == "pname" and text.lower().startswith(_FORBIDDEN_SCHEMES):
            raise QueryError(f"{text} names a store built-in function; not accepted")


def _uses_from_named(sparql: str) -> bool:
    from .precheck import _TOKEN

    previous = ""
    for m in _TOKEN.finditer(sparql):
        if m.lastgroup in {"ws", "comment"}:
            continue
        word = m.group().upper() if m.lastgroup == "word" else ""
        if previous == "FROM" and word == "NAMED":
            return True
        previous = word
    return False


def _iri(value: str) -> str:
    return _named(value, QueryError).value


def _named(value: str, error: type[Exception]) -> ox.NamedNode:
    try:
        return ox.NamedNode(value)
    except ValueError as exc:
        raise error(f"invalid IRI {value!r}: {exc}") from None


def _has_bnode(t: ox.Triple) -> bool:
    return isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)


def _solutions(body: bytes, content_type: str) -> QueryResults:
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
            _canonical(term)
    data = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    try:
        return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
    except SyntaxError as exc:
        raise StoreError(f"cannot read the store's answer: {exc}") from None


_BNODE_LABEL = re.compile(r"[^A-Za-z0-9_]")


def _canonical(term: dict[str, Any]) -> None:
    """Fix what some servers write in SPARQL JSON so pyoxigraph reads it.

    Virtuoso labels blank nodes ``nodeID://b10000`` (not a valid label) and writes
    booleans as ``1``/``0`` (valid XSD, but not the canonical form the embedded store
    and Virtuoso's own N-Triples use).
    """
    kind = term.get("type")
    if kind == "bnode":
        term["value"] = "b" + _BNODE_LABEL.sub("_", term["value"])
    elif kind in {"literal", "typed-literal"} and term.get("datatype") == XSD_BOOLEAN:
        term["value"] = {"1": "true", "0": "false"}.get(term["value"], term["value"])
    elif kind == "triple":
        for part in term["value"].values():
            _canonical(part)


def _graph_results(body: bytes, content_type: str) -> QueryResults:
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


def _query_error(status: int, text: str) -> Exception:
    """Map the store's error answer to the service's errors (never its 500)."""
    line = _first_line(text)
    state = _VIRTUOSO_ERROR.search(text)
    if status in {400, 414} or (state is not None and state.group("state")[:2] in {"22", "37", "42"}):
        # 22: data exception (1/0), 37: syntax, 42: security/access: the query's fault.
        return QueryError(f"the store refused the query: {line}")
    if status in {401, 403}:
        return StoreError(f"the store refused our credentials (HTTP {status}); check store_user, "
                          "store_password and store_auth")
    if state is not None and state.group("state") == "S1T00":
        return QueryTimeout("the store stopped the query at its time limit")
    return StoreError(f"the store failed (HTTP {status}): {line}")


def _first_line(text: str) -> str:
    # Virtuoso echoes the whole query after its message; keep the message.
    head = text.strip().split("\n\nSPARQL query:", 1)[0].strip()
    return head.splitlines()[0][:500] if head else "(no message)"


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


def store_from_settings(settings: Any, *, progress: Callable[[int], None] | None = None) -> Store:
    """The store the settings name: remote when ``store_url`` is set, else embedded."""
    if not settings.store_url:
        from .store import open_store

        return open_store(settings.data_dir)
    return RemoteStore(
        settings.store_url,
        update_url=settings.store_update_url or None,
        user=settings.store_user,
        password=settings.store_password,
        auth=settings.store_auth,
        timeout=settings.query_timeout,
        batch_triples=settings.store_batch,
        base_iri=settings.base_iri,
        progress=progress,
    )
