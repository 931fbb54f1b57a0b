"""Household registers (户籍人口登记表) of the demonstration villages, made up but plausible.

Families by household: a head born 1940–1990, a spouse, children (the youngest under 18,
so not voters), now and then a widowed parent; a few villagers registered here but working
elsewhere who said they will vote (第二类), and a few people living in the village for years
without household registration whom the villagers' representative meeting admitted
(第三类). Each village has its two or three common surnames. ID numbers are well-formed
(GB 11643-1999: birth date, sex digit, check character) with the demonstration county's
code, so they belong to nobody.

Pure and deterministic: the same village and seed always give the same register. Standard
library only; :func:`register_csv` writes what a village clerk's spreadsheet exports, and
``qingshan-register.xlsx`` beside this file is :func:`qingshan` as a workbook
(regenerate it with ``python -m tests.e2e.make_register``).
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

#: The county code of the demonstration county (示范县) in every ID number.
COUNTY_CODE = "330599"
#: Columns as village clerks title them (the roll import matches these and their variants).
HEADER = (
    "序号",
    "村民小组",
    "户号",
    "姓名",
    "性别",
    "出生日期",
    "公民身份号码",
    "住址",
    "登记类别",
    "本人表示参加选举",
    "居住起始日期",
    "同意文号",
)
#: The sample register a new user uploads for 青山村 (bundled beside this module).
QINGSHAN_FILE = "qingshan-register.xlsx"
QINGSHAN_TITLE = "青山村户籍人口登记表"
QINGSHAN_GROUPS = (
    "第一村民小组",
    "第二村民小组",
    "第三村民小组",
    "第四村民小组",
    "第五村民小组",
    "第六村民小组",
)
ELECTION_DAY = date(2026, 12, 20)

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"

#: Common surnames of Zhejiang villages; each village draws most people from a few of them.
SURNAMES = (
    "王", "陈", "张", "李", "吴", "周", "徐", "朱", "金", "胡", "黄", "杨", "何", "林",
    "郑", "叶", "应", "楼", "俞", "蒋", "潘", "方", "吕", "施", "童", "钱", "毛", "郭",
    "沈", "陆", "章", "傅", "孙", "赵", "刘", "邵",
)  # fmt: skip
_MALE_OLD = (
    "建国", "建华", "国强", "志强", "卫东", "立新", "德明", "荣华", "春生", "金水", "根富",
    "土根", "永康", "国平", "水根", "炳荣", "忠良", "振华", "友良", "福林", "长寿", "正国",
    "光明", "有才", "树林", "新民", "文龙", "仁德",
)  # fmt: skip
_MALE_MID = (
    "伟", "军", "勇", "海波", "斌", "磊", "杰", "鹏", "晓东", "宏伟", "文斌", "建军",
    "小龙", "俊", "浩", "明", "亮", "剑", "峰", "小平", "志刚", "海军", "红兵", "建新",
    "晓明", "立军", "伟民", "卫国",
)  # fmt: skip
_MALE_NEW = (
    "子轩", "浩然", "一鸣", "宇航", "天宇", "思远", "博文", "嘉诚", "俊杰", "家豪",
    "梓豪", "宇轩", "皓轩", "铭泽", "睿", "晨阳", "奕辰", "明轩", "泽宇", "子墨",
)  # fmt: skip
_FEMALE_OLD = (
    "秀英", "桂英", "玉兰", "月娥", "金花", "素琴", "爱华", "彩凤", "菊香", "美娟",
    "秀珍", "凤英", "翠花", "兰英", "雪娥", "杏花", "小妹", "巧云", "玉珍", "阿娟",
)  # fmt: skip
_FEMALE_MID = (
    "美华", "丽娟", "小红", "春燕", "雪梅", "海燕", "丽", "芳", "静", "敏", "艳", "霞",
    "丽萍", "晓燕", "彩霞", "红梅", "慧", "颖", "燕", "琴", "丽华", "建英", "亚芬",
    "雅琴", "素芬", "小燕",
)  # fmt: skip
_FEMALE_NEW = (
    "佳怡", "欣怡", "梓涵", "诗琪", "雨桐", "婷", "思彤", "可馨", "雨欣", "紫萱", "一诺",
    "语嫣", "佳琪", "梦瑶", "心怡", "若曦", "欣妍", "晨曦", "子涵", "沐晴",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Villager:
    """One row of a household register."""

    group: str
    household_no: str
    name: str
    sex: str  # "M" or "F"
    birth_date: date
    id_number: str
    address: str
    category: str  # "1", "2" or "3" (村民委员会组织法 第十三条第二款 第一至三项)
    opted_in: bool = False
    residence_since: date | None = None
    consent_ref: str = ""

    def cells(self, number: int) -> list[object]:
        """The row's cells in :data:`HEADER` order (dates as dates, the rest as text)."""
        return [
            number,
            self.group,
            self.household_no,
            self.name,
            "男" if self.sex == "M" else "女",
            self.birth_date,
            self.id_number,
            self.address,
            self.category,
            "是" if self.opted_in else "",
            self.residence_since or "",
            self.consent_ref,
        ]


def id_number(birth: date, seq: int, county: str = COUNTY_CODE) -> str:
    """A well-formed 18-character number: county, birth date, 3-digit sequence (odd for a
    man), check character (ISO 7064 MOD 11-2)."""
    first17 = f"{county}{birth:%Y%m%d}{seq:03d}"
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return first17 + _CHECK[total % 11]


class _Maker:
    def __init__(self, village: str, groups: Sequence[str], seed: int, election_day: date):
        self.village = village
        self.groups = list(groups)
        self.rng = random.Random(f"{village}/{seed}")
        self.election_day = election_day
        self.seed = seed
        self.count = 0
        self.names: set[str] = set()
        common = self.rng.sample(SURNAMES, 3)
        self.surnames = common * 6 + list(SURNAMES)

    def _given(self, sex: str, born: int) -> str:
        pool: tuple[str, ...]
        if sex == "M":
            pool = _MALE_OLD if born < 1968 else _MALE_MID if born < 1995 else _MALE_NEW
        else:
            pool = _FEMALE_OLD if born < 1968 else _FEMALE_MID if born < 1995 else _FEMALE_NEW
        return self.rng.choice(pool)

    def _name(self, surname: str, sex: str, born: int) -> str:
        # Villages do have namesakes, but the demonstration keeps names unique in a village
        # so that a name typed on a page finds one person.
        for _ in range(50):
            name = surname + self._given(sex, born)
            if name not in self.names:
                self.names.add(name)
                return name
        name = surname + self._given(sex, born) + self.rng.choice("华明英平")
        self.names.add(name)
        return name

    def _birth(self, year: int) -> date:
        return date(year, 1, 1) + timedelta(days=self.rng.randrange(365))

    def person(
        self,
        household: tuple[str, str, str],
        surname: str,
        sex: str,
        year: int,
        residence_since: date | None = None,
        consent_ref: str = "",
    ) -> Villager:
        group, number, address = household
        birth = self._birth(year)
        # Unique in the village (one sequence per person) and odd for men, even for women.
        seq = ((self.seed * 131 + self.count) % 499) * 2 + (1 if sex == "M" else 0)
        self.count += 1
        return Villager(
            group=group,
            household_no=number,
            name=self._name(surname, sex, birth.year),
            sex=sex,
            birth_date=birth,
            id_number=id_number(birth, seq),
            address=address,
            category="1",
            residence_since=residence_since,
            consent_ref=consent_ref,
        )

    def household(self, index: int) -> list[Villager]:
        rng = self.rng
        group = self.groups[index % len(self.groups)]
        house = (
            group,
            f"{self.seed:02d}{index + 1:04d}",
            f"{self.village}{group}{index // len(self.groups) + 1}号",
        )
        surname = rng.choice(self.surnames)
        head_year = rng.randint(1942, 1990)
        head_sex = "M" if rng.random() < 0.85 else "F"
        people = [self.person(house, surname, head_sex, head_year)]
        family = surname  # children take the father's surname
        if rng.random() < 0.88:
            other = "F" if head_sex == "M" else "M"
            year = min(head_year + rng.randint(-2, 4), 1992)
            spouse_surname = rng.choice(self.surnames)
            people.append(self.person(house, spouse_surname, other, year))
            if other == "M":
                family = spouse_surname
        for _ in range(rng.choice((0, 1, 1, 2, 2, 2, 3))):
            year = head_year + rng.randint(22, 34)
            if year > self.election_day.year - 1:
                continue
            child_sex = "M" if rng.random() < 0.52 else "F"
            child = self.person(house, family, child_sex, year)
            if child.birth_date.year <= 2000 and rng.random() < 0.12:
                # Works in a city; registered here and said they will vote (第二类).
                child = replace(child, category="2", opted_in=True)
            people.append(child)
        if head_year > 1965 and rng.random() < 0.15:
            people.append(
                self.person(house, rng.choice(self.surnames), "F", head_year - rng.randint(22, 28))
            )
        return people

    def newcomers(self, n: int) -> list[Villager]:
        """People living in the village without household registration whom the
        representative meeting admitted (第三类)."""
        out = []
        for k in range(n):
            group = self.groups[k % len(self.groups)]
            house = (group, f"{self.seed:02d}9{k + 1:03d}", f"{self.village}{group}租住{k + 1}号")
            sex = "M" if k % 2 == 0 else "F"
            since = date(
                self.election_day.year - self.rng.randint(2, 8), self.rng.randint(1, 12), 1
            )
            out.append(
                self.person(
                    house,
                    self.rng.choice(SURNAMES),
                    sex,
                    self.rng.randint(1970, 1995),
                    residence_since=since,
                    consent_ref=f"{self.village}村民代表会议〔{self.election_day.year}〕2号",
                )
            )
        return [replace(v, category="3") for v in out]


def villagers(
    village: str,
    groups: Sequence[str],
    *,
    households: int,
    seed: int,
    election_day: date = ELECTION_DAY,
    newcomers: int = 2,
) -> list[Villager]:
    """The register of one village: ``households`` families over its villager groups, and
    ``newcomers`` admitted residents. Seeds keep villages' ID numbers apart."""
    maker = _Maker(village, groups, seed, election_day)
    rows = [p for i in range(households) for p in maker.household(i)]
    rows += maker.newcomers(newcomers)
    return rows


def register_csv(rows: Sequence[Villager], title: str = "") -> bytes:
    """The register as a CSV file (UTF-8 with the byte-order mark Excel writes)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if title:
        writer.writerow([title])
    writer.writerow(HEADER)
    for n, v in enumerate(rows, start=1):
        writer.writerow([c.isoformat() if isinstance(c, date) else c for c in v.cells(n)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def voters_on(rows: Sequence[Villager], election_day: date) -> list[Villager]:
    """Those of ``rows`` who are 18 on election day (the rest are on the register, not the
    roll); every generated person is otherwise eligible."""
    return [
        v
        for v in rows
        if (election_day.year - v.birth_date.year)
        - ((election_day.month, election_day.day) < (v.birth_date.month, v.birth_date.day))
        >= 18
    ]


def qingshan() -> list[Villager]:
    """The register of 青山村, the village a new user takes through the demonstration
    (bundled as :data:`QINGSHAN_FILE`)."""
    return villagers("青山村", QINGSHAN_GROUPS, households=110, seed=1)
