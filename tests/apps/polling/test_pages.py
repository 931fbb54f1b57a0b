from __future__ import annotations

from typing import Any

import pytest

from huanjie.apps.polling.models import Box, CheckIn, Round, Staff
from huanjie.apps.roll.services import card_payload, cards_assign
from tests.apps.polling.conftest import STAFF, authorise, client_for, voter

pytestmark = pytest.mark.django_db


def base(election: Any) -> str:
    return f"/elections/{election.pk}/polling/"


def test_index_arranges_the_regular_round(formal: Any, committee: Any) -> None:
    c = client_for(committee)
    page = c.get(base(formal))
    assert page.status_code == 200
    assert "安排正式选举投票" in page.content.decode()
    assert 'class="active">投票<' in page.content.decode()
    response = c.post(base(formal), {"action": "regular"})
    assert response.status_code == 302
    r = Round.objects.get()
    assert response["Location"] == f"{base(formal)}rounds/1/"
    page = c.get(response["Location"]).content.decode()
    assert "开始投票" in page
    assert "1号票箱" in page
    assert "李明" in page
    again = c.post(base(formal), {"action": "regular"}, follow=True).content.decode()
    assert "已有正式选举投票" in again
    assert Round.objects.count() == 1 == r.number


def test_observer_sees_but_cannot_change(formal: Any, users: dict[str, Any], tree: Any) -> None:
    from huanjie.apps.accounts.models import Role
    from huanjie.apps.accounts.services import user_create

    county = user_create(
        acting_user=None,
        username="county2",
        password="Correct-Horse-42",
        full_name="县",
        role=Role.COUNTY_ORGANISER,
        area=tree["county"],
    )
    c = client_for(county)
    assert c.get(base(formal)).status_code == 200
    assert c.post(base(formal), {"action": "regular"}).status_code == 403
    assert not Round.objects.exists()


def test_open_close_and_boxes_from_the_round_page(regular: Round, committee: Any) -> None:
    c = client_for(committee)
    url = f"{base(regular.election)}rounds/1/"
    station = regular.boxes.get().station
    bad = c.post(url, {"name": "1号票箱", "station": station.pk, "kind": "fixed"})
    assert bad.status_code == 400
    assert "已有名为" in bad.content.decode()
    c.post(url, {"name": "流动票箱", "station": station.pk, "kind": "mobile"})
    assert regular.boxes.filter(kind="mobile").exists()
    refused = c.post(url + "action", {"action": "open"}, follow=True).content.decode()
    assert "须有不少于3名工作人员随箱" in refused
    mobile = regular.boxes.get(kind="mobile")
    c.post(f"{url}boxes/{mobile.pk}", {"action": "delete"})
    assert not Box.objects.filter(pk=mobile.pk).exists()
    opened = c.post(url + "action", {"action": "open"}, follow=True).content.decode()
    assert "投票开始" in opened
    regular.refresh_from_db()
    assert regular.status == "open"
    c.post(url + "action", {"action": "close"})
    regular.refresh_from_db()
    assert regular.status == "closed"


def test_staff_page(trained: Any, committee: Any) -> None:
    c = client_for(committee)
    url = f"{base(trained)}staff/"
    ok = c.post(url, {"role": "chief_scrutineer", "q": STAFF[0], "username": "qingshan"})
    assert ok.status_code == 302
    person = Staff.objects.get()
    assert person.user == committee
    bad = c.post(url, {"role": "counter", "q": "李明"})
    assert bad.status_code == 400
    assert "李明是候选人" in bad.content.decode()
    page = c.get(url).content.decode()
    assert "总监票人" in page
    assert STAFF[0] in page
    assert person.id_number not in page  # masked
    c.post(url, {"remove": person.pk})
    assert not Staff.objects.exists()


def test_checkin_desk_search_issue_and_refusal(opened: Round, committee: Any) -> None:
    election = opened.election
    c = client_for(committee)
    url = f"{base(election)}rounds/1/checkin"
    page = c.get(url)
    assert page.status_code == 200
    assert "autofocus" in page.content.decode()
    found = c.get(f"{base(election)}rounds/1/search.json", {"q": "蔡"}).json()["results"]
    assert [r["name"] for r in found] == ["蔡丽"]
    assert found[0]["may_issue"]
    assert found[0]["group"] == "第一村民小组"
    assert "*" in found[0]["masked_id"]
    assert voter(election, "蔡丽").id_number not in str(found)
    # Enter with a single match issues to it.
    done = c.post(url, {"q": "蔡丽"})
    assert done.status_code == 302
    assert CheckIn.objects.get().voter.name == "蔡丽"
    again = c.post(url, {"q": "蔡丽", "voter": voter(election, "蔡丽").pk})
    assert again.status_code == 400
    assert "蔡丽已于" in again.content.decode()
    assert "不能重复领取" in again.content.decode()
    missing = c.post(url, {"q": "查无此人"})
    assert "选民名单上没有“查无此人”" in missing.content.decode()
    assert CheckIn.objects.count() == 1
    turnout = c.get(f"{base(election)}rounds/1/turnout", {"fragment": "1"}).content.decode()
    assert "还差 30 人过半数" in turnout
    assert "<html" not in turnout
    full = c.get(f"{base(election)}rounds/1/turnout").content.decode()
    assert "setTimeout(refresh" in full
    assert "<script src" not in full


def test_checkin_by_card_and_unknown_card(opened: Round, committee: Any) -> None:
    election = opened.election
    cards_assign(acting_user=committee, election=election)
    v = voter(election, "赵敏")
    c = client_for(committee)
    url = f"{base(election)}rounds/1/checkin"
    assert c.post(url, {"q": card_payload(v.serial)}).status_code == 302
    assert CheckIn.objects.get().method == "card"
    forged = c.post(url, {"q": "HJVC1|330523-12-000009|ABCDEF0123456789"})
    assert forged.status_code == 400
    assert "二维码无效" in forged.content.decode()


def test_proxy_holder_at_the_desk(formal: Any, committee: Any) -> None:
    authorise(formal, committee, ("张芳乙", "王红"))
    c = client_for(committee)
    c.post(base(formal), {"action": "regular"})
    c.post(f"{base(formal)}rounds/1/action", {"action": "open"})
    url = f"{base(formal)}rounds/1/checkin"
    rows = c.get(f"{base(formal)}rounds/1/search.json", {"q": "王红"}).json()["results"]
    assert rows[0]["principals"][0]["name"] == "张芳乙"
    holder, principal = voter(formal, "王红"), voter(formal, "张芳乙")
    c.post(url, {"q": "王红", "voter": holder.pk})
    later = c.post(url, {"q": "王红", "proxy_holder": holder.pk, "principals": [principal.pk]})
    assert later.status_code == 302
    rows = c.get(f"{base(formal)}rounds/1/search.json", {"q": "张芳乙"}).json()["results"]
    assert rows[0]["status"].startswith("已由王红代领")
