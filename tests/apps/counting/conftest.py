"""Fixtures of the counting tests: Qingshan's regular round with two boxes, ballots issued to
voters at each, polls closed; a 总监票人 with a login, two clerks (``clerks`` one and two)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from huanjie.apps.accounts.models import Role
from huanjie.apps.accounts.services import user_create
from huanjie.apps.polling import services as polling
from huanjie.apps.polling.models import Box, CheckIn, Issue, Round
from huanjie.apps.roll.selectors import registered
from tests.apps.conftest import PASSWORD
from tests.apps.polling.conftest import STAFF, train, voter

#: Ballots issued per box (and voters who voted there).
ISSUED = {"1号票箱": 12, "2号票箱": 8}


@dataclass
class Day:
    round: Round
    boxes: dict[str, Box]
    chief: Any
    one: Any
    two: Any
    committee: Any


def issue(r: Round, box: Box, voters: list[Any], by: Any) -> None:
    """Ballots handed out (验证发票) while polls are open, stored as polling stores them."""
    now = timezone.now()
    for v in voters:
        c = CheckIn.objects.create(round=r, voter=v, box=box, method="search", at=now, by=by)
        Issue.objects.create(round=r, voter=v, checkin=c, box=box, at=now, by=by)


@pytest.fixture
def chief(formal: Any, users: dict[str, Any], tree: dict[str, Any]) -> Any:
    login = user_create(
        acting_user=None,
        username="chief",
        password=PASSWORD,
        full_name="张伟甲",
        role=Role.ELECTION_COMMITTEE,
        area=tree["qingshan"],
    )
    train(formal, users["qingshan"], (STAFF[0], 90))
    polling.staff_add(
        acting_user=users["qingshan"],
        election=formal,
        role="chief_scrutineer",
        voter=voter(formal, STAFF[0]),
        user=login,
    )
    return login


def open_round(formal: Any, committee: Any, *, boxes: dict[str, int] = ISSUED) -> Round:
    r = polling.round_create_regular(acting_user=committee, election=formal)
    main = r.boxes.get()
    for name in list(boxes)[1:]:
        polling.box_create(acting_user=committee, round=r, station=main.station, name=name)
    r = polling.round_open(acting_user=committee, round=r)
    people = list(registered(formal).order_by("pk"))
    at = 0
    for name, n in boxes.items():
        issue(r, r.boxes.get(name=name), people[at : at + n], committee)
        at += n
    return r


@pytest.fixture
def day(formal: Any, users: dict[str, Any], clerks: dict[str, Any], chief: Any) -> Day:
    committee = users["qingshan"]
    r = open_round(formal, committee)
    r = polling.round_close(acting_user=committee, round=r)
    return Day(
        round=r,
        boxes={b.name: b for b in r.boxes.all()},
        chief=chief,
        one=clerks["one"],
        two=clerks["two"],
        committee=committee,
    )
