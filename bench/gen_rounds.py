"""Deterministic generator of large ballot-level rounds (huanjie.round/1).

A village election with five posts on one ballot — 主任 (1 seat), 副主任 (1), 委员 (2),
妇女委员 (1) — so five names can be chosen; realistic mixes of blank sections, write-ins,
over-marked and unreadable ballots.
"""

from __future__ import annotations

import json
import random
import sys
from typing import Any

POSTS = [
    ("主任", 1, ["王建国", "李卫东", "赵德明"]),
    ("副主任", 1, ["张志强", "陈美华", "孙立平"]),
    ("委员", 2, ["刘海波", "杨立新", "吴春生", "郑国华", "何伟"]),
    ("妇女委员", 1, ["周秀英", "徐丽娟", "马桂兰"]),
]
WRITE_INS = [
    f"{s}{g}" for s in "黄林罗高梁谢宋唐许韩" for g in ("建军", "秀珍", "志刚", "海燕", "国强")
]


def ballot(rng: random.Random) -> dict[str, Any]:
    if rng.random() < 0.003:
        return {"unreadable": True}
    b: dict[str, Any] = {}
    for post, seats, names in POSTS:
        x = rng.random()
        if x < 0.04:
            continue  # blank section
        k = seats + (1 if x > 0.985 else 0)  # about 1.5% over-marked sections
        chosen = rng.sample(names, min(k, len(names)))
        section: dict[str, Any] = {"yes": chosen}
        if x < 0.07:
            section = {"yes": chosen[: seats - 1], "write_in": [rng.choice(WRITE_INS)]}
        b[post] = section
    return b


def make_round(n: int, seed: int = 1) -> dict[str, Any]:
    rng = random.Random(seed)
    ballots = [ballot(rng) for _ in range(n)]
    boxes = [("中心会场", n - n // 10 - n // 50), ("投票站", n // 10), ("流动票箱", n // 50)]
    return {
        "schema": "huanjie.round/1",
        "profile": "village/zhejiang",
        "kind": "regular",
        "electorate": n + n // 3,
        "present": n,
        "issued": n,
        "boxes": [{"name": b, "voters": c, "issued": c, "collected": c} for b, c in boxes],
        "posts": [
            {"name": p, "seats": s, **({"women_only": True} if p == "妇女委员" else {})}
            for p, s, _ in POSTS
        ],
        "candidates": [
            {"name": c, "post": p, "sex": "F" if p == "妇女委员" else "M"}
            for p, _, names in POSTS
            for c in names
        ],
        "ballots": ballots,
    }


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    json.dump(make_round(count), sys.stdout, ensure_ascii=False, separators=(",", ":"))
