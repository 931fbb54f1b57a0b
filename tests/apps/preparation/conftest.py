"""Qingshan's election moved a month ahead of today, so that "published before election day,
not after today" holds whenever the tests run; and clients logged in by user name."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from huanjie.apps.campaigns.models import Election


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def prep(election: Election, today: datetime.date) -> Election:
    Election.objects.filter(pk=election.pk).update(election_day=today + datetime.timedelta(30))
    election.refresh_from_db()
    return election


@pytest.fixture
def login(users: dict[str, Any]) -> Any:
    def client_for(name: str) -> Client:
        client = Client()
        client.force_login(users[name])
        return client

    return client_for
