"""Hypothesis properties of the counting rules."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from huanjie.core.arith import Share
from tests.core.helpers import decide

PROFILES = [
    "village/national",
    "village/zhejiang",
    "village/shanghai",
    "village/beijing",
    "village/henan",
    "people/national",
]
CHAIR = ["甲", "乙", "丙"]
MEMBERS = ["丁", "戊", "己", "庚"]


@st.composite
def ballots(draw: st.DrawFn) -> dict[str, Any]:
    if draw(st.integers(0, 30)) == 0:
        return {"unreadable": True}
    b: dict[str, Any] = {}
    chair = draw(st.lists(st.sampled_from(CHAIR), max_size=2, unique=True))
    if chair:
        b["主任"] = {"yes": chair}
    members = draw(st.lists(st.sampled_from(MEMBERS), max_size=3, unique=True))
    section: dict[str, Any] = {"yes": members}
    if draw(st.booleans()) and draw(st.booleans()):
        section["write_in"] = [draw(st.sampled_from(["辛", "甲"]))]
    if draw(st.integers(0, 20)) == 0:
        section = {"unreadable": True}
    b["委员"] = section
    return b


def round_of(profile: str, items: list[dict[str, Any]], electorate_extra: int) -> dict[str, Any]:
    n = len(items)
    return {
        "schema": "huanjie.round/1",
        "profile": profile,
        "kind": "regular",
        "electorate": n + electorate_extra,
        "issued": n,
        "present": n,
        "collected": n,
        "posts": [{"name": "主任", "seats": 1}, {"name": "委员", "seats": 2}],
        "candidates": [{"name": c, "post": "主任"} for c in CHAIR]
        + [{"name": m, "post": "委员"} for m in MEMBERS],
        "ballots": items,
    }


@settings(max_examples=60, deadline=None)
@given(
    profile=st.sampled_from(PROFILES),
    items=st.lists(ballots(), min_size=1, max_size=60),
    extra=st.integers(0, 60),
    seed=st.randoms(use_true_random=False),
)
def test_ballot_order_never_matters(
    profile: str, items: list[dict[str, Any]], extra: int, seed: Any
) -> None:
    shuffled = list(items)
    seed.shuffle(shuffled)
    assert decide(round_of(profile, items, extra)) == decide(round_of(profile, shuffled, extra))


@settings(max_examples=60, deadline=None)
@given(
    profile=st.sampled_from(PROFILES),
    items=st.lists(ballots(), min_size=1, max_size=60),
    extra=st.integers(0, 60),
)
def test_totals_always_add_up(profile: str, items: list[dict[str, Any]], extra: int) -> None:
    out = decide(round_of(profile, items, extra))
    b = out["ballots"]
    if not out["valid"]:
        return
    assert b["valid"] + b["invalid"] == b["collected"] == len(items)
    assert 0 <= b["blank"] <= b["valid"]
    for p in out["posts"]:
        s = p["sections"]
        assert s["valid"] + s["invalid"] == b["collected"]
        assert s["blank"] <= s["valid"]
        assert sum(p["votes"].values()) <= s["valid"] * p["seats"]
        assert len(p["elected"]) + p["revote_seats"] + p["held"] + p["unfilled"] == p["seats"]
        assert all(p["votes"][n] >= p["threshold"] for n in p["elected"])
        assert set(p["elected"]).isdisjoint(p["revote"])


@st.composite
def totals_rounds(draw: st.DrawFn) -> dict[str, Any]:
    seats = draw(st.integers(1, 3))
    collected = draw(st.integers(1, 400))
    names = [f"候{i}" for i in range(draw(st.integers(1, 6)))]
    # Possible totals only: nobody above the ballots, all together within ballots × seats.
    budget = collected * seats
    votes = {}
    for n in names:
        votes[n] = draw(st.integers(0, min(collected, budget)))
        budget -= votes[n]
    return {
        "schema": "huanjie.round/1",
        "profile": draw(st.sampled_from(PROFILES)),
        "kind": draw(st.sampled_from(["regular", "additional"])),
        "electorate": collected + draw(st.integers(0, collected)),
        "issued": collected,
        "collected": collected,
        "present": collected,
        "posts": [{"name": "委员", "seats": seats}],
        "candidates": [{"name": n, "post": "委员"} for n in names],
        "totals": {"委员": votes},
        "invalid": 0,
    }


@settings(max_examples=200, deadline=None)
@given(data=totals_rounds(), pick=st.integers(0, 10))
def test_one_more_vote_never_unseats_a_winner(data: dict[str, Any], pick: int) -> None:
    out = decide(data)
    elected = out["posts"][0]["elected"] if out["valid"] else []
    if not elected:
        return
    winner = elected[pick % len(elected)]
    seats = data["posts"][0]["seats"]
    votes = data["totals"]["委员"]
    if votes[winner] >= data["collected"] or sum(votes.values()) >= data["collected"] * seats:
        return
    votes[winner] += 1
    again = decide(data)
    assert winner in again["posts"][0]["elected"]


@given(
    num=st.integers(1, 9), den=st.integers(1, 9), strict=st.booleans(), base=st.integers(0, 10**7)
)
def test_threshold_exact_at_boundary(num: int, den: int, strict: bool, base: int) -> None:
    if num > den:
        num, den = den, num
    share = Share(num, den, strict)
    least = share.least(base)
    exact = Fraction(num * base, den)
    assert share.met(least, base)
    assert least == 0 or not share.met(least - 1, base)
    # The least whole count strictly above (or at least at) the exact rational share.
    expected = math.floor(exact) + 1 if strict else math.ceil(exact)
    assert least == expected


@settings(max_examples=100, deadline=None)
@given(data=totals_rounds())
def test_threshold_in_outcome_is_least_winning_count(data: dict[str, Any]) -> None:
    out = decide(data)
    if not out["valid"]:
        return
    p = out["posts"][0]
    base = data["collected"]
    if data["kind"] == "regular" or data["profile"] == "village/henan":
        share = Share(1, 3, False) if data["kind"] == "additional" else Share(1, 2, True)
    else:
        share = Share(1, 3, False)
    assert p["threshold"] == share.least(base)
