"""Every API operation and page under an election is closed to users of other villages.

Walks the OpenAPI description and the URL patterns rather than a hand-kept list, so a new
endpoint is checked the day it is added.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from huanjie.apps.campaigns.models import Election


def _concrete(path: str, election: Election) -> str | None:
    """The path with the election filled in; None when it needs other ids (skipped)."""
    path = path.replace("{election_id}", str(election.pk))
    return None if "{" in path else path


def test_openapi_description_builds(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["town"])
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert len(response.json()["paths"]) > 20


def test_every_api_operation_refuses_another_village(
    client: Client, users: dict[str, Any], election: Election
) -> None:
    client.force_login(users["town"])
    spec = client.get("/api/openapi.json").json()
    client.force_login(users["observer"])  # sees only 红星村
    checked = 0
    for raw, operations in spec["paths"].items():
        if "{election_id}" not in raw:
            continue
        path = _concrete(raw, election)
        if path is None:
            continue
        for method in operations:
            call = getattr(client, method)
            kwargs = {"content_type": "application/json"} if method != "get" else {}
            response = call(path, {} if method != "get" else None, **kwargs)
            # A body the schema rejects never reaches the view (422), which also reveals nothing.
            params = operations[method].get("parameters", [])
            needs_input = method != "get" or any(
                q.get("required") and q["name"] != "election_id" for q in params
            )
            allowed = (403, 404, 422) if needs_input else (403, 404)
            assert response.status_code in allowed, (method, path, response.status_code)
            checked += 1
    assert checked > 15


def _patterns(resolver: URLResolver, prefix: str = "") -> list[str]:
    found = []
    for p in resolver.url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            found += _patterns(p, route)
        elif isinstance(p, URLPattern):
            found.append(route)
    return found


def test_every_page_refuses_another_village(
    client: Client, users: dict[str, Any], election: Election
) -> None:
    client.force_login(users["observer"])
    checked = 0
    for route in _patterns(get_resolver()):
        if not route.startswith("elections/<int:election_id>/") or route.startswith("api"):
            continue
        path = "/" + route.replace("<int:election_id>", str(election.pk))
        if "<" in path:
            continue
        path = re.sub(r"\^|\$", "", path)
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            assert response.status_code in (403, 404, 405), (method, path, response.status_code)
            checked += 1
    assert checked > 20


@pytest.mark.parametrize("username", ["qingshan", "town"])
def test_the_village_itself_and_its_township_may_read(
    client: Client, users: dict[str, Any], election: Election, username: str
) -> None:
    client.force_login(users[username])
    for path in ("", "committee/", "preparation/", "roll/", "proxies/", "candidates/"):
        response = client.get(f"/elections/{election.pk}/{path}")
        assert response.status_code == 200, path
