"""The Virtuoso dialect: what Virtuoso 7.2.5 does differently from the standard.

Everything here is a fact about one server (docs/stores.md lists them); the transport
and the remote store call these functions and stay standard. A server with no quirks
needs nothing from this module beyond ``refuse_extensions`` (the service refuses those
forms on every backend).
"""

from __future__ import annotations

import http.client
import re
from typing import Any

from .base import QueryError, QueryOverLimit, QueryTimeout, StoreError
from .sparql_lexer import tokens

XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"

# Virtuoso-only syntax that standard SPARQL lacks and that reaches outside the data:
# pragmas (DEFINE get:soft fetches the web), and built-in SQL functions (bif:, sql:).
FORBIDDEN_SCHEMES = ("bif:", "sql:")
ERROR_STATE = re.compile(r"Virtuoso (?P<state>[0-9A-Z]{5}) Error")
#: The SQL state of a deadlock: the one server error worth retrying.
DEADLOCK = "40001"


def is_virtuoso(headers: http.client.HTTPMessage) -> bool:
    """True when the answer's ``Server`` header says Virtuoso."""
    return "virtuoso" in headers.get("Server", "").lower()


def timeout_parameter(timeout: float) -> dict[str, str]:
    """Virtuoso stops the query itself at this many milliseconds (its "anytime" results,
    which the service refuses as a timeout rather than return cut)."""
    return {"timeout": str(max(1, int(timeout * 1000)))}


def dataset_pragmas(default_graphs: list[str], named_graphs: list[str]) -> str:
    """A dataset as the pragmas Virtuoso's endpoint makes of the protocol's
    ``default-graph-uri`` / ``named-graph-uri`` parameters, to put before the query.

    Sent as parameters, each graph comes back as an ``X-SPARQL-default-graph`` /
    ``X-SPARQL-named-graph`` response header, and Python's http.client refuses an answer
    with more than 100 headers (a module-wide limit): a store of ~50 documents answered
    nothing. Sent as pragmas, nothing is echoed and the query means what it meant (the
    same pragmas, hence the same plans: FROM clauses in the text, also standard, changed
    Virtuoso 7.2's plans and dropped rows of compare-lines). The IRIs are checked by the
    caller (``remote._iri``)."""
    # one line, ending in a space: the server's error messages keep the user's line numbers
    return "".join(f"DEFINE input:default-graph-uri <{g}> " for g in default_graphs) + \
        "".join(f"DEFINE input:named-graph-uri <{g}> " for g in named_graphs)


def stopped_at_timeout(headers: http.client.HTTPMessage) -> bool:
    """Virtuoso answers a query cut at its time limit with 200 and this SQL state."""
    return headers.get("X-SQL-State", "").upper() == "S1TAT"


def error_state(text: str) -> str | None:
    """The SQL state in a Virtuoso error message (``Virtuoso 37000 Error …``)."""
    m = ERROR_STATE.search(text)
    return m.group("state") if m else None


def refuse_extensions(sparql: str) -> None:
    """Refuse Virtuoso's non-standard escape hatches (the embedded engine rejects them
    as syntax errors anyway): DEFINE pragmas and bif:/sql: built-in functions."""
    for kind, text in tokens(sparql):
        if kind == "word" and text.upper() == "DEFINE":
            raise QueryError("DEFINE pragmas are not SPARQL and are not accepted")
        if kind == "iri" and text[1:].lower().startswith(FORBIDDEN_SCHEMES):
            raise QueryError(f"IRI {text} names a store built-in function; not accepted")
        if kind == "pname" and text.lower().startswith(FORBIDDEN_SCHEMES):
            raise QueryError(f"{text} names a store built-in function; not accepted")


_BNODE_LABEL = re.compile(r"[^A-Za-z0-9_]")


def canonical_term(term: dict[str, Any]) -> None:
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
            canonical_term(part)


#: SQL states of a query stopped at its time limit: S1T00 (timeout expired) or, when the
#: limit's cancel reaches the statement while it runs, HY008 (SR203 "Async statement
#: killed by SQLCancel"). Which one comes depends on where the query is when time is up.
TIMED_OUT = frozenset({"S1T00", "HY008"})


#: Virtuoso's own size limits on a valid query (docs/stores.md): SR319 "Max row length is
#: exceeded" (a temporary row over ~4 KB: a long string in a grouping key, DISTINCT, or
#: in the rows an ORDER BY without a small LIMIT sorts, e.g. compare-targets' 76,405
#: rows at 30M triples) and SR478 "Value of ANY type column too long" (one value over
#: ~8 KB). Their SQL state (22026) is a data exception's, as for 1/0.
OVER_LIMIT_ERRORS = re.compile(r"\bError (?:SR319|SR478)\b")


def query_error(status: int, text: str) -> Exception:
    """Map the store's error answer to the service's errors (never its 500)."""
    line = first_line(text)
    state = error_state(text)
    if OVER_LIMIT_ERRORS.search(line):
        return QueryOverLimit(f"the query is over a limit of the store: {line}")
    if status in {400, 414} or (state is not None and state[:2] in {"22", "37", "42"}):
        # 22: data exception (1/0), 37: syntax, 42: security/access: the query's fault.
        return QueryError(f"the store refused the query: {line}")
    if status in {401, 403}:
        return StoreError(f"the store refused our credentials (HTTP {status}); check store_user, "
                          "store_password and store_auth")
    if state in TIMED_OUT:
        return QueryTimeout("the store stopped the query at its time limit")
    return StoreError(f"the store failed (HTTP {status}): {line}")


def update_is_transient(status: int, text: str) -> bool:
    """5xx is transient unless the server says the request itself is wrong
    (a Virtuoso SQL state other than a deadlock)."""
    state = error_state(text)
    return status >= 500 and (state is None or state == DEADLOCK)


def first_line(text: str) -> str:
    # Virtuoso echoes the whole query after its message; keep the message.
    head = text.strip().split("\n\nSPARQL query:", 1)[0].strip()
    return head.splitlines()[0][:500] if head else "(no message)"
