"""Qingshan after its vote: the shared ``formal`` village (Zhejiang rules; 主任 1, 副主任 1,
妇女委员 1, 委员 2; 60 voters), its regular round held through polling and decided by the
results part, so the new committee is what ``results.selectors.elected`` reports."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from huanjie.apps.accounts.models import Role
from huanjie.apps.accounts.services import user_create
from huanjie.apps.campaigns.models import StageRecord
from huanjie.apps.results import selectors as results
from huanjie.apps.roll.models import Voter
from huanjie.core.stages import Stage, State
from tests.apps.candidates.conftest import PEOPLE

PASSWORD = "Correct-Horse-42"


#: 50 of 60 vote and every seat is filled in one round (Zhejiang: more than half of 50):
#: 主任 李明 40; 副主任 赵刚 30; 妇女委员 田芳 30; 委员 徐亮 35, 朱平 30.
FIRST: dict[str, list[tuple[list[str], int]]] = {
    "主任": [(["李明"], 40), (["王强"], 6), ([], 4)],
    "副主任": [(["赵刚"], 30), (["彭军"], 16), ([], 4)],
    "妇女委员": [(["田芳"], 30), (["林秀英"], 18), ([], 2)],
    "委员": [(["徐亮", "朱平"], 30), (["徐亮", "曹勇"], 5), (["曹勇"], 5), ([], 10)],
}


def papers(posts: dict[str, list[tuple[list[str], int]]]) -> list[dict[str, Any]]:
    """Ballots in the ``huanjie.round/1`` form, the posts' rows filled in parallel."""
    columns = {p: [names for names, n in rows for _ in range(n)] for p, rows in posts.items()}
    size = len(next(iter(columns.values())))
    return [{p: {"yes": list(col[i])} for p, col in columns.items()} for i in range(size)]


@pytest.fixture
def voted(formal: Any, users: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Any:
    """Qingshan's regular round held through polling (50 voters handed a ballot) and decided by
    the results part. Counting is stood in for as the results tests do: its fragment of the
    round (one box, the ballots of ``FIRST``) is handed to ``results.selectors``."""
    from huanjie.apps.polling import services as polling
    from huanjie.apps.results import services as deciding
    from huanjie.apps.roll.selectors import registered

    who = users["qingshan"]
    r = polling.round_create_regular(acting_user=who, election=formal)
    r = polling.round_open(acting_user=who, round=r)
    box = r.boxes.order_by("pk").first()
    assert box is not None
    for v in registered(formal).order_by("pk")[:50]:
        polling.ballot_issue(acting_user=who, round=r, voter=v, box=box)
    r = polling.round_close(acting_user=who, round=r)
    fragment = {"boxes": [{"name": box.name, "collected": 50}], "ballots": papers(FIRST)}
    monkeypatch.setattr(results, "count_complete", lambda _r: (True, []))
    monkeypatch.setattr(results, "count_fragment", lambda _r: fragment)
    r = polling.round_mark_counted(acting_user=who, round=r)
    deciding.round_decide(acting_user=who, round=r)
    return formal


@pytest.fixture
def decided(voted: Any) -> Any:
    """The election after its vote, decided: the new committee stands."""
    return voted


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
