from __future__ import annotations

from typing import Any

import pytest

from huanjie.apps.candidates.selectors import formal_list
from huanjie.apps.roll.models import Voter

pytestmark = pytest.mark.django_db


def test_the_shared_election_day_fixture(formal: Any) -> None:
    posts = formal_list(formal)
    assert [p.name for p in posts] == ["主任", "副主任", "妇女委员", "委员"]
    assert [len(p.candidates) for p in posts] == [2, 2, 2, 3]
    assert Voter.objects.filter(election=formal, status="registered").count() == 60
