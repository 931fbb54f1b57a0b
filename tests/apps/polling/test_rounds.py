from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from huanjie.apps.audit.models import AuditEntry
from huanjie.apps.campaigns.models import StageRecord
from huanjie.apps.campaigns.selectors import stage_states
from huanjie.apps.candidates.selectors import formal_list
from huanjie.apps.polling import selectors, services
from huanjie.apps.polling.models import Box, Round, Station
from huanjie.apps.polling.services import PollingError
from huanjie.core.stages import Stage, State
from tests.apps.candidates.conftest import set_stages

pytestmark = pytest.mark.django_db


def test_regular_round_freezes_the_formal_list(formal: Any, committee: Any) -> None:
    r = services.round_create_regular(acting_user=committee, election=formal)
    posts = formal_list(formal)
    assert r.number == 1
    assert r.kind == Round.Kind.REGULAR
    assert r.held_on == formal.election_day
    assert [p["name"] for p in r.posts] == [p.name for p in posts]
    assert [(c["post"], c["name"]) for c in r.candidates] == [
        (p.name, c.name) for p in posts for c in p.candidates
    ]
    assert all(c["label"] == c["name"] for c in r.candidates)
    # Default set-up: the main venue at the election's place and one fixed box.
    station = Station.objects.get(election=formal)
    assert (station.kind, station.name, station.place) == ("main", "中心会场", "青山村文化礼堂")
    assert [(b.name, b.kind, b.station_id) for b in r.boxes.all()] == [
        ("1号票箱", "fixed", station.pk)
    ]
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"polling.round_create", "polling.station_create", "polling.box_create"} <= actions


def test_second_regular_round_refused(regular: Round, committee: Any) -> None:
    with pytest.raises(PollingError, match="已有正式选举投票"):
        services.round_create_regular(acting_user=committee, election=regular.election)
    assert Round.objects.count() == 1


def test_no_formal_list_refused(election: Any, committee: Any) -> None:
    with pytest.raises(PollingError, match="正式候选人名单尚未公布") as err:
        services.round_create_regular(acting_user=committee, election=election)
    assert err.value.code == "no_formal_list"
    assert not Round.objects.exists()
    assert not Station.objects.exists()


def test_open_opens_the_election_stage_and_freezes_the_electorate(
    regular: Round, committee: Any
) -> None:
    assert stage_states(regular.election)[Stage.ELECTION] is State.PENDING
    r = services.round_open(acting_user=committee, round=regular)
    assert r.status == "open"
    assert r.opened_at is not None
    assert r.electorate == 60
    assert stage_states(regular.election)[Stage.ELECTION] is State.OPEN
    assert selectors.current_round(regular.election) == r


def test_open_refused_when_the_stage_cannot_open(regular: Round, committee: Any) -> None:
    set_stages(regular.election, proxies=State.OPEN)
    with pytest.raises(PollingError, match=r"委托投票.*计划与阶段") as err:
        services.round_open(acting_user=committee, round=regular)
    assert err.value.code == "stage_not_open"
    regular.refresh_from_db()
    assert regular.status == "prepared"
    assert regular.opened_at is None
    assert stage_states(regular.election)[Stage.ELECTION] is State.PENDING


def test_open_refused_when_the_stage_is_closed(regular: Round, committee: Any) -> None:
    StageRecord.objects.filter(election=regular.election, stage="election").update(state="closed")
    with pytest.raises(PollingError, match="重新开启"):
        services.round_open(acting_user=committee, round=regular)


def test_open_only_on_the_day(formal: Any, committee: Any) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    r = services.round_create_regular(acting_user=committee, election=formal, held_on=tomorrow)
    with pytest.raises(PollingError, match=r"今天.*不能开始投票") as err:
        services.round_open(acting_user=committee, round=r)
    assert err.value.code == "not_today"


def test_life_cycle_and_wrong_order(opened: Round, committee: Any) -> None:
    with pytest.raises(PollingError, match=r"投票中.*不能开始投票"):
        services.round_open(acting_user=committee, round=opened)
    with pytest.raises(PollingError, match="不能确认计票完成"):
        services.round_mark_counted(acting_user=committee, round=opened)
    r = services.round_close(acting_user=committee, round=opened)
    assert r.status == "closed"
    assert r.closed_at is not None
    with pytest.raises(PollingError, match="不能结束投票"):
        services.round_close(acting_user=committee, round=r)
    r = services.round_mark_counted(acting_user=committee, round=r)
    r = services.round_mark_decided(acting_user=committee, round=r)
    assert r.status == "decided"
    actions = list(
        AuditEntry.objects.filter(action__startswith="polling.round_").values_list(
            "action", flat=True
        )
    )
    assert actions[-4:] == [
        "polling.round_open",
        "polling.round_close",
        "polling.round_count",
        "polling.round_decide",
    ]


def test_followup_round_needs_a_counted_parent(opened: Round, committee: Any) -> None:
    election = opened.election
    post = opened.posts[0]
    two = [c for c in opened.candidates if c["post"] == post["name"]]
    kwargs: dict[str, Any] = {
        "acting_user": committee,
        "election": election,
        "kind": "revote",
        "held_on": timezone.localdate(),
        "posts": [post],
        "candidates": two,
    }
    with pytest.raises(PollingError, match="须指明前一轮"):
        services.round_create(**kwargs)
    with pytest.raises(PollingError, match="尚未计票完成"):
        services.round_create(**kwargs, parent=opened)
    services.round_close(acting_user=committee, round=opened)
    counted = services.round_mark_counted(acting_user=committee, round=opened)
    services.station_create(acting_user=committee, election=election, name="第二投票站")
    revote = services.round_create(**kwargs, parent=counted)
    assert (revote.number, revote.parent_id) == (2, counted.pk)
    # The follow-up round uses the parent's fixed boxes again.
    assert [b.name for b in revote.boxes.all()] == ["1号票箱"]
    assert selectors.current_round(election) == counted


def test_bad_posts_and_candidates_refused(formal: Any, committee: Any) -> None:
    base: dict[str, Any] = {
        "acting_user": committee,
        "election": formal,
        "kind": "regular",
        "held_on": timezone.localdate(),
    }
    post = {"kind": "women_member", "name": "妇女委员", "seats": 1, "women_only": True}
    with pytest.raises(PollingError, match="限妇女"):
        services.round_create(
            **base, posts=[post], candidates=[{"post": "妇女委员", "name": "王强", "sex": "M"}]
        )
    with pytest.raises(PollingError, match="应选名额"):
        services.round_create(**base, posts=[{**post, "seats": 0}], candidates=[])
    with pytest.raises(PollingError, match="不在本轮职务中"):
        services.round_create(
            **base, posts=[post], candidates=[{"post": "主任", "name": "王强", "sex": "M"}]
        )
    assert not Round.objects.exists()


def test_boxes_change_only_before_polls_open(regular: Round, committee: Any) -> None:
    station = services.station_create(
        acting_user=committee, election=regular.election, name="第二投票站", place="二组祠堂"
    )
    box = services.box_create(acting_user=committee, round=regular, station=station, name="2号票箱")
    with pytest.raises(PollingError, match="已有名为"):
        services.box_create(acting_user=committee, round=regular, station=station, name="2号票箱")
    with pytest.raises(PollingError, match="已有名为"):
        services.station_create(acting_user=committee, election=regular.election, name="第二投票站")
    opened = services.round_open(acting_user=committee, round=regular)
    with pytest.raises(PollingError, match="不能再变动"):
        services.box_create(acting_user=committee, round=opened, station=station, name="3号票箱")
    with pytest.raises(PollingError, match="不能再变动"):
        services.box_delete(acting_user=committee, box=box)
    assert Box.objects.filter(round=regular).count() == 2


def test_figures_before_anyone_votes(regular: Round) -> None:
    figures = selectors.round_figures(regular)
    assert (figures.electorate, figures.voters, figures.issued) == (60, 0, 0)
    assert figures.quorum_needed == 31
    assert figures.quorum_text == "还差 31 人过半数"
    (box,) = figures.boxes
    assert selectors.box_figures(regular.boxes.get()) == box
    assert (box.name, box.voters, box.issued) == ("1号票箱", 0, 0)
