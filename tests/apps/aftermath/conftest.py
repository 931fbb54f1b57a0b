"""Qingshan after its vote: the shared ``formal`` village (Zhejiang rules; 主任 1, 副主任 1,
妇女委员 1, 委员 2; 60 voters), its regular round created by polling, and the new committee as
the results part reports it.

``decided`` stands in for a decided round: ``results.selectors.elected`` is replaced by the
first candidates of each post on the round's ballot (the counting part, which the results part
needs to decide a round, is not yet in main). The Elected records are the results part's own
dataclass, so the contract is the real one."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from huanjie.apps.accounts.models import Role
from huanjie.apps.accounts.services import user_create
from huanjie.apps.campaigns.models import StageRecord
from huanjie.apps.polling.services import round_create_regular
from huanjie.apps.results import selectors as results
from huanjie.apps.roll.models import Voter
from huanjie.core.stages import Stage, State
from tests.apps.candidates.conftest import PEOPLE

PASSWORD = "Correct-Horse-42"


@pytest.fixture
def decided(formal: Any, clerks: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Any:
    r = round_create_regular(acting_user=clerks["coordinator"], election=formal)
    winners: list[results.Elected] = []
    for post in r.posts:
        chosen = [c for c in r.candidates if c["post"] == post["name"]][: post["seats"]]
        for i, c in enumerate(chosen):
            winners.append(
                results.Elected(
                    name=c["name"],
                    voter_id=c["voter_id"],
                    post_kind=post["kind"],
                    post_name=post["name"],
                    votes=45 - i,
                    round_number=r.number,
                    sex=c.get("sex", ""),
                )
            )
    monkeypatch.setattr(
        results, "elected", lambda election: list(winners) if election.pk == formal.pk else []
    )
    return formal


def set_stages(the_election: Any, **states: State) -> None:
    for stage, state in states.items():
        StageRecord.objects.filter(election=the_election, stage=Stage(stage).value).update(
            state=state.value
        )


@pytest.fixture
def committee_client(users: dict[str, Any]) -> Client:
    client = Client()
    client.force_login(users["qingshan"])
    return client


@pytest.fixture
def third(tree: dict[str, Any]) -> Any:
    """A third committee clerk of Qingshan (coordinator of double entry)."""
    return user_create(
        acting_user=None,
        username="clerk_three",
        password=PASSWORD,
        full_name="clerk_three",
        role=Role.ELECTION_COMMITTEE,
        area=tree["qingshan"],
    )


def voter(election: Any, name: str) -> Voter:
    return Voter.objects.get(election=election, name=name)


def plain_voters(election: Any, n: int) -> list[Voter]:
    """Registered voters who are not candidates (the fixture's extra voters)."""
    return list(
        Voter.objects.filter(election=election, status="registered")
        .exclude(name__in=PEOPLE)
        .order_by("pk")[:n]
    )
