"""JSON API of 选后工作: the same services and permission checks as the pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Router, Schema

from huanjie.apps.aftermath import archive, selectors, services, tasks
from huanjie.apps.aftermath.models import (
    ArchivePackage,
    ByElection,
    GroupLeader,
    HandoverItem,
    RecallPetition,
    Representative,
    Supervisor,
)
from huanjie.apps.campaigns.models import Election
from huanjie.apps.campaigns.selectors import election_for
from huanjie.apps.errors import ServiceError
from huanjie.apps.roll.selectors import mask_id
from huanjie.core.count.model import Reason

router = Router(tags=["aftermath"])


class ReasonOut(Schema):
    code: str
    level: str
    article: str
    text: str


def _reasons(reasons: list[Reason]) -> list[ReasonOut]:
    return [ReasonOut(code=r.code, level=r.level, article=r.article, text=r.text) for r in reasons]


class MemberOut(Schema):
    name: str
    voter_id: int | None
    post_kind: str
    post_name: str
    votes: int | None
    round_number: int | None
    source: str


class ItemOut(Schema):
    id: int
    kind: str
    label: str
    detail: str
    due: date | None
    state: str
    outgoing_name: str
    incoming_name: str
    supervisor_name: str
    signed_at: datetime | None
    note: str


class HandoverOut(Schema):
    started: bool
    constituted_on: date | None
    basis: str
    due: date | None
    seal_due: date | None
    days: int | None
    seal_same_day: bool
    article: str
    complete: bool
    completed_on: date | None
    items: list[ItemOut]
    findings: list[ReasonOut]
    blockers: list[str]


class StartIn(Schema):
    constituted_on: date | None = None
    basis: str = ""


class DateIn(Schema):
    constituted_on: date
    basis: str


class ItemIn(Schema):
    label: str
    detail: str = ""


class SignIn(Schema):
    outgoing_name: str
    incoming_name: str
    supervisor_name: str = ""
    signed_at: datetime | None = None
    note: str = ""


class ReasonIn(Schema):
    reason: str


def _handover(election: Election) -> HandoverOut:
    h = selectors.handover(election)
    check = selectors.handover_check(election)
    rule = selectors.handover_rule(election)
    states = {s.key: s for s in check.items} if check else {}
    items = [
        ItemOut(
            id=i.pk,
            kind=i.kind,
            label=i.label,
            detail=i.detail,
            due=states[str(i.pk)].due if str(i.pk) in states else None,
            state=states[str(i.pk)].state if str(i.pk) in states else "pending",
            outgoing_name=i.outgoing_name,
            incoming_name=i.incoming_name,
            supervisor_name=i.supervisor_name,
            signed_at=i.signed_at,
            note=i.sign_note,
        )
        for i in selectors.handover_items(election)
    ]
    return HandoverOut(
        started=h is not None,
        constituted_on=h.constituted_on if h else None,
        basis=h.basis if h else "",
        due=check.deadlines.due if check else None,
        seal_due=check.deadlines.seal_due if check else None,
        days=rule.days,
        seal_same_day=rule.seal_same_day,
        article=rule.days_article,
        complete=bool(check and check.complete),
        completed_on=check.completed_on if check else None,
        items=items,
        findings=_reasons(check.reasons) if check else [],
        blockers=selectors.blockers(election),
    )


@router.get("/committee", response=list[MemberOut])
def committee(request: HttpRequest, election_id: Path[int]) -> list[MemberOut]:
    election = election_for(request.user, election_id)
    return [
        MemberOut(
            name=m.name,
            voter_id=m.voter_id,
            post_kind=m.post_kind,
            post_name=m.post_name,
            votes=m.votes,
            round_number=m.round_number,
            source=m.source,
        )
        for m in selectors.current_committee(election)
    ]


@router.get("/handover", response=HandoverOut)
def handover(request: HttpRequest, election_id: Path[int]) -> HandoverOut:
    return _handover(election_for(request.user, election_id))


@router.post("/handover", response=HandoverOut)
def handover_start(request: HttpRequest, election_id: Path[int], body: StartIn) -> HandoverOut:
    election = election_for(request.user, election_id, change=True)
    services.handover_start(
        acting_user=request.user,
        election=election,
        constituted_on=body.constituted_on,
        basis=body.basis,
    )
    return _handover(election)


@router.put("/handover/date", response=HandoverOut)
def handover_date(request: HttpRequest, election_id: Path[int], body: DateIn) -> HandoverOut:
    election = election_for(request.user, election_id, change=True)
    services.handover_set_date(
        acting_user=request.user,
        election=election,
        constituted_on=body.constituted_on,
        basis=body.basis,
    )
    return _handover(election)


@router.post("/handover/items", response=HandoverOut)
def handover_item_add(request: HttpRequest, election_id: Path[int], body: ItemIn) -> HandoverOut:
    election = election_for(request.user, election_id, change=True)
    services.handover_item_add(
        acting_user=request.user, election=election, label=body.label, detail=body.detail
    )
    return _handover(election)


def _item(election: Election, item_id: int) -> HandoverItem:
    return get_object_or_404(HandoverItem, pk=item_id, handover__election=election)


@router.post("/handover/items/{item_id}/sign", response=HandoverOut)
def handover_item_sign(
    request: HttpRequest, election_id: Path[int], item_id: int, body: SignIn
) -> HandoverOut:
    election = election_for(request.user, election_id, change=True)
    services.handover_item_sign(
        acting_user=request.user,
        item=_item(election, item_id),
        outgoing_name=body.outgoing_name,
        incoming_name=body.incoming_name,
        supervisor_name=body.supervisor_name,
        signed_at=body.signed_at,
        note=body.note,
    )
    return _handover(election)


@router.post("/handover/items/{item_id}/unsign", response=HandoverOut)
def handover_item_unsign(
    request: HttpRequest, election_id: Path[int], item_id: int, body: ReasonIn
) -> HandoverOut:
    election = election_for(request.user, election_id, change=True)
    services.handover_item_unsign(
        acting_user=request.user, item=_item(election, item_id), reason=body.reason
    )
    return _handover(election)


# --------------------------------------------------------------------------- representatives


class PersonOut(Schema):
    id: int
    voter_id: int
    name: str
    sex: str
    id_masked: str
    group: str


class RepresentativeOut(PersonOut):
    households: int | None
    chosen_on: date
    note: str


class RepresentativesOut(Schema):
    households: int
    households_from_roll: int
    committee_members: int
    mode: str
    representatives_min: int
    representatives_max: int
    meeting_size: int
    women_needed: int
    quorum: int
    ok: bool
    findings: list[ReasonOut]
    representatives: list[RepresentativeOut]


class RepresentativeIn(Schema):
    person: str  # 身份证号 or a name matching one person on the roll
    chosen_on: date
    households: int | None = None
    note: str = ""


class AssemblyIn(Schema):
    mode: str
    households: int | None = None
    committee_members: int | None = None


def _rep(r: Representative) -> RepresentativeOut:
    return RepresentativeOut(
        id=r.pk,
        voter_id=r.voter_id,
        name=r.voter.name,
        sex=r.voter.sex,
        id_masked=mask_id(r.voter.id_number),
        group=r.group.name if r.group else "",
        households=r.households,
        chosen_on=r.chosen_on,
        note=r.note,
    )


def _representatives(election: Election) -> RepresentativesOut:
    view = selectors.representatives_check(election)
    a = view.check.assembly
    return RepresentativesOut(
        households=view.households,
        households_from_roll=view.households_from_roll,
        committee_members=view.committee_members,
        mode=view.mode,
        representatives_min=a.representatives_min,
        representatives_max=a.representatives_max,
        meeting_size=a.meeting_size,
        women_needed=a.women_needed,
        quorum=a.quorum,
        ok=view.check.ok,
        findings=_reasons(view.check.reasons),
        representatives=[_rep(r) for r in selectors.representatives(election)],
    )


@router.get("/representatives", response=RepresentativesOut)
def representatives(request: HttpRequest, election_id: Path[int]) -> RepresentativesOut:
    return _representatives(election_for(request.user, election_id))


@router.post("/representatives", response=RepresentativesOut)
def representative_add(
    request: HttpRequest, election_id: Path[int], body: RepresentativeIn
) -> RepresentativesOut:
    election = election_for(request.user, election_id, change=True)
    services.representative_add(
        acting_user=request.user,
        election=election,
        person=body.person,
        chosen_on=body.chosen_on,
        households=body.households,
        note=body.note,
    )
    return _representatives(election)


@router.put("/representatives/settings", response=RepresentativesOut)
def assembly(request: HttpRequest, election_id: Path[int], body: AssemblyIn) -> RepresentativesOut:
    election = election_for(request.user, election_id, change=True)
    services.assembly_configure(
        acting_user=request.user,
        election=election,
        mode=body.mode,
        households=body.households,
        committee_members=body.committee_members,
    )
    return _representatives(election)


@router.post("/representatives/{rep_id}/remove", response=RepresentativesOut)
def representative_remove(
    request: HttpRequest, election_id: Path[int], rep_id: int, body: ReasonIn
) -> RepresentativesOut:
    election = election_for(request.user, election_id, change=True)
    rep = get_object_or_404(Representative, pk=rep_id, election=election)
    services.representative_remove(acting_user=request.user, representative=rep, reason=body.reason)
    return _representatives(election)


class LeaderOut(PersonOut):
    leader_group: str
    by_households: bool
    eligible: int
    present: int
    votes: int
    chosen_on: date
    findings: list[ReasonOut]


class LeaderIn(Schema):
    group_id: int
    person: str
    by_households: bool = False
    eligible: int
    present: int
    votes: int
    chosen_on: date
    note: str = ""


def _leader(g: GroupLeader) -> LeaderOut:
    return LeaderOut(
        id=g.pk,
        voter_id=g.voter_id,
        name=g.voter.name,
        sex=g.voter.sex,
        id_masked=mask_id(g.voter.id_number),
        group=g.voter.group.name if g.voter.group else "",
        leader_group=g.group.name,
        by_households=g.by_households,
        eligible=g.eligible,
        present=g.present,
        votes=g.votes,
        chosen_on=g.chosen_on,
        findings=_reasons(selectors.leader_findings(g)),
    )


@router.get("/group-leaders", response=list[LeaderOut])
def group_leaders(request: HttpRequest, election_id: Path[int]) -> list[LeaderOut]:
    election = election_for(request.user, election_id)
    return [_leader(g) for g in selectors.group_leaders(election)]


@router.post("/group-leaders", response=LeaderOut)
def group_leader_set(request: HttpRequest, election_id: Path[int], body: LeaderIn) -> LeaderOut:
    election = election_for(request.user, election_id, change=True)
    return _leader(
        services.group_leader_set(
            acting_user=request.user,
            election=election,
            group_id=body.group_id,
            person=body.person,
            by_households=body.by_households,
            eligible=body.eligible,
            present=body.present,
            votes=body.votes,
            chosen_on=body.chosen_on,
            note=body.note,
        )
    )


@router.post("/group-leaders/{leader_id}/remove")
def group_leader_remove(
    request: HttpRequest, election_id: Path[int], leader_id: int, body: ReasonIn
) -> dict[str, bool]:
    election = election_for(request.user, election_id, change=True)
    leader = get_object_or_404(GroupLeader, pk=leader_id, election=election)
    services.group_leader_remove(acting_user=request.user, leader=leader, reason=body.reason)
    return {"removed": True}


# --------------------------------------------------------------------------- supervision


class SupervisorOut(PersonOut):
    role: str
    finance: bool
    chosen_by: str
    chosen_on: date


class SupervisionOut(Schema):
    supervisors: list[SupervisorOut]
    findings: list[ReasonOut]


class SupervisorIn(Schema):
    person: str
    chosen_by: str  # villagers_meeting / representatives_meeting
    chosen_on: date
    role: str = "member"
    finance: bool = False
    note: str = ""


def _supervision(election: Election) -> SupervisionOut:
    return SupervisionOut(
        supervisors=[
            SupervisorOut(
                id=s.pk,
                voter_id=s.voter_id,
                name=s.voter.name,
                sex=s.voter.sex,
                id_masked=mask_id(s.voter.id_number),
                group=s.voter.group.name if s.voter.group else "",
                role=s.role,
                finance=s.finance,
                chosen_by=s.chosen_by,
                chosen_on=s.chosen_on,
            )
            for s in selectors.supervisors(election)
        ],
        findings=_reasons(selectors.supervision_findings(election)),
    )


@router.get("/supervisors", response=SupervisionOut)
def supervisors(request: HttpRequest, election_id: Path[int]) -> SupervisionOut:
    return _supervision(election_for(request.user, election_id))


@router.post("/supervisors", response=SupervisionOut)
def supervisor_add(
    request: HttpRequest, election_id: Path[int], body: SupervisorIn
) -> SupervisionOut:
    election = election_for(request.user, election_id, change=True)
    services.supervisor_add(
        acting_user=request.user,
        election=election,
        person=body.person,
        chosen_by=body.chosen_by,
        chosen_on=body.chosen_on,
        role=body.role,
        finance=body.finance,
        note=body.note,
    )
    return _supervision(election)


@router.post("/supervisors/{supervisor_id}/remove", response=SupervisionOut)
def supervisor_remove(
    request: HttpRequest, election_id: Path[int], supervisor_id: int, body: ReasonIn
) -> SupervisionOut:
    election = election_for(request.user, election_id, change=True)
    s = get_object_or_404(Supervisor, pk=supervisor_id, election=election)
    services.supervisor_remove(acting_user=request.user, supervisor=s, reason=body.reason)
    return _supervision(election)


# --------------------------------------------------------------------------- vote sheets


class SheetOut(Schema):
    state: str
    first_counts: dict[str, int] | None
    second_counts: dict[str, int] | None
    result: dict[str, int] | None
    resolution: str


def _sheet(row: Any) -> SheetOut:
    """The entries' numbers only once both are in: a second clerk enters blind (core.entry)."""
    both = row.state in ("entries_different", "definitive")
    return SheetOut(
        state=row.state,
        first_counts=row.first_counts if both else None,
        second_counts=row.second_counts if both else None,
        result=row.result,
        resolution=row.resolution,
    )


class EntryIn(Schema):
    counts: dict[str, int]
    acknowledged: bool = False


class RecallEntryIn(EntryIn):
    vote_on: date | None = None


class ResolveIn(Schema):
    action: str  # keep_first / keep_second / discard_both / discard_first / reopen
    reason: str = ""


class RecallOut(Schema):
    id: int
    member_name: str
    member_post: str
    route: str
    signatures: int
    representatives_total: int | None
    electorate: int
    grounds: str
    filed_on: date
    petition: dict[str, Any]
    reply: str
    reply_on: date | None
    vote_on: date | None
    status: str
    sheet: SheetOut
    outcome: dict[str, Any] | None


class RecallIn(Schema):
    member: str  # voter id (as text) or name of a current committee member
    route: str  # voters / representatives
    signatures: int
    grounds: str
    filed_on: date
    representatives_total: int | None = None


class ReplyIn(Schema):
    reply: str
    reply_on: date


def _recall_out(p: RecallPetition) -> RecallOut:
    return RecallOut(
        id=p.pk,
        member_name=p.member_name,
        member_post=p.member_post,
        route=p.route,
        signatures=p.signatures,
        representatives_total=p.representatives_total,
        electorate=p.electorate,
        grounds=p.grounds,
        filed_on=p.filed_on,
        petition=p.petition,
        reply=p.reply,
        reply_on=p.reply_on,
        vote_on=p.vote_on,
        status=p.status,
        sheet=_sheet(p),
        outcome=p.outcome,
    )


def _petition(election: Election, recall_id: int) -> RecallPetition:
    return get_object_or_404(RecallPetition, pk=recall_id, election=election)


@router.get("/recalls", response=list[RecallOut])
def recalls(request: HttpRequest, election_id: Path[int]) -> list[RecallOut]:
    election = election_for(request.user, election_id)
    return [_recall_out(p) for p in selectors.recalls(election)]


@router.post("/recalls", response=RecallOut)
def recall_file(request: HttpRequest, election_id: Path[int], body: RecallIn) -> RecallOut:
    election = election_for(request.user, election_id, change=True)
    return _recall_out(
        services.recall_file(
            acting_user=request.user,
            election=election,
            member=body.member,
            route=body.route,
            signatures=body.signatures,
            grounds=body.grounds,
            filed_on=body.filed_on,
            representatives_total=body.representatives_total,
        )
    )


@router.get("/recalls/{recall_id}", response=RecallOut)
def recall(request: HttpRequest, election_id: Path[int], recall_id: int) -> RecallOut:
    election = election_for(request.user, election_id)
    return _recall_out(_petition(election, recall_id))


@router.post("/recalls/{recall_id}/reply", response=RecallOut)
def recall_reply(
    request: HttpRequest, election_id: Path[int], recall_id: int, body: ReplyIn
) -> RecallOut:
    election = election_for(request.user, election_id, change=True)
    return _recall_out(
        services.recall_reply(
            acting_user=request.user,
            petition=_petition(election, recall_id),
            reply=body.reply,
            reply_on=body.reply_on,
        )
    )


@router.post("/recalls/{recall_id}/vote", response=RecallOut)
def recall_vote(
    request: HttpRequest, election_id: Path[int], recall_id: int, body: RecallEntryIn
) -> RecallOut:
    election = election_for(request.user, election_id, change=True)
    return _recall_out(
        services.recall_vote_submit(
            acting_user=request.user,
            petition=_petition(election, recall_id),
            counts=body.counts,
            vote_on=body.vote_on,
            acknowledged=body.acknowledged,
        )
    )


@router.post("/recalls/{recall_id}/resolve", response=RecallOut)
def recall_resolve(
    request: HttpRequest, election_id: Path[int], recall_id: int, body: ResolveIn
) -> RecallOut:
    election = election_for(request.user, election_id, change=True)
    return _recall_out(
        services.recall_vote_resolve(
            acting_user=request.user,
            petition=_petition(election, recall_id),
            action=body.action,
            reason=body.reason,
        )
    )


class ByElectionOut(Schema):
    id: int
    post_kind: str
    post_name: str
    seats: int
    vacancy: str
    body: str
    members: int
    held_on: date
    candidates: list[dict[str, Any]]
    sheet: SheetOut
    outcome: dict[str, Any] | None


class ByElectionIn(Schema):
    post_kind: str
    seats: int
    vacancy: str
    body: str  # villagers_meeting / representatives_meeting
    held_on: date
    candidates: list[str]
    members: int | None = None


def _by_out(b: ByElection) -> ByElectionOut:
    return ByElectionOut(
        id=b.pk,
        post_kind=b.post_kind,
        post_name=b.post_name,
        seats=b.seats,
        vacancy=b.vacancy,
        body=b.body,
        members=b.members,
        held_on=b.held_on,
        candidates=[{"name": c["name"], "voter_id": c["voter_id"]} for c in b.candidates],
        sheet=_sheet(b),
        outcome=b.outcome,
    )


def _by(election: Election, by_id: int) -> ByElection:
    return get_object_or_404(ByElection, pk=by_id, election=election)


@router.get("/by-elections", response=list[ByElectionOut])
def by_elections(request: HttpRequest, election_id: Path[int]) -> list[ByElectionOut]:
    election = election_for(request.user, election_id)
    return [_by_out(b) for b in selectors.by_elections(election)]


@router.post("/by-elections", response=ByElectionOut)
def by_election_create(
    request: HttpRequest, election_id: Path[int], body: ByElectionIn
) -> ByElectionOut:
    election = election_for(request.user, election_id, change=True)
    return _by_out(
        services.by_election_create(
            acting_user=request.user,
            election=election,
            post_kind=body.post_kind,
            seats=body.seats,
            vacancy=body.vacancy,
            body=body.body,
            held_on=body.held_on,
            candidates=body.candidates,
            members=body.members,
        )
    )


@router.get("/by-elections/{by_id}", response=ByElectionOut)
def by_election(request: HttpRequest, election_id: Path[int], by_id: int) -> ByElectionOut:
    election = election_for(request.user, election_id)
    return _by_out(_by(election, by_id))


@router.post("/by-elections/{by_id}/vote", response=ByElectionOut)
def by_election_vote(
    request: HttpRequest, election_id: Path[int], by_id: int, body: EntryIn
) -> ByElectionOut:
    election = election_for(request.user, election_id, change=True)
    return _by_out(
        services.by_election_submit(
            acting_user=request.user,
            by_election=_by(election, by_id),
            counts=body.counts,
            acknowledged=body.acknowledged,
        )
    )


@router.post("/by-elections/{by_id}/resolve", response=ByElectionOut)
def by_election_resolve(
    request: HttpRequest, election_id: Path[int], by_id: int, body: ResolveIn
) -> ByElectionOut:
    election = election_for(request.user, election_id, change=True)
    return _by_out(
        services.by_election_resolve(
            acting_user=request.user,
            by_election=_by(election, by_id),
            action=body.action,
            reason=body.reason,
        )
    )


# --------------------------------------------------------------------------- archive


class PackageOut(Schema):
    id: int
    state: str
    created_at: datetime
    finished_at: datetime | None
    files: int
    size: int
    sha256: str
    manifest_sha256: str
    missing: list[dict[str, str]]
    message: str


def _pkg(p: ArchivePackage) -> PackageOut:
    return PackageOut(
        id=p.pk,
        state=p.state,
        created_at=p.created_at,
        finished_at=p.finished_at,
        files=p.files,
        size=p.size,
        sha256=p.sha256,
        manifest_sha256=p.manifest_sha256,
        missing=p.missing,
        message=p.message,
    )


@router.get("/archive", response=list[PackageOut])
def packages(request: HttpRequest, election_id: Path[int]) -> list[PackageOut]:
    election = election_for(request.user, election_id)
    return [_pkg(p) for p in selectors.packages(election)[:20]]


@router.post("/archive", response=PackageOut)
def archive_start(request: HttpRequest, election_id: Path[int]) -> PackageOut:
    election = election_for(request.user, election_id, change=True)
    pkg = services.archive_start(acting_user=request.user, election=election)
    tasks.build_archive.enqueue(pkg.pk)
    pkg.refresh_from_db()
    return _pkg(pkg)


@router.get("/archive/{package_id}/verify", response=list[ReasonOut])
def archive_verify(
    request: HttpRequest, election_id: Path[int], package_id: int
) -> list[ReasonOut]:
    election = election_for(request.user, election_id)
    pkg = get_object_or_404(ArchivePackage, pk=package_id, election=election)
    path = archive.package_file(pkg)
    if path is None:
        raise ServiceError("档案包尚未生成", "package_id", "not_built")
    return _reasons(archive.verify(path.read_bytes(), pkg))
