"""Reads of the roll that other parts use (proxies, candidates, printing) and the registers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from huanjie.apps.campaigns.models import Election
from huanjie.apps.places.models import Area
from huanjie.apps.roll.models import (
    DuplicateCase,
    ImportBatch,
    ListPublication,
    Objection,
    Status,
    Voter,
)
from huanjie.core.names import Convention, stroke_sort
from huanjie.core.roll.registers import Entry, RollDiff, diff_rolls, group_order_key
from huanjie.core.rules import load_profile

NO_GROUP = "未分组"


def mask_id(id_number: str) -> str:
    """Public form of an ID number: region (6) and last 4 kept, the birth date hidden."""
    if len(id_number) < 10:
        return "*" * len(id_number)
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]


def registered(election: Election) -> QuerySet[Voter]:
    """The roll: everyone registered to vote in this election."""
    return Voter.objects.filter(election=election, status=Status.REGISTERED)


def find_voter(election: Election, *, id_number: str) -> Voter | None:
    """The registered voter with this ID number in this election, or None."""
    return registered(election).filter(id_number=id_number.strip().upper()).first()


# --------------------------------------------------------------------------- the roll


def voters(
    election: Election,
    *,
    status: str | None = Status.REGISTERED,
    group_id: int | None = None,
    text: str = "",
) -> QuerySet[Voter]:
    """The election's voters, filtered by status (None: all), villager group and a search
    text (name, ID number, household number)."""
    qs = Voter.objects.filter(election=election).select_related("group")
    if status:
        qs = qs.filter(status=status)
    if group_id is not None:
        qs = qs.filter(group_id=group_id) if group_id else qs.filter(group__isnull=True)
    text = text.strip()
    if text:
        from huanjie.core.roll.dedup import name_key  # noqa: PLC0415

        qs = qs.filter(
            Q(name__contains=text)
            | Q(name_key__contains=name_key(text))
            | Q(id_number__startswith=text.upper())
            | Q(household_no=text)
        )
    return qs.order_by("group__name", "name_key", "pk")


def status_counts(election: Election) -> dict[str, int]:
    rows = Voter.objects.filter(election=election).values("status").annotate(n=Count("pk"))
    counts = {s.value: 0 for s in Status}
    counts.update({r["status"]: r["n"] for r in rows})
    return counts


def groups(election: Election) -> list[tuple[Area | None, int]]:
    """The villager groups with their number of registered voters, in posting order."""
    counts = dict(registered(election).values_list("group_id").annotate(n=Count("pk")).order_by())
    areas = {a.pk: a for a in Area.objects.filter(parent=election.area, level=Area.Level.GROUP)}
    out: list[tuple[Area | None, int]] = [
        (a, counts.get(a.pk, 0))
        for a in sorted(areas.values(), key=lambda a: group_order_key(a.name))
    ]
    if counts.get(None):
        out.append((None, counts[None]))
    return out


def name_convention(election: Election) -> str:
    """The profile's ordering of names on lists: ``surname`` (姓氏笔画) or ``fullname``."""
    value = load_profile(election.profile_id).value("name_order")
    return "fullname" if value == "fullname" else "surname"


def public_groups(election: Election) -> list[tuple[str, list[Voter]]]:
    """The registered voters as posted: by villager group (第一组, 第二组 …), each group in
    official stroke order (按姓氏笔画 or 按姓名笔画, as the profile says)."""
    by_group: dict[str, list[Voter]] = {}
    for v in registered(election).select_related("group"):
        by_group.setdefault(v.group.name if v.group else NO_GROUP, []).append(v)
    convention: Convention = "fullname" if name_convention(election) == "fullname" else "surname"
    out: list[tuple[str, list[Voter]]] = []
    for name in sorted(by_group, key=lambda n: (n == NO_GROUP, group_order_key(n))):
        members = by_group[name]
        order = stroke_sort([v.name for v in members], convention=convention)
        position: dict[str, list[Voter]] = {}
        for v in members:
            position.setdefault(v.name, []).append(v)
        ordered = []
        for n in order:
            ordered.append(position[n].pop(0))
        out.append((name, ordered))
    return out


def public_order(election: Election) -> list[Voter]:
    return [v for _, members in public_groups(election) for v in members]


# --------------------------------------------------------------------------- registers


def previous_election(election: Election) -> Election | None:
    """The same village's election in the latest earlier campaign, if recorded."""
    return (
        Election.objects.filter(area=election.area, campaign__term__lt=election.campaign.term)
        .select_related("campaign")
        .order_by("-campaign__term")
        .first()
    )


@dataclass(frozen=True)
class NewlyEligible:
    voter: Voter
    why: str


def previous_day(election: Election) -> tuple[date, bool]:
    """The previous election day: recorded, or estimated as one term earlier (True if so)."""
    prev = previous_election(election)
    if prev is not None:
        return prev.election_day, False
    years = int(load_profile(election.profile_id).value("term_years"))
    day = election.election_day
    try:
        return day.replace(year=day.year - years), True
    except ValueError:
        return day.replace(year=day.year - years, day=28), True


def newly_eligible(election: Election) -> list[NewlyEligible]:
    """On this roll and not the previous one: turned 18 since the previous election day, or
    not registered in the village's previous election (moved in, newly consented…)."""
    from huanjie.core.roll.registers import turned_of_age  # noqa: PLC0415

    since, estimated = previous_day(election)
    prev = previous_election(election)
    before = set(registered(prev).values_list("id_number", flat=True)) if prev else None
    out = []
    for v in registered(election).select_related("group").order_by("group__name", "name_key"):
        if turned_of_age(v.birth_date, since, election.election_day):
            out.append(
                NewlyEligible(
                    v, f"{'上届选举日（推算）' if estimated else '上届选举日'} {since} 后年满18周岁"
                )
            )
        elif before is not None and v.id_number not in before:
            out.append(NewlyEligible(v, "上届选民名单中没有"))
    return out


def removed(election: Election) -> QuerySet[Voter]:
    return (
        Voter.objects.filter(election=election, status=Status.REMOVED)
        .select_related("group")
        .order_by("-removed_at", "pk")
    )


def away(election: Election) -> QuerySet[Voter]:
    """外出选民: registered voters living or working away (including category 2)."""
    return (
        registered(election)
        .filter(Q(away=True) | Q(category="away_opted_in"))
        .select_related("group")
    )


@dataclass(frozen=True)
class Difference:
    previous: Election | None
    diff: RollDiff
    current: dict[str, Voter]
    before: dict[str, Voter]


def _entries(qs: QuerySet[Voter]) -> tuple[dict[str, Entry], dict[str, Voter]]:
    entries: dict[str, Entry] = {}
    people: dict[str, Voter] = {}
    for v in qs.select_related("group"):
        entries[v.id_number] = Entry(v.name, v.group.name if v.group else "", v.category, v.address)
        people[v.id_number] = v
    return entries, people


def difference(election: Election) -> Difference:
    """This roll against the village's previous one, by ID number."""
    prev = previous_election(election)
    current, people = _entries(registered(election))
    if prev is None:
        return Difference(None, RollDiff(), people, {})
    before, old_people = _entries(registered(prev))
    return Difference(prev, diff_rolls(before, current), people, old_people)


# --------------------------------------------------------------------------- duplicates, imports


def cases_for(election: Election, *, campaign_wide: bool = False) -> QuerySet[DuplicateCase]:
    qs = DuplicateCase.objects.select_related(
        "first__election__area", "second__election__area", "first__group", "second__group"
    )
    if campaign_wide:
        qs = qs.filter(campaign_id=election.campaign_id)
    else:
        qs = qs.filter(Q(first__election=election) | Q(second__election=election))
    return qs.order_by("resolved_at", "pk")


def open_cases(election: Election) -> QuerySet[DuplicateCase]:
    return cases_for(election).filter(resolved_at__isnull=True)


def batches(election: Election) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.filter(election=election).order_by("-created_at", "-pk")


def running_batch(election: Election) -> ImportBatch | None:
    return (
        batches(election)
        .filter(
            state__in=[
                ImportBatch.State.QUEUED,
                ImportBatch.State.READING,
                ImportBatch.State.WRITING,
            ]
        )
        .first()
    )


# --------------------------------------------------------------------------- list, objections


def publication(election: Election) -> ListPublication | None:
    return ListPublication.objects.filter(election=election).first()


def objections(election: Election) -> QuerySet[Objection]:
    return Objection.objects.filter(election=election).select_related("voter").order_by("number")


def blockers(election: Election) -> list[str]:
    """What keeps 选民登记 from being completed (registered with the stage machine): the list
    is complete once it is published (村民委员会组织法 第十四条第一款) with no duplicate left."""
    reasons: list[str] = []
    if running_batch(election) is not None:
        reasons.append("有一批选民导入正在进行")
    n = open_cases(election).count()
    if n:
        reasons.append(f"尚有 {n} 组重复登记未处理（村民委员会组织法 第十三条第三款）")
    if publication(election) is None:
        reasons.append("选民名单尚未公布（村民委员会组织法 第十四条第一款）")
    return reasons


def voting_blockers(election: Election) -> list[str]:
    """What keeps voting from opening: the objection window and undecided objections
    (村民委员会组织法 第十四条第二款). Registered with the stage machine (on open)."""
    reasons: list[str] = []
    pub = publication(election)
    if pub is not None and timezone.localdate() <= pub.filing_closes:
        reasons.append(
            f"对选民名单的申诉期限至 {pub.filing_closes.isoformat()} 24 时届满"
            "（村民委员会组织法 第十四条第二款）"
        )
    undecided = objections(election).filter(decided_on__isnull=True).count()
    if undecided:
        reasons.append(f"尚有 {undecided} 件申诉未作出处理决定（村民委员会组织法 第十四条第二款）")
    return reasons


def actual_dates(election: Election) -> dict[str, date]:
    """The list's real publication date: objection deadlines count from it."""
    pub = publication(election)
    return {"voter_list_published": pub.published_on} if pub is not None else {}


def filing_open(election: Election, today: date | None = None) -> bool:
    pub = publication(election)
    today = today or timezone.localdate()
    return pub is not None and pub.published_on <= today <= pub.filing_closes


def days_left(day: date, today: date | None = None) -> int:
    return (day - (today or timezone.localdate())) // timedelta(days=1)
