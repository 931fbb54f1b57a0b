"""JSON API of voter registration: the same services and permission checks as the pages.

Mounted at ``/api/elections/{election_id}/roll/``. Full ID numbers are returned only to users
who may change the village's roll; others get the masked form.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Path, Router, Schema, Status
from ninja.files import UploadedFile

from huanjie.apps.accounts.selectors import can_change, require_change
from huanjie.apps.campaigns.selectors import election_for
from huanjie.apps.errors import ServiceError
from huanjie.apps.roll import selectors, services, tasks
from huanjie.apps.roll.models import DuplicateCase, ImportBatch, Objection, Voter
from huanjie.apps.roll.models import Status as VoterStatus
from huanjie.apps.roll.selectors import mask_id

router = Router(tags=["roll"])


class ImportOut(Schema):
    id: int
    state: str
    files: list[str]
    rows_done: int
    total_rows: int
    imported: int
    registered: int
    ineligible: int
    cases: int
    error_count: int
    errors: list[dict[str, Any]]
    message: str


class VoterOut(Schema):
    id: int
    name: str
    id_number: str
    sex: str
    birth_date: date
    group: str
    category: str
    away: bool
    status: str
    reason: str
    serial: str


class VoterIn(Schema):
    name: str
    id_number: str
    sex: str = ""
    birth_date: date | None = None
    ethnicity: str = ""
    group: str = ""
    address: str = ""
    household_no: str = ""
    category: str = "resident"
    opted_in: bool | None = None
    residence_since: date | None = None
    consent_ref: str = ""
    away: bool = False
    away_contact: str = ""
    deprived: bool = False
    suspended: bool = False
    note: str = ""


class RemoveIn(Schema):
    reason: str  # moved / deceased / other
    note: str = ""


class CaseOut(Schema):
    id: int
    kind: str
    scope: str
    first: VoterOut
    first_village: str
    second: VoterOut
    second_village: str
    open: bool
    outcome: str
    reason: str


class ResolveIn(Schema):
    outcome: str  # first / second / both
    reason: str


class PublicationIn(Schema):
    published_on: date


class PublicationOut(Schema):
    published_on: date | None
    latest: date
    voter_count: int
    filing_closes: date | None
    blockers: list[str]


class ObjectionIn(Schema):
    filed_on: date
    filed_by_name: str
    kind: str  # add / remove / correct
    content: str
    contact: str = ""
    voter_id: int | None = None
    subject_name: str = ""
    subject_id_number: str = ""


class ObjectionOut(Schema):
    id: int
    number: int
    filed_on: date
    filed_by_name: str
    kind: str
    subject_name: str
    content: str
    decision_due: date
    outcome: str
    decision_reason: str
    decided_on: date | None
    roll_change: dict[str, Any]


class DecideIn(Schema):
    outcome: str  # upheld / rejected
    reason: str
    decided_on: date
    person: dict[str, Any] | None = None
    corrections: dict[str, str] | None = None


class CardsOut(Schema):
    assigned: int
    numbered: int


class CardCheckOut(Schema):
    valid: bool
    problem: str
    voter: VoterOut | None


def _batch_out(batch: ImportBatch) -> ImportOut:
    p = services.read_progress(batch)
    return ImportOut(
        id=batch.pk,
        state=batch.state,
        files=[f["name"] for f in batch.files],
        rows_done=p["rows_done"],
        total_rows=p["total_rows"],
        imported=batch.imported,
        registered=batch.registered,
        ineligible=batch.ineligible,
        cases=batch.cases,
        error_count=batch.error_count,
        errors=batch.errors,
        message=batch.message,
    )


def _voter_out(v: Voter, full: bool) -> VoterOut:
    return VoterOut(
        id=v.pk,
        name=v.name,
        id_number=v.id_number if full else mask_id(v.id_number),
        sex=v.sex,
        birth_date=v.birth_date,
        group=v.group.name if v.group else "",
        category=v.category,
        away=v.away,
        status=v.status,
        reason=v.reason,
        serial=v.serial,
    )


def _objection_out(o: Objection) -> ObjectionOut:
    return ObjectionOut(
        id=o.pk,
        number=o.number,
        filed_on=o.filed_on,
        filed_by_name=o.filed_by_name,
        kind=o.kind,
        subject_name=o.subject_name,
        content=o.content,
        decision_due=o.decision_due,
        outcome=o.outcome,
        decision_reason=o.decision_reason,
        decided_on=o.decided_on,
        roll_change=o.roll_change,
    )


@router.post("/imports", response={201: ImportOut})
def start_import(
    request: HttpRequest, election_id: Path[int], files: File[list[UploadedFile]]
) -> Status[ImportOut]:
    """Upload one or more register files; the import runs in the background."""
    election = election_for(request.user, election_id, change=True)
    batch = services.import_start(
        acting_user=request.user,  # type: ignore[arg-type]
        election=election,
        files=[(f.name or "文件", f) for f in files],
    )
    tasks.run_import.enqueue(batch.pk)
    batch.refresh_from_db()
    return Status(201, _batch_out(batch))


@router.get("/imports/{batch_id}", response=ImportOut)
def import_status(request: HttpRequest, election_id: Path[int], batch_id: int) -> ImportOut:
    election = election_for(request.user, election_id)
    return _batch_out(get_object_or_404(ImportBatch, pk=batch_id, election=election))


@router.get("/voters", response=list[VoterOut])
def list_voters(
    request: HttpRequest,
    election_id: Path[int],
    status: str = VoterStatus.REGISTERED,
    group_id: int | None = None,
    q: str = "",
    offset: int = 0,
    limit: int = 500,
) -> list[VoterOut]:
    """The roll (``status=all`` for everyone considered), by group and search text."""
    election = election_for(request.user, election_id)
    full = can_change(request.user, election.area)
    qs = selectors.voters(
        election, status=None if status == "all" else status, group_id=group_id, text=q
    )
    limit = max(1, min(limit, 5000))
    return [_voter_out(v, full) for v in qs[max(0, offset) : max(0, offset) + limit]]


@router.post("/voters", response={201: VoterOut})
def add_voter(request: HttpRequest, election_id: Path[int], data: VoterIn) -> Status[VoterOut]:
    election = election_for(request.user, election_id, change=True)
    values = data.dict()
    note = values.pop("note")
    for key in ("opted_in", "away", "deprived", "suspended"):
        value = values[key]
        values[key] = "" if value is None else ("是" if value else "否")
    for key in ("birth_date", "residence_since"):
        values[key] = values[key] or ""
    voter = services.voter_add(
        acting_user=request.user,  # type: ignore[arg-type]
        election=election,
        values=values,
        note=note,
    )
    return Status(201, _voter_out(voter, True))


@router.post("/voters/{voter_id}/remove", response=VoterOut)
def remove_voter(
    request: HttpRequest, election_id: Path[int], voter_id: int, data: RemoveIn
) -> VoterOut:
    election = election_for(request.user, election_id, change=True)
    voter = get_object_or_404(Voter, pk=voter_id, election=election)
    voter = services.voter_remove(
        acting_user=request.user,  # type: ignore[arg-type]
        voter=voter,
        reason=data.reason,
        note=data.note,
    )
    return _voter_out(voter, True)


def _case_out(request: HttpRequest, c: DuplicateCase) -> CaseOut:
    return CaseOut(
        id=c.pk,
        kind=c.kind,
        scope=c.scope,
        first=_voter_out(c.first, can_change(request.user, c.first.election.area)),
        first_village=c.first.election.area.name,
        second=_voter_out(c.second, can_change(request.user, c.second.election.area)),
        second_village=c.second.election.area.name,
        open=c.is_open,
        outcome=c.outcome,
        reason=c.reason,
    )


@router.get("/duplicates", response=list[CaseOut])
def list_duplicates(request: HttpRequest, election_id: Path[int]) -> list[CaseOut]:
    """Duplicate cases involving this village's voters."""
    election = election_for(request.user, election_id)
    return [_case_out(request, c) for c in selectors.cases_for(election)]


@router.post("/duplicates/{case_id}/resolve", response=CaseOut)
def resolve_duplicate(
    request: HttpRequest, election_id: Path[int], case_id: int, data: ResolveIn
) -> CaseOut:
    """Decide which registration stands; a case across villages needs rights over both."""
    election = election_for(request.user, election_id, change=True)
    case = get_object_or_404(
        DuplicateCase.objects.select_related("first__election__area", "second__election__area"),
        pk=case_id,
    )
    if election.pk not in (case.first.election_id, case.second.election_id):
        raise ServiceError("该重复登记不涉及本村", "case_id", "not_found")
    for v in (case.first, case.second):
        require_change(request.user, v.election.area)
    case = services.duplicate_resolve(
        acting_user=request.user,  # type: ignore[arg-type]
        case=case,
        outcome=data.outcome,
        reason=data.reason,
    )
    case = selectors.cases_for(election).get(pk=case.pk)
    return _case_out(request, case)


@router.get("/publication", response=PublicationOut)
def get_publication(request: HttpRequest, election_id: Path[int]) -> PublicationOut:
    election = election_for(request.user, election_id)
    pub = selectors.publication(election)
    latest, _ = services.list_deadline(election)
    return PublicationOut(
        published_on=pub.published_on if pub else None,
        latest=latest,
        voter_count=pub.voter_count if pub else selectors.registered(election).count(),
        filing_closes=pub.filing_closes if pub else None,
        blockers=selectors.blockers(election),
    )


@router.post("/publication", response={201: PublicationOut})
def publish_list(
    request: HttpRequest, election_id: Path[int], data: PublicationIn
) -> Status[PublicationOut]:
    """Record the day the voter list was posted (opens the five days for objections)."""
    election = election_for(request.user, election_id, change=True)
    services.list_publish(
        acting_user=request.user,  # type: ignore[arg-type]
        election=election,
        published_on=data.published_on,
    )
    return Status(201, get_publication(request, election_id))


@router.get("/objections", response=list[ObjectionOut])
def list_objections(request: HttpRequest, election_id: Path[int]) -> list[ObjectionOut]:
    election = election_for(request.user, election_id)
    return [_objection_out(o) for o in selectors.objections(election)]


@router.post("/objections", response={201: ObjectionOut})
def file_objection(
    request: HttpRequest, election_id: Path[int], data: ObjectionIn
) -> Status[ObjectionOut]:
    """Receive an objection; refused after the five days, with the deadline named."""
    election = election_for(request.user, election_id, change=True)
    voter = (
        get_object_or_404(Voter, pk=data.voter_id, election=election)
        if data.voter_id is not None
        else None
    )
    objection = services.objection_file(
        acting_user=request.user,  # type: ignore[arg-type]
        election=election,
        filed_on=data.filed_on,
        filed_by_name=data.filed_by_name,
        kind=data.kind,
        content=data.content,
        contact=data.contact,
        voter=voter,
        subject_name=data.subject_name,
        subject_id_number=data.subject_id_number,
    )
    return Status(201, _objection_out(objection))


@router.post("/objections/{objection_id}/decide", response=ObjectionOut)
def decide_objection(
    request: HttpRequest, election_id: Path[int], objection_id: int, data: DecideIn
) -> ObjectionOut:
    """Decide an objection; an upheld one changes the roll in the same transaction."""
    election = election_for(request.user, election_id, change=True)
    objection = get_object_or_404(Objection, pk=objection_id, election=election)
    objection = services.objection_decide(
        acting_user=request.user,  # type: ignore[arg-type]
        objection=objection,
        outcome=data.outcome,
        reason=data.reason,
        decided_on=data.decided_on,
        person=data.person,
        corrections=data.corrections,
    )
    return _objection_out(objection)


@router.post("/cards/assign", response=CardsOut)
def assign_cards(request: HttpRequest, election_id: Path[int]) -> CardsOut:
    """Give voter-card serials to registered voters who have none."""
    election = election_for(request.user, election_id, change=True)
    n = services.cards_assign(acting_user=request.user, election=election)  # type: ignore[arg-type]
    return CardsOut(assigned=n, numbered=selectors.registered(election).exclude(serial="").count())


@router.get("/cards/check", response=CardCheckOut)
def check_card(request: HttpRequest, election_id: Path[int], code: str) -> CardCheckOut:
    """Check a voter card's QR text against the roll."""
    election = election_for(request.user, election_id)
    voter, problem = services.card_check(election, code)
    full = can_change(request.user, election.area)
    return CardCheckOut(
        valid=voter is not None and not problem,
        problem=problem,
        voter=_voter_out(voter, full) if voter is not None else None,
    )
