"""Writes of proxy voting: register, revoke, publish the list (one transaction and one audit
entry each; a refused operation changes nothing)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from huanjie.apps.audit.services import audit_record
from huanjie.apps.campaigns.models import Election
from huanjie.apps.campaigns.selectors import stage_is_open
from huanjie.apps.errors import ServiceError
from huanjie.apps.proxies import selectors
from huanjie.apps.proxies.models import ProxyAuthorisation, ProxyNotice
from huanjie.apps.roll.selectors import find_voter
from huanjie.core.count.model import Reason
from huanjie.core.names import stroke_sort
from huanjie.core.proxy import ProxyFiling, check_filing, check_publication
from huanjie.core.rules import load_profile
from huanjie.core.stages import LABELS, Stage

User = AbstractBaseUser | None

#: The form field / JSON key each refusal of core ``check_filing`` concerns.
FIELD_OF = {
    "proxy_not_allowed": "",
    "principal_not_voter": "principal",
    "principal_has_proxy": "principal",
    "principal_holds_proxies": "principal",
    "self_proxy": "proxy",
    "holder_not_voter": "proxy",
    "holder_is_principal": "proxy",
    "holder_is_candidate": "proxy",
    "proxy_limit": "proxy",
    "holder_not_relative": "relation",
    "no_reason": "reason",
    "received_in_future": "received_on",
    "filed_late": "received_on",
    "on_the_spot": "received_on",
}


class ProxyError(ServiceError):
    """A refused proxy operation; the message (Chinese) names the field and the article.
    ``reasons`` holds every refusal the core found (the message gives the first)."""

    def __init__(
        self, message: str, field: str = "", code: str = "invalid", reasons: Sequence[Reason] = ()
    ) -> None:
        super().__init__(message, field, code)
        self.reasons = list(reasons)


def _user_id(user: User) -> int | None:
    return user.pk if user is not None else None


def _require_open(election: Election) -> None:
    if not stage_is_open(election, Stage.PROXIES):
        raise ProxyError(
            f"“{LABELS[Stage.PROXIES]}”阶段未在进行中（须在选民登记完成后开始），不能办理",
            "",
            "stage_not_open",
        )


def _lock(election: Election) -> Election:
    """Serialise proxy writes of one election (limits and serial numbers are counted)."""
    return Election.objects.select_for_update().get(pk=election.pk)


def proxy_register(
    *,
    acting_user: User,
    election: Election,
    principal_id_number: str,
    proxy_id_number: str,
    relation: str,
    reason: str,
    received_on: date,
    document_ref: str = "",
    today: date | None = None,
) -> ProxyAuthorisation:
    """Register a written authorisation after the core has found nothing to refuse.

    Every refusal (with its article) comes from ``core.proxy.check_filing``; the first one is
    raised, all of them are in ``err.reasons``.
    """
    today = today or timezone.localdate()
    profile = load_profile(election.profile_id)
    relation, reason, document_ref = relation.strip(), reason.strip(), document_ref.strip()
    with transaction.atomic():
        election = _lock(election)
        _require_open(election)
        principal = find_voter(election, id_number=principal_id_number)
        holder = find_voter(election, id_number=proxy_id_number)
        closes, closes_label, closes_article = selectors.filing_deadline(election)
        in_force = selectors.in_force(election)
        already_held = in_force.filter(proxy=holder).count() if holder else 0
        holder_candidate = holder is not None and selectors.holder_is_candidate(election, holder)
        filing = ProxyFiling(
            principal_is_voter_here=principal is not None,
            holder_is_voter_here=holder is not None,
            same_person=principal is not None and holder is not None and principal == holder,
            relation=relation or None,
            absent_reason=reason,
            holder_is_candidate=holder_candidate,
            already_held=already_held,
            principal_has_proxy=principal is not None
            and in_force.filter(principal=principal).exists(),
            principal_holds=in_force.filter(proxy=principal).count() if principal else 0,
            holder_is_principal=holder is not None and in_force.filter(principal=holder).exists(),
            received=received_on,
            election_day=election.election_day,
            today=today,
            closes=closes,
            closes_article=closes_article,
        )
        refusals = check_filing(profile, filing)
        if refusals or principal is None or holder is None:
            first = refusals[0]
            raise ProxyError(
                f"{first.text}（{first.article}）",
                FIELD_OF.get(first.code, ""),
                first.code,
                refusals,
            )
        last = ProxyAuthorisation.objects.filter(election=election).aggregate(m=Max("number"))["m"]
        number = (last or 0) + 1
        basis = {
            "profile": profile.id,
            "article": profile.article("proxy"),
            "rule": profile.value("proxy"),
            "filing_closes": closes.isoformat() if closes else None,
            "filing_closes_label": closes_label,
            "filing_closes_article": closes_article,
            "election_day": election.election_day.isoformat(),
            "received_on": received_on.isoformat(),
            "checked_on": today.isoformat(),
            "already_held": already_held,
            "holder_is_candidate": holder_candidate,
            "candidate_check_available": selectors.candidate_check_available(),
        }
        try:
            with transaction.atomic():
                auth = ProxyAuthorisation.objects.create(
                    election=election,
                    number=number,
                    principal=principal,
                    proxy=holder,
                    relation=relation,
                    reason=reason,
                    received_on=received_on,
                    document_ref=document_ref,
                    basis=basis,
                    registered_by_id=_user_id(acting_user),
                )
        except IntegrityError as exc:  # a concurrent registration for the same principal
            raise ProxyError(
                "该委托人已经委托他人代为投票", "principal", "principal_has_proxy"
            ) from exc
        audit_record(
            acting_user=acting_user,
            action="proxy.register",
            obj=auth,
            area=election.area,
            after={
                "serial": auth.serial,
                "principal": principal.pk,
                "proxy": holder.pk,
                "relation": relation,
                "received_on": received_on,
                "document_ref": document_ref,
                "basis": basis,
            },
        )
    return auth


def proxy_revoke(
    *, acting_user: User, election: Election, authorisation: ProxyAuthorisation, reason: str
) -> ProxyAuthorisation:
    """Revoke an authorisation in force (the principal withdrew it, the holder became a
    candidate, a voter left the roll…); the reason is kept and audited."""
    reason = reason.strip()
    if not reason:
        raise ProxyError("撤销理由：请填写撤销委托的理由", "reason")
    if len(reason) > 300:
        raise ProxyError("撤销理由：不超过 300 字", "reason")
    with transaction.atomic():
        election = _lock(election)
        _require_open(election)
        auth = ProxyAuthorisation.objects.select_for_update().get(
            pk=authorisation.pk, election=election
        )
        if auth.status != ProxyAuthorisation.Status.REGISTERED:
            raise ProxyError(f"委托投票 {auth.serial} 已经撤销", "", "already_revoked")
        auth.status = ProxyAuthorisation.Status.REVOKED
        auth.revoked_at = timezone.now()
        auth.revoked_by_id = _user_id(acting_user)
        auth.revoked_reason = reason
        auth.save(update_fields=["status", "revoked_at", "revoked_by_id", "revoked_reason"])
        audit_record(
            acting_user=acting_user,
            action="proxy.revoke",
            obj=auth,
            area=election.area,
            before={"serial": auth.serial, "status": ProxyAuthorisation.Status.REGISTERED},
            after={"status": auth.status, "reason": reason},
        )
    return auth


def proxy_list_publish(
    *, acting_user: User, election: Election, today: date | None = None
) -> ProxyNotice:
    """Publish (公告) the list of principals and proxies now in force, in stroke order of the
    principals' names; the list is kept as published. After revocations a new list replaces
    the old one, even an empty one when every authorisation was withdrawn. Too late to
    publish (core ``check_publication``) is refused; a passed deadline is kept as a warning."""
    profile = load_profile(election.profile_id)
    today = today or timezone.localdate()
    with transaction.atomic():
        election = _lock(election)
        _require_open(election)
        due, due_article = selectors.list_deadline(election)
        timing = check_publication(
            profile,
            today=today,
            election_day=election.election_day,
            due=due,
            due_article=due_article,
        )
        for problem in timing:
            if problem.level == "error":
                raise ProxyError(f"{problem.text}（{problem.article}）", "", problem.code)
        current = list(selectors.in_force(election))
        if not current and selectors.latest_notice(election) is None:
            raise ProxyError("目前没有有效的委托投票，无需公告", "", "nothing_to_publish")
        invalid = [
            (a, p)
            for a in current
            for p in selectors.standing(election, a)
            if p.level == "error" and p.code != "not_published"
        ]
        if invalid:
            a, p = invalid[0]
            raise ProxyError(
                f"委托投票 {a.serial}（{a.principal.name}）：{p.text}（{p.article}），请先撤销",
                "",
                p.code,
            )
        if selectors.notice_is_current(election):
            raise ProxyError("名单与最近一次公告相同，无需重新公告", "", "unchanged")
        convention = profile.value("name_order")
        order = stroke_sort([a.principal.name for a in current], convention=convention)
        rank: dict[str, int] = {}
        for i, name in enumerate(order):
            rank.setdefault(name, i)
        current.sort(key=lambda a: (rank[a.principal.name], a.number))
        entries = [
            {
                "serial": a.serial,
                "principal": a.principal.name,
                "proxy": a.proxy.name,
                "relation": a.relation,
                "group": a.principal.group.name if a.principal.group else "",
            }
            for a in current
        ]
        last = ProxyNotice.objects.filter(election=election).aggregate(m=Max("number"))["m"] or 0
        warnings = [f"{p.text}（{p.article}）" for p in timing]
        notice = ProxyNotice.objects.create(
            election=election,
            number=last + 1,
            published_by_id=_user_id(acting_user),
            entries=entries,
            warnings=warnings,
        )
        now = timezone.now()
        ProxyAuthorisation.objects.filter(
            pk__in=[a.pk for a in current], published_at__isnull=True
        ).update(published_at=now)
        audit_record(
            acting_user=acting_user,
            action="proxy.publish",
            obj=notice,
            area=election.area,
            after={
                "number": notice.number,
                "entries": entries,
                "warnings": warnings,
                "article": profile.article("proxy"),
            },
        )
    return notice
