"""The results pages, the API and the PDFs, as a committee member and as outsiders see them."""

from __future__ import annotations

import datetime
import io
import os
import re
from pathlib import Path
from typing import Any

import pypdf
import pytest
from django.utils import timezone

from huanjie.apps.polling.models import Round
from huanjie.apps.results import selectors, services
from huanjie.apps.results.models import RoundResult
from tests.apps.results.conftest import Hold, ballots, client_for

pytestmark = pytest.mark.django_db


def keep(pdf: bytes, name: str) -> None:
    """Keep a PDF for people to look at, under ``$HUANJIE_TEST_OUTPUT/results``."""
    env = os.environ.get("HUANJIE_TEST_OUTPUT")
    if env:
        path = Path(env) / "results"
        path.mkdir(parents=True, exist_ok=True)
        (path / f"{name}.pdf").write_bytes(pdf)


def text_of(pdf: bytes) -> str:
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    return re.sub(r"\s", "", "".join(p.extract_text() for p in pages))


def test_the_page_offers_to_decide_a_counted_round_and_then_shows_it(
    counted: Round, committee: Any
) -> None:
    client = client_for(committee)
    base = f"/elections/{counted.election_id}/results/"
    page = client.get(base).content.decode()
    assert "计票已完成，请确定本轮选举结果" in page
    assert "确定第1轮选举结果" in page
    assert 'href="' + base + '"' in page  # the nav line 选举结果
    response = client.post(f"{base}rounds/1/decide", {"reason": ""})
    assert response.status_code == 302
    page = client.get(base).content.decode()
    assert "第1轮选举结果已确定；下一步：另行选举" in page
    for part in (
        "须另行选举；尚缺 1 名",
        "新一届委员会成员",
        "李明",
        "当选票数：过半数：得票×2 &gt; 参加投票人数 50×1，即至少 26 票",
        "未当选（另行选举候选人）",
        "《浙江省村民委员会选举办法》第二十七条第一款",  # the quorum, with its article
        "按保存的输入重新计算，结果一致",
        "下一轮：另行选举",
        "赵刚　彭军",
        "安排下一轮投票",
        "第二十九条第五款",
        "当场宣布",
        "选举结果报告单（PDF）",
    ):
        assert part in page, part
    # The announcement, in big type.
    announce = client.get(f"{base}rounds/1/announce").content.decode()
    for part in ("计票结果", "主任　应选 1 名", "当选：李明", "40 票", "下一步：另行选举"):
        assert part in announce, part


def test_deciding_twice_without_reason_shows_the_error_beside_the_field(
    counted: Round, committee: Any
) -> None:
    client = client_for(committee)
    base = f"/elections/{counted.election_id}/results/"
    client.post(f"{base}rounds/1/decide", {})
    response = client.post(f"{base}rounds/1/decide", {"reason": ""})
    assert response.status_code == 400
    assert "计票更正后重新确定须说明理由" in response.content.decode()


def test_the_next_round_form_refuses_a_date_outside_the_window(
    counted: Round, committee: Any
) -> None:
    services.round_decide(acting_user=committee, round=counted)
    client = client_for(committee)
    base = f"/elections/{counted.election_id}/results/"
    late = counted.election.election_day + datetime.timedelta(days=60)
    response = client.post(f"{base}rounds/1/next", {"held_on": late.isoformat()})
    assert response.status_code == 400
    assert "另行选举应当在选举日" in response.content.decode()
    response = client.post(f"{base}rounds/1/next", {"held_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    assert Round.objects.filter(election=counted.election, number=2, kind="additional").exists()


def test_the_pdfs_of_a_decided_election(counted: Round, committee: Any, hold: Hold) -> None:
    first = services.round_decide(acting_user=committee, round=counted)
    second = services.next_round_create(
        acting_user=committee, result=first, held_on=timezone.localdate()
    )
    hold(second, ballots(副主任=[(["赵刚"], 16), (["彭军"], 15), ([], 14)]))
    services.round_decide(acting_user=committee, round=second)
    client = client_for(committee)
    base = f"/elections/{counted.election_id}/results/"
    report = client.get(f"{base}rounds/1/report.pdf")
    assert report["Content-Type"] == "application/pdf"
    keep(report.content, "app-report-round1")
    text = text_of(report.content)
    for part in (
        "选举结果报告单",
        "青山村第十二届村民委员会选举第1轮正式选举",
        "主任（应选1名）",
        "李明40当选",
        "赵刚24未当选（另行选举候选人）",
        "妇女委员（限妇女）（应选1名）",
        "总监票人",
        f"核对码{first.input_sha256[:16]}",
    ):
        assert part in text, part
    certificates = client.get(f"{base}certificates.pdf")
    keep(certificates.content, "app-certificates")
    pages = pypdf.PdfReader(io.BytesIO(certificates.content)).pages
    assert len(pages) == 5
    text = text_of(certificates.content)
    assert "你当选为青山村第十二届村民委员会主任，任期五年。" in text
    assert "你当选为青山村第十二届村民委员会副主任，任期五年。" in text
    assert "青山村村民选举委员会" in text
    assert "依据" not in text  # the national default rests on no article about certificates
    notice_pdf = client.get(f"{base}notice.pdf").content
    keep(notice_pdf, "app-notice")
    notice = text_of(notice_pdf)
    for part in (
        "青山村第十二届村民委员会选举结果公告",
        "青山村第十二届村民委员会选举举行第1轮投票（正式选举）。登记选民60人，参加投票50人，选举有效。",
        "举行第2轮投票（另行选举）。登记选民60人，参加投票45人，选举有效。",
        "青山村第十二届村民委员会成员（5名）",
        "1主任李明男40第1轮正式选举2副主任赵刚男16第2轮另行选举3妇女委员田芳女30",
    ):
        assert part in notice, part
    assert "330523" not in notice  # no ID numbers


def test_the_api_decides_explains_and_plans(counted: Round, committee: Any) -> None:
    client = client_for(committee)
    api = f"/api/elections/{counted.election_id}/results"
    response = client.post(f"{api}/rounds/1/decide", {}, content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["next_step"] == "additional"
    assert body["recomputed_matches"] is True
    assert body["input_sha256"] == RoundResult.objects.get().input_sha256
    again = client.post(f"{api}/rounds/1/decide", {}, content_type="application/json")
    assert again.status_code == 400
    assert again.json()["field"] == "reason"
    full = client.get(f"{api}/rounds/1/result?with_input=true").json()
    assert full["input"]["electorate"] == 60
    state = client.get(f"{api}/outcome").json()
    assert state["next_step"] == "additional"
    assert [e["name"] for e in state["elected"]] == ["李明", "田芳", "徐亮", "朱平"]
    late = (counted.election.election_day + datetime.timedelta(days=90)).isoformat()
    refused = client.post(
        f"{api}/rounds/1/next-round", {"held_on": late}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert refused.json()["field"] == "held_on"
    created = client.post(
        f"{api}/rounds/1/next-round",
        {"held_on": timezone.localdate().isoformat()},
        content_type="application/json",
    ).json()
    assert (created["number"], created["kind"], created["parent"]) == (2, "additional", 1)
    assert [c["name"] for c in created["candidates"]] == ["赵刚", "彭军"]
    pdf = client.get(f"{api}/rounds/1/report.pdf")
    assert pdf["Content-Type"] == "application/pdf"


def test_outsiders_and_observers(counted: Round, committee: Any, users: dict[str, Any]) -> None:
    services.round_decide(acting_user=committee, round=counted)
    base = f"/elections/{counted.election_id}/results/"
    observer = client_for(users["observer"])  # another village
    assert observer.get(base).status_code == 403
    assert observer.get(f"{base}rounds/1/announce").status_code == 403
    assert observer.get(f"{base}rounds/1/report.pdf").status_code == 403
    county = client_for(users["county"])  # may look, not change
    page = county.get(base)
    assert page.status_code == 200
    assert "安排下一轮投票" not in page.content.decode()
    assert county.post(f"{base}rounds/1/next", {"held_on": "2030-01-01"}).status_code == 403
    assert selectors.election_outcome(counted.election).next_step == "additional"


def test_who_issues_the_certificates_follows_the_profile(counted: Round, committee: Any) -> None:
    services.round_decide(acting_user=committee, round=counted)
    election = counted.election
    client = client_for(committee)
    base = f"/elections/{election.pk}/results/"
    election.profile_id = "village/shanghai"  # 上海 第二十二条: the 村民选举委员会 issues them
    election.save(update_fields=["profile_id"])
    text = text_of(client.get(f"{base}certificates.pdf").content)
    assert "依据：《上海市村民委员会选举办法》第二十二条" in text
    election.profile_id = "party/branch"  # no certificates in a party election
    election.save(update_fields=["profile_id"])
    response = client.get(f"{base}certificates.pdf", follow=True)
    assert "本类选举不颁发当选证书" in response.content.decode()
