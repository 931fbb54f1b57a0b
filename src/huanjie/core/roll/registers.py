"""The registers kept beside the roll: newly eligible, the difference against the previous roll,
and the order of villager groups on the posted list.

选民登记 is done so that there are no duplicates, omissions or errors (不重、不漏、不错). A
village's roll is the previous roll plus those newly of age or newly moved in, less those who
moved away or died (provincial rules: e.g. "每次选举前应对上次选民登记以后新满十八周岁、新迁入
本村具有选民资格……的村民，予以补充登记；对死亡……的人，予以注销" [S]). These functions compare
plain values; the caller loads the two rolls.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Final

from huanjie.core.roll.idcard import is_of_age

__all__ = [
    "ChangedEntry",
    "Entry",
    "RollDiff",
    "chinese_number",
    "diff_rolls",
    "group_order_key",
    "turned_of_age",
]


@dataclass(frozen=True, slots=True)
class Entry:
    """What the comparison looks at for one person, keyed elsewhere by ID number."""

    name: str
    group: str = ""
    category: str = ""
    address: str = ""


FIELD_LABELS: Final = {
    "name": "姓名",
    "group": "村民小组",
    "category": "登记类别",
    "address": "住址",
}


@dataclass(frozen=True, slots=True)
class ChangedEntry:
    id_number: str
    before: Entry
    after: Entry
    fields: tuple[str, ...]

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(FIELD_LABELS[f] for f in self.fields)


@dataclass(frozen=True, slots=True)
class RollDiff:
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[ChangedEntry, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def diff_rolls(previous: Mapping[str, Entry], current: Mapping[str, Entry]) -> RollDiff:
    """Who is on the current roll and not the previous (added), the reverse (removed), and
    whose name, group, category or address changed — all by ID number, sorted by it."""
    added = tuple(sorted(k for k in current if k not in previous))
    removed = tuple(sorted(k for k in previous if k not in current))
    changed: list[ChangedEntry] = []
    for key in sorted(k for k in current if k in previous):
        before, after = previous[key], current[key]
        fields = tuple(f for f in FIELD_LABELS if getattr(before, f) != getattr(after, f))
        if fields:
            changed.append(ChangedEntry(key, before, after, fields))
    return RollDiff(added, removed, tuple(changed))


def turned_of_age(birth: date, since: date, day: date, years: int = 18) -> bool:
    """Whether someone born on ``birth`` was under ``years`` on ``since`` (the previous
    election day) and has reached it on ``day`` (this election day)."""
    return not is_of_age(birth, since, years) and is_of_age(birth, day, years)


_DIGITS: Final = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS: Final = {"十": 10, "百": 100, "千": 1000}


def chinese_number(text: str) -> int | None:
    """The value of a number written in Chinese numerals (十二, 二十, 一百零五) or digits."""
    if not text:
        return None
    if text.isdigit():
        return int(text)
    total = 0
    current = 0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch in _UNITS:
            total += (current or 1) * _UNITS[ch]
            current = 0
        else:
            return None
    return total + current


def group_order_key(name: str) -> tuple[int, int, str]:
    """Sort key of a villager group's name: by the first number in it (第二组 before 第十组,
    3组 before 12组), then by the name; names without a number come last."""
    run = ""
    for ch in name:
        if ch.isdigit() or ch in _DIGITS or ch in _UNITS:
            run += ch
        elif run:
            break
    value = chinese_number(run) if run else None
    if value is None:
        return (1, 0, name)
    return (0, value, name)
