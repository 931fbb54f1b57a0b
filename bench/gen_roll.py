"""Generate a realistic household register (户籍登记表) as an xlsx file for the roll benchmark.

    .venv/bin/python bench/gen_roll.py OUT.xlsx [--n 200000] [--seed 20261121]

Deterministic (``random.Random(seed)``). One sheet, a title row above the header (as
village clerks make them), then one row per person: 序号, 村民小组, 户号, 姓名, 性别, 民族,
出生日期 (a date cell), 公民身份号码 (text, valid check digit, birth date and sex agreeing
with the other columns), 住址, 登记类别, 是否外出, 本人表示参加选举, 居住起始日期, 同意文号,
剥夺政治权利. About a fifth of the people are under 18 on election day (a household
register lists children too); about 7% live away (category 2, opted in), 3% are
non-registered residents (category 3, most with the meeting's consent); a few are
deprived of political rights; about 1% of names are written in traditional characters.
Every row is valid, so the whole file imports.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date, timedelta
from pathlib import Path

import xlsxwriter

from huanjie.core.roll.idcard import CHECK_CHARS, WEIGHTS

ELECTION_DAY = date(2026, 12, 20)
TODAY = date(2026, 11, 21)
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史"
    "陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂文辉建华国民志红海春晓玲云飞鹏波宇浩"
    "亮林斌峰东雪梅荣新凤琴欣颖佳俊鑫宏婷琳晨博雅慧欢莉清亚子玉兵永成德光小大立中少天正世"
    "长金家宝福振庆安卫忠元思嘉雨梦瑞泽轩睿琪涵萱怡悦"
)
TRADITIONAL = ("張偉", "劉芳", "陳靜", "楊麗", "黃強", "趙軍", "吳豔", "孫傑", "鄭娟", "錢濤")
ETHNIC = ("汉族",) * 30 + ("畲族", "回族", "满族")
GROUPS = tuple(f"第{n}村民小组" for n in "一二三四五六七八九十") + tuple(
    f"第十{n}村民小组" for n in "一二三四五六七八九"
)
HEADER = (
    "序号",
    "村民小组",
    "户号",
    "姓名",
    "性别",
    "民族",
    "出生日期",
    "公民身份号码",
    "住址",
    "登记类别",
    "是否外出",
    "本人表示参加选举",
    "居住起始日期",
    "同意文号",
    "剥夺政治权利",
)
COUNTIES = ("330523", "330521", "330522", "330502", "330503")


def _with_check(first17: str) -> str:
    s = sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return first17 + CHECK_CHARS[s % 11]


def _name(rng: random.Random) -> str:
    if rng.random() < 0.01:
        return rng.choice(TRADITIONAL)
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def people(n: int, seed: int) -> list[tuple[object, ...]]:
    """The rows (without 序号), deterministic; IDs are unique."""
    rng = random.Random(seed)
    rows: list[tuple[object, ...]] = []
    seen: set[str] = set()
    household = 0
    group = GROUPS[0]
    for i in range(n):
        if i == 0 or rng.random() < 0.3:
            household += 1
            group = GROUPS[min(len(GROUPS) - 1, household * len(GROUPS) // max(1, n // 3))]
        minor = rng.random() < 0.2
        if minor:
            birth = TODAY - timedelta(days=rng.randrange(1, 18 * 365))
        else:
            birth = ELECTION_DAY - timedelta(days=rng.randrange(18 * 366, 95 * 365))
        while True:
            seq = rng.randrange(1000)
            first17 = f"{rng.choice(COUNTIES)}{birth:%Y%m%d}{seq:03d}"
            number = _with_check(first17)
            if number not in seen:
                seen.add(number)
                break
        sex = "女" if seq % 2 == 0 else "男"
        r = rng.random()
        category, away, opted, since, consent = "1", "否", "", None, ""
        if r < 0.07:
            category, away, opted = "2", "是", "是"
        elif r < 0.10:
            category = "3"
            since = max(birth, ELECTION_DAY - timedelta(days=rng.randrange(200, 4000)))
            consent = (
                f"青山村民代表会议〔2026〕{rng.randrange(1, 9)}号" if rng.random() < 0.9 else ""
            )
        deprived = "是" if rng.random() < 0.001 else ""
        rows.append(
            (
                group,
                f"H{household:06d}",
                _name(rng),
                sex,
                rng.choice(ETHNIC),
                birth,
                number,
                f"青山村{group}{rng.randrange(1, 300)}号",
                category,
                away,
                opted,
                since,
                consent,
                deprived,
            )
        )
    return rows


def write(path: Path, n: int, seed: int) -> None:
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("户籍登记表")
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    text_fmt = book.add_format({"num_format": "@"})
    sheet.write_string(0, 0, "青山村户籍人口登记表（2026年）")
    for col, title in enumerate(HEADER):
        sheet.write_string(1, col, title)
    for i, row in enumerate(people(n, seed), start=2):
        sheet.write_number(i, 0, i - 1)
        for col, value in enumerate(row, start=1):
            if value is None or value == "":
                continue
            if isinstance(value, date):
                sheet.write_datetime(i, col, value, date_fmt)
            else:
                sheet.write_string(i, col, str(value), text_fmt if col == 7 else None)
    book.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out", type=Path)
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=20261121)
    args = parser.parse_args(argv)
    write(args.out, args.n, args.seed)
    print(f"wrote {args.n} rows to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
