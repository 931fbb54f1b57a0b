"""The stages of one election and how each opens and closes (drawn in docs/state-machines/).

Every stage is ``pending`` → ``open`` → ``closed``; a closed stage may be reopened, with a
reason, only while no later stage that depends on it has started. A stage opens only when
the stages it depends on are closed, and closes only when the caller reports nothing
outstanding (``blockers``: e.g. "objections not yet decided"). Pure: the caller loads the
states, asks here, and stores the answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Stage(StrEnum):
    PREPARATION = "preparation"
    REGISTRATION = "registration"
    NOMINATION = "nomination"
    PROXIES = "proxies"
    ELECTION = "election"
    HANDOVER = "handover"


class State(StrEnum):
    PENDING = "pending"
    OPEN = "open"
    CLOSED = "closed"


class Action(StrEnum):
    OPEN = "open"
    CLOSE = "close"
    REOPEN = "reopen"


LABELS: Mapping[Stage, str] = {
    Stage.PREPARATION: "准备工作",
    Stage.REGISTRATION: "选民登记",
    Stage.NOMINATION: "候选人提名",
    Stage.PROXIES: "委托投票",
    Stage.ELECTION: "投票选举",
    Stage.HANDOVER: "工作移交",
}
STATE_LABELS: Mapping[State, str] = {
    State.PENDING: "未开始",
    State.OPEN: "进行中",
    State.CLOSED: "已完成",
}

#: A stage opens only when these are closed. Nominees and proxies must be registered
#: voters (村民委员会组织法 第十三条、第十五条), so both wait for the final roll.
REQUIRES: Mapping[Stage, tuple[Stage, ...]] = {
    Stage.PREPARATION: (),
    Stage.REGISTRATION: (Stage.PREPARATION,),
    Stage.NOMINATION: (Stage.REGISTRATION,),
    Stage.PROXIES: (Stage.REGISTRATION,),
    Stage.ELECTION: (Stage.NOMINATION, Stage.PROXIES),
    Stage.HANDOVER: (Stage.ELECTION,),
}

#: The deadline (an id of the profile's ``deadlines``) by which each stage should be
#: closed; the first id the profile defines is used, else election day. Registration is
#: complete once the list is published (组织法 第十四条第一款); objections to it run on
#: beside nomination and must be decided before voting opens.
DUE: Mapping[Stage, tuple[str, ...]] = {
    Stage.PREPARATION: ("voter_list_published",),
    Stage.REGISTRATION: ("voter_list_published",),
    Stage.NOMINATION: ("candidates_published",),
    Stage.PROXIES: ("proxy_filing_closes",),
    Stage.ELECTION: (),
    Stage.HANDOVER: ("handover_due",),
}

#: Which stage's work meets each deadline: once that stage is closed, the deadline no
#: longer counts as "next" in the overview. Deadlines not listed belong to voting.
DEADLINE_STAGE: Mapping[str, Stage] = {
    "voter_list_published": Stage.REGISTRATION,
    "objection_filing_closes": Stage.ELECTION,
    "objection_decided": Stage.ELECTION,
    "self_nomination_closes": Stage.NOMINATION,
    "candidates_published": Stage.NOMINATION,
    "proxy_filing_closes": Stage.PROXIES,
    "handover_due": Stage.HANDOVER,
}


#: (from, action) → to, for every stage alike; the drawing in docs/state-machines/stages.md
#: is checked against this table by the tests.
TRANSITIONS: Mapping[tuple[State, Action], State] = {
    (State.PENDING, Action.OPEN): State.OPEN,
    (State.OPEN, Action.CLOSE): State.CLOSED,
    (State.CLOSED, Action.REOPEN): State.OPEN,
}


class StageError(ValueError):
    """A transition that is not allowed; ``code`` is stable, the message is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def dependents(stage: Stage) -> tuple[Stage, ...]:
    """Every stage that (directly or through others) waits for ``stage``."""
    found: list[Stage] = []
    frontier = [stage]
    while frontier:
        current = frontier.pop()
        for other, needs in REQUIRES.items():
            if current in needs and other not in found:
                found.append(other)
                frontier.append(other)
    return tuple(s for s in Stage if s in found)


def initial() -> dict[Stage, State]:
    return dict.fromkeys(Stage, State.PENDING)


def transition(
    states: Mapping[Stage, State],
    stage: Stage,
    action: Action,
    *,
    blockers: Sequence[str] = (),
    reason: str = "",
) -> dict[Stage, State]:
    """The states after ``action`` on ``stage``; raises :class:`StageError` if not allowed.

    ``blockers`` are what the parts report as outstanding for this action: work to finish
    before a stage closes, or something that must be settled before a stage opens (e.g.
    voting cannot open while objections to the voter list are undecided).
    """
    current = states[stage]
    target = TRANSITIONS.get((current, action))
    label = LABELS[stage]
    if target is None:
        raise StageError(
            "not_allowed",
            f"“{label}”当前为“{STATE_LABELS[current]}”，不能执行该操作",
        )
    if action is Action.OPEN:
        waiting = [LABELS[s] for s in REQUIRES[stage] if states[s] is not State.CLOSED]
        if waiting:
            raise StageError("requires", f"须先完成“{'”“'.join(waiting)}”，才能开始“{label}”")
        if blockers:
            raise StageError("blocked", f"“{label}”尚不能开始：{'；'.join(blockers)}")
    elif action is Action.CLOSE:
        if blockers:
            raise StageError("blocked", f"“{label}”尚不能结束：{'；'.join(blockers)}")
    else:
        if not reason.strip():
            raise StageError("reason_required", f"重新开启“{label}”须说明理由")
        started = [LABELS[s] for s in dependents(stage) if states[s] is not State.PENDING]
        if started:
            raise StageError(
                "dependents_started",
                f"“{'”“'.join(started)}”已经开始，不能重新开启“{label}”",
            )
    after = dict(states)
    after[stage] = target
    return after


def available(states: Mapping[Stage, State], stage: Stage) -> tuple[Action, ...]:
    """The actions a user could try now (closing may still be blocked by outstanding work)."""
    result = []
    for action in Action:
        try:
            transition(states, stage, action, reason="?")
        except StageError as err:
            if err.code == "blocked":
                result.append(action)
            continue
        result.append(action)
    return tuple(result)


@dataclass(frozen=True, slots=True)
class StageStatus:
    stage: Stage
    state: State
    due: date
    due_label: str
    overdue: bool
    days_left: int


def status(
    states: Mapping[Stage, State],
    deadlines: Mapping[str, tuple[date, str]],
    election_day: date,
    today: date,
) -> list[StageStatus]:
    """Per stage: its due date (from the schedule), whether it is overdue, days left.

    ``deadlines`` maps a deadline id to (date, label) as computed by the calendar.
    """
    result = []
    for stage in Stage:
        due, due_label = election_day, "选举日"
        for deadline_id in DUE[stage]:
            if deadline_id in deadlines:
                due, due_label = deadlines[deadline_id]
                break
        state = states[stage]
        result.append(
            StageStatus(
                stage=stage,
                state=state,
                due=due,
                due_label=due_label,
                overdue=state is not State.CLOSED and today > due,
                days_left=(due - today).days,
            )
        )
    return result


def current(states: Mapping[Stage, State]) -> Stage | None:
    """The earliest stage not yet closed (None when every stage is closed)."""
    for stage in Stage:
        if states[stage] is not State.CLOSED:
            return stage
    return None
