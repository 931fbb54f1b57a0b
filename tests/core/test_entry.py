"""The double-entry machine against its drawing in docs/state-machines/double-entry.md."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from huanjie.core import entry
from huanjie.core.entry import (
    EntryAction,
    EntryError,
    EntryState,
    Finding,
    Sheet,
    issued_key,
    nomination_findings,
    returned_key,
    votes_key,
)

DRAWING = Path(__file__).parents[2] / "docs" / "state-machines" / "double-entry.md"


def drawn_transitions() -> dict[tuple[EntryState, EntryAction], EntryState]:
    block = re.findall(r"```mermaid\n(.*?)```", DRAWING.read_text(encoding="utf-8"), re.S)[0]
    lines = re.findall(r"^\s*(\w+) --> (\w+) : (\w+)\s*$", block, re.M)
    return {(EntryState(a), EntryAction(act)): EntryState(b) for a, b, act in lines}


def drawn_start() -> EntryState:
    block = re.findall(r"```mermaid\n(.*?)```", DRAWING.read_text(encoding="utf-8"), re.S)[0]
    (start,) = re.findall(r"^\s*\[\*\] --> (\w+)\s*$", block, re.M)
    return EntryState(start)


def test_code_matches_the_drawing() -> None:
    assert drawn_transitions() == dict(entry.TRANSITIONS)
    assert drawn_start() is Sheet().state
    assert {a for _, a in drawn_transitions()} == set(EntryAction)


def small_validator(counts: Mapping[str, int]) -> Sequence[Finding]:
    """Errors for values over 9; a warning for a non-zero cell named "x"."""
    found = [Finding("too_big", "error", k, f"{k} 过大") for k, v in counts.items() if v > 9]
    if counts.get("x"):
        found.append(Finding("odd_cell", "warning", "x", "x 不常见"))
    return found


def test_two_clerks_agree() -> None:
    sheet, action = entry.submit(Sheet(), "甲", {"a": 3, "b": 0}, validate=small_validator)
    assert action is EntryAction.FINALISE_FIRST
    assert sheet.state is EntryState.SECOND_ENTRY
    sheet, action = entry.submit(sheet, "乙", {"a": 3}, validate=small_validator)
    assert action is EntryAction.SECOND_MATCHES
    assert sheet.state is EntryState.DEFINITIVE
    assert sheet.result == {"a": 3, "b": 0}


def test_same_clerk_twice_is_refused() -> None:
    sheet, _ = entry.submit(Sheet(), "甲", {"a": 3}, validate=small_validator)
    with pytest.raises(EntryError) as err:
        entry.submit(sheet, "甲", {"a": 3}, validate=small_validator)
    assert err.value.code == "same_clerk"


def test_errors_refuse_warnings_need_acknowledging() -> None:
    with pytest.raises(EntryError) as err:
        entry.submit(Sheet(), "甲", {"a": 10}, validate=small_validator)
    assert err.value.code == "has_errors"
    assert [f.code for f in err.value.findings] == ["too_big"]
    with pytest.raises(EntryError) as err:
        entry.submit(Sheet(), "甲", {"a": -1}, validate=small_validator)
    assert [f.code for f in err.value.findings] == ["not_a_count"]
    with pytest.raises(EntryError) as err:
        entry.submit(Sheet(), "甲", {"x": 1}, validate=small_validator)
    assert err.value.code == "unacknowledged_warnings"
    sheet, _ = entry.submit(Sheet(), "甲", {"x": 1}, validate=small_validator, acknowledged=True)
    assert sheet.first is not None
    assert [w.code for w in sheet.first.warnings] == ["odd_cell"]


def test_differences_resolved_by_a_third_person() -> None:
    sheet, _ = entry.submit(Sheet(), "甲", {"a": 3, "b": 1}, validate=small_validator)
    sheet, action = entry.submit(sheet, "乙", {"a": 3, "b": 2}, validate=small_validator)
    assert action is EntryAction.SECOND_DIFFERS
    assert sheet.state is EntryState.ENTRIES_DIFFERENT
    assert sheet.first is not None
    assert sheet.second is not None
    assert entry.differences(sheet.first.counts, sheet.second.counts) == ("b",)
    for clerk in ("甲", "乙"):
        with pytest.raises(EntryError) as err:
            entry.resolve(sheet, EntryAction.KEEP_SECOND, coordinator=clerk)
        assert err.value.code == "coordinator_is_clerk"
    done = entry.resolve(sheet, EntryAction.KEEP_SECOND, coordinator="丙")
    assert done.state is EntryState.DEFINITIVE
    assert done.result == {"a": 3, "b": 2}
    again = entry.resolve(sheet, EntryAction.DISCARD_BOTH, coordinator="丙")
    assert again == Sheet(history=again.history)
    with pytest.raises(EntryError) as err:
        entry.resolve(done, EntryAction.REOPEN, coordinator="丁", reason=" ")
    assert err.value.code == "reason_required"
    assert entry.resolve(
        done, EntryAction.REOPEN, coordinator="丁", reason="发现漏计一箱"
    ).state is (EntryState.FIRST_ENTRY)


POSTS = {"chair": ("主任", 1), "member": ("委员", 3)}


def sheet_counts(**votes: int) -> dict[str, int]:
    counts = {
        issued_key("chair"): 100,
        returned_key("chair"): 90,
        issued_key("member"): 100,
        returned_key("member"): 90,
    }
    for name, v in votes.items():
        post, _, who = name.partition("_")
        counts[votes_key(post, who)] = v
    return counts


def codes(counts: Mapping[str, int], nominees: Sequence[str] = ("甲", "乙", "丙")) -> list[str]:
    return [f.code for f in nomination_findings(counts, posts=POSTS, nominees=nominees)]


def test_nomination_sheet_findings() -> None:
    assert codes(sheet_counts(chair_甲=50, chair_乙=40, member_丙=80)) == []
    assert codes(sheet_counts(chair_甲=50, chair_乙=41)) == ["votes_exceed_capacity"]
    assert codes(sheet_counts(member_甲=91)) == ["nominee_exceeds_returned"]
    # 90 ballots × 3 seats = 270 votes at most for 委员
    assert codes(sheet_counts(member_甲=90, member_乙=90, member_丙=90)) == []
    over = sheet_counts(member_甲=90, member_乙=90, member_丙=90, member_丁=1)
    assert codes(over) == ["votes_exceed_capacity", "unknown_name"]
    bad = sheet_counts()
    bad[returned_key("chair")] = 101
    assert codes(bad) == ["returned_exceeds_issued"]
    bad = sheet_counts()
    bad["vice:returned"] = 1
    bad["chair:votes"] = 1
    assert codes(bad) == ["unknown_key", "unknown_key"]
    empty = sheet_counts()
    empty[returned_key("member")] = 0
    assert codes(empty) == ["no_ballots_returned"]
    found = nomination_findings(over, posts=POSTS, nominees=("甲", "乙", "丙"))
    assert "270" in found[0].message
    assert found[1].level == "warning"


CLERKS = ("甲", "乙", "丙")
CELL = st.dictionaries(st.sampled_from(["a", "b", "x"]), st.integers(0, 11), max_size=3)


class DoubleEntryMachine(RuleBasedStateMachine):
    """Random entries and resolutions by random people. The model is the drawing plus the
    rules of who may act; the system is core.entry."""

    def __init__(self) -> None:
        super().__init__()
        self.sheet = Sheet()
        self.table = drawn_transitions()
        self.state = drawn_start()
        self.first: tuple[str, dict[str, int]] | None = None
        self.second: tuple[str, dict[str, int]] | None = None
        self.result: dict[str, int] | None = None

    def _expect_submit(
        self, clerk: str, counts: dict[str, int], ack: bool
    ) -> tuple[EntryAction | None, str]:
        if self.state is EntryState.FIRST_ENTRY:
            action = EntryAction.FINALISE_FIRST
        elif self.state is EntryState.SECOND_ENTRY:
            assert self.first is not None
            if clerk == self.first[0]:
                return None, "same_clerk"
            keys = set(counts) | set(self.first[1])
            same = all(counts.get(k, 0) == self.first[1].get(k, 0) for k in keys)
            action = EntryAction.SECOND_MATCHES if same else EntryAction.SECOND_DIFFERS
        else:
            return None, "not_allowed"
        if any(v > 9 for v in counts.values()):
            return None, "has_errors"
        if counts.get("x") and not ack:
            return None, "unacknowledged_warnings"
        assert (self.state, action) in self.table
        return action, ""

    @rule(clerk=st.sampled_from(CLERKS), counts=CELL, ack=st.booleans())
    def submit(self, clerk: str, counts: dict[str, int], ack: bool) -> None:
        expected, code = self._expect_submit(clerk, counts, ack)
        action = None
        try:
            self.sheet, action = entry.submit(
                self.sheet, clerk, counts, validate=small_validator, acknowledged=ack
            )
        except EntryError as err:
            got = err.code
        else:
            got = ""
        if got:
            assert expected is None
            assert got == code
            return
        assert action is expected
        assert action is not None
        before = self.state
        self.state = self.table[(before, action)]
        if before is EntryState.FIRST_ENTRY:
            self.first = (clerk, counts)
        else:
            self.second = (clerk, counts)
            if self.state is EntryState.DEFINITIVE:
                assert self.first is not None
                self.result = self.first[1]

    @rule(
        action=st.sampled_from(sorted(entry.COORDINATOR_ACTIONS)),
        coordinator=st.sampled_from(CLERKS),
        reason=st.sampled_from(["", "复核"]),
    )
    def resolve(self, action: EntryAction, coordinator: str, reason: str) -> None:
        clerks = {e[0] for e in (self.first, self.second) if e is not None}
        if (self.state, action) not in self.table:
            code = "not_allowed"
        elif coordinator in clerks:
            code = "coordinator_is_clerk"
        elif action is EntryAction.REOPEN and not reason:
            code = "reason_required"
        else:
            code = ""
        try:
            self.sheet = entry.resolve(self.sheet, action, coordinator=coordinator, reason=reason)
        except EntryError as err:
            got = err.code
        else:
            got = ""
        assert got == code
        if got:
            return
        self.state = self.table[(self.state, action)]
        if self.state is EntryState.FIRST_ENTRY:
            self.first = self.second = self.result = None
        else:
            kept = self.first if action is EntryAction.KEEP_FIRST else self.second
            assert kept is not None
            self.result = kept[1]

    @invariant()
    def agrees(self) -> None:
        assert self.sheet.state is self.state
        if self.state is EntryState.DEFINITIVE:
            assert self.result is not None
            assert self.sheet.result is not None
            assert not entry.differences(self.sheet.result, self.result)
        else:
            assert self.sheet.result is None

    @invariant()
    def two_different_clerks(self) -> None:
        if self.sheet.first and self.sheet.second:
            assert self.sheet.first.clerk != self.sheet.second.clerk

    @invariant()
    def second_entry_never_exposed_before_it_is_made(self) -> None:
        if self.state in (EntryState.FIRST_ENTRY, EntryState.SECOND_ENTRY):
            assert self.sheet.second is None


TestDoubleEntryMachine = DoubleEntryMachine.TestCase
