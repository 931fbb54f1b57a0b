"""Qingshan's roll for the candidates tests (the ``election`` fixture: Zhejiang rules, posts
主任 1, 副主任 1, 妇女委员 1, 委员 2), the nomination stage opened the way the plan page would,
and two more committee clerks of Qingshan."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from huanjie.apps.accounts.models import Role
from huanjie.apps.accounts.services import user_create
from huanjie.apps.campaigns.models import StageRecord
from huanjie.apps.candidates import services
from huanjie.apps.roll.models import Category, Status, Voter
from huanjie.core.entry import issued_key, returned_key, votes_key
from huanjie.core.roll.idcard import check_char
from huanjie.core.stages import Stage, State

PASSWORD = "Correct-Horse-42"

#: name → sex. Strokes of the surnames: 王 4, 田 5, 朱 6, 李 7, 林 8, 赵 9, 徐 10, 曹 11,
#: 彭 12, 蔡 14.
PEOPLE = {
    "李明": "M",
    "王强": "M",
    "赵刚": "M",
    "彭军": "M",
    "徐亮": "M",
    "朱平": "M",
    "曹勇": "M",
    "田芳": "F",
    "林秀英": "F",
    "蔡丽": "F",
    "王红": "F",
    "赵敏": "F",
}


def id_number(seq: int, birth: str = "19750101") -> str:
    first17 = f"330523{birth}{seq:03d}"
    return first17 + check_char(first17)


def make_voter(election: Any, name: str, seq: int, sex: str, **extra: Any) -> Voter:
    fields: dict[str, Any] = {
        "election": election,
        "name": name,
        "name_key": name,
        "sex": sex,
        "birth_date": datetime.date(1975, 1, 1),
        "id_number": id_number(seq),
        "category": Category.RESIDENT,
        "status": Status.REGISTERED,
    }
    fields.update(extra)
    return Voter.objects.create(**fields)


def set_stages(election: Any, **states: State) -> None:
    for stage, state in states.items():
        StageRecord.objects.filter(election=election, stage=Stage(stage).value).update(
            state=state.value
        )


@pytest.fixture
def nomination_open(election: Any) -> Any:
    """The roll is final and the nomination stage is open; election day is 30 days from
    today, so the formal list may be published today (浙江 第十八条: five days before)."""
    election.election_day = timezone.localdate() + datetime.timedelta(days=30)
    election.save(update_fields=["election_day"])
    set_stages(
        election,
        preparation=State.CLOSED,
        registration=State.CLOSED,
        nomination=State.OPEN,
    )
    return election


@pytest.fixture
def voters(nomination_open: Any, tree: dict[str, Any]) -> dict[str, Voter]:
    found = {
        name: make_voter(nomination_open, name, i, sex, group=tree["group"])
        for i, (name, sex) in enumerate(PEOPLE.items(), start=1)
    }
    found["陈除名"] = make_voter(nomination_open, "陈除名", 60, "M", status=Status.REMOVED)
    return found


@pytest.fixture
def clerks(users: dict[str, Any], tree: dict[str, Any]) -> dict[str, Any]:
    """Three people who may enter Qingshan's tallies: two committee clerks and the existing
    committee user (a third person, who resolves differences)."""

    def make(username: str) -> Any:
        return user_create(
            acting_user=None,
            username=username,
            password=PASSWORD,
            full_name=username,
            role=Role.ELECTION_COMMITTEE,
            area=tree["qingshan"],
        )

    return {"one": make("clerk_one"), "two": make("clerk_two"), "coordinator": users["qingshan"]}


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def sheet(returned: int = 100, issued: int = 120, **posts: dict[str, int]) -> dict[str, int]:
    """A nomination tally sheet: ``sheet(chair={"李明": 60}, member={...})``."""
    counts: dict[str, int] = {}
    for post in ("chair", "vice_chair", "women_member", "member"):
        counts[issued_key(post)] = issued
        counts[returned_key(post)] = returned
        for name, v in posts.get(post, {}).items():
            counts[votes_key(post, name)] = v
    return counts


#: A tally in which every post has a clear cut-off (Zhejiang: seats + 1 candidates each).
CLEAR = {
    "chair": {"李明": 60, "王强": 30, "赵刚": 5},
    "vice_chair": {"赵刚": 50, "彭军": 30, "徐亮": 10},
    "women_member": {"田芳": 55, "林秀英": 35, "蔡丽": 8},
    "member": {"徐亮": 60, "朱平": 50, "曹勇": 40, "王红": 30, "赵敏": 15},
}


@pytest.fixture
def nominated(voters: dict[str, Voter], clerks: dict[str, Any]) -> Any:
    """Every person of PEOPLE on the list of nominees (not the removed voter)."""
    election = voters["李明"].election
    for name in PEOPLE:
        services.nominee_add(
            acting_user=clerks["coordinator"], election=election, voter=voters[name]
        )
    return election


def enter_twice(election: Any, clerks: dict[str, Any], counts: dict[str, int]) -> Any:
    r = services.nomination_round_start(acting_user=clerks["one"], election=election)
    r = services.tally_submit(acting_user=clerks["one"], round=r, counts=counts)
    return services.tally_submit(acting_user=clerks["two"], round=r, counts=counts)


@pytest.fixture
def decided(nominated: Any, clerks: dict[str, Any]) -> Any:
    """The CLEAR tally entered twice, identically: preliminary candidates decided."""
    enter_twice(nominated, clerks, sheet(**CLEAR))
    return nominated
