"""Engine options that the worked examples do not reach: each tested through a profile."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from huanjie.core.count import decide_round, outcome_to_json, parse_round
from huanjie.core.count.nomination import NominationPost, decide_nomination
from huanjie.core.rules import ProfileError, bundled_data, load_profile, resolve_profile
from tests.core.helpers import codes, decide, post, round_data


def custom(**params: Any) -> Any:
    """A profile extending village/national with some parameters replaced."""
    data = {
        "schema": "huanjie.profile/1",
        "id": "village/test",
        "extends": "village/national",
        "params": {
            k: {"value": v, "citation": {"law": "测试办法", "ref": "第一条"}}
            for k, v in params.items()
        },
    }
    return resolve_profile(data)


def decide_with(profile: Any, data: dict[str, Any]) -> dict[str, Any]:
    return outcome_to_json(decide_round(parse_round(data, lambda _ref: profile)))


def two_post_round(ballots: list[dict[str, Any]]) -> dict[str, Any]:
    data = round_data(
        "x",
        electorate=len(ballots),
        collected=len(ballots),
        posts={"主任": 1, "委员": 2},
        ballots=ballots,
    )
    data["candidates"] = [{"name": n, "post": "主任"} for n in "甲乙"] + [
        {"name": n, "post": "委员"} for n in "甲丙丁戊"
    ]
    return data


def test_no_woman_elected_is_a_warning_with_its_article() -> None:
    data = round_data(
        "village/national",
        electorate=100,
        collected=60,
        posts={"委员": 1},
        totals={"委员": {"甲": 40}},
    )
    data["candidates"][0]["sex"] = "M"
    out = decide(data)
    warning = next(r for r in out["reasons"] if r["code"] == "no_woman_elected")
    assert warning["level"] == "warning"
    assert warning["article"].startswith("村民委员会组织法 第六条第二款")


def test_reserved_women_seat_when_no_woman_elected() -> None:
    profile = custom(women_rule="reserve_unfilled_seat")
    data = round_data(
        "x",
        electorate=100,
        collected=60,
        posts={"委员": 3},
        totals={"委员": {"甲": 40, "乙": 35, "丙": 20, "丁": 18, "戊": 5}},
    )
    data["persons"] = [{"name": n, "sex": "M"} for n in "甲乙丙"] + [
        {"name": n, "sex": "F"} for n in "丁戊"
    ]
    out = decide_with(profile, data)
    p = post(out, "委员")
    assert p["elected"] == ["甲", "乙"]
    assert p["women_reserved"] == 1
    assert p["next_women_candidates"] == ["丁", "戊"]
    assert "women_seat_reserved" in codes(out)


def test_section_overmark_voids_only_that_post() -> None:
    data = two_post_round(
        [
            {"主任": {"yes": ["甲", "乙"]}, "委员": {"yes": ["丙", "丁"]}},
            {"主任": {"yes": ["甲"]}, "委员": {"yes": ["丙"]}},
        ]
    )
    out = decide_with(custom(overmark="section"), data)
    assert out["ballots"]["invalid"] == 0
    assert post(out, "主任")["votes"] == {"甲": 1}
    assert post(out, "主任")["sections"] == {"valid": 1, "invalid": 1, "blank": 0}
    assert post(out, "委员")["votes"] == {"丙": 2, "丁": 1}
    whole = decide_with(custom(overmark="ballot"), data)
    assert whole["ballots"]["invalid"] == 1


def test_same_person_two_posts_counts_only_the_higher_post() -> None:
    data = two_post_round([{"主任": {"yes": ["甲"]}, "委员": {"yes": ["甲", "丙"]}}])
    out = decide_with(custom(same_person_two_posts="higher_post_only"), data)
    assert post(out, "委员")["votes"] == {"丙": 1}
    assert "lower_post_marks_dropped" in codes(out)


def test_a_person_elected_to_a_higher_post_leaves_the_lower_ranking() -> None:
    data = two_post_round([{"主任": {"yes": ["甲"]}, "委员": {"yes": ["甲", "丙"]}}] * 3)
    out = decide_with(custom(same_person_two_posts="valid"), data)
    assert post(out, "主任")["elected"] == ["甲"]
    assert post(out, "委员")["elected"] == ["丙"]
    assert post(out, "委员")["next_candidates"] == ["丁", "戊"]


def test_unmarked_write_in_counts_only_where_the_profile_says() -> None:
    ballots = [{"委员": {"write_in": [{"name": "庚", "marked": False}]}}]
    data = two_post_round(ballots)
    assert post(decide_with(custom(), data), "委员")["votes"] == {}
    counted = decide_with(custom(write_in_without_mark_counts=True), data)
    assert post(counted, "委员")["votes"] == {"庚": 1}


def test_write_ins_outside_the_cap_where_the_profile_says() -> None:
    data = two_post_round([{"委员": {"yes": ["丙", "丁"], "write_in": ["庚"]}}])
    assert decide_with(custom(), data)["ballots"]["invalid"] == 1
    loose = decide_with(custom(cap_includes_write_ins=False), data)
    assert post(loose, "委员")["votes"] == {"丙": 1, "丁": 1, "庚": 1}


def test_election_stage_vote_addition() -> None:
    data = round_data(
        "x",
        electorate=19,
        collected=10,
        posts={"主任": 1, "委员": 2},
        totals={"主任": {"甲": 4, "乙": 4}, "委员": {"乙": 2, "丙": 6, "丁": 1}},
    )
    data["candidates"] = [{"name": n, "post": "主任"} for n in "甲乙"] + [
        {"name": n, "post": "委员"} for n in "乙丙丁"
    ]
    out = decide_with(custom(vote_addition="election_cumulative"), data)
    assert post(out, "委员")["votes"] == {"乙": 6, "丙": 6, "甲": 4, "丁": 1}
    assert set(post(out, "委员")["elected"]) == {"乙", "丙"}  # 6 each: both above 5
    assert "votes_cumulated" in codes(out)


def test_party_outcomes_warn_that_their_articles_are_unverified() -> None:
    out = decide(
        round_data(
            "party/branch",
            electorate=30,
            collected=29,
            present=29,
            posts={"委员": 3},
            totals={"委员": {"甲": 20, "乙": 18, "丙": 16, "丁": 9}},
        )
    )
    warning = next(r for r in out["reasons"] if r["code"] == "unverified_rules")
    assert "quorum" in warning["values"]["params"]
    assert "〔据二手资料，待核原文〕" in warning["article"]
    village = decide(
        round_data(
            "village/zhejiang",
            electorate=30,
            collected=20,
            posts={"委员": 1},
            totals={"委员": {"甲": 15}},
        )
    )
    assert "unverified_rules" not in codes(village)


def test_revote_needs_the_quorum_again() -> None:
    out = decide(
        round_data(
            "village/zhejiang",
            electorate=1000,
            collected=480,
            kind="revote",
            posts={"委员": 1},
            totals={"委员": {"乙": 300, "丙": 180}},
        )
    )
    assert out["valid"] is False
    tied = decide(
        round_data(
            "village/zhejiang",
            electorate=1000,
            collected=600,
            kind="revote",
            posts={"委员": 1},
            totals={"委员": {"乙": 300, "丙": 300}},
        )
    )
    assert set(post(tied, "委员")["revote"]) == {"乙", "丙"}
    assert post(tied, "委员")["elected"] == []


def test_beijing_vacancy_needs_more_than_three_and_the_chair() -> None:
    base = {"posts": {"主任": 1, "副主任": 1, "委员": 3}}
    three = decide(
        round_data(
            "village/beijing",
            electorate=1000,
            collected=700,
            kind="additional",
            totals={"主任": {"甲": 400}, "副主任": {"乙": 300}, "委员": {"丙": 300, "丁": 100}},
            **base,
        )
    )
    assert three["vacancy_allowed"] is False  # 3 elected: not "超过三人"
    four = decide(
        round_data(
            "village/beijing",
            electorate=1000,
            collected=700,
            kind="additional",
            totals={"主任": {"甲": 400}, "副主任": {"乙": 300}, "委员": {"丙": 300, "丁": 250}},
            **base,
        )
    )
    assert four["vacancy_allowed"] is True
    no_chair = decide(
        round_data(
            "village/beijing",
            electorate=1000,
            collected=700,
            kind="additional",
            totals={
                "主任": {"甲": 100},
                "副主任": {"乙": 300},
                "委员": {"丙": 300, "丁": 250, "戊": 240},
            },
            **base,
        )
    )
    assert no_chair["vacancy_allowed"] is False


def test_nomination_adds_the_top_woman_where_the_profile_says() -> None:
    profile = custom(nomination_women="add_top_woman")
    posts = [NominationPost("主任", 1), NominationPost("委员", 2)]
    votes = [
        Counter({"甲": 50, "乙": 40}),
        Counter({"丁": 60, "戊": 50, "己": 45, "庚": 30, "辛": 20}),
    ]
    out = decide_nomination(
        profile,
        posts,
        votes,
        sexes={"辛": "F"},
        barred={"己": "民主测评不称职率超过30%"},
        ballots=100,
        void=0,
    )
    assert out.posts[1].candidates == ["丁", "戊", "庚", "辛"]
    assert [r.code for r in out.reasons] == ["barred", "woman_added"]


def test_profile_errors_name_the_field() -> None:
    with pytest.raises(ProfileError, match=r"params.quorum.value.share"):
        custom(quorum={"participants": "collected", "share": {"num": 3, "den": 2, "strict": True}})
    with pytest.raises(ProfileError, match="unknown parameter"):
        custom(quorom=1)
    data = dict(bundled_data("village/zhejiang"))
    data["extends"] = "village/zhejiang"
    with pytest.raises(ProfileError, match="cycle"):
        resolve_profile(data)
    with pytest.raises(ProfileError, match="missing parameters"):
        resolve_profile(
            {"schema": "huanjie.profile/1", "id": "village/bare", "election_type": "village"}
        )
    assert load_profile("residents/national").value("members") == {"min": 5, "max": 9}


def test_a_null_contest_count_in_a_users_profile_is_named() -> None:
    with pytest.raises(ProfileError, match=r"params.contest.value.\*.min_extra"):
        custom(contest={"*": {"min_extra": None}})
