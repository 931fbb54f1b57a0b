"""A committee for Qingshan's election: three seated, three reserves in order."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from huanjie.apps.committee.models import CommitteeMember, SelectedBy
from huanjie.apps.committee.services import committee_member_add
from huanjie.core.roll.idcard import check_char


def id_number(seq: int, birth: str = "19700101") -> str:
    """A valid 18-digit number; an odd sequence is a man, an even one a woman."""
    first17 = f"330523{birth}{seq:03d}"
    return first17 + check_char(first17)


def add(
    election: Any, user: Any, name: str, rank: int, *, seated: bool = True, **extra: Any
) -> CommitteeMember:
    fields: dict[str, Any] = {
        "sex": "M",
        "selected_by": SelectedBy.REPRESENTATIVES_MEETING,
        "votes": 40 - rank,
    }
    fields.update(extra)
    return committee_member_add(
        acting_user=user, election=election, name=name, rank=rank, seated=seated, **fields
    )


@pytest.fixture
def committee(election: Any, users: dict[str, Any]) -> dict[str, CommitteeMember]:
    user = users["qingshan"]
    return {
        "张三": add(election, user, "张三", 1, role="chair"),
        "李四": add(election, user, "李四", 2),
        "王五": add(election, user, "王五", 3, sex="F"),
        "赵六": add(election, user, "赵六", 4, seated=False),
        "钱七": add(election, user, "钱七", 5, seated=False),
        "孙八": add(election, user, "孙八", 6, seated=False),
    }


@pytest.fixture
def login(users: dict[str, Any]) -> Any:
    def client_for(name: str) -> Client:
        client = Client()
        client.force_login(users[name])
        return client

    return client_for
