"""JSON API of 计票: the same services and permission checks as the pages. The keyboard page
records ballots through ``POST …/boxes/{box_id}/passes/{pass_no}/ballots``: one request per
ballot, idempotent by (box, pass, position)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Path, Router, Schema, Status

from huanjie.apps.campaigns.models import Election
from huanjie.apps.campaigns.selectors import election_for
from huanjie.apps.counting import selectors, services
from huanjie.apps.counting.models import BoxCount, ScreenLink, Sheet
from huanjie.apps.polling import selectors as polling
from huanjie.apps.polling.models import Box, Round
from huanjie.core.count import entry_ballots as eb
from huanjie.core.entry import STATE_LABELS, EntryState

router = Router(tags=["counting"])


# --- Schemas ----------------------------------------------------------------------------------


class FindingOut(Schema):
    code: str
    level: str
    key: str
    message: str


class Refused(Schema):
    detail: str
    field: str
    code: str
    findings: list[FindingOut]


class StartIn(Schema):
    method: str = "ballots"


class ReconcileIn(Schema):
    collected: int
    acknowledged: bool = False


class ResolveIn(Schema):
    action: str
    reason: str = ""


class BallotIn(Schema):
    """One ballot: ``keys`` — the keyboard fields, one per post in ballot order (numbers of
    the candidates as printed, ``+姓名`` written in, ``x`` section unreadable, ``*`` whole
    ballot unreadable, ``?`` doubtful) — or ``ballot`` in the ``huanjie.round/1`` format."""

    position: int
    keys: list[str] | None = None
    ballot: dict[str, Any] | None = None
    doubtful: bool = False


class CorrectIn(Schema):
    keys: list[str] | None = None
    ballot: dict[str, Any] | None = None
    doubtful: bool = False


class SettleIn(Schema):
    position: int
    choice: str
    keys: list[str] | None = None
    ballot: dict[str, Any] | None = None
    doubtful: bool = False
    reason: str = ""


class ReasonIn(Schema):
    reason: str


class DoubtfulIn(Schema):
    position: int
    decision: str
    deciders: str
    reason: str
    keys: list[str] | None = None
    ballot: dict[str, Any] | None = None


class TotalsIn(Schema):
    counts: dict[str, int]
    acknowledged: bool = False


class ScreenLinkIn(Schema):
    hours: int = services.SCREEN_HOURS


class ScreenLinkOut(Schema):
    id: int
    url: str
    expires_at: datetime


class RecordedOut(Schema):
    box_id: int
    pass_no: int
    position: int
    replay: bool
    ballot: dict[str, Any]
    doubtful: bool
    text: str
    keys: list[str]
    valid: bool | None
    summary: str
    warnings: list[FindingOut]
    entered: int
    collected: int
    next_position: int | None
    state: str
    state_label: str


class SheetOut(Schema):
    kind: str
    state: str
    state_label: str
    first_clerk: str | None
    first_at: datetime | None
    second_clerk: str | None
    second_at: datetime | None
    result: dict[str, int] | None
    resolution: str
    decision: dict[str, Any] | None


class BoxOut(Schema):
    id: int
    name: str
    station: str
    kind: str
    voters: int
    issued: int
    collected: int | None
    reconcile: SheetOut | None
    totals: SheetOut | None
    state: str | None
    state_label: str | None
    first_clerk: str | None
    first_entered: int
    second_clerk: str | None
    second_entered: int
    differing: int
    doubts: int
    problems: list[str]


class RoundOut(Schema):
    number: int
    name: str
    status: str
    status_label: str
    method: str | None
    boxes: list[BoxOut]
    complete: bool
    problems: list[str]
    reconciliation: list[dict[str, Any]]


class PassBallotOut(Schema):
    position: int
    ballot: dict[str, Any]
    doubtful: bool
    text: str
    keys: list[str]
    summary: str


class PassOut(Schema):
    box_id: int
    pass_no: int
    clerk: str | None
    entered: int
    collected: int
    next_position: int | None
    state: str
    ballots: list[PassBallotOut]


class DifferenceOut(Schema):
    position: int
    first: str
    second: str
    first_ballot: dict[str, Any]
    second_ballot: dict[str, Any]
    cells: list[str]


# --- Helpers ----------------------------------------------------------------------------------


def _name(user: Any) -> str | None:
    return (user.first_name or user.username) if user is not None else None


def _round(election: Election, number: int) -> Round:
    r = Round.objects.select_related("election").filter(election=election, number=number).first()
    if r is None:
        raise Http404
    return r


def _box(election: Election, box_id: int) -> Box:
    box = Box.objects.select_related("round").filter(pk=box_id, round__election=election).first()
    if box is None:
        raise Http404
    box.round.election = election  # already loaded (and checked) by election_for
    return box


def _refused(err: services.CountingError) -> Status[Refused]:
    return Status(
        400,
        Refused(
            detail=err.message,
            field=err.field,
            code=err.code,
            findings=[
                FindingOut(code=f.code, level=f.level, key=f.key, message=f.message)
                for f in err.findings
            ],
        ),
    )


def _findings(items: Any) -> list[FindingOut]:
    return [FindingOut(code=f.code, level=f.level, key=f.key, message=f.message) for f in items]


def _sheet_out(s: Sheet | None) -> SheetOut | None:
    if s is None:
        return None
    definitive = s.state == EntryState.DEFINITIVE.value
    return SheetOut(
        kind=s.kind,
        state=s.state,
        state_label=STATE_LABELS[EntryState(s.state)],
        first_clerk=_name(s.first_clerk),
        first_at=s.first_at,
        second_clerk=_name(s.second_clerk),
        second_at=s.second_at,
        # Nobody sees an entry's figures before the sheet is definitive.
        result=s.result if definitive else None,
        resolution=s.resolution,
        decision=s.decision,
    )


def _round_out(r: Round) -> RoundOut:
    rc = selectors.round_count_row(r)
    complete, problems = selectors.count_complete(r)
    boxes = []
    for v in selectors.overview(r):
        bc = v.count
        boxes.append(
            BoxOut(
                id=v.box.pk,
                name=v.box.name,
                station=v.box.station.name,
                kind=v.box.kind,
                voters=v.voters,
                issued=v.issued,
                collected=v.collected,
                reconcile=_sheet_out(v.reconcile),
                totals=_sheet_out(v.totals),
                state=bc.state if bc else None,
                state_label=bc.get_state_display() if bc else None,
                first_clerk=_name(bc.first_clerk) if bc else None,
                first_entered=bc.first_entered if bc else 0,
                second_clerk=_name(bc.second_clerk) if bc else None,
                second_entered=bc.second_entered if bc else 0,
                differing=v.differing,
                doubts=v.doubts,
                problems=v.problems,
            )
        )
    return RoundOut(
        number=r.number,
        name=str(r),
        status=r.status,
        status_label=r.get_status_display(),
        method=rc.method if rc else None,
        boxes=boxes,
        complete=complete,
        problems=problems,
        reconciliation=selectors.round_reconciliation(r),
    )


def _recorded_out(box: Box, rec: services.Recorded) -> RecordedOut:
    lay = selectors.layout(box.round)
    nxt = rec.entered + 1 if rec.entered < rec.collected else None
    return RecordedOut(
        box_id=box.pk,
        pass_no=rec.entry.pass_no,
        position=rec.entry.position,
        replay=rec.replay,
        ballot=rec.entry.ballot,
        doubtful=rec.entry.doubtful,
        text=eb.describe(lay, rec.marks),
        keys=eb.keys_of(lay, rec.marks),
        valid=rec.assessment.valid,
        summary=rec.assessment.summary,
        warnings=_findings(rec.assessment.warnings),
        entered=rec.entered,
        collected=rec.collected,
        next_position=nxt,
        state=rec.state,
        state_label=eb.BOX_STATE_LABELS[eb.BoxState(rec.state)],
    )


# --- Rounds -----------------------------------------------------------------------------------


@router.get("/rounds/{number}", response=RoundOut)
def get_round(request: HttpRequest, election_id: Path[int], number: int) -> RoundOut:
    election = election_for(request.user, election_id)
    return _round_out(_round(election, number))


@router.post("/rounds/{number}/start", response=RoundOut)
def start(request: HttpRequest, election_id: Path[int], number: int, data: StartIn) -> RoundOut:
    """Counting of a closed round begins: ``ballots`` (逐张录入) or ``totals`` (汇总表)."""
    election = election_for(request.user, election_id, change=True)
    r = _round(election, number)
    services.count_start(acting_user=request.user, round=r, method=data.method)  # type: ignore[arg-type]
    return _round_out(r)


@router.post("/rounds/{number}/confirm", response=RoundOut)
def confirm(request: HttpRequest, election_id: Path[int], number: int) -> RoundOut:
    """The 总监票人 confirms the complete count; the round moves to 计票完成."""
    election = election_for(request.user, election_id, change=True)
    r = services.count_confirm(acting_user=request.user, round=_round(election, number))  # type: ignore[arg-type]
    return _round_out(r)


@router.get("/rounds/{number}/count", response=dict[str, Any])
def round_count(request: HttpRequest, election_id: Path[int], number: int) -> dict[str, Any]:
    """The count's part of the round's ``huanjie.round/1`` input (once complete)."""
    election = election_for(request.user, election_id)
    r = _round(election, number)
    try:
        return selectors.round_count(r)
    except ValueError as err:
        raise services.CountingError(str(err), "", "incomplete") from err


@router.get("/rounds/{number}/screen", response=dict[str, Any])
def screen(request: HttpRequest, election_id: Path[int], number: int) -> dict[str, Any]:
    """The public screen's figures (candidate names and counts only)."""
    election = election_for(request.user, election_id)
    return selectors.screen(_round(election, number))


@router.post("/rounds/{number}/screen-links", response=ScreenLinkOut)
def create_screen_link(
    request: HttpRequest, election_id: Path[int], number: int, data: ScreenLinkIn
) -> ScreenLinkOut:
    election = election_for(request.user, election_id, change=True)
    link = services.screen_link_create(
        acting_user=request.user,  # type: ignore[arg-type]
        round=_round(election, number),
        hours=data.hours,
    )
    return ScreenLinkOut(
        id=link.pk,
        url=request.build_absolute_uri(f"/elections/{election.pk}/counting/screen/{link.token}/"),
        expires_at=link.expires_at,
    )


@router.post("/screen-links/{link_id}/revoke", response=dict[str, Any])
def revoke_screen_link(
    request: HttpRequest, election_id: Path[int], link_id: int
) -> dict[str, Any]:
    election = election_for(request.user, election_id, change=True)
    link = ScreenLink.objects.filter(pk=link_id, round__election=election).first()
    if link is None:
        raise Http404
    services.screen_link_revoke(acting_user=request.user, link=link)  # type: ignore[arg-type]
    return {"revoked": True}


# --- Boxes ------------------------------------------------------------------------------------


@router.post("/boxes/{box_id}/reconcile", response={200: SheetOut, 400: Refused})
def reconcile(
    request: HttpRequest, election_id: Path[int], box_id: int, data: ReconcileIn
) -> SheetOut | Status[Refused]:
    """A clerk enters the ballots collected from the opened box (开箱清点), first or second
    entry; a count over the box's voters (or issued ballots) is a warning to acknowledge."""
    election = election_for(request.user, election_id, change=True)
    try:
        s = services.box_reconcile(
            acting_user=request.user,  # type: ignore[arg-type]
            box=_box(election, box_id),
            collected=data.collected,
            acknowledged=data.acknowledged,
        )
    except services.CountingError as err:
        return _refused(err)
    out = _sheet_out(s)
    assert out is not None
    return out


@router.post("/boxes/{box_id}/reconcile/resolve", response=SheetOut)
def reconcile_resolve(
    request: HttpRequest, election_id: Path[int], box_id: int, data: ResolveIn
) -> SheetOut:
    election = election_for(request.user, election_id, change=True)
    s = services.reconcile_resolve(
        acting_user=request.user,  # type: ignore[arg-type]
        box=_box(election, box_id),
        action=data.action,
        reason=data.reason,
    )
    out = _sheet_out(s)
    assert out is not None
    return out


def _pass_out(box: Box, bc: BoxCount, pass_no: int, user: Any) -> PassOut:
    clerk_id = bc.first_clerk_id if pass_no == 1 else bc.second_clerk_id
    entered = bc.first_entered if pass_no == 1 else bc.second_entered
    lay = selectors.layout(box.round)
    profile = selectors.profile_of(box.round)
    ballots: list[PassBallotOut] = []
    # A pass's ballots are shown to its own clerk only (never to the other pass's clerk).
    if clerk_id is not None and clerk_id == user.pk:
        for e in selectors.entries(bc, pass_no):
            m = selectors.marks_of(lay, e.ballot, e.doubtful)
            ballots.append(
                PassBallotOut(
                    position=e.position,
                    ballot=e.ballot,
                    doubtful=e.doubtful,
                    text=eb.describe(lay, m),
                    keys=eb.keys_of(lay, m),
                    summary=eb.assess(lay, m, profile).summary,
                )
            )
    return PassOut(
        box_id=box.pk,
        pass_no=pass_no,
        clerk=_name(bc.first_clerk if pass_no == 1 else bc.second_clerk),
        entered=entered,
        collected=bc.collected,
        next_position=entered + 1 if entered < bc.collected else None,
        state=bc.state,
        ballots=ballots,
    )


def _count_of(box: Box) -> BoxCount:
    bc = selectors.box_count(box)
    if bc is None:
        raise services.CountingError(
            f"票箱“{box.name}”尚未开箱清点（或清点尚未确定），不能录入选票", "", "not_reconciled"
        )
    return bc


@router.get("/boxes/{box_id}/passes/{pass_no}", response=PassOut)
def get_pass(request: HttpRequest, election_id: Path[int], box_id: int, pass_no: int) -> PassOut:
    """Where one pass stands (the next position to type); its ballots only to its clerk."""
    election = election_for(request.user, election_id)
    box = _box(election, box_id)
    if pass_no not in eb.PASSES:
        raise Http404
    return _pass_out(box, _count_of(box), pass_no, request.user)


@router.post("/boxes/{box_id}/passes/{pass_no}/ballots", response={200: RecordedOut, 400: Refused})
def record_ballot(
    request: HttpRequest, election_id: Path[int], box_id: int, pass_no: int, data: BallotIn
) -> RecordedOut | Status[Refused]:
    """Record one ballot at ``position`` of this pass (one committed row). Sending the same
    ballot for the same position again (a retry) changes nothing and answers ``replay``."""
    election = election_for(request.user, election_id, change=True)
    box = _box(election, box_id)
    try:
        rec = services.ballot_record(
            acting_user=request.user,  # type: ignore[arg-type]
            box=box,
            pass_no=pass_no,
            position=data.position,
            keys=data.keys,
            ballot=data.ballot,
            doubtful=data.doubtful,
        )
    except services.CountingError as err:
        return _refused(err)
    return _recorded_out(box, rec)


@router.put(
    "/boxes/{box_id}/passes/{pass_no}/ballots/{position}",
    response={200: RecordedOut, 400: Refused},
)
def correct_ballot(
    request: HttpRequest,
    election_id: Path[int],
    box_id: int,
    pass_no: int,
    position: int,
    data: CorrectIn,
) -> RecordedOut | Status[Refused]:
    """The clerk of this pass corrects one of its ballots (the earlier version is kept)."""
    election = election_for(request.user, election_id, change=True)
    box = _box(election, box_id)
    try:
        rec = services.ballot_correct(
            acting_user=request.user,  # type: ignore[arg-type]
            box=box,
            pass_no=pass_no,
            position=position,
            keys=data.keys,
            ballot=data.ballot,
            doubtful=data.doubtful,
        )
    except services.CountingError as err:
        return _refused(err)
    return _recorded_out(box, rec)


@router.get("/boxes/{box_id}/differences", response=list[DifferenceOut])
def differences(request: HttpRequest, election_id: Path[int], box_id: int) -> list[DifferenceOut]:
    """Ballots the two passes differ on, side by side — for the 总监票人 only."""
    election = election_for(request.user, election_id, change=True)
    box = _box(election, box_id)
    if not polling.is_chief_scrutineer(election, request.user):
        raise services.CountingError("只有总监票人可以查看两遍录入的差异", "", "not_chief")
    return _differences(box, _count_of(box))


def _differences(box: Box, bc: BoxCount) -> list[DifferenceOut]:
    lay = selectors.layout(box.round)
    cmp = selectors.compare(bc)
    out = []
    for pos in cmp.differing():
        a, b = cmp.first[pos], cmp.second[pos]
        ma = selectors.marks_of(lay, a.ballot, a.doubtful)
        mb = selectors.marks_of(lay, b.ballot, b.doubtful)
        out.append(
            DifferenceOut(
                position=pos,
                first=eb.describe(lay, ma),
                second=eb.describe(lay, mb),
                first_ballot=a.ballot,
                second_ballot=b.ballot,
                cells=list(eb.differences(lay, ma, mb)),
            )
        )
    return out


@router.post("/boxes/{box_id}/settle", response={200: dict[str, Any], 400: Refused})
def settle(
    request: HttpRequest, election_id: Path[int], box_id: int, data: SettleIn
) -> dict[str, Any] | Status[Refused]:
    """The 总监票人 settles one differing ballot: ``keep_first``, ``keep_second`` or
    ``as_read`` (with ``keys``/``ballot`` as the paper reads)."""
    election = election_for(request.user, election_id, change=True)
    box = _box(election, box_id)
    try:
        s = services.ballot_settle(
            acting_user=request.user,  # type: ignore[arg-type]
            box=box,
            position=data.position,
            choice=data.choice,
            keys=data.keys,
            ballot=data.ballot,
            doubtful=data.doubtful,
            reason=data.reason,
        )
    except services.CountingError as err:
        return _refused(err)
    bc = _count_of(box)
    return {"position": s.position, "choice": s.choice, "ballot": s.ballot, "state": bc.state}


@router.post("/boxes/{box_id}/passes/{pass_no}/discard", response=dict[str, Any])
def discard_pass(
    request: HttpRequest, election_id: Path[int], box_id: int, pass_no: int, data: ReasonIn
) -> dict[str, Any]:
    election = election_for(request.user, election_id, change=True)
    bc = services.pass_discard(
        acting_user=request.user,  # type: ignore[arg-type]
        box=_box(election, box_id),
        pass_no=pass_no,
        reason=data.reason,
    )
    return {
        "state": bc.state,
        "first_entered": bc.first_entered,
        "second_entered": bc.second_entered,
    }


@router.post("/boxes/{box_id}/reopen", response=dict[str, Any])
def reopen(
    request: HttpRequest, election_id: Path[int], box_id: int, data: ReasonIn
) -> dict[str, Any]:
    election = election_for(request.user, election_id, change=True)
    bc = services.box_reopen(
        acting_user=request.user,  # type: ignore[arg-type]
        box=_box(election, box_id),
        reason=data.reason,
    )
    return {"state": bc.state}


@router.post("/boxes/{box_id}/doubtful", response={200: dict[str, Any], 400: Refused})
def decide_doubtful(
    request: HttpRequest, election_id: Path[int], box_id: int, data: DoubtfulIn
) -> dict[str, Any] | Status[Refused]:
    """The committee's decision on a doubtful ballot (valid as read, or invalid)."""
    election = election_for(request.user, election_id, change=True)
    try:
        d = services.doubtful_decide(
            acting_user=request.user,  # type: ignore[arg-type]
            box=_box(election, box_id),
            position=data.position,
            decision=data.decision,
            deciders=data.deciders,
            reason=data.reason,
            keys=data.keys,
            ballot=data.ballot,
        )
    except services.CountingError as err:
        return _refused(err)
    return {
        "position": d.position,
        "decision": d.decision,
        "ballot": d.ballot,
        "article": d.article,
    }


@router.post("/boxes/{box_id}/totals", response={200: SheetOut, 400: Refused})
def totals(
    request: HttpRequest, election_id: Path[int], box_id: int, data: TotalsIn
) -> SheetOut | Status[Refused]:
    """A clerk enters the box's totals sheet: ``invalid``, ``votes:<职务>:<姓名>`` and
    ``write_in:<职务>:<姓名>``; a missing cell counts as 0."""
    election = election_for(request.user, election_id, change=True)
    try:
        s = services.totals_submit(
            acting_user=request.user,  # type: ignore[arg-type]
            box=_box(election, box_id),
            counts=data.counts,
            acknowledged=data.acknowledged,
        )
    except services.CountingError as err:
        return _refused(err)
    out = _sheet_out(s)
    assert out is not None
    return out


@router.post("/boxes/{box_id}/totals/resolve", response=SheetOut)
def totals_resolve(
    request: HttpRequest, election_id: Path[int], box_id: int, data: ResolveIn
) -> SheetOut:
    election = election_for(request.user, election_id, change=True)
    s = services.totals_resolve(
        acting_user=request.user,  # type: ignore[arg-type]
        box=_box(election, box_id),
        action=data.action,
        reason=data.reason,
    )
    out = _sheet_out(s)
    assert out is not None
    return out
