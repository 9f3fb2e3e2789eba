"""The HTML pages say the right things: numbers and names checked against the parsed seed.

Expectations are computed from ``read_document`` records and the loader's name keys,
never from the service; the HTML is read with the standard library's parser.
"""

from __future__ import annotations

import html
import importlib.resources
import re
from collections import defaultdict
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from web_seed import BASE, seeded_data_dir

from budgetkg.loader import iris

ROOT = Path(__file__).resolve().parents[1]


class Page(HTMLParser):
    """Text, links and element ids of an HTML page."""

    def __init__(self, source: str) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []  # (href, text)
        self.ids: dict[str, str] = {}
        self.chunks: list[str] = []
        self._open: list[tuple[str, str | None, list[str]]] = []
        self._href: str | None = None
        self._link_text: list[str] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.feed(source)

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self._href, self._link_text = a["href"], []
        if tag == "script" and a.get("src"):
            self.scripts.append(a["src"])
        if tag == "link" and a.get("rel") == "stylesheet":
            self.styles.append(a["href"])
        if a.get("id"):
            self._open.append((tag, a["id"], []))

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag == "a" and self._href is not None:
            self.links.append((self._href, "".join(self._link_text).strip()))
            self._href = None
        if self._open and self._open[-1][0] == tag:
            _, ident, parts = self._open.pop()
            self.ids[ident] = " ".join("".join(parts).split())

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        self.chunks.append(data)
        if self._href is not None:
            self._link_text.append(data)
        for _, _, parts in self._open:
            parts.append(data)

    @property
    def text(self) -> str:
        return " ".join("".join(self.chunks).split())

    def hrefs(self, text: str) -> list[str]:
        return [href for href, label in self.links if label == text]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from budgetkg.service import close_app, create_app

    app = create_app({"data_dir": seeded_data_dir(tmp_path_factory), "workers": 1})
    yield app.test_client()
    close_app(app)


def get(client, path: str) -> Page:
    r = client.get(path, headers={"Accept": "text/html"})
    assert r.status_code == 200, (path, r.status_code, r.data[:300])
    assert r.mimetype == "text/html"
    return Page(r.get_data(as_text=True))


def local(iri: str) -> str:
    if iri.startswith("https://w3id.org/budgetkg/def/"):  # the vocabulary, documented at /def/
        return "/def/" + iri[len("https://w3id.org/budgetkg/def/"):]
    return iri[len("https://budgetkg.example.org"):]


def wan(value: Decimal) -> str:
    return f"{value:,.2f}"


def project_year_paths(doc) -> dict[int, str]:
    """seq -> path of each table, by the loader's rule (ontology/README.md): per line, the
    first table that is not a carry-over (else the first) keeps {line}/{year}, the others
    are {line}/{year}/t{seq}."""
    by_line = defaultdict(list)
    for p in doc.projects:
        by_line[iris.project_line_iri(BASE, p.department.code, p.name)].append(p)
    out = {}
    for line, tables in by_line.items():
        plain = next((p for p in tables if not p.carryover.is_carryover), tables[0])
        for p in tables:
            seq = None if p is plain else p.seq
            out[p.seq] = local(str(iris.project_year_iri(line, doc.year, seq)))
    return out


def statistics_triples() -> int:
    """The triples of the seed's year's statistics (budgetkg.year_statistics), computed
    on a store of the seed alone."""
    from budgetkg import pipeline, year_statistics
    from budgetkg.store import OxigraphStore

    store = OxigraphStore(None)
    pipeline.load_seed(store, base=BASE)
    return sum(len(triples) for triples in year_statistics.compute(store, BASE, [2022]).values())


def test_landing_counts_match_the_seed(client, seed_doc):
    from budgetkg.loader.model import ontology_graph
    from budgetkg.loader.rdf import document_graph

    page = get(client, "/")
    projects = seed_doc.projects
    expected = {
        "count-years": 1,
        "count-departments": len({p.department.code for p in projects}),
        "count-units": len({p.unit.code for p in projects if p.unit and p.unit.code != p.department.code}),
        "count-lines": len({(p.department.code, iris.project_line_key(p.name)) for p in projects}),
        "count-projects": len(projects),
        "count-indicators": sum(len(p.indicators) for p in projects),
        "count-concepts": len({iris.indicator_name_key(i.name) for p in projects for i in p.indicators}),
        # the document, the ontology and the statistics of the document's year
        "count-triples": len(document_graph(seed_doc, base=BASE)[1]) + len(ontology_graph()) + statistics_triples(),
    }
    assert {k: int(page.ids[k]) for k in expected} == expected
    assert expected["count-projects"] == 37 and expected["count-indicators"] == 656  # hand-checked
    dept = projects[0].department
    total = sum(p.amounts.total for p in projects if p.amounts.total is not None)
    assert wan(total) in page.ids["departments"]
    assert page.hrefs(dept.name) == [f"/id/department/{dept.code}"]
    assert "/editor" in {href for href, _ in page.links}


def test_any_project_in_two_clicks_from_the_landing_page(client, seed_doc):
    landing = get(client, "/")
    paths = project_year_paths(seed_doc)
    dept_page = get(client, landing.hrefs(seed_doc.projects[0].department.name)[0])
    listed = {href for href, _ in dept_page.links}
    assert set(paths.values()) <= listed  # every table is one click from the department
    for p in seed_doc.projects:
        assert p.name in dept_page.hrefs(p.name) or paths[p.seq] in dept_page.hrefs(p.name)


def test_department_page_totals(client, seed_doc):
    page = get(client, "/id/department/303")
    total = sum(p.amounts.total for p in seed_doc.projects if p.amounts.total is not None)
    assert f"共 {len(seed_doc.projects)}" in page.text or f"({len(seed_doc.projects)})" in page.ids["projects"]
    assert wan(total) in page.ids[f"year-{seed_doc.year}"]
    units = {p.unit.code: p.unit.name for p in seed_doc.projects if p.unit and p.unit.code != "303"}
    for code, name in units.items():
        if len(code) == 6:  # direct sub-units are listed; 303005001 sits under 303005
            assert f"{code} {name}" in page.ids["subunits"]


def test_unit_page_lists_its_projects(client, seed_doc):
    unit = seed_doc.projects[0].unit
    page = get(client, f"/id/unit/{unit.code}")
    mine = [p for p in seed_doc.projects if p.unit and p.unit.code == unit.code]
    assert page.text.count("结转 carry-over") >= sum(p.carryover.is_carryover for p in mine)
    for p in mine:
        assert p.name in page.ids["projects"]
    assert wan(sum(p.amounts.total for p in mine if p.amounts.total)) in page.ids[f"year-{seed_doc.year}"]


def test_project_year_page(client, seed_doc):
    p = seed_doc.projects[0]
    page = get(client, project_year_paths(seed_doc)[p.seq])
    funds = page.ids["funds"]
    for field, label in (("total", "项目总额"), ("central_funds", "中央资金"), ("regional_funds", "自治区资金")):
        assert f"{label} · " in funds
        assert wan(getattr(p.amounts, field)) in funds
    indicators = page.ids["indicators"]
    assert f"({len(p.indicators)})" in indicators
    for ind in p.indicators:
        assert html.unescape(ind.name) in indicators and ind.value in indicators
    # Grouped by level 1 then level 2, in code order: output before effect before satisfaction.
    assert indicators.index("产出指标") < indicators.index("效益指标") < indicators.index("满意度指标")
    assert indicators.index("数量指标") < indicators.index("质量指标")
    # The normalized target beside the printed one: 7000人、70万人 -> two parts.
    assert "7000 人; 70 万人" in indicators
    source = page.ids["source"]
    assert Path(seed_doc.source).name in source and f"第 {p.line}–{p.end_line} 行" in source
    assert seed_doc.sha256 in source


def test_normalized_targets_sit_beside_the_printed_text(client, seed_doc):
    paths = project_year_paths(seed_doc)
    checked = 0
    for p in seed_doc.projects:
        cases = [i for i in p.indicators if i.target.comparator == ">=" and len(i.target.values) == 1
                 and i.target.unit == "%" and not i.target.parts]
        if not cases:
            continue
        page = get(client, paths[p.seq])
        for ind in cases:
            value = ind.target.values[0]
            text = format(value.normalize(), "f")
            assert re.search(re.escape(ind.value) + r"\s*≥ " + re.escape(text) + " %", page.ids["indicators"]), ind
            checked += 1
        if checked >= 5:
            break
    assert checked >= 5


def test_project_line_page_chart_and_carryovers(client, seed_doc):
    # A line with a budget table and a carried-over table in the same year.
    tables = defaultdict(list)
    for p in seed_doc.projects:
        tables[iris.project_line_iri(BASE, p.department.code, p.name)].append(p)
    line, members = next((l, m) for l, m in tables.items()
                         if any(p.carryover.is_carryover for p in m) and any(not p.carryover.is_carryover for p in m))
    page = get(client, local(str(line)))
    chart = page.ids["budget-chart"]
    total = sum(p.amounts.total for p in members if p.amounts.total)
    assert wan(total) in chart and str(seed_doc.year) in chart
    listing = page.ids["tables"]
    for p in members:
        assert p.name in listing
    carried = [p for p in members if p.carryover.is_carryover]
    raw = client.get(local(str(line)), headers={"Accept": "text/html"}).get_data(as_text=True)
    assert raw.count('<span class="tag">结转 carry-over</span>') == len(carried)
    assert all(f"{p.carryover.from_year} (未载入 not loaded)" in listing for p in carried if p.carryover.from_year)
    svg = client.get(local(str(line)), headers={"Accept": "text/html"}).get_data(as_text=True)
    assert svg.count('<rect class="bar budget"') == 1 and svg.count('<rect class="bar carryover"') == 1


def test_indicator_concept_page_lists_every_use(client, seed_doc):
    uses = defaultdict(list)
    for p in seed_doc.projects:
        for ind in p.indicators:
            uses[iris.indicator_name_key(ind.name)].append((p, ind))
    key, found = max(uses.items(), key=lambda kv: (len({p.seq for p, _ in kv[1]}), kv[0]))
    assert len({p.seq for p, _ in found}) >= 3
    page = get(client, local(str(iris.indicator_concept_iri(BASE, key))))
    table = page.ids["uses"]
    for p, ind in found:
        assert p.name in table and ind.value in table
    assert page.text.count(key) >= 1
    assert f"{len({p.seq for p, _ in found})} 个项目表" in page.text


def test_search_finds_projects_and_indicators(client, seed_doc):
    page = get(client, "/search?q=培训")
    names = {p.name for p in seed_doc.projects if "培训" in p.name}
    concepts = {iris.indicator_name_key(i.name) for p in seed_doc.projects for i in p.indicators}
    assert names and {p.name for p in seed_doc.projects if p.name in page.ids["project-results"]} >= names
    expected_concepts = {c for c in concepts if "培训" in c}
    assert f"({len(expected_concepts)})" in page.ids["concept-results"]
    # Full-width punctuation is folded like the concept labels.
    assert "培训合格率" in get(client, "/search?q=培训合格率").ids["concept-results"]
    assert "(0)" in get(client, "/search?q=不存在的名称xyz").ids["project-results"]
    get(client, "/search")  # an empty form
    get(client, "/search?q=" + "长" * 1000)  # cut, not refused


@pytest.mark.parametrize("path", ["/", "/search?q=x", "/editor", "/id/department/303", "/dumps/"])
def test_search_form_on_every_page(client, path):
    r = client.get(path, headers={"Accept": "text/html"})
    assert '<form class="search" action="/search"' in r.get_data(as_text=True)


def test_editor_is_self_contained(client):
    page = get(client, "/editor")
    assert "/static/yasgui/yasgui.min.js" in page.scripts and "/static/yasgui/yasgui.min.css" in page.styles
    for src in page.scripts + page.styles:
        assert src.startswith("/static/"), src  # nothing from a CDN
        r = client.get(src)
        assert r.status_code == 200 and len(r.data) > 1000
        r.close()
    source = client.get("/editor").get_data(as_text=True)
    assert '"bkg": "https://w3id.org/budgetkg/def/"' in source  # prefixes prefilled
    assert '"queries": "/queries"' in source
    assert client.get("/static/yasgui/LICENSE").status_code == 200


def test_sparql_sends_browsers_to_the_editor_only(client):
    browser = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert browser.status_code == 303 and browser.headers["Location"].endswith("/editor")
    for headers in ({}, {"Accept": "text/turtle"}, {"Accept": "*/*"}):
        r = client.get("/sparql", headers=headers)
        assert r.status_code == 200 and r.mimetype == "text/turtle"
    r = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Accept": "text/html,*/*;q=0.8"})
    assert r.status_code == 200 and r.mimetype == "application/sparql-results+json"


def test_templates_and_static_files_are_installed():
    package = importlib.resources.files("budgetkg.service")
    for folder in ("templates", "static"):
        for path in (ROOT / "service" / folder).rglob("*"):
            if path.is_file():
                rel = path.relative_to(ROOT / "service").as_posix()
                assert package.joinpath(rel).is_file(), rel


def test_a_line_across_two_years(tmp_path):
    """Synthetic tables for 2021 and 2022: a line's chart has a bar per year, and a 2022
    carry-over links to the 2021 table it carries over from (loaded, so it resolves)."""
    from budgetkg import pipeline
    from budgetkg.loader.reader import read_document
    from budgetkg.service import close_app, create_app
    from budgetkg.store import OxigraphStore
    from budgetkg.synthetic.corpus import generate_corpus

    files = generate_corpus(tmp_path / "tables", seed=3, tables=60, years=(2021, 2022))
    docs = [read_document(f) for f in files]
    with OxigraphStore(tmp_path / "data") as store:
        pipeline.load_ontology(store, base=BASE)
        for f in files:
            pipeline.load_path(store, f, base=BASE)
    tables = defaultdict(list)
    for doc in docs:
        for p in doc.projects:
            tables[iris.project_line_iri(BASE, p.department.code, p.name)].append((doc.year, p))
    line, members = next((line, m) for line, m in sorted(tables.items())
                         if {y for y, _ in m} == {2021, 2022}
                         and any(p.carryover.is_carryover and p.carryover.from_year == 2021 for y, p in m if y == 2022))
    app = create_app({"data_dir": tmp_path / "data", "workers": 0})
    try:
        r = app.test_client().get(local(str(line)), headers={"Accept": "text/html"})
        source = r.get_data(as_text=True)
        page = Page(source)
        for year in (2021, 2022):
            total = sum(p.amounts.total for y, p in members if y == year and p.amounts.total)
            assert wan(total) in page.ids["budget-chart"]
        assert len(re.findall(r'<text [^>]*class="tick">(2021|2022)</text>', source)) == 2
        listing = page.ids["tables"]
        assert "← 2021" in listing and "未载入" not in listing.split("← 2021")[1][:20]
        assert f'href="{local(str(line))}/2021' in source  # the carried-from table is a link
        # Shared resources (departments, units) sit in both documents' graphs: counted once.
        projects = [p for doc in docs for p in doc.projects]
        landing = Page(app.test_client().get("/").get_data(as_text=True))
        for code in {p.department.code for p in projects}:
            total = sum(p.amounts.total for p in projects if p.department.code == code and p.amounts.total)
            assert wan(total) in landing.ids["departments"]
        code = projects[0].department.code
        dept = Page(app.test_client().get(f"/id/department/{code}").get_data(as_text=True))
        units = {p.unit.code for p in projects if p.department.code == code and p.unit and p.unit.code != code
                 and len(p.unit.code) == len(code) + 3}
        assert units and all(dept.ids["subunits"].count(f"{u} ") == 1 for u in units)
    finally:
        close_app(app)


def test_top_concepts_count_each_concept_once_over_documents(two_year_data_dir):
    """The landing page's concepts used by most tables: a concept's label is repeated in
    every document's graph, which must change neither the counts nor the rows (the text
    joins the label after counting)."""
    import pyoxigraph as ox

    from budgetkg.service.page_data import TOP_CONCEPTS
    from budgetkg.service.querying import PREFIXES
    from budgetkg.store import OxigraphStore

    bkg, skos = "https://w3id.org/budgetkg/def/", "http://www.w3.org/2004/02/skos/core#"
    with OxigraphStore(two_year_data_dir, read_only=True) as store:
        quads = store._store  # noqa: SLF001 - the reference is counted from the quads themselves
        concept = {q.subject: q.object for q in quads.quads_for_pattern(None, ox.NamedNode(bkg + "indicatorConcept"), None)}
        tables: dict = defaultdict(set)
        for q in quads.quads_for_pattern(None, ox.NamedNode(bkg + "hasIndicator"), None):
            if q.object in concept:
                tables[concept[q.object]].add(q.subject)
        labels = {(q.subject, q.object.value) for q in quads.quads_for_pattern(None, ox.NamedNode(skos + "prefLabel"), None)
                  if q.subject in tables}
        expected = sorted(((-len(tables[c]), label) for c, label in labels if len(tables[c]) > 1))[:20]
        got = [(-int(r["projects"].value), r["label"].value) for r in store.query(PREFIXES + TOP_CONCEPTS)]
    assert len({label for _, label in labels}) > 20  # enough concepts for the limit to matter
    assert got == expected
