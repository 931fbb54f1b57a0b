"""Villager representatives (第二十五条), group leaders (第二十八条) and the supervision
committee (第三十二条): what the services refuse and what the core finds."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from huanjie.apps.aftermath import selectors, services
from huanjie.apps.aftermath.services import AftermathError
from huanjie.apps.audit.models import AuditEntry
from huanjie.apps.committee.services import committee_relation_declare
from huanjie.apps.roll.models import Status, Voter
from tests.apps.aftermath.conftest import plain_voters

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def test_representatives_from_the_roll_checked_against_the_law(
    decided: Any, users: dict[str, Any]
) -> None:
    people = plain_voters(decided, 12)
    # 60 households on the roll: one per person, some blank
    for i, v in enumerate(Voter.objects.filter(election=decided)):
        Voter.objects.filter(pk=v.pk).update(household_no="" if i >= 58 else f"H{i:03d}")
    for v in people[:4]:
        services.representative_add(
            acting_user=users["qingshan"], election=decided, person=v.id_number, chosen_on=TODAY()
        )
    view = selectors.representatives_check(decided)
    assert (view.households, view.households_missing) == (58, 2)
    assert view.committee_members == 5  # the new committee sits on the meeting
    codes = {r.code: r.level for r in view.check.reasons}
    # 58 households: 4–11 representatives; 4 of 9 is not 4/5; women 2 of 9 < 1/3
    assert codes["representatives_share"] == "error"
    assert codes["households_partial"] == "warning"
    assert "representatives_count" not in codes
    assert not view.check.ok
    services.assembly_configure(
        acting_user=users["qingshan"], election=decided, mode="households", committee_members=1
    )
    for v in people[4:11]:
        services.representative_add(
            acting_user=users["qingshan"], election=decided, person=v.name, chosen_on=TODAY()
        )
    view = selectors.representatives_check(decided)
    women = sum(1 for v in people[:11] if v.sex == "F")
    assert view.check.women == women
    share = next((r for r in view.check.reasons if r.code == "women_share"), None)
    assert (share is None) == (3 * women >= 12)
    assert {r.code for r in view.check.reasons} - {"women_share", "households_partial"} == set()


def test_representatives_must_be_registered(decided: Any, users: dict[str, Any]) -> None:
    v = plain_voters(decided, 1)[0]
    Voter.objects.filter(pk=v.pk).update(status=Status.REMOVED)
    with pytest.raises(AftermathError) as err:
        services.representative_add(
            acting_user=users["qingshan"], election=decided, person=v.id_number, chosen_on=TODAY()
        )
    assert err.value.field == "person"
    assert "第二十五条" in err.value.message
    with pytest.raises(AftermathError) as err:
        services.representative_add(
            acting_user=users["qingshan"], election=decided, person="没有这人", chosen_on=TODAY()
        )
    assert err.value.message == "选民名单中没有“没有这人”"
    other = plain_voters(decided, 2)[1]
    services.representative_add(
        acting_user=users["qingshan"], election=decided, person=other.name, chosen_on=TODAY()
    )
    with pytest.raises(AftermathError, match="已是村民代表"):
        services.representative_add(
            acting_user=users["qingshan"], election=decided, person=other.name, chosen_on=TODAY()
        )
    with pytest.raises(AftermathError) as err:
        services.representative_add(
            acting_user=users["qingshan"],
            election=decided,
            person=plain_voters(decided, 3)[2].name,
            chosen_on=TODAY(),
            households=20,
        )
    assert err.value.field == "households"


def test_group_leader_needs_the_meeting_quorum_and_a_majority(
    decided: Any, users: dict[str, Any], tree: dict[str, Any]
) -> None:
    v = plain_voters(decided, 1)[0]
    args = {
        "acting_user": users["qingshan"],
        "election": decided,
        "group_id": tree["group"].pk,
        "person": v.id_number,
        "by_households": False,
        "eligible": 60,
        "chosen_on": TODAY(),
    }
    with pytest.raises(AftermathError) as err:
        services.group_leader_set(**args, present=39, votes=30)
    assert err.value.field == "present"
    assert "三分之二以上" in err.value.message
    assert "第二十八条第一款" in err.value.message
    with pytest.raises(AftermathError) as err:
        services.group_leader_set(**args, present=40, votes=20)
    assert err.value.field == "votes"
    leader = services.group_leader_set(**args, present=40, votes=21)
    assert selectors.leader_findings(leader) == []
    with pytest.raises(AftermathError, match="已有组长"):
        services.group_leader_set(**args, present=40, votes=21)
    with pytest.raises(AftermathError) as err:
        services.group_leader_set(**{**args, "group_id": tree["hongxing"].pk}, present=40, votes=21)
    assert err.value.field == "group"
    assert AuditEntry.objects.filter(action="aftermath.group_leader_set").count() == 1


def test_supervision_refuses_committee_members_and_their_near_relatives(
    decided: Any, users: dict[str, Any]
) -> None:
    committee = selectors.current_committee(decided)
    chair = committee[0]
    with pytest.raises(AftermathError) as err:
        services.supervisor_add(
            acting_user=users["qingshan"],
            election=decided,
            person=chair.name,
            chosen_by="representatives_meeting",
            chosen_on=TODAY(),
        )
    assert err.value.code == "supervisor_is_committee_member"
    assert err.value.field == "person"
    son, other, third = plain_voters(decided, 3)
    committee_relation_declare(
        acting_user=users["qingshan"],
        election=decided,
        a_name=chair.name,
        b_name=son.name,
        b_id_number=son.id_number,
        kind="child",
    )
    with pytest.raises(AftermathError) as err:
        services.supervisor_add(
            acting_user=users["qingshan"],
            election=decided,
            person=son.id_number,
            chosen_by="villagers_meeting",
            chosen_on=TODAY(),
        )
    assert err.value.code == "supervisor_near_relative"
    assert f"村民委员会成员{chair.name}的子女" in err.value.message
    assert "第三十二条" in err.value.message
    services.supervisor_add(
        acting_user=users["qingshan"],
        election=decided,
        person=other.id_number,
        chosen_by="villagers_meeting",
        chosen_on=TODAY(),
        role="chair",
    )
    assert [r.code for r in selectors.supervision_findings(decided)] == ["supervision_no_finance"]
    with pytest.raises(AftermathError) as err:
        services.supervisor_add(
            acting_user=users["qingshan"],
            election=decided,
            person=third.id_number,
            chosen_by="villagers_meeting",
            chosen_on=TODAY(),
            role="chair",
        )
    assert err.value.field == "role"
    with pytest.raises(AftermathError) as err:
        services.supervisor_add(
            acting_user=users["qingshan"],
            election=decided,
            person=third.id_number,
            chosen_by="township",
            chosen_on=TODAY(),
        )
    assert err.value.field == "chosen_by"
    # a relation declared after the choice shows as an error on the record
    committee_relation_declare(
        acting_user=users["qingshan"],
        election=decided,
        a_name=other.name,
        a_id_number=other.id_number,
        b_name=committee[1].name,
        kind="spouse",
    )
    assert "supervisor_near_relative" in [r.code for r in selectors.supervision_findings(decided)]


def test_pages_show_errors_beside_the_field(decided: Any, committee_client: Client) -> None:
    base = f"/elections/{decided.pk}/aftermath"
    assert committee_client.get(f"{base}/representatives/").status_code == 200
    bad = committee_client.post(
        f"{base}/representatives/", {"person": "没有这人", "chosen_on": TODAY().isoformat()}
    )
    assert bad.status_code == 400
    assert "选民名单中没有“没有这人”" in bad.content.decode()
    chair = selectors.current_committee(decided)[0]
    refused = committee_client.post(
        f"{base}/supervision/",
        {
            "person": chair.name,
            "role": "member",
            "chosen_by": "villagers_meeting",
            "chosen_on": TODAY().isoformat(),
        },
    )
    assert refused.status_code == 400
    assert "不得担任村务监督委员会成员" in refused.content.decode()


def test_api(decided: Any, committee_client: Client, users: dict[str, Any]) -> None:
    base = f"/api/elections/{decided.pk}/aftermath"
    v = plain_voters(decided, 1)[0]
    ok = committee_client.post(
        f"{base}/representatives",
        json.dumps({"person": v.id_number, "chosen_on": TODAY().isoformat()}),
        content_type="application/json",
    )
    assert ok.status_code == 200
    body = ok.json()
    assert body["representatives"][0]["id_masked"].count("*") == 8
    assert v.id_number not in ok.content.decode()
    bad = committee_client.post(
        f"{base}/supervisors",
        json.dumps(
            {
                "person": selectors.current_committee(decided)[0].name,
                "chosen_by": "villagers_meeting",
                "chosen_on": TODAY().isoformat(),
            }
        ),
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["field"] == "person"
    assert bad.json()["code"] == "supervisor_is_committee_member"
    client = Client()
    client.force_login(users["observer"])
    assert client.get(f"{base}/representatives").status_code == 403
