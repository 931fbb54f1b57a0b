"""Registers beside the roll, objection windows and voter-card codes."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from huanjie.core.roll import cards
from huanjie.core.roll.objections import (
    OBJECTIONS,
    check_decision,
    check_filing,
    check_publication,
    decision_due,
    filing_closes,
)
from huanjie.core.roll.registers import (
    Entry,
    chinese_number,
    diff_rolls,
    group_order_key,
    turned_of_age,
)


def test_diff_by_id_number() -> None:
    before = {"1": Entry("张三", "一组"), "2": Entry("李四"), "3": Entry("王五", "二组")}
    after = {"1": Entry("张三", "二组"), "3": Entry("王五", "二组"), "4": Entry("赵六")}
    d = diff_rolls(before, after)
    assert d.added == ("4",)
    assert d.removed == ("2",)
    assert [(c.id_number, c.labels) for c in d.changed] == [("1", ("村民小组",))]
    assert diff_rolls(after, after).empty


def test_turned_of_age_between_elections() -> None:
    prev, now = date(2021, 12, 20), date(2026, 12, 20)
    assert turned_of_age(date(2005, 6, 1), prev, now)
    assert not turned_of_age(date(2003, 12, 20), prev, now)  # 18 on the previous day already
    assert turned_of_age(date(2003, 12, 21), prev, now)
    assert not turned_of_age(date(2008, 12, 21), prev, now)  # not yet 18


def test_group_order() -> None:
    names = ["第十二村民小组", "第二村民小组", "第十村民小组", "第一村民小组", "3组", "后山组"]
    assert sorted(names, key=group_order_key) == [
        "第一村民小组",
        "第二村民小组",
        "3组",
        "第十村民小组",
        "第十二村民小组",
        "后山组",
    ]
    assert [chinese_number(t) for t in ("十", "二十", "二十三", "一百零五", "12")] == [
        10,
        20,
        23,
        105,
        12,
    ]


def test_objection_windows_count_from_the_day_after() -> None:
    # Published Mon 2026-11-23: day 5 is Sat 11-28, a rest day → Mon 11-30 (民法典 第二百零三条).
    w = filing_closes(date(2026, 11, 23))
    assert (w.last_day, w.extended, w.article) == (date(2026, 11, 30), True, OBJECTIONS)
    assert check_filing(date(2026, 11, 23), date(2026, 11, 30), today=date(2026, 12, 1)) is None
    late = check_filing(date(2026, 11, 23), date(2026, 12, 1), today=date(2026, 12, 1))
    assert late is not None
    assert late.code == "late"
    assert "2026-11-30" in late.message_zh
    assert "第十四条第二款" in str(late)
    # Received Wed 2026-11-25: three days → Sat 11-28 → Mon 11-30.
    assert decision_due(date(2026, 11, 25)).last_day == date(2026, 11, 30)
    early = check_decision(date(2026, 11, 25), date(2026, 11, 24), today=date(2026, 12, 1))
    assert early is not None


def test_years_without_a_holiday_table_count_calendar_days() -> None:
    w = filing_closes(date(2027, 6, 1))
    assert w.last_day == date(2027, 6, 6)
    assert "未作顺延" in w.note


def test_publication_no_later_than_the_deadline() -> None:
    latest = date(2026, 11, 30)
    ok = check_publication(
        date(2026, 11, 30), latest=latest, election_day=date(2026, 12, 20), today=date(2026, 12, 1)
    )
    assert ok is None
    late = check_publication(
        date(2026, 12, 1), latest=latest, election_day=date(2026, 12, 20), today=date(2026, 12, 2)
    )
    assert late is not None
    assert "二十日前" in late.message_zh


KEY = b"secret"


def test_card_serial_and_payload() -> None:
    s = cards.serial("330523101", 12, 7)
    assert s == "330523101-12-000007"
    text = cards.payload(s, KEY)
    assert cards.verify(text, KEY) == s
    assert cards.verify(text, b"other") is None
    forged = text.replace("000007", "000008")
    assert cards.verify(forged, KEY) is None
    assert cards.verify("garbage", KEY) is None


@given(st.integers(min_value=1, max_value=999_999), st.integers(min_value=1, max_value=99))
def test_every_serial_round_trips(n: int, term: int) -> None:
    s = cards.serial("V12", term, n)
    assert cards.verify(cards.payload(s, KEY), KEY) == s
