"""The candidates API: the whole path from nominees to the formal list over JSON, the first
entry never shown before the second is in, and 403 for other villages."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.utils import timezone
from pypdf import PdfReader

from huanjie.apps.candidates.models import Department

from .conftest import CLEAR, PEOPLE, client_for, sheet

pytestmark = pytest.mark.django_db


def base(election: Any) -> str:
    return f"/api/elections/{election.pk}/candidates"


def post(client: Any, path: str, data: Any) -> Any:
    return client.post(path, data, content_type="application/json")


def test_from_nominees_to_the_formal_list(voters: dict[str, Any], clerks: dict[str, Any]) -> None:
    election = voters["李明"].election
    api = base(election)
    one, two, coordinator = (client_for(clerks[k]) for k in ("one", "two", "coordinator"))
    for name in PEOPLE:
        response = post(coordinator, f"{api}/nominees", {"id_number": voters[name].id_number})
        assert response.status_code == 201, response.json()
    refused = post(coordinator, f"{api}/nominees", {"id_number": voters["陈除名"].id_number})
    assert refused.status_code == 400
    assert refused.json()["field"] == "id_number"
    assert len(one.get(f"{api}/nominees").json()) == len(PEOPLE)

    assert post(one, f"{api}/rounds", {}).status_code == 201
    counts = sheet(**CLEAR)
    bad = dict(counts, **{"chair:votes:李明": 99})
    response = post(one, f"{api}/rounds/1/entries", {"counts": bad})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "has_errors"
    assert body["findings"][0]["code"] == "votes_exceed_capacity"
    assert body["findings"][0]["key"] == "chair:returned"
    first = post(one, f"{api}/rounds/1/entries", {"counts": counts})
    assert first.status_code == 200
    assert first.json()["state"] == "second_entry"
    # Nobody sees the first entry while the second is awaited.
    for client in (one, two, coordinator):
        seen = client.get(f"{api}/rounds/1").json()
        assert seen["first_counts"] is None
        assert seen["first_clerk"] == "clerk_one"
    same = post(one, f"{api}/rounds/1/entries", {"counts": counts})
    assert same.status_code == 400
    assert same.json()["code"] == "same_clerk"
    typo = dict(counts, **{"member:votes:曹勇": 4})
    differs = post(two, f"{api}/rounds/1/entries", {"counts": typo}).json()
    assert differs["state"] == "entries_different"
    assert differs["differences"] == ["member:votes:曹勇"]
    assert differs["first_counts"]["member:votes:曹勇"] == 40
    refused = post(two, f"{api}/rounds/1/resolve", {"action": "keep_second"})
    assert refused.json()["code"] == "coordinator_is_clerk"
    done = post(coordinator, f"{api}/rounds/1/resolve", {"action": "keep_first"}).json()
    assert done["state"] == "definitive"
    assert done["result"]["member:votes:曹勇"] == 40

    overview = one.get(f"{api}/").json()
    names = {(c["post"], c["name"]) for c in overview["candidates"]}
    assert ("member", "曹勇") in names
    assert len(names) == 9
    assert overview["blockers"] == ["正式候选人名单尚未公布"]

    by_name = {c["name"]: c["id"] for c in overview["candidates"]}
    withdrawn = post(
        one,
        f"{api}/candidates/{by_name['曹勇']}/withdraw",
        {"written": True, "reason": "家庭原因"},
    )
    assert withdrawn.json()["status"] == "withdrawn"
    overview = one.get(f"{api}/").json()
    backfilled = next(c for c in overview["candidates"] if c["name"] == "王红")
    assert backfilled["source"] == "backfill"
    assert backfilled["replaces"] == by_name["曹勇"]

    for c in overview["candidates"]:
        if c["status"] != "preliminary":
            continue
        for d in Department.values:
            r = post(
                one,
                f"{api}/candidates/{c['id']}/reviews",
                {"department": d, "finding": "qualified"},
            )
            assert r.status_code == 200
    statement = post(
        one,
        f"{api}/candidates/{by_name['李明']}/statement",
        {
            "statement": "修好村道",
            "pledge_signed": True,
            "pledge_date": timezone.localdate().isoformat(),
        },
    )
    assert statement.json()["pledge_signed"] is True

    published = post(
        coordinator,
        f"{api}/notices",
        {"kind": "formal", "start": timezone.localdate().isoformat(), "days": 25},
    )
    assert published.status_code == 201, published.json()
    formal = one.get(f"{api}/formal-list").json()
    assert [c["name"] for c in formal[3]["candidates"]] == ["王红", "朱平", "徐亮"]  # 4 < 6 < 10
    pdf = one.get(f"{api}/notices/{published.json()['id']}/pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "正式候选人" in text
    assert "王红" in text
    assert one.get(f"{api}/").json()["blockers"] == []


def test_other_villages_get_403(decided: Any, users: dict[str, Any]) -> None:
    api = base(decided)
    observer = client_for(users["observer"])
    for path in ("/", "/nominees", "/rounds/1", "/notices", "/formal-list"):
        assert observer.get(f"{api}{path}").status_code == 403, path
    candidate_id = client_for(users["qingshan"]).get(f"{api}/").json()["candidates"][0]["id"]
    assert observer.get(f"{api}/candidates/{candidate_id}").status_code == 403
    writes = [
        ("/nominees", {"id_number": "x"}),
        ("/rounds", {}),
        ("/rounds/1/entries", {"counts": {}}),
        ("/rounds/1/resolve", {"action": "reopen", "reason": "x"}),
        (f"/candidates/{candidate_id}/reviews", {"department": "justice", "finding": "qualified"}),
        (f"/candidates/{candidate_id}/withdraw", {"written": True, "reason": "x"}),
        (f"/candidates/{candidate_id}/statement", {"statement": "x"}),
        ("/notices", {"kind": "preliminary", "start": "2026-11-21", "days": 5}),
        ("/reviews", {"department": "justice", "findings": []}),
    ]
    county = client_for(users["county"])  # sees Qingshan, may not change it
    for path, data in writes:
        assert post(observer, f"{api}{path}", data).status_code == 403, path
        assert post(county, f"{api}{path}", data).status_code == 403, path
    assert county.get(f"{api}/").status_code == 200


def test_a_department_reply_and_a_correction_over_the_api(
    decided: Any, clerks: dict[str, Any]
) -> None:
    api = base(decided)
    one, coordinator = client_for(clerks["one"]), client_for(clerks["coordinator"])
    ids = [c["id"] for c in one.get(f"{api}/").json()["candidates"]]
    refused = post(
        one,
        f"{api}/reviews",
        {
            "department": "justice",
            "findings": [{"candidate_id": ids[0], "finding": "unqualified"}]
            + [{"candidate_id": i, "finding": "qualified"} for i in ids[1:]],
        },
    )
    assert refused.status_code == 400
    assert refused.json()["field"] == f"reason_{ids[0]}"
    for d in Department.values:
        response = post(
            one,
            f"{api}/reviews",
            {
                "department": d,
                "findings": [{"candidate_id": i, "finding": "qualified"} for i in ids],
            },
        )
        assert response.status_code == 200, response.json()
    assert {c["status"] for c in response.json()} == {"qualified"}
    today = timezone.localdate().isoformat()
    first = post(coordinator, f"{api}/notices", {"kind": "formal", "start": today, "days": 25})
    assert first.status_code == 201
    again = post(coordinator, f"{api}/notices", {"kind": "formal", "start": today, "days": 25})
    assert again.status_code == 400
    assert again.json()["code"] == "already_published"
    fixed = post(
        coordinator,
        f"{api}/notices",
        {"kind": "formal", "start": today, "days": 24, "reason": "公示天数有误"},
    )
    assert fixed.status_code == 201
    notices = one.get(f"{api}/notices").json()
    assert [n["current"] for n in notices] == [True, False]
    assert notices[1]["superseded_reason"] == "更正并重新公布：公示天数有误"
