"""Records -> RDF: stable IRIs, distinct same-named projects, reloads, concepts, the seed."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from decimal import Decimal

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from budgetkg.loader import iris
from budgetkg.loader.namespaces import BKG, FUND
from budgetkg.loader.rdf import convert, document_graph, replace_document, write_rdf
from budgetkg.loader.records import Carryover

from skip_policy import missing_tool
from test_shapes import small_doc


def test_iris_are_stable_across_two_conversions():
    a = document_graph(small_doc())
    b = document_graph(small_doc())
    assert a[0] == b[0]
    assert set(a[1]) == set(b[1])  # no blank nodes: the very same triples


def test_project_line_key_folds_width_punctuation_and_carryover_markers():
    k = iris.project_line_key
    assert k("就业补助资金(上年结转)") == k("就业补助资金（上年结转）") == k("就业补助资金") == "就业补助资金"
    assert k("考务工作经费 2021年结转") == "考务工作经费"
    assert k("“三支一扶”工作经费") == k('"三支一扶"工作经费')
    assert iris.indicator_name_key("培训合格率。") == iris.indicator_name_key("培训 合格率") == "培训合格率"


def test_same_named_projects_in_one_document_stay_distinct():
    doc = small_doc()
    p1 = doc.projects[0]
    p2 = replace(p1, seq=2, line=30, end_line=40, name="培训项目（上年结转）",
                 carryover=Carryover(True, 2021, "上年结转", True))
    p3 = replace(p1, seq=3, line=50, end_line=60)
    doc.projects = [p2, p1, p3]
    _, g = document_graph(doc)
    years = set(g.subjects(BKG.projectLine, None))
    assert len(years) == 3
    line = iris.project_line_iri(iris.DEFAULT_BASE, "303", "培训项目")
    # the first table that is not a carry-over keeps the plain year IRI
    assert URIRef(f"{line}/2022") in years and URIRef(f"{line}/2022/t2") in years
    assert URIRef(f"{line}/2022/t3") in years
    assert (URIRef(f"{line}/2022/t2"), BKG.carriesOverFrom, URIRef(f"{line}/2021")) in g


def test_amounts_are_decimals_in_yuan_keeping_the_printed_figure():
    _, g = document_graph(small_doc())
    [a] = g.subjects(BKG.fundSource, FUND.total)
    assert g.value(a, BKG.amount).toPython() == Decimal("1000000")
    assert g.value(a, BKG.amount).datatype == XSD.decimal
    assert g.value(a, BKG.printedAmount) == Literal("100.00", datatype=XSD.decimal)
    assert g.value(a, BKG.printedUnit) == BKG.TenThousandYuan


def test_same_indicator_name_links_one_concept_across_documents():
    d1 = small_doc()
    d2 = small_doc()
    d2.sha256 = "cd" * 32
    d2.year = 2023
    ds = Dataset()
    replace_document(ds, d1)
    replace_document(ds, d2)
    q = """PREFIX bkg: <https://w3id.org/budgetkg/def/>
    SELECT ?c (COUNT(DISTINCT ?i) AS ?n) WHERE { GRAPH ?g { ?i bkg:indicatorConcept ?c ; bkg:printedName "培训合格率" } }
    GROUP BY ?c"""
    rows = list(ds.query(q))
    assert len(rows) == 1 and int(rows[0][1]) == 2


def test_loading_again_replaces_the_document_graph():
    ds = convert(small_doc())
    before = len(ds)
    replace_document(ds, small_doc())
    assert len(ds) == before
    name = document_graph(small_doc())[0]
    assert isomorphic(ds.graph(name), document_graph(small_doc())[1])


@pytest.mark.parametrize("ext", [".trig", ".nq", ".ttl", ".nt", ".jsonld"])
def test_write_rdf_round_trips(tmp_path, ext):
    ds = convert(small_doc(), with_ontology=True)
    path = tmp_path / f"out{ext}"
    write_rdf(ds, path)
    fmt = {".trig": "trig", ".nq": "nquads", ".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld"}[ext]
    if ext in (".trig", ".nq", ".jsonld"):
        back = Dataset()
        back.parse(str(path), format=fmt)
        assert len(back) == len(ds)
    else:
        back = Graph().parse(str(path), format=fmt)
        assert len(back) == len({(s, p, o) for s, p, o, _ in ds.quads()})


@pytest.mark.skipif(shutil.which("rapper") is None, reason=missing_tool("rapper", "apt-get install raptor2-utils"))
def test_raptor_parses_the_turtle_output(tmp_path):
    path = tmp_path / "out.ttl"
    write_rdf(convert(small_doc(), with_ontology=True), path)
    out = subprocess.run(["rapper", "-i", "turtle", "-c", str(path)], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert "returned" in out.stderr


# --- the seed ---------------------------------------------------------------------------


def test_seed_converts_and_validates_without_violations(seed_doc):
    from budgetkg.loader.validate import validate_graph

    _, g = document_graph(seed_doc)
    r = validate_graph(g)
    assert r.conforms, r.text()
    # each warning names a project and a line (the list is reviewed in docs/warnings.md)
    assert all(w.project_name and w.line for w in r.warnings)


def test_seed_counts_equal_the_records(seed_doc):
    _, g = document_graph(seed_doc)
    q = """PREFIX bkg: <https://w3id.org/budgetkg/def/>
    SELECT (COUNT(DISTINCT ?py) AS ?tables) (COUNT(DISTINCT ?i) AS ?inds) WHERE {
      ?py a bkg:ProjectYear . OPTIONAL { ?py bkg:hasIndicator ?i } }"""
    [(tables, inds)] = list(g.query(q))
    assert int(tables) == len(seed_doc.projects)
    assert int(inds) == sum(len(p.indicators) for p in seed_doc.projects)
    [(amounts,)] = list(g.query("PREFIX bkg: <https://w3id.org/budgetkg/def/> "
                                "SELECT (COUNT(?a) AS ?n) WHERE { ?a a bkg:FundAmount }"))
    expected = sum(1 for p in seed_doc.projects for _, v in p.amounts.items() if v is not None)
    assert int(amounts) == expected
    # and the money itself: the sum of the totals in yuan is the records' sum in 万元 × 10^4
    [(total,)] = list(g.query("""PREFIX bkg: <https://w3id.org/budgetkg/def/>
        SELECT (SUM(?v) AS ?sum) WHERE { ?a bkg:fundSource <https://w3id.org/budgetkg/def/fund-source/total> ;
        bkg:amount ?v }"""))
    records = sum(p.amounts.total for p in seed_doc.projects if p.amounts.total is not None)
    assert seed_doc.currency_unit == "万元"
    assert total.toPython() == records * 10_000


@pytest.mark.skipif(shutil.which("rapper") is None, reason=missing_tool("rapper", "apt-get install raptor2-utils"))
@pytest.mark.parametrize("ext,syntax", [(".ttl", "turtle"), (".nt", "ntriples"), (".nq", "nquads"), (".trig", "trig")])
def test_raptor_parses_the_seed_output(seed_doc, tmp_path, ext, syntax):
    """An independent parser reads every triple of the seed's RDF, in each syntax."""
    path = tmp_path / f"seed{ext}"
    ds = convert(seed_doc, with_ontology=True)
    write_rdf(ds, path)
    out = subprocess.run(["rapper", "-i", syntax, "-c", str(path)], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    expected = len({(s, p, o) for s, p, o, _ in ds.quads()}) if ext in (".ttl", ".nt") else len(list(ds.quads()))
    assert f"returned {expected} " in out.stderr, out.stderr




# --- the validate command ---------------------------------------------------------------


def test_validate_command_exit_codes_and_report(tmp_path):
    from click.testing import CliRunner

    from budgetkg.commands.validate import validate

    runner = CliRunner()
    good = tmp_path / "good.ttl"
    write_rdf(document_graph(small_doc())[1], good)
    res = runner.invoke(validate, ["--graph", str(good)])
    assert res.exit_code == 0, res.output
    assert "0 violation(s), 0 warning(s)" in res.output

    g = document_graph(small_doc())[1]
    g.remove((None, BKG.level2, None))
    bad = tmp_path / "bad.nt"
    write_rdf(g, bad)
    res = runner.invoke(validate, ["--graph", str(bad)])
    assert res.exit_code == 1
    assert "培训项目" in res.output and "line 15" in res.output  # grouped by project, with lines
    res = runner.invoke(validate, ["--graph", str(bad), "--format", "ttl"])
    assert res.exit_code == 1
    report = Graph().parse(data=res.output, format="turtle")
    assert len(report) > 10

    assert runner.invoke(validate, []).exit_code == 2
    assert runner.invoke(validate, [str(tmp_path / "missing.txt")]).exit_code == 2
    assert runner.invoke(validate, ["--graph", str(tmp_path / "x.xml")]).exit_code == 2


def test_validate_command_on_the_seed(seed_path):
    from click.testing import CliRunner

    from budgetkg.commands.validate import validate

    res = CliRunner().invoke(validate, [str(seed_path)])
    assert res.exit_code == 0, res.output
    assert "0 violation(s)" in res.output


def test_validate_mints_iris_under_the_base_iri_setting(seed_path):
    """`validate` goes through the one pipeline, so it honours base_iri like `load`."""
    from click.testing import CliRunner

    from budgetkg.commands.validate import validate

    other = "https://other.example/id/"
    by_flag = CliRunner().invoke(validate, ["--base-iri", other, str(seed_path)])
    by_env = CliRunner(env={"BUDGETKG_BASE_IRI": other}).invoke(validate, [str(seed_path)])
    for res in (by_flag, by_env):
        assert res.exit_code == 0, res.output
        projects = [line for line in res.output.splitlines() if line.endswith("]") and " [" in line]
        assert projects and all(f"[{other}project/" in line for line in projects)
