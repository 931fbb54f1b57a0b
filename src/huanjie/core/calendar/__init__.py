"""Statutory calendar: official rest days and election deadlines.

* :func:`is_rest_day`, :func:`add_period` — 民法典 第二百零一条至第二百零三条 over the
  State Council holiday notices bundled in ``data/holidays.json``
  (:class:`HolidayCalendar` for other readings or data).
* :class:`DeadlineRule`, :func:`schedule` — deadlines of a rule profile.

See docs/calendar.md for the sources and the open interpretation questions.
"""

from huanjie.core.calendar.deadlines import (
    ELECTION_DAY,
    DeadlineRule,
    DeadlineRuleError,
    ScheduledDeadline,
    ScheduleError,
    schedule,
)
from huanjie.core.calendar.holidays import (
    HolidayCalendar,
    HolidayDataMissingError,
    PeriodEnd,
    add_period,
    bundled_calendar,
    is_rest_day,
)

__all__ = [
    "ELECTION_DAY",
    "DeadlineRule",
    "DeadlineRuleError",
    "HolidayCalendar",
    "HolidayDataMissingError",
    "PeriodEnd",
    "ScheduleError",
    "ScheduledDeadline",
    "add_period",
    "bundled_calendar",
    "is_rest_day",
    "schedule",
]
