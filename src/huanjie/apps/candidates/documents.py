"""The printed lists of the candidates part, built with ``huanjie.printing`` from the frozen
content of a published notice: 初步候选人名单公示 and 正式候选人名单公告."""

from __future__ import annotations

from datetime import date

from huanjie import printing
from huanjie.apps.campaigns.models import Election
from huanjie.apps.campaigns.selectors import election_schedule
from huanjie.apps.candidates.models import Notice
from huanjie.apps.shortcuts import printed
from huanjie.core.rules import load_profile

ORGANIC = "《中华人民共和国村民委员会组织法》第十五条第一款"


def committee_name(election: Election) -> str:
    kind = "居民" if election.area.is_community else "村民"
    return f"{election.area.name}{kind}选举委员会"


def basis(election: Election, kind: str) -> tuple[str, ...]:
    """The articles under the notice: the national law, the profile's 差额 rule and, for the
    formal list, the article that sets when it is published."""
    profile = load_profile(election.profile_id)
    cited = [f"《{c.law}》{c.ref}" for c in profile.params["contest"].citations]
    if kind == Notice.Kind.FORMAL:
        cited += [
            f"《{d.citation.law}》{d.citation.ref}"
            for d in election_schedule(election)
            if d.id == "candidates_published"
        ]
    organic = "《村民委员会组织法》第十五条第一款"
    return (ORGANIC, *dict.fromkeys(c for c in cited if c != organic))


def _d(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def notice_pdf(election: Election, notice: Notice) -> bytes:
    """The list exactly as published in ``notice`` (names, sex, age; votes when the list is
    ordered by votes)."""
    by_votes = notice.order == "votes"
    posts = [
        printing.PostCandidates(
            post=p["name"],
            seats=p["seats"],
            candidates=[
                printing.Candidate(
                    name=c["name"],
                    sex=c["sex"],
                    age=c["age"],
                    note=f"提名票 {c['votes']} 票" if by_votes else "",
                )
                for c in p["candidates"]
            ],
        )
        for p in notice.content["posts"]
    ]
    formal = notice.kind == Notice.Kind.FORMAL
    period = (
        f"自{_d(notice.start)}起张榜公布至选举日（{_d(election.election_day)}）。"
        if formal
        else f"公示期{notice.days}日，自{_d(notice.start)}至{_d(notice.end)}"
        "（自公布次日起算，民法典第二百零一条）。"
    )
    closing = [
        period,
        "对名单有异议的，请在公示期内向村民选举委员会或者乡镇人民政府反映。",
    ]
    return printed(
        lambda: printing.candidate_list_notice(
            stage="final" if formal else "preliminary",
            election=election.title,
            issuer=committee_name(election),
            date=notice.start,
            posts=posts,
            order_note=str(notice.content.get("order_note", "")).split("（")[0],
            title=f"{election.title}{'正式候选人名单公告' if formal else '初步候选人名单公示'}",
            closing=closing,
            basis=basis(election, notice.kind),
        )
    )
