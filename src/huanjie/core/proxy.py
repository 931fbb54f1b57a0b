"""Proxy voting (委托投票): whether one authorisation may be accepted under a profile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

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


# --- Registering an authorisation with the election committee, and keeping it valid ---------


@dataclass(frozen=True, slots=True)
class ProxyFiling:
    """One written authorisation as handed to the committee, with the facts around it.

    ``closes`` is the profile's ``proxy_filing_closes`` deadline (the last day a proxy may be
    filed), with ``closes_article`` its citation; ``None`` when the profile sets none, and
    then a proxy may be filed up to election day itself.
    """

    principal_is_voter_here: bool
    holder_is_voter_here: bool
    same_person: bool
    relation: str | None
    absent_reason: str  # why the principal cannot vote in person (外出不能参加投票)
    holder_is_candidate: bool
    already_held: int  # authorisations the holder already holds
    principal_has_proxy: bool  # the principal has already authorised someone
    principal_holds: int  # authorisations the principal holds for others
    holder_is_principal: bool  # the holder has authorised someone to cast their own vote
    received: date  # the written authorisation reached the committee on this day
    election_day: date
    today: date
    closes: date | None = None
    closes_article: str = ""


def check_filing(profile: Profile, filing: ProxyFiling) -> list[Reason]:
    """Every reason the committee must refuse to register the authorisation (empty: register).

    Adds to :func:`check_proxy` what follows from the authorisation being one person's own
    vote handed to one other voter (村民委员会组织法 第十五条第四款; 浙江 第二十五条第二款 and
    上海 第十六条第一款: no re-delegation), and the filing deadline counted from election day.
    """
    rule = profile.value("proxy")
    article = profile.article("proxy")
    refusals: list[Reason] = []

    def refuse(code: str, text: str, where: str = article, **values: Any) -> None:
        refusals.append(Reason(code, where, text, "error", values))

    if not rule["allowed"]:
        return check_proxy(profile, _request(filing, rule))
    if not filing.principal_is_voter_here:
        refuse("principal_not_voter", "委托人必须是本村登记参加选举的选民")
    if filing.same_person:
        refuse("self_proxy", "委托人和受委托人不能是同一人")
    if not filing.absent_reason.strip():
        refuse("no_reason", "应写明委托人选举期间外出不能参加投票的情况")
    if filing.principal_has_proxy:
        refuse("principal_has_proxy", "该委托人已经委托他人代为投票，一名选民只能委托一人")
    if filing.principal_holds:
        refuse(
            "principal_holds_proxies",
            f"该委托人已接受 {filing.principal_holds} 人的委托，受委托人不得再委托他人代为投票",
            held=filing.principal_holds,
        )
    if filing.holder_is_principal:
        refuse("holder_is_principal", "受委托人本人已委托他人代为投票，不能再接受委托")
    if filing.received > filing.today:
        refuse("received_in_future", "收到书面委托的日期不能晚于今天")
    late = False
    if filing.closes is not None and filing.received > filing.closes:
        late = True
        refuse(
            "filed_late",
            f"委托投票应于 {filing.closes.isoformat()} 前（含当日）办理，"
            f"本件于 {filing.received.isoformat()} 提出",
            filing.closes_article or article,
            closes=filing.closes.isoformat(),
        )
    elif filing.closes is None and filing.received > filing.election_day:
        late = True
        refuse(
            "filed_late",
            f"委托投票最迟应在选举日（{filing.election_day.isoformat()}）办理，"
            f"本件于 {filing.received.isoformat()} 提出",
            closes=filing.election_day.isoformat(),
        )
    for reason in check_proxy(profile, _request(filing, rule)):
        if not (late and reason.code == "filed_late"):
            refusals.append(reason)
    return refusals


def _request(filing: ProxyFiling, rule: Any) -> ProxyRequest:
    return ProxyRequest(
        relation=filing.relation or None,
        holder_is_voter_here=filing.holder_is_voter_here,
        holder_is_candidate=filing.holder_is_candidate,
        already_held=filing.already_held,
        days_before=(filing.election_day - filing.received).days,
        on_the_spot=filing.received >= filing.election_day,
        published=True,  # publication follows registration; see check_standing
    )


@dataclass(frozen=True, slots=True)
class ProxyStanding:
    """A registered authorisation as things stand now (the roll and candidates may change)."""

    principal_is_voter_here: bool
    holder_is_voter_here: bool
    holder_is_candidate: bool
    published: bool  # on a list of principals and proxies the committee has published


def check_standing(profile: Profile, standing: ProxyStanding) -> list[Reason]:
    """What is wrong with a registered authorisation now: errors make it unusable (it must be
    revoked or the list republished), warnings are work the committee still owes."""
    rule = profile.value("proxy")
    article = profile.article("proxy")
    found: list[Reason] = []
    if not standing.principal_is_voter_here:
        found.append(Reason("principal_not_voter", article, "委托人已不在选民名单上", "error"))
    if not standing.holder_is_voter_here:
        found.append(Reason("holder_not_voter", article, "受委托人已不在选民名单上", "error"))
    if standing.holder_is_candidate and not rule["candidate_may_hold"]:
        found.append(
            Reason(
                "holder_is_candidate", article, "受委托人已成为候选人，不得接受委托投票", "error"
            )
        )
    if not standing.published:
        if profile.id.startswith("village/zhejiang"):
            found.append(
                Reason("not_published", article, "尚未审核公告；未经审核公告的委托无效", "error")
            )
        else:
            found.append(
                Reason(
                    "not_published",
                    article,
                    "尚未公布；村民选举委员会应当公布委托人和受委托人的名单",
                    "warning",
                )
            )
    return found


def check_publication(
    profile: Profile,
    *,
    today: date,
    election_day: date,
    due: date | None = None,
    due_article: str = "",
) -> list[Reason]:
    """Whether the list of principals and proxies may still be published today.

    Zhejiang requires review and publication before election day, and an unpublished proxy is
    void (浙江 第二十五条第二款): publishing on or after election day is refused. A profile's
    ``proxy_list_published`` deadline (``due``, e.g. 上海 第十六条第二款: two days before) that
    has passed is a warning: the list must still be published."""
    article = profile.article("proxy")
    found: list[Reason] = []
    if profile.id.startswith("village/zhejiang") and today >= election_day:
        found.append(
            Reason(
                "publication_too_late",
                article,
                f"委托投票情况应当在选举日（{election_day.isoformat()}）前审核公告，今天已不能公告",
                "error",
            )
        )
    elif due is not None and today > due:
        found.append(
            Reason(
                "publication_late",
                due_article or article,
                f"委托人和受委托人名单应于 {due.isoformat()} 前公布，已逾期",
                "warning",
            )
        )
    return found
