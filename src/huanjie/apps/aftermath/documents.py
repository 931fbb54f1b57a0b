"""The printed documents of 选后工作: the handover list (移交清单)."""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone

from huanjie.apps.aftermath import selectors
from huanjie.apps.campaigns.models import Election
from huanjie.apps.errors import ServiceError
from huanjie.printing import MissingCharactersError, UnmaskedIdError
from huanjie.printing.aftermath import HandoverLine, handover_list


def committee_name(election: Election) -> str:
    kind = "居民" if election.area.is_community else "村民"
    return f"{election.area.name}{kind}选举委员会"


def _print(build: Callable[[], bytes]) -> bytes:
    try:
        return build()
    except MissingCharactersError as err:
        raise ServiceError(str(err), "", "missing_characters") from err
    except UnmaskedIdError as err:  # never expected: only names are printed
        raise ServiceError("文书中不得出现完整身份证号", "", "unmasked_id") from err


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
    when = (
        f"各项应于{d.due.year}年{d.due.month}月{d.due.day}日前移交完毕（{rule.days_article}）"
        if d.due
        else f"本规则未规定移交期限（{rule.days_article}）"
    )
    if rule.seal_same_day and d.seal_due:
        when += f"；印章应于新一届村民委员会产生当日移交（{rule.seal_article}）"
    basis = tuple(
        dict.fromkeys(
            ["《中华人民共和国村民委员会组织法》第二十条", *rule.days_article.split("；")]
            + (rule.seal_article.split("；") if rule.seal_same_day else [])
        )
    )
    return _print(
        lambda: handover_list(
            election=election.title,
            issuer=committee_name(election),
            date=check.completed_on or timezone.localdate(),
            constituted_on=h.constituted_on,
            lines=lines,
            deadline_note=when + "。",
            basis=basis,
        )
    )
