"""JSON API of the candidates part: the same operations as the pages, through the same
services and permission checks. Entries of a tally are shown only once both are in."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Path, Router, Schema, Status

from huanjie.apps.campaigns.models import Election
from huanjie.apps.campaigns.selectors import election_for
from huanjie.apps.candidates import documents, selectors, services
from huanjie.apps.candidates.models import ACTIVE, Candidate, NominationRound, Nominee, Notice
from huanjie.apps.roll.selectors import find_voter, registered
from huanjie.core import entry
from huanjie.core.entry import STATE_LABELS, EntryState

router = Router(tags=["candidates"])


class NomineeIn(Schema):
    id_number: str = ""
    voter_id: int | None = None


class NomineeOut(Schema):
    id: int
    label: str
    voter_id: int
    name: str
    sex: str


class PostColumn(Schema):
    key: str
    name: str
    seats: int


class RoundOut(Schema):
    number: int
    kind: str
    post: str | None
    places: int
    names: list[str]
    state: str
    state_label: str
    posts: list[PostColumn]
    nominees: list[str]
    first_clerk: str | None
    first_at: datetime | None
    second_clerk: str | None
    second_at: datetime | None
    resolution: str
    first_counts: dict[str, int] | None
    second_counts: dict[str, int] | None
    differences: list[str]
    result: dict[str, int] | None


class EntryIn(Schema):
    counts: dict[str, int]
    acknowledged: bool = False


class FindingOut(Schema):
    code: str
    level: str
    key: str
    message: str


class EntryRefused(Schema):
    detail: str
    field: str
    code: str
    findings: list[FindingOut]


class ResolveIn(Schema):
    action: str
    reason: str = ""


class ReviewOut(Schema):
    department: str
    department_name: str
    finding: str
    reason: str
    reviewed_on: date


class CandidateOut(Schema):
    id: int
    name: str
    sex: str
    post: str
    post_name: str
    votes: int
    source: str
    status: str
    status_label: str
    status_reason: str
    replaces: int | None
    reviews: list[ReviewOut]
    statement: str
    pledge_signed: bool
    pledge_date: date | None
    withdrawn_on: date | None
    withdrawal_reason: str
    committee_note: str
    warnings: list[str]


class ReviewIn(Schema):
    department: str
    finding: str
    reason: str = ""
    reviewed_on: date | None = None


class WithdrawIn(Schema):
    written: bool
    reason: str
    withdrawn_on: date | None = None


class StatementIn(Schema):
    statement: str = ""
    pledge_signed: bool = False
    pledge_date: date | None = None


class NoticeIn(Schema):
    kind: str
    start: date
    days: int
    reason: str = ""  # 更正理由: required to replace a list that is published and in force


class DepartmentFindingIn(Schema):
    candidate_id: int
    finding: str
    reason: str = ""


class DepartmentReviewIn(Schema):
    department: str
    reviewed_on: date | None = None
    findings: list[DepartmentFindingIn]


class NoticeOut(Schema):
    id: int
    kind: str
    start: date
    days: int
    end: date
    order: str
    current: bool
    superseded_reason: str
    content: dict[str, Any]


class PendingRevote(Schema):
    post: str
    post_name: str
    names: list[str]
    places: int


class OverviewOut(Schema):
    candidates: list[CandidateOut]
    rounds: list[RoundOut]
    notices: list[NoticeOut]
    pending_revotes: list[PendingRevote]
    contest_problems: list[str]
    blockers: list[str]


class FormalCandidateOut(Schema):
    candidate_id: int
    voter_id: int
    name: str
    sex: str
    votes: int


class FormalPostOut(Schema):
    kind: str
    name: str
    seats: int
    women_only: bool
    candidates: list[FormalCandidateOut]


def _clerk(user: Any) -> str | None:
    return (user.first_name or user.username) if user is not None else None


def _round_out(r: NominationRound) -> RoundOut:
    sheet = selectors.layout(r)
    visible = selectors.may_see_entries(r)
    first = r.first_counts if visible else None
    second = r.second_counts if visible else None
    return RoundOut(
        number=r.number,
        kind=r.kind,
        post=r.post.kind if r.post else None,
        places=r.places,
        names=list(r.names),
        state=r.state,
        state_label=STATE_LABELS[EntryState(r.state)],
        posts=[PostColumn(key=k, name=n, seats=s) for k, n, s in sheet.posts],
        nominees=sheet.names,
        first_clerk=_clerk(r.first_clerk),
        first_at=r.first_at,
        second_clerk=_clerk(r.second_clerk),
        second_at=r.second_at,
        resolution=r.resolution,
        first_counts=first,
        second_counts=second,
        differences=list(entry.differences(first, second)) if first and second else [],
        result=r.result,
    )


def _candidate_out(election: Election, c: Candidate) -> CandidateOut:
    return CandidateOut(
        id=c.pk,
        name=c.voter.name,
        sex=c.voter.sex,
        post=c.post.kind,
        post_name=c.post.get_kind_display(),
        votes=c.votes,
        source=c.source,
        status=c.status,
        status_label=c.get_status_display(),
        status_reason=c.status_reason,
        replaces=c.replaces_id,
        reviews=[
            ReviewOut(
                department=r.department,
                department_name=r.get_department_display(),
                finding=r.finding,
                reason=r.reason,
                reviewed_on=r.reviewed_on,
            )
            for r in c.reviews.all()
        ],
        statement=c.statement,
        pledge_signed=c.pledge_signed,
        pledge_date=c.pledge_date,
        withdrawn_on=c.withdrawn_on,
        withdrawal_reason=c.withdrawal_reason,
        committee_note=c.committee_note,
        warnings=selectors.candidate_warnings(election, c),
    )


def _notice_out(n: Notice) -> NoticeOut:
    return NoticeOut(
        id=n.pk,
        kind=n.kind,
        start=n.start,
        days=n.days,
        end=n.end,
        order=n.order,
        current=n.is_current,
        superseded_reason=n.superseded_reason,
        content=n.content,
    )


def _nominee_out(n: Nominee) -> NomineeOut:
    return NomineeOut(
        id=n.pk, label=n.label, voter_id=n.voter_id, name=n.voter.name, sex=n.voter.sex
    )


def _get_round(election: Election, number: int) -> NominationRound:
    r = selectors.rounds(election).filter(number=number).first()
    if r is None:
        raise Http404
    return r


def _get_candidate(election: Election, candidate_id: int) -> Candidate:
    c = selectors.candidates(election).filter(pk=candidate_id).first()
    if c is None:
        raise Http404
    return c


@router.get("/", response=OverviewOut)
def overview(request: HttpRequest, election_id: Path[int]) -> OverviewOut:
    election = election_for(request.user, election_id)
    cands = list(selectors.candidates(election))
    decision = selectors.latest_decision(election)
    return OverviewOut(
        candidates=[_candidate_out(election, c) for c in cands],
        rounds=[_round_out(r) for r in selectors.rounds(election)],
        notices=[_notice_out(n) for n in selectors.notices(election)],
        pending_revotes=[
            PendingRevote(**p)
            for p in (decision.outcome.get("pending_revotes", []) if decision else [])
        ],
        contest_problems=selectors.contest_problems(
            election, [c for c in cands if c.status in ACTIVE]
        )
        if decision
        else [],
        blockers=selectors.nomination_blockers(election),
    )


@router.get("/nominees", response=list[NomineeOut])
def list_nominees(request: HttpRequest, election_id: Path[int]) -> list[NomineeOut]:
    election = election_for(request.user, election_id)
    return [_nominee_out(n) for n in selectors.nominees(election)]


@router.post("/nominees", response={201: NomineeOut})
def add_nominee(
    request: HttpRequest, election_id: Path[int], data: NomineeIn
) -> Status[NomineeOut]:
    election = election_for(request.user, election_id, change=True)
    if data.voter_id is not None:
        voter = registered(election).filter(pk=data.voter_id).first()
    else:
        voter = find_voter(election, id_number=data.id_number)
    if voter is None:
        raise services.CandidateError(
            "没有找到这位登记选民（须已列入本次选举的选民名单）",
            "voter_id" if data.voter_id is not None else "id_number",
            "not_a_voter",
        )
    nominee = services.nominee_add(acting_user=request.user, election=election, voter=voter)  # type: ignore[arg-type]
    return Status(201, _nominee_out(nominee))


@router.delete("/nominees/{nominee_id}", response={204: None})
def remove_nominee(request: HttpRequest, election_id: Path[int], nominee_id: int) -> Status[None]:
    election = election_for(request.user, election_id, change=True)
    nominee = selectors.nominees(election).filter(pk=nominee_id).first()
    if nominee is None:
        raise Http404
    services.nominee_remove(acting_user=request.user, nominee=nominee)  # type: ignore[arg-type]
    return Status(204, None)


@router.post("/rounds", response={201: RoundOut})
def start_round(request: HttpRequest, election_id: Path[int]) -> Status[RoundOut]:
    election = election_for(request.user, election_id, change=True)
    r = services.nomination_round_start(acting_user=request.user, election=election)  # type: ignore[arg-type]
    return Status(201, _round_out(r))


@router.get("/rounds/{number}", response=RoundOut)
def get_round(request: HttpRequest, election_id: Path[int], number: int) -> RoundOut:
    election = election_for(request.user, election_id)
    return _round_out(_get_round(election, number))


@router.post("/rounds/{number}/entries", response={200: RoundOut, 400: EntryRefused})
def submit_entry(
    request: HttpRequest, election_id: Path[int], number: int, data: EntryIn
) -> RoundOut | Status[EntryRefused]:
    """A clerk submits the whole sheet: keys ``<post>:issued``, ``<post>:returned`` and
    ``<post>:votes:<name>`` (names as on the list of nominees); a missing key counts as 0."""
    election = election_for(request.user, election_id, change=True)
    r = _get_round(election, number)
    try:
        r = services.tally_submit(
            acting_user=request.user,  # type: ignore[arg-type]
            round=r,
            counts=data.counts,
            acknowledged=data.acknowledged,
        )
    except services.CandidateError as err:
        return Status(
            400,
            EntryRefused(
                detail=err.message,
                field=err.field,
                code=err.code,
                findings=[
                    FindingOut(code=f.code, level=f.level, key=f.key, message=f.message)
                    for f in err.findings
                ],
            ),
        )
    return _round_out(r)


@router.post("/rounds/{number}/resolve", response=RoundOut)
def resolve_round(
    request: HttpRequest, election_id: Path[int], number: int, data: ResolveIn
) -> RoundOut:
    election = election_for(request.user, election_id, change=True)
    r = services.tally_resolve(
        acting_user=request.user,  # type: ignore[arg-type]
        round=_get_round(election, number),
        action=data.action,
        reason=data.reason,
    )
    return _round_out(r)


@router.get("/candidates/{candidate_id}", response=CandidateOut)
def get_candidate(request: HttpRequest, election_id: Path[int], candidate_id: int) -> CandidateOut:
    election = election_for(request.user, election_id)
    return _candidate_out(election, _get_candidate(election, candidate_id))


@router.post("/candidates/{candidate_id}/reviews", response=CandidateOut)
def record_review(
    request: HttpRequest, election_id: Path[int], candidate_id: int, data: ReviewIn
) -> CandidateOut:
    election = election_for(request.user, election_id, change=True)
    services.review_record(
        acting_user=request.user,  # type: ignore[arg-type]
        candidate=_get_candidate(election, candidate_id),
        department=data.department,
        finding=data.finding,
        reason=data.reason,
        reviewed_on=data.reviewed_on,
    )
    return _candidate_out(election, _get_candidate(election, candidate_id))


@router.post("/reviews", response=list[CandidateOut])
def record_department_reviews(
    request: HttpRequest, election_id: Path[int], data: DepartmentReviewIn
) -> list[CandidateOut]:
    """One department's findings on several candidates at once (all stored or none)."""
    election = election_for(request.user, election_id, change=True)
    findings = [
        services.DepartmentFinding(
            candidate=_get_candidate(election, f.candidate_id), finding=f.finding, reason=f.reason
        )
        for f in data.findings
    ]
    services.reviews_record(
        acting_user=request.user,  # type: ignore[arg-type]
        election=election,
        department=data.department,
        findings=findings,
        reviewed_on=data.reviewed_on,
    )
    return [_candidate_out(election, _get_candidate(election, f.candidate.pk)) for f in findings]


@router.post("/candidates/{candidate_id}/withdraw", response=CandidateOut)
def withdraw(
    request: HttpRequest, election_id: Path[int], candidate_id: int, data: WithdrawIn
) -> CandidateOut:
    election = election_for(request.user, election_id, change=True)
    services.candidate_withdraw(
        acting_user=request.user,  # type: ignore[arg-type]
        candidate=_get_candidate(election, candidate_id),
        written=data.written,
        reason=data.reason,
        withdrawn_on=data.withdrawn_on,
    )
    return _candidate_out(election, _get_candidate(election, candidate_id))


@router.post("/candidates/{candidate_id}/statement", response=CandidateOut)
def save_statement(
    request: HttpRequest, election_id: Path[int], candidate_id: int, data: StatementIn
) -> CandidateOut:
    election = election_for(request.user, election_id, change=True)
    services.candidate_statement_save(
        acting_user=request.user,  # type: ignore[arg-type]
        candidate=_get_candidate(election, candidate_id),
        statement=data.statement,
        pledge_signed=data.pledge_signed,
        pledge_date=data.pledge_date,
    )
    return _candidate_out(election, _get_candidate(election, candidate_id))


@router.get("/notices", response=list[NoticeOut])
def list_notices(request: HttpRequest, election_id: Path[int]) -> list[NoticeOut]:
    election = election_for(request.user, election_id)
    return [_notice_out(n) for n in selectors.notices(election)]


@router.post("/notices", response={201: NoticeOut})
def publish_notice(
    request: HttpRequest, election_id: Path[int], data: NoticeIn
) -> Status[NoticeOut]:
    election = election_for(request.user, election_id, change=True)
    notice = services.notice_publish(
        acting_user=request.user,  # type: ignore[arg-type]
        election=election,
        kind=data.kind,
        start=data.start,
        days=data.days,
        reason=data.reason,
    )
    return Status(201, _notice_out(notice))


@router.get("/notices/{notice_id}/pdf")
def notice_pdf(request: HttpRequest, election_id: Path[int], notice_id: int) -> HttpResponse:
    election = election_for(request.user, election_id)
    notice = selectors.notices(election).filter(pk=notice_id).first()
    if notice is None:
        raise Http404
    response = HttpResponse(documents.notice_pdf(election, notice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="candidates-{notice.kind}-{notice.pk}.pdf"'
    return response


@router.get("/formal-list", response=list[FormalPostOut])
def get_formal_list(request: HttpRequest, election_id: Path[int]) -> list[selectors.FormalPost]:
    election = election_for(request.user, election_id)
    return selectors.formal_list(election)
