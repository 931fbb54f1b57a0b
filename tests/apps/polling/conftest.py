"""Fixtures of the polling tests: Qingshan on election day (``formal``) with its regular
round created, staff who passed training, and a round open for voting."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from huanjie.apps.polling import services
from huanjie.apps.polling.models import Round


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def committee(users: dict[str, Any]) -> Any:
    return users["qingshan"]


@pytest.fixture
def regular(formal: Any, committee: Any) -> Round:
    return services.round_create_regular(acting_user=committee, election=formal)


@pytest.fixture
def opened(regular: Round, committee: Any) -> Round:
    return services.round_open(acting_user=committee, round=regular)


def voter(election: Any, name: str) -> Any:
    from huanjie.apps.roll.models import Voter

    return Voter.objects.get(election=election, name=name)


def train(election: Any, user: Any, *people: tuple[str, int]) -> None:
    """Record a training test for each (name, score); 85 passes (the default pass mark)."""
    from huanjie.apps.preparation import services as prep

    session = prep.training_session_create(
        acting_user=user, election=election, title="选举工作人员培训", held_on=timezone.localdate()
    )
    for name, score in people:
        prep.trainee_score_enter(acting_user=user, session=session, name=name, score=score)


#: Voters of the fixture who are not candidates (the fixture's extra voters).
STAFF = ["张伟甲", "王伟甲", "李伟甲", "赵伟甲", "刘伟甲", "陈伟甲"]


@pytest.fixture
def trained(formal: Any, committee: Any) -> Any:
    train(formal, committee, *((n, 90) for n in STAFF), ("杨伟甲", 60), ("蔡丽", 95))
    return formal


def authorise(election: Any, user: Any, *pairs: tuple[str, str], publish: bool = True) -> list[Any]:
    """Register (ten days before election day) and publish proxies: (principal, holder)."""
    import datetime

    from huanjie.apps.campaigns.models import StageRecord
    from huanjie.apps.proxies import services as proxies

    day = election.election_day - datetime.timedelta(days=10)
    StageRecord.objects.filter(election=election, stage="proxies").update(state="open")
    found = [
        proxies.proxy_register(
            acting_user=user,
            election=election,
            principal_id_number=voter(election, principal).id_number,
            proxy_id_number=voter(election, holder).id_number,
            relation="子女",
            reason="外出务工",
            received_on=day,
            today=day,
        )
        for principal, holder in pairs
    ]
    if publish:
        proxies.proxy_list_publish(
            acting_user=user, election=election, today=day + datetime.timedelta(days=5)
        )
    StageRecord.objects.filter(election=election, stage="proxies").update(state="closed")
    for auth in found:
        auth.refresh_from_db()
    return found
