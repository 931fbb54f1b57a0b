"""Double entry (双人录入) of a paper tally: two clerks type the same sheet, a third resolves.

The model is the data-entry machine of the Dutch Kiesraad's *Abacus*, reduced to whole-sheet
entries (no saving half a form). Drawn in ``docs/state-machines/double-entry.md``; the test
``tests/core/test_entry.py`` reads the drawing and checks this module against it.

* ``first_entry``: nobody has entered the sheet yet. A clerk submits it (``finalise_first``).
* ``second_entry``: a *different* clerk types the sheet again without seeing the first entry.
  If both are equal the sheet is ``definitive`` (``second_matches``); otherwise
  ``entries_different`` (``second_differs``).
* ``entries_different``: a coordinator who typed neither entry compares them side by side and
  keeps the first, keeps the second, or discards both (back to ``first_entry``).
* A coordinator may also discard a lone first entry, or reopen a definitive sheet with a
  reason; both start over from ``first_entry``.

The payload is generic: a mapping from a key (the cell of the sheet, e.g. ``chair:returned``)
to a whole number ≥ 0; a missing key counts as 0. Every entry is validated by a caller-given
function that returns findings: an *error* refuses the entry (the sheet cannot be right); a
*warning* must be acknowledged by the clerk before the entry is accepted. Codes are stable.

This module also carries the validator of a nomination tally (:func:`nomination_findings`);
the election-day tally reuses the machine with its own validator. Pure: standard library only.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Literal


class EntryState(StrEnum):
    FIRST_ENTRY = "first_entry"
    SECOND_ENTRY = "second_entry"
    ENTRIES_DIFFERENT = "entries_different"
    DEFINITIVE = "definitive"


class EntryAction(StrEnum):
    FINALISE_FIRST = "finalise_first"
    SECOND_MATCHES = "second_matches"
    SECOND_DIFFERS = "second_differs"
    DISCARD_FIRST = "discard_first"
    KEEP_FIRST = "keep_first"
    KEEP_SECOND = "keep_second"
    DISCARD_BOTH = "discard_both"
    REOPEN = "reopen"


STATE_LABELS: Mapping[EntryState, str] = {
    EntryState.FIRST_ENTRY: "待第一次录入",
    EntryState.SECOND_ENTRY: "待第二次录入",
    EntryState.ENTRIES_DIFFERENT: "两次录入不一致，待核对",
    EntryState.DEFINITIVE: "已确定",
}
ACTION_LABELS: Mapping[EntryAction, str] = {
    EntryAction.FINALISE_FIRST: "第一次录入",
    EntryAction.SECOND_MATCHES: "第二次录入（一致）",
    EntryAction.SECOND_DIFFERS: "第二次录入（不一致）",
    EntryAction.DISCARD_FIRST: "作废第一次录入",
    EntryAction.KEEP_FIRST: "采用第一次录入",
    EntryAction.KEEP_SECOND: "采用第二次录入",
    EntryAction.DISCARD_BOTH: "两次录入均作废",
    EntryAction.REOPEN: "重新录入",
}

#: (from, action) → to; the drawing in docs/state-machines/double-entry.md is checked
#: against this table by the tests.
TRANSITIONS: Mapping[tuple[EntryState, EntryAction], EntryState] = {
    (EntryState.FIRST_ENTRY, EntryAction.FINALISE_FIRST): EntryState.SECOND_ENTRY,
    (EntryState.SECOND_ENTRY, EntryAction.SECOND_MATCHES): EntryState.DEFINITIVE,
    (EntryState.SECOND_ENTRY, EntryAction.SECOND_DIFFERS): EntryState.ENTRIES_DIFFERENT,
    (EntryState.SECOND_ENTRY, EntryAction.DISCARD_FIRST): EntryState.FIRST_ENTRY,
    (EntryState.ENTRIES_DIFFERENT, EntryAction.KEEP_FIRST): EntryState.DEFINITIVE,
    (EntryState.ENTRIES_DIFFERENT, EntryAction.KEEP_SECOND): EntryState.DEFINITIVE,
    (EntryState.ENTRIES_DIFFERENT, EntryAction.DISCARD_BOTH): EntryState.FIRST_ENTRY,
    (EntryState.DEFINITIVE, EntryAction.REOPEN): EntryState.FIRST_ENTRY,
}

#: Actions a clerk causes by submitting an entry; the rest are the coordinator's.
CLERK_ACTIONS: frozenset[EntryAction] = frozenset(
    {EntryAction.FINALISE_FIRST, EntryAction.SECOND_MATCHES, EntryAction.SECOND_DIFFERS}
)
COORDINATOR_ACTIONS: frozenset[EntryAction] = frozenset(set(EntryAction) - CLERK_ACTIONS)

Level = Literal["error", "warning"]
Counts = Mapping[str, int]


@dataclass(frozen=True, slots=True)
class Finding:
    """One result of validating an entry. ``key`` is the cell concerned ("" for the sheet)."""

    code: str
    level: Level
    key: str
    message: str


Validator = Callable[[Counts], Sequence[Finding]]


@dataclass(frozen=True, slots=True)
class Entry:
    """One clerk's entry of the whole sheet, with the warnings the clerk acknowledged."""

    clerk: str
    counts: Mapping[str, int]
    warnings: tuple[Finding, ...] = ()


@dataclass(frozen=True, slots=True)
class Sheet:
    """Where one tally sheet stands. ``result`` is set only when ``definitive``."""

    state: EntryState = EntryState.FIRST_ENTRY
    first: Entry | None = None
    second: Entry | None = None
    result: Mapping[str, int] | None = None
    resolution: EntryAction | None = None
    coordinator: str | None = None
    history: tuple[tuple[EntryAction, str], ...] = field(default=())


class EntryError(ValueError):
    """An entry or resolution that is refused; ``code`` is stable, the message is Chinese."""

    def __init__(self, code: str, message: str, findings: Sequence[Finding] = ()) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.findings = tuple(findings)


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def basic_findings(counts: Mapping[str, object]) -> list[Finding]:
    """Every value must be a whole number ≥ 0 and every key a non-empty string."""
    found = []
    for key, value in counts.items():
        if not isinstance(key, str) or not key.strip():
            found.append(Finding("bad_key", "error", str(key), "录入项名称不能为空"))
        elif not _is_count(value):
            found.append(
                Finding("not_a_count", "error", key, f"“{key}”应为不小于 0 的整数，实为 {value!r}")
            )
    return found


def differences(a: Counts, b: Counts) -> tuple[str, ...]:
    """The keys whose values differ between two entries (a missing key counts as 0)."""
    return tuple(sorted(k for k in set(a) | set(b) if a.get(k, 0) != b.get(k, 0)))


def check(counts: Mapping[str, object], validate: Validator) -> list[Finding]:
    """Basic checks, then (if they pass) the caller's validator."""
    basic = basic_findings(counts)
    if basic:
        return basic
    clean = {k: int(v) for k, v in counts.items() if isinstance(v, int)}
    return list(validate(clean))


def _step(sheet: Sheet, action: EntryAction) -> EntryState:
    target = TRANSITIONS.get((sheet.state, action))
    if target is None:
        raise EntryError(
            "not_allowed",
            f"当前状态为“{STATE_LABELS[sheet.state]}”，不能“{ACTION_LABELS[action]}”",
        )
    return target


def submit(
    sheet: Sheet,
    clerk: str,
    counts: Mapping[str, object],
    *,
    validate: Validator,
    acknowledged: bool = False,
) -> tuple[Sheet, EntryAction]:
    """A clerk submits the whole sheet. Returns the new sheet and what happened.

    Refused (:class:`EntryError`) when the sheet is not waiting for an entry
    (``not_allowed``), the clerk already made the first entry (``same_clerk``), the entry
    has errors (``has_errors``), or has warnings the clerk did not acknowledge
    (``unacknowledged_warnings``); the findings are attached to the error.
    """
    if not clerk.strip():
        raise EntryError("no_clerk", "录入人不能为空")
    if sheet.state is EntryState.FIRST_ENTRY:
        action = EntryAction.FINALISE_FIRST
    elif sheet.state is EntryState.SECOND_ENTRY:
        action = EntryAction.SECOND_MATCHES  # or SECOND_DIFFERS, decided below
    else:
        raise EntryError("not_allowed", f"当前状态为“{STATE_LABELS[sheet.state]}”，不接受录入")
    if sheet.state is EntryState.SECOND_ENTRY and sheet.first and sheet.first.clerk == clerk:
        raise EntryError("same_clerk", "第二次录入须由另一名录入人完成，不能由第一次录入人重复录入")
    findings = check(counts, validate)
    errors = [f for f in findings if f.level == "error"]
    if errors:
        raise EntryError("has_errors", "录入有误：" + "；".join(f.message for f in errors), errors)
    warnings = tuple(f for f in findings if f.level == "warning")
    if warnings and not acknowledged:
        raise EntryError(
            "unacknowledged_warnings",
            "请核对以下提示并确认后再提交：" + "；".join(f.message for f in warnings),
            warnings,
        )
    clean = {k: int(v) for k, v in sorted(counts.items()) if isinstance(v, int)}
    entry = Entry(clerk=clerk, counts=clean, warnings=warnings)
    if sheet.state is EntryState.FIRST_ENTRY:
        return (
            replace(
                sheet,
                state=_step(sheet, action),
                first=entry,
                history=(*sheet.history, (action, clerk)),
            ),
            action,
        )
    assert sheet.first is not None
    if differences(sheet.first.counts, clean):
        action = EntryAction.SECOND_DIFFERS
    target = _step(sheet, action)
    return (
        replace(
            sheet,
            state=target,
            second=entry,
            result=dict(sheet.first.counts) if target is EntryState.DEFINITIVE else None,
            history=(*sheet.history, (action, clerk)),
        ),
        action,
    )


def resolve(sheet: Sheet, action: EntryAction, *, coordinator: str, reason: str = "") -> Sheet:
    """A coordinator acts: discard a first entry, keep one of two different entries,
    discard both, or reopen a definitive sheet (with a reason). The coordinator must not be
    either clerk of the entries concerned (``coordinator_is_clerk``)."""
    if action not in COORDINATOR_ACTIONS:
        raise EntryError("not_a_resolution", f"“{ACTION_LABELS[action]}”不是核对人的操作")
    if not coordinator.strip():
        raise EntryError("no_coordinator", "核对人不能为空")
    target = _step(sheet, action)
    clerks = {e.clerk for e in (sheet.first, sheet.second) if e is not None}
    if coordinator in clerks:
        raise EntryError("coordinator_is_clerk", "核对人不能是本表的录入人，须由第三人核对处理")
    if action is EntryAction.REOPEN and not reason.strip():
        raise EntryError("reason_required", "重新录入已确定的结果须说明理由")
    history = (*sheet.history, (action, coordinator))
    if target is EntryState.FIRST_ENTRY:
        return Sheet(history=history)
    kept = sheet.first if action is EntryAction.KEEP_FIRST else sheet.second
    assert kept is not None
    return replace(
        sheet,
        state=target,
        result=dict(kept.counts),
        resolution=action,
        coordinator=coordinator,
        history=history,
    )


def warnings_json(e: Entry | None) -> list[dict[str, str]]:
    """The warnings a clerk acknowledged with an entry, as stored beside it."""
    if e is None:
        return []
    return [
        {"code": w.code, "level": w.level, "key": w.key, "message": w.message} for w in e.warnings
    ]


def available(state: EntryState) -> tuple[EntryAction, ...]:
    """The actions that lead anywhere from ``state`` (whoever may perform them)."""
    return tuple(a for a in EntryAction if (state, a) in TRANSITIONS)


# --- Nomination tally sheets ---------------------------------------------------------------

ISSUED = "issued"
RETURNED = "returned"
VOTES = "votes"


def issued_key(post: str) -> str:
    return f"{post}:{ISSUED}"


def returned_key(post: str) -> str:
    return f"{post}:{RETURNED}"


def votes_key(post: str, nominee: str) -> str:
    return f"{post}:{VOTES}:{nominee}"


def split_key(key: str) -> tuple[str, str, str]:
    """``(post, kind, nominee)`` of a nomination sheet key; ``nominee`` is "" for counts."""
    post, _, rest = key.partition(":")
    kind, _, nominee = rest.partition(":")
    return post, kind, nominee


def nomination_votes(counts: Counts, post: str) -> dict[str, int]:
    """The nominee → votes of one post on a nomination sheet (zeros left out)."""
    votes = {}
    for key, value in counts.items():
        p, kind, nominee = split_key(key)
        if p == post and kind == VOTES and value:
            votes[nominee] = value
    return votes


def nomination_findings(
    counts: Counts,
    *,
    posts: Mapping[str, tuple[str, int]],
    nominees: Collection[str],
) -> list[Finding]:
    """Validate a nomination tally sheet.

    ``posts`` maps a post key to ``(label, seats)``; ``nominees`` are the names on the list
    of people nominated. Errors: a key that is no cell of the sheet; more ballots returned
    than issued; one person with more votes on a post than ballots returned; all votes for a
    post more than ballots returned × seats (a ballot names at most ``seats`` people per
    post). Warnings: a name not on the list of nominees; a post with no ballots returned.
    """
    found: list[Finding] = []
    known = set(nominees)
    unknown_names: set[str] = set()
    for key in counts:
        post, kind, nominee = split_key(key)
        if (
            post not in posts
            or kind not in (ISSUED, RETURNED, VOTES)
            or ((kind == VOTES) != bool(nominee))
        ):
            found.append(Finding("unknown_key", "error", key, f"“{key}”不是提名票统计表中的项目"))
        elif kind == VOTES and nominee not in known and counts[key]:
            unknown_names.add(nominee)
    for post, (label, seats) in posts.items():
        issued = counts.get(issued_key(post), 0)
        returned = counts.get(returned_key(post), 0)
        if returned > issued:
            found.append(
                Finding(
                    "returned_exceeds_issued",
                    "error",
                    returned_key(post),
                    f"{label}：收回提名票 {returned} 张，多于发出的 {issued} 张",
                )
            )
        votes = nomination_votes(counts, post)
        for nominee, v in sorted(votes.items()):
            if v > returned:
                found.append(
                    Finding(
                        "nominee_exceeds_returned",
                        "error",
                        votes_key(post, nominee),
                        f"{label}：{nominee} 得 {v} 票，多于收回的提名票 {returned} 张",
                    )
                )
        total = sum(votes.values())
        if total > returned * seats:
            found.append(
                Finding(
                    "votes_exceed_capacity",
                    "error",
                    returned_key(post),
                    f"{label}：提名票数合计 {total}，超过收回票数 × 应选名额（{returned} × {seats}"
                    f" = {returned * seats}）",
                )
            )
        if returned == 0:
            found.append(
                Finding(
                    "no_ballots_returned",
                    "warning",
                    returned_key(post),
                    f"{label}：收回提名票为 0 张",
                )
            )
    for name in sorted(unknown_names):
        found.append(
            Finding(
                "unknown_name",
                "warning",
                name,
                f"“{name}”不在被提名人名单中（将无法成为候选人，除非先列入名单并重新录入）",
            )
        )
    return found
