"""One query as a unit of work: what to run, and what came out (both picklable)."""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field

from .formats import FORMATS_BY_NAME, family_of, serialize_results
from .store import QueryError, QueryTimeout, Store, StoreError


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
    except QueryError as exc:
        return Outcome(400, title="Malformed query", detail=str(exc))
    except QueryTimeout as exc:
        return Outcome(503, title="Query timeout", detail=f"{exc}. Narrow the query down (more specific "
                       "patterns, LIMIT) and try again.")
    except StoreError as exc:
        return Outcome(503, title="Store unavailable", detail=str(exc), log_text=traceback.format_exc())
    except Exception as exc:  # a bug or an engine error: the client still gets an answer
        return Outcome(
            503, title="Query failed", detail=f"{type(exc).__name__}: {exc}", log_text=traceback.format_exc()
        )
