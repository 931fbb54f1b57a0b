"""The counting API and pages: the keyboard path over HTTP (idempotent per position), refusals
as 400 with findings, the 总监票人's views, the screen behind login and behind a link."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from huanjie.apps.counting import services
from huanjie.apps.counting.models import BallotEntry, ScreenLink
from tests.apps.counting.conftest import Day

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def base(day: Day) -> str:
    return f"/api/elections/{day.round.election_id}/counting"


def ready(day: Day, box: str = "2号票箱", collected: int = 3) -> Any:
    services.count_start(acting_user=day.committee, round=day.round, method="ballots")
    b = day.boxes[box]
    services.box_reconcile(acting_user=day.one, box=b, collected=collected)
    services.box_reconcile(acting_user=day.two, box=b, collected=collected)
    return b


def post(c: Client, url: str, data: dict[str, Any]) -> Any:
    return c.post(url, data, content_type="application/json")


def test_ballots_over_http_are_recorded_once_and_resume(day: Day) -> None:
    b = ready(day)
    one = client_for(day.one)
    url = f"{base(day)}/boxes/{b.pk}/passes/1"
    r = post(one, f"{url}/ballots", {"position": 1, "keys": ["1", "", "", "12"]})
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["replay"], body["valid"], body["next_position"]) == (False, True, 2)
    assert body["summary"] == "有效票"
    again = post(one, f"{url}/ballots", {"position": 1, "keys": ["1", "", "", "12"]})
    assert again.json()["replay"] is True
    assert BallotEntry.objects.count() == 1
    state = one.get(url).json()
    assert (state["next_position"], len(state["ballots"])) == (2, 1)
    # The other clerk sees where pass 1 stands, never what it says.
    assert client_for(day.two).get(url).json()["ballots"] == []


def test_refusals_carry_their_findings(day: Day) -> None:
    b = ready(day)
    r = post(
        client_for(day.one),
        f"{base(day)}/boxes/{b.pk}/passes/1/ballots",
        {"position": 1, "keys": ["9", "", "", ""]},
    )
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "has_errors"
    assert body["findings"][0]["code"] == "unknown_candidate"
    assert body["findings"][0]["key"] == "主任"
    assert "主任：没有编号 9 的候选人" in body["detail"]
    assert not BallotEntry.objects.exists()


def test_overmarked_ballot_over_http_is_taken_with_a_warning(day: Day) -> None:
    b = ready(day)
    r = post(
        client_for(day.one),
        f"{base(day)}/boxes/{b.pk}/passes/1/ballots",
        {
            "position": 1,
            "ballot": {
                "主任": {"yes": [c["label"] for c in day.round.candidates if c["post"] == "主任"]}
            },
        },
    )
    assert r.status_code == 200
    assert r.json()["valid"] is False
    assert "第二十七条第三款" in r.json()["warnings"][0]["message"]


def test_differences_only_for_the_chief_and_settled_over_http(day: Day) -> None:
    b = ready(day, collected=1)
    post(
        client_for(day.one),
        f"{base(day)}/boxes/{b.pk}/passes/1/ballots",
        {"position": 1, "keys": ["1", "", "", ""]},
    )
    r = post(
        client_for(day.two),
        f"{base(day)}/boxes/{b.pk}/passes/2/ballots",
        {"position": 1, "keys": ["2", "", "", ""]},
    )
    assert r.json()["state"] == "entries_different"
    assert client_for(day.one).get(f"{base(day)}/boxes/{b.pk}/differences").status_code == 400
    chief = client_for(day.chief)
    diffs = chief.get(f"{base(day)}/boxes/{b.pk}/differences").json()
    assert [d["position"] for d in diffs] == [1]
    assert diffs[0]["first"].startswith("主任：")
    r = post(chief, f"{base(day)}/boxes/{b.pk}/settle", {"position": 1, "choice": "keep_second"})
    assert r.json()["state"] == "definitive"
    page = chief.get(
        f"/elections/{day.round.election_id}/counting/rounds/{day.round.number}/boxes/{b.pk}/"
    )
    assert page.status_code == 200
    assert "没有待核对的选票" in page.content.decode()


def test_reconcile_over_http_and_twice_refused(day: Day) -> None:
    services.count_start(acting_user=day.committee, round=day.round, method="ballots")
    b = day.boxes["1号票箱"]
    url = f"{base(day)}/boxes/{b.pk}/reconcile"
    assert post(client_for(day.one), url, {"collected": 12}).json()["state"] == "second_entry"
    out = post(client_for(day.two), url, {"collected": 12}).json()
    assert out["decision"]["code"] == "box_reconciled"
    r = post(client_for(day.committee), url, {"collected": 12})
    assert r.status_code == 400
    assert r.json()["code"] == "already_reconciled"


def test_round_overview_and_pages(day: Day) -> None:
    ready(day)
    c = client_for(day.committee)
    data = c.get(f"{base(day)}/rounds/{day.round.number}").json()
    assert data["method"] == "ballots"
    assert [b["name"] for b in data["boxes"]] == ["1号票箱", "2号票箱"]
    assert "票箱“1号票箱”尚未开箱清点" in data["problems"]
    eid = day.round.election_id
    for path in ("", f"rounds/{day.round.number}/", f"rounds/{day.round.number}/screen/"):
        r = c.get(f"/elections/{eid}/counting/{path}")
        assert r.status_code == 200, path
    box = day.boxes["2号票箱"]
    keyboard = client_for(day.one).get(
        f"/elections/{eid}/counting/rounds/{day.round.number}/boxes/{box.pk}/passes/1/"
    )
    assert keyboard.status_code == 200
    assert "回车</strong>保存这一张" in keyboard.content.decode()
    nav = c.get(f"/elections/{eid}/candidates/").content.decode()
    assert f'href="/elections/{eid}/counting/"' in nav


def test_the_public_screen_link_is_read_only_and_can_be_withdrawn(day: Day) -> None:
    ready(day)
    link = services.screen_link_create(acting_user=day.committee, round=day.round)
    anon = Client()
    eid = day.round.election_id
    page = anon.get(f"/elections/{eid}/counting/screen/{link.token}/")
    assert page.status_code == 200
    assert "唱票计票" in page.content.decode()
    assert "cdn" not in page.content.decode().lower()
    data = anon.get(f"/elections/{eid}/counting/screen/{link.token}/data").json()
    assert data["collected"] == 3
    assert {r["name"] for p in data["posts"] for r in p["rows"]} <= {
        c["label"] for c in day.round.candidates
    }
    assert anon.post(f"/elections/{eid}/counting/screen/{link.token}/data").status_code == 405
    assert anon.get(f"/elections/{eid}/counting/screen/wrong-token/data").status_code == 404
    assert anon.get(f"/elections/{eid + 1}/counting/screen/{link.token}/data").status_code == 404
    # Behind login, the screen is not open to a user who cannot see the village.
    assert (
        anon.get(f"/elections/{eid}/counting/rounds/{day.round.number}/screen.json").status_code
        == 302
    )
    services.screen_link_revoke(acting_user=day.committee, link=link)
    assert anon.get(f"/elections/{eid}/counting/screen/{link.token}/data").status_code == 404
    assert ScreenLink.objects.get().revoked_at is not None
