"""Reads of the roll that other parts use (proxies, candidates, printing)."""

from __future__ import annotations

from django.db.models import QuerySet

from huanjie.apps.campaigns.models import Election
from huanjie.apps.roll.models import Status, Voter


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
