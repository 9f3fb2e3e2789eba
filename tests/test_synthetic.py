"""The synthetic corpus generator: determinism, sizing, the quirks of the seed, encodings,
and the reader against the generator's answer key."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner

from budgetkg.synthetic import (
    ENCODINGS,
    Quirks,
    SyntheticDocument,
    department_catalog,
    generate_corpus,
    generate_document,
)

OTHER = department_catalog()[1][0]  # a department other than the seed's (303)
LEVEL1_ROW = re.compile(r"^[123]-(产出|效益|满意度)指标\t")
LABEL = re.compile(r"^\d{1,2}-\D")
MONEY = re.compile(r"^(\d+(\.\d+)?(万元|元)|\d{4,})$")


@pytest.fixture(scope="module")
def doc() -> SyntheticDocument:
    return generate_document(7)  # default size: 37 tables, quirks on


@pytest.fixture(scope="module")
def lines(doc: SyntheticDocument) -> list[str]:
    return doc.text.split("\n")


def cells(line: str) -> list[str]:
    return line.split("\t")


# --- determinism and size ------------------------------------------------------------


def test_same_seed_same_text_and_truth() -> None:
    a, b = generate_document(3, department=OTHER, year=2023), generate_document(3, department=OTHER, year=2023)
    assert a.text == b.text and a.truth == b.truth
    assert a.encode("gb18030", "\r\n") == b.encode("gb18030", "\r\n")


def test_same_text_in_another_process() -> None:
    """No dependence on set or hash order: other hash seeds give the same bytes."""
    code = ("import hashlib; from budgetkg.synthetic import generate_document as g; "
            "print(hashlib.sha256(g(9, tables=12).text.encode()).hexdigest())")
    digests = {subprocess.run([sys.executable, "-P", "-c", code], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": h}).stdout for h in ("1", "2")}
    assert digests == {hashlib.sha256(generate_document(9, tables=12).text.encode()).hexdigest() + "\n"}


def test_different_seed_different_text() -> None:
    assert generate_document(3).text != generate_document(4).text
    assert generate_document(3, department=OTHER).text != generate_document(3, department=OTHER, year=2021).text


def test_department_projects_recur_across_years() -> None:
    names = [{p["name"] for p in generate_document(5, department=303, year=y).truth["projects"]}
             for y in (2021, 2022)]
    assert len(names[0] & names[1]) >= 10  # a department runs mostly the same projects every year


def test_corpus_is_byte_identical(tmp_path: Path) -> None:
    a = generate_corpus(tmp_path / "a", seed=1, tables=70, truth=True)
    b = generate_corpus(tmp_path / "b", seed=1, tables=70, truth=True)
    assert [p.name for p in a] == [p.name for p in b]
    for pa, pb in zip(a, b):
        assert pa.read_bytes() == pb.read_bytes()


@pytest.mark.parametrize("tables", [1, 5, 37, 61])
def test_document_has_the_tables_asked(tables: int) -> None:
    d = generate_document(11, tables=tables)
    assert d.tables == tables
    assert sum(line.startswith("项目名称") for line in d.text.split("\n")) == tables


def test_corpus_sized_by_tables(tmp_path: Path) -> None:
    paths = generate_corpus(tmp_path, seed=2, tables=150, years=(2022, 2023), truth=True)
    truths = [json.loads(p.with_suffix(".truth.json").read_text(encoding="utf-8")) for p in paths]
    counts = [len(t["projects"]) for t in truths]
    assert sum(counts) == 150
    # a department's first year has 20-60 tables; a year that continues it about as many
    assert all(20 <= n <= 60 for n, t in zip(counts[:-1], truths) if "continuity" not in t)
    assert all(0.5 <= n / t["continuity"]["previous"]["tables"] <= 1.5
               for n, t in zip(counts[:-1], truths) if "continuity" in t)
    keys = [re.fullmatch(r"dept(\d{3})_(\d{4})\.txt", p.name) for p in paths]
    assert all(keys)
    pairs = [(m.group(1), int(m.group(2))) for m in keys if m]
    assert len(set(pairs)) == len(pairs) and {y for _, y in pairs} <= {2022, 2023}
    assert len({d for d, _ in pairs}) >= 2  # several departments


def test_corpus_sized_by_megabytes(tmp_path: Path) -> None:
    paths = generate_corpus(tmp_path, seed=3, megabytes=0.6)
    size = sum(p.stat().st_size for p in paths)
    assert 600_000 <= size <= 660_000


def test_corpus_sized_by_triples(tmp_path: Path) -> None:
    generate_corpus(tmp_path, seed=4, triples=30_000, truth=True)
    est = 0
    for p in tmp_path.glob("*.truth.json"):
        projects = json.loads(p.read_text(encoding="utf-8"))["projects"]
        est += 40 * len(projects) + 13 * sum(len(x["indicators"]) for x in projects)
    assert 30_000 <= est <= 33_000


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        generate_document(1, department=1)  # not in the catalogue
    with pytest.raises(ValueError):
        generate_corpus(Path("unused"), tables=3, megabytes=1.0)
    assert len({c for c, _ in department_catalog()}) == len(department_catalog()) > 150
    data = Path(str(resources.files("budgetkg") / "data"))
    before = sorted(p.name for p in data.iterdir())
    with pytest.raises(ValueError, match="default dataset"):
        generate_corpus(data, tables=3)  # never mixed into the embedded dataset
    assert sorted(p.name for p in data.iterdir()) == before


# --- the quirks of the seed, in one document of the default size -------------------------

TEXT_QUIRKS = {
    "attachment-1": r"(?m)^附件1$",
    "header-padded": r"(?m)^附件\t+\n部门项目支出预算绩效目标表\t+\n\(\d{4}年度\)\t+\n单位[:：] ?万元\t+$",
    "header-blank-lines": r"(?m)^附件\n\n部门项目支出预算绩效目标表\n\n",
    "unit-ascii-colon": r"(?m)^单位: 万元",
    "unit-wide-colon": r"(?m)^单位：万元",
    "stray-line": r"\n\n依据\n\n",
    "inline-unit": r"\t实施单位 \d{6,9}-",
    "inline-period": r"\t项目期 \d年",
    "inline-annual": r"\t其中[:：] ?年度资金总额 \d+\.\d\d",
    "paren-ascii": r"转移市县 ?\(区\)",
    "paren-wide": r"转移市县（区）",
    "space-regional": r"自治区 资金",
    "space-goal": r"(?m)^年度总体 绩效目标",
    "space-transfer": r"转移市县 \(区\)资 金",
    "drift-header": r"(?m)^项目总额\t\t\d+\.\d\d\t其中[:：] ?年度资金总额\t\t\d+\.\d\d",
    "grid-right": r"(?m)^项目总额\t\d+\.\d\d\t其中[:：] ?年度资金总额\t\d+\.\d\d",
    "grid-left-column": r"(?m)^资金总额\t\t\d+\.\d\d\t资金总额",
    "grid-transfer-header-alone": r"(?m)^其中[:：] ?本级资金\t资金总额\t\d+\.\d\d\t其中[:：] ?转移市县[^\t\n]*\t*$",
    "grid-total-twice": r"(?m)^(项目总额|其中[:：] ?本级资金)\t\t(\d+\.\d\d)\t\2\t",
    "grid-transfer-below": r"(?m)^\t\t\t\t\d+\.\d\d\t*\n\t\t\t\t其中[:：] ?中央资金",
    "grid-own-below": r"(?m)^\t\t\d+\.\d\d\t自治区 ?资金",
    "grid-central-right": r"(?m)^其中[:：] ?本级资金\t\t\d+\.\d\d\t其中[:：] ?中央资金",
    "empty-unit": r"(?m)\t实施单位\t*$",
    "empty-period": r"(?m)\t项目期\t*$",
    "truncated-attribute": r"\t(0102-多年期错茬性项|02-经常性项|03-多年期延续性项|01-一次性项|0101-一年期项)(\t|$)",
    "goal-html": r"\t<p>[^\t\n]+</p>",
    "goal-below": r"\n\n年度总体 ?绩效目标\n\n[^\t\n]+\n\n一级指标",
    "short-label": r"\t(13-时效|21-经济|22-社会|23-生态)\t",
    "miscoded-label": r"(?m)^3-满意度指标\t\t?1-服务对象满意度\t",
    "label-in-level3": r"(?m)^1-产出指标\t\t1[1-4]-[^\t\n]+\t[^\t\n]+",
    "name-in-level2": r"(?m)^[123]-(产出|效益|满意度)指标\t(?!\d{1,2}-)[^\t\n]+\t",
    "page-break-in-table": r"[^\n]\n\n[123]-(产出|效益|满意度)指标\t",
    "placeholder-group": r"(?m)^2-效益指标\t(21-经济效益|23-生态效益|21-经济|23-生态)\t+$",
    "value-ge": r"\t≥ ?\d+%",
    "value-reach": r"\t达\d+%以上",
    "value-above": r"\t\d+%以上",
    "value-within": r"\t\d+(\.\d+)?%以内",
    "value-about": r"\t\d+件左右",
    "value-more-than": r"\t\d+余件次",
    "date-mid-month": r"\t\d{4}年12月中旬",
    "date-this-year": r"\t当年12月31日前",
    "date-year-end": r"\t年底前",
    "rate": r"\t\d+(\.\d+)?万元/班次",
    "several-values": r"\t\d+人、\d+万人",
    "qualitative": r"\t(效果显著|持续提升|长期|持续促进)",
    "carryover-ascii": r"\(上年结转\)\t",
    "carryover-wide": r"（上年结转）\t",
    "carryover-year": r"\d{4}年结转\t",
    "unit-9-digits": r"\d{9}-",
}


@pytest.mark.parametrize("pattern", TEXT_QUIRKS.values(), ids=TEXT_QUIRKS.keys())
def test_quirk_in_text(doc: SyntheticDocument, pattern: str) -> None:
    assert re.search(pattern, doc.text), pattern


# Not quirks: the plain template, and values that the seed itself prints in its tables.
PLAIN = {"header-blank-lines", "unit-ascii-colon", "paren-ascii", "grid-right", "unit-9-digits", "qualitative",
         "value-ge", "value-reach", "value-above", "value-within", "value-about", "value-more-than",
         "date-mid-month", "date-this-year", "date-year-end", "several-values", "rate"}


def test_every_quirk_switches_off() -> None:
    clean = generate_document(7, quirks=False)
    found = [k for k, pattern in TEXT_QUIRKS.items() if k not in PLAIN and re.search(pattern, clean.text)]
    assert found == []
    names = [p["name"] for p in clean.truth["projects"]]
    assert len(set(names)) == len(names) and not any("结转" in n for n in names)
    units = [p["unit"] for p in clean.truth["projects"]]
    assert all(u is not None and u["printed_name"] == u["name"] for u in units)
    assert generate_document(7, quirks=Quirks(late_cost=0.0)).text != generate_document(7).text


def test_header_block_without_attachment(lines: list[str]) -> None:
    before = []
    for n, line in enumerate(lines):
        if line.startswith("部门项目支出预算绩效目标表"):
            prev = next((p for p in reversed(lines[:n]) if p.strip()), "")
            before.append(prev.strip())
    assert any(not p.startswith("附件") for p in before) and any(p.startswith("附件") for p in before)


def test_level1_on_every_row_level2_once_per_group(lines: list[str]) -> None:
    rows = [cells(line) for line in lines if LEVEL1_ROW.match(line)]
    assert rows and all(r[0] for r in rows)
    unlabelled = [r for r in rows if not r[1]]
    assert len(unlabelled) > len(rows) / 3


def _label(line: str) -> str | None:
    found = [c for c in cells(line)[1:3] if LABEL.match(c)]
    return found[0] if found else None


def test_label_printed_again_after_page_break(lines: list[str]) -> None:
    last, hits = None, 0
    for n, line in enumerate(lines):
        if not LEVEL1_ROW.match(line):
            continue
        label = _label(line)
        if label and label == last and n >= 2 and lines[n - 1] == "":
            hits += 1
        last = label or last
    assert hits >= 1


def test_label_on_an_empty_row_above_its_rows(lines: list[str]) -> None:
    hits = 0
    for a, b in zip(lines, lines[1:]):
        if LEVEL1_ROW.match(a) and LEVEL1_ROW.match(b) and _label(a) and not [c for c in cells(a)[1:] if c
                                                                              and not LABEL.match(c)]:
            hits += bool(not _label(b) and cells(b)[0] == cells(a)[0])
    assert hits >= 1


def test_late_cost_label(doc: SyntheticDocument, lines: list[str]) -> None:
    """Money rows after the 时效 group, then a page break, then 14-成本指标 (seed 571-574)."""
    found = False
    for n, line in enumerate(lines):
        if "\t14-成本指标\t" in line and lines[n - 1] == "" and LEVEL1_ROW.match(lines[n - 2]):
            prev = [c for c in cells(lines[n - 2]) if c]
            found = found or (_label(lines[n - 2]) is None and bool(MONEY.match(prev[-1])))
    assert found
    # the answer key puts those rows in group 14
    late = [i for p in doc.truth["projects"] for i in p["indicators"] if i["level2"] == "14"]
    assert late and all(MONEY.match(i["value"]) or "万元/" in i["value"] for i in late)


def test_bare_yuan_cost_rows_add_up_to_the_total(doc: SyntheticDocument) -> None:
    hits = 0
    for p in doc.truth["projects"]:
        costs = [i["value"] for i in p["indicators"] if i["level2"] == "14"]
        if costs and all(c.isdigit() for c in costs):
            assert sum(Decimal(c) for c in costs) == Decimal(p["amounts"]["total"]) * 10000
            hits += 1
    assert hits >= 1


def test_truncated_unit_printed_whole_elsewhere(doc: SyntheticDocument) -> None:
    units = [p["unit"] for p in doc.truth["projects"] if p["unit"]]
    cut = [u for u in units if u["printed_name"] != u["name"]]
    assert cut
    for u in cut:
        assert u["name"].startswith(u["printed_name"])
        assert any(v["code"] == u["code"] and v["printed_name"] == v["name"] for v in units)
        assert f"{u['code']}-{u['printed_name']}" in doc.text and f"{u['code']}-{u['name']}" in doc.text


def test_same_name_two_projects(doc: SyntheticDocument) -> None:
    by_name: dict[str, list[dict]] = {}
    for p in doc.truth["projects"]:
        by_name.setdefault(p["name"], []).append(p)
    twins = [ps for ps in by_name.values() if len(ps) > 1]
    assert twins and any(ps[0]["amounts"] != ps[1]["amounts"] for ps in twins)


def test_carryover_projects_in_the_key(doc: SyntheticDocument) -> None:
    carried = [p for p in doc.truth["projects"] if "结转" in p["name"]]
    assert carried
    for p in carried:
        assert p["carryover"]["is_carryover"] and p["carryover"]["from_year"] == doc.year - 1
        assert p["amounts"]["carryover"] is not None


def test_answer_key_shape(doc: SyntheticDocument) -> None:
    t = doc.truth
    assert (t["year"], t["currency_unit"], t["source"]) == (doc.year, "万元", doc.file_name)
    for seq, p in enumerate(t["projects"], 1):
        assert p["seq"] == seq and p["department"]["code"] == str(doc.department)
        assert len(p["amounts"]) == 9 and re.fullmatch(r"\d+\.\d\d", p["amounts"]["total"])
        assert p["indicators"] and all(i["name"] and i["value"] for i in p["indicators"])
        codes = [i["level2"] for i in p["indicators"]]
        assert codes == sorted(codes) and all(i["level2"][0] == i["level1"] for i in p["indicators"])
        if p["unit"]:
            assert p["unit"]["code"].startswith(p["department"]["code"])


# --- encodings -----------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_encoding_round_trip(doc: SyntheticDocument, encoding: str, newline: str) -> None:
    data = doc.encode(encoding, newline)
    assert data.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    assert data.count(b"\r\n") == (doc.text.count("\n") if newline == "\r\n" else 0)
    assert data.decode(encoding).replace("\r\n", "\n") == doc.text
    if encoding == "gb18030":
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")


def test_corpus_writes_the_encoding_asked(tmp_path: Path) -> None:
    (path,) = generate_corpus(tmp_path, seed=5, tables=20, years=(2022,), encoding="gb18030", newline="\r\n")
    data = path.read_bytes()
    assert b"\r\n" in data and "项目名称".encode("gb18030") in data


def test_unsupported_encoding(doc: SyntheticDocument) -> None:
    with pytest.raises(ValueError):
        doc.encode("utf-16")


# --- the CLI -------------------------------------------------------------------------


def test_cli_generate(tmp_path: Path) -> None:
    from budgetkg.commands.generate import generate

    result = CliRunner().invoke(generate, [str(tmp_path), "--tables", "45", "--years", "2022", "--truth",
                                           "--encoding", "utf-8-sig", "--crlf"])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r".*: \d+ files, 45 tables, \d+\.\d\d MB\n", result.output)
    assert len(list(tmp_path.glob("*.truth.json"))) == len(list(tmp_path.glob("*.txt"))) >= 1
    bad = CliRunner().invoke(generate, [str(tmp_path), "--tables", "5", "--megabytes", "1"])
    assert bad.exit_code == 2 and "at most one" in bad.output
    bad_years = CliRunner().invoke(generate, [str(tmp_path), "--years", "twenty"])
    assert bad_years.exit_code == 2


# --- the reader against the answer key --------------------------------------------------------

FIELDS = ("name", "department", "unit", "attribute", "period", "amounts", "goal", "carryover")


def _project_view(p: dict) -> dict:
    return {
        "name": p["name"],
        "department": None if p["department"] is None else {k: p["department"][k] for k in ("code", "name")},
        "unit": p["unit"],
        "attribute": p["attribute"],
        "period": p["period"],
        "amounts": p["amounts"],
        "goal": p["goal"],
        "carryover": {k: p["carryover"][k] for k in ("is_carryover", "from_year")},
    }


def differences(truth: dict, got: dict) -> list[str]:
    """Every field where the parser's JSON differs from the answer key, one line each."""
    out: list[str] = []
    for key in ("year", "currency_unit"):
        if truth[key] != got[key]:
            out.append(f"document {key}: expected {truth[key]!r}, got {got[key]!r}")
    exp_p, got_p = truth["projects"], got["projects"]
    if len(exp_p) != len(got_p):
        out.append(f"expected {len(exp_p)} projects, got {len(got_p)}")
    for e, g in zip(exp_p, got_p):
        where = f"table {e['seq']} ({e['name']})"
        ev, gv = _project_view(e), _project_view(g)
        for f in FIELDS:
            if isinstance(ev[f], dict) and isinstance(gv[f], dict):  # only the keys that differ
                out += [f"{where} {f}.{k}: expected {ev[f][k]!r}, got {gv[f].get(k)!r}"
                        for k in ev[f] if ev[f][k] != gv[f].get(k)]
            elif ev[f] != gv[f]:
                out.append(f"{where} {f}: expected {ev[f]!r}, got {gv[f]!r}")
        gi = [{k: i[k] for k in ("level1", "level2", "name", "value")} for i in g["indicators"]]
        if len(gi) != len(e["indicators"]):
            out.append(f"{where}: expected {len(e['indicators'])} indicators, got {len(gi)}")
        for k, (ei, gii) in enumerate(zip(e["indicators"], gi)):
            if ei != gii:
                line = g["indicators"][k]["line"]
                out.append(f"{where} indicator {k + 1} (line {line}): expected {ei}, got {gii}")
    return out


VARIANTS = [(0, "utf-8", "\n", True), (1, "utf-8-sig", "\r\n", True), (2, "gb18030", "\n", True),
            (3, "gb18030", "\r\n", True), (4, "utf-8", "\r\n", False)]


@pytest.mark.parametrize(("seed", "encoding", "newline", "quirks"), VARIANTS,
                         ids=[f"seed{v[0]}-{v[1]}-{'crlf' if v[2] == chr(13) + chr(10) else 'lf'}"
                              + ("" if v[3] else "-clean") for v in VARIANTS])
def test_reader_matches_answer_key(tmp_path: Path, seed: int, encoding: str, newline: str, quirks: bool) -> None:
    from budgetkg.loader.reader import read_document

    d = generate_document(seed, department=department_catalog()[seed * 7][0], year=2021 + seed % 3,
                          quirks=quirks)
    path = tmp_path / d.file_name
    path.write_bytes(d.encode(encoding, newline))
    parsed = read_document(path)
    diffs = differences(d.truth, parsed.to_json())
    diffs += [f"unexpected problem: {p}" for p in parsed.errors]
    assert not diffs, f"{len(diffs)} differences:\n" + "\n".join(diffs[:40])


def test_counties_extend_the_catalogue_after_the_cities(tmp_path: Path) -> None:
    """A corpus larger than the city departments hold (30M triples at four years) goes
    on with county departments, and only then: every city department has its document
    before the first county one, so corpora that fit in the cities are what they were."""
    from budgetkg.synthetic.vocabulary import COUNTY_PLACES

    names = dict(department_catalog())
    counties = {c for c, n in names.items() if n.startswith(COUNTY_PLACES)}
    cities = set(names) - counties
    assert counties and len(names) == len(cities) + len(counties)
    paths = generate_corpus(tmp_path, seed=3, tables=len(cities) * 60 + 200, years=(2022,))
    depts = [int(re.match(r"dept(\d+)_", p.name).group(1)) for p in paths]
    assert len(depts) == len(set(depts)) > len(cities)  # each department once (one year)
    assert set(depts[: len(cities)]) == cities
    assert set(depts[len(cities):]) <= counties
