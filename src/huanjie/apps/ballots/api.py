"""JSON API of 选票: the same services and permission checks as the pages.

The sealed security choice leaves the server only through ``POST security/reveal``, for the
person who may see it at that moment (403 for everyone else), and each call is recorded.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Path, Router, Schema, Status

from huanjie.apps.ballots import design, documents, selectors, services
from huanjie.apps.campaigns.models import Election
from huanjie.apps.campaigns.selectors import election_for
from huanjie.apps.polling.models import Round
from huanjie.apps.polling.selectors import rounds
from huanjie.apps.shortcuts import pdf_response

router = Router(tags=["ballots"])


class InstructionOut(Schema):
    sheet: str  # "" for the one sheet, else the post kind of its own sheet
    text: str
    basis: str


class PostOut(Schema):
    key: str
    name: str
    seats: int
    women_only: bool
    candidates: list[str]
    write_ins: int


class PrintRunOut(Schema):
    quantity: int
    note: str


class SpoiledOut(Schema):
    serial: int
    sheet: str
    reason: str
    recorded_at: datetime


class SheetOut(Schema):
    sheet: str
    label: str
    printed: int
    issued: int
    spoiled: int
    left_over: int | None
    expected_left: int
    difference: int | None


class DestructionOut(Schema):
    left_over: dict[str, int]
    issued: int
    spoiled: dict[str, int]
    witnesses: list[str]
    destroyed_at: datetime
    place: str


class ReconciliationOut(Schema):
    issued: int
    sheets: list[SheetOut]
    problems: list[str]
    balanced: bool
    destruction: DestructionOut | None


class RoundOut(Schema):
    number: int
    kind: str
    status: str
    form: str  # single | per_post
    style: str  # approve | party
    sheets: list[str]
    posts: list[PostOut]
    instructions: list[InstructionOut]
    print_run: PrintRunOut | None
    spoiled: list[SpoiledOut]
    reconciliation: ReconciliationOut


class SecurityOut(Schema):
    sealed: bool
    commitment: str
    chosen_at: datetime | None
    draws: int
    reveals: int
    may_reveal: bool
    reveal_reason: str


class OverviewOut(Schema):
    security: SecurityOut
    rounds: list[RoundOut]


class SecuritySetIn(Schema):
    colours: list[str]
    seals: list[str]


class SecuritySetOut(Schema):
    colours: list[str]
    seals: list[str]


class ChooseIn(Schema):
    reason: str = ""


class RevealOut(Schema):
    colour: str
    seal: str
    nonce: str
    commitment: str
    purpose: str


class RevealLogOut(Schema):
    at: datetime
    user: str | None
    purpose: str
    round: int | None


class PrintRunIn(Schema):
    quantity: int
    note: str = ""


class SpoiledIn(Schema):
    serial: int
    reason: str
    sheet: str = ""


class DestructionIn(Schema):
    left_over: dict[str, int]
    witnesses: list[str]
    destroyed_at: datetime
    place: str


def _round(election: Election, number: int) -> Round:
    r = rounds(election).filter(number=number).first()
    if r is None:
        raise Http404
    return r


def _reconciliation_out(r: Round) -> ReconciliationOut:
    rec = selectors.reconciliation(r)
    d = rec.destruction
    return ReconciliationOut(
        issued=rec.issued,
        sheets=[
            SheetOut(
                sheet=s.sheet,
                label=s.label,
                printed=s.printed,
                issued=s.issued,
                spoiled=s.spoiled,
                left_over=s.left_over,
                expected_left=s.expected_left,
                difference=s.difference,
            )
            for s in rec.sheets
        ],
        problems=rec.problems,
        balanced=rec.balanced,
        destruction=DestructionOut(
            left_over=d.left_over,
            issued=d.issued,
            spoiled=d.spoiled,
            witnesses=d.witnesses,
            destroyed_at=d.destroyed_at,
            place=d.place,
        )
        if d
        else None,
    )


def _round_out(r: Round) -> RoundOut:
    run = selectors.print_run(r)
    d = design.design(r)
    return RoundOut(
        number=r.number,
        kind=r.kind,
        status=r.status,
        form=d.form,
        style=d.style,
        sheets=design.sheets_of(r),
        posts=[PostOut(**p.__dict__) for p in design.posts_on_ballot(r)],
        instructions=[
            InstructionOut(sheet=sheet, text=i.text, basis=i.basis)
            for sheet, _label, items in design.sheet_instructions(r)
            for i in items
        ],
        print_run=PrintRunOut(quantity=run.quantity, note=run.note) if run else None,
        spoiled=[
            SpoiledOut(serial=s.serial, sheet=s.sheet, reason=s.reason, recorded_at=s.recorded_at)
            for s in selectors.spoiled(run)
        ]
        if run
        else [],
        reconciliation=_reconciliation_out(r),
    )


def _security_out(request: HttpRequest, election: Election) -> SecurityOut:
    state = selectors.security_state(election, request.user)
    return SecurityOut(
        sealed=state.sealed,
        commitment=state.commitment,
        chosen_at=state.chosen_at,  # type: ignore[arg-type]
        draws=state.draws,
        reveals=state.reveals,
        may_reveal=state.right.purpose is not None,
        reveal_reason=state.right.reason,
    )


@router.get("/", response=OverviewOut)
def overview(request: HttpRequest, election_id: Path[int]) -> OverviewOut:
    """Every round's ballot (design, print run, spoiled, reconciliation) and the security
    state: sealed or not, never the colour or the seal."""
    election = election_for(request.user, election_id)
    return OverviewOut(
        security=_security_out(request, election),
        rounds=[_round_out(r) for r in rounds(election)],
    )


@router.get("/security", response=SecurityOut)
def security(request: HttpRequest, election_id: Path[int]) -> SecurityOut:
    election = election_for(request.user, election_id)
    return _security_out(request, election)


@router.get("/security/set", response=SecuritySetOut)
def security_set(request: HttpRequest, election_id: Path[int]) -> SecuritySetOut:
    """The township's colours and seals (township office only)."""
    election = election_for(request.user, election_id)
    if not selectors.is_township_office(request.user, election.campaign):
        raise PermissionDenied("只有乡镇换届办可以查看选票纸张颜色和印章的设置")
    options = selectors.security_set(election.campaign)
    return SecuritySetOut(
        colours=options.colours if options else [], seals=options.seals if options else []
    )


@router.put("/security/set", response=SecuritySetOut)
def security_set_update(
    request: HttpRequest, election_id: Path[int], data: SecuritySetIn
) -> SecuritySetOut:
    election = election_for(request.user, election_id, change=True)
    options = services.security_set_update(
        acting_user=request.user, campaign=election.campaign, colours=data.colours, seals=data.seals
    )
    return SecuritySetOut(colours=options.colours, seals=options.seals)


@router.post("/security/choose", response=SecurityOut)
def security_choose(request: HttpRequest, election_id: Path[int], data: ChooseIn) -> SecurityOut:
    """Draw the village's colour and seal at random; the answer says only that it is sealed."""
    election = election_for(request.user, election_id, change=True)
    services.security_choose(acting_user=request.user, election=election, reason=data.reason)
    return _security_out(request, election)


@router.post("/security/reveal", response=RevealOut)
def security_reveal(request: HttpRequest, election_id: Path[int]) -> RevealOut:
    """Open the sealed choice: the 总监票人 while polls are open, the township office while
    ballots are printed; 403 for everyone else. Recorded and audited."""
    election = election_for(request.user, election_id, change=True)
    right = selectors.reveal_purpose(election, request.user)
    choice = services.security_reveal(acting_user=request.user, election=election)
    return RevealOut(
        colour=choice.colour,
        seal=choice.seal,
        nonce=choice.nonce,
        commitment=choice.commitment,
        purpose=right.purpose or "",
    )


@router.get("/security/reveals", response=list[RevealLogOut])
def security_reveals(request: HttpRequest, election_id: Path[int]) -> list[RevealLogOut]:
    """Who opened the sealed choice, when and why (not what they saw)."""
    election = election_for(request.user, election_id)
    return [
        RevealLogOut(
            at=x.at,
            user=(x.user.first_name or x.user.username) if x.user else None,
            purpose=x.purpose,
            round=x.round.number if x.round else None,
        )
        for x in selectors.reveal_log(election)
    ]


@router.get("/rounds/{number}", response=RoundOut)
def round_detail(request: HttpRequest, election_id: Path[int], number: int) -> RoundOut:
    election = election_for(request.user, election_id)
    return _round_out(_round(election, number))


@router.put("/rounds/{number}/print-run", response=RoundOut)
def print_run(
    request: HttpRequest, election_id: Path[int], number: int, data: PrintRunIn
) -> RoundOut:
    election = election_for(request.user, election_id, change=True)
    r = _round(election, number)
    services.print_run_record(
        acting_user=request.user, round=r, quantity=data.quantity, note=data.note
    )
    return _round_out(r)


@router.post("/rounds/{number}/spoiled", response={201: RoundOut})
def spoiled(
    request: HttpRequest, election_id: Path[int], number: int, data: SpoiledIn
) -> Status[RoundOut]:
    election = election_for(request.user, election_id, change=True)
    r = _round(election, number)
    run = selectors.print_run(r)
    if run is None:
        raise Http404
    services.spoiled_record(
        acting_user=request.user,
        print_run=run,
        serial=data.serial,
        sheet=data.sheet,
        reason=data.reason,
    )
    return Status(201, _round_out(r))


@router.post("/rounds/{number}/destruction", response={201: RoundOut})
def destruction(
    request: HttpRequest, election_id: Path[int], number: int, data: DestructionIn
) -> Status[RoundOut]:
    election = election_for(request.user, election_id, change=True)
    r = _round(election, number)
    run = selectors.print_run(r)
    if run is None:
        raise Http404
    services.destruction_record(
        acting_user=request.user,
        print_run=run,
        left_over=data.left_over,
        witnesses=data.witnesses,
        destroyed_at=data.destroyed_at,
        place=data.place,
    )
    return Status(201, _round_out(r))


@router.get("/rounds/{number}/reconciliation", response=ReconciliationOut)
def reconciliation(request: HttpRequest, election_id: Path[int], number: int) -> ReconciliationOut:
    election = election_for(request.user, election_id)
    return _reconciliation_out(_round(election, number))


@router.get("/rounds/{number}/sample.pdf")
def sample_pdf(request: HttpRequest, election_id: Path[int], number: int) -> HttpResponse:
    election = election_for(request.user, election_id)
    r = _round(election, number)
    return pdf_response(documents.sample_pdf(r), f"样票-第{r.number}轮.pdf")


@router.get("/rounds/{number}/ballots.pdf")
def ballots_pdf(
    request: HttpRequest, election_id: Path[int], number: int, first: int, last: int
) -> HttpResponse:
    """Serials ``first`` to ``last`` (at most 500) of the round's print run."""
    election = election_for(request.user, election_id, change=True)
    r = _round(election, number)
    run = selectors.print_run(r)
    if run is None:
        raise Http404
    return pdf_response(
        documents.ballots_pdf(run, first, last), f"选票-第{r.number}轮-{first:06d}-{last:06d}.pdf"
    )
