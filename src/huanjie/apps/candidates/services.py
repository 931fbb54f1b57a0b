"""Writes of the candidates part (one transaction and one audit entry each; a refused
operation changes nothing).

Nomination tallies are entered twice (``core.entry``); when a tally is definitive the core
(``core.count.nomination.decide_nomination``) decides the preliminary candidates by the
profile's 差额 rule. The same decision is taken again, with the people who withdrew or were
found unqualified barred, whenever the list changes: that is the back-fill (依次递补), and it
keeps the 差额 and women rules of the profile. Ties at a cut-off are never broken here: the
core's answer is a re-vote among the tied, which is its own tally.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from huanjie.apps.audit.services import audit_record
from huanjie.apps.campaigns.models import Election, Post
from huanjie.apps.campaigns.selectors import election_schedule, stage_is_open
from huanjie.apps.candidates import selectors
from huanjie.apps.candidates.models import (
    ACTIVE,
    Candidate,
    Department,
    Finding,
    NominationDecision,
    NominationRound,
    Nominee,
    Notice,
    Review,
    Status,
)
from huanjie.apps.committee.services import committee_member_nominated
from huanjie.apps.errors import ServiceError
from huanjie.apps.roll.models import Status as VoterStatus
from huanjie.apps.roll.models import Voter
from huanjie.core import entry
from huanjie.core.count.nomination import NominationPost, decide_nomination, nomination_to_json
from huanjie.core.entry import EntryAction, EntryError, EntryState
from huanjie.core.rules import load_profile
from huanjie.core.stages import LABELS, Stage

User = AbstractBaseUser | None


class CandidateError(ServiceError):
    """A refused operation of the candidates part; the message (Chinese) names the field.
    ``findings`` carries the validation findings of a refused tally entry, cell by cell."""

    def __init__(
        self,
        message: str,
        field: str = "",
        code: str = "invalid",
        findings: Sequence[entry.Finding] = (),
    ) -> None:
        super().__init__(message, field, code)
        self.findings = list(findings)


def _uid(user: User) -> int | None:
    return user.pk if user is not None else None


def _require_open(election: Election) -> None:
    if not stage_is_open(election, Stage.NOMINATION):
        raise CandidateError(
            f"“{LABELS[Stage.NOMINATION]}”阶段未在进行中（须在选民登记完成后开始；"
            "已完成的可在“计划与阶段”中重新开启），不能修改",
            "",
            "stage_not_open",
        )


def _lock(election: Election) -> Election:
    """Serialise the writes of one election's candidates (decisions read, then write)."""
    return Election.objects.select_for_update().get(pk=election.pk)


def _clean(text: str, field: str, label: str, *, required: bool, limit: int = 300) -> str:
    text = " ".join(text.split())
    if required and not text:
        raise CandidateError(f"{label}：请填写", field, "required")
    if len(text) > limit:
        raise CandidateError(f"{label}：不能超过{limit}个字", field, "too_long")
    return text


# --- Nominees --------------------------------------------------------------------------------


def nominee_add(*, acting_user: User, election: Election, voter: Voter) -> Nominee:
    """Put a registered voter on the list of people named on nomination ballots."""
    return nominees_add(acting_user=acting_user, election=election, voters=[voter])[0]


def nominees_add(
    *, acting_user: User, election: Election, voters: Sequence[Voter]
) -> list[Nominee]:
    """Put several registered voters on the list at once: all of them, or (on any refusal,
    which names the person) none."""
    _require_open(election)
    if not voters:
        raise CandidateError("请至少填写一人", "voter", "required")
    for voter in voters:
        if voter.election_id != election.pk or voter.status != VoterStatus.REGISTERED:
            raise CandidateError(
                f"{voter.name}不是本次选举的登记选民，不能被提名（村民委员会组织法 第十三条、第十五条）",
                "voter",
                "not_a_voter",
            )
    added = []
    with transaction.atomic():
        election = _lock(election)
        main = selectors.main_round(election)
        if main is not None and main.state != EntryState.FIRST_ENTRY.value:
            raise CandidateError(
                "提名票统计已开始录入，被提名人名单不能再变动（如需变动，请由核对人作废录入后再改）",
                "voter",
                "tally_started",
            )
        for voter in voters:
            if Nominee.objects.filter(election=election, voter=voter).exists():
                raise CandidateError(f"{voter.name}已在被提名人名单中", "voter", "duplicate")
            label = voter.name
            if Nominee.objects.filter(election=election, label=label).exists():
                label = f"{voter.name}（{voter.id_number[-4:]}）"
            if ":" in label:
                raise CandidateError(f"{voter.name}：姓名中不能含有英文冒号", "voter", "bad_name")
            nominee = Nominee.objects.create(
                election=election, voter=voter, label=label, created_by_id=_uid(acting_user)
            )
            audit_record(
                acting_user=acting_user,
                action="candidates.nominee_add",
                obj=nominee,
                area=election.area,
                after={"label": label, "voter": voter.pk},
            )
            added.append(nominee)
    return added


def nominee_remove(*, acting_user: User, nominee: Nominee) -> None:
    election = nominee.election
    _require_open(election)
    with transaction.atomic():
        election = _lock(election)
        main = selectors.main_round(election)
        if main is not None and main.state != EntryState.FIRST_ENTRY.value:
            raise CandidateError(
                "提名票统计已开始录入，被提名人名单不能再变动", "nominee", "tally_started"
            )
        audit_record(
            acting_user=acting_user,
            action="candidates.nominee_remove",
            obj=nominee,
            area=election.area,
            before={"label": nominee.label, "voter": nominee.voter_id},
        )
        nominee.delete()


# --- Tallies (double entry) -----------------------------------------------------------------


def _sheet(r: NominationRound) -> entry.Sheet:
    def one(clerk: int | None, counts: Any, warnings: Any) -> entry.Entry | None:
        if counts is None:
            return None
        return entry.Entry(
            clerk=str(clerk),
            counts=dict(counts),
            warnings=tuple(entry.Finding(**w) for w in warnings),
        )

    return entry.Sheet(
        state=EntryState(r.state),
        first=one(r.first_clerk_id, r.first_counts, r.first_warnings),
        second=one(r.second_clerk_id, r.second_counts, r.second_warnings),
        result=r.result,
        resolution=EntryAction(r.resolution) if r.resolution else None,
        coordinator=str(r.coordinator_id) if r.coordinator_id else None,
    )


def nomination_round_start(*, acting_user: User, election: Election) -> NominationRound:
    """Open the tally of the direct nomination (one per election until it is reopened)."""
    _require_open(election)
    with transaction.atomic():
        election = _lock(election)
        existing = selectors.main_round(election)
        if existing is not None:
            return existing
        r = NominationRound.objects.create(
            election=election,
            number=_next_number(election),
            kind=NominationRound.Kind.NOMINATION,
        )
        audit_record(
            acting_user=acting_user,
            action="candidates.round_start",
            obj=r,
            area=election.area,
            after={"number": r.number, "kind": r.kind},
        )
    return r


def _next_number(election: Election) -> int:
    top = NominationRound.objects.filter(election=election).aggregate(m=Max("number"))["m"]
    return (top or 0) + 1


def tally_submit(
    *,
    acting_user: User,
    round: NominationRound,
    counts: Mapping[str, object],
    acknowledged: bool = False,
) -> NominationRound:
    """A clerk enters the whole tally sheet (first or second entry)."""
    if acting_user is None or acting_user.pk is None:
        raise CandidateError("须登录后录入", "", "no_clerk")
    election = round.election
    _require_open(election)
    with transaction.atomic():
        election = _lock(election)
        r = NominationRound.objects.select_related("post").get(pk=round.pk)
        try:
            sheet, action = entry.submit(
                _sheet(r),
                str(acting_user.pk),
                counts,
                validate=selectors.round_validator(r),
                acknowledged=acknowledged,
            )
        except EntryError as err:
            raise CandidateError(err.message, "counts", err.code, err.findings) from err
        now = timezone.now()
        submitted = sheet.first if action is EntryAction.FINALISE_FIRST else sheet.second
        assert submitted is not None
        if action is EntryAction.FINALISE_FIRST:
            r.first_clerk_id, r.first_counts, r.first_at = (
                acting_user.pk,
                dict(submitted.counts),
                now,
            )
            r.first_warnings = entry.warnings_json(submitted)
        else:
            r.second_clerk_id, r.second_counts, r.second_at = (
                acting_user.pk,
                dict(submitted.counts),
                now,
            )
            r.second_warnings = entry.warnings_json(submitted)
        r.state = sheet.state.value
        if sheet.state is EntryState.DEFINITIVE:
            r.result, r.definitive_at = dict(sheet.result or {}), now
        r.save()
        audit_record(
            acting_user=acting_user,
            action=f"candidates.tally_{action.value}",
            obj=r,
            area=election.area,
            # The counts themselves are not logged before the sheet is definitive: the
            # second clerk must not be able to read the first entry anywhere.
            after={
                "round": r.number,
                "state": r.state,
                "cells": len(submitted.counts),
                "total": sum(submitted.counts.values()),
                "warnings": [w.code for w in submitted.warnings],
                "result": r.result,
            },
        )
        if sheet.state is EntryState.DEFINITIVE:
            _decide(election, trigger=f"tally:{r.number}", acting_user=acting_user)
    return r


def tally_resolve(
    *, acting_user: User, round: NominationRound, action: str, reason: str = ""
) -> NominationRound:
    """The coordinator (a third person) discards an entry, keeps one of two differing
    entries, discards both, or reopens a definitive tally (with a reason)."""
    if acting_user is None or acting_user.pk is None:
        raise CandidateError("须登录后处理", "", "no_coordinator")
    try:
        the_action = EntryAction(action)
    except ValueError as err:
        raise CandidateError("未知的处理方式", "action", "unknown_action") from err
    election = round.election
    _require_open(election)
    reason = _clean(reason, "reason", "理由", required=the_action is EntryAction.REOPEN)
    with transaction.atomic():
        election = _lock(election)
        r = NominationRound.objects.select_related("post").get(pk=round.pk)
        before = {"state": r.state, "result": r.result}
        if the_action is EntryAction.REOPEN:
            _check_reopen(election)
        try:
            sheet = entry.resolve(
                _sheet(r), the_action, coordinator=str(acting_user.pk), reason=reason
            )
        except EntryError as err:
            raise CandidateError(err.message, "action", err.code) from err
        r.state = sheet.state.value
        if sheet.state is EntryState.FIRST_ENTRY:
            r.first_clerk = r.second_clerk = r.coordinator = None
            r.first_counts = r.second_counts = r.result = None
            r.first_warnings, r.second_warnings = [], []
            r.first_at = r.second_at = r.definitive_at = None
            r.resolution = ""
        else:
            r.result = dict(sheet.result or {})
            r.resolution = the_action.value
            r.coordinator_id = acting_user.pk
            r.definitive_at = timezone.now()
        r.save()
        audit_record(
            acting_user=acting_user,
            action=f"candidates.tally_{the_action.value}",
            obj=r,
            area=election.area,
            before=before,
            after={"state": r.state, "result": r.result, "reason": reason},
        )
        if the_action is EntryAction.REOPEN:
            _discard_candidates(election, acting_user, reason)
            if r.kind == NominationRound.Kind.NOMINATION:
                _discard_revotes(election, acting_user, reason)
            _decide(election, trigger=f"reopen:{r.number}", acting_user=acting_user)
        elif sheet.state is EntryState.DEFINITIVE:
            _decide(election, trigger=f"tally:{r.number}", acting_user=acting_user)
    return r


def _check_reopen(election: Election) -> None:
    progressed = (
        Review.objects.filter(candidate__election=election).exists()
        or Candidate.objects.filter(election=election, status=Status.WITHDRAWN).exists()
        or Notice.objects.filter(election=election).exists()
    )
    if progressed:
        raise CandidateError(
            "已有资格审查意见、退出或已公示的名单，不能再重新录入提名票统计",
            "action",
            "progressed",
        )


def _discard_candidates(election: Election, acting_user: User, reason: str) -> None:
    gone = list(Candidate.objects.filter(election=election).select_related("voter"))
    if gone:
        audit_record(
            acting_user=acting_user,
            action="candidates.discard_all",
            object_type="candidates.candidate",
            object_id=",".join(str(c.pk) for c in gone),
            area=election.area,
            before={"candidates": [c.voter.name for c in gone]},
            after={"reason": reason},
        )
        Candidate.objects.filter(pk__in=[c.pk for c in gone]).delete()


def _discard_revotes(election: Election, acting_user: User, reason: str) -> None:
    revotes = NominationRound.objects.filter(election=election, kind=NominationRound.Kind.REVOTE)
    for r in revotes:
        audit_record(
            acting_user=acting_user,
            action="candidates.revote_cancel",
            obj=r,
            area=election.area,
            before={"names": r.names, "places": r.places, "result": r.result},
            after={"reason": reason},
        )
    revotes.delete()


# --- The decision (core) and the candidates it yields ----------------------------------------


def _decide(election: Election, *, trigger: str, acting_user: User) -> NominationDecision | None:
    """Decide the preliminary candidates again from the definitive tallies, with everyone who
    withdrew or was found unqualified barred; store the inputs and outcome; bring the
    candidates in line (new ones, moved ones); open re-vote tallies the core asks for."""
    main = selectors.main_round(election)
    if main is None or not main.is_definitive or main.result is None:
        return None
    profile = load_profile(election.profile_id)
    posts = list(election.posts.order_by("order"))
    nominees = {n.label: n for n in selectors.nominees(election)}
    result: dict[str, int] = main.result
    votes = [Counter(entry.nomination_votes(result, p.kind)) for p in posts]
    sexes = {label: n.voter.sex for label, n in nominees.items()}
    barred: dict[str, str] = {}
    for label in sorted(set().union(*votes) - set(nominees)):
        barred[label] = "不在被提名人名单中，未能确认为本村登记选民"
    for label, n in nominees.items():
        if n.voter.status != VoterStatus.REGISTERED:
            barred[label] = f"已不是登记选民（{n.voter.get_status_display()}）"
    out_of_race = Candidate.objects.filter(
        election=election, status__in=[Status.WITHDRAWN, Status.DISQUALIFIED]
    ).select_related("nominee")
    for c in out_of_race:
        barred[c.nominee.label] = c.status_reason or c.get_status_display()
    ballots = max((result.get(entry.returned_key(p.kind), 0) for p in posts), default=0)
    core_posts = [NominationPost(p.get_kind_display(), p.seats, None, p.women_only) for p in posts]
    outcome = decide_nomination(
        profile, core_posts, votes, sexes=sexes, barred=barred, ballots=ballots, void=0
    )
    outcome_json = nomination_to_json(outcome)
    woman: str | None = None
    if any(r.code == "woman_added" for r in outcome.reasons) and outcome.posts:
        woman = outcome.posts[-1].candidates[-1]

    revote_rounds = list(
        NominationRound.objects.filter(
            election=election, kind=NominationRound.Kind.REVOTE, state=EntryState.DEFINITIVE
        ).order_by("-number")
    )
    from_revote: set[str] = set()
    pending: list[tuple[Post, list[str], int]] = []
    applied: list[dict[str, Any]] = []
    for post, out in zip(posts, outcome.posts, strict=True):
        tied, places = list(out.revote), out.revote_places
        used: set[int] = set()
        while tied:
            rv = next(
                (
                    r
                    for r in revote_rounds
                    if r.post_id == post.pk and r.pk not in used and set(tied) <= set(r.names)
                ),
                None,
            )
            if rv is None:
                pending.append((post, tied, places))
                break
            used.add(rv.pk)
            got = entry.nomination_votes(rv.result or {}, post.kind)
            ranking = sorted(tied, key=lambda n: (-got.get(n, 0), n))
            cut = got.get(ranking[places - 1], 0)
            clear = [n for n in ranking if got.get(n, 0) > cut]
            at_cut = [n for n in ranking if got.get(n, 0) == cut]
            if len(clear) + len(at_cut) == places:
                clear, at_cut = clear + at_cut, []
            out.candidates.extend(clear[:places])
            from_revote.update(clear[:places])
            applied.append(
                {"post": post.get_kind_display(), "round": rv.number, "chosen": clear[:places]}
            )
            places -= len(clear[:places])
            tied = at_cut if places else []
        out.revote = tied if tied else []

    desired: dict[str, tuple[Post, int, str]] = {}
    for post, out in zip(posts, outcome.posts, strict=True):
        tally = dict(out.votes)
        for label in out.candidates:
            source = (
                Candidate.Source.REVOTE
                if label in from_revote
                else Candidate.Source.WOMAN_ADDED
                if label == woman
                else Candidate.Source.TALLY
            )
            desired[label] = (post, tally.get(label, 0), source)

    backfill = not trigger.startswith(("tally:", "reopen:"))
    changed = _sync_candidates(
        election, desired, nominees, acting_user=acting_user, backfill=backfill
    )
    _sync_revotes(election, pending, acting_user=acting_user)
    if changed:
        _supersede_notices(election, f"候选人名单有变动（{'；'.join(changed)}）", acting_user)

    decision = NominationDecision.objects.create(
        election=election,
        trigger=trigger,
        inputs={
            "profile": profile.id,
            "posts": [
                {
                    "kind": p.kind,
                    "name": p.get_kind_display(),
                    "seats": p.seats,
                    "women_only": p.women_only,
                }
                for p in posts
            ],
            "totals": {p.get_kind_display(): dict(v) for p, v in zip(posts, votes, strict=True)},
            "sexes": sexes,
            "barred": barred,
            "ballots": ballots,
            "tally_round": main.number,
            "revote_rounds": {
                str(r.number): {"post": r.post_id, "names": r.names, "result": r.result}
                for r in revote_rounds
            },
        },
        outcome={
            **outcome_json,
            "revotes_applied": applied,
            "pending_revotes": [
                {"post": p.kind, "post_name": p.get_kind_display(), "names": n, "places": k}
                for p, n, k in pending
            ],
            "changes": changed,
        },
        created_by_id=_uid(acting_user),
    )
    audit_record(
        acting_user=acting_user,
        action="candidates.decide",
        obj=decision,
        area=election.area,
        after={
            "trigger": trigger,
            "candidates": {
                p.get_kind_display(): o.candidates
                for p, o in zip(posts, outcome.posts, strict=True)
            },
            "pending_revotes": [(p.get_kind_display(), n, k) for p, n, k in pending],
            "changes": changed,
        },
    )
    return decision


def _sync_candidates(
    election: Election,
    desired: Mapping[str, tuple[Post, int, str]],
    nominees: Mapping[str, Nominee],
    *,
    acting_user: User,
    backfill: bool,
) -> list[str]:
    """Create and move candidates so that the active ones match the decision. Nobody is
    dropped silently: an active candidate the decision no longer lists is kept and reported."""
    existing = {
        c.nominee.label: c
        for c in Candidate.objects.filter(election=election).select_related(
            "nominee", "voter", "post"
        )
    }
    changes: list[str] = []
    for label, (post, votes, source) in desired.items():
        c = existing.get(label)
        if c is None:
            replaced = None
            if backfill:
                replaced = (
                    Candidate.objects.filter(
                        election=election,
                        post=post,
                        status__in=[Status.WITHDRAWN, Status.DISQUALIFIED],
                    )
                    .exclude(
                        pk__in=Candidate.objects.filter(replaces__isnull=False).values("replaces")
                    )
                    .order_by("-pk")
                    .first()
                )
            nominee = nominees[label]
            c = Candidate.objects.create(
                election=election,
                post=post,
                voter=nominee.voter,
                nominee=nominee,
                votes=votes,
                source=Candidate.Source.BACKFILL
                if backfill and source == Candidate.Source.TALLY
                else source,
                replaces=replaced,
            )
            c.committee_note = _committee_member_leaves(acting_user, election, nominee.voter)
            c.save(update_fields=["committee_note"])
            audit_record(
                acting_user=acting_user,
                action="candidates.candidate_create",
                obj=c,
                area=election.area,
                after={
                    "name": nominee.voter.name,
                    "post": post.get_kind_display(),
                    "votes": votes,
                    "source": c.source,
                    "replaces": replaced.pk if replaced else None,
                    "committee": c.committee_note,
                },
            )
            changes.append(
                f"{post.get_kind_display()}{'递补' if backfill else '确定'}{nominee.voter.name}"
            )
        elif c.is_active and (c.post_id != post.pk or c.votes != votes):
            before = {"post": c.post.get_kind_display(), "votes": c.votes}
            moved = c.post_id != post.pk
            c.post, c.votes = post, votes
            c.save(update_fields=["post", "votes"])
            audit_record(
                acting_user=acting_user,
                action="candidates.candidate_move",
                obj=c,
                area=election.area,
                before=before,
                after={"post": post.get_kind_display(), "votes": votes},
            )
            if moved:
                changes.append(f"{c.voter.name}改为{post.get_kind_display()}候选人")
    for label, c in existing.items():
        if c.is_active and label not in desired:
            changes.append(f"{c.voter.name}本次未被列为候选人，请核查（仍保留）")
    return changes


def _sync_revotes(
    election: Election, pending: Sequence[tuple[Post, list[str], int]], *, acting_user: User
) -> None:
    """Open a re-vote tally for each tie the core reports; drop unused ones no longer needed."""
    wanted = {post.pk: (post, names, places) for post, names, places in pending}
    open_rounds = NominationRound.objects.filter(
        election=election, kind=NominationRound.Kind.REVOTE
    ).exclude(state=EntryState.DEFINITIVE)
    for r in open_rounds:
        want = wanted.get(r.post_id or 0)
        if want is not None and sorted(want[1]) == sorted(r.names) and want[2] == r.places:
            wanted.pop(r.post_id or 0)
        elif r.state == EntryState.FIRST_ENTRY.value:
            audit_record(
                acting_user=acting_user,
                action="candidates.revote_cancel",
                obj=r,
                area=election.area,
                before={"names": r.names, "places": r.places},
            )
            r.delete()
    for post, names, places in wanted.values():
        r = NominationRound.objects.create(
            election=election,
            number=_next_number(election),
            kind=NominationRound.Kind.REVOTE,
            post=post,
            places=places,
            names=sorted(names),
        )
        audit_record(
            acting_user=acting_user,
            action="candidates.revote_open",
            obj=r,
            area=election.area,
            after={"post": post.get_kind_display(), "names": r.names, "places": places},
        )


def _committee_member_leaves(acting_user: User, election: Election, voter: Voter) -> str:
    """村民委员会组织法 第十二条: a member of the election committee who is nominated as a
    candidate leaves it; the committee part seats the next in order. Returns what happened."""
    left = committee_member_nominated(
        acting_user=acting_user, election=election, name=voter.name, id_number=voter.id_number
    )
    return left.text[:300] if left is not None else ""


def _supersede_notices(election: Election, reason: str, acting_user: User) -> None:
    """A change to the list makes the current notices out of date: they must be published
    again, and formal candidates go back to qualified until then."""
    now = timezone.now()
    current = list(Notice.objects.filter(election=election, superseded_at__isnull=True))
    formal = list(Candidate.objects.filter(election=election, status=Status.FORMAL))
    if not current and not formal:
        return
    for n in current:
        n.superseded_at, n.superseded_reason = now, reason[:300]
        n.save(update_fields=["superseded_at", "superseded_reason"])
    Candidate.objects.filter(pk__in=[c.pk for c in formal]).update(status=Status.QUALIFIED)
    audit_record(
        acting_user=acting_user,
        action="candidates.notices_superseded",
        object_type="candidates.notice",
        object_id=",".join(str(n.pk) for n in current),
        area=election.area,
        after={"reason": reason, "formal_to_qualified": [c.pk for c in formal]},
    )


# --- Qualification review, withdrawal, statements --------------------------------------------


def _check_review_date(reviewed_on: date | None) -> date:
    reviewed_on = reviewed_on or timezone.localdate()
    if reviewed_on > timezone.localdate():
        raise CandidateError("审查日期：不能晚于今天", "reviewed_on", "future")
    return reviewed_on


def _apply_review(
    *,
    acting_user: User,
    election: Election,
    c: Candidate,
    department: str,
    finding: str,
    reason: str,
    reviewed_on: date,
) -> Review | None:
    """Store one finding (inside the caller's transaction) and update the candidate's status;
    audited. ``None`` when the department already found the same (nothing changes)."""
    if not c.is_active:
        raise CandidateError(
            f"{c.voter.name}{c.get_status_display()}，不能再审查", "candidate", "not_active"
        )
    review = Review.objects.filter(candidate=c, department=department).first()
    before = None
    if review is None:
        review = Review.objects.create(
            candidate=c,
            department=department,
            finding=finding,
            reason=reason,
            reviewed_on=reviewed_on,
            reviewer_id=_uid(acting_user),
        )
    else:
        before = {"finding": review.finding, "reason": review.reason}
        if before == {"finding": finding, "reason": reason}:
            return None
        review.finding, review.reason = finding, reason
        review.reviewed_on, review.reviewer_id = reviewed_on, _uid(acting_user)
        review.save()
    status_before = c.status
    label = Department(department).label
    if finding == Finding.UNQUALIFIED:
        c.status = Status.DISQUALIFIED
        c.status_reason = f"资格审查不合格（{label}）：{reason}"[:300]
    elif c.status != Status.FORMAL:
        found = set(
            c.reviews.filter(finding=Finding.QUALIFIED).values_list("department", flat=True)
        )
        c.status = Status.QUALIFIED if found >= set(Department.values) else Status.UNDER_REVIEW
    c.save(update_fields=["status", "status_reason"])
    audit_record(
        acting_user=acting_user,
        action="candidates.review",
        obj=review,
        area=election.area,
        before=before,
        after={
            "candidate": c.voter.name,
            "department": label,
            "finding": finding,
            "reason": reason,
            "reviewed_on": reviewed_on,
            "status": [status_before, c.status],
        },
    )
    return review


def review_record(
    *,
    acting_user: User,
    candidate: Candidate,
    department: str,
    finding: str,
    reason: str = "",
    reviewed_on: date | None = None,
) -> Review:
    """One department's finding on one candidate (资格联审). 不合格 needs a reason and
    disqualifies the candidate at once (the next in the ranking is back-filled); the
    candidate is qualified when every department has found 合格."""
    election = candidate.election
    _require_open(election)
    if department not in Department.values:
        raise CandidateError("审查部门：请从列表中选择", "department", "unknown_department")
    if finding not in Finding.values:
        raise CandidateError("审查意见：应为合格或不合格", "finding", "unknown_finding")
    reason = _clean(reason, "reason", "理由", required=finding == Finding.UNQUALIFIED)
    reviewed_on = _check_review_date(reviewed_on)
    with transaction.atomic():
        election = _lock(election)
        c = Candidate.objects.select_related("voter", "post").get(pk=candidate.pk)
        review = _apply_review(
            acting_user=acting_user,
            election=election,
            c=c,
            department=department,
            finding=finding,
            reason=reason,
            reviewed_on=reviewed_on,
        )
        if review is None:  # the same finding again: nothing to change
            return Review.objects.get(candidate=c, department=department)
        if c.status == Status.DISQUALIFIED:
            _supersede_notices(election, f"{c.voter.name}资格审查不合格", acting_user)
            _decide(election, trigger="disqualification", acting_user=acting_user)
    return review


@dataclass(frozen=True)
class DepartmentFinding:
    """One line of a department's reply: a candidate, 合格 or 不合格, and the reason."""

    candidate: Candidate
    finding: str
    reason: str = ""


def reviews_record(
    *,
    acting_user: User,
    election: Election,
    department: str,
    findings: Sequence[DepartmentFinding],
    reviewed_on: date | None = None,
) -> list[Review]:
    """One department's findings on many candidates at once (the list a department returns
    in 资格联审), in one transaction: all are stored or none. Each finding is audited as with
    :func:`review_record`; a finding the department already gave is left as it is. People
    found 不合格 are back-filled once, after all findings are stored. Returns the reviews
    stored or changed."""
    _require_open(election)
    if department not in Department.values:
        raise CandidateError("审查部门：请从列表中选择", "department", "unknown_department")
    if not findings:
        raise CandidateError("请至少填写一名候选人的审查意见", "findings", "empty")
    reviewed_on = _check_review_date(reviewed_on)
    seen: set[int] = set()
    cleaned: list[tuple[int, str, str]] = []
    for f in findings:
        c = f.candidate
        if c.election_id != election.pk:
            raise CandidateError("候选人不属于本次选举", "findings", "other_election")
        if c.pk in seen:
            raise CandidateError(f"{c.voter.name}：重复填写", f"finding_{c.pk}", "duplicate")
        seen.add(c.pk)
        if f.finding not in Finding.values:
            raise CandidateError(
                f"{c.voter.name}：审查意见应为合格或不合格", f"finding_{c.pk}", "unknown_finding"
            )
        reason = _clean(
            f.reason,
            f"reason_{c.pk}",
            f"{c.voter.name}的理由",
            required=f.finding == Finding.UNQUALIFIED,
        )
        cleaned.append((c.pk, f.finding, reason))
    with transaction.atomic():
        election = _lock(election)
        stored: list[Review] = []
        out: list[str] = []
        for pk, finding, reason in cleaned:
            c = Candidate.objects.select_related("voter", "post").get(pk=pk)
            review = _apply_review(
                acting_user=acting_user,
                election=election,
                c=c,
                department=department,
                finding=finding,
                reason=reason,
                reviewed_on=reviewed_on,
            )
            if review is not None:
                stored.append(review)
                if c.status == Status.DISQUALIFIED:
                    out.append(c.voter.name)
        if out:
            _supersede_notices(election, f"{'、'.join(out)}资格审查不合格", acting_user)
            _decide(election, trigger="disqualification", acting_user=acting_user)
    return stored


def candidate_withdraw(
    *,
    acting_user: User,
    candidate: Candidate,
    written: bool,
    reason: str,
    withdrawn_on: date | None = None,
) -> Candidate:
    """The candidate withdraws in writing; the next in the nomination ranking is back-filled
    by the core (keeping the 差额 and women rules)."""
    election = candidate.election
    _require_open(election)
    if not written:
        raise CandidateError(
            "退出须由本人提交书面申请，请在收到书面申请后办理", "written", "not_written"
        )
    reason = _clean(reason, "reason", "退出理由", required=True)
    withdrawn_on = withdrawn_on or timezone.localdate()
    if withdrawn_on > timezone.localdate():
        raise CandidateError("退出日期：不能晚于今天", "withdrawn_on", "future")
    with transaction.atomic():
        election = _lock(election)
        c = Candidate.objects.select_related("voter", "post").get(pk=candidate.pk)
        if not c.is_active:
            raise CandidateError(
                f"{c.voter.name}{c.get_status_display()}，不能再办理退出", "candidate", "not_active"
            )
        before = {"status": c.status}
        c.status = Status.WITHDRAWN
        c.status_reason = f"本人书面申请退出：{reason}"[:300]
        c.withdrawn_on, c.withdrawal_reason, c.withdrawal_written = withdrawn_on, reason, True
        c.save()
        audit_record(
            acting_user=acting_user,
            action="candidates.withdraw",
            obj=c,
            area=election.area,
            before=before,
            after={"status": c.status, "reason": reason, "withdrawn_on": withdrawn_on},
        )
        _supersede_notices(election, f"{c.voter.name}退出", acting_user)
        _decide(election, trigger="withdrawal", acting_user=acting_user)
    c.refresh_from_db()
    return c


def candidate_statement_save(
    *,
    acting_user: User,
    candidate: Candidate,
    statement: str,
    pledge_signed: bool,
    pledge_date: date | None = None,
) -> Candidate:
    """竞职陈述 and 承诺书: the text of the statement; whether the pledge is signed, and when."""
    statement = statement.strip()
    if len(statement) > 5000:
        raise CandidateError("竞职陈述：不能超过5000个字", "statement", "too_long")
    if pledge_signed and pledge_date is None:
        raise CandidateError(
            "承诺书签订日期：已签订承诺书的，请填写签订日期", "pledge_date", "required"
        )
    if pledge_date is not None and pledge_date > timezone.localdate():
        raise CandidateError("承诺书签订日期：不能晚于今天", "pledge_date", "future")
    with transaction.atomic():
        c = Candidate.objects.select_for_update().select_related("voter").get(pk=candidate.pk)
        if not c.is_active:
            raise CandidateError(
                f"{c.voter.name}{c.get_status_display()}，不能再修改", "candidate", "not_active"
            )
        before = {
            "statement": c.statement,
            "pledge_signed": c.pledge_signed,
            "pledge_date": c.pledge_date,
        }
        c.statement = statement
        c.pledge_signed = pledge_signed
        c.pledge_date = pledge_date if pledge_signed else None
        c.save(update_fields=["statement", "pledge_signed", "pledge_date"])
        audit_record(
            acting_user=acting_user,
            action="candidates.statement",
            obj=c,
            area=c.election.area,
            before=before,
            after={
                "statement": c.statement,
                "pledge_signed": c.pledge_signed,
                "pledge_date": c.pledge_date,
            },
        )
    return c


# --- Notices and the formal list --------------------------------------------------------------


def notice_publish(
    *,
    acting_user: User,
    election: Election,
    kind: str,
    start: date,
    days: int,
    reason: str = "",
) -> Notice:
    """Publish the 初步候选人名单 (公示) or the 正式候选人名单 (公告).

    The formal list needs every active candidate reviewed and qualified, the number per post
    within the profile's 差额 bounds, and a publication date no later than the profile's
    ``candidates_published`` deadline. Publishing makes the qualified candidates formal.
    A list that is published and still in force is replaced only as a correction
    (更正并重新公布), with a ``reason``: the old notice keeps it as why it was superseded.
    """
    _require_open(election)
    reason = _clean(reason, "reason", "更正理由", required=False)
    if kind not in Notice.Kind.values:
        raise CandidateError("公告类别：应为初步候选人名单或正式候选人名单", "kind", "unknown_kind")
    if not 1 <= days <= 60:
        raise CandidateError("公示天数：应为 1 至 60 天", "days", "bad_days")
    if start > election.election_day:
        raise CandidateError("公布日期：不能晚于选举日", "start", "after_election")
    profile = load_profile(election.profile_id)
    with transaction.atomic():
        election = _lock(election)
        decision = selectors.latest_decision(election)
        if decision is None:
            raise CandidateError("提名票统计尚未确定，还没有候选人", "kind", "no_decision")
        pending = decision.outcome.get("pending_revotes", [])
        if pending:
            p = pending[0]
            raise CandidateError(
                f"{p['post_name']}：{'、'.join(p['names'])} 提名票数相等，须先就其重新投票确定"
                f" {p['places']} 名候选人（{profile.article('contest')}）",
                "kind",
                "revote_pending",
            )
        active = list(
            Candidate.objects.filter(election=election, status__in=ACTIVE).select_related(
                "voter", "post"
            )
        )
        if kind == Notice.Kind.FORMAL:
            _check_formal(election, active, start)
        current = selectors.current_notice(election, kind)
        if current is not None and not reason:
            raise CandidateError(
                f"更正理由：{current.get_kind_display()}已于 {current.start.year}年"
                f"{current.start.month}月{current.start.day}日 公布且仍然有效；"
                "如需更正并重新公布，请写明更正理由",
                "reason",
                "already_published",
            )
        order, order_note = selectors.notice_order(profile)
        content = selectors.notice_content(election, active, order=order, start=start)
        content["order_note"] = order_note
        Notice.objects.filter(election=election, kind=kind, superseded_at__isnull=True).update(
            superseded_at=timezone.now(),
            superseded_reason=f"更正并重新公布：{reason}"[:300],
        )
        notice = Notice.objects.create(
            election=election,
            kind=kind,
            start=start,
            days=days,
            end=start + timedelta(days=days),
            order=order,
            content=content,
            created_by_id=_uid(acting_user),
        )
        if kind == Notice.Kind.FORMAL:
            Candidate.objects.filter(pk__in=[c.pk for c in active]).update(status=Status.FORMAL)
        audit_record(
            acting_user=acting_user,
            action=f"candidates.notice_{kind}",
            obj=notice,
            area=election.area,
            before={"notice": current.pk} if current is not None else None,
            after={
                "start": start,
                "days": days,
                "end": notice.end,
                "order": order,
                "content": content,
                "correction": reason,
            },
        )
    return notice


def _check_formal(election: Election, active: Sequence[Candidate], start: date) -> None:
    waiting = [c for c in active if c.status not in (Status.QUALIFIED, Status.FORMAL)]
    if waiting:
        names = "、".join(f"{c.voter.name}（{c.get_status_display()}）" for c in waiting)
        raise CandidateError(
            f"以下候选人尚未完成资格审查，不能公布正式候选人名单：{names}", "kind", "review_pending"
        )
    problems = selectors.contest_problems(election, active)
    if problems:
        raise CandidateError(
            "不符合差额要求，不能公布正式候选人名单：" + "；".join(problems), "kind", "contest"
        )
    for d in election_schedule(election):
        if d.id == "candidates_published" and start > d.date:
            raise CandidateError(
                f"公布日期：正式候选人名单最迟应于 {d.date.year}年{d.date.month}月{d.date.day}日 公布"
                f"（{d.label}，{d.citation}），{start.year}年{start.month}月{start.day}日 已经超过",
                "start",
                "too_late",
            )
