"""The result forms of an election, built with ``huanjie.printing.results`` from stored results
only (the frozen input and outcome): 选举结果报告单 per round, 当选证书 per winner, and the
选举结果公告. Names, posts, sex and votes only: never an ID number or an address."""

from __future__ import annotations

from datetime import date

from huanjie.apps.campaigns.models import Election
from huanjie.apps.errors import ServiceError
from huanjie.apps.results import selectors
from huanjie.apps.results.models import RoundResult
from huanjie.apps.shortcuts import printed
from huanjie.core.rules import load_profile
from huanjie.printing import results as printing

ORGANIC = "《中华人民共和国村民委员会组织法》第十五条"
SEX = {"M": "男", "F": "女"}
_CN_YEARS = "零一二三四五六七八九十"


def committee_name(election: Election) -> str:
    """The election committee that ran the vote: 青山村村民选举委员会."""
    kind = "居民" if election.area.is_community else "村民"
    return f"{election.area.name}{kind}选举委员会"


def _cn(n: int) -> str:
    """Chinese numerals for 0–99 (十二, 二十): 第十二届, as official documents write it."""
    if not 0 <= n < 100:
        return str(n)
    tens, units = divmod(n, 10)
    if tens == 0:
        return _CN_YEARS[units]
    return ("" if tens == 1 else _CN_YEARS[tens]) + "十" + (_CN_YEARS[units] if units else "")


def body_name(election: Election) -> str:
    """The committee elected: 青山村第十二届村民委员会."""
    kind = "居民委员会" if election.area.is_community else "村民委员会"
    return f"{election.area.name}第{_cn(election.campaign.term)}届{kind}"


def election_name(election: Election) -> str:
    """青山村第十二届村民委员会选举."""
    return f"{body_name(election)}选举"


def issuer_name(election: Election) -> str:
    """Who issues the certificates under the profile's ``certificate_issuer``."""
    issuer = load_profile(election.profile_id).value("certificate_issuer")
    if issuer == "township_government":
        town = election.area.parent
        return f"{town.name}人民政府" if town is not None else "乡镇人民政府"
    return committee_name(election)


def _cite(law: str, ref: str) -> str:
    return f"《{law}》{ref}"


def _basis(election: Election, *params: str, checked_only: bool = False) -> list[str]:
    """The articles of ``params``; with ``checked_only`` only those checked against the text
    (a form people keep does not cite a secondary source)."""
    profile = load_profile(election.profile_id)
    cited = [
        _cite(c.law, c.ref)
        for p in params
        for c in profile.params[p].citations
        if not checked_only or c.status == "V"
    ]
    return list(dict.fromkeys(cited))


def _staff(election: Election) -> dict[str, list[str]]:
    from huanjie.apps.polling.selectors import staff  # noqa: PLC0415

    names: dict[str, list[str]] = {}
    for s in staff(election):
        names.setdefault(s.role, []).append(s.name)
    return names


def _chair(election: Election) -> str:
    from huanjie.apps.committee.models import Role  # noqa: PLC0415
    from huanjie.apps.committee.selectors import serving  # noqa: PLC0415

    chair = serving(election).filter(role=Role.CHAIR).first()
    return chair.name if chair is not None else ""


def report(result: RoundResult, on: date) -> printing.ResultReport:
    """The 选举结果报告单 of one stored result."""
    view = selectors.round_view(result)
    election = result.round.election
    profile = load_profile(result.profile_id)
    staff = _staff(election)
    posts = [
        printing.PostResult(
            name=p.name + ("（限妇女）" if p.women_only else ""),
            seats=p.seats,
            threshold=p.threshold if view.valid else None,
            rule=p.rule + (f"（{p.article}）" if p.article and p.rule else ""),
            candidates=[
                printing.CandidateVotes(
                    name=row.name,
                    votes=row.votes,
                    result=row.status,
                    elected=row.elected,
                    write_in=row.write_in,
                )
                for row in p.rows
            ],
            valid=p.sections.get("valid"),
            invalid=p.sections.get("invalid"),
            blank=p.sections.get("blank"),
            note=f"尚缺 {p.unfilled} 名" if p.unfilled and view.valid else "",
        )
        for p in view.posts
    ]
    return printing.ResultReport(
        election=election_name(election),
        round_title=view.title,
        held_on=result.round.held_on,
        place=election.place,
        rules=profile.title,
        issuer=committee_name(election),
        date=on,
        electorate=view.electorate,
        voters=view.voters,
        issued=view.issued,
        collected=view.collected,
        valid_ballots=view.valid_ballots,
        invalid_ballots=view.invalid_ballots,
        blank_ballots=view.blank_ballots,
        valid=view.valid,
        posts=posts,
        boxes=[
            printing.BoxFigures(
                name=str(b.get("name", "")),
                collected=int(b.get("collected", 0)),
                voters=b.get("voters"),
                issued=b.get("issued"),
            )
            for b in view.boxes
        ],
        decisions=[printing.Decision(text=d.text, article=d.article) for d in view.decisions],
        chief_scrutineer=staff.get("chief_scrutineer", []),
        scrutineers=staff.get("scrutineer", []),
        counters=staff.get("counter", []),
        callers=staff.get("caller", []),
        chair=_chair(election),
        chair_title=f"{'居民' if election.area.is_community else '村民'}选举委员会主任",
        check_code=result.input_sha256[:16],
        basis=[ORGANIC, *_basis(election, "reconcile", "threshold")],
    )


def report_pdf(result: RoundResult, on: date) -> bytes:
    return printed(lambda: printing.result_report(report(result, on)))


def _cn_years(n: int) -> str:
    return _CN_YEARS[n] if 0 <= n <= 10 else str(n)


def certificates_pdf(election: Election, issued: date) -> bytes:
    """当选证书 for everyone elected, in the order of ``selectors.elected``; issued by the body
    the profile's ``certificate_issuer`` names, with its article under each."""
    profile = load_profile(election.profile_id)
    if profile.value("certificate_issuer") == "none":
        raise ServiceError(
            f"本类选举不颁发当选证书（{profile.article('certificate_issuer')}）",
            "",
            "no_certificate",
        )
    members = selectors.elected(election)
    if not members:
        raise ServiceError("尚无当选人，不能打印当选证书", "", "empty")
    elected_on = {res.round.number: res.round.held_on for res in selectors.results(election)}
    first = elected_on[min(m.round_number for m in members)]
    basis = "；".join(_basis(election, "certificate_issuer", checked_only=True))
    batch = printing.CertificateBatch(
        body=body_name(election),
        election=election_name(election),
        elected_on=first,
        term=f"任期{_cn_years(profile.value('term_years'))}年",
        issuer=issuer_name(election),
        issued=issued,
        basis=f"依据：{basis}" if basis else "",
        certificates=[
            printing.Certificate(
                name=m.name,
                post=m.post_name,
                serial=f"{election.area.name}〔{first.year}〕第{i}号",
                elected_on=elected_on[m.round_number],
            )
            for i, m in enumerate(members, start=1)
        ],
    )
    return printed(lambda: printing.certificates(batch))


def notice_pdf(election: Election, on: date) -> bytes:
    """选举结果公告: how each round went, the members elected, seats still open."""
    state = selectors.election_outcome(election)
    if not state.decided:
        raise ServiceError("尚未确定选举结果，不能公告", "", "not_decided")
    members = selectors.elected(election)
    several = len({m.round_number for m in members}) > 1
    summary: list[str] = []
    for res in selectors.results(election):
        view = selectors.round_view(res)
        r = res.round
        when = f"{r.held_on.year}年{r.held_on.month}月{r.held_on.day}日"
        kind = selectors.KIND_LABELS.get(r.kind, "")
        figures = f"登记选民{view.electorate}人，参加投票{view.collected}人" + (
            "，选举有效。" if view.valid else "，本次投票无效。"
        )
        summary.append(
            f"{when}，{election_name(election)}举行第{r.number}轮投票（{kind}）。{figures}"
        )
    if state.unfilled_total:
        open_posts = "、".join(f"{p}{n}名" for p, n in state.unfilled.items() if n)
        if state.complete:
            closing = [f"{open_posts}暂缺。"]
        else:
            closing = [f"{open_posts}尚未选出，将依法{state.next_label}，时间另行公告。"]
    else:
        closing = []
    if state.presiding:
        closing.append(f"主任暂缺，由{state.presiding}主持工作。")
    closing.append("对选举结果有异议的，可以向乡镇人民政府或者县级人民政府民政部门反映。")
    return printed(
        lambda: printing.election_result_notice(
            election=election_name(election),
            body=body_name(election),
            issuer=committee_name(election),
            date=on,
            summary=summary,
            members=[
                printing.ElectedMember(
                    post=m.post_name,
                    name=m.name,
                    votes=m.votes,
                    sex=SEX.get(m.sex, ""),
                    round=f"第{m.round_number}轮{selectors.KIND_LABELS.get(m.round_kind, '')}"
                    if several
                    else "",
                )
                for m in members
            ],
            closing=closing,
            basis=[ORGANIC, *_basis(election, "threshold")],
        )
    )
