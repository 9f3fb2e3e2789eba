"""Issue 19's pages and editor (items 2-4 and 6-10), on a store holding two years that
are not the seed's (2024 and 2025: ``shifted_years_data_dir``) and on the seed alone.

The browser itself (the editor's one click, the table's plain values, the 400 px phone)
is tested in test_browser.py.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter, defaultdict
from html.parser import HTMLParser

import pytest
from conftest import SHIFTED_YEARS, live_server
from web_seed import seeded_data_dir

from budgetkg import api
from budgetkg.loader.iris import indicator_name_key
from budgetkg.queries.catalog import StoreFacts, frequent_word, load_catalog
from budgetkg.service import charts, close_app, create_app

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"}
BKG = "https://w3id.org/budgetkg/def/"
YEAR_A, YEAR_B = (str(y) for y in SHIFTED_YEARS)


@pytest.fixture(scope="module")
def two(shifted_years_data_dir):
    app = create_app({"data_dir": shifted_years_data_dir, "workers": 0})
    yield app.test_client()
    close_app(app)


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    app = create_app({"data_dir": seeded_data_dir(tmp_path_factory), "workers": 0})
    yield app.test_client()
    close_app(app)


@pytest.fixture(scope="module")
def kg(shifted_years_data_dir):
    with api.open(shifted_years_data_dir) as connection:
        yield connection


class Ids(HTMLParser):
    """The text under each element with an id, and each <select>'s options."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.ids: dict[str, list[str]] = {}
        self.open: list[tuple[str, str | None]] = []
        self.options: dict[str, list[tuple[str, bool]]] = defaultdict(list)
        self.select: str | None = None
        self.links: list[tuple[str, str]] = []
        self._link: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        a = dict(attrs)
        if tag in ("br", "input", "meta", "link", "img", "rect", "path", "polygon", "ellipse", "option"):
            if tag == "option" and self.select:
                self.options[self.select].append((a.get("value", ""), "selected" in a))
            return
        self.open.append((tag, a.get("id")))
        if a.get("id"):
            self.ids.setdefault(a["id"], [])
        if tag == "select":
            self.select = a.get("id")
        if tag == "a":
            self._link = a.get("href", "")
            self.links.append((self._link, ""))

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        while self.open:
            t, _ = self.open.pop()
            if t == tag:
                break
        if tag == "select":
            self.select = None
        if tag == "a":
            self._link = None

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        for _, ident in self.open:
            if ident:
                self.ids[ident].append(data)
        if self._link is not None and self.links:
            href, text = self.links[-1]
            self.links[-1] = (href, text + data)

    def text(self, ident: str) -> str:
        return " ".join("".join(self.ids.get(ident, [])).split())


def page(client, url: str, status: int = 200) -> tuple[str, Ids]:
    r = client.get(url, headers=BROWSER)
    assert r.status_code == status, (url, r.status_code, r.data[:300])
    assert r.content_type.startswith("text/html"), (url, r.content_type)
    html = r.data.decode("utf-8")
    return html, Ids(html)


# -- (2) why a comparison is empty ---------------------------------------------------------


def test_a_year_the_store_does_not_hold_is_a_400_naming_its_years(two):
    for url in ("/queries/compare-lines?yearA=2019", "/queries/compare-targets?yearB=2031",
                "/queries/projects?year=2022", "/queries/compare-lines.rq?yearA=2019"):
        r = two.get(url)
        assert r.status_code == 400, url
        detail = r.get_json()["error"]["detail"]
        assert f"it holds {YEAR_A}, {YEAR_B}" in detail, detail
    # the years it holds answer
    assert two.get(f"/queries/compare-lines?yearA={YEAR_A}&yearB={YEAR_B}").status_code == 200


def test_one_year_loaded_the_cross_year_queries_say_so(seed):
    for name in ("compare-lines", "compare-targets", "new-discontinued", "line-totals-two-years"):
        r = seed.get(f"/queries/{name}")
        assert r.status_code == 400
        assert "holds only 2022" in r.get_json()["error"]["detail"] and "two years" in r.get_json()["error"]["detail"]
    # in a browser: the page says it, with the form
    _, ids = page(seed, "/queries/compare-lines", status=400)
    assert "holds only 2022" in ids.text("query-error")


def test_the_cli_names_the_years_and_exits_non_zero(shifted_years_data_dir):
    from click.testing import CliRunner

    from budgetkg.cli import main

    app = create_app({"data_dir": shifted_years_data_dir, "workers": 1, "query_timeout": 20})
    try:
        with live_server(app) as url:
            done = CliRunner().invoke(main, ["query", "compare-lines", "-p", "yearA=2022", "--endpoint", f"{url}/sparql"])
    finally:
        close_app(app)
    assert done.exit_code != 0
    assert "2022" in done.output and f"{YEAR_A}, {YEAR_B}" in done.output


# -- (3) the editor runs what /queries/NAME runs ------------------------------------------------


def test_the_bound_text_answers_the_same_rows_as_the_api(two, kg):
    text = two.get("/queries/compare-lines.rq")
    assert text.status_code == 200 and text.mimetype == "application/sparql-query"
    body = text.data.decode()
    assert f'"{YEAR_A}"^^<http://www.w3.org/2001/XMLSchema#gYear>' in body
    assert f'"{YEAR_B}"^^<http://www.w3.org/2001/XMLSchema#gYear>' in body
    assert '"2022"^^' not in body and '"2023"^^' not in body
    by_endpoint = two.post("/sparql", data={"query": body}, headers={"Accept": "application/sparql-results+json"})
    by_api = two.get("/queries/compare-lines", headers={"Accept": "application/json"})
    rows = by_endpoint.get_json()["results"]["bindings"]
    assert rows and rows == by_api.get_json()["results"]["bindings"]
    assert len(rows) == len(kg.run("compare-lines"))
    # parameters are bound as the API binds them
    given = two.get(f"/queries/projects.rq?year={YEAR_A}").data.decode()
    assert f'VALUES ?year {{ "{YEAR_A}"^^' in given


# -- (4) defaults chosen from the store ---------------------------------------------------------------


def test_indicator_and_keyword_defaults_answer_on_any_store(two, kg, seed_doc):
    facts = kg.store_facts(load_catalog()["indicator-targets"].facts_query)
    # the concept with the most indicator rows, counted from the records of both years
    # (the second year repeats most of the seed's tables)
    rows = Counter()
    for record in kg.sparql(f"PREFIX bkg: <{BKG}> SELECT ?i ?n WHERE {{ ?i bkg:indicatorConcept ?c ; bkg:printedName ?n }}"):
        rows[indicator_name_key(record["n"])] += 1
    top = max(rows.values())
    assert facts.top_indicator in {k for k, v in rows.items() if v == top}
    for name in ("indicator-targets", "keyword-search"):
        r = two.get(f"/queries/{name}", headers={"Accept": "application/json"})
        assert r.status_code == 200 and r.get_json()["results"]["bindings"], name
    word = kg.store_facts(load_catalog()["keyword-search"].facts_query).top_word
    assert word and len(word) == 2
    hits = kg.run("keyword-search")
    assert hits and all(word in str(h["name"]) for h in hits if h["kind"] == "project")


def test_frequent_word_counts_names_not_occurrences():
    # 经费 is in three names, 培训 in two (four times)
    assert frequent_word(["培训费", "培训培训培训", "经费", "人员经费", "办公经费"]) == "经费"
    assert frequent_word(["abc", "de"]) is None
    assert StoreFacts.from_rows([{"name": "人才经费"}, {"name": "培训经费"}, {"indicator": "完成率"}]) == StoreFacts(
        (), None, "完成率", "经费")


# -- (6) charts of the right measure ---------------------------------------------------------------


def _answer(client, name: str, **params: str):
    body = client.get(f"/queries/{name}", query_string=params, headers={"Accept": "application/json"}).get_json()
    return body["head"]["vars"], body["results"]["bindings"]


def test_charts_choose_money_and_counts_not_codes(two):
    cols = charts.pick_columns(*_answer(two, "project-totals"))
    assert cols.measure == "totalWanYuan"  # not departmentCode, the first numeric-looking column
    assert "unitName" in cols.labels and cols.series == "fiscalYear"
    cols = charts.pick_columns(*_answer(two, "fund-sources"))
    assert cols.measure == "sumWanYuan"  # money, not the count of projects
    cols = charts.pick_columns(*_answer(two, "shared-indicators"))
    assert cols.measure in {"projects", "projectLines", "uses"} or "project" in cols.measure.lower()
    # labels in full: the longest project name is written whole in the SVG
    variables, rows = _answer(two, "project-totals")
    svg = str(charts.bars_svg(charts.rows_to_bars(charts.pick_columns(variables, rows), rows)))
    longest = max((r["unitName"]["value"] for r in rows if r.get("unitName")), key=len)
    assert longest in svg and "…" not in svg


def test_landing_department_and_concept_pages_have_charts(two, kg):
    html, ids = page(two, "/")
    chart = re.search(r'<svg[^>]*id="money-chart".*?</svg>', html, re.S)
    assert chart and f">{YEAR_A}<" in chart.group(0) and f">{YEAR_B}<" in chart.group(0)
    totals = {str(r["year"]): r["total"] for r in kg.sparql(
        f"PREFIX bkg: <{BKG}> PREFIX fund: <{BKG}fund-source/> SELECT ?year (SUM(?t) / 10000 AS ?total) WHERE {{ "
        "{ SELECT DISTINCT ?py ?year ?t WHERE { ?py a bkg:ProjectYear ; bkg:fiscalYear ?year . "
        "?a bkg:projectYear ?py ; bkg:fundSource fund:total ; bkg:amount ?t } } } GROUP BY ?year")}
    for year, total in totals.items():
        assert f"{total:,.2f} 万元" in chart.group(0), (year, total)
    dept = next(href for href, _ in ids.links if "/id/department/" in href)
    html, _ = page(two, dept)
    assert re.search(r'<svg[^>]*id="unit-chart"', html) and "自治区人力资源和社会保障厅本级" in html
    concept = next(href for href, _ in Ids(two.get("/", headers=BROWSER).data.decode()).links if "/def/indicator/" in href
                   or "/id/indicator" in href or "/concept/" in href)
    html, ids = page(two, concept)
    chart = re.search(r'<svg[^>]*id="target-chart".*?</svg>', html, re.S)
    assert chart and "各目标值的项目数" in chart.group(0)


# -- (8) the browsable API, VoID, the document page ------------------------------------------------------


def test_queries_in_a_browser_are_pages(two, kg):
    _, ids = page(two, "/queries")
    listing = ids.text("query-list")
    assert all(q.title_zh in listing for q in load_catalog().values())
    html, ids = page(two, "/queries/compare-lines")
    assert "跨年度项目对比" in ids.text("params") or "跨年度项目对比" in html
    assert [v for v, _ in ids.options["param-yearA"]] == [YEAR_A, YEAR_B]
    assert [v for v, sel in ids.options["param-yearA"] if sel] == [YEAR_A]
    assert [v for v, sel in ids.options["param-yearB"] if sel] == [YEAR_B]
    expected = kg.run("compare-lines")
    assert html.count("<tr>") - 1 == len(expected)  # the rows and the header row
    assert f"{len(expected)} 行" in ids.text("row-count")
    assert re.search(r'<svg[^>]*id="query-chart"', html)
    downloads = {text.strip(): href for href, text in ids.links if "format=" in href}
    assert set(downloads) == {"CSV", "JSON", "TSV"}
    table = list(csv.DictReader(io.StringIO(two.get(downloads["CSV"]).data.decode())))
    assert len(table) == len(expected)
    # the form's values go back as parameters
    _, ids = page(two, f"/queries/projects?year={YEAR_A}&department=")
    assert f"{len(kg.run('projects', year=YEAR_A))} 行" in ids.text("row-count")
    # programs still get JSON from the same URL
    assert two.get("/queries/compare-lines", headers={"Accept": "*/*"}).mimetype == "application/sparql-results+json"
    assert two.get("/queries", headers={"Accept": "*/*"}).mimetype == "application/json"


def test_void_opens_a_page_and_still_downloads(two):
    _, ids = page(two, "/.well-known/void")
    r = two.get("/.well-known/void?format=ttl")
    assert r.mimetype == "text/turtle" and b"void:Dataset" in r.data
    assert two.get("/.well-known/void", headers={"Accept": "text/turtle"}).mimetype == "text/turtle"


def test_the_document_page_titles_itself_and_counts_what_derives_from_it(seed, seed_path):
    r = seed.get("/queries/projects", headers={"Accept": "application/json"})
    project = r.get_json()["results"]["bindings"][0]["projectYear"]["value"]
    html, _ = page(seed, project.replace("https://budgetkg.example.org", ""))
    doc = re.search(r'href="(/id/document/[^"]+)"', html).group(1)
    html, _ = page(seed, doc)
    assert f"<title>{seed_path.name} —" in html
    with api.open_seed() as kg:
        derived = kg.sparql(f"PREFIX prov: <http://www.w3.org/ns/prov#> SELECT (COUNT(DISTINCT ?s) AS ?n) "
                            f"WHERE {{ ?s prov:wasDerivedFrom <https://budgetkg.example.org{doc}> }}")[0]["n"]
    assert derived > 500
    assert f"{derived - 100} more ({derived} in all)" in html


# -- (9) the ontology documented -------------------------------------------------------------------------


def test_the_ontology_page_documents_every_term(seed):
    from importlib import resources

    from rdflib import OWL, RDF, RDFS, SKOS, Graph, URIRef

    g = Graph()
    g.parse(data=(resources.files("budgetkg.ontology") / "budgetkg.ttl").read_text(encoding="utf-8"), format="turtle")
    g.parse(data=(resources.files("budgetkg.ontology") / "concepts.ttl").read_text(encoding="utf-8"), format="turtle")
    html, ids = page(seed, "/def/")
    terms = [s for t in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, SKOS.ConceptScheme)
             for s in g.subjects(RDF.type, t) if isinstance(s, URIRef)]
    assert len(terms) > 40
    for term in terms:
        anchor = str(term)[len(BKG):]
        assert ids.text(anchor), f"no section for {anchor}"
        for label in g.objects(term, RDFS.label):
            assert str(label) in ids.text(anchor), (anchor, str(label))
        for comment in g.objects(term, RDFS.comment):
            assert " ".join(str(comment).split()) in ids.text(anchor), anchor
    # domains and ranges
    assert "bkg:FundAmount" in ids.text("amount") and "xsd:decimal" in ids.text("amount")
    assert "bkg:ProjectLine ∪ bkg:ProjectYear" in ids.text("department")
    # the diagram, inline
    assert re.search(r'<section id="diagram">.*?<svg', html, re.S)


# -- (10) favicon, Turtle grouped, JSON-LD compacted -------------------------------------------------------


def test_favicon(seed):
    r = seed.get("/favicon.ico", follow_redirects=True)
    assert r.status_code == 200 and r.mimetype == "image/svg+xml" and b"<svg" in r.data
    assert 'rel="icon"' in seed.get("/", headers=BROWSER).data.decode()


def test_turtle_groups_by_subject_and_json_ld_is_compact(seed):
    project = seed.get("/queries/projects", headers={"Accept": "application/json"}).get_json()
    path = project["results"]["bindings"][0]["projectYear"]["value"].replace("https://budgetkg.example.org", "")
    ttl = seed.get(path + ".ttl").data.decode()
    assert "@prefix bkg:" in ttl
    statements = [line for line in ttl.splitlines() if line and not line.startswith(("@prefix", "\t", " "))]
    subjects = [line.split()[0] for line in statements]
    assert len(subjects) == len(set(subjects)), "a subject starts more than one statement"
    assert subjects[0] == "<https://budgetkg.example.org" + path + ">" or subjects[0].startswith("id:")
    doc = json.loads(seed.get(path + ".jsonld").data)
    assert doc["@context"]["bkg"] == BKG
    me = next(n for n in doc["@graph"] if n["@id"].endswith(path.rsplit("/id/", 1)[1]))
    assert "bkg:fiscalYear" in me and "rdfs:label" in me
