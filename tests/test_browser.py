"""A real browser: headless Chromium (Debian's, driven by Selenium) on a live server.

Opens the landing page, finds a project in two clicks, opens an indicator concept,
runs a query in the editor and sees its rows. Nothing is downloaded: the driver is
/usr/bin/chromedriver (so Selenium Manager stays idle) and the editor's files are
vendored. Screenshots go to a temporary folder, or to $BUDGETKG_SCREENSHOTS (e.g.
``docs/screenshots``) to refresh the ones in the docs.
"""

from __future__ import annotations

import os
import shutil
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import live_server
from skip_policy import missing_tool
from web_seed import seeded_data_dir

from budgetkg.loader.iris import indicator_name_key, project_line_key

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

pytestmark = pytest.mark.skipif(
    not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()),
    reason=missing_tool("chromium", "apt-get install chromium chromium-driver; .ci/run does"),
)

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is in the test extra")
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
         "--window-size=1280,1000", "--lang=zh-CN")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from budgetkg.service import close_app, create_app

    app = create_app({"data_dir": seeded_data_dir(tmp_path_factory), "workers": 1})
    with live_server(app) as url:
        yield url
    close_app(app)


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    target = os.environ.get("BUDGETKG_SCREENSHOTS")
    folder = Path(target) if target else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _shot(driver, folder: Path, name: str) -> None:
    # The whole page, not just the window: size the window to the document first.
    height = driver.execute_script("return Math.min(document.documentElement.scrollHeight, 4000)")
    driver.set_window_size(1280, max(height + 120, 800))  # the window's frame takes some of it
    assert driver.save_screenshot(str(folder / f"{name}.png"))
    driver.set_window_size(1280, 1000)


def test_project_in_two_clicks_and_a_concept_page(site, browser, shots, seed_doc):
    first = seed_doc.projects[0]
    browser.get(site + "/")
    assert browser.find_element(By.ID, "count-projects").text == str(len(seed_doc.projects))
    _shot(browser, shots, "landing")
    # Click 1: the department; click 2: the project.
    browser.find_element(By.LINK_TEXT, first.department.name).click()
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "projects")))
    browser.find_elements(By.LINK_TEXT, first.name)[0].click()
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "funds")))
    assert browser.find_element(By.TAG_NAME, "h1").text == first.name
    funds = browser.find_element(By.ID, "funds").text
    assert f"{first.amounts.total:,.2f}" in funds  # 万元, as printed
    _shot(browser, shots, "project")
    # An indicator name links to its concept: every project using it.
    browser.find_element(By.LINK_TEXT, first.indicators[0].name).click()
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "uses")))
    assert first.name in browser.find_element(By.ID, "uses").text
    # The landing page leads to the most shared indicator: its uses side by side.
    uses = defaultdict(set)
    for p in seed_doc.projects:
        for ind in p.indicators:
            uses[indicator_name_key(ind.name)].add(p.name)
    key = max(uses, key=lambda k: (len(uses[k]), k))
    browser.get(site + "/")
    browser.find_element(By.LINK_TEXT, key).click()
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "uses")))
    table = browser.find_element(By.ID, "uses").text
    assert all(name in table for name in uses[key])
    _shot(browser, shots, "indicator-concept")


def test_editor_runs_a_query_and_shows_rows(site, browser, shots, seed_doc):
    browser.get(site + "/editor")
    wait = WebDriverWait(browser, 20)
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".yasqe .CodeMirror")))
    # The canned list settles: buttons from /queries, or a note that there are none.
    wait.until(lambda d: not d.find_elements(By.ID, "canned-status")
               or "加载中" not in d.find_element(By.ID, "canned-status").text)
    # One click on a canned query, no SPARQL written: the indicators shared by projects.
    canned = {b.get_attribute("data-name"): b for b in browser.find_elements(By.CSS_SELECTOR, "button.canned")}
    assert "shared-indicators" in canned, sorted(canned)
    canned["shared-indicators"].click()
    rows = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".yasr_results table tbody tr"))
    assert rows and rows[0].text.strip()
    # the first row is an indicator used by the most project lines (counted from the records)
    uses = defaultdict(set)
    for p in seed_doc.projects:
        for ind in p.indicators:
            uses[indicator_name_key(ind.name)].add(project_line_key(p.name))
    top = max(len(v) for v in uses.values())
    assert str(top) in rows[0].text
    assert any(k in rows[0].text for k, v in uses.items() if len(v) == top)
    _shot(browser, shots, "editor")
    # The same results as a chart (the vendored YASR plugin of this package).
    chart_button = browser.find_elements(By.CSS_SELECTOR, ".yasr_btn.select_chart")
    if chart_button and chart_button[0].is_enabled() and "disabled" not in chart_button[0].get_attribute("class"):
        chart_button[0].click()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".yasr_results svg.bkg-chart rect"))
        _shot(browser, shots, "editor-chart")


# -- two years that are not the seed's (issue 19) ----------------------------------------------


@pytest.fixture(scope="module")
def two_years(shifted_years_data_dir):
    from budgetkg.service import close_app, create_app

    app = create_app({"data_dir": shifted_years_data_dir, "workers": 1})
    with live_server(app) as url:
        yield url
    close_app(app)


@pytest.fixture(scope="module")
def compare_rows(shifted_years_data_dir):
    from budgetkg import api

    with api.open(shifted_years_data_dir) as kg:
        return kg.run("compare-lines")


def _canned_buttons(browser) -> dict:
    wait = WebDriverWait(browser, 20)
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".yasqe .CodeMirror")))
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "button.canned"))
    return {b.get_attribute("data-name"): b for b in browser.find_elements(By.CSS_SELECTOR, "button.canned")}


def test_landing_editor_one_click_compare_lines_on_other_years(two_years, browser, shots, compare_rows):
    from conftest import SHIFTED_YEARS

    year_a, year_b = (str(y) for y in SHIFTED_YEARS)
    browser.get(two_years + "/")
    legend = browser.find_element(By.ID, "money-chart").text
    assert year_a in legend and year_b in legend
    _shot(browser, shots, "landing-two-years")
    browser.find_element(By.ID, "nav-editor").click()
    canned = _canned_buttons(browser)
    canned["compare-lines"].click()
    wait = WebDriverWait(browser, 30)
    rows = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".yasr_results table tbody tr"))
    assert len(compare_rows) > 20
    # every row of `budgetkg query compare-lines` (one page of the table holds them all)
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".yasr_results table tbody tr")) == len(compare_rows))
    # the editor ran the store's years, not 2022/2023
    query = browser.execute_script("return window.budgetkgYasgui.getTab().getYasqe().getValue()")
    assert f'"{year_a}"^^' in query and f'"{year_b}"^^' in query and '"2022"^^' not in query
    # readable: plain values ("2024", not "2024"^^xsd:gYear) and names in full
    header = [th.text.strip() for th in browser.find_elements(By.CSS_SELECTOR, ".yasr_results table thead th")]
    first = browser.find_elements(By.CSS_SELECTOR, ".yasr_results table tbody tr")[0]
    cells = [td.text.strip() for td in first.find_elements(By.TAG_NAME, "td")]
    assert cells[header.index("yearA")] == year_a and cells[header.index("yearB")] == year_b
    table = browser.find_element(By.CSS_SELECTOR, ".yasr_results table tbody").text
    longest = max((str(r["nameA"]) for r in compare_rows if r.get("nameA")), key=len)
    assert len(longest) > 20 and longest in table
    assert "^^" not in table and "…" not in table
    _shot(browser, shots, "editor-compare-lines")
    # the chart plots money (a total), bars labelled in full
    browser.find_element(By.CSS_SELECTOR, ".yasr_btn.select_chart").click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".yasr_results svg.bkg-chart"))
    title = browser.execute_script("return document.querySelector('.yasr_results svg.bkg-chart .bkg-chart-title').textContent")
    assert title in {"totalA", "totalB", "difference"}, title
    labels = browser.execute_script("return Array.from(document.querySelectorAll("
                                    "'.yasr_results svg.bkg-chart text[text-anchor=end]')).map(t => t.textContent)")
    assert any(longest in label for label in labels)
    _shot(browser, shots, "editor-chart")
    # fund-sources: money (sumWanYuan), not the count of projects printed before it
    browser.find_element(By.CSS_SELECTOR, "button.canned[data-name='fund-sources']").click()
    # read in the page: the chart is redrawn (its nodes replaced) while the answer arrives
    shown = "var t = document.querySelector('.yasr_results svg.bkg-chart .bkg-chart-title'); return t && t.textContent;"
    wait.until(lambda d: d.execute_script(shown) not in (None, title))
    assert browser.execute_script(shown) == "sumWanYuan"


def test_query_page_in_a_browser(two_years, browser, shots, compare_rows):
    browser.get(two_years + "/queries/compare-lines")
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("跨年度项目对比")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#results-table tbody tr")) == len(compare_rows)
    assert browser.find_elements(By.CSS_SELECTOR, "#query-chart rect.bar")
    assert [a.text for a in browser.find_elements(By.CSS_SELECTOR, "a.download")] == ["CSV", "JSON", "TSV"]
    _shot(browser, shots, "query")
    # the form: another year pair the store holds is one click away; a year it lacks is named
    browser.get(two_years + "/queries/compare-lines?yearA=2019")
    error = browser.find_element(By.ID, "query-error").text
    assert "2019" in error and "2024, 2025" in error
    _shot(browser, shots, "query-error")
    browser.get(two_years + "/queries")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#query-list a.query")) >= 14
    _shot(browser, shots, "queries")


def test_every_page_type(two_years, browser, shots):
    """Screenshots of the other page types; the phone-sized project page must not scroll sideways."""
    browser.get(two_years + "/")
    department = browser.find_element(By.CSS_SELECTOR, "#departments a[href*='/id/department/']").get_attribute("href")
    browser.get(department)
    assert browser.find_elements(By.CSS_SELECTOR, "#unit-chart rect.bar")
    _shot(browser, shots, "department")
    unit = browser.find_element(By.CSS_SELECTOR, "#subunits a").get_attribute("href")
    project = browser.find_element(By.CSS_SELECTOR, "#projects a.project").get_attribute("href")
    line = browser.find_element(By.CSS_SELECTOR, "#projects a.line").get_attribute("href")
    for name, url in (("unit", unit), ("project-line", line)):
        browser.get(url)
        _shot(browser, shots, name)
    browser.get(project)
    document = browser.find_element(By.CSS_SELECTOR, "#source a[href*='/id/document/']").get_attribute("href")
    # a phone: the funds table fits 400 px
    browser.set_window_size(400, 900)
    try:
        browser.get(project)
        width = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        funds = browser.execute_script("return document.querySelector('table.funds').getBoundingClientRect().right")
        assert width[0] <= width[1] and funds <= width[1], (width, funds)
        height = browser.execute_script("return Math.min(document.documentElement.scrollHeight, 4000)")
        browser.set_window_size(400, max(height + 120, 800))
        browser.save_screenshot(str(shots / "project-phone.png"))
    finally:
        browser.set_window_size(1280, 1000)
    browser.get(document)
    assert browser.find_element(By.TAG_NAME, "h1").text.endswith(".txt")
    _shot(browser, shots, "document")
    browser.get(two_years + "/")
    concept = browser.find_element(By.CSS_SELECTOR, "#concepts a").get_attribute("href")
    browser.get(concept)
    assert browser.find_elements(By.CSS_SELECTOR, "#target-chart rect.bar")
    _shot(browser, shots, "indicator-concept-two-years")
    for name, path, marker in (("ontology", "/def/", "diagram"), ("void", "/.well-known/void", None),
                               ("search", "/search?q=培训", None), ("dumps", "/dumps/", None),
                               ("not-found", "/id/nothing-here", None)):
        browser.get(two_years + path)
        assert browser.find_element(By.TAG_NAME, "h1").text
        if marker:
            assert browser.find_elements(By.CSS_SELECTOR, f"#{marker} svg")
        _shot(browser, shots, name)
