"""Defaults the store decides: the latest/previous years and ``first-project``.

Every canned query must answer usefully with no parameters on any store, not only on the
embedded dataset: the point lookup (project-indicators) defaults to the first table of
the latest year in the store.
"""

from __future__ import annotations

import pytest

from budgetkg import api, pipeline
from budgetkg.loader.iris import DEFAULT_BASE
from budgetkg.queries.catalog import HeaderError, StoreFacts, parse_query
from budgetkg.service.app import create_app
from budgetkg.store import OxigraphStore
from budgetkg.synthetic.document import generate_document

BKG = "https://w3id.org/budgetkg/def/"


def test_first_project_is_table_one_of_the_latest_years_first_document():
    facts = StoreFacts.from_rows([
        {"year": "2023", "document": "http://x/doc/b", "first": "http://x/p/b1"},
        {"year": "2023", "document": "http://x/doc/a", "first": "http://x/p/a1"},
        {"year": "2022", "document": "http://x/doc/0", "first": "http://x/p/01"},
        {"year": "2024", "document": "http://x/doc/c", "first": None},  # its table 1 was rejected
        {"year": "20x4", "document": "http://x/doc/d", "first": "http://x/p/d1"},  # not a year: ignored
    ])
    assert facts.years == (2022, 2023, 2024)
    assert facts.first_project == "http://x/p/a1"
    assert StoreFacts.from_rows([]) == StoreFacts((), None)


def test_first_project_default_is_only_for_iri_parameters():
    text = "# @title.zh 甲\n# @title.en A\n# @description D\n# @param year gYear first-project Y\n" \
           "SELECT * {\n  VALUES ?year { UNDEF }\n}\n"
    with pytest.raises(HeaderError, match="IRI parameters"):
        parse_query("bad", text)


@pytest.fixture(scope="module")
def generated_store(tmp_path_factory):
    """Two years of one generated department, without the embedded dataset."""
    root = tmp_path_factory.mktemp("no-seed")
    folder = root / "data"
    with OxigraphStore(folder) as store:
        for year in (2021, 2022):
            path = root / f"dept_{year}.txt"
            path.write_text(generate_document(11, year=year, tables=4).text, encoding="utf-8")
            pipeline.load_path(store, path, base=DEFAULT_BASE)
        tables = {row["y"].value: row["p"].value for row in store.query(
            f"PREFIX bkg: <{BKG}> SELECT ?y ?p WHERE {{ ?p a bkg:ProjectYear ; bkg:sequence 1 ; bkg:fiscalYear ?y }}")}
    return folder, tables


def test_point_lookup_answers_on_a_store_without_the_embedded_dataset(generated_store):
    folder, tables = generated_store
    app = create_app({"data_dir": folder, "workers": 0})
    client = app.test_client()
    rows = client.get("/queries/project-indicators").get_json()["results"]["bindings"]
    assert rows, "the default project must be one of this store's"
    # the first table of the latest year (2022), not the embedded dataset's example
    assert {r["indicator"]["value"].rsplit("/indicator/", 1)[0] for r in rows} == {tables["2022"]}
    # a given project still wins over the default
    given = client.get("/queries/project-indicators", query_string={"project": tables["2021"]}).get_json()
    assert {r["indicator"]["value"].rsplit("/indicator/", 1)[0] for r in given["results"]["bindings"]} == {
        tables["2021"]}


def test_the_python_api_uses_the_same_default(generated_store):
    folder, tables = generated_store
    with api.open(folder) as kg:
        assert kg.store_facts() == StoreFacts((2021, 2022), tables["2022"])
        rows = list(kg.run("project-indicators"))
    assert rows and {str(r["indicator"]).rsplit("/indicator/", 1)[0] for r in rows} == {tables["2022"]}



def test_no_library_query_defaults_to_a_name_of_the_seed() -> None:
    """A name or keyword parameter's default is chosen from the store (or left unbound):
    a written name (培训合格率) answers nothing on a store without it (issue 19, item 4)."""
    from budgetkg.queries.catalog import STORE_DEFAULTS, load_catalog

    written = [(q.name, p.name, p.default) for q in load_catalog().values() for p in q.parameters
               if p.type in ("string", "string@zh") and p.default is not None
               and p.default not in STORE_DEFAULTS]
    assert written == []
