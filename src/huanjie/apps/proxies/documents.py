"""The printed documents of proxy voting, built from the register with ``huanjie.printing``:
the published list (委托投票公告) and the proxy certificates (委托投票证)."""

from __future__ import annotations

from django.utils import timezone

from huanjie.apps.campaigns.models import Election
from huanjie.apps.errors import ServiceError
from huanjie.apps.proxies import selectors
from huanjie.apps.proxies.models import ProxyNotice
from huanjie.apps.shortcuts import printed
from huanjie.core.rules import load_profile
from huanjie.printing import forms as printing

ORGANIC = "《中华人民共和国村民委员会组织法》第十五条第四款"


def committee_name(election: Election) -> str:
    kind = "居民" if election.area.is_community else "村民"
    return f"{election.area.name}{kind}选举委员会"


def basis(election: Election) -> tuple[str, ...]:
    """The articles printed under the documents: the national law, then the profile's own."""
    cited = [
        f"《{c.law}》{c.ref}" for c in load_profile(election.profile_id).params["proxy"].citations
    ]
    organic = "《村民委员会组织法》第十五条第四款"
    return (ORGANIC, *(c for c in cited if c != organic))


def notice_pdf(election: Election, notice: ProxyNotice) -> bytes:
    """The list as published in ``notice`` (names and groups only, never ID numbers)."""
    pairs = [
        printing.ProxyPair(
            principal=e["principal"],
            proxy=e["proxy"],
            relation=e["relation"] or "—",
            principal_group=e.get("group", ""),
            note=e["serial"],
        )
        for e in notice.entries
    ]
    suffix = f"（第{notice.number}期）" if notice.number > 1 else ""
    return printed(
        lambda: printing.proxy_voting_notice(
            election=election.title,
            issuer=committee_name(election),
            date=timezone.localtime(notice.published_at).date(),
            pairs=pairs,
            title=f"{election.title}委托投票公告{suffix}",
            basis=basis(election),
        )
    )


def certificates_pdf(election: Election) -> bytes:
    """委托投票证 for every authorisation in force, published and still valid."""
    auths = selectors.certifiable(election)
    if not auths:
        raise ServiceError("没有可以打印委托投票证的委托：委托须登记有效并已公告", "", "none")
    posts = [p.get_kind_display() for p in election.posts.all()]
    batch = printing.ProxyCertificateBatch(
        election=election.title,
        committee=committee_name(election),
        election_day=election.election_day,
        issued=timezone.localdate(),
        basis="；".join(basis(election)),
        certificates=[
            printing.ProxyCertificate(
                principal=a.principal.name,
                proxy=a.proxy.name,
                relation=a.relation or "—",
                posts=posts,
                serial=a.serial,
                qr_payload=selectors.certificate_payload(a),
                principal_group=a.principal.group.name if a.principal.group else "",
                proxy_group=a.proxy.group.name if a.proxy.group else "",
                principal_card=a.principal.serial,
                proxy_card=a.proxy.serial,
            )
            for a in auths
        ],
    )
    return printed(lambda: printing.proxy_certificates(batch))
