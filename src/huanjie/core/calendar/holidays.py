"""Statutory rest days and forward periods (民法典 第二百零一条至第二百零三条).

Reading of 法定休假日 used here (see docs/calendar.md):

* the days the State Council notice lists as 放假 (holidays and the weekend days
  folded into them) are rest days;
* ordinary Saturdays and Sundays (公休日) are rest days too: this is the usual
  reading of "法定休假日" — the Supreme People's Court's 2014-12-12 answer on
  counting time limits names "星期六、星期日、'五一'、'十一'、元旦、春节等" as the
  days on which a period's last day is moved [S]; the repealed 民通意见 第198条 said
  "星期日或者其他法定休假日" and followed the *actual* rest days where they were
  rearranged [S, from memory, not re-verified];
* a Saturday or Sunday that the notice makes a working day (调休上班) is *not* a
  rest day.

Dates in a year whose notice is not in ``data/holidays.json`` raise
:class:`HolidayDataMissingError`: the engine never guesses a holiday schedule.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Final, NamedTuple

from huanjie.core.citations import Article

__all__ = [
    "CIVIL_CODE_ART_201",
    "CIVIL_CODE_ART_203",
    "HolidayCalendar",
    "HolidayDataMissingError",
    "HolidayPeriod",
    "PeriodEnd",
    "YearTable",
    "add_period",
    "bundled_calendar",
    "is_rest_day",
]

CIVIL_CODE_ART_201: Final = Article("民法典", "第二百零一条第一款")
CIVIL_CODE_ART_203: Final = Article("民法典", "第二百零三条")

_WEEKDAY_ZH: Final = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_ONE_DAY: Final = timedelta(days=1)


class HolidayDataMissingError(LookupError):
    """A date falls in a year for which no official holiday notice is recorded."""

    def __init__(self, day: date, status: str = "absent") -> None:
        self.day = day
        self.year = day.year
        self.status = status
        super().__init__(
            f"未收录 {day.year} 年国务院办公厅节假日安排（状态：{status}），"
            f"无法判断 {day.isoformat()} 是否为法定休假日；"
            f"请在通知公布后补录 huanjie/core/calendar/data/holidays.json。"
            f" (no official holiday table for {day.year}: cannot tell whether "
            f"{day.isoformat()} is a statutory rest day)"
        )


@dataclass(frozen=True, slots=True)
class HolidayPeriod:
    """One 放假调休 block of a notice, both ends inclusive."""

    name: str
    first: date
    last: date
    days: int

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last


@dataclass(frozen=True, slots=True)
class YearTable:
    """The holiday arrangement of one year, as published by the State Council."""

    year: int
    status: str
    notice_title: str = ""
    notice_number: str = ""
    issued: date | None = None
    url: str = ""
    periods: tuple[HolidayPeriod, ...] = ()
    working_days: Mapping[date, str] | None = None
    note: str = ""

    @property
    def official(self) -> bool:
        return self.status == "official"


class PeriodEnd(NamedTuple):
    """The last day of a forward period and whether 民法典 第二百零三条 moved it."""

    end: date
    extended: bool


def _as_date(value: object, where: str) -> date:
    if not isinstance(value, str):
        raise ValueError(f"{where}: expected an ISO date string, got {value!r}")
    return date.fromisoformat(value)


def _as_str(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{where}: expected a string, got {value!r}")
    return value


def _parse_year(year: int, raw: object) -> YearTable:
    if not isinstance(raw, Mapping):
        raise ValueError(f"holidays {year}: expected an object")
    status = _as_str(raw.get("status"), f"holidays {year}.status")
    if status != "official":
        return YearTable(year=year, status=status, note=str(raw.get("note", "")))
    notice = raw.get("notice")
    if not isinstance(notice, Mapping):
        raise ValueError(f"holidays {year}: an official year needs its notice")
    periods: list[HolidayPeriod] = []
    for i, item in enumerate(raw.get("holidays", ())):
        where = f"holidays {year}.holidays[{i}]"
        if not isinstance(item, Mapping):
            raise ValueError(f"{where}: expected an object")
        days = item.get("days")
        if not isinstance(days, int) or isinstance(days, bool):
            raise ValueError(f"{where}.days: expected an integer")
        period = HolidayPeriod(
            name=_as_str(item.get("name"), f"{where}.name"),
            first=_as_date(item.get("first"), f"{where}.first"),
            last=_as_date(item.get("last"), f"{where}.last"),
            days=days,
        )
        if (period.last - period.first).days + 1 != period.days:
            raise ValueError(f"{where}: {period.first}–{period.last} is not {period.days} days")
        periods.append(period)
    working: dict[date, str] = {}
    for i, item in enumerate(raw.get("working_days", ())):
        where = f"holidays {year}.working_days[{i}]"
        if not isinstance(item, Mapping):
            raise ValueError(f"{where}: expected an object")
        day = _as_date(item.get("date"), f"{where}.date")
        if day.weekday() < 5:
            raise ValueError(f"{where}: {day} is a weekday, not a 调休 working weekend day")
        working[day] = _as_str(item.get("for"), f"{where}.for")
    issued = notice.get("issued")
    return YearTable(
        year=year,
        status=status,
        notice_title=_as_str(notice.get("title"), f"holidays {year}.notice.title"),
        notice_number=_as_str(notice.get("number"), f"holidays {year}.notice.number"),
        issued=_as_date(issued, f"holidays {year}.notice.issued") if issued else None,
        url=_as_str(notice.get("url", ""), f"holidays {year}.notice.url"),
        periods=tuple(periods),
        working_days=working,
    )


class HolidayCalendar:
    """Rest days of the mainland national calendar, from official notices.

    ``weekends_are_rest_days`` selects the reading of 法定休假日: ``True`` (the
    default and the usual reading) treats ordinary Saturdays and Sundays as rest
    days; ``False`` counts only the notice's 放假 days.
    """

    def __init__(
        self, years: Mapping[int, YearTable], *, weekends_are_rest_days: bool = True
    ) -> None:
        self._years = dict(years)
        self.weekends_are_rest_days = weekends_are_rest_days
        self._holiday: dict[date, str] = {}
        self._working: dict[date, str] = {}
        for table in self._years.values():
            if not table.official:
                continue
            for period in table.periods:
                day = period.first
                while day <= period.last:
                    self._holiday[day] = period.name
                    day += _ONE_DAY
            self._working.update(table.working_days or {})
        clash = set(self._holiday) & set(self._working)
        if clash:
            raise ValueError(f"days both 放假 and 上班: {sorted(clash)}")

    @classmethod
    def from_data(
        cls, data: Mapping[str, object], *, weekends_are_rest_days: bool = True
    ) -> HolidayCalendar:
        """Build from the ``holidays.json`` structure."""
        years = data.get("years")
        if not isinstance(years, Mapping):
            raise ValueError("holidays data: 'years' must be an object")
        tables = {int(y): _parse_year(int(y), raw) for y, raw in years.items()}
        return cls(tables, weekends_are_rest_days=weekends_are_rest_days)

    def year(self, year: int) -> YearTable | None:
        return self._years.get(year)

    @property
    def covered_years(self) -> tuple[int, ...]:
        """Years with an official notice, ascending."""
        return tuple(sorted(y for y, t in self._years.items() if t.official))

    def covers(self, day: date) -> bool:
        table = self._years.get(day.year)
        return table is not None and table.official

    def _require(self, day: date) -> None:
        table = self._years.get(day.year)
        if table is None or not table.official:
            raise HolidayDataMissingError(day, table.status if table else "absent")

    def rest_reason(self, day: date) -> str | None:
        """Why ``day`` is a rest day (``"春节"``, ``"周六"`` …), or None for a working day.

        Raises :class:`HolidayDataMissingError` for a year without an official notice.
        """
        self._require(day)
        name = self._holiday.get(day)
        if name is not None:
            return name
        if day in self._working:
            return None
        if self.weekends_are_rest_days and day.weekday() >= 5:
            return _WEEKDAY_ZH[day.weekday()]
        return None

    def is_rest_day(self, day: date) -> bool:
        """Whether ``day`` is a 法定休假日 under the reading above."""
        return self.rest_reason(day) is not None

    def working_day_for(self, day: date) -> str | None:
        """The holiday a 调休 working weekend day makes up for, if any."""
        self._require(day)
        return self._working.get(day)

    def add_period(self, start: date, days: int) -> PeriodEnd:
        """The last day of a period of ``days`` days triggered on ``start``.

        民法典 第二百零一条第一款: the triggering day is not counted, so day 1 is
        ``start + 1`` and the nominal last day is ``start + days``.
        第二百零三条第一款: if that day is a 法定休假日, the period ends on the day
        after the rest days end (repeated across adjoining holidays and weekends).
        第二百零三条第二款: the last day ends at 24:00 (the caller's concern).
        """
        if isinstance(days, bool) or not isinstance(days, int) or days < 1:
            raise ValueError(f"a forward period needs a whole number of days ≥ 1, got {days!r}")
        nominal = start + timedelta(days=days)
        end = nominal
        while self.is_rest_day(end):
            end += _ONE_DAY
        return PeriodEnd(end, end != nominal)


@cache
def _bundled(weekends_are_rest_days: bool) -> HolidayCalendar:
    text = (
        resources.files("huanjie.core.calendar")
        .joinpath("data/holidays.json")
        .read_text(encoding="utf-8")
    )
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("holidays.json: expected an object")
    return HolidayCalendar.from_data(data, weekends_are_rest_days=weekends_are_rest_days)


def bundled_calendar(*, weekends_are_rest_days: bool = True) -> HolidayCalendar:
    """The calendar built from the bundled ``data/holidays.json`` (loaded once)."""
    return _bundled(weekends_are_rest_days)


def is_rest_day(day: date) -> bool:
    """``bundled_calendar().is_rest_day(day)``."""
    return bundled_calendar().is_rest_day(day)


def add_period(start: date, days: int) -> PeriodEnd:
    """``bundled_calendar().add_period(start, days)``: returns ``(end, extended)``."""
    return bundled_calendar().add_period(start, days)
