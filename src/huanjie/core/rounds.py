"""The life of one round of voting (一次投票), drawn in docs/state-machines/round.md.

A round is ``prepared`` (待投票) when it is created with its frozen posts and candidates;
polls open (``open``, 投票中) on the day it is held and close (``closed``, 投票结束，待计票);
the count moves it to ``counted`` (计票完成) and the decision on the result to ``decided``
(结果已确定). Nothing goes back: a round whose count was wrong is a new round (重新投票,
另行选举, 重选), so a decided round and its printed papers never change. Pure: the caller
loads the state, asks here, and stores the answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class RoundState(StrEnum):
    PREPARED = "prepared"
    OPEN = "open"
    CLOSED = "closed"
    COUNTED = "counted"
    DECIDED = "decided"


class RoundAction(StrEnum):
    OPEN = "open"  # 开始投票 (polling part)
    CLOSE = "close"  # 结束投票 (polling part)
    COUNT = "count"  # 计票完成 (counting part)
    DECIDE = "decide"  # 确定结果 (results part)


STATE_LABELS: Mapping[RoundState, str] = {
    RoundState.PREPARED: "待投票",
    RoundState.OPEN: "投票中",
    RoundState.CLOSED: "投票结束，待计票",
    RoundState.COUNTED: "计票完成",
    RoundState.DECIDED: "结果已确定",
}

ACTION_LABELS: Mapping[RoundAction, str] = {
    RoundAction.OPEN: "开始投票",
    RoundAction.CLOSE: "结束投票",
    RoundAction.COUNT: "确认计票完成",
    RoundAction.DECIDE: "确定选举结果",
}

#: (from, action) → to; the drawing in docs/state-machines/round.md is checked against this
#: table by tests/core/test_rounds.py.
TRANSITIONS: Mapping[tuple[RoundState, RoundAction], RoundState] = {
    (RoundState.PREPARED, RoundAction.OPEN): RoundState.OPEN,
    (RoundState.OPEN, RoundAction.CLOSE): RoundState.CLOSED,
    (RoundState.CLOSED, RoundAction.COUNT): RoundState.COUNTED,
    (RoundState.COUNTED, RoundAction.DECIDE): RoundState.DECIDED,
}

#: States in which ballots may be issued (polls open).
ISSUING: frozenset[RoundState] = frozenset({RoundState.OPEN})
#: States in which the round's set-up (stations, boxes, mobile-box lists) may still change.
SETTING_UP: frozenset[RoundState] = frozenset({RoundState.PREPARED})


class RoundError(ValueError):
    """A transition that is not allowed; ``code`` is stable, the message is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def transition(state: RoundState, action: RoundAction) -> RoundState:
    """The state after ``action``; raises :class:`RoundError` when the drawing has no such
    arrow (e.g. closing polls that never opened, counting a round still open)."""
    target = TRANSITIONS.get((state, action))
    if target is None:
        allowed = [ACTION_LABELS[a] for (s, a) in TRANSITIONS if s is state]
        hint = f"（当前可以：{'、'.join(allowed)}）" if allowed else "（本轮已结束，不能再变动）"
        raise RoundError(
            "not_allowed",
            f"本轮投票当前为“{STATE_LABELS[state]}”，不能{ACTION_LABELS[action]}{hint}",
        )
    return target


def available(state: RoundState) -> tuple[RoundAction, ...]:
    """The actions the drawing allows from ``state`` (in the order of the life cycle)."""
    return tuple(a for (s, a) in TRANSITIONS if s is state)
