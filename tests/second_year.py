"""Builds the SYNTHETIC second-year test document ``tests/fixtures/second_year_2023.txt``.

Not real data: tables of the 2022 seed, relabelled 2023, with changes made on purpose
so the cross-year queries have answers known by construction (``tests/test_cross_year.py``
asserts them). Run ``python -P tests/second_year.py`` to rewrite the fixture; a test
checks the committed file is what this script writes.

What changes, by seed table number (``seq``):

* kept as they are: 2 11 12 15 19 21 22 24 25 31 33 34 36 37, and 27 (业务人员培训费（上年结转）:
  in 2023 it carries over from 2022's 业务人员培训费, a carry-over and a project of one name);
* 1 就业专项资金: project total 73398 -> 80000 万元 (transfers 72148 -> 78750, central
  61388 -> 67990); 零就业家庭帮扶率 90% -> 95%; row 驻外劳务机构补贴 4个 removed; row
  零工市场建设 3个 added;
* 26 业务人员培训费: total 74.70 -> 80.00;
* 5 教育培训专项 printed 教育培训专项（上年结转） (carry-over suffix: same line, new link);
* 14 职业技能竞赛费(就业资金) printed with full-width brackets;
* 16 公共就业服务资金(就业资金) printed with a space before the bracket; 高校毕业生 95% -> 98%;
* a second, different 就业创业专项活动业务费 (the text of table 33 renamed): same name,
  same year, another project;
* a new project 零工市场建设补助资金 (the text of table 31 renamed);
* 32 劳动人事争议调解仲裁 and every table that is a carry-over in 2022 (3 4 6 7 8 9 10 13
  17 18 20 23 28 29 30 35) are left out: discontinued (or a dropped carry-over table of a
  line that goes on).
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent
FIXTURE = HERE / "fixtures" / "second_year_2023.txt"
SEED = HERE.parent / "budgetkg" / "data" / "000_aa5de0a37e870aea.txt"

#: (seed table, replacements (old, new, count)) in output order.
PLAN: list[tuple[int, list[tuple[str, str, int]]]] = [
    (1, [
        ("73398.00", "80000.00", 2),
        ("72148.00", "78750.00", 1),
        ("61388.00", "67990.00", 1),
        ("零就业家庭帮扶率\t\t90%", "零就业家庭帮扶率\t\t95%", 1),
        ("1-产出指标\t\t驻外劳务机构补贴\t\t4个\t\n", "", 1),
        ("自治区技工院校急需特色专业建设\t\t2个\t\n",
         "自治区技工院校急需特色专业建设\t\t2个\t\n1-产出指标\t\t零工市场建设\t\t3个\t\n", 1),
    ]),
    (2, []),
    (5, [("\t教育培训专项\t", "\t教育培训专项（上年结转）\t", 1)]),
    (11, []),
    (12, []),
    (14, [("职业技能竞赛费(就业资金)", "职业技能竞赛费（就业资金）", 1)]),
    (15, []),
    (16, [("公共就业服务资金(就业资金)", "公共就业服务资金 (就业资金)", 1),
          ("高校毕业生\t\t95%", "高校毕业生\t\t98%", 1)]),
    (19, []),
    (21, []),
    (22, []),
    (24, []),
    (25, []),
    (33, [("劳动能力医学鉴定检查及工伤康复项目", "就业创业专项活动业务费", 1)]),
    (26, [("74.70", "80.00", 4)]),
    (27, []),
    (31, []),
    (33, []),
    (34, []),
    (36, []),
    (37, []),
    (31, [("自治区人社厅人事考试中心保密室改造项目", "零工市场建设补助资金", 1)]),
]

BANNER = "合成测试数据（非真实数据）: budgetkg tests/second_year.py\n"


def seed_tables() -> dict[int, str]:
    """Seed tables by number: the text from the end of the previous table to the table's end."""
    from budgetkg.loader.reader import read_document

    doc = read_document(SEED)
    lines = SEED.read_text(encoding="utf-8").splitlines(keepends=True)
    out: dict[int, str] = {}
    start = 0
    for p in doc.projects:
        out[p.seq] = "".join(lines[start:p.end_line])
        start = p.end_line
    return out


def build() -> str:
    tables = seed_tables()
    parts = [BANNER]
    for seq, edits in PLAN:
        text = tables[seq].replace("(2022年度)", "(2023年度)")
        for old, new, count in edits:
            found = text.count(old)
            if found != count:
                raise SystemExit(f"table {seq}: {old!r} occurs {found} times, expected {count}")
            text = text.replace(old, new)
        parts.append(text if text.endswith("\n") else text + "\n")
    return "".join(parts)


if __name__ == "__main__":
    FIXTURE.parent.mkdir(exist_ok=True)
    FIXTURE.write_text(build(), encoding="utf-8")
    print(f"wrote {FIXTURE}")
