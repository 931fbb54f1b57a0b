"""Benchmark: printing the public voter list of a 5,000-voter village and 5,000 voter cards.

Generates a deterministic village (names from ``bench_names.make_names``, ten villager groups,
masked ID numbers, the three registration categories, a note on one voter in ten), then times
:func:`huanjie.printing.voter_list_notice` and :func:`huanjie.printing.voter_cards` (QR mask
chosen per card, as the standard asks, and fixed with ``qr_mask=0``). Prints JSON.

Usage: python bench/bench_printing.py [--voters 5000] [--cards 5000] [--repeat 3]
                                      [--only list|cards] [--out DIR]  (DIR: keep the PDFs)
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
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", choices=("list", "cards"))
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
    result["python"] = platform.python_version()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
