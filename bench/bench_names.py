"""Benchmark: official stroke ordering of 100,000 names on one core.

Generates realistic names deterministically (common surnames weighted roughly
by frequency, one or two given-name characters from a list of common ones, a
few compound surnames, transliterated minority names and traditional
spellings), then times :func:`huanjie.core.names.stroke_sort`.  Prints JSON.

Usage: python bench/bench_names.py [--n 100000] [--seed 20240601] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import time

from huanjie.core.names import stroke_sort
from huanjie.core.names._table import table

# The most frequent surnames first (weights decrease down the list).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史"
    "陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟"
    "殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游"
)
COMPOUND = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐")
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英文辉建华国民志红海春晓玲云"
    "飞鹏波宇浩亮林斌峰东雪梅荣新凤琴欣颖佳俊鑫宏婷琳晨博雅慧欢莉清亚子玉兵永成德光"
    "小大一立中少天正世长金家宝福振庆安华卫忠元俊德思嘉雨梦晨瑞泽轩睿琪涵萱怡悦"
)
TRADITIONAL = ("張偉", "劉芳", "陳靜", "楊麗", "黃強", "趙軍", "吳豔", "孫傑", "鄭娟", "錢濤")
MINORITY = ("阿不都热依木·吾斯曼", "帕尔哈提·买买提", "艾尔肯·吐尼亚孜", "次仁顿珠", "巴特尔")


def make_names(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    weights = [1.0 / (i + 5) for i in range(len(SURNAMES))]
    surnames = rng.choices(SURNAMES, weights=weights, k=n)
    out: list[str] = []
    for sur in surnames:
        r = rng.random()
        if r < 0.01:
            out.append(rng.choice(TRADITIONAL))
            continue
        if r < 0.015:
            out.append(rng.choice(MINORITY))
            continue
        family = rng.choice(COMPOUND) if r < 0.02 else sur
        given = rng.choice(GIVEN) if rng.random() < 0.3 else rng.choice(GIVEN) + rng.choice(GIVEN)
        out.append(family + given)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--convention", choices=("surname", "fullname"), default="surname")
    args = ap.parse_args()

    names = make_names(args.n, args.seed)
    t0 = time.perf_counter()
    table()
    stroke_sort(names[:10], convention=args.convention)
    load = time.perf_counter() - t0

    runs = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        result = stroke_sort(names, convention=args.convention)
        runs.append(time.perf_counter() - t0)
    best = min(runs)
    print(
        json.dumps(
            {
                "names": len(names),
                "distinct_names": len(set(names)),
                "convention": args.convention,
                "load_seconds": round(load, 4),
                "sort_seconds_best": round(best, 4),
                "sort_seconds_median": round(sorted(runs)[len(runs) // 2], 4),
                "names_per_second": int(len(names) / best),
                "first": result[:3],
                "last": result[-3:],
                "python": platform.python_version(),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
