"""The preparation notices, built with ``huanjie.printing``: the democratic evaluation result
(民主测评结果公告) and the outgoing committee's audit result (离任经济责任审计结果公告)."""

from __future__ import annotations

from datetime import date

from huanjie.apps.campaigns.models import Election
from huanjie.apps.errors import ServiceError
from huanjie.apps.preparation import selectors
from huanjie.apps.shortcuts import printed
from huanjie.printing import forms as printing

ORGANIC = "《中华人民共和国村民委员会组织法》"


_DIGITS = "零一二三四五六七八九"


def term_zh(n: int) -> str:
    """A term number as written in documents: 11 → 十一, 20 → 二十, 21 → 二十一 (1–99)."""
    if not 1 <= n <= 99:
        return str(n)
    tens, units = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else f"{_DIGITS[tens]}十")
    return head + (_DIGITS[units] if units else "")


def committee_name(election: Election) -> str:
    kind = "居民" if election.area.is_community else "村民"
    return f"{election.area.name}{kind}选举委员会"


def evaluation_notice_pdf(election: Election, on: date) -> bytes:
    """Every evaluation entered: counts per rating, the dissatisfied share and, where it
    reaches the bar, that the incumbent may not be re-nominated (with the bar applied)."""
    evaluations = list(selectors.evaluations(election))
    if not evaluations:
        raise ServiceError("尚未录入民主测评结果，无法生成公告", "", "empty")
    results = [
        printing.EvaluationResult(
            name=e.incumbent_name,
            post=e.get_post_display(),
            counts=(e.satisfied, e.basically_satisfied, e.dissatisfied),
            conclusion=f"发出{e.issued}张，收回{e.returned}张；不满意率{e.share}"
            + (
                f"，{'达到' if e.bar_inclusive else '超过'}{e.bar_percent}%，不得再提名"
                if e.flagged
                else ""
            ),
        )
        for e in evaluations
    ]
    policy = selectors.evaluation_policy(election.campaign)
    setting = selectors.setting_for(election.campaign)
    basis = [f"{ORGANIC}第三十三条"]
    if setting.basis:
        basis.append(setting.basis)
    return printed(
        lambda: printing.evaluation_results_notice(
            title=f"{election.area.name}村民委员会成员民主测评结果公告",
            issuer=committee_name(election),
            date=on,
            results=results,
            labels=("满意", "基本满意", "不满意"),
            intro="根据本届换届选举工作安排，本村对现任村民委员会成员进行了民主测评，"
            "现将测评结果公布如下：",
            closing=[
                f"按照本地换届选举工作方案，{policy.describe()}的，不得再提名为本届村民委员会成员候选人。"
            ],
            basis=basis,
        )
    )


def audit_notice_pdf(election: Election, on: date) -> bytes:
    """The recorded audit result, dated ``on`` (组织法 第三十五条第二款)."""
    audit = selectors.financial_audit(election)
    if audit is None:
        raise ServiceError("尚未录入审计结果，无法生成公告", "", "empty")
    outgoing = election.campaign.term - 1
    body = "居民委员会" if election.area.is_community else "村民委员会"
    subject = (
        f"{election.area.name}第{term_zh(outgoing)}届{body}成员"
        if outgoing > 0
        else f"{election.area.name}{body}成员"
    )
    findings = [
        f"审计期间：{audit.period_start:%Y年%-m月%-d日}至{audit.period_end:%Y年%-m月%-d日}。",
        f"审计结果：{audit.result}",
        f"发现的问题：{audit.problems or '无'}",
    ]
    return printed(
        lambda: printing.audit_results_notice(
            title=f"{election.area.name}{body}离任经济责任审计结果公告",
            issuer=audit.auditor,
            date=on,
            subject=subject,
            auditor=audit.auditor,
            findings=findings,
            kind="离任经济责任审计",
            basis=(f"{ORGANIC}第三十五条",),
        )
    )
