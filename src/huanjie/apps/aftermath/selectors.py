"""Reads of 选后工作: the new committee (from the results), the handover and its deadlines,
representatives and group leaders, the supervision committee, recalls, by-elections and
archive packages — with the core's findings. Other parts use ``blockers`` and
``actual_dates`` (registered in ``apps.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from huanjie.apps.aftermath.models import (
    ArchivePackage,
    AssemblySettings,
    ByElection,
    GroupLeader,
    Handover,
    HandoverItem,
    Mode,
    RecallPetition,
    Representative,
    Supervisor,
)
from huanjie.apps.campaigns.models import Election
from huanjie.apps.places.models import Area
from huanjie.apps.roll.models import Status, Voter
from huanjie.apps.roll.selectors import registered
from huanjie.core import aftermath as core
from huanjie.core.count.model import Reason
from huanjie.core.preparation import PersonRef, Relation
from huanjie.core.rules import load_profile

# --------------------------------------------------------------------------- the committee


@dataclass(frozen=True)
class Member:
    """A member of the new committee."""

    name: str
    voter_id: int | None
    post_kind: str
    post_name: str
    votes: int | None
    round_number: int | None
    sex: str = ""
    id_number: str = ""  # for matching people only; never shown
    source: str = "results"  # results / by_election

    @property
    def ref(self) -> PersonRef:
        return PersonRef(self.name, self.id_number)


def _elected(election: Election) -> list[Any]:
    """The winners as the results part reports them (``results.selectors.elected``: name,
    voter_id, post_kind, post_name, votes, round_number, sex), from its decided rounds."""
    from huanjie.apps.results import selectors as results  # noqa: PLC0415 — results imports roll

    return list(results.elected(election))


def _voters(election: Election, ids: set[int]) -> dict[int, Voter]:
    return {v.pk: v for v in Voter.objects.filter(election=election, pk__in=ids)}


def new_committee(election: Election) -> list[Member]:
    """The committee the election produced, from ``results.selectors.elected``."""
    winners = _elected(election)
    voters = _voters(election, {w.voter_id for w in winners if w.voter_id})
    out = []
    for w in winners:
        v = voters.get(w.voter_id) if w.voter_id else None
        out.append(
            Member(
                name=v.name if v else w.name,
                voter_id=w.voter_id,
                post_kind=w.post_kind,
                post_name=w.post_name,
                votes=w.votes,
                round_number=w.round_number,
                sex=(v.sex if v else "") or getattr(w, "sex", ""),
                id_number=v.id_number if v else "",
            )
        )
    return out


def recalled(election: Election) -> list[RecallPetition]:
    return list(
        RecallPetition.objects.filter(election=election, status=RecallPetition.Status.RECALLED)
    )


def _is(member: Member, voter_id: int | None, name: str) -> bool:
    if member.voter_id and voter_id:
        return member.voter_id == voter_id
    return member.name == name


def current_committee(election: Election) -> list[Member]:
    """The committee now: the new committee less those recalled, plus by-election winners."""
    gone = recalled(election)
    members = [
        m
        for m in new_committee(election)
        if not any(_is(m, p.member_voter_id, p.member_name) for p in gone)
    ]
    for b in ByElection.objects.filter(election=election, outcome__isnull=False).order_by(
        "held_on", "pk"
    ):
        cands = {c["name"]: c for c in b.candidates}
        voters = _voters(election, {c["voter_id"] for c in b.candidates if c.get("voter_id")})
        for name, votes in (b.outcome or {}).get("elected", []):
            c = cands.get(name, {})
            v = voters.get(c.get("voter_id") or 0)
            m = Member(
                name=name,
                voter_id=c.get("voter_id"),
                post_kind=b.post_kind,
                post_name=b.post_name,
                votes=votes,
                round_number=None,
                sex=v.sex if v else c.get("sex", ""),
                id_number=v.id_number if v else "",
                source="by_election",
            )
            if not any(
                _is(m, p.member_voter_id, p.member_name) and p.created_at > b.created_at
                for p in gone
            ):
                members.append(m)
    return members


def constituted_default(election: Election) -> tuple[date | None, str]:
    """The day the new committee came into being, as the results show it: the day of the last
    round that elected a member (组织法 第十五条第三款: the result is announced on the spot)."""
    from huanjie.apps.polling.models import Round  # noqa: PLC0415

    winners = _elected(election)
    numbers = {w.round_number for w in winners if w.round_number}
    if not numbers:
        return None, "选举结果尚未确定"
    last = Round.objects.filter(election=election, number=max(numbers)).first()
    if last is None:
        return None, "选举结果尚未确定"
    return last.held_on, f"第{last.number}轮投票（{last.held_on.isoformat()}）选出，当场公布"


# --------------------------------------------------------------------------- handover


def handover(election: Election) -> Handover | None:
    return Handover.objects.filter(election=election).first()


def handover_items(election: Election) -> QuerySet[HandoverItem]:
    return HandoverItem.objects.filter(handover__election=election).order_by("order", "pk")


def handover_rule(election: Election) -> core.HandoverRule:
    return core.HandoverRule.from_profile(load_profile(election.profile_id))


def signed_on(item: HandoverItem) -> date | None:
    return timezone.localdate(item.signed_at) if item.signed_at else None


def handover_check(election: Election, today: date | None = None) -> core.HandoverCheck | None:
    h = handover(election)
    if h is None:
        return None
    rule = handover_rule(election)
    deadlines = core.handover_deadlines(h.constituted_on, rule)
    items = [
        core.HandoverItem(str(i.pk), i.kind, i.label, signed_on(i))
        for i in handover_items(election)
    ]
    return core.check_handover(items, deadlines, rule, today or timezone.localdate())


def blockers(election: Election) -> list[str]:
    """Registered for the HANDOVER stage: it closes only when every item is signed off."""
    check = handover_check(election)
    if check is None:
        return ["尚未建立移交清单（选后工作 › 工作移交）"]
    if check.complete:
        return []
    names = "、".join(i.label for i in check.unsigned)
    return [f"移交清单尚有 {len(check.unsigned)} 项未经移交人和接收人签字确认：{names}"]


def actual_dates(election: Election) -> dict[str, date]:
    """The day the handover was completed (``handover_due``) and the seal handed over
    (``seal_handover``), for the schedule."""
    check = handover_check(election)
    if check is None:
        return {}
    out: dict[str, date] = {}
    if check.completed_on is not None:
        out["handover_due"] = check.completed_on
    seal = [i for i in handover_items(election) if i.kind == core.ItemKind.SEAL and i.signed_at]
    if seal and handover_rule(election).seal_same_day:
        out["seal_handover"] = min(d for d in (signed_on(i) for i in seal) if d)
    return out


# --------------------------------------------------------------------------- people


def villager(v: Voter) -> core.Villager:
    return core.Villager(
        key=str(v.pk),
        name=v.name,
        sex=v.sex,
        registered=v.status == Status.REGISTERED,
        id_number=v.id_number,
        group=v.group.name if v.group_id and v.group else "",
    )


def find_person(election: Election, text: str) -> tuple[Voter | None, str]:
    """A person of the roll by ID number or exact name: (voter, problem in Chinese)."""
    text = (text or "").strip()
    if not text:
        return None, "请填写姓名或身份证号"
    by_id = Voter.objects.filter(election=election, id_number=text.upper()).first()
    if by_id is not None:
        return by_id, ""
    named = list(Voter.objects.filter(election=election, name=text)[:2])
    if len(named) == 1:
        return named[0], ""
    if named:
        return None, f"选民名单中有多人名为“{text}”，请填写身份证号"
    return None, f"选民名单中没有“{text}”"


def assembly_settings(election: Election) -> AssemblySettings:
    found = AssemblySettings.objects.filter(election=election).first()
    return found or AssemblySettings(election=election)


def roll_households(election: Election) -> tuple[int, int]:
    """(households, registered voters without a 户号) from the roll."""
    return core.count_households(registered(election).values_list("household_no", flat=True))


def groups(election: Election) -> list[Area]:
    return list(Area.objects.filter(parent=election.area, level=Area.Level.GROUP).order_by("name"))


def representatives(election: Election) -> QuerySet[Representative]:
    return Representative.objects.filter(election=election).select_related("voter", "group")


@dataclass(frozen=True)
class RepresentativesView:
    check: core.RepresentativesCheck
    households: int
    households_from_roll: int
    households_missing: int
    committee_members: int
    committee_default: int
    mode: str


def representatives_check(election: Election) -> RepresentativesView:
    settings = assembly_settings(election)
    from_roll, missing = roll_households(election)
    households = settings.households if settings.households is not None else from_roll
    committee_default = len(current_committee(election))
    committee = (
        settings.committee_members if settings.committee_members is not None else committee_default
    )
    check = core.check_representatives(
        representatives=[villager(r.voter) for r in representatives(election)],
        households=households,
        committee_members=committee,
        by_groups=settings.mode == Mode.GROUPS,
        groups=[g.name for g in groups(election)],
        households_missing=missing if settings.households is None else 0,
    )
    return RepresentativesView(
        check, households, from_roll, missing, committee, committee_default, settings.mode
    )


def group_leaders(election: Election) -> QuerySet[GroupLeader]:
    return GroupLeader.objects.filter(election=election).select_related("voter", "group")


def leader_findings(leader: GroupLeader) -> list[Reason]:
    return core.check_group_leader(
        leader=villager(leader.voter),
        group=leader.group.name,
        by_households=leader.by_households,
        eligible=leader.eligible,
        present=leader.present,
        votes=leader.votes,
    )


# --------------------------------------------------------------------------- supervision


def supervisors(election: Election) -> QuerySet[Supervisor]:
    return Supervisor.objects.filter(election=election).select_related("voter")


def relations(election: Election) -> list[Relation]:
    """The near relations declared for the election (the committee part keeps them)."""
    from huanjie.apps.committee.selectors import relations as declared  # noqa: PLC0415

    return declared(election)


def supervision_findings(election: Election) -> list[Reason]:
    committee = [m.ref for m in current_committee(election)]
    return core.check_supervisors(
        [core.Supervisor(villager(s.voter), s.finance) for s in supervisors(election)],
        committee,
        relations(election),
    )


def supervisor_conflicts(election: Election, voter: Voter) -> list[Reason]:
    return core.supervisor_conflicts(
        PersonRef(voter.name, voter.id_number),
        [m.ref for m in current_committee(election)],
        relations(election),
    )


# --------------------------------------------------------------------------- recall, by-election


def electorate(election: Election) -> int:
    """有选举权的村民: the registered voters of the election."""
    return registered(election).count()


def recalls(election: Election) -> QuerySet[RecallPetition]:
    return RecallPetition.objects.filter(election=election)


def get_recall(election: Election, pk: int) -> RecallPetition:
    return recalls(election).get(pk=pk)


def by_elections(election: Election) -> QuerySet[ByElection]:
    return ByElection.objects.filter(election=election)


def get_by_election(election: Election, pk: int) -> ByElection:
    return by_elections(election).get(pk=pk)


def vacancies(election: Election) -> list[str]:
    """Why a by-election may be due: recalled members, and a committee below three
    (组织法 第六条第一款)."""
    out = [
        f"{p.member_name}（{p.member_post or '成员'}）已被罢免（{p.filed_on.isoformat()} 提出）"
        for p in recalled(election)
    ]
    size = len(current_committee(election))
    if new_committee(election) and size < 3:
        out.append(f"现有成员 {size} 人，少于三人（村民委员会组织法 第六条第一款）")
    return out


# --------------------------------------------------------------------------- archive


def packages(election: Election) -> QuerySet[ArchivePackage]:
    return ArchivePackage.objects.filter(election=election)


def latest_package(election: Election) -> ArchivePackage | None:
    return packages(election).first()


def running_package(election: Election) -> ArchivePackage | None:
    return (
        packages(election)
        .filter(state__in=[ArchivePackage.State.QUEUED, ArchivePackage.State.RUNNING])
        .first()
    )


def errors(reasons: Sequence[Reason]) -> list[Reason]:
    return [r for r in reasons if r.level == "error"]
