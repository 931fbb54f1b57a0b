"""Voters for the proxy tests: Qingshan's roll (the ``election`` fixture, Zhejiang rules) and
one voter of Hongxing's election; the proxies stage opened the way the plan page would."""

from __future__ import annotations

import datetime
import sys
import types
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from huanjie.apps.campaigns.models import StageRecord
from huanjie.apps.campaigns.services import election_create
from huanjie.apps.roll.models import Category, Status, Voter
from huanjie.core.roll.idcard import check_char
from huanjie.core.stages import Stage, State


def id_number(seq: int, birth: str = "19700101") -> str:
    first17 = f"330523{birth}{seq:03d}"
    return first17 + check_char(first17)


def make_voter(election: Any, name: str, seq: int, **extra: Any) -> Voter:
    fields: dict[str, Any] = {
        "election": election,
        "name": name,
        "name_key": name,
        "sex": "M" if seq % 2 else "F",
        "birth_date": datetime.date(1970, 1, 1),
        "id_number": id_number(seq),
        "category": Category.RESIDENT,
        "status": Status.REGISTERED,
    }
    fields.update(extra)
    return Voter.objects.create(**fields)


NAMES = ["张三", "李四", "王五", "赵六", "钱七", "孙八", "周九", "吴十", "郑一"]


@pytest.fixture
def voters(election: Any, tree: dict[str, Any]) -> dict[str, Voter]:
    """Nine registered voters of Qingshan (first villager group), one removed, one ineligible."""
    found = {
        name: make_voter(election, name, i, group=tree["group"], away=i == 1)
        for i, name in enumerate(NAMES, start=1)
    }
    found["removed"] = make_voter(election, "陈除名", 50, status=Status.REMOVED)
    return found


@pytest.fixture
def hongxing_voter(election: Any, tree: dict[str, Any], users: dict[str, Any]) -> Voter:
    """A registered voter of the neighbouring village's election (same campaign)."""
    other = election_create(
        acting_user=users["town"],
        campaign=election.campaign,
        area=tree["hongxing"],
        election_day=election.election_day,
        members=5,
    )
    return make_voter(other, "何外村", 70)


def set_stages(election: Any, **states: State) -> None:
    for stage, state in states.items():
        StageRecord.objects.filter(election=election, stage=Stage(stage).value).update(
            state=state.value
        )


@pytest.fixture
def proxies_open(election: Any) -> Any:
    """The roll is final and the proxies stage is open; election day is 30 days from today
    (so the pages, which file with today's date, are within the deadline whenever run)."""
    election.election_day = timezone.localdate() + datetime.timedelta(days=30)
    election.save(update_fields=["election_day"])
    set_stages(
        election,
        preparation=State.CLOSED,
        registration=State.CLOSED,
        proxies=State.OPEN,
    )
    return election


@pytest.fixture
def committee_client(users: dict[str, Any]) -> Client:
    client = Client()
    client.force_login(users["qingshan"])
    return client


@pytest.fixture
def candidates(monkeypatch: pytest.MonkeyPatch) -> Callable[[Voter], None]:
    """Stand in for the candidates part: ``mark(voter)`` makes the voter a candidate, as
    ``huanjie.apps.candidates.selectors.is_candidate`` would report."""
    marked: set[int] = set()
    fake = types.ModuleType("huanjie.apps.candidates.selectors")
    fake.is_candidate = lambda election, voter: voter.pk in marked  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "huanjie.apps.candidates.selectors", fake)
    return lambda voter: marked.add(voter.pk)
