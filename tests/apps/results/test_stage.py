"""The 投票选举 stage closes only once every round of the vote is decided (results' blocker),
whatever the order in which the rounds follow each other."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from huanjie.apps.campaigns.selectors import stage_states
from huanjie.apps.campaigns.services import PlanError, stage_blockers, stage_change
from huanjie.apps.polling.models import Round
from huanjie.apps.results import selectors, services
from huanjie.core.stages import Action, Stage, State
from tests.apps.results.conftest import Hold, ballots

pytestmark = pytest.mark.django_db


def ours(election: Any) -> list[str]:
    return [
        b for b in stage_blockers(election, Stage.ELECTION) if "选举结果" in b or "尚未投票" in b
    ]


def close(user: Any, election: Any) -> None:
    stage_change(acting_user=user, election=election, stage=Stage.ELECTION, action=Action.CLOSE)


def test_no_vote_yet_blocks(formal: Any) -> None:
    assert selectors.election_blockers(formal) == ["尚未投票（见“投票”）"]


def test_the_stage_waits_for_every_round_to_be_decided(
    counted: Round, committee: Any, hold: Hold, users: dict[str, Any]
) -> None:
    election = counted.election
    assert stage_states(election)[Stage.ELECTION] is State.OPEN  # opened by 开始投票
    assert ours(election) == ["第1轮 正式选举：计票完成，尚未确定选举结果（见“选举结果”）"]
    with pytest.raises(PlanError, match="计票完成，尚未确定选举结果"):
        close(users["town"], election)

    first = services.round_decide(acting_user=committee, round=counted)
    # 副主任 is left for 另行选举: once arranged, that round belongs to the vote too
    second = services.next_round_create(
        acting_user=committee, result=first, held_on=timezone.localdate()
    )
    assert ours(election) == ["第2轮 另行选举：待投票，尚未确定选举结果（见“选举结果”）"]
    with pytest.raises(PlanError, match="第2轮 另行选举：待投票"):
        close(users["town"], election)

    hold(second, ballots(副主任=[(["赵刚"], 16), (["彭军"], 15), ([], 14)]))
    services.round_decide(acting_user=committee, round=second)
    assert ours(election) == []
    close(users["town"], election)
    assert stage_states(election)[Stage.ELECTION] is State.CLOSED
