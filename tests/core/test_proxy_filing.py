"""Registering a proxy (委托投票) and its standing afterwards: core/proxy.py check_filing and
check_standing, on the bundled village profiles."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from huanjie.core.proxy import (
    ProxyFiling,
    ProxyStanding,
    check_filing,
    check_publication,
    check_standing,
)
from huanjie.core.rules import load_profile

DAY = date(2026, 12, 20)
ZJ_CLOSES = date(2026, 12, 17)  # 浙江 第二十五条第二款: 选举日的三日前
ZJ_ARTICLE = "浙江省村民委员会选举办法 第二十五条第二款"

GOOD = ProxyFiling(
    principal_is_voter_here=True,
    holder_is_voter_here=True,
    same_person=False,
    relation="配偶",
    absent_reason="在杭州务工",
    holder_is_candidate=False,
    already_held=0,
    principal_has_proxy=False,
    principal_holds=0,
    holder_is_principal=False,
    received=date(2026, 12, 10),
    election_day=DAY,
    today=date(2026, 12, 10),
    closes=ZJ_CLOSES,
    closes_article=ZJ_ARTICLE,
)


def codes(profile: str, **changes: object) -> list[str]:
    filing = dataclasses.replace(GOOD, **changes)  # type: ignore[arg-type]
    return [r.code for r in check_filing(load_profile(profile), filing)]


def test_a_good_filing_is_accepted_under_every_village_profile() -> None:
    for pid in ("village/national", "village/zhejiang", "village/shanghai", "village/beijing"):
        assert codes(pid, closes=None) == [], pid
    assert codes("village/zhejiang") == []


def test_limit_from_the_profile_and_none_in_the_national_law() -> None:
    assert codes("village/zhejiang", already_held=2) == []
    assert codes("village/zhejiang", already_held=3) == ["proxy_limit"]
    assert codes("village/national", closes=None, already_held=50) == []


def test_filing_deadline_is_inclusive_and_cites_the_deadline() -> None:
    assert codes("village/zhejiang", received=ZJ_CLOSES, today=ZJ_CLOSES) == []
    late = dataclasses.replace(
        GOOD, received=ZJ_CLOSES + timedelta(days=1), today=ZJ_CLOSES + timedelta(days=1)
    )
    reasons = check_filing(load_profile("village/zhejiang"), late)
    assert [r.code for r in reasons] == ["filed_late"]  # once, not again by filing_days_before
    assert reasons[0].article == ZJ_ARTICLE
    assert "2026-12-17" in reasons[0].text


def test_without_a_deadline_a_proxy_may_be_filed_up_to_election_day() -> None:
    assert codes("village/national", closes=None, received=DAY, today=DAY) == []
    after = DAY + timedelta(days=1)
    assert codes("village/national", closes=None, received=after, today=after) == ["filed_late"]


def test_one_vote_one_proxy_and_no_re_delegation() -> None:
    assert codes("village/zhejiang", same_person=True) == ["self_proxy"]
    assert codes("village/zhejiang", principal_has_proxy=True) == ["principal_has_proxy"]
    assert codes("village/zhejiang", principal_holds=1) == ["principal_holds_proxies"]
    assert codes("village/zhejiang", holder_is_principal=True) == ["holder_is_principal"]
    assert codes("village/zhejiang", absent_reason="  ") == ["no_reason"]
    assert codes("village/zhejiang", received=date(2026, 12, 11)) == ["received_in_future"]


def test_relatives_voters_and_candidates() -> None:
    assert codes("village/zhejiang", relation="朋友") == ["holder_not_relative"]
    assert codes("village/zhejiang", relation=None) == ["holder_not_relative"]
    assert codes("village/zhejiang", holder_is_voter_here=False) == ["holder_not_voter"]
    assert codes("village/zhejiang", principal_is_voter_here=False) == ["principal_not_voter"]
    assert codes("village/zhejiang", holder_is_candidate=True) == ["holder_is_candidate"]
    assert codes("village/shanghai", closes=None, holder_is_candidate=True) == []


def test_party_profile_refuses_every_proxy() -> None:
    assert codes("party/branch", closes=None) == ["proxy_not_allowed"]


def test_standing_after_registration() -> None:
    zj, sh = load_profile("village/zhejiang"), load_profile("village/shanghai")
    fine = ProxyStanding(True, True, False, True)
    assert check_standing(zj, fine) == []
    became = dataclasses.replace(fine, holder_is_candidate=True)
    assert [r.code for r in check_standing(zj, became)] == ["holder_is_candidate"]
    assert check_standing(sh, became) == []
    unpublished = dataclasses.replace(fine, published=False)
    assert [r.level for r in check_standing(zj, unpublished)] == ["error"]  # void in Zhejiang
    assert [r.level for r in check_standing(sh, unpublished)] == ["warning"]
    gone = ProxyStanding(False, False, False, True)
    assert [r.code for r in check_standing(sh, gone)] == ["principal_not_voter", "holder_not_voter"]


@given(
    received=st.dates(date(2026, 11, 1), date(2026, 12, 25)),
    held=st.integers(0, 6),
)
def test_every_refusal_has_an_article_and_late_is_reported_once(received: date, held: int) -> None:
    filing = dataclasses.replace(
        GOOD, received=received, today=date(2026, 12, 31), already_held=held
    )
    reasons = check_filing(load_profile("village/zhejiang"), filing)
    assert all(r.article and r.level == "error" for r in reasons)
    assert [r.code for r in reasons].count("filed_late") == (1 if received > ZJ_CLOSES else 0)
    assert ("proxy_limit" in [r.code for r in reasons]) == (held >= 3)


def test_publication_before_election_day_in_zhejiang() -> None:
    zj, sh = load_profile("village/zhejiang"), load_profile("village/shanghai")
    before = DAY - timedelta(days=1)
    assert check_publication(zj, today=before, election_day=DAY) == []
    late = check_publication(zj, today=DAY, election_day=DAY)
    assert [(r.code, r.level) for r in late] == [("publication_too_late", "error")]
    due = DAY - timedelta(days=2)
    assert check_publication(sh, today=due, election_day=DAY, due=due) == []
    warned = check_publication(sh, today=before, election_day=DAY, due=due, due_article="上海")
    assert [(r.code, r.level, r.article) for r in warned] == [
        ("publication_late", "warning", "上海")
    ]
    assert check_publication(load_profile("village/national"), today=DAY, election_day=DAY) == []
