"""The layout-family templates: the six real examples against their answer keys, and
small hand-made tables for each quirk of text as it really comes (TEMPLATES.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from template_truth import score

from budgetkg.loader.reader import read_document
from budgetkg.loader.templates.document import UnknownTemplate, families, read_file, read_text

HERE = Path(__file__).parent / "templates"
EXAMPLES = sorted(HERE.glob("*.txt"))


def test_all_examples_found():
    assert len(EXAMPLES) == 6  # a suite that shrinks silently tests nothing


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_matches_truth_exactly(path: Path):
    truth = json.loads(path.with_suffix(".truth.json").read_text(encoding="utf-8"))
    doc = read_document(path).to_json()  # the reader's own choice of template
    s = score(doc, truth)
    assert s.tables[0] == s.tables[1], s
    assert s.amounts[0] == s.amounts[1], s
    assert (s.fp, s.fn) == (0, 0), s
    fam = truth["template_family"].split()[0]
    assert {t["family"] for t in doc["tables"]} == {fam}


def test_families_are_discovered():
    names = set(families())
    assert {"shanghai_caizheng_shenbao", "central_xmzc", "chongqing_shenpi", "hunan_shenbao_2023",
            "shenbao_legacy", "sichuan_flatlist"} <= names


def rows(doc) -> list[tuple[str, str, str, str]]:
    return [(i.l1, i.l2, i.l3, i.value) for t in doc.tables for i in t.indicators]


# --- hand-made tables, one quirk each ------------------------------------------------

CENTRAL_HEAD = "项目支出绩效目标表\n(2024年度)\n项目名称 {name}\n主管部门及代码 [101]某某局\n实施单位 某某中心\n项目资金(万元) 年度资金总额: 50\n其中:财政拨款 50\n其他资金 0\n年度目标 完成任务\n"


def test_rows_form_with_new_cost_framework_decided_by_what_follows():
    text = CENTRAL_HEAD.format(name="甲项目") + (
        "绩效指标 一级指标 二级指标 三级指标 指标值\n"
        "成本指标 经济成本指标 单位成本 ≤5万元\n"
        "产出指标 数量指标 培训人次 120人次\n"
        "满意度指标 服务对象满意度指标 学员满意度 ≥90%\n"
    )
    doc = read_text(text)
    assert doc.tables[0].framework == "2021"
    assert rows(doc) == [
        ("成本指标", "经济成本指标", "单位成本", "≤5万元"),
        ("产出指标", "数量指标", "培训人次", "120人次"),
        ("满意度指标", "服务对象满意度指标", "学员满意度", "≥90%"),
    ]


def test_old_cost_label_is_level2_under_output():
    text = CENTRAL_HEAD.format(name="乙项目") + (
        "绩效指标 一级指标 二级指标 三级指标 指标值\n"
        "产出指标 数量指标 场次 3场\n"
        "成本指标 总成本 ≤50万元\n"
    )
    doc = read_text(text)
    assert rows(doc)[-1] == ("产出指标", "成本指标", "总成本", "≤50万元")
    assert doc.tables[0].framework == "old"


def test_fragments_wrapped_mid_word_and_vertical_labels():
    # one fragment per line: labels wrapped (满意度指/标), a vertical 绩/效/指/标, a
    # level-1 label never printed (生态环境/成本指标 says it is 成本指标)
    text = "\n".join([
        "项目支出绩效目标表", "(2024年度)", "项目名称", "丙项", "目", "主管部门及代码", "某某局",
        "项目资金", "(万元)", "年度资金总额:", "30", "其中:财政拨款", "30", "其他资金", "0",
        "年度", "目标", "做好工作", "绩", "效", "指", "标", "一级指标", "二级指标", "三级指标", "指标值",
        "生态环境", "成本指标", "扬尘控制", "可控",
        "效益指标", "社会效", "益指标", "群众受益", "提升",
        "满意度指", "标", "服务对象", "满意度指", "标", "群众满意度", "≥95%",
    ]) + "\n"
    doc = read_text(text)
    t = doc.tables[0]
    assert t.name == "丙项目"
    assert rows(doc) == [
        ("成本指标", "生态环境成本指标", "扬尘控制", "可控"),
        ("效益指标", "社会效益指标", "群众受益", "提升"),
        ("满意度指标", "服务对象满意度指标", "群众满意度", "≥95%"),
    ]
    assert t.indicators[0].l1_printed is False and t.indicators[1].l1_printed is True


def test_fragments_wrapped_indicator_name_is_joined():
    text = "\n".join([
        "项目支出绩效目标表", "项目名称", "丁项目", "主管部门", "某局", "年度资金总额:", "10", "其中:财政拨款", "10",
        "年度目标", "目标", "一级指标", "二级指标", "三级指标", "指标值",
        "产出指标", "数量指标", "完成老旧小区改造的楼栋", "数量", "12栋", "质量指标", "验收合格率", "100%",
    ]) + "\n"
    assert rows(read_text(text)) == [
        ("产出指标", "数量指标", "完成老旧小区改造的楼栋数量", "12栋"),
        ("产出指标", "质量指标", "验收合格率", "100%"),
    ]


def test_cell_bar_rows_with_empty_level2_and_satisfaction_label_only():
    text = "\n".join([
        "2024年项目支出绩效目标申报表", "|", "填报单位:(盖章) 单位:万元 |", "||||", "|",
        "项目支出名称 |", "戊服务 |", "预算部门 |", "某处 |", "|||", "|",
        "年度本级 预算金额 |", "80万 |", "该项目支出上级资金 |", "0 |", "|||", "|",
        "本年度绩效指标 |", "一级指标 |", "二级指标 |", "三级指标 |", "指标值及单位 |", "绩效标准 |",
        "产出指标 |", "数量指标 |", "车辆数 |", "4辆 |", "计划标准 |", "||", "|",
        "效益指标 |", "经济效益指标 |", "|", "|", "||", "|",
        "社会公众或服务对象满意度指标 |", "市民满意度 |", "≥90% |", "计划标准 |", "|||",
        "财政部门审核意见 |",
    ]) + "\n"
    doc = read_text(text)
    t = doc.tables[0]
    assert t.family == "hunan_shenbao_2023"
    assert [(a.label, a.value) for a in t.amounts] == [("年度本级 预算金额", 80), ("该项目支出上级资金", 0)]
    assert rows(doc) == [
        ("产出指标", "数量指标", "车辆数", "4辆"),
        ("满意度指标", "社会公众或服务对象满意度指标", "市民满意度", "≥90%"),
    ]
    assert t.indicators[0].extra == {"standard": "计划标准"}
    assert [l for l, _ in t.non_indicator_rows] == ["经济效益指标"]


def test_legacy_blocks_and_placeholder_rows():
    text = "\n".join([
        "2016年项目绩效目标表",
        "填报单位(盖章) 某局",
        "项目名称 己项目",
        "项目属性 新增项目□ 延续项目√",
        "主管部门及其编码 某市某局 308001",
        "项目资金申请(万元) 年度资金总额及构成",
        "资金总额 20",
        "一、财政拨款 20",
        "长期目标 长期做好",
        "年度目标 当年做好",
        "长期绩效指标",
        "一级指标 二级指标 指标内容 指标值 备注",
        "产出指标 数量指标 培训场次 10场",
        "… …",
        "年度绩效指标",
        "一级指标 二级指标 指标内容 指标值 备注",
        "产出指标 数量指标 培训场次 2场",
        "具体指标…… ……",
        "其他需说明的问题 无",
    ]) + "\n"
    doc = read_text(text)
    t = doc.tables[0]
    assert t.family == "shenbao_legacy"
    assert (t.department, t.department_code) == ("某市某局", "308001")
    assert [(i.block, i.l3, i.value) for i in t.indicators] == [("长期", "培训场次", "10场"), ("年度", "培训场次", "2场")]


def test_score_range_glued_to_level1_labels():
    text = "\n".join([
        "某某项目支出绩效目标审批表",
        "项目名称 庚项目 项目分类 运转类",
        "建设周期 2024年 业务主管部门 某委",
        "项目总预算 12",
        "当年年度预算 12",
        "年度绩效目标(90分) 一级指标 二级指标 三级指标 指标值 分值 指标解释",
        "成本指标(0-20)分 经济成本指标 建设成本 ≤12万元 10 控制成本",
        "社会成本指标",
        "产出指标",
        "(40-50)分",
        "数量指标 新建厕所 1个 20",
    ]) + "\n"
    t = read_text(text).tables[0]
    assert t.family == "chongqing_shenpi"
    assert [(i.l1, i.l2, i.l3, i.value, i.extra) for i in t.indicators] == [
        ("成本指标", "经济成本指标", "建设成本", "≤12万元", {"score": "10", "explanation": "控制成本"}),
        ("产出指标", "数量指标", "新建厕所", "1个", {"score": "20", "explanation": ""}),
    ]
    assert [l for l, _ in t.non_indicator_rows] == ["社会成本指标"]
    assert [i.l1_printed for i in t.indicators] == [True, True]  # 成本指标(0-20)分 is its printed label


def test_shifted_levels_of_ezhou():
    text = "\n".join([
        "主管部门审核意见 单位公章: 年 月 日",
        "鄂州市2024年市直部门预算项目支出绩效目标表",
        "项目名称 辛项目 项目类别 本级支出项目",
        "项目预算 成本构成 金额 测算(公式)依据",
        "合计 30",
        "绩效指标 一级指标 二级指标 绩效标准 当年预期实现值",
        "数量指标 宣传场次 反映宣传的场次 5场",
        "成本指标 宣传成本 反映成本控制 ≤30万元",
    ]) + "\n"
    t = read_text(text).tables[0]
    assert t.family == "ezhou_shizhi"
    assert [(i.l1, i.l2, i.l3, i.value, i.extra.get("standard"), i.l1_printed) for i in t.indicators] == [
        ("产出指标", "数量指标", "宣传场次", "5场", "反映宣传的场次", False),
        ("产出指标", "成本指标", "宣传成本", "≤30万元", "反映成本控制", False),
    ]


def test_blank_form_yields_no_table():
    text = "\n".join([
        "项目支出绩效目标表", "(    年度)", "项目名称", "主管部门及代码", "实施单位",
        "项目资金(万元) 年度资金总额:", "其中:财政拨款", "其他资金", "年度目标",
        "绩效指标 一级指标 二级指标 三级指标 指标值", "产出指标 数量指标", "效益指标 社会效益指标",
    ]) + "\n"
    doc = read_text(text)
    assert doc.tables == []
    assert [p.code for p in doc.problems] == ["blank-form"]


def test_unknown_layout_names_closest_family_and_what_is_missing():
    doc = read_text("某某绩效目标表\n项目名称 壬项目\n年度资金总额 3\n")
    assert doc.tables == []
    (p,) = [p for p in doc.problems if p.code == "no-family"]
    assert "closest is" in p.message and "missing:" in p.message
    # nothing lost silently: every line of it is rejected, with a problem naming the line
    assert [(e.line, e.status) for e in doc.lines] == [(1, "rejected"), (2, "rejected"), (3, "rejected")]
    assert sorted(p.line for p in doc.problems if p.code == "not-read") == [1, 2, 3]


def test_forced_template_and_unknown_name():
    text = CENTRAL_HEAD.format(name="癸项目") + "一级指标 二级指标 三级指标 指标值\n产出指标 数量指标 场次 3场\n"
    assert read_text(text, template="central_xmzc").tables[0].family == "central_xmzc"
    with pytest.raises(UnknownTemplate):
        read_text(text, template="nope")


def test_two_tables_in_one_file_each_detected():
    a = CENTRAL_HEAD.format(name="子项目") + "一级指标 二级指标 三级指标 指标值\n产出指标 数量指标 场次 3场\n"
    b = CENTRAL_HEAD.format(name="丑项目") + "一级指标 二级指标 三级指标 指标值\n产出指标 时效指标 完成时间 年底前\n"
    doc = read_text(a + b)
    assert [t.name for t in doc.tables] == ["子项目", "丑项目"]
    assert rows(doc)[1] == ("产出指标", "时效指标", "完成时间", "年底前")


# --- the command line ----------------------------------------------------------------

def _cli(*args):
    from click.testing import CliRunner

    from budgetkg.cli import main

    return CliRunner().invoke(main, list(args))


def test_cli_lists_templates():
    r = _cli("templates")
    assert r.exit_code == 0
    names = [line.split("\t")[0] for line in r.output.splitlines()]
    assert names[0] == "ningxia" and set(families()) <= set(names)


def test_cli_parse_detects_family_per_file_and_forces_one():
    path = str(HERE / "08_hunan_xiangtan_2023_shenbao.txt")
    r = _cli("parse", "--json", path)
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)["documents"][0]
    assert doc["families"] == ["hunan_shenbao_2023"] and len(doc["tables"][0]["indicators"]) == 7
    r = _cli("parse", "--template", "hunan_shenbao_2023", path)
    assert r.exit_code == 0 and "family hunan_shenbao_2023" in r.output
    r = _cli("parse", "--template", "no_such_family", path)
    assert r.exit_code == 2 and "no template" in r.output


def test_cli_blank_form_says_so(tmp_path):
    blank = tmp_path / "blank.txt"
    blank.write_text("\n".join([
        "项目支出绩效目标表", "(    年度)", "项目名称", "主管部门及代码", "实施单位",
        "项目资金(万元) 年度资金总额:", "其中:财政拨款", "其他资金", "年度目标",
        "绩效指标 一级指标 二级指标 三级指标 指标值", "产出指标 数量指标",
    ]) + "\n", encoding="utf-8")
    r = _cli("parse", str(blank))
    assert "blank" in r.output and "0 tables" in r.output


def test_laid_out_pdf_text_wrapped_cells_above_and_below_their_row():
    # pdftotext -layout style: wrapped parts of a cell on the lines above and below its
    # row; the level-1 label of a merged group printed on a middle row, or not at all
    doc = read_file(Path(__file__).parent / "templates_quirks" / "shanghai_layout.txt")
    (t,) = doc.tables
    assert t.family == "shanghai_caizheng_shenbao"
    assert t.name == "某某路-某某路改建工程"
    assert t.department == "某某区绿化和市容管理局"
    assert [(a.label, a.column) for a in t.amounts if a.label == "其他资金"] == [("其他资金", "project"), ("其他资金", "annual")]
    assert rows(doc) == [
        ("成本指标", "经济成本指标", "养护成本", "≤120万元"),
        ("产出指标", "数量指标", "养护面积", "=5000(平方米)"),
        ("产出指标", "质量指标", "苗木成活率", "≥95.00(%)"),
        ("效益指标", "社会效益指标", "绿化覆盖情况", "改善"),
        ("效益指标", "社会效益指标", "市容环境改善情况", "提升"),
        ("效益指标", "可持续影响指标", "养护管理长效性", "长效"),
        ("满意度指标", "服务对象满意度指标", "市民满意度", "≥90.00(%)"),
    ]


def test_central_medium_term_variant_two_columns_and_two_triples_per_row():
    text = "\n".join([
        "项目支出绩效目标表", "(2024年度)", "项目名称 寅项目", "主管部门及代码 [101]某某局", "实施单位 某某中心",
        "项目属性 延续", "项目期 3年",
        "项目资金(万元) 中期资金总额 300 年度资金总额 100",
        "其中:财政拨款 300 其中:财政拨款 100",
        "其他资金 0 其他资金 0",
        "总体目标 中期目标(2024年—2026年) 建成平台 年度目标 完成一期",
        "绩效指标 一级指标 二级指标 三级指标 指标值 二级指标 三级指标 指标值",
        "产出指标 数量指标 建设站点 30个 数量指标 建设站点 10个",
        "效益指标 社会效益指标 服务人次 ≥3万人次 社会效益指标 服务人次 ≥1万人次",
    ]) + "\n"
    (t,) = read_text(text).tables
    assert t.family == "central_xmzc"
    assert [(a.label, str(a.value), a.column) for a in t.amounts] == [
        ("中期资金总额", "300", "medium"), ("年度资金总额", "100", "annual"),
        ("其中:财政拨款", "300", "medium"), ("其中:财政拨款", "100", "annual"),
        ("其他资金", "0", "medium"), ("其他资金", "0", "annual"),
    ]
    assert t.goals == {"中期目标": "建成平台", "年度目标": "完成一期"}
    assert [(i.block, i.l2, i.value) for i in t.indicators] == [
        ("中期", "数量指标", "30个"), ("年度", "数量指标", "10个"),
        ("中期", "社会效益指标", "≥3万人次"), ("年度", "社会效益指标", "≥1万人次"),
    ]


def test_explanation_with_spaces_and_score_split_from_its_label():
    text = "\n".join([
        "某某项目支出绩效目标审批表",
        "项目名称 卯项目 项目分类 运转类",
        "业务主管部门 某委",
        "项目总预算 8",
        "当年年度预算 8",
        "年度绩效目标(90分) 一级指标 二级指标 三级指标 指标值 分值 指标解释",
        "成本指标(0-20) 分 经济成本指标 设备购置成本 ≤8万元 10 反映 设备 购置成本",
    ]) + "\n"
    (t,) = read_text(text).tables
    (i,) = t.indicators
    assert (i.l1, i.l2, i.l3, i.value, i.extra, i.l1_printed) == (
        "成本指标", "经济成本指标", "设备购置成本", "≤8万元", {"score": "10", "explanation": "反映 设备 购置成本"}, True)


def test_flat_list_row_without_its_level1_cell():
    text = "\n".join([
        "| 部门预算项目绩效目标申报表(2024年度) | | |",
        "| 单位名称 | 项目名称 | 预算数 | 年度目标 | 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | 权重 | 指标方向性 |",
        "| 301001-某某局 | 辰项目 | 1,000.00 | 做好 | 产出指标 | 数量指标 | 场次 | ≥ | 3 | 场 | 20 | 正向指标 |",
        "| 质量指标 | 合格率 | = | 100 | % | 20 | 正向指标 |",
    ]) + "\n"
    (t,) = read_text(text).tables
    assert t.family == "sichuan_flatlist" and t.unit == "301001-某某局"
    assert [(i.l1, i.l2, i.l3, i.value, i.l1_printed) for i in t.indicators] == [
        ("产出指标", "数量指标", "场次", "≥3场", True), ("产出指标", "质量指标", "合格率", "=100%", False)]


def test_grid_rows_from_a_source_with_real_cells():
    from budgetkg.loader.grid import Grid, GridRow, Locator
    from budgetkg.loader.templates.document import detect_grid, read_grid
    from budgetkg.loader.text import cells

    lines = [
        "项目支出绩效目标表", "项目名称\t巳项目", "主管部门及代码\t[101]某某局", "实施单位\t某某中心",
        "项目资金(万元)\t年度资金总额:\t40", "\t其中:财政拨款\t40", "\t其他资金\t0", "年度目标\t做好",
        "绩效指标\t一级指标\t二级指标\t三级指标\t指标值",
        "\t产出指标\t数量指标\t培训 场次\t4场",
        "\t\t时效指标\t完成时间\t年底前",
    ]
    grid = Grid("x.xlsx", "xlsx", [GridRow(i, cells(l), Locator("sheet", row=i, sheet="S1")) for i, l in enumerate(lines, 1)])
    assert [d.family for d in detect_grid(grid)] == ["central_xmzc"]
    (t,) = read_grid(grid).tables
    assert [(i.l2, i.l3, i.value) for i in t.indicators] == [("数量指标", "培训 场次", "4场"), ("时效指标", "完成时间", "年底前")]
    assert [(a.label, str(a.value)) for a in t.amounts][0] == ("年度资金总额:", "40")


def test_scorer_on_blocks_cut_rows_and_ambiguous_splits():
    read = {"tables": [{"name": "甲", "amounts": [{"label": "其他资金", "value": "0", "column": "project"}],
                        "indicators": [
                            {"l1": "产出指标", "l2": "数量指标", "l3": "场次", "value": "3场", "block": "长期"},
                            {"l1": "产出指标", "l2": "数量指标", "l3": "场", "value": "次3场", "block": "年度"},
                            {"l1": "产出指标", "l2": "时效指标", "l3": "完成", "value": "年底"}]}]}
    truth = {"projects": [{"name": "甲", "amounts": [{"label": "其他资金", "value": 0, "column": "project (left)"}],
                           "indicator_blocks": [
                               {"block": "长期绩效指标", "indicators": [{"l1": "产出指标", "l2": "数量指标", "l3": "场次", "value": "3场"}]},
                               {"block": "年度绩效指标", "indicators": [
                                   {"l1": "产出指标", "l2": "数量指标", "l3": "场次", "value": "3场", "ambiguous_split": True}]}],
                           "indicators_cut": [{"l1": "产出指标", "l2": "时效指标", "l3": "完成", "value": "年底"}]}]}
    s = score(read, truth)
    assert (s.tables, s.amounts, s.tp, s.fp, s.fn) == ((1, 1), (1, 1), 2, 0, 0)
    read["tables"][0]["indicators"][0]["value"] = "4场"
    s = score(read, truth)
    assert (s.tp, s.fp, s.fn) == (1, 1, 1) and s.f1 == 0.5


def test_fragment_stream_with_extra_columns_and_empty_cells():
    # PDF text, one fragment per line, a 绩效标准 column sometimes left empty
    text = "\n".join([
        "2024年项目支出绩效目标申报表", "项目支出名称", "午服务", "预算部门", "某处", "年度本级预算金额", "30万",
        "该项目支出上级资金", "0", "本年度绩效指标", "一级指标", "二级指标", "三级指标", "指标值及单位", "绩效标准",
        "产出指标", "数量指标", "车辆数", "4辆", "计划标准", "服务次数", "≥20次",
        "质量指标", "合格率", "100%", "行业标准",
        "效益指标", "社会效益指标", "市容改善", "明显", "计划标准",
    ]) + "\n"
    (t,) = read_text(text).tables
    assert [(i.l2, i.l3, i.value, i.extra["standard"]) for i in t.indicators] == [
        ("数量指标", "车辆数", "4辆", "计划标准"), ("数量指标", "服务次数", "≥20次", ""),
        ("质量指标", "合格率", "100%", "行业标准"), ("社会效益指标", "市容改善", "明显", "计划标准"),
    ]


def test_tables_without_titles_split_at_the_next_project_name():
    a = "项目名称 未项目\n主管部门及代码 某局\n年度资金总额: 5\n其中:财政拨款 5\n年度目标 做好\n一级指标 二级指标 三级指标 指标值\n产出指标 数量指标 场次 3场\n"
    b = a.replace("未项目", "申项目").replace("3场", "4场")
    doc = read_text("项 目 支 出 绩 效 目 标 表\n" + a + b)
    assert [(t.name, t.indicators[0].value) for t in doc.tables] == [("未项目", "3场"), ("申项目", "4场")]


def test_transfer_payment_targets_per_region():
    text = "\n".join([
        "某某专项转移支付绩效目标表",
        "部门(单位)名称 某某厅 部门预算编码 101001",
        "项目名称 酉专项",
        "区域 甲县、乙县",
        "资金情况(万元) 资金总额 300 其中:财政拨款 300 其他资金 0",
        "总体目标 改善条件",
        "一级指标 二级指标 三级指标 指标解释 区域目标值",
        "甲县 乙县",
        "产出指标 数量指标 改造学校数 反映改造数量 >=3所 >=5所",
        "满意度指标 服务对象满意度指标 师生满意度 反映满意程度 >=90% >=85%",
    ]) + "\n"
    (t,) = read_text(text).tables
    assert t.family == "transfer_region"
    assert [(i.l3, i.value, i.extra, i.region_values) for i in t.indicators] == [
        ("改造学校数", ">=3所", {"explanation": "反映改造数量"}, {"甲县": ">=3所", "乙县": ">=5所"}),
        ("师生满意度", ">=90%", {"explanation": "反映满意程度"}, {"甲县": ">=90%", "乙县": ">=85%"}),
    ]


def _fragments(text: str) -> str:
    """The same table as PDF text would give it: one fragment per line, no bars."""
    out = []
    for line in text.splitlines():
        s = line.strip()
        if not s or set(s) == {"|"}:
            continue
        out.extend(s.rstrip("|").split())
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("path", [p for p in EXAMPLES if "flatlist" not in p.stem], ids=lambda p: p.stem)
def test_example_as_a_fragment_stream_still_matches_truth(path: Path):
    # the same tables in another text form: every cell cut into its words, one a line
    truth = json.loads(path.with_suffix(".truth.json").read_text(encoding="utf-8"))
    s = score(read_text(_fragments(path.read_text(encoding="utf-8"))).to_json(), truth)
    assert s.perfect, s


def test_web_table_one_cell_a_line_blank_line_after_each_row():
    text = "\n\n".join([
        "项目支出绩效目标表", "项目名称\n戌项目", "主管部门及代码\n[101]某某局", "年度资金总额:\n20\n其中:财政拨款\n20",
        "年度目标\n做好", "一级指标\n二级指标\n三级指标\n指标值\n备注",
        "产出指标\n数量指标\n场次\n3场\n按年度计划",
        "服务次数\n多次",
        "时效指标\n完成时间\n年底前",
        "效益指标\n生态效益指标",
        "社会效益指标\n受益人数\n≥100人",
    ]) + "\n"
    doc = read_text(text)
    assert rows(doc) == [
        ("产出指标", "数量指标", "场次", "3场"), ("产出指标", "数量指标", "服务次数", "多次"),
        ("产出指标", "时效指标", "完成时间", "年底前"), ("效益指标", "社会效益指标", "受益人数", "≥100人"),
    ]
    assert doc.tables[0].indicators[0].extra == {"note": "按年度计划"}
    assert [l for l, _ in doc.tables[0].non_indicator_rows] == ["生态效益指标"]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_line_of_a_family_document_is_accounted(path: Path):
    from reader_mutations import check_document

    data = path.read_bytes()
    doc = read_document(path)
    assert check_document(doc, data, str(path)) == []
    assert {e.status for e in doc.lines} <= {"record", "boilerplate"}


def test_gansu_bare_level_names_and_values_glued_to_names():
    text = "\n".join([
        "甘肃省省级部门预算项目支出绩效目标表",
        "一级项目名称 某某专项",
        "二级项目名称 亥项目",
        "主管部门 某某厅",
        "项目总投资 120 省级财政安排 120 预算申报数 120",
        "年度绩效目标 完成培训",
        "一级指标 二级指标 三级指标 指标目标值",
        "产出 数量指标 培训人次=30000人次",
        "效益 社会效益指标 培训合格率 =100百分比",
    ]) + "\n"
    (t,) = read_text(text).tables
    assert t.family == "gansu_shengji" and t.name == "亥项目"
    assert [i.l1_printed for i in t.indicators] == [True, True]  # 产出, 效益 are their printed level 1
    assert rows(read_text(text)) == [
        ("产出指标", "数量指标", "培训人次", "=30000人次"), ("效益指标", "社会效益指标", "培训合格率", "=100百分比")]


def test_an_amount_under_a_label_the_family_does_not_list_is_kept():
    text = CENTRAL_HEAD.format(name="乾项目").replace("其他资金 0", "其中:专项经费 12\n其他资金 0") + (
        "一级指标 二级指标 三级指标 指标值\n产出指标 数量指标 场次 3场\n")
    (t,) = read_text(text).tables
    assert ("其中:专项经费", "12", None) in [(a.label, a.printed, a.column) for a in t.amounts]
    assert [a.label for a in t.amounts][-1] == "其他资金"


def test_family_and_framework_in_the_rdf_of_the_document():
    import rdflib

    from budgetkg.loader.namespaces import BKG
    from budgetkg.loader.rdf import convert

    doc = read_document(HERE / "12_anhui_jinan_luan_2025_central.txt")
    ds = convert(doc)
    got = {(str(p), str(o)) for _, p, o, _ in ds.quads((None, None, None, None)) if p in (BKG.layoutFamily, BKG.indicatorFramework)}
    assert got == {(str(BKG.layoutFamily), "central_xmzc"), (str(BKG.indicatorFramework), "old")}
    seed = convert(read_document(Path(__file__).parent.parent / "budgetkg" / "data" / "000_aa5de0a37e870aea.txt"))
    assert not list(seed.quads((None, BKG.layoutFamily, None, None)))  # the Ningxia RDF is unchanged
    assert isinstance(ds, rdflib.Dataset)
