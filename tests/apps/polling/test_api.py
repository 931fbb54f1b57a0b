from __future__ import annotations

from typing import Any

import pytest

from huanjie.apps.polling.models import CheckIn, Round
from huanjie.apps.roll.services import card_payload, cards_assign
from tests.apps.polling.conftest import STAFF, authorise, client_for, voter

pytestmark = pytest.mark.django_db


def api(election: Any) -> str:
    return f"/api/elections/{election.pk}/polling"


def post(c: Any, url: str, data: dict[str, Any] | None = None) -> Any:
    return c.post(url, data or {}, content_type="application/json")


def test_round_life_cycle_over_json(formal: Any, committee: Any) -> None:
    c = client_for(committee)
    created = post(c, f"{api(formal)}/rounds")
    assert created.status_code == 201
    body = created.json()
    assert (body["number"], body["status"], body["actions"]) == (1, "prepared", ["open"])
    assert body["figures"]["electorate"] == 60
    assert body["figures"]["quorum_needed"] == 31
    again = post(c, f"{api(formal)}/rounds")
    assert again.status_code == 400
    assert again.json()["code"] == "regular_exists"
    opened = post(c, f"{api(formal)}/rounds/1/action", {"action": "open"})
    assert opened.json()["status"] == "open"
    assert c.get(f"{api(formal)}/rounds/current").json()["number"] == 1
    box = opened.json()["figures"]["boxes"][0]["id"]
    v = voter(formal, "蔡丽")
    issued = post(c, f"{api(formal)}/rounds/1/checkins", {"box_id": box, "voter_id": v.pk})
    assert issued.status_code == 201
    assert issued.json()["issues"] == [
        {"voter_id": v.pk, "name": "蔡丽", "by_proxy": False, "writer": None}
    ]
    twice = post(c, f"{api(formal)}/rounds/1/checkins", {"box_id": box, "voter_id": v.pk})
    assert twice.status_code == 400
    assert twice.json()["code"] == "already_voted"
    assert "不能重复领取" in twice.json()["detail"]
    figures = c.get(f"{api(formal)}/rounds/1/figures").json()
    assert figures["voters"] == 1
    assert figures["quorum_text"] == "还差 30 人过半数"
    rows = c.get(f"{api(formal)}/rounds/1/voters", {"q": "蔡丽"}).json()
    assert rows[0]["status"].startswith("已领票")
    closed = post(c, f"{api(formal)}/rounds/1/action", {"action": "close"})
    assert closed.json()["status"] == "closed"
    late = post(
        c, f"{api(formal)}/rounds/1/checkins", {"box_id": box, "voter_id": voter(formal, "王红").pk}
    )
    assert late.status_code == 400
    assert late.json()["code"] == "polls_not_open"
    assert CheckIn.objects.count() == 1


def test_card_proxies_and_unknown_card(formal: Any, committee: Any) -> None:
    authorise(formal, committee, ("张芳乙", "王红"))
    cards_assign(acting_user=committee, election=formal)
    c = client_for(committee)
    post(c, f"{api(formal)}/rounds")
    box = post(c, f"{api(formal)}/rounds/1/action", {"action": "open"}).json()["figures"]["boxes"][
        0
    ]["id"]
    bad = post(c, f"{api(formal)}/rounds/1/checkins", {"box_id": box, "card": "HJVC1|x|y"})
    assert bad.status_code == 400
    assert bad.json()["field"] == "card"
    assert bad.json()["code"] == "unknown_card"
    holder, principal = voter(formal, "王红"), voter(formal, "张芳乙")
    ok = post(
        c,
        f"{api(formal)}/rounds/1/checkins",
        {"box_id": box, "card": card_payload(holder.serial), "principal_ids": [principal.pk]},
    )
    assert ok.status_code == 201
    assert ok.json()["method"] == "card"
    assert [i["by_proxy"] for i in ok.json()["issues"]] == [False, True]


def test_staff_and_mobile_box_over_json(trained: Any, committee: Any) -> None:
    c = client_for(committee)
    post(c, f"{api(trained)}/rounds")
    station = c.get(f"{api(trained)}/stations").json()[0]["id"]
    box = post(
        c,
        f"{api(trained)}/rounds/1/boxes",
        {"name": "流动票箱", "station_id": station, "kind": "mobile"},
    )
    assert box.status_code == 201
    box_id = box.json()["id"]
    ids = []
    for name in STAFF[:3]:
        r = post(
            c, f"{api(trained)}/staff", {"role": "mobile", "voter_id": voter(trained, name).pk}
        )
        assert r.status_code == 201
        ids.append(r.json()["id"])
    refused = post(
        c, f"{api(trained)}/staff", {"role": "caller", "voter_id": voter(trained, "李明").pk}
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "excluded"
    short = c.put(
        f"{api(trained)}/rounds/1/boxes/{box_id}/escorts",
        {"staff_ids": ids[:2]},
        content_type="application/json",
    ).json()
    assert short["escorts_min"] == 3
    assert any("不少于3名" in p for p in short["problems"])
    c.put(
        f"{api(trained)}/rounds/1/boxes/{box_id}/escorts",
        {"staff_ids": ids},
        content_type="application/json",
    )
    visit = post(
        c,
        f"{api(trained)}/rounds/1/boxes/{box_id}/visits",
        {"voter_id": voter(trained, "王红").pk, "reason": "卧病"},
    )
    assert visit.status_code == 201
    assert visit.json()["problems"] == []
    post(c, f"{api(trained)}/rounds/1/action", {"action": "open"})
    out = post(c, f"{api(trained)}/rounds/1/boxes/{box_id}/depart")
    assert out.json()["departed_at"] is not None
    issued = post(
        c,
        f"{api(trained)}/rounds/1/checkins",
        {"box_id": box_id, "voter_id": voter(trained, "王红").pk},
    )
    assert issued.json()["method"] == "mobile"
    back = post(c, f"{api(trained)}/rounds/1/boxes/{box_id}/return")
    assert back.json()["returned_at"] is not None
    assert Round.objects.get().boxes.count() == 2
