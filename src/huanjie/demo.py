"""``huanjie demo``: count the bundled example election and explain every decision."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any, TextIO

from huanjie.core.count import decide_round, outcome_to_json, parse_round
from huanjie.core.rules import load_profile

ROUNDS = ("zhejiang-village-round1.json", "zhejiang-village-round2.json")
_MARK = {"info": "✓", "warning": "!", "error": "✗"}
_NEXT = {
    "additional": "另行选举（不足名额）",
    "revote": "就票数相等的候选人重新投票",
    "rerun": "本次选举无效，重新选举",
    None: "选举结束，无需再次投票",
}


def _print_outcome(data: dict[str, Any], out: dict[str, Any], w: TextIO) -> None:
    b = out["ballots"]
    w.write(f"\n== {data['title']}\n")
    w.write(
        f"规则：{out['profile']}　登记选民 {data['electorate']} 人　收回选票 {b['collected']} 张"
        f"（有效 {b['valid']}，无效 {b['invalid']}）\n"
    )
    for r in out["reasons"]:
        w.write(f"  [{_MARK[r['level']]}] {r['text']}\n        依据：{r['article']}\n")
    for p in out["posts"]:
        w.write(f"\n  {p['name']}（应选 {p['seats']} 名；当选至少 {p['threshold']} 票）\n")
        for name, votes in p["votes"].items():
            tag = "当选" if name in p["elected"] else "重新投票" if name in p["revote"] else ""
            w.write(f"    {name:<6}{votes:>6} 票  {tag}\n")
        for r in p["reasons"]:
            w.write(f"    [{_MARK[r['level']]}] {r['text']}（{r['article']}）\n")
        if p["next_candidates"]:
            w.write(f"    → 另行选举候选人：{'、'.join(p['next_candidates'])}\n")
    w.write(
        f"\n  结论：{'选举有效' if out['valid'] else '选举无效'}；下一步：{_NEXT[out['next_round']]}\n"
    )


def run_demo(w: TextIO) -> int:
    """Decide both rounds of the example election and print them for a person to read."""
    w.write("huanjie 换届选举 演示：依法计票，每项决定注明法律依据\n")
    folder = resources.files("huanjie.examples")
    for name in ROUNDS:
        data = json.loads((folder / name).read_text(encoding="utf-8"))
        outcome = outcome_to_json(decide_round(parse_round(data, load_profile)))
        _print_outcome(data, outcome, w)
        w.write(f"  完整结果（JSON）：huanjie tally {folder / name}\n")
    w.write(
        "\n试一试：huanjie profiles；huanjie calendar --profile village/zhejiang "
        "--election-day 2026-03-28；echo 张三 | huanjie names sort --explain\n"
    )
    return 0
