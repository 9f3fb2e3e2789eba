"""Citable project-year pages: how to cite (source document, lines, IRI, retrieval date)
and the table's rows as CSV, checked against the parsed seed."""

from __future__ import annotations

import csv
import io
import shutil

import pytest
from click.testing import CliRunner

from budgetkg.documents import seed_path
from budgetkg.loader import iris

BASE = "https://budgetkg.example.org/id/"
URL = "https://czt.nx.gov.cn/zfxxgk/2022/budget-targets.txt"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from budgetkg.cli import main
    from budgetkg.service import close_app, create_app

    folder = tmp_path_factory.mktemp("cite")
    doc = folder / "targets-2022.txt"
    shutil.copy(seed_path(), doc)
    r = CliRunner().invoke(main, ["load", str(doc), "--data-dir", str(folder / "data"), "--workers", "0",
                                  "--no-validate", "--source-url", URL, "--retrieved", "2024-05-06"])
    assert r.exit_code in (0, 1), r.output
    app = create_app({"data_dir": folder / "data", "workers": 0})
    yield app.test_client()
    close_app(app)


def _year_path(project, year: int) -> str:
    line = iris.project_line_iri(BASE, project.department.code, project.name)
    return str(iris.project_year_iri(line, year))[len("https://budgetkg.example.org"):]


def test_the_page_says_how_to_cite_it(client, seed_doc):
    p = seed_doc.projects[0]
    path = _year_path(p, seed_doc.year)
    html = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
    cite = html[html.index('id="cite"'):]
    cite = cite[: cite.index("</section>")]
    assert "targets-2022.txt" in cite  # the source document
    assert f"{p.line}–{p.end_line}" in cite  # its lines
    assert "https://budgetkg.example.org" + path in cite  # the IRI
    assert URL in cite and "2024-05-06" in cite  # where and when it was downloaded
    assert f'href="{path}.csv"' in cite


def test_the_table_as_csv(client, seed_doc):
    p = next(x for x in seed_doc.projects if x.indicators)
    path = _year_path(p, seed_doc.year)
    r = client.get(path + ".csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff"))))
    indicators = [row for row in rows if row["section"] == "indicator"]
    assert [row["name"] for row in indicators] == [i.name for i in p.indicators]
    assert [row["source_line"] for row in indicators] == [str(i.line) for i in p.indicators]
    assert [row["printed"] for row in indicators] == [i.value or "" for i in p.indicators]
    assert any(row["section"] == "fund" for row in rows)


def test_csv_only_for_project_years(client, seed_doc):
    dept = str(iris.department_iri(BASE, seed_doc.projects[0].department.code))[len("https://budgetkg.example.org"):]
    assert client.get(dept + ".csv").status_code == 404
