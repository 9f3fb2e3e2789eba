"""A small Python API for notebooks: open the data, run canned queries, get rows.

>>> from budgetkg import api
>>> kg = api.open_seed()                       # the embedded default dataset, in memory
>>> [q.name for q in kg.queries()][:3]
['carryover-chains', 'compare-lines', 'compare-targets']
>>> rows = kg.run("project-indicators")
>>> rows[0]["printedName"], rows[0]["position"]
('国家级高技能人才培训基地建设', 1)
>>> kg.run("projects", year=2022).columns[:3]
['year', 'sequence', 'project']

``open(path)`` opens a data folder (the on-disk store that ``budgetkg load`` fills,
read-only) and ``open(url)`` a SPARQL endpoint (``budgetkg serve``'s ``/sparql``, or any
SPARQL 1.1 endpoint holding the same data; from budgetkg's endpoint the whole answer,
past its interactive row cap). ``Rows.to_pandas()`` gives a DataFrame typed by datatype;
it needs pandas, the optional ``notebook`` extra. Values come back as Python values (``budgetkg.store.terms.to_python``, the
same mapping the web pages use): integers as ``int``, decimals as ``Decimal``, doubles
as ``float``, booleans as ``bool``, dates as ``datetime.date``, years (``xsd:gYear``)
as ``int``, IRIs and other literals as ``str``; unbound values are ``None``.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from budgetkg.queries.catalog import (
    SUMMARIES_MISSING,
    SUMMARIES_QUERY,
    YEARS_QUERY,
    SummariesMissing,
    CannedQuery,
    Catalog,
    load_catalog,
    StoreFacts,
    strip_comments,
)
from budgetkg.store.base import QueryError, QuerySyntaxError
from budgetkg.store.sparql_errors import locate
from budgetkg.store.terms import to_python

__all__ = ["Connection", "Rows", "TruncatedResults", "open", "open_seed", "to_python"]

#: The service's response headers for a result cut at its row cap (budgetkg serve).
TRUNCATED_HEADER = "X-Results-Truncated"
LIMIT_HEADER = "X-Results-Limit"


class TruncatedResults(UserWarning):
    """The endpoint cut the results at its row cap: rows are missing."""


class Rows(list):  # type: ignore[type-arg]
    """Query results: a list of dicts (column -> Python value), with the column order.

    ``truncated`` is True when the endpoint cut the results at its row cap (``limit``
    rows, when it says); a :class:`TruncatedResults` warning is issued then too."""

    def __init__(self, columns: Sequence[str], rows: Iterable[dict[str, Any]], *,
                 truncated: bool = False, limit: int | None = None,
                 datatypes: Mapping[str, str | None] | None = None) -> None:
        super().__init__(rows)
        self.columns = list(columns)
        self.truncated = truncated
        self.limit = limit
        #: column -> the datatype IRI of its first literal (None: IRIs, strings, unbound)
        self.datatypes = dict(datatypes or {})

    def to_pandas(self) -> Any:
        """The rows as a pandas DataFrame: integers, counts and years as ``Int64``, money
        and other decimals as ``float64``, dates as ``datetime64``, codes (``…Code``) as
        ``category``. pandas is optional: ``pip install 'budgetkg[notebook]'``."""
        from budgetkg.frames import to_frame

        return to_frame(self.columns, self, self.datatypes)


class Connection:
    """Canned and free SPARQL queries over one store or endpoint."""

    def __init__(self, backend: _Backend, catalog: Catalog | None = None) -> None:
        self._backend = backend
        self.catalog = catalog or load_catalog()

    def queries(self) -> list[CannedQuery]:
        """The canned queries (name, titles, description, parameters, text)."""
        return list(self.catalog.values())

    def query_text(self, name: str, **params: Any) -> str:
        """The text of canned query ``name`` with ``params`` bound, as it would run."""
        query = self.catalog[name]
        if query.reads_summaries:
            # a store loaded by older code (before vocabulary 0.3.0 ... 0.7.0: docs/summaries.md) lacks some: its rows would be wrong
            rows = self.sparql(SUMMARIES_QUERY)
            missing = int(str(rows[0]["missing"])) if rows else 0
            if missing:
                raise SummariesMissing(SUMMARIES_MISSING.format(n=missing, name=name))
        return query.bind(params, self.store_facts(query.facts_query) if query.uses_years else None)

    def run(self, name: str, **params: Any) -> Rows:
        """Run canned query ``name``; raises ``ParameterError`` / ``UnknownQuery``."""
        return self.sparql(self.query_text(name, **params))

    def sparql(self, text: str) -> Rows:
        """Run any SELECT query."""
        return self._backend.select(text)

    def years(self) -> list[int]:
        """The fiscal years of the documents in the store."""
        return list(self.store_facts().years)

    def store_facts(self, text: str = YEARS_QUERY) -> StoreFacts:
        """The store's fiscal years and first project (the defaults the store decides);
        ``text`` is a query's ``facts_query`` when it needs more (top indicator, word)."""
        rows = self.sparql(text)
        return StoreFacts.from_rows([{k: None if v is None else str(v) for k, v in row.items()} for row in rows])

    def close(self) -> None:
        self._backend.close()

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Backend:
    def select(self, text: str) -> Rows:
        raise NotImplementedError

    def close(self) -> None:
        pass


class _StoreBackend(_Backend):
    """An embedded pyoxigraph store (a data folder, or in memory)."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def select(self, text: str) -> Rows:
        import pyoxigraph as ox

        results = self.store.query(text)
        if not isinstance(results, ox.QuerySolutions):
            raise ValueError("only SELECT queries return rows")
        columns = [v.value for v in results.variables]
        datatypes: dict[str, str | None] = {}
        rows = []
        for row in results:
            for c, term in zip(columns, row):
                if c not in datatypes and isinstance(term, ox.Literal) and not term.language:
                    datatypes[c] = term.datatype.value
            rows.append({c: _ox_value(term) for c, term in zip(columns, row)})
        return Rows(columns, rows, datatypes=datatypes)

    def close(self) -> None:
        self.store.close()


def _ox_value(term: Any) -> Any:
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.Literal):
        return to_python(term.value, None if term.language else term.datatype.value)
    return term.value


class _EndpointBackend(_Backend):
    """A SPARQL endpoint over HTTP (SPARQLWrapper, POST, JSON results)."""

    def __init__(self, url: str, timeout: float, whole: bool = True) -> None:
        self.url = url
        self.timeout = timeout
        self.whole = whole

    def select(self, text: str) -> Rows:
        from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

        from budgetkg.store.transport import sparql_client

        # SPARQLWrapper guesses the form from the text, comments included.
        text = strip_comments(text)
        client = sparql_client(self.url, text, timeout=int(self.timeout))
        if self.whole:  # budgetkg's endpoint: the whole answer, not the interactive row cap
            client.addParameter("all", "1")
        try:
            response = client.query().response
        except QueryBadFormed as exc:
            raise _bad_query(text, exc) from None
        body = json.loads(response.read())
        columns = body["head"]["vars"]
        truncated, limit = truncation(response.headers)
        bindings = body["results"]["bindings"]
        datatypes: dict[str, str | None] = {}
        for b in bindings:
            for c, term in b.items():
                if c not in datatypes and term.get("datatype"):
                    datatypes[c] = term["datatype"]
        rows = Rows(columns, ({c: _json_value(b.get(c)) for c in columns} for b in bindings),
                    truncated=truncated, limit=limit, datatypes=datatypes)
        if truncated:
            warnings.warn(truncation_message(len(rows), limit), TruncatedResults, stacklevel=4)
        return rows


def _bad_query(text: str, exc: Exception) -> QueryError:
    """The endpoint's refusal as a budgetkg exception: its detail (the service's JSON
    envelope), with the line and a caret for a syntax error, never the raw bytes."""
    reason = endpoint_reason(exc)
    if locate(reason) is not None:
        return QuerySyntaxError(text, reason)
    return QueryError(reason)


def reason_body(body: bytes) -> str:
    """The detail of the service's JSON error envelope, else the body as text."""
    try:
        err = json.loads(body)["error"]
        return f"{err['title']}: {err['detail']}"
    except (ValueError, KeyError, TypeError):
        return body.decode("utf-8", "replace").strip()[:500]


def endpoint_reason(exc: Exception) -> str:
    # SPARQLWrapper puts the response body after "Response:\n" in its message.
    text = str(exc)
    head, sep, body = text.partition("Response:\n")
    if sep:
        raw = body.strip()
        if raw.startswith("b'") or raw.startswith('b"'):
            try:
                import ast

                return reason_body(ast.literal_eval(raw))
            except (ValueError, SyntaxError):
                pass
        return reason_body(raw.encode())
    return text


def truncation(headers: Mapping[str, str]) -> tuple[bool, int | None]:
    """Whether a response says its results were cut, and at how many rows."""
    truncated = (headers.get(TRUNCATED_HEADER) or "").strip().lower() == "true"
    try:
        limit = int(headers.get(LIMIT_HEADER) or "")
    except ValueError:
        limit = None
    return truncated, limit


def truncation_message(rows: int, limit: int | None) -> str:
    cap = f"its row cap of {limit}" if limit is not None else "its row cap"
    return (f"the endpoint cut the results at {cap}: {rows} rows kept, the rest are missing; "
            "narrow the query or page through it with LIMIT/OFFSET")


def _json_value(term: Mapping[str, Any] | None) -> Any:
    if term is None:
        return None
    if term.get("type") == "literal" or term.get("type") == "typed-literal":
        return to_python(term["value"], term.get("datatype"))
    return term["value"]


def open(target: str | Path, *, timeout: float = 120.0, whole: bool = True) -> Connection:  # noqa: A001 - like io.open
    """A data folder (opened read-only) or an endpoint URL (``http(s)://…/sparql``).

    From an endpoint, results are whole by default (``all=1``: budgetkg's endpoint lifts
    its interactive row cap up to its ``max_download_rows``); ``whole=False`` keeps the
    cap. Rows cut anyway are flagged (``Rows.truncated``) and warned about."""
    text = str(target)
    if text.startswith(("http://", "https://")):
        return Connection(_EndpointBackend(text, timeout, whole))
    from budgetkg.store import open_store

    return Connection(_StoreBackend(open_store({"data_dir": Path(target)}, read_only=True, create=False)))


def open_seed(*extra: str | Path) -> Connection:
    """An in-memory store with the embedded default dataset (and ``extra`` files)."""
    from budgetkg import pipeline
    from budgetkg.loader.iris import DEFAULT_BASE
    from budgetkg.store import open_store

    store = open_store({"data_dir": None})
    pipeline.load_seed(store, base=DEFAULT_BASE)
    for path in extra:
        pipeline.load_path(store, path, base=DEFAULT_BASE)
    return Connection(_StoreBackend(store))
