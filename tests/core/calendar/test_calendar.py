"""Statutory calendar: holiday table, 民法典 第201–203条 periods, profile deadlines.

rules.md §0 (counting deadlines), §10 examples 18 and 21.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huanjie.core.calendar import (
    ELECTION_DAY,
    DeadlineRule,
    DeadlineRuleError,
    HolidayCalendar,
    HolidayDataMissingError,
    ScheduleError,
    add_period,
    bundled_calendar,
    is_rest_day,
    schedule,
)
from huanjie.core.citations import CIVIL_CODE_PERIODS, Article

ORGANIC_LAW = "村民委员会组织法"


def rule(
    rule_id: str, source: str, days: int, kind: str, ref: str = "第十四条", **extra: Any
) -> dict[str, Any]:
    return {
        "id": rule_id,
        "label": rule_id,
        "from": source,
        "days": days,
        "kind": kind,
        "citation": {"law": ORGANIC_LAW, "ref": ref, "status": "V"},
        **extra,
    }


PROFILE: list[dict[str, Any]] = [
    {
        "id": "voter_list_published",
        "label": "公布选民名单",
        "from": "election_day",
        "days": -20,
        "kind": "no_later_than",
        "citation": {"law": ORGANIC_LAW, "ref": "第十四条第一款", "status": "V"},
    },
    {
        "id": "objection_filing_closes",
        "label": "选民名单申诉期限届满",
        "from": "voter_list_published",
        "days": 5,
        "kind": "within",
        "citation": {"law": ORGANIC_LAW, "ref": "第十四条第二款", "status": "V"},
    },
    {
        "id": "handover_due",
        "label": "工作移交完成",
        "from": "election_day",
        "days": 10,
        "kind": "within",
        "citation": {"law": ORGANIC_LAW, "ref": "第二十条", "status": "V"},
    },
    {
        "id": "seal_handover",
        "label": "公章移交",
        "from": "election_day",
        "days": 0,
        "kind": "on",
        "citation": {"law": "上海市村民委员会选举办法", "ref": "第二十四条", "status": "V"},
    },
]


def profile_rules() -> list[DeadlineRule]:
    return [DeadlineRule.from_data(d) for d in PROFILE]


# --- the bundled holiday table ------------------------------------------------------------


def test_covered_years_and_notices() -> None:
    cal = bundled_calendar()
    assert cal.covered_years == (2025, 2026)
    y2025, y2026, y2027 = cal.year(2025), cal.year(2026), cal.year(2027)
    assert y2025 is not None
    assert y2026 is not None
    assert y2027 is not None
    assert y2025.notice_number == "国办发明电〔2024〕12号"
    assert y2025.issued == date(2024, 11, 12)
    assert y2026.notice_title == "国务院办公厅关于2026年部分节假日安排的通知"
    assert y2026.issued == date(2025, 11, 4)
    assert y2027.status == "not_available"
    assert not y2027.official


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (
            2025,
            {"元旦": 1, "春节": 8, "清明节": 3, "劳动节": 5, "端午节": 3, "国庆节、中秋节": 8},
        ),
        (
            2026,
            {
                "元旦": 3,
                "春节": 9,
                "清明节": 3,
                "劳动节": 5,
                "端午节": 3,
                "中秋节": 3,
                "国庆节": 7,
            },
        ),
    ],
)
def test_holiday_lengths_match_the_notices(year: int, expected: dict[str, int]) -> None:
    table = bundled_calendar().year(year)
    assert table is not None
    assert {p.name: p.days for p in table.periods} == expected
    for period in table.periods:
        assert (period.last - period.first).days + 1 == period.days


def test_adjusted_working_days_are_all_weekend_days() -> None:
    cal = bundled_calendar()
    expected = {
        date(2025, 1, 26),
        date(2025, 2, 8),
        date(2025, 4, 27),
        date(2025, 9, 28),
        date(2025, 10, 11),
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    }
    found = set()
    for year in (2025, 2026):
        table = cal.year(year)
        assert table is not None
        assert table.working_days is not None
        found |= set(table.working_days)
    assert found == expected
    for day in expected:
        assert day.weekday() >= 5
        assert not is_rest_day(day)
        assert cal.working_day_for(day)


@pytest.mark.parametrize(
    ("day", "rest", "reason"),
    [
        (date(2025, 1, 1), True, "元旦"),
        (date(2025, 1, 2), False, None),
        (date(2025, 2, 4), True, "春节"),  # a Tuesday inside the Spring Festival
        (date(2025, 10, 8), True, "国庆节、中秋节"),
        (date(2025, 11, 15), True, "周六"),  # ordinary weekend
        (date(2025, 11, 16), True, "周日"),
        (date(2025, 11, 17), False, None),
        (date(2026, 1, 3), True, "元旦"),
        (date(2026, 1, 4), False, None),  # Sunday, 调休上班
        (date(2026, 2, 14), False, None),  # Saturday, 调休上班
        (date(2026, 2, 23), True, "春节"),  # Monday
        (date(2026, 2, 28), False, None),  # Saturday, 调休上班
        (date(2026, 10, 10), False, None),  # Saturday, 调休上班
    ],
)
def test_rest_days(day: date, rest: bool, reason: str | None) -> None:
    assert is_rest_day(day) is rest
    assert bundled_calendar().rest_reason(day) == reason


# --- rules.md §10 example 18 -------------------------------------------------------------


def test_example_18_voter_list_and_objection_window() -> None:
    result = {d.id: d for d in schedule(profile_rules(), date(2026, 1, 17))}

    listed = result["voter_list_published"]
    assert listed.date == date(2025, 12, 28)
    assert listed.extended_from is None
    assert "U:backward_reading" in listed.flags
    assert "on_rest_day" in listed.flags  # a Sunday, noted but not moved
    assert listed.citation == Article(ORGANIC_LAW, "第十四条第一款", "V")

    # 5 days from 2025-12-28: day 1 is 12-29, day 5 is Fri 2026-01-02 — inside the
    # 2026 New Year holiday (1–3 January, 国办发明电〔2025〕7号). The period ends the day
    # after the holiday: Sun 2026-01-04, itself a 调休 working day.
    objections = result["objection_filing_closes"]
    assert objections.from_date == date(2025, 12, 28)
    assert objections.extended_from == date(2026, 1, 2)
    assert objections.date == date(2026, 1, 4)
    assert objections.counting == CIVIL_CODE_PERIODS
    assert "extended" in objections.flags
    assert any("二十四时" in note for note in objections.notes)
    assert add_period(date(2025, 12, 28), 5) == (date(2026, 1, 4), True)


def test_example_18_with_the_list_actually_published_earlier() -> None:
    result = {
        d.id: d
        for d in schedule(
            profile_rules(),
            date(2026, 1, 17),
            actual={"voter_list_published": date(2025, 12, 20)},
        )
    }
    assert result["voter_list_published"].date == date(2025, 12, 28)  # still the latest date
    objections = result["objection_filing_closes"]
    assert objections.from_date == date(2025, 12, 20)
    assert objections.date == date(2025, 12, 25)
    assert objections.extended_from is None


# --- rules.md §10 example 21 -------------------------------------------------------------


def test_example_21_handover() -> None:
    result = {d.id: d for d in schedule(profile_rules(), date(2025, 12, 20))}
    assert result["handover_due"].date == date(2025, 12, 30)
    assert result["handover_due"].extended_from is None
    assert result["seal_handover"].date == date(2025, 12, 20)
    assert result["seal_handover"].counting is None


def test_schedule_is_ordered_by_date() -> None:
    out = schedule(profile_rules(), date(2026, 1, 17))
    assert [d.id for d in out] == [
        "voter_list_published",
        "objection_filing_closes",
        "seal_handover",
        "handover_due",
    ]
    assert [d.date for d in out] == sorted(d.date for d in out)


def test_at_least_before() -> None:
    rules = [
        DeadlineRule.from_data(rule("candidates_published", ELECTION_DAY, -5, "at_least_before"))
    ]
    (only,) = schedule(rules, date(2026, 1, 17))
    assert only.date == date(2026, 1, 12)
    assert "U:backward_reading" in only.flags


def test_backward_deadline_is_not_moved_by_a_holiday() -> None:
    # Election 2026-03-13: 20 days before is Sat 2026-02-21, inside the Spring Festival.
    rules = [DeadlineRule.from_data(PROFILE[0])]
    (listed,) = schedule(rules, date(2026, 3, 13))
    assert listed.date == date(2026, 2, 21)
    assert listed.extended_from is None
    assert "on_rest_day" in listed.flags


# --- holiday extension ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "end", "extended"),
    [
        # Spring Festival 2025 (1-28 … 2-04): nominal 1-30 → Wed 2-05.
        (date(2025, 1, 25), 5, date(2025, 2, 5), True),
        # Spring Festival 2026 (2-15 … 2-23): nominal Sun 2-15 → Tue 2-24.
        (date(2026, 2, 10), 5, date(2026, 2, 24), True),
        # National Day + Mid-Autumn 2025 (10-01 … 10-08): nominal 10-03 → Thu 10-09.
        (date(2025, 9, 26), 7, date(2025, 10, 9), True),
        # National Day 2026 (10-01 … 10-07): nominal 10-04 → Thu 10-08.
        (date(2026, 9, 24), 10, date(2026, 10, 8), True),
        # Mid-Autumn 2026 (Fri 9-25 … Sun 9-27): nominal 9-25 → Mon 9-28.
        (date(2026, 9, 20), 5, date(2026, 9, 28), True),
        # Ordinary weekend: nominal Sat 2025-11-15 → Mon 11-17.
        (date(2025, 11, 10), 5, date(2025, 11, 17), True),
        # 调休 working Saturday 2026-02-28 is not a rest day: no extension.
        (date(2026, 2, 23), 5, date(2026, 2, 28), False),
        # 调休 working Saturday 2025-10-11, right after the National Day holiday.
        (date(2025, 10, 6), 5, date(2025, 10, 11), False),
        # 调休 working Sunday 2026-01-04.
        (date(2025, 12, 30), 5, date(2026, 1, 4), False),
        # A plain working day.
        (date(2025, 12, 20), 10, date(2025, 12, 30), False),
    ],
)
def test_add_period(start: date, days: int, end: date, extended: bool) -> None:
    result = add_period(start, days)
    assert result == (end, extended)
    assert result.end == end
    assert result.extended is extended


def test_reading_without_weekends() -> None:
    cal = bundled_calendar(weekends_are_rest_days=False)
    assert cal.add_period(date(2025, 11, 10), 5) == (date(2025, 11, 15), False)
    assert cal.add_period(date(2025, 12, 28), 5) == (date(2026, 1, 4), True)
    assert not cal.is_rest_day(date(2025, 11, 16))


@pytest.mark.parametrize("days", [0, -1, True])
def test_add_period_needs_a_positive_whole_number(days: int) -> None:
    with pytest.raises(ValueError, match="≥ 1"):
        add_period(date(2025, 6, 1), days)


# --- years not covered ----------------------------------------------------------------------


def test_year_not_covered_raises() -> None:
    with pytest.raises(HolidayDataMissingError) as info:
        add_period(date(2026, 12, 28), 5)  # nominal 2027-01-02
    assert info.value.year == 2027
    assert info.value.status == "not_available"
    assert "2027" in str(info.value)
    with pytest.raises(HolidayDataMissingError):
        is_rest_day(date(2027, 1, 1))
    with pytest.raises(HolidayDataMissingError) as before:
        is_rest_day(date(2024, 12, 31))
    assert before.value.status == "absent"
    assert isinstance(before.value, LookupError)


def test_schedule_into_an_uncovered_year() -> None:
    with pytest.raises(HolidayDataMissingError):
        schedule(profile_rules(), date(2027, 1, 20))
    result = {d.id: d for d in schedule(profile_rules(), date(2027, 1, 20), strict=False)}
    assert result["voter_list_published"].date == date(2026, 12, 31)  # backward: no table needed
    assert "holiday_data_missing" not in result["voter_list_published"].flags
    handover = result["handover_due"]
    assert handover.date == date(2027, 1, 30)  # unadjusted
    assert "holiday_data_missing" in handover.flags
    assert result["seal_handover"].flags == ("holiday_data_missing",)


def test_backward_deadline_in_an_uncovered_year_is_flagged_not_raised() -> None:
    (listed,) = schedule([DeadlineRule.from_data(PROFILE[0])], date(2025, 1, 10))
    assert listed.date == date(2024, 12, 21)
    assert "holiday_data_missing" in listed.flags


# --- rule data and scheduling errors -------------------------------------------------------


def test_from_data_round_trip() -> None:
    parsed = DeadlineRule.from_data(PROFILE[1])
    assert parsed.id == "objection_filing_closes"
    assert parsed.from_ == "voter_list_published"
    assert parsed.days == 5
    assert parsed.kind == "within"
    assert parsed.citation == Article(ORGANIC_LAW, "第十四条第二款", "V")
    assert DeadlineRule.from_data({**PROFILE[1], "note": "申诉人须书面提出"}).note


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({k: v for k, v in PROFILE[0].items() if k != "days"}, "missing"),
        ({**PROFILE[0], "form": "election_day"}, "unknown keys"),
        ({**PROFILE[0], "kind": "before"}, "kind"),
        ({**PROFILE[0], "days": True}, "integer"),
        ({**PROFILE[0], "days": -20.0}, "integer"),
        ({**PROFILE[0], "days": 20}, "≤ 0"),
        ({**PROFILE[1], "days": 0}, "≥ 1"),
        ({**PROFILE[0], "id": ""}, "non-empty"),
        ({**PROFILE[0], "id": "election_day"}, "election_day"),
        ({**PROFILE[0], "label": 3}, "label must be a string"),
        ({**PROFILE[0], "citation": {"law": ORGANIC_LAW, "ref": 14}}, "citation"),
        ({**PROFILE[0], "citation": {"law": ORGANIC_LAW, "ref": "x", "status": "Q"}}, "V/S/U"),
    ],
)
def test_from_data_rejects(data: dict[str, Any], message: str) -> None:
    with pytest.raises(DeadlineRuleError, match=message):
        DeadlineRule.from_data(data)


def test_unknown_from() -> None:
    rules = [DeadlineRule.from_data(rule("a", "nomination_day", 3, "within"))]
    with pytest.raises(ScheduleError, match="unknown 'from' 'nomination_day'"):
        schedule(rules, date(2025, 12, 20))


def test_cycle() -> None:
    rules = [
        DeadlineRule.from_data(rule("a", "b", 3, "within")),
        DeadlineRule.from_data(rule("b", "c", 3, "within")),
        DeadlineRule.from_data(rule("c", "a", -2, "no_later_than")),
    ]
    with pytest.raises(ScheduleError, match="cycle: a → b → c → a"):
        schedule(rules, date(2025, 12, 20))
    with pytest.raises(ScheduleError, match="cycle"):
        schedule([DeadlineRule.from_data(rule("self", "self", 0, "on"))], date(2025, 12, 20))


def test_duplicate_ids_and_unknown_actual() -> None:
    with pytest.raises(ScheduleError, match="duplicate"):
        schedule([*profile_rules(), profile_rules()[0]], date(2025, 12, 20))
    with pytest.raises(ScheduleError, match="unknown deadlines"):
        schedule(profile_rules(), date(2025, 12, 20), actual={"nope": date(2025, 1, 1)})


def test_rules_may_be_listed_in_any_order() -> None:
    forward = schedule(profile_rules(), date(2026, 1, 17))
    backward = schedule(list(reversed(profile_rules())), date(2026, 1, 17))
    assert {d.id: d.date for d in forward} == {d.id: d.date for d in backward}


def test_custom_calendar_data() -> None:
    data = {
        "years": {
            "2030": {
                "status": "official",
                "notice": {"title": "t", "number": "n", "issued": "2029-11-01"},
                "holidays": [
                    {"name": "元旦", "first": "2030-01-01", "last": "2030-01-01", "days": 1}
                ],
                "working_days": [],
            }
        }
    }
    cal = HolidayCalendar.from_data(data)
    assert cal.covered_years == (2030,)
    assert cal.add_period(date(2029, 12, 31), 1) == (date(2030, 1, 2), True)
    with pytest.raises(ValueError, match="not 2 days"):
        HolidayCalendar.from_data(
            {
                "years": {
                    "2030": {
                        **data["years"]["2030"],
                        "holidays": [
                            {"name": "元旦", "first": "2030-01-01", "last": "2030-01-01", "days": 2}
                        ],
                    }
                }
            }
        )


# --- properties ---------------------------------------------------------------------------------


@given(
    st.dates(min_value=date(2024, 12, 31), max_value=date(2026, 11, 30)),
    st.integers(min_value=1, max_value=25),
)
def test_forward_period_end_is_never_early_and_never_a_rest_day(start: date, days: int) -> None:
    end, extended = add_period(start, days)
    nominal = start + timedelta(days=days)
    assert end >= nominal
    assert not is_rest_day(end)
    assert extended == (end != nominal)
    # Minimal: every day skipped was a rest day.
    day = nominal
    while day < end:
        assert is_rest_day(day)
        day += timedelta(days=1)


@given(st.dates(min_value=date(2025, 2, 1), max_value=date(2026, 12, 10)))
def test_schedule_properties(election_day: date) -> None:
    out = schedule(profile_rules(), election_day)
    assert [d.date for d in out] == sorted(d.date for d in out)
    by_id = {d.id: d for d in out}
    assert by_id["voter_list_published"].date == election_day - timedelta(days=20)
    assert by_id["seal_handover"].date == election_day
    for deadline in out:
        if deadline.kind == "within":
            assert deadline.date >= deadline.from_date + timedelta(days=deadline.days)
            assert not is_rest_day(deadline.date)
            assert (deadline.extended_from is not None) == ("extended" in deadline.flags)
