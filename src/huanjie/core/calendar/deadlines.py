"""Statutory deadlines computed from rule-profile data.

A rule (profile JSON, written by the profile authors) looks like::

    {"id": "voter_list_published", "label": "公布选民名单", "from": "election_day",
     "days": -20, "kind": "no_later_than",
     "citation": {"law": "村民委员会组织法", "ref": "第十四条第一款", "status": "V"}}

``from`` is ``"election_day"`` or the id of another rule; ``kind`` is one of

* ``"no_later_than"`` / ``"at_least_before"`` — a backward deadline such as
  "选举日的二十日前" or "选举日五日前": the latest allowed date is
  ``base + days`` (``days`` ≤ 0). Holidays do not move it. This is an
  interpretation flagged [U] (rules.md §11 item 7): whether day 20 itself is
  allowed, and whether a rest day should pull the deadline earlier, is not settled
  by the statute. The result carries the flag ``"U:backward_reading"``.
* ``"within"`` — a forward period of ``days`` ≥ 1 days under 民法典 第二百零一条至
  第二百零三条: counted from the day after ``base``; a last day on a 法定休假日 moves
  to the day after the rest days; the last day ends at 24:00.
* ``"on"`` — the same day as ``base`` shifted by ``days`` (usually 0), unadjusted.

:func:`schedule` resolves the dependencies, computes every date and returns them
sorted by date, each with its citation, the counting rule applied, the date it
was moved from (if any), notes in Chinese for the clerk, and machine flags.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Final, Literal, cast

from huanjie.core.calendar.holidays import (
    HolidayCalendar,
    HolidayDataMissingError,
    bundled_calendar,
)
from huanjie.core.citations import CIVIL_CODE_PERIODS, Article

__all__ = [
    "ELECTION_DAY",
    "KINDS",
    "DeadlineRule",
    "DeadlineRuleError",
    "Kind",
    "ScheduleError",
    "ScheduledDeadline",
    "schedule",
]

Kind = Literal["no_later_than", "within", "at_least_before", "on"]
KINDS: Final[frozenset[str]] = frozenset({"no_later_than", "within", "at_least_before", "on"})
ELECTION_DAY: Final = "election_day"

# ScheduledDeadline has a field named ``date``; annotate with this alias inside it.
_Date = date

_REQUIRED_KEYS: Final = frozenset({"id", "label", "from", "days", "kind", "citation"})
_OPTIONAL_KEYS: Final = frozenset({"note"})
_BACKWARD: Final = frozenset({"no_later_than", "at_least_before"})

# Machine flags on a ScheduledDeadline.
FLAG_BACKWARD_READING: Final = "U:backward_reading"  # rules.md §11 item 7
FLAG_EXTENDED: Final = "extended"  # moved past rest days (民法典 第二百零三条)
FLAG_ON_REST_DAY: Final = "on_rest_day"  # falls on a rest day and is not moved
FLAG_HOLIDAY_DATA_MISSING: Final = "holiday_data_missing"  # year not in holidays.json


class DeadlineRuleError(ValueError):
    """A rule in the profile data is malformed."""


class ScheduleError(ValueError):
    """The rules cannot be scheduled: duplicate id, unknown ``from``, or a cycle."""


@dataclass(frozen=True, slots=True)
class DeadlineRule:
    """One deadline of a rule profile."""

    id: str
    label: str
    from_: str
    days: int
    kind: Kind
    citation: Article
    note: str = ""

    def __post_init__(self) -> None:
        if not self.id or self.id == ELECTION_DAY:
            raise DeadlineRuleError(f"rule id must be non-empty and not {ELECTION_DAY!r}")
        if self.kind not in KINDS:
            raise DeadlineRuleError(f"{self.id}: kind must be one of {sorted(KINDS)}")
        if isinstance(self.days, bool) or not isinstance(self.days, int):
            raise DeadlineRuleError(f"{self.id}: days must be an integer")
        if self.kind in _BACKWARD and self.days > 0:
            raise DeadlineRuleError(
                f"{self.id}: kind {self.kind!r} counts back, so days must be ≤ 0 "
                f"(e.g. -20 for 选举日的二十日前); use 'within' for a forward period"
            )
        if self.kind == "within" and self.days < 1:
            raise DeadlineRuleError(
                f"{self.id}: kind 'within' is a forward period, days must be ≥ 1"
            )

    @classmethod
    def from_data(cls, data: Mapping[str, object]) -> DeadlineRule:
        """Build a rule from profile JSON (keys: id, label, from, days, kind, citation[, note])."""
        if not isinstance(data, Mapping):
            raise DeadlineRuleError(f"a deadline rule must be an object, got {data!r}")
        keys = set(data)
        missing = _REQUIRED_KEYS - keys
        unknown = keys - _REQUIRED_KEYS - _OPTIONAL_KEYS
        name = data.get("id", "?")
        if missing:
            raise DeadlineRuleError(f"deadline rule {name!r}: missing {sorted(missing)}")
        if unknown:
            raise DeadlineRuleError(f"deadline rule {name!r}: unknown keys {sorted(unknown)}")
        for key in ("id", "label", "from", "kind"):
            if not isinstance(data[key], str):
                raise DeadlineRuleError(f"deadline rule {name!r}: {key} must be a string")
        note = data.get("note", "")
        if not isinstance(note, str):
            raise DeadlineRuleError(f"deadline rule {name!r}: note must be a string")
        days = data["days"]
        if isinstance(days, bool) or not isinstance(days, int):
            raise DeadlineRuleError(f"deadline rule {name!r}: days must be an integer")
        kind = data["kind"]
        if kind not in KINDS:
            raise DeadlineRuleError(
                f"deadline rule {name!r}: kind {kind!r} is not one of {sorted(KINDS)}"
            )
        try:
            citation = Article.parse(data["citation"])
        except ValueError as exc:
            raise DeadlineRuleError(f"deadline rule {name!r}: {exc}") from exc
        return cls(
            id=cast(str, data["id"]),
            label=cast(str, data["label"]),
            from_=cast(str, data["from"]),
            days=days,
            kind=cast(Kind, kind),
            citation=citation,
            note=note,
        )


@dataclass(frozen=True, slots=True)
class ScheduledDeadline:
    """A computed deadline.

    ``date`` is the latest allowed date (backward kinds), the last day of the period
    ending at 24:00 (``within``), or the day itself (``on``). ``from_id``/``from_date``
    are the base it was counted from; ``extended_from`` is the nominal last day when
    a rest day moved it. ``counting`` cites the counting rule applied, if any.
    """

    id: str
    label: str
    date: _Date
    kind: Kind
    citation: Article
    from_id: str
    from_date: _Date
    days: int
    extended_from: _Date | None = None
    counting: Article | None = None
    notes: tuple[str, ...] = ()
    flags: tuple[str, ...] = field(default=())


def _order(rules: Sequence[DeadlineRule]) -> list[DeadlineRule]:
    """Topological order (bases before dependents), stable in the input order."""
    by_id: dict[str, DeadlineRule] = {}
    for rule in rules:
        if rule.id in by_id:
            raise ScheduleError(f"duplicate deadline id {rule.id!r}")
        by_id[rule.id] = rule
    for rule in rules:
        if rule.from_ != ELECTION_DAY and rule.from_ not in by_id:
            raise ScheduleError(
                f"deadline {rule.id!r}: unknown 'from' {rule.from_!r} "
                f"(expected {ELECTION_DAY!r} or one of {sorted(by_id)})"
            )
    ordered: list[DeadlineRule] = []
    state: dict[str, int] = {}  # 1 = in progress, 2 = done

    def visit(rule: DeadlineRule, path: list[str]) -> None:
        mark = state.get(rule.id)
        if mark == 2:
            return
        if mark == 1:
            cycle = [*path[path.index(rule.id) :], rule.id]
            raise ScheduleError(f"deadline rules form a cycle: {' → '.join(cycle)}")
        state[rule.id] = 1
        if rule.from_ != ELECTION_DAY:
            visit(by_id[rule.from_], [*path, rule.id])
        state[rule.id] = 2
        ordered.append(rule)

    for rule in rules:
        visit(rule, [])
    return ordered


def _rest_note(cal: HolidayCalendar, day: date) -> tuple[str | None, bool]:
    """(rest reason or None, whether the holiday table covers the day)."""
    try:
        return cal.rest_reason(day), True
    except HolidayDataMissingError:
        return None, False


def _compute(
    rule: DeadlineRule, base: date, base_note: str, cal: HolidayCalendar, *, strict: bool
) -> ScheduledDeadline:
    notes: list[str] = []
    flags: list[str] = []
    if base_note:
        notes.append(base_note)
    if rule.note:
        notes.append(rule.note)
    extended_from: date | None = None
    counting: Article | None = None

    if rule.kind in _BACKWARD:
        day = base + timedelta(days=rule.days)
        notes.append(
            f"{base.isoformat()} 前 {-rule.days} 日为 {day.isoformat()}，应不迟于该日；"
            f"倒数期限不因节假日顺延（解释待确认 [U]，rules.md §11 第7项）"
        )
        flags.append(FLAG_BACKWARD_READING)
        reason, covered = _rest_note(cal, day)
        if not covered:
            flags.append(FLAG_HOLIDAY_DATA_MISSING)
            notes.append(f"未收录 {day.year} 年节假日安排，未核对该日是否为休息日")
        elif reason is not None:
            flags.append(FLAG_ON_REST_DAY)
            notes.append(f"{day.isoformat()} 为休息日（{reason}），如需在工作日办理应提前")
    elif rule.kind == "on":
        day = base + timedelta(days=rule.days)
        reason, covered = _rest_note(cal, day)
        if not covered:
            flags.append(FLAG_HOLIDAY_DATA_MISSING)
        elif reason is not None:
            flags.append(FLAG_ON_REST_DAY)
            notes.append(f"{day.isoformat()} 为休息日（{reason}），按规定当日办理")
    else:  # within
        counting = CIVIL_CODE_PERIODS
        nominal = base + timedelta(days=rule.days)
        notes.append(
            f"自 {(base + timedelta(days=1)).isoformat()} 起算（开始的当日不计入，"
            f"民法典第二百零一条），第 {rule.days} 日为 {nominal.isoformat()}"
        )
        try:
            day, extended = cal.add_period(base, rule.days)
        except HolidayDataMissingError as exc:
            if strict:
                raise
            day, extended = nominal, False
            flags.append(FLAG_HOLIDAY_DATA_MISSING)
            notes.append(
                f"未收录 {exc.year} 年节假日安排：{nominal.isoformat()} 未按法定休假日核对，"
                f"可能需要顺延"
            )
        if extended:
            extended_from = nominal
            flags.append(FLAG_EXTENDED)
            notes.append(
                f"{nominal.isoformat()} 为法定休假日（{cal.rest_reason(nominal)}），"
                f"以休假日结束的次日 {day.isoformat()} 为期间的最后一日"
                f"（民法典第二百零三条第一款）"
            )
        notes.append(f"截止时间为 {day.isoformat()} 二十四时（民法典第二百零三条第二款）")

    return ScheduledDeadline(
        id=rule.id,
        label=rule.label,
        date=day,
        kind=rule.kind,
        citation=rule.citation,
        from_id=rule.from_,
        from_date=base,
        days=rule.days,
        extended_from=extended_from,
        counting=counting,
        notes=tuple(notes),
        flags=tuple(flags),
    )


def schedule(
    rules: Sequence[DeadlineRule],
    election_day: date,
    *,
    calendar: HolidayCalendar | None = None,
    actual: Mapping[str, date] | None = None,
    strict: bool = True,
) -> list[ScheduledDeadline]:
    """Compute every deadline for ``election_day``, ordered by date.

    ``actual`` maps rule ids to the dates the events really happened (e.g. the list
    was published earlier than the latest allowed date); dependents then count from
    the actual date. With ``strict`` (default) a forward period reaching a year
    without an official holiday table raises :class:`HolidayDataMissingError`; with
    ``strict=False`` it returns the unadjusted date flagged ``holiday_data_missing``.
    Raises :class:`ScheduleError` for duplicate ids, an unknown ``from`` or a cycle.
    """
    cal = calendar if calendar is not None else bundled_calendar()
    actual = actual or {}
    unknown_actual = set(actual) - {r.id for r in rules}
    if unknown_actual:
        raise ScheduleError(f"actual dates given for unknown deadlines {sorted(unknown_actual)}")
    bases: dict[str, date] = {ELECTION_DAY: election_day}
    results: dict[str, ScheduledDeadline] = {}
    position: dict[str, int] = {}
    for index, rule in enumerate(_order(rules)):
        base = bases[rule.from_]
        base_note = ""
        if rule.from_ in actual:
            base_note = f"以“{results[rule.from_].label}”的实际日期 {base.isoformat()} 起算"
        results[rule.id] = _compute(rule, base, base_note, cal, strict=strict)
        position[rule.id] = index
        bases[rule.id] = actual.get(rule.id, results[rule.id].date)
    return sorted(results.values(), key=lambda d: (d.date, position[d.id]))
