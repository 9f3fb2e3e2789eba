"""Issue 19, items 5 and 11-15: whole results past the row cap, `budgetkg query` on the
serve settings, `serve FOLDER`, typed DataFrames, messages people can act on, the README."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
import warnings
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from conftest import live_server
from web_seed import seeded_data_dir

from budgetkg import api
from budgetkg.cli import main
from budgetkg.loader.namespaces import DEF
from budgetkg.service import close_app, create_app
from budgetkg.store import OxigraphStore, QuerySyntaxError

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
CAP = 3  # the interactive row cap of these tests' servers
BAD_QUERY = "SELECT ?x\nWHERE { ?x ?y ?z . FILTER(?x = ) }"  # the error is on line 2


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), catch_exceptions=False, env=env)


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))[1:]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return seeded_data_dir(tmp_path_factory)


@pytest.fixture(scope="module")
def projects_count(data_dir) -> int:
    with api.open(data_dir) as kg:
        return len(kg.run("projects"))


@pytest.fixture(scope="module")
def app(data_dir):
    app = create_app({"data_dir": data_dir, "workers": 0, "max_rows": CAP})
    yield app
    close_app(app)


@pytest.fixture(scope="module")
def site(app):
    """The root URL of a real HTTP server with a row cap of CAP."""
    with live_server(app, threads=2) as url:
        yield url


# -- 5: whole results when asked ---------------------------------------------------


def test_canned_download_with_all_is_whole_and_the_default_stays_capped(app, projects_count):
    assert projects_count > CAP
    client = app.test_client()
    capped = client.get("/queries/projects?format=csv")
    assert capped.headers["X-Results-Truncated"] == "true" and len(csv_rows(capped.text)) == CAP
    whole = client.get("/queries/projects?format=csv&all=1")
    assert whole.status_code == 200 and "X-Results-Truncated" not in whole.headers
    assert len(csv_rows(whole.text)) == projects_count
    assert whole.headers["Content-Disposition"] == 'attachment; filename="projects.csv"'
    assert int(whole.headers["X-Results-Limit"]) > CAP
    for fmt in ("json", "tsv"):
        body = client.get(f"/queries/projects?format={fmt}&all=1").text
        n = len(json.loads(body)["results"]["bindings"]) if fmt == "json" else len(body.splitlines()) - 1
        assert n == projects_count, fmt
    assert client.get("/queries/projects?format=csv&all=perhaps").status_code == 400


def test_sparql_all_parameter_in_url_and_form(app, projects_count):
    client = app.test_client()
    query = f"SELECT ?py WHERE {{ ?py a <{DEF}ProjectYear> }}"
    capped = client.post("/sparql", data={"query": query}, headers={"Accept": "text/csv"})
    assert len(csv_rows(capped.text)) == CAP
    for response in (client.post("/sparql?all=1", data={"query": query}, headers={"Accept": "text/csv"}),
                     client.post("/sparql", data={"query": query, "all": "1"}, headers={"Accept": "text/csv"})):
        assert len(csv_rows(response.text)) == projects_count
        assert "X-Results-Truncated" not in response.headers


def test_whole_answers_have_their_own_bounded_limit(data_dir):
    app = create_app({"data_dir": data_dir, "workers": 0, "max_rows": 2, "max_download_rows": 5})
    try:
        response = app.test_client().get("/queries/projects?format=csv&all=1")
        assert response.headers["X-Results-Truncated"] == "true"
        assert response.headers["X-Results-Limit"] == "5" and len(csv_rows(response.text)) == 5
    finally:
        close_app(app)


def test_query_page_download_links_ask_for_the_whole_answer(app):
    page = app.test_client().get("/queries/projects", headers={"Accept": "text/html"}).text
    links = re.findall(r'class="download" href="([^"]+)"', page)
    assert len(links) == 3 and all("all=1" in link for link in links)


def test_streamed_download_over_real_http(site, projects_count):
    with requests.get(f"{site}/queries/projects?format=csv&all=1", stream=True, timeout=60) as response:
        assert response.status_code == 200
        assert response.headers.get("Transfer-Encoding") == "chunked"  # streamed, not one block
        assert "Content-Length" not in response.headers
        body = b"".join(response.iter_content(chunk_size=1024)).decode("utf-8")
    assert len(csv_rows(body)) == projects_count


def test_query_all_gets_every_row_and_the_default_warns(site, projects_count):
    capped = run("query", "projects", "--endpoint", site + "/", "--format", "csv")
    assert capped.exit_code == 0 and len(csv_rows(capped.stdout)) == CAP
    assert f"row cap of {CAP}" in capped.stderr
    whole = run("query", "projects", "--endpoint", site + "/", "--format", "csv", "--all")
    assert whole.exit_code == 0, whole.stderr
    assert len(csv_rows(whole.stdout)) == projects_count and "warning" not in whole.stderr


# -- 11: `budgetkg query` reads serve's settings -------------------------------------


def _port(site: str) -> str:
    return site.rsplit(":", 1)[1]


def test_query_finds_the_server_by_the_serve_settings(site, tmp_path):
    env = {"BUDGETKG_PORT": _port(site), "BUDGETKG_HOST": "127.0.0.1", "BUDGETKG_CONFIG": None}
    by_env = run("query", "-e", "ASK { ?s ?p ?o }", env=env)
    assert by_env.exit_code == 0 and by_env.stdout.strip() == "true", by_env.output
    config = tmp_path / "budgetkg.toml"
    config.write_text(f'[budgetkg]\nhost = "0.0.0.0"\nport = {_port(site)}\n', encoding="utf-8")
    by_file = run("query", "--config", str(config), "-e", "ASK { ?s ?p ?o }",
                  env={"BUDGETKG_PORT": None, "BUDGETKG_HOST": None})
    assert by_file.exit_code == 0 and by_file.stdout.strip() == "true", by_file.output


def test_query_takes_the_site_root_as_endpoint(site):
    for url in (site, site + "/", site + "/sparql"):
        result = run("query", "--endpoint", url, "-e", "ASK { ?s ?p ?o }")
        assert result.exit_code == 0 and result.stdout.strip() == "true", (url, result.output)


def test_query_missing_rq_file_is_exit_2(tmp_path):
    result = run("query", str(tmp_path / "missing.rq"), "--endpoint", "http://127.0.0.1:9/sparql")
    assert result.exit_code == 2 and "missing.rq" in result.stderr


# -- 12: `serve FOLDER` loads FOLDER only ----------------------------------------------


class _FakeServer:
    effective_port = 0

    def run(self) -> None:  # returns at once: the test looks at the store afterwards
        pass

    def close(self) -> None:
        pass


@pytest.fixture
def no_listen(monkeypatch):
    import budgetkg.service.http_server as http_server

    monkeypatch.setattr(http_server, "create_http_server", lambda app, **kw: _FakeServer())


def _years(folder: Path) -> list[int]:
    with api.open(folder) as kg:
        return kg.years()


def test_serve_folder_on_an_empty_store_loads_the_folder_only(tmp_path, no_listen):
    from second_year import FIXTURE  # a 2023 document (the seed is 2022)

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / FIXTURE.name).write_bytes(FIXTURE.read_bytes())
    data = tmp_path / "data"
    result = run("serve", "--data-dir", str(data), "--workers", "0", str(folder))
    assert result.exit_code == 0, result.output
    assert _years(data) == [2023]
    with OxigraphStore(data, read_only=True) as store:  # the ontology is there, as after `load`
        assert any(g.endswith("ontology") or "/def" in g for g in store.graphs())
    seeded = tmp_path / "seeded"
    result = run("serve", "--data-dir", str(seeded), "--workers", "0", "--with-seed", str(folder))
    assert result.exit_code == 0, result.output
    assert _years(seeded) == [2022, 2023]


def test_bare_serve_on_an_empty_store_loads_the_embedded_dataset(tmp_path, no_listen):
    data = tmp_path / "data"
    result = run("serve", "--data-dir", str(data), "--workers", "0")
    assert result.exit_code == 0, result.output
    assert _years(data) == [2022]


# -- 13: typed DataFrames --------------------------------------------------------------

TYPED = """PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT ?day ?count ?totalWanYuan ?share ?year ?unitCode ?name WHERE {
  VALUES (?day ?count ?totalWanYuan ?share ?year ?unitCode ?name) {
    ("2022-12-31"^^xsd:date 3 "12.50"^^xsd:decimal "0.5"^^xsd:double "2022"^^xsd:gYear "303001" "a")
    ("2023-06-30"^^xsd:date 4 "7.25"^^xsd:decimal "0.25"^^xsd:double "2023"^^xsd:gYear "303002" "b")
  }
}"""


def _check_dtypes(frame) -> None:
    import pandas as pd

    assert pd.api.types.is_datetime64_any_dtype(frame["day"])
    assert frame["day"].iloc[0] == pd.Timestamp(2022, 12, 31)
    assert pd.api.types.is_integer_dtype(frame["count"]) and pd.api.types.is_integer_dtype(frame["year"])
    assert pd.api.types.is_float_dtype(frame["totalWanYuan"]) and frame["totalWanYuan"].sum() == 19.75
    assert pd.api.types.is_float_dtype(frame["share"])
    assert isinstance(frame["unitCode"].dtype, pd.CategoricalDtype)
    assert not isinstance(frame["name"].dtype, pd.CategoricalDtype)


def test_to_pandas_types_columns_by_datatype(data_dir, site):
    with api.open(data_dir) as kg:
        _check_dtypes(kg.sparql(TYPED).to_pandas())
        money = kg.run("projects").to_pandas()
    import pandas as pd

    assert pd.api.types.is_float_dtype(money["totalWanYuan"])
    assert isinstance(money["departmentCode"].dtype, pd.CategoricalDtype)
    with api.open(f"{site}/sparql") as kg:  # the same types from an endpoint
        _check_dtypes(kg.sparql(TYPED).to_pandas())


def test_to_pandas_without_pandas_says_what_to_install(data_dir, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas raises ImportError
    with api.open(data_dir) as kg:
        rows = kg.sparql(TYPED)
    with pytest.raises(ImportError, match=r"pip install 'budgetkg\[notebook\]'"):
        rows.to_pandas()


def test_pandas_is_the_notebook_extra_and_named_in_the_readme():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    assert any(d.startswith("pandas") for d in extras["notebook"])
    assert any(d.startswith("pandas") for d in extras["test"])
    assert "budgetkg[notebook]" in README.read_text(encoding="utf-8")


# -- 14: messages -------------------------------------------------------------------------


def _caret_column(message: str) -> int:
    """The display column of the caret under the quoted line (both indented by two)."""
    lines = message.splitlines()
    caret_line = next(i for i, line in enumerate(lines) if line.strip() == "^")
    return lines[caret_line].index("^")


def test_syntax_error_in_the_api_has_line_column_and_caret(data_dir, site):
    with api.open(data_dir) as kg, pytest.raises(QuerySyntaxError) as local:
        kg.sparql(BAD_QUERY)
    with api.open(f"{site}/sparql") as kg, pytest.raises(QuerySyntaxError) as remote:
        kg.sparql(BAD_QUERY)
    for exc in (local.value, remote.value):
        text = str(exc)
        assert exc.line == 2 and "line 2, column" in text and "b'" not in text and "Response:" not in text
        assert "  WHERE { ?x ?y ?z . FILTER(?x = ) }" in text.splitlines()
        assert _caret_column(text) == 2 + exc.column - 1


def test_syntax_error_over_http_is_placed_in_the_clients_text(app):
    # on line 1, after the BASE the endpoint puts before the query
    response = app.test_client().post("/sparql", data={"query": "SELECT * WHERE { ?x ?y 42 . FILTER(?x = ) }"})
    assert response.status_code == 400
    detail = response.json["error"]["detail"]
    match = re.search(r"line 1, column (\d+)", detail)
    assert match, detail
    column = int(match.group(1))
    assert column <= len("SELECT * WHERE { ?x ?y 42 . FILTER(?x = ) }") + 1
    assert "  SELECT * WHERE" in detail and "BASE" not in detail and _caret_column(detail) == 2 + column - 1


def test_syntax_error_in_the_cli_has_line_column_and_caret(site):
    result = run("query", "--endpoint", site, "-e", BAD_QUERY)
    assert result.exit_code == 1
    assert "line 2, column" in result.stderr and "  WHERE { ?x ?y ?z . FILTER(?x = ) }" in result.stderr
    assert "^" in result.stderr and "b'" not in result.stderr


def test_parse_names_rejected_lines_and_info_with_v(seed_path):
    report = json.loads(run("parse", "--json", str(seed_path)).stdout)["documents"][0]["line_report"]
    rejected = [e["line"] for e in report["lines"] if e["status"] == "rejected"]
    assert rejected
    text = run("parse", str(seed_path))
    for line in rejected:
        assert f"rejected line {line}:" in text.stdout
    assert ": info: " not in text.stderr
    verbose = run("parse", "-v", str(seed_path))
    assert ": info: " in verbose.stderr


def test_parse_of_a_file_that_is_not_a_table_prints_no_year_none(tmp_path):
    path = tmp_path / "letter.txt"
    path.write_text("尊敬的各位领导：\n这不是一张表格。\n", encoding="utf-8")
    result = run("parse", str(path))
    assert "None" not in result.output and "no table found" in result.stdout
    assert result.exit_code == 1


def test_validate_report_names_each_line_once_and_speaks_chinese(seed_path):
    en = run("validate", str(seed_path)).stdout.splitlines()
    findings = [line for line in en if re.match(r"  line \d+: ", line)]
    assert findings
    for line in findings:
        n = re.match(r"  line (\d+): ", line).group(1)
        rest = line.split(": ", 1)[1]
        assert f"line {n}" not in rest and f"第 {n} 行" not in rest, line
    zh = run("validate", "--lang", "zh", str(seed_path)).stdout.splitlines()
    zh_findings = [line for line in zh if line.startswith("  ")]
    assert len(zh_findings) == len(findings)
    assert all(re.match(r"  第 \d+ 行: (警告|违规|提示): ", line) for line in zh_findings), zh_findings[:3]
    assert not any(re.match(r"  line \d+", line) for line in zh)
    assert re.search(r"\d+ 项违规，\d+ 项警告", zh[-1])


# -- 15: the README -----------------------------------------------------------------------


def test_readme_sample_query_says_what_it_returns():
    text = README.read_text(encoding="utf-8")
    query = text.split("```sparql\n", 1)[1].split("```", 1)[0]
    claim = text.split(query, 1)[1].split("```", 1)[1].strip().split("\n\n", 1)[0]
    with api.open_seed() as kg:
        rows = kg.sparql(query)
    words = {"six": 6, "five": 5, "seven": 7, "four": 4}
    count = re.search(r"returns (\w+) rows", claim)
    assert count and words.get(count.group(1)) == len(rows)
    printed = sorted(r["printed"] for r in rows if r["printed"])
    named = re.findall(r"\d+%(?:以上)?(?: \(twice\))?", claim)
    expanded = sorted(v for n in named for v in [n.split(" ")[0]] * (2 if "twice" in n else 1))
    assert expanded == printed
    empty = [r for r in rows if not r["printed"]]
    assert len(empty) == 1 and "empty" in claim and empty[0]["project"] in claim


def test_readme_tells_where_the_store_lives_and_what_ci_installs():
    from budgetkg.settings import SETTINGS_BY_NAME

    text = README.read_text(encoding="utf-8")
    for part in SETTINGS_BY_NAME["data_dir"].shown_default().split(" or "):
        assert part.replace("~", "~") in text, part
    assert "BUDGETKG_DATA_DIR" in text and "store is in use" in text
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    packages = {p for words in re.findall(r"apt-get install ([^>)]+)>", ci) for p in words.split()
                if not p.startswith("-") and p != "\\"}
    assert packages and all(f"`{p}`" in text for p in packages), packages
    anchor = "#try-the-cross-year-queries-in-one-minute"
    assert "## Try the cross-year queries in one minute" in text
    assert text.count(f"]({anchor})") >= 1
