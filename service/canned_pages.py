"""The canned-query API as pages, for browsers (as datasette shows its tables).

``/queries``: every query with its titles, description and parameters. ``/queries/NAME``:
its description, a form with the store's values (its years to choose from, the defaults
the store decides filled in), the results as a table and a chart, the bound SPARQL and
links to the same answer as CSV, JSON and TSV. The rows come from the same cache and
worker pool as the API's answers.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Response, render_template, url_for

from budgetkg.queries.catalog import CannedQuery, Catalog, ParameterError, YearsError

from . import charts
from .canned_run import run_bound, store_facts
from .errors import ApiError
from .state import get_state
from .web_state import get_web

#: Rows shown in the page's table (the downloads have them all, up to the service's cap).
MAX_SHOWN = 1000
DOWNLOADS = (("csv", "CSV"), ("json", "JSON"), ("tsv", "TSV"))
_TERM = re.compile(r'^"((?:[^"\\]|\\.)*)"')


def lexical(term: str) -> str:
    """The lexical form of a bound SPARQL term (``"2022"^^<…>`` -> ``2022``, ``<iri>`` -> iri)."""
    if term.startswith("<") and term.endswith(">"):
        return term[1:-1]
    m = _TERM.match(term)
    if not m:
        return term
    return re.sub(r"\\(.)", lambda e: {"n": "\n", "r": "\r", "t": "\t"}.get(e.group(1), e.group(1)), m.group(1))


def list_page(catalog: Catalog) -> Response:
    body = render_template("queries.html", queries=list(catalog.values()), title="预置查询 Canned queries")
    response = Response(body, mimetype="text/html")
    response.vary.add("Accept")
    return response


def query_page(query: CannedQuery, params: dict[str, str]) -> Response:
    status, error = 200, None
    terms: dict[str, str] = {}
    years: tuple[int, ...] = ()
    variables: list[str] = []
    rows: list[dict[str, Any]] = []
    truncated = False
    try:
        facts = store_facts(query) if query.uses_years else None
        years = facts.years if facts else ()
        terms = query.resolve(params, facts)
        outcome, _, _ = run_bound(query, terms, "json", conditional=False)
        assert outcome is not None
        answer = json.loads(outcome.body)
        variables = answer["head"]["vars"]
        rows = answer["results"]["bindings"]
        truncated = outcome.truncated
    except YearsError as exc:
        status, error = 400, ("给定年度不在数据中 Year not in the store", str(exc))
        years = exc.years
    except ParameterError as exc:
        status, error = 400, ("参数有误 Bad parameter", str(exc))
    except ApiError as exc:
        status, error = exc.status, (exc.title, exc.detail)
    chart = None
    columns = charts.pick_columns(variables, rows)
    if columns is not None:
        chart = charts.bars_svg(charts.rows_to_bars(columns, rows), title=columns.measure, chart_id="query-chart")
    shown = {name: lexical(term) for name, term in terms.items()}
    if error and years:  # the form still offers the store's defaults
        for p in query.parameters:
            if p.default == "latest":
                shown.setdefault(p.name, str(years[-1]))
            elif p.default == "previous" and len(years) > 1:
                shown.setdefault(p.name, str(years[-2]))
    given = {k: v for k, v in params.items() if v != ""}
    # Downloads are whole answers (all=1): past the interactive row cap, up to max_download_rows.
    downloads = [(label, url_for("canned.run_query", name=query.name, format=fmt, all="1", **given))
                 for fmt, label in DOWNLOADS]
    body = render_template(
        "query.html", q=None, query=query, title=f"{query.title_zh} {query.title_en}", error=error,
        values=shown, given=given, years=years, variables=variables, rows=rows[:MAX_SHOWN], row_count=len(rows),
        truncated=truncated, max_shown=MAX_SHOWN, chart=chart, downloads=downloads,
        bound=query.bind_terms(terms) if terms or not error else query.text,
        text_url=url_for("canned.query_text", name=query.name, **given),
        max_rows=get_state().settings.max_rows, cell=_cell,
    )
    response = Response(body, status=status, mimetype="text/html")
    response.vary.add("Accept")
    return response


def _cell(term: dict[str, Any] | None) -> dict[str, str]:
    """A result term for the table: its text in full and, for an IRI, where it links."""
    if not term:
        return {"text": ""}
    value = term.get("value", "")
    if term.get("type") == "uri":
        mapper = get_web().mapper
        if mapper.is_local(value):
            local = mapper.local_url(value)
            return {"text": local, "href": local, "iri": "1"}  # a path: shorter than the IRI
        return {"text": value, "href": value, "iri": "1"}
    return {"text": value, "lang": term.get("xml:lang", ""), "long": "1" if len(value) > 6 else ""}


