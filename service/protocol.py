"""Reading a SPARQL 1.1 Protocol query request.

Three ways to send a query: GET ``?query=``, POST ``application/x-www-form-urlencoded``
with a ``query`` field, POST ``application/sparql-query`` with the query as the body
(and the other parameters in the URL). ``default-graph-uri`` and ``named-graph-uri``
(repeatable) set the dataset. Updates, in any of their forms, are refused here.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from flask import Request
from werkzeug.datastructures import MultiDict

from .errors import ApiError

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"


@dataclass(frozen=True)
class QueryRequest:
    query: str
    default_graphs: tuple[str, ...] | None  # None: the request names no dataset
    named_graphs: tuple[str, ...] | None
    format: str | None  # the first format asked for by parameter, if any
    formats: tuple[str, ...] = ()  # every `format=`, `output=`, `results=` value, in that order


def _update_refused(channel: str) -> ApiError:
    return ApiError(403, "Update refused",
                    f"This endpoint is read-only: SPARQL Update ({channel}) is not accepted.")


#: Parameters through which clients name a result format: `format` (Virtuoso and most
#: endpoints), `output` (Fuseki, sparqler), `results`; SPARQLWrapper sends all three.
FORMAT_PARAMETERS = ("format", "output", "results")


def _decode_body(body: bytes, charset: str) -> str:
    """The query text of a body; 415 unless declared UTF-8, 400 unless valid UTF-8.

    The protocol (SPARQL 1.1 Protocol §2.1.3: "the query string … MUST be encoded with
    UTF-8") allows no other charset for ``application/sparql-query``; US-ASCII is
    UTF-8's subset. Lone surrogates are refused by the strict decoder.
    """
    try:
        name = codecs.lookup(charset.strip()).name
    except LookupError:
        name = charset
    if name not in ("utf-8", "ascii"):
        raise ApiError(415, "Unsupported charset",
                       f"A query body must be UTF-8 (SPARQL 1.1 Protocol), not {charset!r}.",
                       {"Accept-Post": f"{FORM}, {SPARQL_QUERY}; charset=utf-8"})
    try:
        return body.decode(name)
    except UnicodeDecodeError as exc:
        raise ApiError(400, "Undecodable query", f"The query body is not valid {charset}: {exc}") from None


def read_query_request(request: Request) -> QueryRequest | None:
    """The query request, or None for a GET without a query (the service description).

    Raises :class:`ApiError` for a refused or malformed request.
    """
    args = request.args
    if request.method in {"GET", "HEAD"}:
        params: MultiDict[str, str] = args
        if "update" in params:
            raise _update_refused("the update parameter")
        queries = params.getlist("query")
        if not queries:
            if "default-graph-uri" in params or "named-graph-uri" in params:
                raise ApiError(400, "Missing query", "The request names a dataset but has no query parameter.")
            return None
    else:
        mimetype = request.mimetype
        if mimetype == SPARQL_UPDATE:
            raise _update_refused(SPARQL_UPDATE)
        if mimetype == FORM:
            form = request.form  # reading it enforces max_request_bytes (413)
            if "update" in form or "update" in args:
                raise _update_refused("the update parameter")
            params = MultiDict(list(args.items(multi=True)) + list(form.items(multi=True)))
            queries = params.getlist("query")
        elif mimetype == SPARQL_QUERY:
            if "update" in args:
                raise _update_refused("the update parameter")
            body = request.get_data(cache=False)
            text = _decode_body(body, request.mimetype_params.get("charset", "utf-8"))
            params = args
            queries = [text, *args.getlist("query")]
        else:
            raise ApiError(
                415,
                "Unsupported media type",
                f"A POST must be {FORM} or {SPARQL_QUERY}, not {mimetype or 'untyped'}.",
                {"Accept-Post": f"{FORM}, {SPARQL_QUERY}"},
            )
    if len(queries) > 1:
        raise ApiError(400, "More than one query", f"The request carries {len(queries)} queries; send exactly one.")
    if not queries:
        raise ApiError(400, "Missing query", "The request has no query parameter.")
    formats = tuple(v for key in FORMAT_PARAMETERS for v in params.getlist(key) if v.strip())
    default_graphs = tuple(params.getlist("default-graph-uri"))
    named_graphs = tuple(params.getlist("named-graph-uri"))
    named_dataset = bool(default_graphs or named_graphs)
    return QueryRequest(
        query=queries[0],
        default_graphs=default_graphs if named_dataset else None,
        named_graphs=named_graphs if named_dataset else None,
        format=next(iter(formats), None),
        formats=formats,
    )
