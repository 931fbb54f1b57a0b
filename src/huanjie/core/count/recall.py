"""Recall (罢免): whether a petition may start a recall, and whether the recall vote passed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from huanjie.core.arith import Share
from huanjie.core.count.model import Reason
from huanjie.core.count.parse import (
    InputError,
    ProfileResolver,
    count_field,
    read_header,
    reason_to_json,
)

RECALL_SCHEMA = "huanjie.recall/1"


@dataclass(frozen=True, slots=True)
class RecallInput:
    electorate: int
    signatures: int | None = None
    representatives: int | None = None
    representative_signatures: int | None = None
    participants: int | None = None
    approve: int | None = None


@dataclass(slots=True)
class RecallOutcome:
    profile: str
    petition_valid: bool | None
    vote_valid: bool | None
    recalled: bool | None
    reasons: list[Reason] = field(default_factory=list)


def decide_recall(
    rule: Mapping[str, Any], article: str, profile_id: str, r: RecallInput
) -> RecallOutcome:
    """Decide a recall petition and, where given, the recall vote."""
    out = RecallOutcome(profile=profile_id, petition_valid=None, vote_valid=None, recalled=None)
    e = r.electorate
    routes: list[tuple[bool, str]] = []
    petition: Share | None = rule["petition_share"]
    if petition is not None and r.signatures is not None:
        ok = petition.met(r.signatures, e)
        routes.append(
            (
                ok,
                f"联名选民 {r.signatures} 人，须{petition.describe()}"
                f"（至少 {petition.least(e)} 人；{petition.formula(r.signatures, e)}）",
            )
        )
    reps: Share | None = rule["representatives_share"]
    if (
        reps is not None
        and r.representatives is not None
        and r.representative_signatures is not None
    ):
        ok = reps.met(r.representative_signatures, r.representatives)
        routes.append(
            (
                ok,
                f"联名村民代表 {r.representative_signatures} 人，须{reps.describe()}"
                f"（共 {r.representatives} 人，至少 {reps.least(r.representatives)} 人）",
            )
        )
    minimum = rule["petition_min"]
    if minimum is not None and r.signatures is not None:
        routes.append(
            (r.signatures >= minimum, f"联名选民 {r.signatures} 人，须 {minimum} 人以上（含本数）")
        )
    if routes:
        out.petition_valid = any(ok for ok, _ in routes)
        out.reasons.append(
            Reason(
                "petition_valid" if out.petition_valid else "petition_insufficient",
                article,
                "；".join(text for _, text in routes)
                + ("：罢免要求成立" if out.petition_valid else "：联名人数不足，罢免要求不成立"),
                "info" if out.petition_valid else "error",
            )
        )
    if r.participants is None or r.approve is None:
        return out
    quorum: Share | None = rule["quorum_share"]
    if quorum is not None:
        out.vote_valid = quorum.met(r.participants, e)
        out.reasons.append(
            Reason(
                "recall_quorum_met" if out.vote_valid else "recall_quorum_not_met",
                article,
                f"参加投票 {r.participants} 人，登记选民 {e} 人，须{quorum.describe()}"
                f"（{quorum.formula(r.participants, e)}）",
                "info" if out.vote_valid else "error",
            )
        )
        if not out.vote_valid:
            out.recalled = False
            return out
    else:
        out.vote_valid = True
    passing: Share = rule["pass_share"]
    base = r.participants if rule["pass_base"] == "participants" else e
    who = "参加投票的选民" if rule["pass_base"] == "participants" else "原选区全体选民"
    out.recalled = passing.met(r.approve, base)
    out.reasons.append(
        Reason(
            "recalled" if out.recalled else "recall_failed",
            article,
            f"赞成罢免 {r.approve} 票，须{who} {base} 人的{passing.describe()}"
            f"（{passing.formula(r.approve, base)}）："
            + ("罢免通过" if out.recalled else "罢免未通过"),
            "info",
        )
    )
    return out


def parse_recall(data: object, resolve: ProfileResolver) -> RecallOutcome:
    """Parse ``huanjie.recall/1`` input and decide it."""
    data, profile = read_header(data, RECALL_SCHEMA, resolve)
    rule = profile.value("recall")
    if rule is None:
        raise InputError(
            "profile", f"规则 {profile.id} 不适用选民罢免程序：{profile.params['recall'].note}"
        )

    def opt(key: str) -> int | None:
        v = count_field(data, key, required=False)
        return None if v < 0 else v

    r = RecallInput(
        electorate=count_field(data, "electorate"),
        signatures=opt("signatures"),
        representatives=opt("representatives"),
        representative_signatures=opt("representative_signatures"),
        participants=opt("participants"),
        approve=opt("approve"),
    )
    if r.signatures is not None and r.signatures > r.electorate:
        raise InputError("signatures", f"联名人数 {r.signatures} 多于选民数 {r.electorate}")
    if r.participants is not None and r.participants > r.electorate:
        raise InputError("participants", f"参加投票 {r.participants} 多于选民数 {r.electorate}")
    if (r.participants is None) != (r.approve is None):
        raise InputError("approve", "participants 与 approve 须同时填写")
    if r.approve is not None and r.participants is not None and r.approve > r.participants:
        raise InputError("approve", f"赞成票 {r.approve} 多于参加投票人数 {r.participants}")
    if (r.representatives is None) != (r.representative_signatures is None):
        raise InputError(
            "representative_signatures", "representatives 与 representative_signatures 须同时填写"
        )
    return decide_recall(rule, profile.article("recall"), profile.id, r)


def recall_to_json(o: RecallOutcome) -> dict[str, Any]:
    return {
        "schema": "huanjie.recall_outcome/1",
        "profile": o.profile,
        "petition_valid": o.petition_valid,
        "vote_valid": o.vote_valid,
        "recalled": o.recalled,
        "reasons": [reason_to_json(r) for r in o.reasons],
    }
