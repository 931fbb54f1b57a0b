"""JSON API of proxy voting (委托投票): the same services and permission checks as the pages."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Path, Router, Schema, Status

from huanjie.apps.campaigns.models import Election
from huanjie.apps.campaigns.selectors import election_for
from huanjie.apps.errors import ServiceError
from huanjie.apps.proxies import documents, selectors, services
from huanjie.apps.proxies.models import ProxyAuthorisation
from huanjie.apps.roll.models import Voter
from huanjie.apps.roll.selectors import mask_id

router = Router(tags=["proxies"])


class ProblemOut(Schema):
    code: str
    level: str
    text: str
    article: str


class VoterRef(Schema):
    id: int
    name: str
    id_masked: str
    group: str


class ProxyOut(Schema):
    id: int
    serial: str
    principal: VoterRef
    proxy: VoterRef
    relation: str
    reason: str
    received_on: date
    document_ref: str
    status: str
    published_at: datetime | None
    revoked_reason: str
    basis: dict[str, object]
    problems: list[ProblemOut]


class ProxyIn(Schema):
    principal: str  # 身份证号 (or a name matching exactly one registered voter)
    proxy: str
    relation: str = ""
    reason: str = ""
    received_on: date
    document_ref: str = ""


class RevokeIn(Schema):
    reason: str


class NoticeOut(Schema):
    number: int
    published_at: datetime
    entries: list[dict[str, str]]
    warnings: list[str]
    current: bool


class StatusOut(Schema):
    in_force: int
    filing_closes: date | None
    filing_closes_article: str
    notice_current: bool
    candidate_check_available: bool
    blockers: list[str]


def _voter(v: Voter) -> VoterRef:
    return VoterRef(
        id=v.pk, name=v.name, id_masked=mask_id(v.id_number), group=v.group.name if v.group else ""
    )


def _out(election: Election, a: ProxyAuthorisation) -> ProxyOut:
    return ProxyOut(
        id=a.pk,
        serial=a.serial,
        principal=_voter(a.principal),
        proxy=_voter(a.proxy),
        relation=a.relation,
        reason=a.reason,
        received_on=a.received_on,
        document_ref=a.document_ref,
        status=a.status,
        published_at=a.published_at,
        revoked_reason=a.revoked_reason,
        basis=a.basis,
        problems=[
            ProblemOut(code=p.code, level=p.level, text=p.text, article=p.article)
            for p in selectors.standing(election, a)
        ],
    )


def _id_number(election: Election, text: str, field: str) -> str:
    found = selectors.lookup(election, text)
    if found.problem:
        raise ServiceError(found.problem, field, "voter_not_found")
    return found.id_number


@router.get("/", response=list[ProxyOut])
def list_proxies(request: HttpRequest, election_id: Path[int]) -> list[ProxyOut]:
    election = election_for(request.user, election_id)
    return [_out(election, a) for a in selectors.authorisations(election)]


@router.get("/status", response=StatusOut)
def proxy_status(request: HttpRequest, election_id: Path[int]) -> StatusOut:
    election = election_for(request.user, election_id)
    closes, _, closes_article = selectors.filing_deadline(election)
    return StatusOut(
        in_force=selectors.in_force(election).count(),
        filing_closes=closes,
        filing_closes_article=closes_article,
        notice_current=selectors.notice_is_current(election),
        candidate_check_available=selectors.candidate_check_available(),
        blockers=selectors.blockers(election),
    )


@router.get("/voters", response=list[VoterRef])
def search_voters(request: HttpRequest, election_id: Path[int], q: str = "") -> list[VoterRef]:
    """Registered voters by name or ID number (ID numbers shown masked)."""
    election = election_for(request.user, election_id)
    return [_voter(v) for v in selectors.search_voters(election, q)]


@router.post("/", response={201: ProxyOut})
def register_proxy(request: HttpRequest, election_id: Path[int], data: ProxyIn) -> Status[ProxyOut]:
    election = election_for(request.user, election_id, change=True)
    auth = services.proxy_register(
        acting_user=request.user,  # type: ignore[arg-type]
        election=election,
        principal_id_number=_id_number(election, data.principal, "principal"),
        proxy_id_number=_id_number(election, data.proxy, "proxy"),
        relation=data.relation,
        reason=data.reason,
        received_on=data.received_on,
        document_ref=data.document_ref,
    )
    return Status(201, _out(election, auth))


@router.get("/{int:pk}", response=ProxyOut)
def get_proxy(request: HttpRequest, election_id: Path[int], pk: int) -> ProxyOut:
    election = election_for(request.user, election_id)
    auth = get_object_or_404(selectors.authorisations(election), pk=pk)
    return _out(election, auth)


@router.post("/{int:pk}/revoke", response=ProxyOut)
def revoke_proxy(request: HttpRequest, election_id: Path[int], pk: int, data: RevokeIn) -> ProxyOut:
    election = election_for(request.user, election_id, change=True)
    auth = get_object_or_404(selectors.authorisations(election), pk=pk)
    auth = services.proxy_revoke(
        acting_user=request.user,  # type: ignore[arg-type]
        election=election,
        authorisation=auth,
        reason=data.reason,
    )
    return _out(election, selectors.get_authorisation(election, auth.pk))


@router.get("/notices/latest", response=NoticeOut)
def latest_notice(request: HttpRequest, election_id: Path[int]) -> NoticeOut:
    election = election_for(request.user, election_id)
    notice = selectors.latest_notice(election)
    if notice is None:
        raise ServiceError("尚未公告委托人和受委托人名单", "", "no_notice")
    return NoticeOut(
        number=notice.number,
        published_at=notice.published_at,
        entries=notice.entries,
        warnings=notice.warnings,
        current=selectors.notice_is_current(election),
    )


@router.post("/notices", response={201: NoticeOut})
def publish_notice(request: HttpRequest, election_id: Path[int]) -> Status[NoticeOut]:
    election = election_for(request.user, election_id, change=True)
    notice = services.proxy_list_publish(acting_user=request.user, election=election)  # type: ignore[arg-type]
    return Status(
        201,
        NoticeOut(
            number=notice.number,
            published_at=notice.published_at,
            entries=notice.entries,
            warnings=notice.warnings,
            current=True,
        ),
    )


@router.get("/notices/latest.pdf", response={200: None})
def notice_pdf(request: HttpRequest, election_id: Path[int]) -> HttpResponse:
    election = election_for(request.user, election_id)
    notice = selectors.latest_notice(election)
    if notice is None:
        raise ServiceError("尚未公告委托人和受委托人名单", "", "no_notice")
    data = documents.notice_pdf(election, notice)
    return HttpResponse(data, content_type="application/pdf")


@router.get("/certificates.pdf", response={200: None})
def certificates_pdf(request: HttpRequest, election_id: Path[int]) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    return HttpResponse(documents.certificates_pdf(election), content_type="application/pdf")
