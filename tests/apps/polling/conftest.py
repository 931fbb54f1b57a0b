"""Fixtures of the polling tests: Qingshan on election day (``formal``) with its regular
round created, staff who passed training, and a round open for voting."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

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
