"""Benchmark: printing the public voter list of a 5,000-voter village, 5,000 voter cards and
2,000 ballots.

Generates a deterministic village (names from ``bench_names.make_names``, ten villager groups,
masked ID numbers, the three registration categories, a note on one voter in ten), then times
:func:`huanjie.printing.voter_list_notice` and :func:`huanjie.printing.voter_cards` (QR mask
chosen per card, as the standard asks, and fixed with ``qr_mask=0``), and
:func:`huanjie.printing.ballots.ballots` for a Zhejiang-style ballot (主任, 副主任, 妇女委员,
委员 ×2; nine candidates, five write-in spaces; serial and QR code on every sheet). Prints JSON.

Usage: python bench/bench_printing.py [--voters 5000] [--cards 5000] [--ballots 2000]
                                      [--repeat 3] [--only list|cards|ballots]
                                      [--out DIR]  (DIR: keep the PDFs)
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import re
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from bench_names import make_names
from huanjie.printing import (
    RegistrationCategory,
    Voter,
    VoterCard,
    VoterCardBatch,
    VoterGroup,
    VoterListNotice,
    voter_cards,
    voter_list_notice,
)
from huanjie.printing.ballots import BallotDesign, BallotPost, BallotRun, ballots

GROUPS = [f"第{n}村民小组" for n in "一二三四五六七八九十"]
NOTES = ("在杭州务工，本人书面表示参加选举", "外出经商", "经村民代表会议同意", "服兵役")


def village(n: int, seed: int = 20270320) -> VoterListNotice:
    rng = random.Random(seed)
    names = make_names(n, seed)
    categories = [RegistrationCategory.RESIDENT] * 17 + [
        RegistrationCategory.ABSENT_OPTED_IN,
        RegistrationCategory.ABSENT_OPTED_IN,
        RegistrationCategory.NONRESIDENT_ADMITTED,
    ]
    voters = [
        Voter(
            name=name,
            sex=rng.choice("男女"),
            birth=date(rng.randint(1930, 2009), rng.randint(1, 12), 1),
            id_masked=f"330523********{rng.randrange(10_000):04d}",
            category=rng.choice(categories),
            note=rng.choice(NOTES) if rng.random() < 0.1 else "",
        )
        for name in names
    ]
    per = -(-n // len(GROUPS))
    return VoterListNotice(
        title="青山村第十二届村民委员会选举选民名单",
        committee="青山村村民选举委员会",
        published=date(2027, 2, 26),
        election_day=date(2027, 3, 20),
        groups=[
            VoterGroup(name=g, voters=voters[i * per : (i + 1) * per]) for i, g in enumerate(GROUPS)
        ],
    )


def cards(n: int, seed: int = 20270320) -> VoterCardBatch:
    names = make_names(n, seed)
    return VoterCardBatch(
        village="青山村",
        election="青山村第十二届村民委员会选举",
        committee="青山村村民选举委员会",
        election_day=date(2027, 3, 20),
        place="青山村文化礼堂（中心会场）",
        hours="上午7:30至12:00",
        cards=[
            VoterCard(
                name=name,
                group=GROUPS[i % len(GROUPS)],
                serial=f"QS-2027-{i + 1:06d}",
                qr_payload=f"QS-2027-{i + 1:06d}.{(i * 2654435761) % 16**16:016x}",
            )
            for i, name in enumerate(names)
        ],
    )


def ballot_design(seed: int = 20270320) -> BallotDesign:
    names = make_names(9, seed)
    return BallotDesign(
        title="青山村第十二届村民委员会选举选票",
        subtitle="第1轮　正式选举　2027年3月20日（星期六）",
        committee="青山村村民选举委员会",
        election="12",
        round_number=1,
        serial_prefix="0012-1-",
        order_note="按姓名笔画排序",
        posts=[
            BallotPost(key="chair", name="主任", seats=1, candidates=names[0:2]),
            BallotPost(key="vice_chair", name="副主任", seats=1, candidates=names[2:4]),
            BallotPost(
                key="women_member", name="妇女委员", seats=1, candidates=names[4:6], women_only=True
            ),
            BallotPost(key="member", name="委员", seats=2, candidates=names[6:9]),
        ],
        instructions=[
            "一、本选票选举主任1名、副主任1名、妇女委员1名、委员2名。每一职务所选人数（含另选他人）"
            "等于或者少于应选名额的有效；任何一个职务多于应选名额的，整张选票无效。",
            "二、赞成的，在候选人姓名下方的空格内划“○”；不赞成的，划“×”；弃权的，不划任何符号。",
            "三、另选他人的，在“另选他人”栏内写上另选人的姓名，并在其下方的空格内划“○”；"
            "只写姓名不划“○”的，不计票。",
            "四、同一人不得在两个以上职务中同时划“○”，否则整张选票无效。",
            "五、妇女委员只能选妇女。",
            "六、请用黑色或者蓝色的钢笔、签字笔填写，符号要清楚，不得涂改。",
        ],
    )


def best_of(repeat: int, fn: Callable[[], bytes]) -> tuple[float, float, bytes]:
    """Best wall-clock time and best CPU time of ``repeat`` runs (CPU time is what a busy
    machine does not inflate), and the last result."""
    walls, cpus = [], []
    data = b""
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        data = fn()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return min(walls), min(cpus), data


def pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page(?![a-z])", pdf))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--voters", type=int, default=5000)
    ap.add_argument("--cards", type=int, default=5000)
    ap.add_argument("--ballots", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", choices=("list", "cards", "ballots"))
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()

    result: dict[str, object] = {}
    t0 = time.perf_counter()
    voter_list_notice(village(20))  # registers the font, warms caches
    result["font_load_s"] = round(time.perf_counter() - t0, 4)

    if args.only in (None, "list"):
        notice = village(args.voters)
        seconds, cpu, pdf = best_of(args.repeat, lambda: voter_list_notice(notice))
        result |= {
            "voters": args.voters,
            "voter_list_s": round(seconds, 3),
            "voter_list_cpu_s": round(cpu, 3),
            "voter_list_pages": pages(pdf),
            "voter_list_mb": round(len(pdf) / 1e6, 2),
            "voters_per_s": int(args.voters / seconds),
        }
        if args.out:
            (args.out / "voter_list.pdf").write_bytes(pdf)
    if args.only in (None, "cards"):
        batch = cards(args.cards)
        seconds, cpu, pdf = best_of(args.repeat, lambda: voter_cards(batch))
        fixed, fixed_cpu, pdf_fixed = best_of(args.repeat, lambda: voter_cards(batch, qr_mask=0))
        result |= {
            "cards": args.cards,
            "cards_s": round(seconds, 3),
            "cards_cpu_s": round(cpu, 3),
            "cards_fixed_mask_s": round(fixed, 3),
            "cards_fixed_mask_cpu_s": round(fixed_cpu, 3),
            "cards_pages": pages(pdf),
            "cards_mb": round(len(pdf) / 1e6, 2),
            "cards_per_s": int(args.cards / seconds),
            "cards_fixed_mask_per_s": int(args.cards / fixed),
        }
        if args.out:
            (args.out / "voter_cards.pdf").write_bytes(pdf)
            (args.out / "voter_cards_mask0.pdf").write_bytes(pdf_fixed)
    if args.only in (None, "ballots"):
        run = BallotRun(design=ballot_design(), first=1, last=args.ballots)
        seconds, cpu, pdf = best_of(args.repeat, lambda: ballots(run))
        fixed, fixed_cpu, pdf_fixed = best_of(args.repeat, lambda: ballots(run, qr_mask=0))
        result |= {
            "ballots": args.ballots,
            "ballots_s": round(seconds, 3),
            "ballots_cpu_s": round(cpu, 3),
            "ballots_fixed_mask_s": round(fixed, 3),
            "ballots_fixed_mask_cpu_s": round(fixed_cpu, 3),
            "ballots_pages": pages(pdf),
            "ballots_mb": round(len(pdf) / 1e6, 2),
            "ballots_per_s": int(args.ballots / seconds),
            "ballots_per_cpu_s": int(args.ballots / cpu),
            "ballots_fixed_mask_per_s": int(args.ballots / fixed),
            "ballots_fixed_mask_per_cpu_s": int(args.ballots / fixed_cpu),
        }
        if args.out:
            (args.out / "ballots.pdf").write_bytes(pdf)
            (args.out / "ballots_mask0.pdf").write_bytes(pdf_fixed)
    result["python"] = platform.python_version()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
