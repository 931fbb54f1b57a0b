"""JSON API of 投票: the same services and permission checks as the pages. Every operation
starts with ``election_for`` (404/403 for other villages)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Path, Router, Schema, Status

from huanjie.apps.campaigns.models import Election
from huanjie.apps.campaigns.selectors import election_for
from huanjie.apps.polling import selectors, services
from huanjie.apps.polling.models import Box, CheckIn, MobileVisit, Round, Staff
from huanjie.apps.roll.models import Voter
from huanjie.apps.roll.selectors import mask_id, registered
from huanjie.core import rounds as core_rounds
from huanjie.core.rounds import RoundState

router = Router(tags=["polling"])


# --- Schemas ----------------------------------------------------------------------------------


class BoxOut(Schema):
    id: int
    name: str
    kind: str
    station: str
    voters: int
    issued: int
    present: int
    by_proxy: int
    assisted: int


class FiguresOut(Schema):
    electorate: int
    voters: int
    issued: int
    present: int
    by_proxy: int
    assisted: int
    mobile: int
    quorum_needed: int
    quorum_met: bool
    short_of_quorum: int
    quorum_text: str
    quorum_article: str
    boxes: list[BoxOut]


class RoundOut(Schema):
    number: int
    kind: str
    kind_label: str
    parent: int | None
    held_on: date
    status: str
    status_label: str
    actions: list[str]
    opened_at: datetime | None
    closed_at: datetime | None
    posts: list[dict[str, Any]]
    candidates: list[dict[str, Any]]
    figures: FiguresOut


class RoundIn(Schema):
    held_on: date | None = None


class ActionIn(Schema):
    action: str  # open | close


class StationIn(Schema):
    name: str
    place: str = ""


class StationOut(Schema):
    id: int
    name: str
    kind: str
    place: str


class BoxIn(Schema):
    name: str
    station_id: int
    kind: str = "fixed"


class StaffIn(Schema):
    role: str
    voter_id: int | None = None
    name: str = ""
    id_number: str = ""
    user_id: int | None = None
    station_id: int | None = None


class StaffOut(Schema):
    id: int
    role: str
    role_label: str
    name: str
    masked_id: str
    voter_id: int | None
    user_id: int | None
    station: str | None
    basis: str


class EscortsIn(Schema):
    staff_ids: list[int]


class VisitIn(Schema):
    voter_id: int
    reason: str


class VisitOut(Schema):
    id: int
    voter_id: int
    name: str
    reason: str


class MobileOut(Schema):
    id: int
    name: str
    escorts: list[str]
    escorts_min: int
    escorts_basis: str
    problems: list[str]
    visits: list[VisitOut]
    departed_at: datetime | None
    returned_at: datetime | None


class IssueIn(Schema):
    box_id: int
    voter_id: int | None = None
    card: str = ""  # the voter card's QR text, instead of voter_id
    principal_ids: list[int] = Field(default_factory=list)
    writer_id: int | None = None


class ProxiesIn(Schema):
    holder_id: int
    principal_ids: list[int]


class WritingIn(Schema):
    voter_id: int
    writer_id: int


class IssueOut(Schema):
    voter_id: int
    name: str
    by_proxy: bool
    writer: str | None


class CheckInOut(Schema):
    id: int
    voter_id: int
    name: str
    box: str
    method: str
    at: datetime
    issues: list[IssueOut]


class PrincipalOut(Schema):
    voter_id: int
    name: str
    serial: str
    status: str


class VoterRowOut(Schema):
    voter_id: int
    name: str
    group: str
    masked_id: str
    status: str
    may_issue: bool
    checked_in: bool
    principals: list[PrincipalOut]


# --- Helpers ----------------------------------------------------------------------------------


def _round(election: Election, number: int) -> Round:
    r = selectors.rounds(election).filter(number=number).first()
    if r is None:
        raise Http404
    return r


def _box(r: Round, box_id: int) -> Box:
    box = Box.objects.filter(round=r, pk=box_id).first()
    if box is None:
        raise services.PollingError("本轮没有这个票箱", "box_id", "unknown_box")
    return box


def _voter(election: Election, voter_id: int, field: str) -> Voter:
    v = registered(election).filter(pk=voter_id).first()
    if v is None:
        raise services.PollingError("选民名单上没有此人", field, "unknown_voter")
    return v


def _staff(election: Election, pk: int, field: str) -> Staff:
    person = Staff.objects.filter(election=election, pk=pk).first()
    if person is None:
        raise services.PollingError("没有这名工作人员", field, "unknown_staff")
    return person


def _figures_out(f: selectors.RoundFigures) -> FiguresOut:
    return FiguresOut(
        electorate=f.electorate,
        voters=f.voters,
        issued=f.issued,
        present=f.present,
        by_proxy=f.by_proxy,
        assisted=f.assisted,
        mobile=f.mobile,
        quorum_needed=f.quorum_needed,
        quorum_met=f.quorum_met,
        short_of_quorum=f.short_of_quorum,
        quorum_text=f.quorum_text,
        quorum_article=f.quorum_article,
        boxes=[
            BoxOut(
                id=b.box_id,
                name=b.name,
                kind=b.kind,
                station=b.station,
                voters=b.voters,
                issued=b.issued,
                present=b.present,
                by_proxy=b.by_proxy,
                assisted=b.assisted,
            )
            for b in f.boxes
        ],
    )


def _round_out(r: Round) -> RoundOut:
    return RoundOut(
        number=r.number,
        kind=r.kind,
        kind_label=r.get_kind_display(),
        parent=r.parent.number if r.parent else None,
        held_on=r.held_on,
        status=r.status,
        status_label=r.get_status_display(),
        actions=[a.value for a in core_rounds.available(RoundState(r.status))],
        opened_at=r.opened_at,
        closed_at=r.closed_at,
        posts=r.posts,
        candidates=r.candidates,
        figures=_figures_out(selectors.round_figures(r)),
    )


def _staff_out(p: Staff) -> StaffOut:
    return StaffOut(
        id=p.pk,
        role=p.role,
        role_label=p.get_role_display(),
        name=p.name,
        masked_id=mask_id(p.id_number) if p.id_number else "",
        voter_id=p.voter_id,
        user_id=p.user_id,
        station=p.station.name if p.station else None,
        basis=p.basis,
    )


def _mobile_out(box: Box) -> MobileOut:
    least, basis = selectors.mobile_escorts_min(box.round.election)
    return MobileOut(
        id=box.pk,
        name=box.name,
        escorts=[s.name for s in box.escorts.all()],
        escorts_min=least,
        escorts_basis=basis,
        problems=selectors.escort_problems(box),
        visits=[
            VisitOut(id=v.pk, voter_id=v.voter_id, name=v.voter.name, reason=v.reason)
            for v in selectors.visits(box)
        ],
        departed_at=box.departed_at,
        returned_at=box.returned_at,
    )


def _checkin_out(c: CheckIn) -> CheckInOut:
    return CheckInOut(
        id=c.pk,
        voter_id=c.voter_id,
        name=c.voter.name,
        box=c.box.name,
        method=c.method,
        at=c.at,
        issues=[
            IssueOut(
                voter_id=i.voter_id,
                name=i.voter.name,
                by_proxy=i.proxy_id is not None,
                writer=i.writer.name if i.writer else None,
            )
            for i in c.issues.select_related("voter", "writer").order_by("pk")
        ],
    )


# --- Rounds -----------------------------------------------------------------------------------


@router.get("/rounds", response=list[RoundOut])
def list_rounds(request: HttpRequest, election_id: Path[int]) -> list[RoundOut]:
    election = election_for(request.user, election_id)
    return [_round_out(r) for r in selectors.rounds(election)]


@router.post("/rounds", response={201: RoundOut})
def create_regular_round(
    request: HttpRequest, election_id: Path[int], data: RoundIn
) -> Status[RoundOut]:
    """The election-day vote, posts and candidates from the published formal list."""
    election = election_for(request.user, election_id, change=True)
    r = services.round_create_regular(
        acting_user=request.user, election=election, held_on=data.held_on
    )
    return Status(201, _round_out(r))


@router.get("/rounds/current", response={200: RoundOut, 204: None})
def get_current_round(request: HttpRequest, election_id: Path[int]) -> Any:
    election = election_for(request.user, election_id)
    r = selectors.current_round(election)
    return Status(204, None) if r is None else _round_out(r)


@router.get("/rounds/{number}", response=RoundOut)
def get_round(request: HttpRequest, election_id: Path[int], number: int) -> RoundOut:
    election = election_for(request.user, election_id)
    return _round_out(_round(election, number))


@router.post("/rounds/{number}/action", response=RoundOut)
def round_action(
    request: HttpRequest, election_id: Path[int], number: int, data: ActionIn
) -> RoundOut:
    """开始投票 (``open``) or 结束投票 (``close``)."""
    election = election_for(request.user, election_id, change=True)
    r = _round(election, number)
    if data.action == "open":
        r = services.round_open(acting_user=request.user, round=r)
    elif data.action == "close":
        r = services.round_close(acting_user=request.user, round=r)
    else:
        raise services.PollingError("action 应为 open 或 close", "action", "invalid")
    return _round_out(r)


@router.get("/rounds/{number}/figures", response=FiguresOut)
def round_figures(request: HttpRequest, election_id: Path[int], number: int) -> FiguresOut:
    """Turnout per box against the quorum (the live turnout page's numbers)."""
    election = election_for(request.user, election_id)
    return _figures_out(selectors.round_figures(_round(election, number)))


# --- Stations and boxes -----------------------------------------------------------------------


@router.get("/stations", response=list[StationOut])
def list_stations(request: HttpRequest, election_id: Path[int]) -> list[StationOut]:
    election = election_for(request.user, election_id)
    return [
        StationOut(id=s.pk, name=s.name, kind=s.kind, place=s.place)
        for s in selectors.stations(election)
    ]


@router.post("/stations", response={201: StationOut})
def create_station(
    request: HttpRequest, election_id: Path[int], data: StationIn
) -> Status[StationOut]:
    election = election_for(request.user, election_id, change=True)
    s = services.station_create(
        acting_user=request.user, election=election, name=data.name, place=data.place
    )
    return Status(201, StationOut(id=s.pk, name=s.name, kind=s.kind, place=s.place))


@router.post("/rounds/{number}/boxes", response={201: BoxOut})
def create_box(
    request: HttpRequest, election_id: Path[int], number: int, data: BoxIn
) -> Status[BoxOut]:
    election = election_for(request.user, election_id, change=True)
    r = _round(election, number)
    station = selectors.stations(election).filter(pk=data.station_id).first()
    if station is None:
        raise services.PollingError("没有这个投票站", "station_id", "unknown_station")
    box = services.box_create(
        acting_user=request.user, round=r, station=station, name=data.name, kind=data.kind
    )
    f = selectors.box_figures(box)
    return Status(
        201,
        BoxOut(
            id=box.pk,
            name=box.name,
            kind=box.kind,
            station=station.name,
            voters=f.voters,
            issued=f.issued,
            present=f.present,
            by_proxy=f.by_proxy,
            assisted=f.assisted,
        ),
    )


@router.delete("/rounds/{number}/boxes/{box_id}", response={204: None})
def delete_box(
    request: HttpRequest, election_id: Path[int], number: int, box_id: int
) -> Status[None]:
    election = election_for(request.user, election_id, change=True)
    services.box_delete(acting_user=request.user, box=_box(_round(election, number), box_id))
    return Status(204, None)


# --- Mobile boxes -----------------------------------------------------------------------------


@router.get("/rounds/{number}/boxes/{box_id}/mobile", response=MobileOut)
def get_mobile(request: HttpRequest, election_id: Path[int], number: int, box_id: int) -> MobileOut:
    election = election_for(request.user, election_id)
    box = _box(_round(election, number), box_id)
    if box.kind != Box.Kind.MOBILE:
        raise Http404
    return _mobile_out(box)


@router.put("/rounds/{number}/boxes/{box_id}/escorts", response=MobileOut)
def set_escorts(
    request: HttpRequest, election_id: Path[int], number: int, box_id: int, data: EscortsIn
) -> MobileOut:
    election = election_for(request.user, election_id, change=True)
    box = _box(_round(election, number), box_id)
    people = [_staff(election, pk, "staff_ids") for pk in data.staff_ids]
    return _mobile_out(services.mobile_escorts_set(acting_user=request.user, box=box, staff=people))


@router.post("/rounds/{number}/boxes/{box_id}/visits", response={201: MobileOut})
def add_visit(
    request: HttpRequest, election_id: Path[int], number: int, box_id: int, data: VisitIn
) -> Status[MobileOut]:
    election = election_for(request.user, election_id, change=True)
    box = _box(_round(election, number), box_id)
    services.mobile_visit_add(
        acting_user=request.user,
        box=box,
        voter=_voter(election, data.voter_id, "voter_id"),
        reason=data.reason,
    )
    return Status(201, _mobile_out(box))


@router.delete("/rounds/{number}/boxes/{box_id}/visits/{visit_id}", response={204: None})
def remove_visit(
    request: HttpRequest, election_id: Path[int], number: int, box_id: int, visit_id: int
) -> Status[None]:
    election = election_for(request.user, election_id, change=True)
    box = _box(_round(election, number), box_id)
    visit = MobileVisit.objects.filter(box=box, pk=visit_id).first()
    if visit is None:
        raise Http404
    services.mobile_visit_remove(acting_user=request.user, visit=visit)
    return Status(204, None)


@router.post("/rounds/{number}/boxes/{box_id}/depart", response=MobileOut)
def depart(request: HttpRequest, election_id: Path[int], number: int, box_id: int) -> MobileOut:
    election = election_for(request.user, election_id, change=True)
    box = _box(_round(election, number), box_id)
    return _mobile_out(services.mobile_box_depart(acting_user=request.user, box=box))


@router.post("/rounds/{number}/boxes/{box_id}/return", response=MobileOut)
def come_back(request: HttpRequest, election_id: Path[int], number: int, box_id: int) -> MobileOut:
    election = election_for(request.user, election_id, change=True)
    box = _box(_round(election, number), box_id)
    return _mobile_out(services.mobile_box_return(acting_user=request.user, box=box))


# --- Staff ------------------------------------------------------------------------------------


@router.get("/staff", response=list[StaffOut])
def list_staff(request: HttpRequest, election_id: Path[int]) -> list[StaffOut]:
    election = election_for(request.user, election_id)
    return [_staff_out(p) for p in selectors.staff(election)]


@router.post("/staff", response={201: StaffOut})
def add_staff(request: HttpRequest, election_id: Path[int], data: StaffIn) -> Status[StaffOut]:
    from django.contrib.auth import get_user_model  # noqa: PLC0415

    election = election_for(request.user, election_id, change=True)
    voter = _voter(election, data.voter_id, "voter_id") if data.voter_id is not None else None
    login = None
    if data.user_id is not None:
        login = get_user_model().objects.filter(pk=data.user_id).first()
        if login is None:
            raise services.PollingError("没有这个系统账号", "user_id", "unknown_user")
    station = None
    if data.station_id is not None:
        station = selectors.stations(election).filter(pk=data.station_id).first()
        if station is None:
            raise services.PollingError("没有这个投票站", "station_id", "unknown_station")
    person = services.staff_add(
        acting_user=request.user,
        election=election,
        role=data.role,
        voter=voter,
        name=data.name,
        id_number=data.id_number,
        user=login,
        station=station,
    )
    return Status(201, _staff_out(person))


@router.delete("/staff/{staff_id}", response={204: None})
def remove_staff(request: HttpRequest, election_id: Path[int], staff_id: int) -> Status[None]:
    election = election_for(request.user, election_id, change=True)
    services.staff_remove(acting_user=request.user, staff=_staff(election, staff_id, "staff_id"))
    return Status(204, None)


# --- Check-in and ballot issue ----------------------------------------------------------------


@router.get("/rounds/{number}/voters", response=list[VoterRowOut])
def search_voters(
    request: HttpRequest, election_id: Path[int], number: int, q: str
) -> list[VoterRowOut]:
    """Typeahead over the roll (name, ID number or card serial), with each voter's state."""
    election = election_for(request.user, election_id)
    return [
        VoterRowOut(
            voter_id=row.voter_id,
            name=row.name,
            group=row.group,
            masked_id=row.masked_id,
            status=row.status,
            may_issue=row.may_issue,
            checked_in=row.checked_in,
            principals=[PrincipalOut(**vars(p)) for p in row.principals],
        )
        for row in selectors.search(_round(election, number), q)
    ]


@router.post("/rounds/{number}/checkins", response={201: CheckInOut})
def issue(
    request: HttpRequest, election_id: Path[int], number: int, data: IssueIn
) -> Status[CheckInOut]:
    """Check a voter in (by ``voter_id`` or the card's QR text ``card``) and issue their
    ballot, and those of the principals named (``principal_ids``)."""
    election = election_for(request.user, election_id, change=True)
    r = _round(election, number)
    box = _box(r, data.box_id)
    if data.card:
        voter = services.voter_by_card(election, data.card)
        method = CheckIn.Method.CARD
    elif data.voter_id is not None:
        voter = _voter(election, data.voter_id, "voter_id")
        method = CheckIn.Method.SEARCH
    else:
        raise services.PollingError("请给出 voter_id 或 card", "voter_id", "required")
    c = services.ballot_issue(
        acting_user=request.user,
        round=r,
        voter=voter,
        box=box,
        method=method if box.kind == Box.Kind.FIXED else CheckIn.Method.MOBILE,
        principals=[_voter(election, pk, "principal_ids") for pk in data.principal_ids],
        writer=_staff(election, data.writer_id, "writer_id") if data.writer_id else None,
    )
    return Status(201, _checkin_out(c))


@router.post("/rounds/{number}/proxies", response={201: list[IssueOut]})
def issue_proxies(
    request: HttpRequest, election_id: Path[int], number: int, data: ProxiesIn
) -> Status[list[IssueOut]]:
    """Ballots of principals for a proxy who has already checked in."""
    election = election_for(request.user, election_id, change=True)
    issues = services.proxy_ballots_issue(
        acting_user=request.user,
        round=_round(election, number),
        holder=_voter(election, data.holder_id, "holder_id"),
        principals=[_voter(election, pk, "principal_ids") for pk in data.principal_ids],
    )
    return Status(
        201,
        [
            IssueOut(voter_id=i.voter_id, name=i.voter.name, by_proxy=True, writer=None)
            for i in issues
        ],
    )


@router.post("/rounds/{number}/writing", response={201: IssueOut})
def record_writing(
    request: HttpRequest, election_id: Path[int], number: int, data: WritingIn
) -> Status[IssueOut]:
    """代写: a 代书人 wrote the ballot of a voter who already received it."""
    election = election_for(request.user, election_id, change=True)
    i = services.assisted_writing_record(
        acting_user=request.user,
        round=_round(election, number),
        voter=_voter(election, data.voter_id, "voter_id"),
        writer=_staff(election, data.writer_id, "writer_id"),
    )
    return Status(
        201,
        IssueOut(
            voter_id=i.voter_id,
            name=i.voter.name,
            by_proxy=False,
            writer=i.writer.name if i.writer else None,
        ),
    )


@router.get("/rounds/{number}/checkins", response=list[CheckInOut])
def list_checkins(request: HttpRequest, election_id: Path[int], number: int) -> list[CheckInOut]:
    election = election_for(request.user, election_id)
    r = _round(election, number)
    return [
        _checkin_out(c)
        for c in CheckIn.objects.filter(round=r).select_related("voter", "box").order_by("at", "pk")
    ]
