from __future__ import annotations

from typing import Any

import pytest

from huanjie.apps.audit.models import AuditEntry
from huanjie.apps.polling import selectors, services
from huanjie.apps.polling.models import Box, CheckIn, Round, Staff, Station
from huanjie.apps.polling.services import PollingError
from tests.apps.polling.conftest import STAFF, voter

pytestmark = pytest.mark.django_db


@pytest.fixture
def mobile(regular: Round, committee: Any, trained: Any) -> Box:
    station = Station.objects.get(election=trained, kind="main")
    return services.box_create(
        acting_user=committee, round=regular, station=station, name="流动票箱", kind="mobile"
    )


def escorts(election: Any, committee: Any, n: int) -> list[Staff]:
    return [
        services.staff_add(
            acting_user=committee, election=election, role="mobile", voter=voter(election, name)
        )
        for name in STAFF[:n]
    ]


def test_profile_sets_the_number_of_escorts(regular: Round) -> None:
    least, basis = selectors.mobile_escorts_min(regular.election)
    assert least == 3
    # 浙江 第二十四条第二款: 每个流动票箱应当有三名以上监票人负责
    assert basis == "浙江省村民委员会选举办法 第二十四条第二款"
    # 上海's 办法 has no mobile-box rule: the national default, from a secondary source (S)
    regular.election.profile_id = "village/shanghai"
    least, basis = selectors.mobile_escorts_min(regular.election)
    assert least == 3
    assert "待核原文" in basis


def test_too_few_escorts_keep_polls_and_box_from_opening(
    mobile: Box, committee: Any, regular: Round
) -> None:
    election = regular.election
    services.mobile_escorts_set(
        acting_user=committee, box=mobile, staff=escorts(election, committee, 2)
    )
    services.mobile_visit_add(
        acting_user=committee, box=mobile, voter=voter(election, "王红"), reason="卧病在床"
    )
    with pytest.raises(PollingError, match=r"须有不少于3名工作人员随箱.*现有2名") as err:
        services.round_open(acting_user=committee, round=regular)
    assert err.value.code == "escorts"
    regular.refresh_from_db()
    assert regular.status == "prepared"
    services.staff_add(
        acting_user=committee, election=election, role="mobile", voter=voter(election, STAFF[2])
    )
    services.mobile_escorts_set(acting_user=committee, box=mobile, staff=escorts_all(election))
    services.round_open(acting_user=committee, round=regular)
    services.mobile_box_depart(acting_user=committee, box=mobile)


def escorts_all(election: Any) -> list[Staff]:
    return list(Staff.objects.filter(election=election, role="mobile"))


def test_box_needs_escorts_to_depart_and_voters_only_from_its_list(
    mobile: Box, committee: Any, regular: Round
) -> None:
    election = regular.election
    people = escorts(election, committee, 3)
    services.mobile_escorts_set(acting_user=committee, box=mobile, staff=people)
    services.mobile_visit_add(
        acting_user=committee, box=mobile, voter=voter(election, "王红"), reason="年老行动不便"
    )
    with pytest.raises(PollingError, match="已在流动票箱"):
        services.mobile_visit_add(
            acting_user=committee, box=mobile, voter=voter(election, "王红"), reason="重复"
        )
    services.round_open(acting_user=committee, round=regular)
    with pytest.raises(PollingError, match="尚未出发"):
        services.ballot_issue(
            acting_user=committee, round=regular, voter=voter(election, "王红"), box=mobile
        )
    services.mobile_box_depart(acting_user=committee, box=mobile)
    with pytest.raises(PollingError, match="已出发"):
        services.mobile_escorts_set(acting_user=committee, box=mobile, staff=people[:1])
    with pytest.raises(PollingError, match="不在流动票箱“流动票箱”的上门投票名单上"):
        services.ballot_issue(
            acting_user=committee, round=regular, voter=voter(election, "蔡丽"), box=mobile
        )
    c = services.ballot_issue(
        acting_user=committee, round=regular, voter=voter(election, "王红"), box=mobile
    )
    assert c.method == "mobile"
    with pytest.raises(PollingError, match="尚未返回"):
        services.round_close(acting_user=committee, round=regular)
    services.mobile_box_return(acting_user=committee, box=mobile)
    with pytest.raises(PollingError, match="已返回"):
        services.ballot_issue(
            acting_user=committee, round=regular, voter=voter(election, "赵敏"), box=mobile
        )
    services.round_close(acting_user=committee, round=regular)
    figures = selectors.round_figures(regular)
    assert figures.mobile == 1
    assert [(b.name, b.kind, b.voters) for b in figures.boxes] == [
        ("1号票箱", "fixed", 0),
        ("流动票箱", "mobile", 1),
    ]
    assert CheckIn.objects.count() == 1
    assert AuditEntry.objects.filter(action="polling.mobile_box_depart").exists()


def test_escorts_must_not_be_candidates_relatives(
    mobile: Box, committee: Any, regular: Round
) -> None:
    from huanjie.apps.committee.services import committee_relation_declare

    people = escorts(regular.election, committee, 3)
    committee_relation_declare(
        acting_user=committee,
        election=regular.election,
        a_name="田芳",
        b_name=people[2].name,
        kind="child",
    )
    with pytest.raises(PollingError, match="田芳是候选人"):
        services.mobile_escorts_set(acting_user=committee, box=mobile, staff=people)
    assert mobile.escorts.count() == 0


def test_a_voter_at_home_who_came_in_person(mobile: Box, committee: Any, regular: Round) -> None:
    election = regular.election
    services.mobile_escorts_set(
        acting_user=committee, box=mobile, staff=escorts(election, committee, 3)
    )
    services.mobile_visit_add(
        acting_user=committee, box=mobile, voter=voter(election, "王红"), reason="腿伤"
    )
    services.round_open(acting_user=committee, round=regular)
    services.mobile_box_depart(acting_user=committee, box=mobile)
    services.ballot_issue(
        acting_user=committee,
        round=regular,
        voter=voter(election, "王红"),
        box=regular.boxes.get(kind="fixed"),
    )
    with pytest.raises(PollingError, match=r"王红已于.*验证领票"):
        services.ballot_issue(
            acting_user=committee, round=regular, voter=voter(election, "王红"), box=mobile
        )
