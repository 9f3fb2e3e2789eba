"""Deterministic synthetic documents in the template of the seed, with their answer key.

Each document is one department's tables for one year, written the way the PDF-to-text
step writes the real ones: the header block variants, the fund grid in each layout family
of the seed, drifting columns, labels and values sharing a cell, truncated unit names,
goal text with HTML remnants, indicator rows whose level-2 label is printed once per group,
page breaks, placeholder groups, the "late cost label", bare-yuan cost rows and so on
(docs: /work/shared/DOMAIN.md). Names, indicator names and values are taken from the
seed at run time and recombined with small built-in word lists.

Only placements a careful reader could decide are generated: labels sit on a group's
first row (or after a page break, or — the seed's late cost label — after a run of money
rows that follows the 时效 group), and values fit their group's kind.

Determinism: every choice comes from ``random.Random`` seeded from the arguments, so the
same arguments give byte-identical output. Output never goes into the default dataset.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

SEED_NAME = "000_aa5de0a37e870aea.txt"
CURRENCY = "万元"
ENCODINGS: tuple[str, ...] = ("utf-8", "utf-8-sig", "gb18030")
# Size estimate used by ``generate_corpus(triples=…)``: the RDF converter writes about
# 13 triples per indicator (row node, links, target value parts) and 40 per table
# (project, organisations, attribute, nine amounts, goal, carry-over).
TRIPLES_PER_INDICATOR = 13
TRIPLES_PER_TABLE = 40
AMOUNT_FIELDS = ("total", "annual_total", "own_level_total", "transfer_total", "fiscal_appropriation",
                 "other_funds", "carryover", "central_funds", "regional_funds")
ATTRIBUTES = {"01": "一次性项目", "0101": "一年期项目", "0102": "多年期错茬性项目", "02": "经常性项目",
              "03": "多年期延续性项目"}
LEVEL1 = {"1": "1-产出指标", "2": "2-效益指标", "3": "3-满意度指标"}
LABELS = {"11": "11-数量指标", "12": "12-质量指标", "13": "13-时效指标", "14": "14-成本指标",
          "21": "21-经济效益", "22": "22-社会效益", "23": "23-生态效益", "24": "24-可持续影响",
          "31": "31-服务对象满意度"}
SHORT_LABELS = {"13": "13-时效", "21": "21-经济", "22": "22-社会", "23": "23-生态"}
MISCODED_LABELS = {"31": "1-服务对象满意度"}
FAMILIES = 8  # fund-grid layout families of the seed, see ``_fund_rows``


@dataclass(frozen=True)
class Quirks:
    """How often each quirk of the source occurs (probabilities; 0 switches one off)."""

    header_variants: float = 0.6  # 附件/附件1/none, padded cells, blank lines, ： vs :
    stray_lines: float = 0.05  # 依据 between tables
    fund_layouts: float = 0.55  # a fund-grid family other than the plain one
    drift: float = 0.35  # extra empty cells before values
    punctuation: float = 0.5  # （ vs (, ： vs :, spaces inside labels
    truncated_units: float = 0.3  # a unit name cut off (printed whole in another table)
    empty_unit_period: float = 0.8  # in the families that print them empty
    truncated_attribute: float = 0.05
    goal_html: float = 0.15
    goal_below: float = 0.04
    short_labels: float = 0.1  # 13-时效, 22-社会
    miscoded_labels: float = 0.05  # 1-服务对象满意度 for 31
    label_in_level3: float = 0.04  # per group
    name_in_level2: float = 0.02  # per row
    page_breaks: float = 0.5  # per table of 12 rows or more
    label_after_break: float = 0.5
    placeholders: float = 0.8  # 2-效益指标 ⇥ 23-生态效益 ⇥⇥
    label_on_empty_row: float = 0.03
    late_cost: float = 0.08
    bare_yuan: float = 0.1
    rich_values: float = 0.3  # comparators, dates, rates, several values in a cell
    carryover: float = 0.15
    duplicate_names: float = 1.0  # per document: two projects with one name

    @classmethod
    def none(cls) -> Quirks:
        return cls(**{f.name: 0.0 for f in fields(cls)})


# --- vocabulary ------------------------------------------------------------------

_TOPICS = (
    ("人力资源和社会保障", "厅"), ("教育", "厅"), ("财政", "厅"), ("卫生健康", "委员会"), ("农业农村", "厅"),
    ("生态环境", "厅"), ("交通运输", "厅"), ("民政", "厅"), ("文化和旅游", "厅"), ("科学技术", "厅"),
    ("住房和城乡建设", "厅"), ("水利", "厅"), ("林业和草原", "局"), ("市场监督管理", "厅"), ("应急管理", "厅"),
    ("统计", "局"), ("自然资源", "厅"), ("商务", "厅"), ("司法", "厅"), ("审计", "厅"), ("体育", "局"),
    ("医疗保障", "局"), ("退役军人事务", "厅"), ("广播电视", "局"), ("粮食和物资储备", "局"),
    ("乡村振兴", "局"), ("机关事务管理", "局"), ("文物", "局"), ("药品监督管理", "局"), ("档案", "局"),
    ("气象", "局"), ("地震", "局"), ("人民防空", "办公室"), ("信访", "局"), ("民族事务", "委员会"),
    ("发展和改革", "委员会"), ("工业和信息化", "厅"), ("公安", "厅"), ("地方金融监督管理", "局"), ("外事", "办公室"),
)
_PLACES = ("自治区", "银川市", "石嘴山市", "吴忠市", "固原市", "中卫市")
_UNIT_KINDS = ("服务中心", "指导中心", "事务中心", "信息中心", "研究院", "监测中心", "管理局", "考试院",
               "培训中心", "执法总队", "宣传中心", "评审中心")
_ACTIVITIES = ("专项经费", "业务经费", "信息系统运行维护费", "培训费", "专项资金", "工作经费", "设备购置费",
               "宣传经费", "质保金", "能力提升项目", "监督检查经费", "标准化建设经费", "网络安全防护经费",
               "档案数字化经费", "业务人员培训费", "运行保障经费")
_ITEMS = ("采购办公设备", "档案数字化处理", "网络专线租赁", "系统运行维护", "业务培训班", "政策宣传册印制",
          "专家评审", "第三方绩效评价", "监督检查", "信息系统等级保护测评", "办公用房维修", "数据中心维保服务",
          "统计调查", "技术服务", "业务会议组织", "执法装备购置")
_NAMES = {
    "12": ("工作任务完成率", "验收合格率", "资金使用合规率", "系统正常运行率", "培训合格率", "设备完好率"),
    "13": ("项目完成时间", "资金支付进度", "完成时限", "培训完成时间", "按期完成率"),
    "21": ("节约运行成本", "带动就业", "提高工作效率"),
    "22": ("提升公共服务能力", "群众政策知晓率", "促进事业发展"),
    "23": ("减少纸质办公", "节能降耗"),
    "24": ("项目发挥作用的可持续性", "持续改善服务水平"),
    "31": ("群众满意度", "培训学员满意度", "使用人员满意度", "服务单位满意度"),
}
_QUALITATIVE = {
    "12": ("运行良好", "合格", "确保", "有效促进"), "13": ("及时", "按时", "按月发放", "及时拨付"),
    "21": ("提升", "就业率增长", "有所提升"), "22": ("效果显著", "持续提升", "逐步提升", "有效促进"),
    "23": ("明显改善", "有所减少"), "24": ("长期", "持续促进", "持续改善", "可持续"), "31": ("满意",),
}
_COUNT_UNITS = ("个", "人", "台", "本", "次", "项", "套", "场", "期", "批", "份", "册", "人次", "个班次", "年")
_GOALS = ("保障各项工作顺利开展。", "提升公共服务能力和水平。", "确保资金使用安全、规范、有效。",
          "按照年初工作计划完成各项任务。")
# A level-3 name that reads like a level-2 label cannot be told from one: never use it.
_LABEL_LIKE = re.compile(r"^\d{0,2}-?(服务对象满意度|满意度|数量|质量|时效|成本|经济|社会|生态|可持续)"
                         r"(效益指标|影响指标|指标|效益|影响)?$")
_DATE_LIKE = re.compile(r"\d{4}年|年底|月底|日前|月前|年内|以前")
_YEAR = re.compile(r"(20[12]\d)年")


@dataclass(frozen=True)
class _Vocab:
    seed_year: int
    department: tuple[int, str]
    units: tuple[tuple[str, str], ...]  # (code, full name)
    projects: tuple[str, ...]
    goals: tuple[str, ...]
    names: dict[str, tuple[str, ...]]
    values: dict[str, tuple[str, ...]]


def _group_of(label: str) -> str | None:
    m = re.match(r"^\d{1,2}-\s*(服务对象满意度|数量|质量|时效|成本|经济|社会|生态|可持续)", label)
    if not m:
        return None
    return {"服务对象满意度": "31", "数量": "11", "质量": "12", "时效": "13", "成本": "14", "经济": "21",
            "社会": "22", "生态": "23", "可持续": "24"}[m.group(1)]


def _value_fits(group: str, value: str) -> bool:
    """Only values whose kind a reader can't take for another group's."""
    if not value or len(value) > 30:
        return False
    money = "元" in value
    bare = re.fullmatch(r"\d+(\.\d+)?", value)
    if group == "14":
        return money and not _DATE_LIKE.search(value)
    if money or (bare and float(value) >= 1000):
        return False
    return group == "13" or not _DATE_LIKE.search(value)


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    """Names and values of the seed, sorted by the group they were printed in."""
    text = (resources.files("budgetkg") / "data" / SEED_NAME).read_text(encoding="utf-8")
    years = [int(y) for y in re.findall(r"[(（](\d{4})年度[)）]", text)]
    names: dict[str, list[str]] = {}
    values: dict[str, list[str]] = {}
    projects: list[str] = []
    goals: list[str] = []
    units: dict[str, str] = {}
    department = (303, "")
    group: str | None = None
    for line in text.splitlines():
        cells = [c.strip() for c in line.split("\t") if c.strip()]
        if not cells:
            continue
        head = cells[0].replace(" ", "")
        if head == "项目名称" and len(cells) > 1 and "结转" not in cells[1]:
            projects.append(re.sub(r"[(（](上年结转)[)）]$", "", cells[1]))
        for c in cells:
            m = re.match(r"^(\d{3})(\d{3,6})?-(\S+)$", c.replace("实施单位 ", ""))
            if m and m.group(2):
                code = m.group(1) + m.group(2)
                if len(m.group(3)) > len(units.get(code, "")):
                    units[code] = m.group(3)
            elif m and head == "主管部门":
                department = (int(m.group(1)), m.group(3))
        if head.startswith("年度总体") and len(cells) > 1:
            for s in re.sub(r"<[^>]+>", "", cells[-1]).split("。"):
                s = re.sub(r"\s+", " ", s).strip()
                if 8 <= len(s) <= 90 and not re.match(r"^(其中|项目总额|资金总额|本级|财政|结余|转移)", s):
                    goals.append(s + "。")
        if not re.match(r"^[123]-(产出|效益|满意度)", head):
            continue
        rest = cells[1:]
        if rest and (g := _group_of(rest[0])):
            group, rest = g, rest[1:]
        if group is None or len(rest) != 2:
            continue
        name, value = rest
        if not _value_fits(group, value):  # e.g. the seed's own late cost rows under 13
            continue
        values.setdefault(group, []).append(value)
        if len(name) <= 40 and not _LABEL_LIKE.match(name.replace(" ", "")):
            names.setdefault(group, []).append(name)
    return _Vocab(
        seed_year=max(set(years), key=years.count) if years else 2022,
        department=department,
        units=tuple(sorted(units.items())),
        projects=tuple(dict.fromkeys(projects)),
        goals=tuple(dict.fromkeys(goals)),
        names={g: tuple(dict.fromkeys(v)) for g, v in sorted(names.items())},
        values={g: tuple(dict.fromkeys(v)) for g, v in sorted(values.items())},
    )


@lru_cache(maxsize=1)
def department_catalog() -> tuple[tuple[int, str], ...]:
    """Every department the generator knows: (code, name), fixed (not seed-dependent)."""
    voc = _vocab()
    codes = [c for c in range(101, 1000) if c != voc.department[0]]
    random.Random(20220303).shuffle(codes)
    out = [voc.department]
    for place in _PLACES:
        for topic, kind in _TOPICS:
            name = place + topic + (kind if place == "自治区" else "局")
            if name != voc.department[1]:
                out.append((codes[len(out) - 1], name))
    return tuple(out)


# --- the documents ---------------------------------------------------------------------


@dataclass(frozen=True)
class SyntheticDocument:
    """One generated document: its text (LF newlines) and its answer key.

    ``truth`` has the shape of the parser's JSON (``Project.to_json``), limited to what the
    generator knows: ``{"source", "year", "currency_unit", "projects": [{"seq", "name",
    "department": {"code", "name"}, "unit": {"code", "name", "printed_name"} | None,
    "attribute": {"code", "label", "printed"}, "period", "amounts": {nine fields, printed
    strings such as "73398.00" or None}, "goal", "carryover": {"is_carryover", "from_year"},
    "indicators": [{"level1", "level2", "name", "value"}]}]}``; placeholder rows such as
    ``2-效益指标 ⇥ 23-生态效益`` are not indicators.
    """

    text: str
    truth: dict[str, Any]
    department: int
    year: int

    @property
    def file_name(self) -> str:
        return f"dept{self.department}_{self.year}.txt"

    @property
    def tables(self) -> int:
        return len(self.truth["projects"])

    @property
    def indicators(self) -> int:
        return sum(len(p["indicators"]) for p in self.truth["projects"])

    @property
    def triples_estimate(self) -> int:
        return TRIPLES_PER_TABLE * self.tables + TRIPLES_PER_INDICATOR * self.indicators

    def encode(self, encoding: str = "utf-8", newline: str = "\n") -> bytes:
        if encoding not in ENCODINGS:
            raise ValueError(f"unsupported encoding {encoding!r}; use one of {', '.join(ENCODINGS)}")
        if newline not in ("\n", "\r\n"):
            raise ValueError("newline must be '\\n' or '\\r\\n'")
        return self.text.replace("\n", newline).encode(encoding)


def generate_document(seed: int, *, department: int | None = None, year: int = 2022, tables: int = 37,
                      quirks: bool | Quirks = True) -> SyntheticDocument:
    """One department's tables for one year.

    ``department`` is a code of ``department_catalog()`` (a random one when None); the
    department's units and project names depend on (seed, department) only, so the same
    projects recur across years. ``quirks`` switches all quirks on (default rates), off, or
    sets each rate (a ``Quirks``).
    """
    if tables < 1:
        raise ValueError("tables must be at least 1")
    catalog = dict(department_catalog())
    if department is None:
        department = random.Random(f"budgetkg-dept:{seed}").choice(sorted(catalog))
    if department not in catalog:
        raise ValueError(f"unknown department code {department}; see department_catalog()")
    q = quirks if isinstance(quirks, Quirks) else (Quirks() if quirks else Quirks.none())
    return _DocumentBuilder(seed, department, catalog[department], year, tables, q).build()


def generate_corpus(out_dir: Path, *, seed: int = 0, tables: int | None = None, megabytes: float | None = None,
                    triples: int | None = None, years: Sequence[int] = (2021, 2022, 2023), encoding: str = "utf-8",
                    newline: str = "\n", truth: bool = False, progress: bool = False) -> list[Path]:
    """Write documents (one per department and year, 20–60 tables each) into ``out_dir``.

    Sized by exactly one target: a count of ``tables``, ``megabytes`` of encoded text, or
    ``triples`` (estimated as ``TRIPLES_PER_TABLE`` per table + ``TRIPLES_PER_INDICATOR``
    per indicator); with none, one seed-sized document per year. Files are named
    ``dept412_2023.txt``, with ``dept412_2023.truth.json`` beside each when ``truth``.
    Returns the paths of the text files in the order written.
    """
    targets = [t for t in (tables, megabytes, triples) if t is not None]
    if len(targets) > 1:
        raise ValueError("give at most one of tables, megabytes, triples")
    if not years:
        raise ValueError("years must not be empty")
    if tables is None and megabytes is None and triples is None:
        tables = 37 * len(years)
    if any(t <= 0 for t in targets):
        raise ValueError("the size target must be positive")
    goal = float(tables if tables is not None else megabytes * 1_000_000 if megabytes is not None else triples)
    measure: Callable[[SyntheticDocument, int], float] = (
        (lambda d, n: d.tables) if tables is not None
        else (lambda d, n: n) if megabytes is not None
        else (lambda d, n: d.triples_estimate)
    )
    out_dir = Path(out_dir)
    data_dir = Path(str(resources.files("budgetkg") / "data")).resolve()
    if out_dir.resolve() == data_dir or data_dir in out_dir.resolve().parents:
        raise ValueError(f"{out_dir} is the package's default dataset; write synthetic documents elsewhere")
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"budgetkg-corpus:{seed}")
    depts = [code for code, _ in department_catalog()]
    rng.shuffle(depts)
    pairs = iter([(d, y) for d in depts for y in years])
    done, n_tables, written = 0.0, 0, []
    bar = _progress(goal, progress, "tables" if tables is not None else "B" if megabytes is not None else "triples")
    while done < goal:
        try:
            dept, year = next(pairs)
        except StopIteration:
            raise ValueError("size target too large for the department catalogue") from None
        n = rng.randint(20, 60)
        if n_tables:  # size the last document from the average so far, not to overshoot
            n = max(1, min(n, math.ceil((goal - done) / (done / n_tables))))
        doc = generate_document(seed, department=dept, year=year, tables=n)
        data = doc.encode(encoding, newline)
        path = out_dir / doc.file_name
        path.write_bytes(data)
        if truth:
            doc.truth["source"] = path.name
            path.with_suffix(".truth.json").write_text(
                json.dumps(doc.truth, ensure_ascii=False, indent=1), encoding="utf-8")
        written.append(path)
        step = measure(doc, len(data))
        done += step
        n_tables += doc.tables
        if bar is not None:
            bar.update(step)
    if bar is not None:
        bar.close()
    return written


def _progress(total: float, show: bool, unit: str) -> Any:
    if not show:
        return None
    from tqdm import tqdm  # noqa: PLC0415  (only when asked)

    return tqdm(total=total, unit=unit, unit_scale=True, desc="generating")


def shift_years(text: str, delta: int, seed_year: int) -> str:
    """Move years near the seed's year by ``delta`` (a 2022 name in a 2023 document)."""
    if not delta:
        return text
    return _YEAR.sub(lambda m: f"{int(m.group(1)) + delta}年" if abs(int(m.group(1)) - seed_year) <= 2
                     else m.group(0), text)


def money_text(cents: int) -> str:
    """An amount in hundredths of 万元 as a 万元 figure without trailing zeros: 3.8, 500."""
    s = f"{Decimal(cents) / 100:.2f}"
    return s.rstrip("0").rstrip(".")


def amount_text(cents: int) -> str:
    """An amount in hundredths of 万元 as the fund grid prints it: 73398.00."""
    return f"{Decimal(cents) / 100:.2f}"


# --- the document builder ---------------------------------------------------------------

# Quirks forced into one table of each document (when on), so a document of the default
# size shows every one of them; elsewhere they occur at their rates.
_FORCED = ("stray_lines", "drift", "punctuation", "truncated_attribute", "goal_html", "goal_below",
           "short_labels", "miscoded_labels", "label_in_level3", "name_in_level2", "page_breaks",
           "label_after_break", "label_on_empty_row", "late_cost", "bare_yuan", "rich_values")
_TRANSFER = ("转移市县 (区)资金", "转移市县（区）资金", "转移市县 (区)资 金")  # as printed in the seed
_MARKERS = ("(上年结转)", "（上年结转）", "{prev}年结转")  # carry-over suffixes of project names
_LATE_OK = ("wan", "yuan", "bare")  # cost styles whose values read as money


@dataclass(eq=False)  # rows are compared by identity
class _Row:
    """One printed indicator row (or a placeholder label row)."""

    level1: str
    code: str
    name: str = ""
    value: str = ""
    label: str | None = None
    shift: str = ""  # "", "label_l3", "name_l2", "right"
    placeholder: bool = False
    late: bool = False


_BREAK = _Row("", "")  # a page break between two rows


@dataclass
class _Table:
    seq: int
    name: str
    unit: tuple[str, str] | None  # (code, full name); None = printed empty
    family: int
    attribute: str
    attr_printed: str
    period: str | None
    cents: dict[str, int]  # the amounts printed, in hundredths of 万元
    goal: str
    rows: list[_Row]
    style: dict[str, str]
    header: list[str]
    unit_printed: str = ""
    pad: int = 0
    trail: int = 0


class _DocumentBuilder:
    def __init__(self, seed: int, dept: int, dept_name: str, year: int, n: int, q: Quirks) -> None:
        self.voc = _vocab()
        self.q, self.dept, self.dept_name, self.year, self.n = q, dept, dept_name, year, n
        self.topic = next((t for t, _ in _TOPICS if t in dept_name), dept_name[-4:])
        cat = random.Random(f"budgetkg-catalog:{seed}:{dept}")  # shared by every year
        self.units = self._units(cat)
        self.pool = self._project_pool(cat)
        self.rng = random.Random(f"budgetkg-doc:{seed}:{dept}:{year}")
        self.must: list[set[str]] = [set() for _ in range(n)]
        tokens = [t for t in _FORCED if getattr(q, t) > 0] + ["subunit"]  # a unit code like 303005001
        if q.carryover > 0:
            tokens += [f"carryover{k}" for k in range(len(_MARKERS))]
        if q.punctuation > 0:
            tokens.append("punctuation_b")
        if q.fund_layouts > 0:
            tokens += [f"family{f}" for f in range(1, FAMILIES)]
        if q.header_variants > 0:
            tokens += ["header0", "header1", "header3"]
        slots = self.rng.sample(range(n), min(n, len(tokens)))
        for k, tok in enumerate(tokens):
            self.must[slots[k % len(slots)]].add(tok)

    def on(self, i: int, quirk: str) -> bool:
        return quirk in self.must[i] or self.rng.random() < getattr(self.q, quirk)

    def _shift(self, s: str) -> str:
        return shift_years(s, self.year - self.voc.seed_year, self.voc.seed_year)

    # -- per department (same every year) ------------------------------------------

    def _units(self, cat: random.Random) -> list[tuple[str, str]]:
        base = str(self.dept)
        units = {f"{base}001": self.dept_name + "本级"}
        units.update({c: n for c, n in self.voc.units if c.startswith(base)})
        place = "自治区" if self.dept_name.startswith("自治区") else self.dept_name.split("市")[0] + "市"
        for num in sorted(cat.sample(range(2, 30), cat.randint(3, 6))):
            code = f"{base}{num:03d}"
            if code not in units:
                prefix = cat.choice(("宁夏回族自治区", "自治区")) if place == "自治区" else place
                units[code] = prefix + self.topic + _UNIT_KINDS[(num + self.dept) % len(_UNIT_KINDS)]
        if not any(len(c) == len(base) + 6 for c in units):
            parent = cat.choice(sorted(c for c in units if len(c) == 6 and not c.endswith("001")))
            units.setdefault(parent + "001", units[parent] + "本级")
        return sorted(units.items())

    def _project_pool(self, cat: random.Random) -> list[str]:
        names = [self.topic + a for a in _ACTIVITIES]
        names += [re.sub(r"^(宁夏回族自治区|自治区|\S{2,3}市)", "", u) + cat.choice(_ACTIVITIES) for _, u in self.units[1:]]
        seed_names = list(self.voc.projects)
        names += seed_names if self.dept == self.voc.department[0] else cat.sample(seed_names, len(seed_names) // 3)
        names = list(dict.fromkeys(names))
        cat.shuffle(names)
        return names

    # -- the document ---------------------------------------------------------------------

    def build(self) -> SyntheticDocument:
        r = self.rng
        names = self.pool[: self.n]
        spare = self.pool[self.n:]
        names = [spare.pop(r.randrange(len(spare))) if spare and r.random() < 0.2 else nm for nm in names]
        while len(names) < self.n:  # more tables than the department has projects
            name = f"{r.choice(self.pool)}（{r.choice(('一期', '二期', '三期', '续建', '新增'))}）"
            names.append(name if name not in names else f"{name[:-1]}{len(names)}）")
        tables = [self._table(i, names[i]) for i in range(self.n)]
        plain = [t for t in tables if "结转" not in t.name]
        if len(plain) >= 2 and r.random() < self.q.duplicate_names:
            a, b = r.sample(plain, 2)
            b.name = a.name  # two different projects, one printed name
        self._truncate_units(tables)
        # A stray note (依据) sits between two tables: before table g for g in strays.
        strays = {min(i + 1, self.n - 1) for i in range(self.n) if self.on(i, "stray_lines")}
        lines: list[str] = ["", ""]
        for i, t in enumerate(tables):
            if i:
                lines += ["", "依据", ""] if i in strays else [""]
            lines += t.header
            lines += self._render(t)
        truth = {
            "source": f"dept{self.dept}_{self.year}.txt",
            "year": self.year,
            "currency_unit": CURRENCY,
            "projects": [self._truth(t) for t in tables],
        }
        return SyntheticDocument("\n".join(lines) + "\n", truth, self.dept, self.year)

    def _truncate_units(self, tables: list[_Table]) -> None:
        """Cut some unit names off, as the PDF column does, keeping each printed whole once."""
        by_code: dict[str, list[_Table]] = {}
        for t in tables:
            t.unit_printed = t.unit[1] if t.unit else ""
            if t.unit is not None and len(t.unit[1]) >= 8:
                by_code.setdefault(t.unit[0], []).append(t)
        rate = self.q.truncated_units
        candidates: list[_Table] = []
        for code in sorted(by_code):
            ts = by_code[code]
            if len(ts) < 2 or not rate:
                continue
            keep = self.rng.randrange(len(ts))
            candidates += [t for k, t in enumerate(ts) if k != keep]
        cut = [t for t in candidates if self.rng.random() < rate]
        if candidates and not cut:
            cut = [self.rng.choice(candidates)]
        for t in cut:
            full = t.unit[1]  # type: ignore[index]
            t.unit_printed = full[: self.rng.randint(max(5, len(full) - 7), len(full) - 2)]

    # -- one table ------------------------------------------------------------------------

    def _table(self, i: int, base: str) -> _Table:
        r, q, y = self.rng, self.q, self.year
        name = self._shift(base)
        family = next((f for f in range(1, FAMILIES) if f"family{f}" in self.must[i]), None)
        if family is None:
            family = r.randint(1, FAMILIES - 1) if r.random() < q.fund_layouts else 0
        forced = next((k for k in range(len(_MARKERS)) if f"carryover{k}" in self.must[i]), None)
        if family == 5 and forced is not None:
            family = 0
        marker = None
        if family != 5 and (forced is not None or r.random() < q.carryover):  # family 5: transfers only
            marker = _MARKERS[forced if forced is not None else r.randrange(len(_MARKERS))].format(prev=y - 1)
            name += marker
        punct = self.on(i, "punctuation") or "punctuation_b" in self.must[i]
        style = {
            "c": r.choice((":", ": ", "：", "： ")) if punct else ": ",
            "trans": r.choice(_TRANSFER) if punct else "转移市县(区)资金",
            "reg": "自治区 资金" if punct and r.random() < 0.7 else "自治区资金",
            "goal": "年度总体 绩效目标" if punct and r.random() < 0.7 else "年度总体绩效目标",
        }
        for k, token in enumerate(("punctuation", "punctuation_b")):  # each spelling at least once
            if token in self.must[i]:
                style.update(c="：", trans=_TRANSFER[-1 - k], reg="自治区 资金", goal="年度总体 绩效目标")
        attr = r.choices(("02", "03", "0102", "01", "0101"), (60, 15, 10, 8, 7))[0]
        label = ATTRIBUTES[attr]
        printed = label[:-1] if len(label) >= 5 and self.on(i, "truncated_attribute") else label
        period: str | None = r.choice(("1年", "1年", "2年", "3年")) if attr in ("03", "0102") else "1年"
        # The families of the seed that print 实施单位 and 项目期 empty.
        empty = family in (2, 4, 5, 6, 7) and r.random() < q.empty_unit_period and "subunit" not in self.must[i]
        weights = [6] + [1] * (len(self.units) - 1)
        unit = None if empty else r.choices(self.units, weights)[0]
        if "subunit" in self.must[i]:
            unit = next(u for u in self.units if len(u[0]) > 6)
        cost_style = "bare" if self.on(i, "bare_yuan") else r.choice(("wan", "wan", "wan", "yuan", "rate"))
        late = self.on(i, "late_cost")
        if late and cost_style not in _LATE_OK:
            cost_style = "wan"
        cents = self._amounts(family, marker is not None, cost_style)
        t = _Table(i + 1, name, unit, family, attr, f"{attr}-{printed}", None if empty else period, cents,
                   self._goal(cents["total"]), [], style, self._header(i, punct))
        t.pad = 1 if family == 0 and self.on(i, "drift") else 0
        t.trail = r.choice((0, 0, 1, 2)) if self.q.drift else 0
        t.rows = self._indicator_rows(i, cents["total"], cost_style, late)
        return t

    def _header(self, i: int, punct: bool) -> list[str]:
        r, y = self.rng, self.year
        variant = next((v for v in (0, 1, 3) if f"header{v}" in self.must[i]), None)
        if variant is None:
            variant = r.choice((0, 1, 2, 3)) if r.random() < self.q.header_variants else 2
        title = "部门项目支出预算绩效目标表"
        year = f"（{y}年度）" if punct and r.random() < 0.3 else f"({y}年度)"
        unit = r.choice(("单位: 万元", "单位：万元")) if self.q.header_variants else "单位: 万元"
        if variant == 0:
            return ["附件1", "", title, "", year, "", unit, ""]
        if variant == 1:
            return [s + "\t" * 4 for s in ("附件", title, year, unit)]
        if variant == 2:
            return ["附件", "", title, "", year, "", unit, ""]
        return [title, "", year, "", unit, ""]

    def _amounts(self, family: int, carry_project: bool, cost_style: str) -> dict[str, int]:
        r = self.rng
        lo, hi = (2.7, 5.0) if cost_style in ("bare", "yuan") else (2.5, 6.8)
        total = int(10 ** r.uniform(lo, hi))
        mode = "own"
        if family == 0:
            mode = r.choices(("own", "both", "transfer"), (70, 20, 10))[0]
        elif family == 5:
            mode = "transfer"
        if carry_project and mode == "transfer":
            mode = "own"
        tr = 0 if mode == "own" else total if mode == "transfer" else int(total * r.uniform(0.5, 0.98))
        own = total - tr
        c: dict[str, int] = {"total": total}
        if family in (0, 1, 3, 4):
            c["annual_total"] = total
        if own:
            c["own_level_total"] = own
            if carry_project:
                c["carryover"] = own
            else:
                split = r.choices(("f", "fc", "foc"), (80, 12, 8))[0] if family != 6 else "f"
                carry = int(own * r.uniform(0.1, 0.6)) if "c" in split else 0
                other = int(own * r.uniform(0.01, 0.1)) if "o" in split else 0
                fisc = own - carry - other
                c.update({k: v for k, v in (("fiscal_appropriation", fisc), ("other_funds", other),
                                            ("carryover", carry)) if v > 0})
        if tr:
            central = max(1, min(tr - 1, int(tr * r.uniform(0.3, 0.9))))
            c.update(transfer_total=tr, central_funds=central, regional_funds=tr - central)
        return c

    def _goal(self, total: int) -> str:
        r = self.rng
        parts = [self._shift(s) for s in r.sample(self.voc.goals, min(len(self.voc.goals), r.randint(1, 3)))]
        parts.append(f"项目金额{money_text(total)}万元。" if r.random() < 0.5 else r.choice(_GOALS))
        return "".join(parts)

    # -- indicator rows ---------------------------------------------------------------

    def _pick(self, pool: Sequence[str], used: set[str]) -> str:
        for _ in range(8):
            s = self.rng.choice(pool)
            if s not in used:
                used.add(s)
                return s
        return s

    def _value(self, code: str, rich: bool) -> str:
        r, y = self.rng, self.year
        p = r.choice((90, 95, 98, 100, 85, 96, 99))
        seed_pool = self.voc.values.get(code, ())
        if rich and r.random() < 0.5:
            n = r.randint(2, 900)
            forms = {
                "11": (f"{n}件左右", f"{n}余件次", f"≥{n}人次", f"全年{n}人次", f"{n}人、{r.randint(2, 90)}万人",
                       f"{n}人, {r.randint(2, 9)}天", f"{n}人以上"),
                "12": (f"≥{p}%", f"{p}%以上", f"达{p}%以上", f"不低于{p}%"),
                "13": (f"{y}年12月中旬", "当年12月31日前", "年底前", f"{y}年底前", f"≤{r.randint(15, 60)}天"),
                "21": (f"{r.randint(2, 9)}.{r.randint(1, 9)}%以内", f"{n}人以上", f"{p}%"),
                "22": (f"{n}人、{r.randint(2, 90)}万人", "效果显著", f"≥{p}%"),
                "23": (f"{r.randint(5, 40)}%", "明显改善"),
                "24": (f"≥{r.randint(3, 10)}年", f"大于{r.randint(3, 10)}年", "长期"),
                "31": (f"≥{p}%", f"达{p}%以上", f"{p}%以上", f"高于{p}%", f"≥ {p}%"),
            }[code]
            return r.choice(forms)
        if seed_pool and r.random() < 0.5:
            return self._shift(r.choice(seed_pool))
        if code == "11":
            return f"{r.choice((1, 1, 2, 3, 4, 5, 10, 12, 20, 50, 100, 200, 500))}{r.choice(_COUNT_UNITS)}"
        if code == "13" and r.random() < 0.6:
            m = r.randint(6, 12)
            return r.choice((f"{y}年{m}月", f"{y}年{m}月{r.choice((15, 30))}日前", f"{y}年{m}月完成"))
        if r.random() < 0.5 and code not in ("24",):
            return f"{p}%"
        return r.choice(_QUALITATIVE[code])

    def _names(self, code: str, k: int, used: set[str]) -> list[str]:
        pool = list(self.voc.names.get(code, ())) + list(_NAMES[code])
        return [self._shift(self._pick(pool, used)) for _ in range(k)]

    def _items(self, k: int) -> list[str]:
        pool = list(self.voc.names.get("11", ())) + [self.topic + it for it in _ITEMS] + list(_ITEMS)
        used: set[str] = set()
        return [self._shift(self._pick(pool, used)) for _ in range(k)]

    def _costs(self, total: int, k: int, style: str) -> list[str]:
        """k cost values summing to the project total (rates: per unit, no sum)."""
        r = self.rng
        if style == "rate":
            seeded = [v for v in self.voc.values.get("14", ()) if "/" in v]
            return [r.choice(seeded) if seeded and r.random() < 0.5
                    else f"{money_text(r.randint(10, 2000))}万元/{r.choice(('班次', '年', '人', '个', '次'))}"
                    for _ in range(k)]
        floor = 10 if total >= 10 * k else 0  # 1000 yuan: bare yuan below that read as counts
        weights = [r.random() + 0.2 for _ in range(k)]
        spare = total - floor * k
        parts = [floor + int(spare * w / sum(weights)) for w in weights]
        parts[-1] += total - sum(parts)
        if style == "wan":
            return [money_text(p) + "万元" for p in parts]
        return [f"{p * 100}元" if style == "yuan" else str(p * 100) for p in parts]

    def _indicator_rows(self, i: int, total: int, cost_style: str, late: bool) -> list[_Row]:
        r, q = self.rng, self.q
        rich_forced = "rich_values" in self.must[i]
        rich = rich_forced or r.random() < q.rich_values
        k = r.choices((1, r.randint(2, 4), r.randint(5, 12), r.randint(13, 20)), (30, 35, 25, 10))[0]
        if late or rich_forced:
            k = max(k, 3)
        items = self._items(k)
        used: set[str] = set()
        groups: list[tuple[str, list[tuple[str, str]]]] = [("11", [(it, self._value("11", rich)) for it in items])]
        for code, n in (("12", r.choice((1, 1, 2))), ("13", r.choice((1, 1, 1, 2)))):
            groups.append((code, [(nm, self._value(code, rich)) for nm in self._names(code, n, used)]))
        suffix = ("", "", "费用", "预算", "经费")
        costs = self._costs(total, k, cost_style)
        groups.append(("14", [(it + r.choice(suffix), v) for it, v in zip(items, costs)]))
        for code in ("21", "22", "23", "24", "31"):
            empty = code in ("21", "23") and r.random() < 0.7
            n = 0 if empty else r.choice((1, 1, 2))
            groups.append((code, [(nm, self._value(code, rich)) for nm in self._names(code, n, used)]))
        if rich_forced:  # one of each value form the seed shows
            y, g = self.year, dict(groups)
            shows = {"11": ["368件左右", "400余件次", "7000人、70万人"], "12": ["≥95%"],
                     "13": [f"{y}年12月中旬", "当年12月31日前", "年底前"], "21": ["4.5%以内"],
                     "31": ["达90%以上", "95%以上"]}
            for code, vals in shows.items():
                rows = g[code]
                while len(rows) < len(vals):
                    rows.append((self._names(code, 1, used)[0], ""))
                rows[: len(vals)] = [(nm, v) for (nm, _), v in zip(rows, vals)]
            g["14"].append((items[0] + "标准", "5.5万元/班次"))
        return self._place(i, groups, late)

    def _label(self, i: int, code: str) -> str:
        r = self.rng
        if code in SHORT_LABELS and r.random() < self.q.short_labels:
            return SHORT_LABELS[code]
        if code in MISCODED_LABELS and r.random() < self.q.miscoded_labels:
            return MISCODED_LABELS[code]
        return LABELS[code]

    def _place(self, i: int, groups: list[tuple[str, list[tuple[str, str]]]], late: bool) -> list[_Row]:
        """Printed rows: each group's label on its first row, with the seed's quirks."""
        r, q, must = self.rng, self.q, self.must[i]
        rows: list[_Row] = []
        for code, items in groups:
            l1, label = code[0], self._label(i, code)
            if not items:
                if q.placeholders and r.random() < q.placeholders:
                    shift = "label_l3" if r.random() < q.label_in_level3 else ""
                    rows.append(_Row(l1, code, label=label, placeholder=True, shift=shift))
                continue
            body = [_Row(l1, code, nm, v) for nm, v in items]
            if code == "14" and late and len(body) >= 2:
                m = r.randint(1, len(body) - 1)
                for row in body[:m]:
                    row.late = True
                body[m].label = LABELS["14"]
                rows += body[:m] + [_BREAK] + body[m:]
                continue
            if code != "11" and r.random() < q.label_on_empty_row:
                rows.append(_Row(l1, code, label=label, placeholder=True))
            else:
                body[0].label = label
                if r.random() < q.label_in_level3:
                    body[0].shift = "label_l3"
            rows += body
        # Forced quirks the rates did not produce in this table.
        def first(pred: Callable[[_Row], bool]) -> _Row | None:
            cands = [row for row in rows if row is not _BREAK and pred(row)]
            return r.choice(cands) if cands else None

        if "short_labels" in must and not any(row.label in SHORT_LABELS.values() for row in rows):
            if (row := first(lambda x: x.code in SHORT_LABELS and x.label is not None)) is not None:
                row.label = SHORT_LABELS[row.code]
        if "miscoded_labels" in must and (row := first(lambda x: x.code == "31" and x.label is not None)):
            row.label = MISCODED_LABELS["31"]
        if "label_in_level3" in must and (row := first(lambda x: x.label is not None and not x.late)):
            row.shift = "label_l3"
        if "label_on_empty_row" in must and not any(x.placeholder and x.code in ("12", "22", "31") for x in rows):
            if (row := first(lambda x: x.code in ("12", "22", "31") and x.label is not None and not x.placeholder)):
                rows.insert(next(k for k, x in enumerate(rows) if x is row), _Row(row.level1, row.code, label=row.label, placeholder=True))
                row.label, row.shift = None, ""
        for row in rows:
            if (row is not _BREAK and row.label is None and not row.placeholder and r.random() < q.name_in_level2
                    and not _LABEL_LIKE.match(row.name.replace(" ", ""))):
                row.shift = "name_l2"
        if "name_in_level2" in must and not any(x.shift == "name_l2" for x in rows):
            if (row := first(lambda x: x.label is None and not x.placeholder
                             and not _LABEL_LIKE.match(x.name.replace(" ", "")))):
                row.shift = "name_l2"
        if self.q.drift:
            for row in rows:
                if row is not _BREAK and not row.shift and not row.placeholder and r.random() < q.drift / 10:
                    row.shift = "right"
        # A page break: never inside the late-cost run, which has its own.
        if len(rows) >= 12 and self.on(i, "page_breaks") or "label_after_break" in must or "page_breaks" in must:
            ok = [b for b in range(2, len(rows) - 1)
                  if rows[b - 1] is not _BREAK and rows[b] is not _BREAK and not rows[b].late
                  and not (rows[b - 1].late and rows[b].late) and not rows[b].placeholder]
            again = [b for b in ok if rows[b].label is None and not rows[b].shift]
            if "label_after_break" in must and again:
                ok = again
            if ok:
                b = r.choice(ok)
                after = rows[b]
                if (after.label is None and not after.shift
                        and ("label_after_break" in must or r.random() < q.label_after_break)):
                    # the group's label printed again, as it was printed above the break
                    after.label = next((x.label for x in rows[:b] if x.code == after.code and x.label),
                                       LABELS[after.code])
                before = rows[b - 1]
                if before.label is None and not before.placeholder and not before.shift and r.random() < 0.3 \
                        and not _LABEL_LIKE.match(before.name.replace(" ", "")):
                    before.shift = "name_l2"
                rows.insert(b, _BREAK)
        return rows

    # -- rendering --------------------------------------------------------------------

    def _render(self, t: _Table) -> list[str]:
        r = self.rng
        out = ["\t".join(row + [""] * t.trail) for row in self._fund_rows(t)]
        goal = t.goal
        if self.on(t.seq - 1, "goal_html"):
            goal = f"<p>{goal}</p>"
        if self.on(t.seq - 1, "goal_below"):
            out += ["", t.style["goal"], "", goal, ""]
        elif t.family in (0, 1, 3):
            out.append("\t".join([t.style["goal"], goal, "", ""] + [""] * t.trail))
        else:
            out.append("\t".join([t.style["goal"], "", goal, ""] + [""] * t.trail))
        drift = self.q.drift > 0
        gap, trail = r.choice((0, 1)), r.choice((0, 1))
        out.append("\t".join(["一级指标", "二级指标", "三级指标"] + [""] * gap + ["指标值"] + [""] * trail))
        for row in t.rows:
            if row is _BREAK:
                out.append("")
                if drift and r.random() < 0.5:
                    gap, trail = r.choice((0, 1, 2)), r.choice((0, 1))
                continue
            out.append("\t".join(self._cells(row, gap, trail)))
        return out

    @staticmethod
    def _cells(row: _Row, gap: int, trail: int) -> list[str]:
        l1, lab, g, tr = LEVEL1[row.level1], row.label or "", [""] * gap, [""] * trail
        if row.placeholder:
            return [l1, "", lab, "", ""] if row.shift == "label_l3" else [l1, lab, "", *g, "", *tr]
        if row.shift == "label_l3":
            return [l1, "", lab, row.name, *g, row.value, *tr]
        if row.shift == "name_l2":
            return [l1, row.name, *g, row.value, *tr]
        if row.shift == "right":
            return [l1, lab, "", row.name, row.value]
        return [l1, lab, row.name, *g, row.value, *tr]

    def _fund_rows(self, t: _Table) -> list[list[str]]:
        """Header rows and the fund grid in one of the seed's layout families."""
        s, c = t.style, t.style["c"]
        a = {f: amount_text(v) for f, v in t.cents.items()}
        g = a.get
        T, A, own, tr = a["total"], g("annual_total", ""), g("own_level_total", ""), g("transfer_total", "")
        fisc, other, carry = g("fiscal_appropriation", ""), g("other_funds", ""), g("carryover", "")
        cent, reg = g("central_funds", ""), g("regional_funds", "")
        dept = f"{self.dept}-{self.dept_name}"
        unit = f"{t.unit[0]}-{t.unit_printed}" if t.unit else ""
        period, attr, trans, rl = t.period or "", t.attr_printed, s["trans"], s["reg"]
        f = t.family
        if f == 0:  # numbers right of their labels (seed lines 11-19)
            p = [""] * t.pad
            name_row = ["项目名称", "", t.name, ""] if self.rng.random() < 0.6 else ["项目名称", t.name, ""]
            return [name_row, ["主管部门", *p, dept, "实施单位", *p, unit],
                    ["项目属性", *p, attr, "项目期", *p, period],
                    ["项目总额", *p, T, f"其中{c}年度资金总额", *p, A],
                    [f"其中{c}本级资金", "资金总额", own, f"其中{c}{trans}", "资金总额", tr],
                    ["", f"其中{c}财政拨款", fisc, "", f"其中{c}中央资金", cent],
                    ["", "其他资金", other, "", rl, reg], ["", "结余结转资金", carry, "", "", ""]]
        head = [["项目名称", "", t.name, ""]]
        if f == 1:  # label and value in one cell (seed lines 49-57)
            return head + [["主管部门", "", dept, f"实施单位 {unit}".strip()],
                           ["项目属性", "", attr, f"项目期 {period}".strip()],
                           ["项目总额", "", T, f"其中{c}年度资金总额 {A}".strip()],
                           [f"其中{c}本级资金", "资金总额", own, f"其中{c}{trans}", "资金总额"],
                           ["", f"其中{c}财政拨款", fisc, "", f"其中{c}中央资金"],
                           ["", "其他资金", other, "", rl], ["", "结余结转资金", carry, "", ""]]
        if f == 3:  # transfer labels printed below, without numbers (seed lines 327-338)
            tail = self.rng.choice((
                [[f"其中{c}中央资金", "资金总额", "", f"其中{c}{rl}"], ["", f"其中{c}中央资金", "", ""], ["", rl, "", ""]],
                [["", "", "资金总额", ""], ["", "", f"其中{c}中央资金", ""], ["", "", rl, ""]],
                [[f"其中{c}中央资金", "", rl, ""]], [["", f"其中{c}中央资金", "", rl]],
                [["", "资金总额", "", f"其中{c}中央资金"], ["", "", "", rl]], []))
            return [["项目名称", t.name, "", ""], ["主管部门", dept, "实施单位", unit],
                    ["项目属性", attr, "项目期", period], ["项目总额", T, f"其中{c}年度资金总额", A],
                    [f"其中{c}本级资金", "资金总额", own, f"其中{c}{trans}"], ["", f"其中{c}财政拨款", fisc, ""],
                    ["", "其他资金", other, ""], ["", "结余结转资金", carry, ""]] + tail
        head += [["主管部门", "", dept, "实施单位", unit], ["项目属性", "", attr, "项目期", period],
                 ["项目总额", "", T, f"其中{c}年度资金总额", ""]]
        if f == 2:  # the left column with numbers beside it (seed lines 268-277)
            return head + [[f"其中{c}本级资金", "", own, f"其中{c}{trans}", ""], ["资金总额", "", own, "资金总额", ""],
                           [f"其中{c}财政拨款", "", fisc, f"其中{c}中央资金", ""], ["其他资金", "", other, rl, ""],
                           ["结余结转资金", "", carry, "", ""]]
        if f == 4:  # 项目总额 printed twice, the annual total under its label (seed 425-434, 797-806)
            again = ["项目总额", "", T, A, ""] if self.rng.random() < 0.6 else [f"其中{c}本级资金", "", own, A, ""]
            return head + [again, [f"其中{c}本级资金", "资金总额", own, f"其中{c}{trans}", "资金总额"],
                           ["", f"其中{c}财政拨款", fisc, "", f"其中{c}中央资金"], ["", "其他资金", other, "", rl],
                           ["", "结余结转资金", carry, "", ""]]
        if f == 5:  # transfers only, numbers below their labels (seed lines 592-602)
            return head + [[f"其中{c}本级资金", "", f"其中{c}{trans}", "", "资金总额"], ["", "", "", "", tr],
                           ["", "", "", "", f"其中{c}中央资金"], ["", "", "", "", cent], ["", "", "", "", rl],
                           ["", "", "", "", reg]]
        if f == 6:  # own funds, numbers below their labels (seed lines 857-867)
            rows = head + [[f"其中{c}本级资金", "", "资金总额", f"其中{c}中央资金", ""], ["", "", own, rl, ""],
                           ["", "", f"其中{c}财政拨款", self.rng.choice((f"其中{c}{trans}", trans)), ""]]
            for label, v in (("", fisc), ("其他资金", other), ("结余结转资金", carry)):
                rows += ([["", "", label, "", ""]] if label else []) + ([["", "", v, "", ""]] if v else [])
            return rows
        # f == 7: no transfer header; central and regional labels on the right (seed 1052-1060)
        return head + [[f"其中{c}本级资金", "", own, f"其中{c}中央资金", ""],
                       [f"其中{c}财政拨款", "", fisc, f"其中{c}{rl.replace(' ', '')}", ""],
                       ["其他资金", "", other, "", ""], ["结余结转资金", "", carry, "", ""]]

    def _truth(self, t: _Table) -> dict[str, Any]:
        carry_marker = re.search(r"(上年结转|(\d{4})年结转)", t.name)
        funds = t.cents.get("carryover", 0) > 0
        from_year = None
        if carry_marker:
            from_year = int(carry_marker.group(2)) if carry_marker.group(2) else self.year - 1
        elif funds:
            from_year = self.year - 1
        return {
            "seq": t.seq,
            "name": t.name,
            "department": {"code": str(self.dept), "name": self.dept_name},
            "unit": None if t.unit is None else {"code": t.unit[0], "name": t.unit[1],
                                                  "printed_name": t.unit_printed},
            "attribute": {"code": t.attribute, "label": ATTRIBUTES[t.attribute], "printed": t.attr_printed},
            "period": t.period,
            "amounts": {f: (amount_text(t.cents[f]) if f in t.cents else None) for f in AMOUNT_FIELDS},
            "goal": t.goal,
            "carryover": {"is_carryover": bool(carry_marker) or funds, "from_year": from_year},
            "indicators": [{"level1": row.level1, "level2": row.code, "name": row.name, "value": row.value}
                           for row in t.rows if row is not _BREAK and not row.placeholder],
        }


__all__ = ["Quirks", "SyntheticDocument", "generate_document", "generate_corpus", "department_catalog",
           "ENCODINGS", "TRIPLES_PER_INDICATOR", "TRIPLES_PER_TABLE"]
