"""Recall (罢免, 第十六条) and by-election (补选, 第十九条): petitions decided on filing, vote
sheets entered twice and decided by the core, and the committee that results."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from huanjie.apps.aftermath import selectors, services
from huanjie.apps.aftermath.models import RecallPetition
from huanjie.apps.aftermath.services import AftermathError
from huanjie.apps.audit.models import AuditEntry
from tests.apps.aftermath.conftest import plain_voters

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def file(user: Any, election: Any, member: str, signatures: int, **extra: Any) -> RecallPetition:
    return services.recall_file(
        acting_user=user,
        election=election,
        member=member,
        route=extra.pop("route", "voters"),
        signatures=signatures,
        grounds=extra.pop("grounds", "长期不履行职责"),
        filed_on=TODAY(),
        **extra,
    )


def test_a_petition_needs_a_fifth_of_the_voters(decided: Any, clerks: dict[str, Any]) -> None:
    member = selectors.current_committee(decided)[1]
    # 60 registered voters: at least 12 (1/5 inclusive)
    short = file(clerks["one"], decided, member.name, 11)
    assert short.status == RecallPetition.Status.REJECTED
    assert short.petition["reasons"][0]["code"] == "petition_insufficient"
    assert "至少 12 人" in short.petition["reasons"][0]["text"]
    with pytest.raises(AftermathError, match="不进行投票表决"):
        services.recall_vote_submit(
            acting_user=clerks["one"], petition=short, counts={}, vote_on=TODAY()
        )
    enough = file(clerks["one"], decided, str(member.voter_id), 12)
    assert enough.status == RecallPetition.Status.PENDING
    assert enough.member_post == member.post_name
    with pytest.raises(AftermathError) as err:
        file(clerks["one"], decided, "张三丰", 30)
    assert err.value.field == "member"
    with pytest.raises(AftermathError) as err:
        file(clerks["one"], decided, member.name, 30, grounds=" ")
    assert err.value.field == "grounds"
    with pytest.raises(AftermathError) as err:
        file(clerks["one"], decided, member.name, 61)
    assert err.value.field == "signatures"


def test_representatives_route_needs_a_third(decided: Any, clerks: dict[str, Any]) -> None:
    member = selectors.current_committee(decided)[0]
    with pytest.raises(AftermathError) as err:
        file(clerks["one"], decided, member.name, 5, route="representatives")
    assert err.value.field == "representatives_total"
    p = file(
        clerks["one"], decided, member.name, 10, route="representatives", representatives_total=30
    )
    assert p.status == RecallPetition.Status.PENDING
    assert "不少于三分之一" in p.petition["reasons"][0]["text"]


def test_the_vote_is_entered_twice_and_decided(
    decided: Any, clerks: dict[str, Any], third: Any
) -> None:
    member = selectors.current_committee(decided)[1]
    p = file(clerks["one"], decided, member.name, 15)
    services.recall_reply(
        acting_user=clerks["one"], petition=p, reply="本人一直履职", reply_on=TODAY()
    )
    counts = {"participants": 40, "approve": 21, "against": 17, "abstain": 1, "invalid": 1}
    p = services.recall_vote_submit(
        acting_user=clerks["one"], petition=p, counts=counts, vote_on=TODAY()
    )
    assert p.state == "second_entry"
    with pytest.raises(AftermathError) as err:
        services.recall_vote_submit(acting_user=clerks["one"], petition=p, counts=counts)
    assert err.value.code == "same_clerk"
    p = services.recall_vote_submit(acting_user=clerks["two"], petition=p, counts=counts)
    assert p.state == "definitive"
    assert p.status == RecallPetition.Status.RECALLED  # 40×2 > 60; 21×2 > 40
    assert p.outcome is not None
    assert [r["code"] for r in p.outcome["reasons"]] == ["recall_quorum_met", "recalled"]
    assert all(
        r["article"].startswith("浙江省村民委员会选举办法") or "第十六条" in r["article"]
        for r in p.outcome["reasons"]
    )
    names = [m.name for m in selectors.current_committee(decided)]
    assert member.name not in names
    assert any(member.name in v for v in selectors.vacancies(decided))
    # reopened by a third person, with a reason, then entered again differently
    p = services.recall_vote_resolve(
        acting_user=third, petition=p, action="reopen", reason="核对原始计票单"
    )
    assert p.status == RecallPetition.Status.PENDING
    assert member.name in [m.name for m in selectors.current_committee(decided)]
    services.recall_vote_submit(acting_user=clerks["one"], petition=p, counts=counts)
    p = services.recall_vote_submit(
        acting_user=clerks["two"], petition=p, counts={**counts, "approve": 20, "against": 18}
    )
    assert p.state == "entries_different"
    with pytest.raises(AftermathError) as err:
        services.recall_vote_resolve(acting_user=clerks["one"], petition=p, action="keep_first")
    assert err.value.code == "coordinator_is_clerk"
    p = services.recall_vote_resolve(acting_user=third, petition=p, action="keep_second")
    assert p.status == RecallPetition.Status.NOT_RECALLED  # 20×2 = 40, not more than half
    assert AuditEntry.objects.filter(action__startswith="aftermath.recall").count() == 8


def test_bad_vote_sheets_are_refused_with_the_findings(
    decided: Any, clerks: dict[str, Any]
) -> None:
    p = file(clerks["one"], decided, selectors.current_committee(decided)[1].name, 15)
    with pytest.raises(AftermathError) as err:
        services.recall_vote_submit(
            acting_user=clerks["one"],
            petition=p,
            counts={"participants": 61, "approve": 70},
            vote_on=TODAY(),
        )
    assert {f.code for f in err.value.findings} == {
        "participants_exceed_electorate",
        "ballots_exceed_participants",
    }
    with pytest.raises(AftermathError) as err:
        services.recall_vote_submit(
            acting_user=clerks["one"], petition=p, counts={"participants": 40, "approve": 20}
        )
    assert err.value.field == "vote_on"
    with pytest.raises(AftermathError) as err:
        services.recall_vote_submit(
            acting_user=clerks["one"],
            petition=p,
            counts={"participants": 40, "approve": 20},
            vote_on=TODAY(),
        )
    assert err.value.code == "unacknowledged_warnings"


def test_by_election_by_the_representatives_meeting(
    decided: Any, clerks: dict[str, Any], users: dict[str, Any]
) -> None:
    a, b = plain_voters(decided, 2)
    with pytest.raises(AftermathError) as err:
        services.by_election_create(
            acting_user=clerks["one"],
            election=decided,
            post_kind="mayor",
            seats=1,
            vacancy="x",
            body="representatives_meeting",
            held_on=TODAY(),
            candidates=[a.name],
        )
    assert err.value.field == "post_kind"
    by = services.by_election_create(
        acting_user=clerks["one"],
        election=decided,
        post_kind="member",
        seats=1,
        vacancy="委员某某被罢免",
        body="representatives_meeting",
        held_on=TODAY(),
        candidates=[a.id_number, b.name],
        members=30,
    )
    counts = {"participants": 20, "invalid": 1, f"votes:{a.name}": 12, f"votes:{b.name}": 7}
    services.by_election_submit(acting_user=clerks["one"], by_election=by, counts=counts)
    by = services.by_election_submit(acting_user=clerks["two"], by_election=by, counts=counts)
    assert by.outcome is not None
    assert by.outcome["valid"]
    assert by.outcome["elected"] == [[a.name, 12]]
    assert by.outcome["reasons"][0]["article"] == "村民委员会组织法 第十九条；第二十六条第二款"
    joined = [m for m in selectors.current_committee(decided) if m.source == "by_election"]
    assert [(m.name, m.post_name) for m in joined] == [(a.name, "委员")]
    with pytest.raises(AftermathError) as err:
        services.by_election_submit(
            acting_user=clerks["one"],
            by_election=by,
            counts={"participants": 31, f"votes:{a.name}": 40},
        )
    assert err.value.code == "not_allowed"


def test_by_election_quorum_fails(decided: Any, clerks: dict[str, Any]) -> None:
    a, b = plain_voters(decided, 2)
    by = services.by_election_create(
        acting_user=clerks["one"],
        election=decided,
        post_kind="member",
        seats=1,
        vacancy="出缺",
        body="villagers_meeting",
        held_on=TODAY(),
        candidates=[a.name, b.name],
    )
    assert by.members == 60
    counts = {"participants": 30, f"votes:{a.name}": 25, f"votes:{b.name}": 5}
    services.by_election_submit(acting_user=clerks["one"], by_election=by, counts=counts)
    by = services.by_election_submit(acting_user=clerks["two"], by_election=by, counts=counts)
    assert by.outcome is not None
    assert not by.outcome["valid"]
    assert by.outcome["reasons"][0]["code"] == "by_election_quorum_not_met"


def test_recall_pages(decided: Any, committee_client: Client) -> None:
    base = f"/elections/{decided.pk}/aftermath"
    page = committee_client.get(f"{base}/recalls/")
    assert page.status_code == 200
    member = selectors.current_committee(decided)[1]
    bad = committee_client.post(
        f"{base}/recalls/",
        {
            "member": str(member.voter_id),
            "route": "voters",
            "signatures": "12",
            "grounds": "",
            "filed_on": TODAY().isoformat(),
        },
    )
    assert bad.status_code == 400
    done = committee_client.post(
        f"{base}/recalls/",
        {
            "member": str(member.voter_id),
            "route": "voters",
            "signatures": "12",
            "grounds": "长期不履行职责",
            "filed_on": TODAY().isoformat(),
        },
    )
    assert done.status_code == 302
    detail = committee_client.get(done["Location"]).content.decode()
    assert "罢免要求成立" in detail
    assert "投票表决（双人录入）" in detail
    assert committee_client.get(f"{base}/by-elections/").status_code == 200


def test_the_second_clerk_does_not_see_the_first_entry(
    decided: Any, clerks: dict[str, Any], third: Any
) -> None:
    p = file(clerks["one"], decided, selectors.current_committee(decided)[1].name, 15)
    url = f"/elections/{decided.pk}/aftermath/recalls/{p.pk}/"
    one, two, coordinator = Client(), Client(), Client()
    one.force_login(clerks["one"])
    two.force_login(clerks["two"])
    coordinator.force_login(third)
    sheet = {"vote_on": TODAY().isoformat(), "participants": "37", "approve": "19"}
    sheet |= {"against": "18", "abstain": "0", "invalid": "0"}
    assert one.post(f"{url}vote", sheet).status_code == 302
    page = two.get(url).content.decode()
    assert "待第二次录入" in page
    assert 'id="comparison"' not in page
    assert "37" not in page.split("投票表决")[1]
    assert two.post(f"{url}vote", {**sheet, "approve": "20", "against": "17"}).status_code == 302
    page = coordinator.get(url).content.decode()
    assert "两次录入不一致" in page
    assert 'id="comparison"' in page
    done = coordinator.post(f"{url}resolve", {"action": "keep_second", "reason": ""})
    assert done.status_code == 302
    p.refresh_from_db()
    assert p.status == RecallPetition.Status.RECALLED  # 37×2 > 60; 20×2 > 37


def test_api_vote_entry(decided: Any, clerks: dict[str, Any]) -> None:
    p = file(clerks["one"], decided, selectors.current_committee(decided)[1].name, 15)
    base = f"/api/elections/{decided.pk}/aftermath/recalls/{p.pk}"
    one, two = Client(), Client()
    one.force_login(clerks["one"])
    two.force_login(clerks["two"])
    counts = {"participants": 40, "approve": 25, "against": 15, "abstain": 0, "invalid": 0}
    body = {"counts": counts, "vote_on": TODAY().isoformat()}
    first = one.post(f"{base}/vote", body, content_type="application/json").json()
    assert first["sheet"] == {
        "state": "second_entry",
        "first_counts": None,
        "second_counts": None,
        "result": None,
        "resolution": "",
    }
    assert two.get(base).json()["sheet"]["first_counts"] is None
    bad = two.post(
        f"{base}/vote", {"counts": {**counts, "approve": 41}}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert bad.json()["field"] == "counts"
    assert "多于参加投票" in bad.json()["detail"]
    done = two.post(f"{base}/vote", {"counts": counts}, content_type="application/json").json()
    assert done["status"] == "recalled"
    assert done["sheet"]["result"] == counts
