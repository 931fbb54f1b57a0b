"""Fixtures of the ballots tests: Qingshan on election day (``formal``) with its regular round,
the township's colours and seals, a chief scrutineer with a login, and ballots issued."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from huanjie.apps.accounts.models import Role
from huanjie.apps.accounts.services import user_create
from huanjie.apps.ballots import services
from huanjie.apps.ballots.models import SecuritySet
from huanjie.apps.polling import services as polling
from huanjie.apps.polling.models import Round
from huanjie.apps.roll.models import Voter
from huanjie.apps.roll.selectors import registered
from tests.apps.conftest import PASSWORD
from tests.apps.polling.conftest import STAFF, train, voter

COLOURS = ["浅蓝色", "浅黄色", "浅绿色", "粉红色"]
SEALS = ["换届选举专用章（一）", "换届选举专用章（二）", "换届选举专用章（三）"]
SECRETS = COLOURS + SEALS


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def committee(users: dict[str, Any]) -> Any:
    return users["qingshan"]


@pytest.fixture
def town(users: dict[str, Any]) -> Any:
    return users["town"]


@pytest.fixture
def regular(formal: Any, committee: Any) -> Round:
    return polling.round_create_regular(acting_user=committee, election=formal)


@pytest.fixture
def options(formal: Any, town: Any) -> SecuritySet:
    return services.security_set_update(
        acting_user=town, campaign=formal.campaign, colours=COLOURS, seals=SEALS
    )


@pytest.fixture
def chief(formal: Any, committee: Any, tree: dict[str, Any]) -> Any:
    """The 总监票人, a trained voter linked to a login of the village."""
    train(formal, committee, (STAFF[0], 90))
    login = user_create(
        acting_user=None,
        username="chief",
        password=PASSWORD,
        full_name=STAFF[0],
        role=Role.ELECTION_COMMITTEE,
        area=tree["qingshan"],
    )
    polling.staff_add(
        acting_user=committee,
        election=formal,
        role="chief_scrutineer",
        voter=voter(formal, STAFF[0]),
        user=login,
    )
    return login


def non_candidates(election: Any) -> list[Voter]:
    from huanjie.apps.candidates.models import Candidate

    taken = set(Candidate.objects.filter(election=election).values_list("voter_id", flat=True))
    return [v for v in registered(election).order_by("pk") if v.pk not in taken]


def issue(r: Round, user: Any, n: int) -> None:
    """Issue ballots to ``n`` registered voters into the round's first box."""
    box = r.boxes.order_by("pk").first()
    assert box is not None
    for v in non_candidates(r.election)[:n]:
        polling.ballot_issue(acting_user=user, round=r, voter=v, box=box)
