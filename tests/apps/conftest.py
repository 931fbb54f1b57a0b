"""Fixtures for the web application: a small area tree and users with roles."""

from __future__ import annotations

from typing import Any

import pytest

from huanjie.apps.accounts.models import Role
from huanjie.apps.accounts.services import user_create
from huanjie.apps.places.models import Area
from huanjie.apps.places.services import area_create

PASSWORD = "Correct-Horse-42"


@pytest.fixture
def tree(db: Any) -> dict[str, Area]:
    county = area_create(acting_user=None, name="安吉县", parent=None, code="330523")
    town = area_create(acting_user=None, name="天荒坪镇", parent=county)
    other_town = area_create(acting_user=None, name="递铺街道", parent=county)
    qingshan = area_create(acting_user=None, name="青山村", parent=town)
    hongxing = area_create(acting_user=None, name="红星村", parent=town)
    group = area_create(acting_user=None, name="第一村民小组", parent=qingshan)
    return {
        "county": county,
        "town": town,
        "other_town": other_town,
        "qingshan": qingshan,
        "hongxing": hongxing,
        "group": group,
    }


@pytest.fixture
def users(tree: dict[str, Area]) -> dict[str, Any]:
    def make(username: str, role: Role, area: Area) -> Any:
        return user_create(
            acting_user=None,
            username=username,
            password=PASSWORD,
            full_name=username,
            role=role,
            area=area,
        )

    return {
        "county": make("county", Role.COUNTY_ORGANISER, tree["county"]),
        "town": make("town", Role.TOWNSHIP_OFFICE, tree["town"]),
        "qingshan": make("qingshan", Role.ELECTION_COMMITTEE, tree["qingshan"]),
        "observer": make("observer", Role.OBSERVER, tree["hongxing"]),
    }


@pytest.fixture
def election(tree: dict[str, Area], users: dict[str, Any]) -> Any:
    """Qingshan village's election in the township's 12th campaign (Zhejiang rules)."""
    import datetime

    from huanjie.apps.campaigns.services import campaign_create, election_create

    campaign = campaign_create(
        acting_user=users["town"],
        area=tree["town"],
        term=12,
        default_profile="village/zhejiang",
        default_election_day=datetime.date(2026, 12, 20),
    )
    return election_create(
        acting_user=users["town"],
        campaign=campaign,
        area=tree["qingshan"],
        election_day=datetime.date(2026, 12, 20),
        members=5,
        place="青山村文化礼堂",
    )


@pytest.fixture
def clerks(users: dict[str, Any], tree: dict[str, Area]) -> dict[str, Any]:
    """Two committee clerks of Qingshan and the committee user as the third person (the
    coordinator / chief scrutineer who resolves differences)."""

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


@pytest.fixture
def formal(election: Any, tree: dict[str, Area], clerks: dict[str, Any]) -> Any:
    """Qingshan on election day: formal list published, 60 voters (tests/apps/election_day.py)."""
    from tests.apps.election_day import build_formal_election

    return build_formal_election(election, tree, clerks)
