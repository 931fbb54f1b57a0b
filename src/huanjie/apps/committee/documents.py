"""The published list of the election committee (村民选举委员会成员公告), built with
``huanjie.printing``: names, posts and sex only, never ID numbers."""

from __future__ import annotations

from datetime import date

from huanjie.apps.campaigns.models import Election
from huanjie.apps.committee import selectors
from huanjie.apps.committee.models import Role, SelectedBy
from huanjie.apps.errors import ServiceError
from huanjie.apps.shortcuts import printed
from huanjie.printing import forms as printing

ORGANIC = "《中华人民共和国村民委员会组织法》第十二条"


def committee_name(election: Election) -> str:
    kind = "居民" if election.area.is_community else "村民"
    return f"{election.area.name}{kind}选举委员会"


def notice_pdf(election: Election, on: date) -> bytes:
    """The serving members, 主任 first then in the order of the selection result; a member
    seated by back-fill is marked 递补."""
    serving = list(selectors.serving(election))
    if not serving:
        raise ServiceError("尚无在任的村民选举委员会成员，无法生成公告", "", "empty")
    serving.sort(key=lambda m: (m.role != Role.CHAIR, m.rank))
    chosen = sorted({m.selected_by for m in serving})
    chosen_by = "、".join(SelectedBy(c).label for c in chosen)
    members = [
        printing.CommitteeMember(
            name=m.name,
            role=m.get_role_display(),
            sex=m.get_sex_display(),
            note="递补" if m.seated_basis.startswith("按原推选结果顺序") else "",
        )
        for m in serving
    ]
    return printed(
        lambda: printing.election_committee_notice(
            title=f"{committee_name(election)}成员公告",
            issuer=committee_name(election),
            date=on,
            members=members,
            chosen_by=chosen_by,
            basis=(ORGANIC,),
        )
    )
