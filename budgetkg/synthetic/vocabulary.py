"""The generator's words: the template's printed labels, small built-in word lists, the
names and values read from the seed at run time, and the fixed department catalogue."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

SEED_NAME = "000_aa5de0a37e870aea.txt"
ATTRIBUTES = {"01": "一次性项目", "0101": "一年期项目", "0102": "多年期错茬性项目", "02": "经常性项目",
              "03": "多年期延续性项目"}
LEVEL1 = {"1": "1-产出指标", "2": "2-效益指标", "3": "3-满意度指标",
          "4": "4-成本指标"}  # 4: the 2021 framework (成本指标 at level 1), printed only on request
LABELS = {"11": "11-数量指标", "12": "12-质量指标", "13": "13-时效指标", "14": "14-成本指标",
          "21": "21-经济效益", "22": "22-社会效益", "23": "23-生态效益", "24": "24-可持续影响",
          "31": "31-服务对象满意度",
          # the 2021 framework's level 2 under 成本指标 (the numbering is the generator's)
          "41": "41-经济成本指标", "42": "42-社会成本指标", "43": "43-生态环境成本指标"}
SHORT_LABELS = {"13": "13-时效", "21": "21-经济", "22": "22-社会", "23": "23-生态"}
MISCODED_LABELS = {"31": "1-服务对象满意度"}

TOPICS = (
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
# County-level places, after the cities in the catalogue: a corpus draws on them only once
# every city department has its years (about 13M triples), so smaller corpora are unchanged.
COUNTY_PLACES = ("永宁县", "贺兰县", "灵武市", "平罗县", "青铜峡市", "盐池县", "同心县", "中宁县")
UNIT_KINDS = ("服务中心", "指导中心", "事务中心", "信息中心", "研究院", "监测中心", "管理局", "考试院",
              "培训中心", "执法总队", "宣传中心", "评审中心")
ACTIVITIES = ("专项经费", "业务经费", "信息系统运行维护费", "培训费", "专项资金", "工作经费", "设备购置费",
              "宣传经费", "质保金", "能力提升项目", "监督检查经费", "标准化建设经费", "网络安全防护经费",
              "档案数字化经费", "业务人员培训费", "运行保障经费")
ITEMS = ("采购办公设备", "档案数字化处理", "网络专线租赁", "系统运行维护", "业务培训班", "政策宣传册印制",
         "专家评审", "第三方绩效评价", "监督检查", "信息系统等级保护测评", "办公用房维修", "数据中心维保服务",
         "统计调查", "技术服务", "业务会议组织", "执法装备购置")
NAMES = {
    "12": ("工作任务完成率", "验收合格率", "资金使用合规率", "系统正常运行率", "培训合格率", "设备完好率"),
    "13": ("项目完成时间", "资金支付进度", "完成时限", "培训完成时间", "按期完成率"),
    "21": ("节约运行成本", "带动就业", "提高工作效率"),
    "22": ("提升公共服务能力", "群众政策知晓率", "促进事业发展"),
    "23": ("减少纸质办公", "节能降耗"),
    "24": ("项目发挥作用的可持续性", "持续改善服务水平"),
    "31": ("群众满意度", "培训学员满意度", "使用人员满意度", "服务单位满意度"),
}
QUALITATIVE = {
    "12": ("运行良好", "合格", "确保", "有效促进"), "13": ("及时", "按时", "按月发放", "及时拨付"),
    "21": ("提升", "就业率增长", "有所提升"), "22": ("效果显著", "持续提升", "逐步提升", "有效促进"),
    "23": ("明显改善", "有所减少"), "24": ("长期", "持续促进", "持续改善", "可持续"), "31": ("满意",),
}
COUNT_UNITS = ("个", "人", "台", "本", "次", "项", "套", "场", "期", "批", "份", "册", "人次", "个班次", "年")
GOALS = ("保障各项工作顺利开展。", "提升公共服务能力和水平。", "确保资金使用安全、规范、有效。",
         "按照年初工作计划完成各项任务。")
# A level-3 name that reads like a level-2 label cannot be told from one: never use it.
LABEL_LIKE = re.compile(r"^\d{0,2}-?(服务对象满意度|满意度|数量|质量|时效|成本|经济|社会|生态|可持续)"
                        r"(效益指标|影响指标|指标|效益|影响)?$")
_DATE_LIKE = re.compile(r"\d{4}年|年底|月底|日前|月前|年内|以前")
_YEAR = re.compile(r"(20[12]\d)年")


@dataclass(frozen=True)
class Vocab:
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
def vocab() -> Vocab:
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
        if len(name) <= 40 and not LABEL_LIKE.match(name.replace(" ", "")):
            names.setdefault(group, []).append(name)
    return Vocab(
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
    voc = vocab()
    codes = [c for c in range(101, 1000) if c != voc.department[0]]
    random.Random(20220303).shuffle(codes)
    out = [voc.department]
    for place in _PLACES + COUNTY_PLACES:
        for topic, kind in TOPICS:
            name = place + topic + (kind if place == "自治区" else "局")
            if name != voc.department[1]:
                out.append((codes[len(out) - 1], name))
    return tuple(out)


def shift_years(text: str, delta: int, seed_year: int) -> str:
    """Move years near the seed's year by ``delta`` (a 2022 name in a 2023 document)."""
    if not delta:
        return text
    return _YEAR.sub(lambda m: f"{int(m.group(1)) + delta}年" if abs(int(m.group(1)) - seed_year) <= 2
                     else m.group(0), text)
