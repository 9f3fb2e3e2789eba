"""One query as a unit of work: what to run, and what came out (both picklable)."""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field

from .formats import FORMATS_BY_NAME, NotInXml, family_of, serialize_results
from budgetkg.store import QueryError, QueryOverLimit, QuerySyntaxError, QueryTimeout, Store, StoreError


#: The status of a query stopped at one of the service's limits (time, memory). The query,
#: not the server, is at fault, and sent again unchanged it fails the same way; so a 4xx
#: (never a 5xx, which tells clients and load balancers to retry): 422 Unprocessable
#: Content, "the syntax is correct but the server was unable to process the contained
#: instructions" (RFC 9110). 503 stays for the server's own conditions: busy, stopping,
#: store unavailable, and unexpected errors.
OVER_LIMIT = 422


@dataclass(frozen=True)
class QueryTask:
    """Everything a worker needs to run one query and serialize its results."""

    query: str
    default_graphs: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None
    results_format: str | None  # name of the format for SELECT / ASK; None: not acceptable
    graph_format: str | None  # same for CONSTRUCT / DESCRIBE
    max_rows: int


@dataclass(frozen=True)
class Outcome:
    """A serialized answer, or an error with its HTTP status."""

    status: int
    body: bytes = b""
    format_name: str | None = None
    truncated: bool = False
    title: str = ""
    detail: str = ""
    log_text: str = field(default="", compare=False)  # traceback for the server log

    @property
    def ok(self) -> bool:
        return self.status == 200


def execute(store: Store, task: QueryTask) -> Outcome:
    """Run ``task`` on ``store``; never raises (errors become outcomes)."""
    try:
        results = store.query(
            task.query,
            default_graphs=task.default_graphs,
            named_graphs=task.named_graphs,
        )
        is_graph = family_of(results) == "graph"
        name = task.graph_format if is_graph else task.results_format
        if name is None:
            kind = "CONSTRUCT or DESCRIBE" if is_graph else "SELECT or ASK"
            return Outcome(406, title="Not acceptable",
                           detail=f"No acceptable format for the results of a {kind} query.")
        out = serialize_results(results, FORMATS_BY_NAME[name], task.max_rows)
        return Outcome(200, out.body, name, out.truncated)
    except NotInXml as exc:  # the format the client chose cannot carry this answer
        return Outcome(406, title="Not representable in XML", detail=f"{exc}.")
    except QuerySyntaxError as exc:  # the engine's words: the endpoint places the caret in the client's text
        return Outcome(400, title="Malformed query", detail=exc.engine_message)
    except QueryError as exc:
        return Outcome(400, title="Malformed query", detail=str(exc))
    except QueryTimeout as exc:
        return Outcome(OVER_LIMIT, title="Query timeout", detail=f"{exc}. {NARROW_DOWN}")
    except QueryOverLimit as exc:  # a valid query, too big for the store: as a time limit
        return Outcome(OVER_LIMIT, title="Query over the store's limits", detail=f"{exc}. {NARROW_DOWN}")
    except MemoryError:
        return over_memory()
    except StoreError as exc:
        return Outcome(503, title="Store unavailable", detail=str(exc), log_text=traceback.format_exc())
    except Exception as exc:  # a bug or an engine error: the client still gets an answer
        return Outcome(
            503, title="Query failed", detail=f"{type(exc).__name__}: {exc}", log_text=traceback.format_exc()
        )


NARROW_DOWN = "Narrow the query down (more specific patterns, LIMIT) and try again."


def timed_out(seconds: float) -> Outcome:
    """The answer to a query stopped at the time limit."""
    return Outcome(OVER_LIMIT, title="Query timeout",
                   detail=f"The query ran longer than the limit of {seconds:g} s and was stopped. {NARROW_DOWN}")


def over_memory(limit_mb: int = 0) -> Outcome:
    """The answer to a query that needed more memory than its worker may use."""
    limit = f" of {limit_mb} MiB" if limit_mb else ""
    return Outcome(OVER_LIMIT, title="Query over memory limit",
                   detail=f"The query needed more memory than the limit{limit} and was stopped. {NARROW_DOWN}")
