"""JSON API of the election committee: the same services and permission checks as the page."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Path, Router, Schema
from ninja.responses import Status

from huanjie.apps.campaigns.models import Election
from huanjie.apps.campaigns.selectors import election_for
from huanjie.apps.committee import documents, selectors, services
from huanjie.apps.committee.models import CommitteeMember, NearRelation, Role
from huanjie.apps.roll.selectors import mask_id
from huanjie.core.preparation import Kin

router = Router(tags=["committee"])


class MemberIn(Schema):
    name: str
    sex: str
    selected_by: str
    rank: int
    id_number: str = ""
    votes: int | None = None
    role: str = Role.MEMBER.value
    seated: bool = True


class MemberOut(Schema):
    id: int
    name: str
    sex: str
    id_masked: str
    selected_by: str
    rank: int
    votes: int | None
    role: str
    status: str
    left_reason: str
    left_note: str
    left_at: datetime | None
    seated_basis: str


class FindingOut(Schema):
    code: str
    text: str
    blocking: bool
    articles: list[str]


class CommitteeOut(Schema):
    members: list[MemberOut]
    serving: int
    next_in_order: str
    findings: list[FindingOut]


class LeaveIn(Schema):
    reason: str
    note: str = ""


class LeaveOut(Schema):
    member: MemberOut
    seated: MemberOut | None
    backfill: str | None
    text: str


class RoleIn(Schema):
    role: str


class RelationIn(Schema):
    a_name: str
    b_name: str
    kind: str
    a_id_number: str = ""
    b_id_number: str = ""
    note: str = ""


class RelationOut(Schema):
    id: int
    a_name: str
    b_name: str
    kind: str
    kind_label: str
    note: str


class WithdrawIn(Schema):
    reason: str


def _member_out(m: CommitteeMember) -> MemberOut:
    return MemberOut(
        id=m.pk,
        name=m.name,
        sex=m.sex,
        id_masked=mask_id(m.id_number) if m.id_number else "",
        selected_by=m.selected_by,
        rank=m.rank,
        votes=m.votes,
        role=m.role,
        status=m.status,
        left_reason=m.left_reason,
        left_note=m.left_note,
        left_at=m.left_at,
        seated_basis=m.seated_basis,
    )


def _relation_out(r: NearRelation) -> RelationOut:
    return RelationOut(
        id=r.pk,
        a_name=r.a_name,
        b_name=r.b_name,
        kind=r.kind,
        kind_label=Kin(r.kind).label,
        note=r.note,
    )


def _committee_out(election: Election) -> CommitteeOut:
    members = list(selectors.members(election))
    return CommitteeOut(
        members=[_member_out(m) for m in members],
        serving=sum(1 for m in members if m.status == "serving"),
        next_in_order=selectors.next_in_order(election).text,
        findings=[
            FindingOut(
                code=f.code, text=f.text, blocking=f.blocking, articles=[str(a) for a in f.articles]
            )
            for f in selectors.findings(election)
        ],
    )


def _member(election: Election, member_id: int) -> CommitteeMember:
    return get_object_or_404(CommitteeMember, pk=member_id, election=election)


@router.get("/", response=CommitteeOut)
def get_committee(request: HttpRequest, election_id: Path[int]) -> CommitteeOut:
    return _committee_out(election_for(request.user, election_id))


@router.post("/members", response={201: MemberOut})
def add_member(request: HttpRequest, election_id: Path[int], data: MemberIn) -> Status[MemberOut]:
    election = election_for(request.user, election_id, change=True)
    member = services.committee_member_add(
        acting_user=request.user,
        election=election,
        name=data.name,
        sex=data.sex,
        selected_by=data.selected_by,
        rank=data.rank,
        id_number=data.id_number,
        votes=data.votes,
        role=data.role,
        seated=data.seated,
    )
    return Status(201, _member_out(member))


@router.post("/members/{int:member_id}/leave", response=LeaveOut)
def leave(request: HttpRequest, election_id: Path[int], member_id: int, data: LeaveIn) -> LeaveOut:
    election = election_for(request.user, election_id, change=True)
    result = services.committee_member_leave(
        acting_user=request.user,
        member=_member(election, member_id),
        reason=data.reason,
        note=data.note,
    )
    return LeaveOut(
        member=_member_out(result.member),
        seated=_member_out(result.seated) if result.seated is not None else None,
        backfill=result.backfill.text if result.backfill is not None else None,
        text=result.text,
    )


@router.post("/members/{int:member_id}/seat", response=MemberOut)
def seat(request: HttpRequest, election_id: Path[int], member_id: int) -> MemberOut:
    election = election_for(request.user, election_id, change=True)
    member = services.committee_member_seat(
        acting_user=request.user, member=_member(election, member_id)
    )
    return _member_out(member)


@router.post("/members/{int:member_id}/role", response=MemberOut)
def set_role(
    request: HttpRequest, election_id: Path[int], member_id: int, data: RoleIn
) -> MemberOut:
    election = election_for(request.user, election_id, change=True)
    member = services.committee_member_set_role(
        acting_user=request.user, member=_member(election, member_id), role=data.role
    )
    return _member_out(member)


@router.get("/relations", response=list[RelationOut])
def list_relations(request: HttpRequest, election_id: Path[int]) -> list[RelationOut]:
    election = election_for(request.user, election_id)
    return [_relation_out(r) for r in NearRelation.objects.filter(election=election)]


@router.post("/relations", response={201: RelationOut})
def declare(request: HttpRequest, election_id: Path[int], data: RelationIn) -> Status[RelationOut]:
    election = election_for(request.user, election_id, change=True)
    relation = services.committee_relation_declare(
        acting_user=request.user,
        election=election,
        a_name=data.a_name,
        b_name=data.b_name,
        kind=data.kind,
        a_id_number=data.a_id_number,
        b_id_number=data.b_id_number,
        note=data.note,
    )
    return Status(201, _relation_out(relation))


@router.post("/relations/{int:relation_id}/withdraw", response={204: None})
def withdraw(
    request: HttpRequest, election_id: Path[int], relation_id: int, data: WithdrawIn
) -> Status[None]:
    election = election_for(request.user, election_id, change=True)
    relation = get_object_or_404(NearRelation, pk=relation_id, election=election)
    services.committee_relation_withdraw(
        acting_user=request.user, relation=relation, reason=data.reason
    )
    return Status(204, None)


@router.get("/notice.pdf", response={200: None})
def notice_pdf(request: HttpRequest, election_id: Path[int]) -> HttpResponse:
    """村民选举委员会成员公告 (PDF) of the serving members, dated today."""
    election = election_for(request.user, election_id)
    data = documents.notice_pdf(election, timezone.localdate())
    return HttpResponse(data, content_type="application/pdf")
