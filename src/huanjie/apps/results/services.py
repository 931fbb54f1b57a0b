"""Writes of the results part: deciding a counted round (``round_decide``) and creating the
round its outcome calls for (``next_round_create``). Each runs in one transaction with its
audit entry; refusals are :class:`ResultsError` (a ``ServiceError``) naming the field."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from huanjie.apps.audit.services import audit_record
from huanjie.apps.campaigns.services import User
from huanjie.apps.errors import ServiceError
from huanjie.apps.polling import services as polling
from huanjie.apps.polling.models import Round
from huanjie.apps.results import selectors
from huanjie.apps.results.models import RoundResult
from huanjie.core.rounds import STATE_LABELS, RoundState
from huanjie.core.rules import load_profile


class ResultsError(ServiceError):
    pass


def _uid(user: User) -> int | None:
    pk = getattr(user, "pk", None)
    return pk if isinstance(pk, int) else None


def round_decide(*, acting_user: User, round: Round, reason: str = "") -> RoundResult:
    """Decide a counted round and store the result frozen (round status counted → decided).

    The input is assembled by ``selectors.round_input`` (polling's figures, the count, earlier
    winners, declared near relatives), parsed and decided by the core, and stored with the
    outcome, the profile, who decided and when, and the SHA-256 of the canonical input.

    A round already decided may be decided again after its count was corrected (a recount),
    with a ``reason``: the new result supersedes the earlier one, which stays on record. This
    is refused once the next round has been created from the earlier result.
    """
    reason = " ".join(reason.split())
    if len(reason) > 300:
        raise ResultsError("理由不能超过300个字", "reason", "too_long")
    with transaction.atomic():
        r = Round.objects.select_for_update().select_related("election__area").get(pk=round.pk)
        current = selectors.result_for(r)
        state = RoundState(r.status)
        if state is RoundState.DECIDED or current is not None:
            if current is None:
                raise ResultsError("本轮状态为已确定，但没有保存的结果", "", "no_result")
            if not reason:
                raise ResultsError(
                    f"第{r.number}轮结果已经确定；计票更正后重新确定须说明理由",
                    "reason",
                    "reason_required",
                )
            if r.followups.exists():
                raise ResultsError(
                    f"已根据第{r.number}轮结果安排了下一轮投票，不能再重新确定本轮结果",
                    "",
                    "has_followup",
                )
        elif state is not RoundState.COUNTED:
            raise ResultsError(
                f"第{r.number}轮当前为“{STATE_LABELS[state]}”，计票完成后才能确定结果",
                "",
                "not_counted",
            )
        ok, problems = selectors.count_complete(r)
        if not ok:
            raise ResultsError("计票尚未完成：" + "；".join(problems), "", "count_incomplete")
        data = selectors.round_input(r)
        outcome = selectors.decide(data)
        digest = selectors.input_sha256(data)
        if current is not None and digest == current.input_sha256:
            raise ResultsError("计票数据与已确定的结果相同，无须重新确定", "reason", "unchanged")
        result = RoundResult.objects.create(
            round=r,
            input=data,
            outcome=outcome,
            profile_id=r.election.profile_id,
            input_sha256=digest,
            decided_by_id=_uid(acting_user),
            decided_at=timezone.now(),
            supersedes=current,
            reason=reason,
        )
        if state is RoundState.COUNTED:
            polling.round_mark_decided(
                acting_user=acting_user, round=r, note=f"选举结果已确定（{digest[:16]}）"
            )
        audit_record(
            acting_user=acting_user,
            action="results.round_decide",
            obj=result,
            area=r.election.area,
            before={"result": current.pk, "sha256": current.input_sha256} if current else None,
            after={
                "round": r.number,
                "kind": r.kind,
                "profile": r.election.profile_id,
                "sha256": digest,
                "valid": outcome["valid"],
                "next_round": outcome["next_round"],
                "elected": {p["name"]: p["elected"] for p in outcome["posts"]},
                "supersedes": current.pk if current else None,
                "reason": reason,
            },
        )
    return result


def next_round_create(*, acting_user: User, result: RoundResult, held_on: date) -> Round:
    """Create the round the result calls for, through ``polling.services.round_create``:
    a revote among the tied (票数相等的重新投票), an additional round (另行选举) for the seats
    left unfilled with the candidates in vote order (the women's post where the outcome keeps
    it), or a rerun of an invalid vote. An additional round is refused outside the profile's
    ``additional_window_days`` from election day (the same day is allowed)."""
    with transaction.atomic():
        res = RoundResult.objects.select_related("round__election__area").get(pk=result.pk)
        r = Round.objects.select_for_update().get(pk=res.round_id)
        if RoundResult.objects.filter(supersedes=res).exists():
            raise ResultsError("该结果已被重新确定的结果取代", "", "superseded")
        if r.followups.exists():
            follow = r.followups.order_by("number").first()
            raise ResultsError(f"已根据第{r.number}轮结果安排了{follow}", "", "has_followup")
        plan = selectors.next_round_plan(res)
        if plan is None:
            raise ResultsError(f"第{r.number}轮结果无须再投票", "", "nothing_follows")
        if plan.problems:
            raise ResultsError("；".join(plan.problems), "", "plan_incomplete")
        election = r.election
        profile = load_profile(election.profile_id)
        window = selectors.window(res, profile)
        if held_on < window.earliest:
            raise ResultsError(
                f"下一轮投票日期不能早于第{r.number}轮（{window.earliest.isoformat()}）",
                "held_on",
                "too_early",
            )
        if window.latest is not None and held_on > window.latest:
            raise ResultsError(
                f"另行选举应当在选举日（{election.election_day.isoformat()}）起"
                f"{profile.value('additional_window_days')}日内举行，最迟 "
                f"{window.latest.isoformat()}（{window.article}）",
                "held_on",
                "outside_window",
            )
        created = polling.round_create(
            acting_user=acting_user,
            election=election,
            kind=plan.kind,
            held_on=held_on,
            posts=plan.posts,
            candidates=plan.candidates,
            parent=r,
        )
        after: dict[str, Any] = {
            "round": created.number,
            "kind": created.kind,
            "step": plan.step,
            "held_on": held_on,
            "posts": plan.posts,
            "candidates": [c.get("label") or c["name"] for c in plan.candidates],
            "notes": plan.notes,
            "window": window.text(),
        }
        audit_record(
            acting_user=acting_user,
            action="results.next_round_create",
            obj=res,
            area=election.area,
            after=after,
        )
    return created
