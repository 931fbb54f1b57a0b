"""Reads of proxy voting used by the pages, the API, the stage blocker and other parts
(``held_by`` for the candidates part)."""

from __future__ import annotations

import hashlib
import hmac
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from huanjie.apps.campaigns.models import Election
from huanjie.apps.campaigns.selectors import election_schedule
from huanjie.apps.proxies.models import ProxyAuthorisation, ProxyNotice
from huanjie.apps.roll.models import Status as VoterStatus
from huanjie.apps.roll.models import Voter
from huanjie.apps.roll.selectors import find_voter, registered
from huanjie.core.count.model import Reason
from huanjie.core.names import normalize
from huanjie.core.proxy import ProxyStanding, check_standing
from huanjie.core.roll.idcard import check as check_id
from huanjie.core.rules import load_profile

FILING_DEADLINE = "proxy_filing_closes"
LIST_DEADLINE = "proxy_list_published"
Registered = ProxyAuthorisation.Status.REGISTERED


# --- The candidates part ------------------------------------------------------------------


def candidate_check_available() -> bool:
    """Whether the candidates part answers ``is_candidate`` yet."""
    return _is_candidate_fn() is not None


def holder_is_candidate(election: Election, voter: Voter) -> bool:
    """Whether ``voter`` is a candidate (or self-nominee) in ``election``, as the candidates part
    says (``huanjie.apps.candidates.selectors.is_candidate``); False while it cannot say."""
    fn = _is_candidate_fn()
    return bool(fn(election, voter)) if fn is not None else False


def _is_candidate_fn() -> Callable[[Election, Voter], bool] | None:
    # Imported when used: the candidates part imports ``held_by`` from here.
    try:
        module = importlib.import_module("huanjie.apps.candidates.selectors")
    except ModuleNotFoundError:
        return None
    fn = getattr(module, "is_candidate", None)
    return fn if callable(fn) else None


# --- Authorisations -------------------------------------------------------------------------


def authorisations(election: Election) -> QuerySet[ProxyAuthorisation]:
    """Every authorisation of the election, revoked ones included, in serial order."""
    return ProxyAuthorisation.objects.filter(election=election).select_related(
        "principal", "proxy", "principal__group", "proxy__group", "registered_by", "revoked_by"
    )


def in_force(election: Election) -> QuerySet[ProxyAuthorisation]:
    return authorisations(election).filter(status=Registered)


def held_by(election: Election, voter: Voter) -> QuerySet[ProxyAuthorisation]:
    """The authorisations in force that ``voter`` holds as proxy (受委托人).

    For the candidates part: when a holder becomes a candidate and the profile bars candidates
    from holding proxies (e.g. 浙江 第二十五条第一款), these must be revoked or re-filed.
    """
    return in_force(election).filter(proxy=voter)


def given_by(election: Election, voter: Voter) -> ProxyAuthorisation | None:
    """The authorisation in force by which ``voter`` has handed their vote to someone."""
    return in_force(election).filter(principal=voter).first()


def get_authorisation(election: Election, pk: int) -> ProxyAuthorisation:
    return authorisations(election).get(pk=pk)


def filing_deadline(election: Election) -> tuple[date | None, str, str]:
    """The profile's last day for filing (``proxy_filing_closes``): date, label, citation.

    ``None`` when the profile sets no such deadline (then: up to election day)."""
    for item in election_schedule(election):
        if item.id == FILING_DEADLINE:
            return item.date, item.label, str(item.citation)
    return None, "", ""


def list_deadline(election: Election) -> tuple[date | None, str]:
    for item in election_schedule(election):
        if item.id == LIST_DEADLINE:
            return item.date, str(item.citation)
    return None, ""


# --- Finding voters -------------------------------------------------------------------------


def search_voters(election: Election, text: str, limit: int = 20) -> list[Voter]:
    """Registered voters whose name contains ``text`` or whose ID number is ``text``."""
    text = text.strip()
    if not text:
        return []
    key = normalize(text)
    query = Q(id_number=text.upper()) | Q(name__contains=text)
    if key:
        query |= Q(name_key__contains=key)
    return list(registered(election).filter(query).select_related("group")[:limit])


@dataclass(frozen=True)
class VoterLookup:
    """A voter given by ID number or name: the voter, or why none was chosen."""

    voter: Voter | None
    id_number: str  # what the service gets ("" when a name matched no one or several)
    problem: str = ""
    matches: tuple[Voter, ...] = ()


def looks_like_id(text: str) -> bool:
    cleaned = text.strip().upper()
    return len(cleaned) in (15, 18) and cleaned[:-1].isdigit()


def lookup(election: Election, text: str) -> VoterLookup:
    """Resolve what a clerk typed (身份证号 or 姓名) to a registered voter of this election."""
    text = text.strip()
    if not text:
        return VoterLookup(None, "", "请填写身份证号或姓名")
    if looks_like_id(text):
        result = check_id(text)
        number = result.normalized if result.valid and result.normalized else text.upper()
        return VoterLookup(find_voter(election, id_number=number), number)
    key = normalize(text)
    found = tuple(
        registered(election).filter(Q(name=text) | Q(name_key=key)).select_related("group")
    )
    if len(found) == 1:
        return VoterLookup(found[0], found[0].id_number)
    if not found:
        return VoterLookup(None, "", f"本村选民名单上没有名为“{text}”的选民")
    return VoterLookup(
        None, "", f"选民名单上有 {len(found)} 名“{text}”，请改填身份证号", matches=found
    )


def holdings(election: Election) -> dict[int, int]:
    """Voter id → number of authorisations in force held."""
    rows = in_force(election).values("proxy").annotate(n=Count("id"))
    return {r["proxy"]: r["n"] for r in rows}


# --- Standing, notices, the stage blocker ----------------------------------------------------


def latest_notice(election: Election) -> ProxyNotice | None:
    return ProxyNotice.objects.filter(election=election).order_by("-number").first()


def notice_is_current(election: Election) -> bool:
    """The latest published list names exactly the authorisations now in force."""
    notice = latest_notice(election)
    serials = {a.serial for a in in_force(election)}
    if notice is None:
        return not serials
    return {e["serial"] for e in notice.entries} == serials


@dataclass(frozen=True)
class Row:
    authorisation: ProxyAuthorisation
    problems: list[Reason]

    @property
    def errors(self) -> list[Reason]:
        return [p for p in self.problems if p.level == "error"]


def standing(election: Election, auth: ProxyAuthorisation) -> list[Reason]:
    """What is wrong with an authorisation in force as things stand (core ``check_standing``)."""
    if auth.status != Registered:
        return []
    return check_standing(
        load_profile(election.profile_id),
        ProxyStanding(
            principal_is_voter_here=auth.principal.status == VoterStatus.REGISTERED,
            holder_is_voter_here=auth.proxy.status == VoterStatus.REGISTERED,
            holder_is_candidate=holder_is_candidate(election, auth.proxy),
            published=auth.published_at is not None,
        ),
    )


def rows(election: Election) -> list[Row]:
    return [Row(a, standing(election, a)) for a in authorisations(election)]


def blockers(election: Election) -> list[str]:
    """Why the proxies stage (委托投票) cannot close yet: authorisations in force that are no
    longer valid, and a list of principals and proxies not (or no longer) as published."""
    reasons = []
    for auth in in_force(election):
        for problem in standing(election, auth):
            if problem.level == "error" and problem.code != "not_published":
                reasons.append(
                    f"委托投票 {auth.serial}（{auth.principal.name} 委托 {auth.proxy.name}）："
                    f"{problem.text}，应撤销或重新办理"
                )
    if not notice_is_current(election):
        article = load_profile(election.profile_id).article("proxy")
        if latest_notice(election) is None:
            reasons.append(f"委托人和受委托人名单尚未公告（{article}）")
        else:
            reasons.append(f"公告后委托投票有变动，应重新公告委托人和受委托人名单（{article}）")
    return reasons


# --- Certificates ---------------------------------------------------------------------------


def certificate_code(auth: ProxyAuthorisation) -> str:
    """A short HMAC (settings.SECRET_KEY) over the election, serial and the two voters."""
    message = f"proxy|{auth.election_id}|{auth.serial}|{auth.principal_id}|{auth.proxy_id}"
    digest = hmac.new(settings.SECRET_KEY.encode(), message.encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


def certificate_payload(auth: ProxyAuthorisation) -> str:
    """What the QR code on a 委托投票证 carries: election, serial and the HMAC."""
    return f"HJ-WT|{auth.election_id}|{auth.serial}|{certificate_code(auth)}"


def verify_payload(election: Election, payload: str) -> ProxyAuthorisation | None:
    """The authorisation in force a scanned certificate stands for, or None if forged or void."""
    parts = payload.strip().split("|")
    if len(parts) != 4 or parts[0] != "HJ-WT" or parts[1] != str(election.pk):
        return None
    serial = parts[2]
    if not (serial.startswith("WT") and serial[2:].isdigit()):
        return None
    auth = in_force(election).filter(number=int(serial[2:])).first()
    if auth is None or not hmac.compare_digest(certificate_code(auth), parts[3]):
        return None
    return auth


def certifiable(election: Election) -> list[ProxyAuthorisation]:
    """Authorisations a certificate may be printed for: in force, published, still valid."""
    return [
        a
        for a in in_force(election).filter(published_at__isnull=False)
        if not [p for p in standing(election, a) if p.level == "error"]
    ]
