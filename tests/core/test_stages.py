"""The stage machine against its drawing in docs/state-machines/stages.md."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from huanjie.core import stages
from huanjie.core.stages import Action, Stage, StageError, State

DRAWING = Path(__file__).parents[2] / "docs" / "state-machines" / "stages.md"


def _blocks() -> list[str]:
    return re.findall(r"```mermaid\n(.*?)```", DRAWING.read_text(encoding="utf-8"), re.S)


def drawn_transitions() -> dict[tuple[State, Action], State]:
    lines = re.findall(r"^\s*(\w+) --> (\w+) : (\w+)\s*$", _blocks()[0], re.M)
    return {(State(a), Action(act)): State(b) for a, b, act in lines}


def drawn_requires() -> dict[Stage, set[Stage]]:
    edges = re.findall(r"^\s*(\w+) --> (\w+)\s*$", _blocks()[1], re.M)
    needs: dict[Stage, set[Stage]] = {s: set() for s in Stage}
    for before, after in edges:
        needs[Stage(after)].add(Stage(before))
    return needs


def test_code_matches_the_drawing() -> None:
    assert drawn_transitions() == dict(stages.TRANSITIONS)
    assert drawn_requires() == {s: set(r) for s, r in stages.REQUIRES.items()}


def test_open_needs_the_stages_before() -> None:
    states = stages.initial()
    with pytest.raises(StageError) as err:
        stages.transition(states, Stage.REGISTRATION, Action.OPEN)
    assert err.value.code == "requires"
    assert "准备工作" in str(err.value)


def test_close_refused_while_blocked_and_reopen_needs_reason() -> None:
    states = stages.transition(stages.initial(), Stage.PREPARATION, Action.OPEN)
    with pytest.raises(StageError, match="财务审计"):
        stages.transition(states, Stage.PREPARATION, Action.CLOSE, blockers=["财务审计结果未公布"])
    closed = stages.transition(states, Stage.PREPARATION, Action.CLOSE)
    with pytest.raises(StageError) as err:
        stages.transition(closed, Stage.PREPARATION, Action.REOPEN, reason="  ")
    assert err.value.code == "reason_required"
    started = stages.transition(closed, Stage.REGISTRATION, Action.OPEN)
    with pytest.raises(StageError) as err:
        stages.transition(started, Stage.PREPARATION, Action.REOPEN, reason="补充测评")
    assert err.value.code == "dependents_started"


def test_status_marks_overdue_by_the_schedule() -> None:
    states = stages.initial()
    deadlines = {"voter_list_published": (date(2026, 11, 30), "公布选民名单")}
    result = stages.status(states, deadlines, date(2026, 12, 20), date(2026, 12, 1))
    by_stage = {s.stage: s for s in result}
    assert by_stage[Stage.PREPARATION].overdue
    assert by_stage[Stage.PREPARATION].due_label == "公布选民名单"
    assert not by_stage[Stage.ELECTION].overdue
    assert by_stage[Stage.ELECTION].days_left == 19
    assert stages.current(states) is Stage.PREPARATION


class StageMachine(RuleBasedStateMachine):
    """Random actions; the model is the drawing, the system is core.stages."""

    def __init__(self) -> None:
        super().__init__()
        self.states = stages.initial()
        self.model = dict.fromkeys(Stage, State.PENDING)
        self.table = drawn_transitions()
        self.requires = drawn_requires()

    def _model_allows(self, stage: Stage, action: Action, blocked: bool, reason: str) -> bool:
        if (self.model[stage], action) not in self.table:
            return False
        if action is Action.OPEN:
            return not blocked and all(self.model[r] is State.CLOSED for r in self.requires[stage])
        if action is Action.CLOSE:
            return not blocked
        later = {s for s in Stage if s in stages.dependents(stage)}
        return bool(reason.strip()) and all(self.model[s] is State.PENDING for s in later)

    @rule(
        stage=st.sampled_from(Stage),
        action=st.sampled_from(Action),
        blocked=st.booleans(),
        reason=st.sampled_from(["", "补登遗漏选民"]),
    )
    def act(self, stage: Stage, action: Action, blocked: bool, reason: str) -> None:
        allowed = self._model_allows(stage, action, blocked, reason)
        try:
            self.states = stages.transition(
                self.states, stage, action, blockers=["x"] if blocked else [], reason=reason
            )
        except StageError:
            assert not allowed
            return
        assert allowed
        self.model[stage] = self.table[(self.model[stage], action)]

    @invariant()
    def agrees(self) -> None:
        assert self.states == self.model

    @invariant()
    def never_open_before_its_prerequisites(self) -> None:
        for stage, state in self.states.items():
            if state is not State.PENDING:
                assert all(self.states[r] is not State.PENDING for r in stages.REQUIRES[stage])


TestStageMachine = StageMachine.TestCase
