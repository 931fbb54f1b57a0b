"""Reads of the election committee used by its pages, its API, the stage blocker and other
parts (candidates: a nominated member leaves; election-day staff: near relatives)."""

from __future__ import annotations

from django.db.models import QuerySet

from huanjie.apps.campaigns.models import Election
from huanjie.apps.committee.models import CommitteeMember, NearRelation, Role, Status
from huanjie.core import preparation as core
from huanjie.core.preparation import Kin, PersonRef


def members(election: Election) -> QuerySet[CommitteeMember]:
    """Everyone in the original selection result, in its order (serving, reserve and left)."""
    return CommitteeMember.objects.filter(election=election).order_by("rank")


def serving(election: Election) -> QuerySet[CommitteeMember]:
    return members(election).filter(status=Status.SERVING)


def reserves(election: Election) -> QuerySet[CommitteeMember]:
    return members(election).filter(status=Status.RESERVE)


def person_of(member: CommitteeMember) -> PersonRef:
    return PersonRef(member.name, member.id_number)


def seat_of(member: CommitteeMember) -> core.Seat:
    return core.Seat(person_of(member), member.rank, member.votes)


def relations(election: Election) -> list[core.Relation]:
    return [
        core.Relation(
            PersonRef(r.a_name, r.a_id_number), PersonRef(r.b_name, r.b_id_number), Kin(r.kind)
        )
        for r in NearRelation.objects.filter(election=election)
    ]


def member_for_person(election: Election, name: str, id_number: str = "") -> CommitteeMember | None:
    """The serving or reserve member who is this person (same ID number when both are known,
    else the same name), or None. Members who already left are not returned."""
    person = PersonRef(name, id_number)
    for member in members(election).exclude(status=Status.LEFT):
        if core.same_person(person_of(member), person):
            return member
    return None


def near_relatives_of(
    election: Election, name: str, id_number: str = ""
) -> list[tuple[PersonRef, Kin]]:
    """Every person declared a near relative of this person: (that person, what they are to
    this person). Used to keep candidates' relatives off the election staff."""
    person = PersonRef(name, id_number)
    found: list[tuple[PersonRef, Kin]] = []
    for r in relations(election):
        if core.same_person(r.a, person):
            found.append((r.b, r.kind))
        elif core.same_person(r.b, person):
            found.append((r.a, r.kind.inverse))
    return found


def findings(election: Election) -> list[core.Finding]:
    """Size, near relatives sitting together and the chair (see core.committee_findings)."""
    seated = list(serving(election))
    chairs = sum(1 for m in seated if m.role == Role.CHAIR)
    return core.committee_findings(
        [person_of(m) for m in seated], relations(election), chairs=chairs
    )


def next_in_order(election: Election) -> core.Backfill:
    """Who would fill a vacancy now (the first reserve in order without a near relative on
    the committee)."""
    return core.backfill(
        [seat_of(m) for m in reserves(election)],
        [person_of(m) for m in serving(election)],
        relations(election),
    )


def committee_blockers(election: Election) -> list[str]:
    """Registered for the preparation stage: what keeps it from closing."""
    return [f.text for f in findings(election) if f.blocking]
