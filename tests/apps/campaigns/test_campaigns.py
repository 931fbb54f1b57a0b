"""Campaigns, elections and stages: services, pages and the API."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from huanjie.apps.audit.models import AuditEntry
from huanjie.apps.campaigns import services
from huanjie.apps.campaigns.models import Election, StageRecord
from huanjie.apps.campaigns.selectors import election_row, election_schedule
from huanjie.apps.errors import ServiceError
from huanjie.core.stages import Action, Stage

DAY = datetime.date(2026, 12, 20)


@pytest.fixture
def no_blockers(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stage machine on its own: the other parts' blockers are tested with those parts."""
    monkeypatch.setattr(services, "_BLOCKERS", {})


def test_election_gets_posts_stages_and_schedule(election: Election) -> None:
    kinds = [(p.kind, p.seats) for p in election.posts.all()]
    # Zhejiang lists a separate women-member post (浙江 第二十一条第三款).
    assert kinds == [("chair", 1), ("vice_chair", 1), ("women_member", 1), ("member", 2)]
    assert StageRecord.objects.filter(election=election).count() == len(Stage)
    schedule = {d.id: d.date for d in election_schedule(election)}
    # 组织法 第十四条: the list is published 20 days before election day at the latest.
    assert schedule["voter_list_published"] == datetime.date(2026, 11, 30)
    assert schedule["candidates_published"] == datetime.date(2026, 12, 15)


@pytest.mark.parametrize(
    ("members", "posts", "message"),
    [
        (8, None, "3 至 7 人"),
        (5, [("chair", 1), ("member", 4)], "单列妇女委员"),
        (5, [("chair", 2), ("women_member", 1), ("member", 2)], "主任一名"),
        (5, [("chair", 1), ("women_member", 1), ("member", 2)], "应等于成员职数"),
    ],
)
def test_bad_plans_are_refused_with_the_reason(
    tree: dict[str, Any],
    users: dict[str, Any],
    election: Election,
    members: int,
    posts: list[tuple[str, int]] | None,
    message: str,
) -> None:
    before = Election.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ServiceError, match=message):
        services.election_create(
            acting_user=users["town"],
            campaign=election.campaign,
            area=tree["hongxing"],
            election_day=DAY,
            members=members,
            posts=posts,
        )
    assert (Election.objects.count(), AuditEntry.objects.count()) == before


def test_election_outside_the_campaign_area_is_refused(
    tree: dict[str, Any], users: dict[str, Any], election: Election
) -> None:
    from huanjie.apps.places.services import area_create

    village = area_create(acting_user=None, name="城东社区", parent=tree["other_town"])
    with pytest.raises(ServiceError, match="不是"):
        services.election_create(
            acting_user=users["town"],
            campaign=election.campaign,
            area=village,
            election_day=DAY,
            members=5,
        )


@pytest.mark.usefixtures("no_blockers")
def test_stages_follow_the_machine_and_are_audited(
    users: dict[str, Any], election: Election
) -> None:
    with pytest.raises(ServiceError, match="须先完成"):
        services.stage_change(
            acting_user=users["qingshan"],
            election=election,
            stage=Stage.REGISTRATION,
            action=Action.OPEN,
        )
    services.stage_change(
        acting_user=users["qingshan"],
        election=election,
        stage=Stage.PREPARATION,
        action=Action.OPEN,
    )

    def blocker(e: Election) -> list[str]:
        return ["财务审计结果尚未公布"] if e.pk == election.pk else []

    services.register_blocker(Stage.PREPARATION, blocker)
    try:
        with pytest.raises(ServiceError, match="财务审计结果尚未公布"):
            services.stage_change(
                acting_user=users["qingshan"],
                election=election,
                stage=Stage.PREPARATION,
                action=Action.CLOSE,
            )
    finally:
        services._BLOCKERS[(Stage.PREPARATION, Action.CLOSE)].remove(blocker)
    services.stage_change(
        acting_user=users["qingshan"],
        election=election,
        stage=Stage.PREPARATION,
        action=Action.CLOSE,
    )
    entries = list(
        AuditEntry.objects.filter(action__startswith="stage.").values_list("action", flat=True)
    )
    assert entries == ["stage.open", "stage.close"]
    row = election_row(election, datetime.date(2026, 11, 25))
    assert row.current is not None
    assert row.current.stage is Stage.REGISTRATION
    # The list is due by 30 November (组织法 第十四条第一款): not overdue on the 25th, but on
    # 1 December it is; the next deadline shown is the list's.
    assert not row.overdue
    assert row.next_deadline is not None
    assert row.next_deadline.id == "voter_list_published"
    late = election_row(election, datetime.date(2026, 12, 1))
    assert [s.stage for s in late.overdue] == [Stage.REGISTRATION]


@pytest.mark.usefixtures("no_blockers")
def test_election_day_fixed_once_registration_started(
    users: dict[str, Any], election: Election
) -> None:
    services.election_set_day(
        acting_user=users["town"], election=election, election_day=datetime.date(2026, 12, 27)
    )
    for stage, action in [
        (Stage.PREPARATION, Action.OPEN),
        (Stage.PREPARATION, Action.CLOSE),
        (Stage.REGISTRATION, Action.OPEN),
    ]:
        services.stage_change(
            acting_user=users["town"], election=election, stage=stage, action=action
        )
    with pytest.raises(ServiceError, match="不能再更改"):
        services.election_set_day(acting_user=users["town"], election=election, election_day=DAY)


def test_pages_show_the_plan_and_refuse_other_villages(
    client: Client, users: dict[str, Any], election: Election
) -> None:
    client.force_login(users["town"])
    page = client.get(f"/campaigns/{election.campaign_id}/")
    assert page.status_code == 200
    assert "青山村" in page.content.decode()
    page = client.get(f"/elections/{election.pk}/")
    text = page.content.decode()
    assert "公布选民名单" in text
    assert "村民委员会组织法" in text
    response = client.post(f"/elections/{election.pk}/stages/preparation/open")
    assert response.status_code == 302
    assert StageRecord.objects.get(election=election, stage="preparation").state == "open"

    client.force_login(users["observer"])  # observer of 红星村 only
    assert client.get(f"/elections/{election.pk}/").status_code == 403
    assert client.post(f"/elections/{election.pk}/stages/preparation/close").status_code == 403
    assert client.get(f"/api/elections/{election.pk}").status_code == 403


def test_campaign_form_shows_the_error_beside_the_field(
    client: Client, users: dict[str, Any], election: Election
) -> None:
    client.force_login(users["town"])
    response = client.post(
        "/campaigns/",
        {"area": election.campaign.area_id, "term": 12, "default_profile": "village/zhejiang"},
    )
    assert response.status_code == 200
    assert "已有第12届换届" in response.content.decode()


def test_api_creates_and_reads(
    client: Client, tree: dict[str, Any], users: dict[str, Any], election: Election
) -> None:
    client.force_login(users["town"])
    response = client.post(
        f"/api/campaigns/{election.campaign_id}/elections",
        {
            "area_id": tree["hongxing"].pk,
            "election_day": "2026-12-20",
            "members": 3,
            "posts": [
                {"kind": "chair", "seats": 1},
                {"kind": "women_member", "seats": 1},
                {"kind": "member", "seats": 1},
            ],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["area_name"] == "红星村"
    assert [s["state"] for s in body["stages"]] == ["pending"] * len(Stage)
    bad = client.post(
        f"/api/campaigns/{election.campaign_id}/elections",
        {"area_id": tree["hongxing"].pk, "election_day": "2026-12-20", "members": 5},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["field"] == "area"  # already has an election
    client.force_login(users["qingshan"])  # a village committee cannot create elections elsewhere
    response = client.post(
        f"/api/elections/{election.pk}/stages/preparation",
        {"action": "open"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["stages"][0]["state"] == "open"


def test_english_is_available(client: Client, users: dict[str, Any], election: Election) -> None:
    client.force_login(users["town"])
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": f"/elections/{election.pk}/"}
    )
    assert response.status_code == 302
    text = client.get(f"/elections/{election.pk}/").content.decode()
    assert "Re-election workspace" in text
    assert "Voter registration" in text
    assert "Not started" in text
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "换届选举工作平台" in client.get(f"/elections/{election.pk}/").content.decode()
