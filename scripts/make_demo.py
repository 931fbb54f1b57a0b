"""Write the bundled demonstration election (run by hand; its output is committed).

A Zhejiang village, 第十二届村民委员会选举: 1,236 registered voters, three ballot boxes, one
ballot for 主任, 副主任, two 委员 and the separate 妇女委员 post (浙江 第二十一条第三款).
Ballots are drawn with a fixed seed so the file is the same on every machine.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src" / "huanjie" / "examples"

CANDIDATES = [
    ("王建国", "主任", "M"),
    ("李卫东", "主任", "M"),
    ("陈美华", "副主任", "F"),
    ("张志强", "副主任", "M"),
    ("刘海波", "委员", "M"),
    ("杨立新", "委员", "M"),
    ("吴春生", "委员", "M"),
    ("周秀英", "妇女委员", "F"),
    ("徐丽娟", "妇女委员", "F"),
]


def pick(rng: random.Random, options: list[tuple[str | None, float]]) -> str | None:
    x = rng.random()
    for name, p in options:
        if x < p:
            return name
        x -= p
    return None


def ballot(rng: random.Random) -> dict[str, object]:
    roll = rng.random()
    if roll < 0.004:
        return {"unreadable": True}
    b: dict[str, object] = {}
    chair = pick(rng, [("王建国", 0.71), ("李卫东", 0.25)])
    if chair:
        b["主任"] = {"yes": [chair]}
    vice = pick(rng, [("张志强", 0.60), ("陈美华", 0.36)])
    if vice:
        b["副主任"] = {"yes": [vice]}
    members = [
        n for n, w in (("刘海波", 0.78), ("杨立新", 0.66), ("吴春生", 0.42)) if rng.random() < w
    ]
    if len(members) > 2 and rng.random() < 0.9:
        members = members[:2]
    section: dict[str, object] = {"yes": members}
    if len(members) < 2 and rng.random() < 0.08:
        section["write_in"] = ["孙国庆"]
    if members or "write_in" in section:
        b["委员"] = section
    woman = pick(rng, [("周秀英", 0.47), ("徐丽娟", 0.44)])
    if woman:
        b["妇女委员"] = {"yes": [woman]}
    if roll > 0.997 and chair:
        b["委员"] = {"yes": [], "write_in": [chair]}  # one person for two posts: void in Zhejiang
    return b


def main() -> None:
    rng = random.Random(20261121)
    boxes = [("中心会场", 702, 702, 702), ("第二投票站", 118, 118, 118), ("流动票箱", 23, 23, 23)]
    ballots = [ballot(rng) for _ in range(sum(b[3] for b in boxes))]
    round1 = {
        "schema": "huanjie.round/1",
        "title": "浙江省安吉县天荒坪镇青山村第十二届村民委员会选举（演示数据）",
        "profile": "village/zhejiang",
        "kind": "regular",
        "electorate": 1236,
        "present": 843,
        "issued": 843,
        "boxes": [{"name": n, "voters": v, "issued": i, "collected": c} for n, v, i, c in boxes],
        "posts": [
            {"name": "主任", "seats": 1},
            {"name": "副主任", "seats": 1},
            {"name": "委员", "seats": 2},
            {"name": "妇女委员", "seats": 1, "women_only": True},
        ],
        "candidates": [{"name": n, "post": p, "sex": s} for n, p, s in CANDIDATES],
        "persons": [{"name": "孙国庆", "sex": "M"}],
        "ballots": ballots,
    }
    (OUT / "zhejiang-village-round1.json").write_text(
        json.dumps(round1, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    winners = [("王建国", "主任"), ("张志强", "副主任"), ("刘海波", "委员"), ("杨立新", "委员")]
    round2 = {
        "schema": "huanjie.round/1",
        "title": "青山村第十二届村民委员会选举 另行选举（妇女委员，演示数据）",
        "profile": "village/zhejiang",
        "kind": "additional",
        "electorate": 1236,
        "present": 781,
        "issued": 781,
        "collected": 781,
        "posts": [{"name": "妇女委员", "seats": 1, "women_only": True}],
        "candidates": [
            {"name": "周秀英", "post": "妇女委员", "sex": "F"},
            {"name": "徐丽娟", "post": "妇女委员", "sex": "F"},
        ],
        "elected_before": [{"name": n, "post": p, "sex": "M"} for n, p in winners],
        "totals": {"妇女委员": {"周秀英": 401, "徐丽娟": 339}},
        "invalid": 12,
    }
    (OUT / "zhejiang-village-round2.json").write_text(
        json.dumps(round2, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    sys.stdout.write(f"wrote {len(ballots)} ballots and the additional round\n")


if __name__ == "__main__":
    main()
