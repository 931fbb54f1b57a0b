"""Writes of the counting part (one transaction and one audit entry each; a refused operation
changes nothing).

* ``count_start``: counting of a closed round begins, ballot by ballot or from totals sheets.
* ``box_reconcile`` / ``reconcile_resolve``: each box is opened and its ballots counted
  (开箱清点) by two clerks (``core.entry``); the 总监票人 settles a difference.
* ``ballot_record`` / ``ballot_correct``: **one ballot, one committed row**; a retried request
  for a position already recorded with the same ballot is acknowledged and changes nothing.
* ``ballot_settle``, ``pass_discard``, ``box_reopen``: the 总监票人's part
  (``core.count.entry_ballots``).
* ``doubtful_decide``: the committee's decision on a doubtful ballot (难以确认).
* ``totals_submit`` / ``totals_resolve``: a box counted on paper, its totals sheet entered twice.
* ``count_confirm``: the 总监票人 confirms the complete count; the round moves closed → counted
  (``polling.services.round_mark_counted``).
* ``screen_link_create`` / ``screen_link_revoke``: a read-only address for the public screen.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from huanjie.apps.audit.services import audit_record
from huanjie.apps.counting import selectors
from huanjie.apps.counting.models import (
    BallotEntry,
    BoxCount,
    DoubtfulDecision,
    RoundCount,
    ScreenLink,
    Settlement,
    Sheet,
)
from huanjie.apps.errors import ServiceError
from huanjie.apps.polling import selectors as polling
from huanjie.apps.polling import services as polling_services
from huanjie.apps.polling.models import Box, Round
from huanjie.core import entry
from huanjie.core.count import entry_ballots as eb
from huanjie.core.entry import EntryAction, EntryError, EntryState
from huanjie.core.rounds import RoundState

User = AbstractBaseUser | None


class CountingError(ServiceError):
    """A refused operation of the counting part; ``findings`` carries the problems of a
    refused entry one by one (the field or post they concern, and the message)."""

    def __init__(
        self,
        message: str,
        field: str = "",
        code: str = "invalid",
        findings: Sequence[entry.Finding] = (),
    ) -> None:
        super().__init__(message, field, code)
        self.findings = list(findings)


def _from(err: EntryError, field: str = "") -> CountingError:
    return CountingError(err.message, field, err.code, err.findings)


def _uid(user: User) -> int:
    if user is None or user.pk is None:
        raise CountingError("须登录后操作", "", "no_user")
    return int(user.pk)


def _require_counting(r: Round) -> None:
    """Counting writes only while the round is closed (投票结束，待计票)."""
    status = RoundState(r.status)
    if status in (RoundState.PREPARED, RoundState.OPEN):
        raise CountingError(
            f"{r}投票尚未结束（当前状态：{r.get_status_display()}），不能计票；"
            "请先在“投票”中结束投票",
            "",
            "polls_open",
        )
    if status in (RoundState.COUNTED, RoundState.DECIDED):
        raise CountingError(
            f"{r}计票已确认完成（当前状态：{r.get_status_display()}），计票结果不能再修改",
            "",
            "count_closed",
        )


def _fresh(box: Box) -> Round:
    """The box's round as it is now (a page may hold an old copy). Only the status can have
    changed (posts and candidates are frozen): one small query when it has not."""
    status = Round.objects.filter(pk=box.round_id).values_list("status", flat=True).first()
    r = box.round
    if status is None or status != r.status:
        r = Round.objects.select_related("election", "election__area").get(pk=box.round_id)
        box.round = r
    return r


def _lock_round(box: Box) -> Round:
    """The round locked for a change that could race the 总监票人's confirmation."""
    r = (
        Round.objects.select_for_update()
        .select_related("election", "election__area")
        .get(pk=box.round_id)
    )
    _require_counting(r)
    return r


def _require_chief(r: Round, user: User) -> None:
    if not polling.is_chief_scrutineer(r.election, user):
        raise CountingError(
            "只有总监票人可以核对处理（总监票人须在“投票”的工作人员中登记并关联本人账号）",
            "",
            "not_chief",
        )


def _round_count(r: Round, method: str | None = None) -> RoundCount:
    rc = selectors.round_count_row(r)
    if rc is None:
        raise CountingError("尚未开始计票，请先选择计票方式并开始计票", "", "not_started")
    if method is not None and rc.method != method:
        raise CountingError(
            f"本轮计票方式为“{rc.get_method_display()}”，不能进行此项录入", "", "wrong_method"
        )
    return rc


def _text(value: str, field: str, label: str, *, required: bool, limit: int = 300) -> str:
    value = " ".join((value or "").split())
    if required and not value:
        raise CountingError(f"{label}：请填写", field, "required")
    if len(value) > limit:
        raise CountingError(f"{label}：不能超过{limit}个字", field, "too_long")
    return value


# --- Starting the count -----------------------------------------------------------------------


def count_start(*, acting_user: User, round: Round, method: str) -> RoundCount:
    """Counting of a closed round begins (or its method changes while nothing is entered)."""
    _uid(acting_user)
    if method not in RoundCount.Method.values:
        raise CountingError("计票方式不正确", "method", "invalid")
    _require_counting(round)
    with transaction.atomic():
        r = Round.objects.select_for_update().get(pk=round.pk)
        _require_counting(r)
        rc = RoundCount.objects.filter(round=r).first()
        before = rc.method if rc else None
        if rc is not None and rc.method != method:
            started = (
                BallotEntry.objects.filter(count__box__round=r).exists()
                or Sheet.objects.filter(box__round=r, kind=Sheet.Kind.TOTALS).exists()
            )
            if started:
                raise CountingError(
                    "已有票箱开始录入，不能再更改计票方式", "method", "method_locked"
                )
            rc.method = method
            rc.save(update_fields=["method"])
            # Boxes opened for entry ballot by ballot hold no ballot yet: nothing to keep.
            BoxCount.objects.filter(box__round=r).delete()
        elif rc is None:
            rc = RoundCount.objects.create(round=r, method=method, started_by_id=_uid(acting_user))
        if before != method and method == RoundCount.Method.BALLOTS:
            for box in r.boxes.all():
                rec = selectors.sheet(box, Sheet.Kind.RECONCILE)
                if rec is not None and rec.is_definitive:
                    _open_box_count(box, int((rec.result or {})[eb.COLLECTED]))
        audit_record(
            acting_user=acting_user,
            action="counting.start",
            obj=rc,
            area=r.election.area,
            before={"method": before},
            after={"round": r.number, "method": method},
        )
    return rc


# --- Tally sheets of a box (core.entry) -------------------------------------------------------


def _sheet_state(s: Sheet) -> entry.Sheet:
    def one(clerk: int | None, counts: Any, warnings: Any) -> entry.Entry | None:
        if counts is None:
            return None
        return entry.Entry(
            clerk=str(clerk),
            counts=dict(counts),
            warnings=tuple(entry.Finding(**w) for w in warnings),
        )

    return entry.Sheet(
        state=EntryState(s.state),
        first=one(s.first_clerk_id, s.first_counts, s.first_warnings),
        second=one(s.second_clerk_id, s.second_counts, s.second_warnings),
        result=s.result,
        resolution=EntryAction(s.resolution) if s.resolution else None,
        coordinator=str(s.coordinator_id) if s.coordinator_id else None,
    )


def _submit(
    s: Sheet, user: User, counts: Mapping[str, object], validate: entry.Validator, ack: bool
) -> EntryAction:
    try:
        state, action = entry.submit(
            _sheet_state(s), str(_uid(user)), counts, validate=validate, acknowledged=ack
        )
    except EntryError as err:
        raise _from(err, "counts") from err
    now = timezone.now()
    submitted = state.first if action is EntryAction.FINALISE_FIRST else state.second
    assert submitted is not None
    if action is EntryAction.FINALISE_FIRST:
        s.first_clerk_id, s.first_counts, s.first_at = _uid(user), dict(submitted.counts), now
        s.first_warnings = entry.warnings_json(submitted)
    else:
        s.second_clerk_id, s.second_counts, s.second_at = _uid(user), dict(submitted.counts), now
        s.second_warnings = entry.warnings_json(submitted)
    s.state = state.state.value
    if state.state is EntryState.DEFINITIVE:
        s.result, s.definitive_at = dict(state.result or {}), now
    s.save()
    return action


def _resolve(s: Sheet, user: User, action: str, reason: str) -> EntryAction:
    try:
        the_action = EntryAction(action)
    except ValueError as err:
        raise CountingError("未知的处理方式", "action", "unknown_action") from err
    try:
        state = entry.resolve(
            _sheet_state(s), the_action, coordinator=str(_uid(user)), reason=reason
        )
    except EntryError as err:
        raise _from(err, "action") from err
    s.state = state.state.value
    if state.state is EntryState.FIRST_ENTRY:
        s.first_clerk = s.second_clerk = s.coordinator = None
        s.first_counts = s.second_counts = s.result = s.decision = None
        s.first_warnings, s.second_warnings = [], []
        s.first_at = s.second_at = s.definitive_at = None
        s.resolution = ""
    else:
        s.result = dict(state.result or {})
        s.resolution = the_action.value
        s.coordinator_id = _uid(user)
        s.definitive_at = timezone.now()
    s.save()
    return the_action


def _lock_box(box: Box) -> Box:
    return Box.objects.select_for_update().select_related("round", "round__election").get(pk=box.pk)


def _audit_counts(s: Sheet) -> dict[str, Any]:
    # The counts are not logged before the sheet is definitive: the second clerk must not be
    # able to read the first entry anywhere.
    return {"box": s.box.name, "kind": s.kind, "state": s.state, "result": s.result}


def box_reconcile(
    *, acting_user: User, box: Box, collected: object, acknowledged: bool = False
) -> Sheet:
    """A clerk enters the ballots collected from one opened box (开箱清点), first or second
    entry. Refused before polls close, and once the box is reconciled (a box is reconciled
    once; a mistake is undone by the 总监票人, before any ballot of it is entered)."""
    uid = _uid(acting_user)
    r = _fresh(box)
    _require_counting(r)
    _round_count(r)
    with transaction.atomic():
        box = _lock_box(box)
        r = box.round
        s, _ = Sheet.objects.get_or_create(box=box, kind=Sheet.Kind.RECONCILE)
        if s.is_definitive:
            raise CountingError(
                f"票箱“{box.name}”已开箱清点（收回选票 {(s.result or {}).get(eb.COLLECTED)} 张），"
                "不能重复清点",
                "collected",
                "already_reconciled",
            )
        figures = polling.box_figures(box)
        profile = selectors.profile_of(r)
        validate = eb.reconcile_findings(profile, box.name, figures.voters, figures.issued)
        action = _submit(s, acting_user, {eb.COLLECTED: collected}, validate, acknowledged)
        if s.is_definitive:
            _reconciled(s, box, figures.voters, figures.issued)
        audit_record(
            acting_user=acting_user,
            action=f"counting.reconcile_{action.value}",
            obj=s,
            area=r.election.area,
            after={**_audit_counts(s), "clerk": uid, "decision": s.decision},
        )
    return s


def _reconciled(s: Sheet, box: Box, voters: int, issued: int) -> None:
    collected = int((s.result or {})[eb.COLLECTED])
    reason = eb.reconcile_box(selectors.profile_of(box.round), box.name, collected, voters, issued)
    s.decision = {
        "code": reason.code,
        "level": reason.level,
        "text": reason.text,
        "article": reason.article,
        "voters": voters,
        "issued": issued,
        "collected": collected,
    }
    s.save(update_fields=["decision"])
    rc = selectors.round_count_row(box.round)
    if rc is not None and rc.method == RoundCount.Method.BALLOTS:
        _open_box_count(box, collected)


def _open_box_count(box: Box, collected: int) -> BoxCount:
    existing = BoxCount.objects.filter(box=box).first()
    if existing is not None:
        return existing
    p, _action = eb.start(collected)
    return BoxCount.objects.create(
        box=box,
        collected=collected,
        state=p.state.value,
        definitive_at=timezone.now() if p.state is eb.BoxState.DEFINITIVE else None,
    )


def reconcile_resolve(*, acting_user: User, box: Box, action: str, reason: str = "") -> Sheet:
    """The 总监票人 settles a reconciliation: keep one of two different entries, discard, or
    reopen one (with a reason) while none of the box's ballots has been entered."""
    _uid(acting_user)
    r = _fresh(box)
    _require_counting(r)
    _require_chief(r, acting_user)
    reason = _text(reason, "reason", "理由", required=action == EntryAction.REOPEN.value)
    with transaction.atomic():
        r = _lock_round(box)
        box = _lock_box(box)
        s = Sheet.objects.filter(box=box, kind=Sheet.Kind.RECONCILE).first()
        if s is None:
            raise CountingError(f"票箱“{box.name}”尚未开箱清点", "action", "not_reconciled")
        before = {"state": s.state, "result": s.result}
        if action == EntryAction.REOPEN.value:
            bc = BoxCount.objects.filter(box=box).first()
            if (bc is not None and bc.entries.exists()) or Sheet.objects.filter(
                box=box, kind=Sheet.Kind.TOTALS
            ).exclude(state=EntryState.FIRST_ENTRY.value).exists():
                raise CountingError(
                    f"票箱“{box.name}”已开始录入选票，不能重新清点", "action", "entries_exist"
                )
            if bc is not None:
                bc.delete()
        the_action = _resolve(s, acting_user, action, reason)
        if s.is_definitive:
            figures = polling.box_figures(box)
            _reconciled(s, box, figures.voters, figures.issued)
        audit_record(
            acting_user=acting_user,
            action=f"counting.reconcile_{the_action.value}",
            obj=s,
            area=box.round.election.area,
            before=before,
            after={**_audit_counts(s), "reason": reason, "decision": s.decision},
        )
    return s


# --- Ballot by ballot ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Recorded:
    """A ballot recorded (or acknowledged again: ``replay``), with the verdict to show."""

    entry: BallotEntry
    marks: eb.Marks
    assessment: eb.Assessment
    replay: bool
    state: str
    entered: int
    collected: int


def _lock_count(box: Box) -> BoxCount:
    """The box's count row, locked, with the round as it is now (its status checked)."""
    bc = (
        BoxCount.objects.select_for_update(of=("self",))
        .select_related("box__round")
        .filter(box_id=box.pk)
        .first()
    )
    _require_counting(bc.box.round if bc is not None else _fresh(box))
    if bc is None:
        raise CountingError(
            f"票箱“{box.name}”尚未开箱清点（或清点尚未确定），不能录入选票",
            "",
            "not_reconciled",
        )
    return bc


def _save_progress(bc: BoxCount, p: eb.Progress) -> None:
    bc.state = p.state.value
    bc.first_entered, bc.second_entered = p.entered
    bc.first_clerk_id = int(p.clerks[0]) if p.clerks[0] else None
    bc.second_clerk_id = int(p.clerks[1]) if p.clerks[1] else None
    bc.definitive_at = timezone.now() if p.state is eb.BoxState.DEFINITIVE else None
    bc.version += 1
    bc.save(
        update_fields=[
            "state",
            "first_entered",
            "second_entered",
            "first_clerk",
            "second_clerk",
            "definitive_at",
            "version",
        ]
    )


def _marks(
    r: Round,
    keys: Sequence[str] | None,
    ballot: Mapping[str, Any] | None,
    doubtful: bool,
) -> tuple[eb.Layout, eb.Marks]:
    lay = selectors.layout(r)
    try:
        m = selectors.parse_input(
            lay, keys=list(keys) if keys is not None else None, ballot=ballot, doubtful=doubtful
        )
    except EntryError as err:
        raise _from(err, "ballot") from err
    return lay, m


def _recorded(
    r: Round, lay: eb.Layout, e: BallotEntry, m: eb.Marks, bc: BoxCount, replay: bool
) -> Recorded:
    return Recorded(
        entry=e,
        marks=m,
        assessment=eb.assess(lay, m, selectors.profile_of(r)),
        replay=replay,
        state=bc.state,
        entered=bc.first_entered if e.pass_no == 1 else bc.second_entered,
        collected=bc.collected,
    )


def ballot_record(
    *,
    acting_user: User,
    box: Box,
    pass_no: int,
    position: int,
    keys: Sequence[str] | None = None,
    ballot: Mapping[str, Any] | None = None,
    doubtful: bool = False,
) -> Recorded:
    """A clerk records one ballot of a box: one row, committed on its own. The ballot is
    refused when no ballot could carry it (an unknown number, more marks than names and
    write-in spaces, a write-in where the ballot has none); an over-marked ballot is taken
    (the paper is what it is) and its verdict returned. A retried request for a position
    already recorded with the same ballot by the same clerk changes nothing (``replay``)."""
    uid = _uid(acting_user)
    r = box.round  # posts and candidates are frozen; the status is checked under the lock
    lay, m = _marks(r, keys, ballot, doubtful)
    data = m.to_json(lay)
    try:
        with transaction.atomic():
            bc = _lock_count(box)
            existing = (
                BallotEntry.objects.filter(
                    count=bc, pass_no=pass_no, position=position, discarded_at__isnull=True
                )
                .only("id", "ballot", "doubtful", "clerk_id", "pass_no", "position")
                .first()
            )
            if existing is not None:
                return _replay(r, lay, bc, existing, m, data, uid)
            p = selectors.progress(bc)

            def unsettled() -> int:
                # Asked only when this ballot completes both passes: compare with it in.
                cmp = selectors.compare(bc)
                mine = cmp.first if pass_no == 1 else cmp.second
                mine[position] = BallotEntry(ballot=data, doubtful=m.doubtful)
                return len(cmp.differing())

            try:
                p, _action = eb.record(p, pass_no, position, str(uid), unsettled)
            except EntryError as err:
                raise _from(err, "position") from err
            e = BallotEntry.objects.create(
                count=bc,
                pass_no=pass_no,
                position=position,
                ballot=data,
                doubtful=m.doubtful,
                clerk_id=uid,
                entered_at=timezone.now(),
            )
            _save_progress(bc, p)
            audit_record(
                acting_user=acting_user,
                action="counting.ballot_record",
                object_type="counting.ballotentry",
                object_id=str(e.pk),
                area=r.election.area,
                # Which ballot, not what it says: the other clerk must not read this pass.
                after={"box": box.name, "pass": pass_no, "position": position, "state": bc.state},
            )
    except IntegrityError:
        # A concurrent identical request won the race: acknowledge it as a replay.
        bc = BoxCount.objects.get(box=box)
        existing = BallotEntry.objects.get(
            count=bc, pass_no=pass_no, position=position, discarded_at__isnull=True
        )
        return _replay(r, lay, bc, existing, m, data, uid)
    return _recorded(r, lay, e, m, bc, replay=False)


def _replay(
    r: Round,
    lay: eb.Layout,
    bc: BoxCount,
    existing: BallotEntry,
    m: eb.Marks,
    data: Mapping[str, Any],
    uid: int,
) -> Recorded:
    if existing.clerk_id == uid and selectors._key(
        existing.ballot, existing.doubtful
    ) == selectors._key(data, m.doubtful):
        return _recorded(r, lay, existing, m, bc, replay=True)
    raise CountingError(
        f"{eb.PASS_LABELS[existing.pass_no]}第 {existing.position} 张已录入"
        + (
            f"为“{eb.describe(lay, selectors.marks_of(lay, existing.ballot, existing.doubtful))}”"
            if existing.clerk_id == uid
            else "（由另一名录入人）"
        )
        + "；如需更改，请用“更正”",
        "position",
        "position_taken",
    )


def ballot_correct(
    *,
    acting_user: User,
    box: Box,
    pass_no: int,
    position: int,
    keys: Sequence[str] | None = None,
    ballot: Mapping[str, Any] | None = None,
    doubtful: bool = False,
) -> Recorded:
    """The clerk of a pass corrects one of its ballots while the box is being entered; the
    earlier version is kept with the row."""
    uid = _uid(acting_user)
    r = box.round  # posts and candidates are frozen; the status is checked under the lock
    lay, m = _marks(r, keys, ballot, doubtful)
    data = m.to_json(lay)
    with transaction.atomic():
        bc = _lock_count(box)
        try:
            eb.correct(selectors.progress(bc), pass_no, position, str(uid))
        except EntryError as err:
            raise _from(err, "position") from err
        if Settlement.objects.filter(
            count=bc, position=position, discarded_at__isnull=True
        ).exists():
            raise CountingError(
                f"第 {position} 张已由总监票人核对确定，不能更正", "position", "already_settled"
            )
        e = BallotEntry.objects.get(
            count=bc, pass_no=pass_no, position=position, discarded_at__isnull=True
        )
        if selectors._key(e.ballot, e.doubtful) != selectors._key(data, m.doubtful):
            now = timezone.now()
            e.corrections = [
                *e.corrections,
                {"ballot": e.ballot, "doubtful": e.doubtful, "at": now.isoformat()},
            ]
            e.ballot, e.doubtful = data, m.doubtful
            e.save(update_fields=["ballot", "doubtful", "corrections"])
            bc.version += 1
            bc.save(update_fields=["version"])
            audit_record(
                acting_user=acting_user,
                action="counting.ballot_correct",
                obj=e,
                area=r.election.area,
                after={"box": box.name, "pass": pass_no, "position": position},
            )
    return _recorded(r, lay, e, m, bc, replay=False)


def ballot_settle(
    *,
    acting_user: User,
    box: Box,
    position: int,
    choice: str,
    keys: Sequence[str] | None = None,
    ballot: Mapping[str, Any] | None = None,
    doubtful: bool = False,
    reason: str = "",
) -> Settlement:
    """The 总监票人 settles one ballot the passes differ on, with the paper ballot in hand:
    as pass 1 has it, as pass 2 has it, or as the paper reads (``as_read``, typed here)."""
    uid = _uid(acting_user)
    r = _fresh(box)
    _require_counting(r)
    _require_chief(r, acting_user)
    if choice not in eb.SETTLE_CHOICES:
        raise CountingError(
            "处理方式应为采用第一遍、采用第二遍或按纸质选票录入", "choice", "invalid"
        )
    reason = _text(reason, "reason", "说明", required=False)
    with transaction.atomic():
        r = _lock_round(box)
        bc = _lock_count(box)
        cmp = selectors.compare(bc)
        if position in cmp.settled:
            raise CountingError(f"第 {position} 张已核对确定", "position", "already_settled")
        a, b = cmp.first.get(position), cmp.second.get(position)
        if a is None or b is None:
            raise CountingError(
                f"第 {position} 张尚未两遍都录入，不能核对", "position", "not_both_entered"
            )
        if position not in cmp.differing():
            raise CountingError(
                f"第 {position} 张两遍录入一致，无需核对", "position", "no_difference"
            )
        if choice == "keep_first":
            data, is_doubtful = a.ballot, a.doubtful
        elif choice == "keep_second":
            data, is_doubtful = b.ballot, b.doubtful
        else:
            lay, m = _marks(r, keys, ballot, doubtful)
            data, is_doubtful = m.to_json(lay), m.doubtful
        left = len(cmp.differing()) - 1
        try:
            p, _action = eb.settle(selectors.progress(bc), str(uid), left)
        except EntryError as err:
            raise _from(err, "choice") from err
        s = Settlement.objects.create(
            count=bc,
            position=position,
            choice=choice,
            ballot=data,
            doubtful=is_doubtful,
            reason=reason,
            coordinator_id=uid,
            at=timezone.now(),
        )
        _save_progress(bc, p)
        audit_record(
            acting_user=acting_user,
            action="counting.ballot_settle",
            obj=s,
            area=r.election.area,
            after={
                "box": box.name,
                "position": position,
                "choice": choice,
                "first": a.ballot,
                "second": b.ballot,
                "ballot": data,
                "reason": reason,
                "state": bc.state,
            },
        )
    return s


def _discard(bc: BoxCount, *, pass_no: int | None) -> int:
    now = timezone.now()
    qs = BallotEntry.objects.filter(count=bc, discarded_at__isnull=True)
    if pass_no is not None:
        qs = qs.filter(pass_no=pass_no)
    n = qs.update(discarded_at=now)
    Settlement.objects.filter(count=bc, discarded_at__isnull=True).update(discarded_at=now)
    DoubtfulDecision.objects.filter(count=bc, discarded_at__isnull=True).update(discarded_at=now)
    return n


def pass_discard(*, acting_user: User, box: Box, pass_no: int, reason: str) -> BoxCount:
    """The 总监票人 discards one pass (wrong box, clerk replaced); it is typed again. The
    rows stay, marked discarded; settlements and decisions that rested on it go too."""
    uid = _uid(acting_user)
    r = _fresh(box)
    _require_counting(r)
    _require_chief(r, acting_user)
    reason = _text(reason, "reason", "理由", required=True)
    with transaction.atomic():
        r = _lock_round(box)
        bc = _lock_count(box)
        try:
            p, _action = eb.discard_pass(selectors.progress(bc), pass_no, str(uid))
        except EntryError as err:
            raise _from(err, "pass_no") from err
        n = _discard(bc, pass_no=pass_no)
        _save_progress(bc, p)
        audit_record(
            acting_user=acting_user,
            action="counting.pass_discard",
            obj=bc,
            area=r.election.area,
            after={"box": box.name, "pass": pass_no, "discarded": n, "reason": reason},
        )
    return bc


def box_reopen(*, acting_user: User, box: Box, reason: str) -> BoxCount:
    """The 总监票人 reopens a definitive box (a recount): both passes start over."""
    uid = _uid(acting_user)
    r = _fresh(box)
    _require_counting(r)
    _require_chief(r, acting_user)
    reason = _text(reason, "reason", "理由", required=True)
    with transaction.atomic():
        r = _lock_round(box)
        bc = _lock_count(box)
        try:
            p, _action = eb.reopen(selectors.progress(bc), str(uid), reason)
        except EntryError as err:
            raise _from(err, "reason") from err
        n = _discard(bc, pass_no=None)
        _save_progress(bc, p)
        audit_record(
            acting_user=acting_user,
            action="counting.box_reopen",
            obj=bc,
            area=r.election.area,
            after={"box": box.name, "discarded": n, "reason": reason},
        )
    return bc


def doubtful_decide(
    *,
    acting_user: User,
    box: Box,
    position: int,
    decision: str,
    deciders: str,
    reason: str,
    keys: Sequence[str] | None = None,
    ballot: Mapping[str, Any] | None = None,
) -> DoubtfulDecision:
    """The election committee's decision on a doubtful ballot (难以确认), submitted by the
    scrutineers: ``valid`` — counted as the committee reads it (the agreed entry unless
    ``keys``/``ballot`` say otherwise) — or ``invalid``. Recorded with who decided and why,
    under the profile's ``unreadable`` article (e.g. 浙江 第二十七条第四款)."""
    uid = _uid(acting_user)
    r = _fresh(box)
    _require_counting(r)
    if decision not in DoubtfulDecision.Decision.values:
        raise CountingError("决定应为有效或无效", "decision", "invalid")
    deciders = _text(deciders, "deciders", "决定人（村民选举委员会成员）", required=True, limit=200)
    reason = _text(reason, "reason", "理由", required=True)
    with transaction.atomic():
        r = _lock_round(box)
        bc = _lock_count(box)
        agreed = selectors.compare(bc).agreed()
        if position not in agreed:
            raise CountingError(
                f"第 {position} 张尚未两遍录入一致（或核对确定），不能决定",
                "position",
                "not_agreed",
            )
        stored, is_doubtful = agreed[position]
        if not is_doubtful:
            raise CountingError(f"第 {position} 张未录为难以确认", "position", "not_doubtful")
        if DoubtfulDecision.objects.filter(
            count=bc, position=position, discarded_at__isnull=True
        ).exists():
            raise CountingError(f"第 {position} 张已有决定", "position", "already_decided")
        if decision == DoubtfulDecision.Decision.INVALID:
            data: Any = {"unreadable": True}
        elif keys is not None or ballot is not None:
            lay, m = _marks(r, keys, ballot, False)
            data = m.to_json(lay)
        else:
            data = stored
        if decision == DoubtfulDecision.Decision.VALID and data == {"unreadable": True}:
            raise CountingError(
                "录为整张无法辨认的选票不能决定为有效；请按委员会辨认的内容录入选票",
                "ballot",
                "unreadable_valid",
            )
        article = selectors.profile_of(r).article("unreadable")
        d = DoubtfulDecision.objects.create(
            count=bc,
            position=position,
            decision=decision,
            ballot=data,
            deciders=deciders,
            reason=reason,
            article=article,
            decided_by_id=uid,
            at=timezone.now(),
        )
        bc.version += 1
        bc.save(update_fields=["version"])
        audit_record(
            acting_user=acting_user,
            action="counting.doubtful_decide",
            obj=d,
            area=r.election.area,
            after={
                "box": box.name,
                "position": position,
                "decision": decision,
                "ballot": data,
                "deciders": deciders,
                "reason": reason,
                "article": article,
            },
        )
    return d


# --- Totals sheets (a count on paper) ---------------------------------------------------------


def totals_submit(
    *, acting_user: User, box: Box, counts: Mapping[str, object], acknowledged: bool = False
) -> Sheet:
    """A clerk enters one box's totals sheet (invalid ballots, votes per person)."""
    uid = _uid(acting_user)
    r = _fresh(box)
    _require_counting(r)
    _round_count(r, RoundCount.Method.TOTALS)
    with transaction.atomic():
        box = _lock_box(box)
        rec = selectors.sheet(box, Sheet.Kind.RECONCILE)
        if rec is None or not rec.is_definitive:
            raise CountingError(
                f"票箱“{box.name}”尚未开箱清点确定，不能录入计票汇总表", "counts", "not_reconciled"
            )
        collected = int((rec.result or {})[eb.COLLECTED])
        s, _ = Sheet.objects.get_or_create(box=box, kind=Sheet.Kind.TOTALS)
        validate = eb.totals_findings(selectors.layout(r), box.name, collected)
        action = _submit(s, acting_user, counts, validate, acknowledged)
        audit_record(
            acting_user=acting_user,
            action=f"counting.totals_{action.value}",
            obj=s,
            area=r.election.area,
            after={**_audit_counts(s), "clerk": uid},
        )
    return s


def totals_resolve(*, acting_user: User, box: Box, action: str, reason: str = "") -> Sheet:
    """The 总监票人 keeps one of two different totals entries, discards, or reopens."""
    _uid(acting_user)
    r = _fresh(box)
    _require_counting(r)
    _require_chief(r, acting_user)
    reason = _text(reason, "reason", "理由", required=action == EntryAction.REOPEN.value)
    with transaction.atomic():
        r = _lock_round(box)
        box = _lock_box(box)
        s = Sheet.objects.filter(box=box, kind=Sheet.Kind.TOTALS).first()
        if s is None:
            raise CountingError(f"票箱“{box.name}”尚未录入计票汇总表", "action", "no_sheet")
        before = {"state": s.state, "result": s.result}
        the_action = _resolve(s, acting_user, action, reason)
        audit_record(
            acting_user=acting_user,
            action=f"counting.totals_{the_action.value}",
            obj=s,
            area=r.election.area,
            before=before,
            after={**_audit_counts(s), "reason": reason},
        )
    return s


# --- The end of the count ---------------------------------------------------------------------


def count_confirm(*, acting_user: User, round: Round) -> Round:
    """The 总监票人 confirms the complete count (every box reconciled and counted, every
    doubtful ballot decided): the round moves closed → counted and the results part takes it
    from there. Nothing of the count changes afterwards."""
    _uid(acting_user)
    _require_counting(round)
    _require_chief(round, acting_user)
    with transaction.atomic():
        r = Round.objects.select_for_update().select_related("election").get(pk=round.pk)
        _require_counting(r)
        complete, problems = selectors.count_complete(r)
        if not complete:
            raise CountingError("计票尚未完成：" + "；".join(problems), "", "incomplete")
        rc = _round_count(r)
        counted = selectors.round_count(r)
        rc.completed_at = timezone.now()
        rc.save(update_fields=["completed_at"])
        audit_record(
            acting_user=acting_user,
            action="counting.confirm",
            obj=rc,
            area=r.election.area,
            after={
                "round": r.number,
                "method": rc.method,
                "boxes": counted["boxes"],
                "ballots": len(counted.get("ballots", [])),
                "invalid": counted.get("invalid"),
                "totals": counted.get("totals"),
            },
        )
        return polling_services.round_mark_counted(
            acting_user=acting_user, round=r, note="总监票人确认计票完成"
        )


# --- The public screen ------------------------------------------------------------------------

SCREEN_HOURS = 12


def screen_link_create(*, acting_user: User, round: Round, hours: int = SCREEN_HOURS) -> ScreenLink:
    """A read-only address for the hall's public screen of one round: no login, candidate
    names and figures only; it expires after ``hours`` and can be withdrawn at once."""
    _uid(acting_user)
    if not 1 <= hours <= 48:
        raise CountingError("有效时间应为 1 至 48 小时", "hours", "invalid")
    with transaction.atomic():
        link = ScreenLink.objects.create(
            round=round,
            token=secrets.token_urlsafe(24),
            created_by_id=_uid(acting_user),
            expires_at=timezone.now() + timedelta(hours=hours),
        )
        audit_record(
            acting_user=acting_user,
            action="counting.screen_link_create",
            obj=link,
            area=round.election.area,
            after={"round": round.number, "expires_at": link.expires_at},
        )
    return link


def screen_link_revoke(*, acting_user: User, link: ScreenLink) -> ScreenLink:
    _uid(acting_user)
    with transaction.atomic():
        link = ScreenLink.objects.select_for_update().get(pk=link.pk)
        if link.revoked_at is None:
            link.revoked_at = timezone.now()
            link.save(update_fields=["revoked_at"])
            audit_record(
                acting_user=acting_user,
                action="counting.screen_link_revoke",
                obj=link,
                area=link.round.election.area,
                after={"round": link.round.number},
            )
    return link
