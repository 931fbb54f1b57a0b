"""Proxy voting (委托投票): whether one authorisation may be accepted under a profile."""

from __future__ import annotations

from dataclasses import dataclass

from huanjie.core.count.model import Reason
from huanjie.core.rules import Profile


@dataclass(frozen=True, slots=True)
class ProxyRequest:
    relation: str | None  # e.g. "配偶", "子女"; None if not a relative
    holder_is_voter_here: bool
    holder_is_candidate: bool
    already_held: int  # authorisations the holder has already accepted
    days_before: int  # filed this many days before election day (0 = on election day)
    on_the_spot: bool = False
    published: bool = True  # reviewed and published before election day


def check_proxy(profile: Profile, req: ProxyRequest) -> list[Reason]:
    """Every reason the authorisation must be refused; an empty list means it may be accepted."""
    rule = profile.value("proxy")
    article = profile.article("proxy")
    refusals: list[Reason] = []

    def refuse(code: str, text: str) -> None:
        refusals.append(Reason(code, article, text, "error"))

    if not rule["allowed"]:
        refuse("proxy_not_allowed", "本规则不允许委托他人代为投票")
        return refusals
    if not req.holder_is_voter_here:
        refuse("holder_not_voter", "受委托人必须是本选区（本村）有选举权的选民")
    if (
        rule["holder"] in ("near_relative", "listed_relatives")
        and req.relation not in rule["relatives"]
    ):
        refuse(
            "holder_not_relative",
            f"受委托人须为近亲属（{'、'.join(rule['relatives'])}），“{req.relation or '非亲属'}”不符合",
        )
    if req.holder_is_candidate and not rule["candidate_may_hold"]:
        refuse("holder_is_candidate", "候选人不得接受委托投票")
    limit = rule["limit"]
    if limit is not None and req.already_held >= limit:
        refuse(
            "proxy_limit",
            f"每人接受委托不得超过 {limit} 人，该受委托人已接受 {req.already_held} 人",
        )
    if req.on_the_spot and not rule["on_the_spot"]:
        refuse("on_the_spot", "禁止投票现场临时委托")
    days = rule["filing_days_before"]
    if days is not None and req.days_before < days:
        refuse(
            "filed_late",
            f"委托应当在选举日 {days} 日前办理，本件在选举日前 {req.days_before} 日提出",
        )
    if not req.published and profile.id.startswith("village/zhejiang"):
        refuse("not_published", "未经审核公告的委托无效")
    return refusals
