"""Villager representatives and the representatives' meeting (村民代表会议).

村民委员会组织法 第二十五条: one representative per 5–15 households (or several per group);
representatives at least 4/5 of the meeting; women at least 1/3 of it.
第二十六条: the meeting needs at least 2/3 of its members present.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from huanjie.core.arith import Share
from huanjie.core.count.model import Reason

LAW = "村民委员会组织法"
REPS_SHARE = Share(4, 5, strict=False)  # 五分之四以上
WOMEN_SHARE = Share(1, 3, strict=False)  # 三分之一以上
QUORUM_SHARE = Share(2, 3, strict=False)  # 三分之二以上


@dataclass(slots=True)
class AssemblyCheck:
    representatives_min: int
    representatives_max: int
    meeting_size: int
    women_needed: int
    quorum: int
    ok: bool
    reasons: list[Reason] = field(default_factory=list)


def check_assembly(
    *, households: int, committee_members: int, representatives: int, women: int
) -> AssemblyCheck:
    """Check a representatives' meeting against 第二十五条 and give its 第二十六条 quorum."""
    lo, hi = -(-households // 15), households // 5
    size = committee_members + representatives
    reasons: list[Reason] = []
    ok = True
    if not lo <= representatives <= hi:
        ok = False
        reasons.append(
            Reason(
                "representatives_count",
                f"{LAW} 第二十五条第二款",
                f"{households} 户按每五户至十五户推选一人，应为 {lo}–{hi} 人，"
                f"现为 {representatives} 人",
                "error",
            )
        )
    if not REPS_SHARE.met(representatives, size):
        ok = False
        reasons.append(
            Reason(
                "representatives_share",
                f"{LAW} 第二十五条第一款",
                f"村民代表 {representatives} 人应占会议组成人员 {size} 人的五分之四以上"
                f"（{REPS_SHARE.formula(representatives, size)}）",
                "error",
            )
        )
    if not WOMEN_SHARE.met(women, size):
        ok = False
        reasons.append(
            Reason(
                "women_share",
                f"{LAW} 第二十五条第一款",
                f"妇女村民代表 {women} 人，应占 {size} 人的三分之一以上，"
                f"即至少 {WOMEN_SHARE.least(size)} 人",
                "error",
            )
        )
    return AssemblyCheck(
        lo, hi, size, WOMEN_SHARE.least(size), QUORUM_SHARE.least(size), ok, reasons
    )
