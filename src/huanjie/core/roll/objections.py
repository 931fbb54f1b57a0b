"""The published voter list and objections to it (选民名单公布与申诉): 村民委员会组织法 第十四条.

* 第一款 [V]: the list of voters is published by the 村民选举委员会 **20 days before
  election day** (选举日的二十日前). The latest allowed day comes from the profile's
  ``voter_list_published`` deadline (see docs/calendar.md §4 for the reading).
* 第二款 [V]: an objection must be raised **within 5 days of publication** (自名单公布之日起
  五日内); the committee decides **within 3 days of receiving it** (自收到申诉之日起三日内)
  and publishes the decision.

Periods are counted by 民法典 第二百零一条至第二百零三条 (:func:`huanjie.core.calendar.add_period`):
the day of publication (or receipt) is not counted, and a last day falling on a rest day
moves to the next working day. For a year whose holiday notice is not in the bundled table
the period is counted in calendar days without extension, and the result says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from huanjie.core.calendar import HolidayDataMissingError, add_period
from huanjie.core.citations import CIVIL_CODE_PERIODS, Article

__all__ = [
    "DECISION_DAYS",
    "FILING_DAYS",
    "LIST_PUBLICATION",
    "OBJECTIONS",
    "Refusal",
    "Window",
    "check_decision",
    "check_filing",
    "check_publication",
    "decision_due",
    "filing_closes",
]

LIST_PUBLICATION: Final = Article("村民委员会组织法", "第十四条第一款")
OBJECTIONS: Final = Article("村民委员会组织法", "第十四条第二款")
FILING_DAYS: Final = 5
DECISION_DAYS: Final = 3


@dataclass(frozen=True, slots=True)
class Window:
    """The last day of a period (it ends at 24:00), how it was counted, and the article."""

    last_day: date
    extended: bool
    article: Article
    note: str = ""

    @property
    def text(self) -> str:
        extra = "（遇法定休假日顺延）" if self.extended else ""
        return f"{self.last_day.isoformat()} 24 时{extra}"


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why an act is refused, naming the date that bounds it and the article."""

    code: str
    message_zh: str
    article: Article

    def __str__(self) -> str:
        return f"{self.message_zh}（{self.article}）"


def _period(start: date, days: int, article: Article) -> Window:
    try:
        end, extended = add_period(start, days)
    except HolidayDataMissingError:
        nominal = start + timedelta(days=days)
        return Window(
            nominal,
            False,
            article,
            f"{nominal.year} 年节假日安排尚未录入，按日历日计算，未作顺延（{CIVIL_CODE_PERIODS}）",
        )
    return Window(end, extended, article)


def filing_closes(published_on: date) -> Window:
    """The last day to raise an objection to a list published on ``published_on``."""
    return _period(published_on, FILING_DAYS, OBJECTIONS)


def decision_due(received_on: date) -> Window:
    """The last day for the committee's decision on an objection received on ``received_on``."""
    return _period(received_on, DECISION_DAYS, OBJECTIONS)


def check_publication(
    published_on: date, *, latest: date, election_day: date, today: date
) -> Refusal | None:
    """Whether the list may be recorded as published on ``published_on``.

    ``latest`` is the profile's ``voter_list_published`` deadline (election day − 20).
    """
    if published_on > today:
        return Refusal(
            "future",
            f"公布日期 {published_on.isoformat()} 晚于今天，请在实际张榜后登记",
            LIST_PUBLICATION,
        )
    if published_on > latest:
        return Refusal(
            "late",
            f"选民名单应当在选举日（{election_day.isoformat()}）的二十日前公布，即不迟于 "
            f"{latest.isoformat()}；{published_on.isoformat()} 已超过期限",
            LIST_PUBLICATION,
        )
    return None


def check_filing(published_on: date, filed_on: date, *, today: date) -> Refusal | None:
    """Whether an objection received on ``filed_on`` may be accepted."""
    if filed_on > today:
        return Refusal("future", f"收到日期 {filed_on.isoformat()} 晚于今天", OBJECTIONS)
    if filed_on < published_on:
        return Refusal(
            "before_publication",
            f"收到日期 {filed_on.isoformat()} 早于选民名单公布日期 {published_on.isoformat()}",
            OBJECTIONS,
        )
    window = filing_closes(published_on)
    if filed_on > window.last_day:
        return Refusal(
            "late",
            f"申诉应当自名单公布之日（{published_on.isoformat()}）起五日内提出，期限至 "
            f"{window.text}届满；{filed_on.isoformat()} 收到的申诉已逾期，不予受理",
            OBJECTIONS,
        )
    return None


def check_decision(filed_on: date, decided_on: date, *, today: date) -> Refusal | None:
    """Refuses a decision dated before receipt or in the future. A decision after the three
    days is still a decision (the objection must be answered); the caller flags it late."""
    if decided_on > today:
        return Refusal("future", f"决定日期 {decided_on.isoformat()} 晚于今天", OBJECTIONS)
    if decided_on < filed_on:
        return Refusal(
            "before_filing",
            f"决定日期 {decided_on.isoformat()} 早于收到申诉的日期 {filed_on.isoformat()}",
            OBJECTIONS,
        )
    return None
