"""Voter eligibility (村民委员会组织法 第十三条): age on election day, the three categories,
deprivation and suspension, each answer with its article."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huanjie.core.roll.eligibility import (
    AGE,
    CATEGORY_ARTICLES,
    DEPRIVED,
    SUSPENDED,
    Category,
    Decider,
    Facts,
    decide,
    has_lived,
    latest_birth_of_age,
)
from huanjie.core.roll.idcard import is_of_age

DAY = date(2026, 12, 20)


def test_eighteen_on_election_day_counts() -> None:
    on_the_day = decide(Facts(date(2008, 12, 20)), DAY)
    assert on_the_day.eligible
    assert on_the_day.reasons[0].article == AGE
    day_after = decide(Facts(date(2008, 12, 21)), DAY)
    assert not day_after.eligible
    assert day_after.codes == ("under_age",)
    assert "未满18周岁" in day_after.text
    assert "村民委员会组织法 第十三条第一款" in day_after.text


def test_born_29_february() -> None:
    # A common-year election day on 28 February: not yet 18; on 1 March: 18.
    assert not decide(Facts(date(2008, 2, 29)), date(2026, 2, 28)).eligible
    assert decide(Facts(date(2008, 2, 29)), date(2026, 3, 1)).eligible
    # A leap-year election day: the birthday itself.
    assert decide(Facts(date(2010, 2, 28)), date(2028, 2, 29)).eligible
    assert latest_birth_of_age(date(2028, 2, 29), 18) == date(2010, 2, 28)


def test_deprived_and_suspended_are_refused_with_their_articles() -> None:
    d = decide(Facts(date(1980, 1, 1), deprived=True, suspended=True), DAY)
    assert not d.eligible
    assert d.codes == ("deprived", "suspended")
    assert d.reasons[0].article == DEPRIVED
    assert d.reasons[1].article == SUSPENDED
    assert SUSPENDED.status == "U"  # the 1983 rule is for people's congress elections


def test_category_two_needs_the_person_to_say_so() -> None:
    away = Category.AWAY_OPTED_IN
    assert decide(Facts(date(1980, 1, 1), away, opted_in=True), DAY).eligible
    refused = decide(Facts(date(1980, 1, 1), away, opted_in=None), DAY)
    assert refused.codes == ("not_opted_in",)
    assert refused.reasons[0].article == CATEGORY_ARTICLES["away_opted_in"]
    assert not decide(Facts(date(1980, 1, 1), away, opted_in=False), DAY).eligible


def test_category_three_needs_a_year_inclusive_and_consent() -> None:
    c3 = Category.NONLOCAL_RESIDENT
    ok = decide(
        Facts(date(1980, 1, 1), c3, residence_since=date(2025, 12, 20), consent_ref="x"), DAY
    )
    assert ok.eligible
    assert ok.reasons[1].article == CATEGORY_ARTICLES["nonlocal_resident"]
    short = decide(
        Facts(date(1980, 1, 1), c3, residence_since=date(2025, 12, 21), consent_ref="x"), DAY
    )
    assert short.codes == ("residence_short",)
    assert "以上”包括本数" in short.text
    no_consent = decide(Facts(date(1980, 1, 1), c3, residence_since=date(2020, 1, 1)), DAY)
    assert no_consent.codes == ("no_consent",)
    unknown = decide(Facts(date(1980, 1, 1), c3, consent_ref=" "), DAY)
    assert unknown.codes == ("residence_unknown", "no_consent")


def test_every_failing_condition_is_reported() -> None:
    d = decide(
        Facts(date(2010, 1, 1), Category.NONLOCAL_RESIDENT, deprived=True),
        DAY,
    )
    assert d.codes == ("under_age", "deprived", "residence_unknown", "no_consent")


births = st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31))
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31))


@given(births, days)
def test_age_boundary_is_exact(birth: date, day: date) -> None:
    assert decide(Facts(birth), day).eligible == is_of_age(birth, day, 18)
    assert (birth <= latest_birth_of_age(day, 18)) == is_of_age(birth, day, 18)


@given(births, days, st.integers(min_value=1, max_value=4000))
def test_monotone_in_age(birth: date, day: date, older_by: int) -> None:
    """Someone born earlier is never less eligible (all else equal)."""
    older = birth - timedelta(days=older_by)
    if decide(Facts(birth), day).eligible:
        assert decide(Facts(older), day).eligible


@given(births, days)
def test_monotone_in_election_day(birth: date, day: date) -> None:
    if decide(Facts(birth), day).eligible:
        assert decide(Facts(birth), day + timedelta(days=1)).eligible


facts = st.builds(
    Facts,
    birth_date=births,
    category=st.sampled_from(list(Category)),
    opted_in=st.sampled_from([None, True, False]),
    residence_since=st.none() | births,
    consent_ref=st.sampled_from(["", "  ", "村民代表会议〔2026〕1号"]),
    deprived=st.booleans(),
    suspended=st.booleans(),
    incapacitated=st.booleans(),
)


@given(facts, days)
def test_the_bulk_decider_decides_as_decide(f: Facts, day: date) -> None:
    fast = Decider(day)(
        f.birth_date,
        f.category,
        f.opted_in,
        f.residence_since,
        f.consent_ref,
        f.deprived,
        f.suspended,
        f.incapacitated,
    )
    assert fast == decide(f, day)


@given(births, days)
def test_residence_year_reads_like_age(since: date, day: date) -> None:
    assert has_lived(since, day, 1) == is_of_age(since, day, 1)


@pytest.mark.parametrize("category", list(Category))
def test_values_match_the_database_choices(category: Category) -> None:
    from huanjie.core.roll.eligibility import CATEGORY_LABELS

    assert category.value in CATEGORY_ARTICLES
    assert CATEGORY_LABELS[category]
