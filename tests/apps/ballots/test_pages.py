"""The ballots page and API: design preview, print run and its files, spoiled ballots, the
reconciliation form with refusals beside their field."""

from __future__ import annotations

import io
import shutil
from typing import Any

import pypdf
import pytest
from django.utils import timezone

from huanjie.apps.ballots import selectors
from huanjie.apps.polling import services as polling
from huanjie.apps.polling.models import Round
from tests.apps.ballots.conftest import client_for, issue

pytestmark = pytest.mark.django_db


def url(r: Round, rest: str = "") -> str:
    return f"/elections/{r.election_id}/ballots/{rest}"


def api(r: Round, rest: str = "") -> str:
    return f"/api/elections/{r.election_id}/ballots/{rest}"


def test_index_shows_design_and_nav(regular: Round, committee: Any) -> None:
    page = client_for(committee).get(url(regular)).content.decode()
    assert 'class="active">选票</a>' in page
    assert "第1轮 正式选举选票" in page
    assert f"/elections/{regular.election_id}/ballots/rounds/1/sample.pdf" in page
    assert "填票说明" in page
    assert "只能选妇女" in page
    for c in regular.candidates:
        assert c["name"] in page
    assert "尚未登记印制数量" in page


def test_sample_pdf_and_png(regular: Round, committee: Any) -> None:
    client = client_for(committee)
    pdf = client.get(url(regular, "rounds/1/sample.pdf"))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    png = client.get(url(regular, "rounds/1/sample.png"))
    if shutil.which("pdftoppm"):
        assert png.status_code == 200
        assert png.content.startswith(b"\x89PNG")
    else:
        assert png.status_code == 404
    assert client.get(url(regular, "rounds/9/sample.pdf")).status_code == 404


def test_print_run_form_and_files(regular: Round, committee: Any) -> None:
    client = client_for(committee)
    refused = client.post(url(regular), {"action": "print_run", "round": 1, "quantity": 0})
    assert refused.status_code == 400
    assert "quantity" in refused.content.decode()  # the form field carries the message
    done = client.post(url(regular), {"action": "print_run", "round": 1, "quantity": 1200})
    assert done.status_code == 302
    page = client.get(url(regular)).content.decode()
    assert "印制 <strong>1200</strong> 张" in page
    assert "第 1–500 号" in page
    assert "第 1001–1200 号" in page
    pdf = client.get(url(regular, "rounds/1/ballots-1001-1003.pdf"))
    assert pdf.status_code == 200
    pages = pypdf.PdfReader(io.BytesIO(pdf.content)).pages
    assert len(pages) == 3
    assert f"{regular.election_id:04d}-1-001003" in pages[2].extract_text()
    too_many = client.get(url(regular, "rounds/1/ballots-1-501.pdf"), follow=True)
    assert "一次最多打印 500 个编号" in too_many.content.decode()


def test_few_ballots_warned(regular: Round, committee: Any) -> None:
    client = client_for(committee)
    client.post(url(regular), {"action": "print_run", "round": 1, "quantity": 10})
    assert "少于登记选民 60 人" in client.get(url(regular)).content.decode()


def test_observer_and_county_cannot_print(regular: Round, users: dict[str, Any]) -> None:
    for user in (users["county"], users["observer"]):
        response = client_for(user).post(
            url(regular), {"action": "print_run", "round": 1, "quantity": 70}
        )
        assert response.status_code in (403, 404)
    assert selectors.print_run(regular) is None


def test_destruction_form_refusal_beside_its_field(regular: Round, committee: Any) -> None:
    client = client_for(committee)
    client.post(url(regular), {"action": "print_run", "round": 1, "quantity": 70})
    client.post(url(regular), {"action": "spoiled", "round": 1, "serial": 5, "reason": "撕破"})
    polling.round_open(acting_user=committee, round=regular)
    issue(regular, committee, 30)
    polling.round_close(acting_user=committee, round=regular)
    form = {
        "action": "destruction",
        "round": 1,
        "left_over": 40,
        "witnesses": "张伟甲\n王伟甲",
        "destroyed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "place": "村文化礼堂",
    }
    refused = client.post(url(regular), form)
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "应剩 39 张，清点为 40 张" in body
    ok = client.post(url(regular), {**form, "left_over": 39}, follow=True)
    page = ok.content.decode()
    assert "选票核对相符" in page
    assert "已当众销毁" in page
    assert "张伟甲、王伟甲" in page


def test_api_print_spoil_reconcile(regular: Round, committee: Any) -> None:
    client = client_for(committee)
    r = client.put(
        api(regular, "rounds/1/print-run"), {"quantity": 65}, content_type="application/json"
    )
    assert r.status_code == 200
    assert r.json()["print_run"]["quantity"] == 65
    r = client.post(
        api(regular, "rounds/1/spoiled"),
        {"serial": 99, "reason": "撕破"},
        content_type="application/json",
    )
    assert r.status_code == 400
    assert r.json()["field"] == "serial"
    r = client.post(
        api(regular, "rounds/1/spoiled"),
        {"serial": 9, "reason": "撕破"},
        content_type="application/json",
    )
    assert r.status_code == 201
    assert r.json()["spoiled"][0]["serial"] == 9
    polling.round_open(acting_user=committee, round=regular)
    issue(regular, committee, 20)
    polling.round_close(acting_user=committee, round=regular)
    body = {
        "left_over": {"": 40},
        "witnesses": ["张伟甲", "王伟甲"],
        "destroyed_at": timezone.now().isoformat(),
        "place": "村委会",
    }
    r = client.post(api(regular, "rounds/1/destruction"), body, content_type="application/json")
    assert r.status_code == 400
    assert r.json()["field"] == "left_over"
    assert r.json()["code"] == "unbalanced"
    body["left_over"] = {"": 44}
    r = client.post(api(regular, "rounds/1/destruction"), body, content_type="application/json")
    assert r.status_code == 201
    rec = client.get(api(regular, "rounds/1/reconciliation")).json()
    assert rec["balanced"]
    assert rec["sheets"][0] == {
        "sheet": "",
        "label": "选票",
        "printed": 65,
        "issued": 20,
        "spoiled": 1,
        "left_over": 44,
        "expected_left": 44,
        "difference": 0,
    }
    overview = client.get(api(regular)).json()
    assert overview["rounds"][0]["form"] == "single"
    assert [p["write_ins"] for p in overview["rounds"][0]["posts"]] == [
        p["seats"] for p in regular.posts
    ]
    pdf = client.get(api(regular, "rounds/1/ballots.pdf?first=1&last=2"))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
