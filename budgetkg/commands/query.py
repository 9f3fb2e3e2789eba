"""`budgetkg query`: run a SPARQL query against an endpoint and print the answer."""

from __future__ import annotations

import json
import sys
import unicodedata
from importlib import resources
from pathlib import Path
from typing import Any

import click

from budgetkg.commands.status import EXIT_OK, EXIT_INVALID, EXIT_USAGE

DEFAULT_ENDPOINT = "http://127.0.0.1:5000/sparql"
#: The parameter of budgetkg's /sparql that asks for the whole answer (docs/service.md).
ALL_PARAMETER = "all"


class QueryFileError(click.ClickException):
    """A FILE.rq that cannot be read: an I/O error, exit 2 as every command's."""

    exit_code = EXIT_USAGE


def settings_endpoint(config_file: Path | None) -> str:
    """The `/sparql` of the server `budgetkg serve` would start with the same settings
    (host, port from the flags' layers: config file, BUDGETKG_* variables, defaults)."""
    from budgetkg.settings import SettingsError, load_settings

    try:
        settings = load_settings(config_file=config_file)
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from None
    host = settings.host
    if host in {"", "0.0.0.0", "::"}:  # listening everywhere: reach it on this machine
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{settings.port}/sparql"


def endpoint_url(url: str) -> str:
    """The SPARQL endpoint of ``url``: a site root (``http://host:5000/`` or a path ending
    in ``/``) means its ``sparql``; any other URL is taken as the endpoint itself."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise click.UsageError(f"--endpoint must be an http(s) URL, got {url!r}")
    path = parts.path or "/"
    if path.endswith("/") and not path.rstrip("/").endswith("sparql"):
        path += "sparql"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def resolve_query(source: str | None, expression: str | None) -> str:
    """The query text: ``-e`` text, a .rq file, or NAME of ``queries/NAME.rq``."""
    if (source is None) == (expression is None):
        raise click.UsageError("give exactly one of FILE.rq, NAME or -e 'SPARQL'")
    if expression is not None:
        return expression
    assert source is not None
    path = Path(source)
    if source.endswith(".rq") or path.is_file():
        try:
            return path.read_text(encoding="utf-8")
        except OSError as exc:
            raise QueryFileError(f"cannot read {source}: {exc.strerror or exc}") from None
    packaged = resources.files("budgetkg.queries") / f"{source}.rq"
    if not packaged.is_file():
        names = sorted(p.name[:-3] for p in resources.files("budgetkg.queries").iterdir() if p.name.endswith(".rq"))
        raise click.UsageError(
            f"no query named {source!r}" + (f"; known: {', '.join(names)}" if names else "")
        )
    return packaged.read_text(encoding="utf-8")


def _width(text: str) -> int:
    # CJK characters take two terminal columns.
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _cell(term: dict[str, Any] | None) -> str:
    if term is None:
        return ""
    value = str(term.get("value", ""))
    if term.get("type") == "bnode":
        return "_:" + value
    if "xml:lang" in term:
        return f"{value}@{term['xml:lang']}"
    return value


def format_table(results: dict[str, Any]) -> str:
    """SPARQL JSON results as an aligned text table (or the boolean of an ASK)."""
    if "boolean" in results:
        return "true" if results["boolean"] else "false"
    names = results["head"]["vars"]
    rows = [[_cell(b.get(n)).replace("\n", " ") for n in names] for b in results["results"]["bindings"]]
    widths = [max([_width(n)] + [_width(r[i]) for r in rows]) for i, n in enumerate(names)]

    def line(cells: list[str]) -> str:
        return " | ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths)).rstrip()

    out = [line(names), "-+-".join("-" * w for w in widths)]
    out += [line(r) for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


@click.command()
@click.argument("source", required=False, metavar="(FILE.rq | NAME)")
@click.option("-e", "--expression", help="The SPARQL query text itself.")
@click.option("--endpoint", metavar="URL",
              help="SPARQL endpoint, or the site root of a `budgetkg serve` (its /sparql) "
              "[default: http://HOST:PORT/sparql of the serve settings: BUDGETKG_HOST, "
              "BUDGETKG_PORT, the config file; 127.0.0.1:5000].")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path),
              help="TOML file of settings, as for `budgetkg serve` (default: $BUDGETKG_CONFIG).")
@click.option("--all", "whole", is_flag=True,
              help="The whole answer, past the endpoint's interactive row cap (up to its "
              "max_download_rows, within its download_timeout).")
@click.option("--format", "output", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True, help="Output: a text table, the endpoint's JSON, or CSV. "
              "CONSTRUCT/DESCRIBE print Turtle (table) or JSON-LD (json).")
@click.option("--timeout", type=float, default=120.0, show_default=True, help="Seconds to wait for the answer.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="A parameter of a canned query (repeatable), e.g. -p year=2022.")
@click.option("--list", "list_queries", is_flag=True, help="List the canned queries and their parameters.")
def query(source: str | None, expression: str | None, endpoint: str | None, config_file: Path | None,
          whole: bool, output: str, timeout: float, params: tuple[str, ...], list_queries: bool) -> None:
    """Run a query against a SPARQL endpoint (by default the local `budgetkg serve`).

    NAME is a canned query (`budgetkg query --list`); its parameters are given with
    -p NAME=VALUE, checked by type and bound safely. Exit status: 0 ok, 1 the endpoint
    refused the query (the reason is printed; a syntax error with its line and a caret),
    2 usage error, a FILE.rq that cannot be read, or the endpoint could not
    be reached.
    """
    from urllib.error import HTTPError, URLError

    from SPARQLWrapper import CSV, JSON, JSONLD, TURTLE
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    from budgetkg.api import endpoint_reason as _reason
    from budgetkg.api import reason_body as _reason_body
    from budgetkg.api import truncation, truncation_message
    from budgetkg.commands.canned import bind_canned, list_text
    from budgetkg.store.transport import sparql_client

    if list_queries:
        click.echo(list_text())
        sys.exit(EXIT_OK)
    text = resolve_query(source, expression)
    endpoint = endpoint_url(endpoint) if endpoint else settings_endpoint(config_file)
    if expression is None and source is not None:
        text = bind_canned(source, text, params, endpoint, timeout)
    elif params:
        raise click.UsageError("-p/--param is for canned queries and .rq files with a header")
    client = sparql_client(endpoint, text, timeout=int(timeout))
    if whole:
        client.addParameter(ALL_PARAMETER, "1")
    is_graph = client.queryType in {"CONSTRUCT", "DESCRIBE"}
    if is_graph and output == "csv":
        raise click.UsageError("--format csv is for SELECT and ASK; CONSTRUCT and DESCRIBE give table (Turtle) or json")
    client.setReturnFormat({"table": TURTLE if is_graph else JSON, "json": JSONLD if is_graph else JSON,
                            "csv": CSV}[output])
    try:
        response = client.query().response
        body = response.read()
    except SPARQLWrapperException as exc:
        click.echo(f"error: {_with_caret(text, _reason(exc))}", err=True)
        sys.exit(EXIT_INVALID)
    except HTTPError as exc:
        click.echo(f"error: {exc.code} {_with_caret(text, _reason_body(exc.read()) or str(exc.reason))}", err=True)
        sys.exit(EXIT_INVALID if exc.code < 500 or exc.code == 503 else EXIT_USAGE)
    except (URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        click.echo(f"error: cannot reach {endpoint}: {reason}", err=True)
        sys.exit(EXIT_USAGE)
    if output == "table" and not is_graph:
        click.echo(format_table(json.loads(body)))
    else:
        click.echo(body.decode("utf-8").rstrip("\n"))
    truncated, limit = truncation(response.headers)
    if truncated:  # on stderr: the answer on stdout stays what the endpoint sent
        click.echo(f"warning: {truncation_message(_count(body, output, is_graph), limit)}", err=True)
    sys.exit(EXIT_OK)


def _count(body: bytes, output: str, is_graph: bool) -> int:
    """Rows (or triples) in an answer, for the truncation warning."""
    if output == "csv":
        import csv
        import io

        return max(0, len(list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))) - 1)
    if is_graph:
        import rdflib

        return len(rdflib.Graph().parse(data=body, format="json-ld" if output == "json" else "turtle"))
    return len(json.loads(body).get("results", {}).get("bindings", []))


def _with_caret(text: str, reason: str) -> str:
    """An endpoint's syntax error with the line and a caret, when it names a position
    and does not show it already (budgetkg's endpoint does; others give line:column)."""
    from budgetkg.store.sparql_errors import describe

    if "^" in reason:
        return reason
    return describe(text, reason) or reason
