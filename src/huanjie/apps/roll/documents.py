"""The printed documents of voter registration, built with ``huanjie.printing``: the public
voter list (选民名单公告), the decisions on objections (申诉处理决定公告) and voter cards
(选民证). Public documents carry masked ID numbers only (``selectors.mask_id``) and never an
address."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Literal

from django.utils import timezone

from huanjie.apps.campaigns.models import Election
from huanjie.apps.errors import ServiceError
from huanjie.apps.roll import selectors, services
from huanjie.apps.roll.models import Category, Objection, Voter
from huanjie.printing import forms as printing

#: How a character the font lacks is printed: refused ("raise") or as 〓 to write in by hand.
Missing = Literal["raise", "mark"]

CATEGORY_PRINTED = {
    Category.RESIDENT.value: printing.RegistrationCategory.RESIDENT,
    Category.AWAY_OPTED_IN.value: printing.RegistrationCategory.ABSENT_OPTED_IN,
    Category.NONLOCAL_RESIDENT.value: printing.RegistrationCategory.NONRESIDENT_ADMITTED,
}
SEX = {"M": "男", "F": "女"}


def committee_name(election: Election) -> str:
    kind = "居民" if election.area.is_community else "村民"
    return f"{election.area.name}{kind}选举委员会"


def _print(build: Callable[[], bytes]) -> bytes:
    try:
        return build()
    except printing.MissingCharactersError as err:
        raise ServiceError(
            f"{err}。可改用“缺字以〓标出”的方式打印，再手工填写", "", "missing_characters"
        ) from err
    except printing.UnmaskedIdError as err:  # the list prints masked numbers only
        raise ServiceError("公开文书中不得出现完整身份证号", "", "unmasked_id") from err


def voter_list_pdf(election: Election, *, missing: Missing = "raise") -> tuple[bytes, bool]:
    """The posted list: by villager group, each group in stroke order, masked ID numbers.
    Returns the PDF and whether it is the published list (else a preview dated today)."""
    publication = selectors.publication(election)
    groups = [
        printing.VoterGroup(
            name=name,
            voters=[
                printing.Voter(
                    name=v.name,
                    category=CATEGORY_PRINTED.get(v.category, v.get_category_display()),
                    sex=SEX.get(v.sex, ""),
                    birth=v.birth_date,
                    id_masked=selectors.mask_id(v.id_number),
                    note="外出" if v.away else "",
                )
                for v in members
            ],
        )
        for name, members in selectors.public_groups(election)
    ]
    if not groups:
        raise ServiceError("选民名单上还没有登记的选民", "", "empty")
    published = publication.published_on if publication else timezone.localdate()
    title = f"{election.title}选民名单"
    if publication is None:
        title += "（公布前预览）"
    notice = printing.VoterListNotice(
        title=title,
        committee=committee_name(election),
        published=published,
        election_day=election.election_day,
        groups=groups,
    )
    return _print(
        lambda: printing.voter_list_notice(notice, missing=missing)
    ), publication is not None


FIELD_LABELS = {
    "name": "姓名",
    "group": "村民小组",
    "address": "住址",
    "household_no": "户号",
    "ethnicity": "民族",
}


def _decision_text(o: Objection) -> str:
    if o.outcome == Objection.Outcome.REJECTED:
        return "申诉不成立，维持选民名单"
    change = o.roll_change or {}
    action = change.get("action")
    if action == "add":
        return f"申诉成立，{o.subject_name}列入选民名单"
    if action == "remove":
        return f"申诉成立，{o.subject_name}从选民名单中除名"
    if action == "correct":
        fields = "、".join(FIELD_LABELS.get(k, k) for k in change.get("after", {}))
        return f"申诉成立，更正{o.subject_name}的登记信息" + (f"（{fields}）" if fields else "")
    return "申诉成立"


def objection_notice_pdf(election: Election, *, missing: Missing = "raise") -> bytes:
    """申诉处理决定公告 of every decided objection (组织法 第十四条第二款)."""
    decided = [o for o in selectors.objections(election) if o.decided_on is not None]
    if not decided:
        raise ServiceError("还没有作出处理决定的申诉", "", "none")
    last: date = max(o.decided_on for o in decided if o.decided_on is not None)
    decisions = [
        printing.ObjectionDecision(
            applicant=o.filed_by_name,
            matter=f"{o.get_kind_display()}：{o.subject_name}",
            decision=_decision_text(o),
            reason=o.decision_reason,
            received=o.filed_on,
        )
        for o in decided
    ]
    return _print(
        lambda: printing.objection_decisions_notice(
            election=election.title,
            issuer=committee_name(election),
            date=last,
            decisions=decisions,
            missing=missing,
        )
    )


def cards_pdf(election: Election, voters: list[Voter], *, missing: Missing = "raise") -> bytes:
    """选民证 for ``voters`` (who must have serials): eight to an A4 page, each with a QR
    code of its serial and a keyed check value (``services.card_payload``)."""
    if not voters:
        raise ServiceError("没有可以打印的选民证：请先为登记的选民编号", "", "none")
    batch = printing.VoterCardBatch(
        village=election.area.name,
        election=election.title,
        committee=committee_name(election),
        election_day=election.election_day,
        place=election.place or "（见投票通知）",
        cards=[
            printing.VoterCard(
                name=v.name,
                group=v.group.name if v.group else selectors.NO_GROUP,
                serial=v.serial,
                qr_payload=services.card_payload(v.serial),
            )
            for v in voters
        ],
    )
    return _print(lambda: printing.voter_cards(batch, qr_mask=0, missing=missing))
