"""The printed documents of 选后工作: the handover list (移交清单)."""

from __future__ import annotations

from django.utils import timezone

from huanjie.apps.aftermath import selectors
from huanjie.apps.campaigns.models import Election
from huanjie.apps.errors import ServiceError
from huanjie.apps.preparation.documents import term_zh
from huanjie.apps.shortcuts import printed
from huanjie.printing.aftermath import HandoverLine, handover_list


def committee_name(election: Election) -> str:
    kind = "居民" if election.area.is_community else "村民"
    return f"{election.area.name}{kind}选举委员会"


ORGANIC = "《中华人民共和国村民委员会组织法》第二十条"


def cite(articles: str) -> list[str]:
    """``浙江省村民委员会选举办法 第三十三条；…`` as printed: 《浙江省村民委员会选举办法》第三十三条."""
    out = []
    for part in articles.split("；"):
        law, _, ref = part.strip().partition(" ")
        out.append(f"《{law}》{ref}" if ref else part.strip())
    return out


def new_committee_name(election: Election) -> str:
    body = "居民委员会" if election.area.is_community else "村民委员会"
    return f"{election.area.name}第{term_zh(election.campaign.term)}届{body}"


def handover_pdf(election: Election) -> bytes:
    """移交清单 as it stands: signed items with their signatories, the rest blank to sign."""
    h = selectors.handover(election)
    check = selectors.handover_check(election)
    if h is None or check is None:
        raise ServiceError("尚未建立移交清单", "", "no_handover")
    due = {s.key: s.due for s in check.items}
    lines = [
        HandoverLine(
            label=i.label,
            detail=i.detail,
            due=due.get(str(i.pk)),
            outgoing=i.outgoing_name,
            incoming=i.incoming_name,
            supervisor=i.supervisor_name,
            signed_on=selectors.signed_on(i),
            note=i.sign_note,
        )
        for i in selectors.handover_items(election)
    ]
    rule = selectors.handover_rule(election)
    d = check.deadlines
    days_cited = "、".join(cite(rule.days_article))
    when = (
        f"各项应于{d.due.year}年{d.due.month}月{d.due.day}日前移交完毕（{days_cited}）"
        if d.due
        else f"本规则未规定移交期限（{days_cited}）"
    )
    if rule.seal_same_day and d.seal_due:
        when += f"；印章应于新一届村民委员会产生当日移交（{'、'.join(cite(rule.seal_article))}）"
    cited = cite(rule.days_article) + (cite(rule.seal_article) if rule.seal_same_day else [])
    basis = tuple(
        dict.fromkeys([ORGANIC, *(c for c in cited if c != "《村民委员会组织法》第二十条")])
    )
    return printed(
        lambda: handover_list(
            election=election.title,
            committee=new_committee_name(election),
            issuer=committee_name(election),
            date=check.completed_on or timezone.localdate(),
            constituted_on=h.constituted_on,
            lines=lines,
            deadline_note=when + "。",
            basis=basis,
        )
    )
