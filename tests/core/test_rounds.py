"""The round life cycle against its drawing in docs/state-machines/round.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from huanjie.core import rounds
from huanjie.core.rounds import RoundAction, RoundError, RoundState

DRAWING = Path(__file__).parents[2] / "docs" / "state-machines" / "round.md"


def drawn_transitions() -> dict[tuple[RoundState, RoundAction], RoundState]:
    block = re.findall(r"```mermaid\n(.*?)```", DRAWING.read_text(encoding="utf-8"), re.S)[0]
    lines = re.findall(r"^\s*(\w+) --> (\w+) : (\w+)\s*$", block, re.M)
    return {(RoundState(a), RoundAction(act)): RoundState(b) for a, b, act in lines}


def drawn_start() -> RoundState:
    block = re.findall(r"```mermaid\n(.*?)```", DRAWING.read_text(encoding="utf-8"), re.S)[0]
    (start,) = re.findall(r"^\s*\[\*\] --> (\w+)\s*$", block, re.M)
    return RoundState(start)


def test_code_matches_the_drawing() -> None:
    assert drawn_transitions() == dict(rounds.TRANSITIONS)
    assert drawn_start() is RoundState.PREPARED
    # Every state is reachable and every action is used once.
    assert set(rounds.TRANSITIONS.values()) | {RoundState.PREPARED} == set(RoundState)
    assert sorted(a for (_, a) in rounds.TRANSITIONS) == sorted(RoundAction)


def test_refusal_names_the_state_and_what_is_possible() -> None:
    with pytest.raises(RoundError) as err:
        rounds.transition(RoundState.PREPARED, RoundAction.CLOSE)
    assert err.value.code == "not_allowed"
    assert "待投票" in str(err.value)
    assert "开始投票" in str(err.value)
    with pytest.raises(RoundError, match="本轮已结束"):
        rounds.transition(RoundState.DECIDED, RoundAction.OPEN)


def test_available_follows_the_table() -> None:
    assert rounds.available(RoundState.OPEN) == (RoundAction.CLOSE,)
    assert rounds.available(RoundState.DECIDED) == ()


class RoundMachine(RuleBasedStateMachine):
    """Random actions; the model is the drawing, the system is core.rounds."""

    def __init__(self) -> None:
        super().__init__()
        self.table = drawn_transitions()
        self.state = drawn_start()
        self.model = drawn_start()
        self.history = [self.state]

    @rule(action=st.sampled_from(RoundAction))
    def act(self, action: RoundAction) -> None:
        allowed = (self.model, action) in self.table
        try:
            self.state = rounds.transition(self.state, action)
        except RoundError:
            assert not allowed
            return
        assert allowed
        self.model = self.table[(self.model, action)]
        self.history.append(self.state)

    @invariant()
    def agrees(self) -> None:
        assert self.state is self.model

    @invariant()
    def never_goes_back(self) -> None:
        order = list(RoundState)
        assert [order.index(s) for s in self.history] == sorted(
            order.index(s) for s in self.history
        )


TestRoundMachine = RoundMachine.TestCase
