"""Handover (工作移交): the checklist from the day the new committee came into being, sign-off
by both sides, overdue items, the HANDOVER stage blocker, the schedule's actual date and the
移交清单 PDF."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from huanjie.apps.aftermath import documents, selectors, services
from huanjie.apps.aftermath.services import AftermathError
from huanjie.apps.audit.models import AuditEntry
from huanjie.apps.campaigns.selectors import actual_dates, schedule_with_election_day
from huanjie.apps.campaigns.services import PlanError, stage_change
from huanjie.core.stages import Action, Stage, State
from tests.apps.aftermath.conftest import set_stages

pytestmark = pytest.mark.django_db


def sign_all(user: Any, election: Any) -> None:
    for item in selectors.handover_items(election):
        services.handover_item_sign(
            acting_user=user, item=item, outgoing_name="王老主任", incoming_name="李明"
        )


def test_no_handover_before_the_committee_exists(formal: Any, users: dict[str, Any]) -> None:
    with pytest.raises(AftermathError) as err:
        services.handover_start(acting_user=users["qingshan"], election=formal)
    assert err.value.code == "no_committee"
    assert selectors.blockers(formal) == ["尚未建立移交清单（选后工作 › 工作移交）"]


def test_start_from_the_results_with_the_standard_items(
    decided: Any, users: dict[str, Any]
) -> None:
    h = services.handover_start(acting_user=users["qingshan"], election=decided)
    assert h.constituted_on == timezone.localdate()
    assert "第1轮投票" in h.basis
    labels = [i.label for i in selectors.handover_items(decided)]
    assert labels == ["印章", "财务账目", "债权债务", "资产", "档案资料"]
    check = selectors.handover_check(decided)
    assert check is not None
    # 浙江 第三十三条: ten days, the seal with the rest
    assert check.deadlines.due is not None
    assert (check.deadlines.due - h.constituted_on).days >= 10
    assert check.deadlines.seal_due == check.deadlines.due
    entry = AuditEntry.objects.filter(action="aftermath.handover_start").get()
    assert entry.after["items"] == labels
    with pytest.raises(AftermathError, match="已建立"):
        services.handover_start(acting_user=users["qingshan"], election=decided)


def test_sign_off_refuses_bad_input_naming_the_field(decided: Any, users: dict[str, Any]) -> None:
    services.handover_start(acting_user=users["qingshan"], election=decided)
    seal = selectors.handover_items(decided).first()
    assert seal is not None
    with pytest.raises(AftermathError) as err:
        services.handover_item_sign(
            acting_user=users["qingshan"], item=seal, outgoing_name="", incoming_name="李明"
        )
    assert (err.value.field, err.value.message) == ("outgoing_name", "移交人：请填写")
    yesterday = timezone.now() - dt.timedelta(days=1)
    with pytest.raises(AftermathError) as err:
        services.handover_item_sign(
            acting_user=users["qingshan"],
            item=seal,
            outgoing_name="王老主任",
            incoming_name="李明",
            signed_at=yesterday,
        )
    assert err.value.field == "signed_at"
    services.handover_item_sign(
        acting_user=users["qingshan"],
        item=seal,
        outgoing_name="王老主任",
        incoming_name="李明",
        supervisor_name="镇干部",
        note="公章1枚",
    )
    with pytest.raises(AftermathError, match="已签字确认"):
        services.handover_item_sign(
            acting_user=users["qingshan"], item=seal, outgoing_name="甲", incoming_name="乙"
        )
    signed = AuditEntry.objects.filter(action="aftermath.handover_item_sign").get()
    assert signed.after["supervisor"] == "镇干部"


def test_the_stage_closes_only_when_every_item_is_signed(
    decided: Any, users: dict[str, Any]
) -> None:
    set_stages(decided, election=State.CLOSED, handover=State.OPEN)
    services.handover_start(acting_user=users["qingshan"], election=decided)
    with pytest.raises(PlanError, match="5 项未经移交人和接收人签字确认"):
        stage_change(
            acting_user=users["town"], election=decided, stage=Stage.HANDOVER, action=Action.CLOSE
        )
    sign_all(users["qingshan"], decided)
    assert selectors.blockers(decided) == []
    stage_change(
        acting_user=users["town"], election=decided, stage=Stage.HANDOVER, action=Action.CLOSE
    )
    # the schedule knows the day the handover was completed
    today = timezone.localdate()
    assert actual_dates(decided)["handover_due"] == today
    rows = {r.item.id: r for r in schedule_with_election_day(decided)}
    assert rows["handover_due"].done_on == today
    # once the stage is closed the list is frozen
    item = selectors.handover_items(decided).first()
    assert item is not None
    with pytest.raises(AftermathError) as err:
        services.handover_item_unsign(acting_user=users["qingshan"], item=item, reason="录错")
    assert err.value.code == "stage_closed"


def test_overdue_items_are_shown(decided: Any, users: dict[str, Any]) -> None:
    today = timezone.localdate()
    decided.election_day = today - dt.timedelta(days=40)
    decided.save(update_fields=["election_day"])
    services.handover_start(
        acting_user=users["qingshan"],
        election=decided,
        constituted_on=today - dt.timedelta(days=30),
        basis="补录",
    )
    check = selectors.handover_check(decided)
    assert check is not None
    assert {s.state for s in check.items} == {"overdue"}
    assert [r.code for r in check.reasons] == ["handover_item_overdue"] * 5
    assert "浙江省村民委员会选举办法 第三十三条" in check.reasons[0].article


def test_shanghai_seal_is_due_the_same_day(decided: Any, users: dict[str, Any]) -> None:
    decided.profile_id = "village/shanghai"
    decided.save(update_fields=["profile_id"])
    h = services.handover_start(acting_user=users["qingshan"], election=decided)
    check = selectors.handover_check(decided)
    assert check is not None
    due = {s.label: s.due for s in check.items}
    assert due["印章"] == h.constituted_on
    assert due["财务账目"] == check.deadlines.due
    seal = selectors.handover_items(decided).first()
    assert seal is not None
    services.handover_item_sign(
        acting_user=users["qingshan"], item=seal, outgoing_name="甲", incoming_name="乙"
    )
    assert actual_dates(decided)["seal_handover"] == timezone.localdate()


def test_added_items_and_corrections(decided: Any, users: dict[str, Any]) -> None:
    services.handover_start(acting_user=users["qingshan"], election=decided)
    item = services.handover_item_add(
        acting_user=users["qingshan"], election=decided, label="公章登记簿", detail="1本"
    )
    with pytest.raises(AftermathError) as err:
        services.handover_item_add(
            acting_user=users["qingshan"], election=decided, label="公章登记簿"
        )
    assert err.value.field == "label"
    seal = selectors.handover_items(decided).first()
    assert seal is not None
    with pytest.raises(AftermathError, match="必须移交"):
        services.handover_item_remove(acting_user=users["qingshan"], item=seal, reason="x")
    services.handover_item_remove(acting_user=users["qingshan"], item=item, reason="重复")
    with pytest.raises(AftermathError) as err:
        services.handover_set_date(
            acting_user=users["qingshan"],
            election=decided,
            constituted_on=decided.election_day - dt.timedelta(days=1),
            basis="更正",
        )
    assert err.value.field == "constituted_on"
    assert "选举日" in err.value.message


def test_handover_list_pdf(decided: Any, users: dict[str, Any]) -> None:
    services.handover_start(acting_user=users["qingshan"], election=decided)
    seal = selectors.handover_items(decided).first()
    assert seal is not None
    services.handover_item_sign(
        acting_user=users["qingshan"], item=seal, outgoing_name="王老主任", incoming_name="李明"
    )
    data = documents.handover_pdf(decided)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    compact = "".join(text.split())
    assert "工作移交清单" in compact
    assert "王老主任" in compact
    assert "接收人签字" in compact
    assert "监交人签字" in compact
    assert "监交人（乡镇人民政府）" in compact
    assert "浙江省村民委员会选举办法》第三十三条" in compact or "第三十三条" in compact


def test_pages(decided: Any, committee_client: Client) -> None:
    url = f"/elections/{decided.pk}/aftermath/handover/"
    page = committee_client.get(url)
    assert page.status_code == 200
    assert "建立移交清单" in page.content.decode()
    bad = committee_client.post(url, {"constituted_on": "2000-01-01"})
    assert bad.status_code == 400
    assert "不能早于选举日" in bad.content.decode()
    ok = committee_client.post(url, {})
    assert ok.status_code == 302
    item = selectors.handover_items(decided).first()
    assert item is not None
    sign = f"/elections/{decided.pk}/aftermath/handover/items/{item.pk}/sign"
    refused = committee_client.post(sign, {f"item{item.pk}-outgoing_name": "王老主任"})
    assert refused.status_code == 400
    assert "这个字段是必填项" in refused.content.decode() or "必填" in refused.content.decode()
    done = committee_client.post(
        sign, {f"item{item.pk}-outgoing_name": "王老主任", f"item{item.pk}-incoming_name": "李明"}
    )
    assert done.status_code == 302
    page = committee_client.get(url).content.decode()
    assert "已交接" in page
    pdf = committee_client.get(f"/elections/{decided.pk}/aftermath/handover.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    overview = committee_client.get(f"/elections/{decided.pk}/aftermath/").content.decode()
    assert "新一届村民委员会" in overview
    assert "尚有 4 项未签字确认" in overview


def test_api(decided: Any, committee_client: Client, users: dict[str, Any]) -> None:
    base = f"/api/elections/{decided.pk}/aftermath"
    before = committee_client.get(f"{base}/handover").json()
    assert before["started"] is False
    assert before["days"] == 10
    assert before["blockers"] == ["尚未建立移交清单（选后工作 › 工作移交）"]
    bad = committee_client.post(
        f"{base}/handover", {"constituted_on": "2000-01-01"}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert bad.json()["field"] == "constituted_on"
    started = committee_client.post(f"{base}/handover", {}, content_type="application/json")
    assert started.status_code == 200
    items = started.json()["items"]
    assert [i["label"] for i in items] == ["印章", "财务账目", "债权债务", "资产", "档案资料"]
    for i in items:
        r = committee_client.post(
            f"{base}/handover/items/{i['id']}/sign",
            {"outgoing_name": "王老主任", "incoming_name": "李明"},
            content_type="application/json",
        )
        assert r.status_code == 200
    done = committee_client.get(f"{base}/handover").json()
    assert done["complete"] is True
    assert done["blockers"] == []
    assert [f["code"] for f in done["findings"]] == ["handover_complete"]
    members = committee_client.get(f"{base}/committee").json()
    assert [m["post_name"] for m in members] == ["主任", "副主任", "妇女委员", "委员", "委员"]
    observer = Client()
    observer.force_login(users["observer"])
    assert observer.get(f"{base}/handover").status_code == 403
