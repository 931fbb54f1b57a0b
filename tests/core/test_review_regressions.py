"""Defects found in review of the counting engine, each pinned by the case that exposed it."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from tests.core.helpers import codes, decide, post, round_data


def with_sex(data: dict[str, Any], **sex: str) -> dict[str, Any]:
    for c in data["candidates"]:
        if c["name"] in sex:
            c["sex"] = sex[c["name"]]
    return data


def test_avoidance_never_seats_another_relative_nor_returns_the_removed() -> None:
    for pairs in ([["甲", "丙"], ["甲", "乙"]], [["甲", "乙"], ["甲", "丙"]]):
        out = decide(
            round_data(
                "village/zhejiang",
                electorate=1000,
                collected=700,
                posts={"主任": 1, "委员": 2},
                totals={
                    "主任": {"甲": 500, "子": 200},
                    "委员": {"乙": 400, "丙": 380, "丁": 360, "戊": 200},
                },
                relatives=pairs,
            )
        )
        member = post(out, "委员")
        assert member["elected"] == ["丁"], pairs  # 戊 has 200 < 351: no further refill
        assert member["unfilled"] == 1
        assert "乙" not in member["next_candidates"]
        assert "丙" not in member["next_candidates"]


def test_avoidance_counts_members_elected_in_earlier_rounds() -> None:
    out = decide(
        round_data(
            "village/zhejiang",
            electorate=1000,
            collected=700,
            kind="additional",
            posts={"委员": 1},
            totals={"委员": {"妻": 400, "丙": 250, "丁": 50}},
            elected_before=[{"name": "夫", "post": "主任", "sex": "M"}],
            relatives=[["夫", "妻"]],
        )
    )
    assert post(out, "委员")["elected"] == ["丙"]  # 250 ≥ 234 (浙江 第三十一条第三款)


def test_henan_avoidance_leaves_the_seat_and_never_renames_the_removed() -> None:
    out = decide(
        round_data(
            "village/henan",
            electorate=1000,
            collected=700,
            posts={"主任": 1, "委员": 2},
            totals={"主任": {"甲": 500, "子": 200}, "委员": {"乙": 600, "丁": 550, "丙": 200}},
            relatives=[["甲", "乙"]],
        )
    )
    member = post(out, "委员")
    assert member["elected"] == ["丁"]
    assert "乙" not in member["next_candidates"]


def test_relatives_tied_on_one_post_go_to_a_revote() -> None:
    out = decide(
        round_data(
            "village/zhejiang",
            electorate=1000,
            collected=700,
            posts={"委员": 2},
            totals={"委员": {"乙": 500, "丙": 500, "丁": 360}},
            relatives=[["乙", "丙"]],
        )
    )
    member = post(out, "委员")
    assert sorted(member["revote"]) == ["丙", "乙"]
    assert member["revote_seats"] == 1
    assert out["next_round"] == "revote"


def test_a_man_written_in_cannot_take_the_womens_post() -> None:
    data = round_data(
        "village/zhejiang",
        electorate=9,
        collected=5,
        posts={},
        ballots=[{"妇女委员": {"write_in": ["男某"]}}] * 3 + [{"妇女委员": {"yes": ["W"]}}] * 2,
    )
    data["posts"] = [{"name": "妇女委员", "seats": 1, "women_only": True}]
    data["candidates"] = [{"name": "W", "post": "妇女委员", "sex": "F"}]
    data["persons"] = [{"name": "男某", "sex": "M"}]
    out = decide(data)
    women = post(out, "妇女委员")
    assert women["elected"] == []
    assert "ineligible_for_women_post" in [r["code"] for r in women["reasons"]]


def test_henan_overmarking_voids_only_that_posts_ballot() -> None:
    ballots = [{"主任": {"yes": ["甲"]}, "委员": {"yes": ["丙", "丁", "戊"]}}] * 2 + [
        {"主任": {"yes": ["甲"]}, "委员": {"yes": ["丙"]}},
        {"主任": {"yes": ["乙"]}},
        {"主任": {"yes": ["乙"]}},
    ]
    data = round_data(
        "village/henan", electorate=9, collected=5, posts={"主任": 1, "委员": 2}, ballots=ballots
    )
    data["candidates"] = [{"name": n, "post": "主任"} for n in "甲乙"] + [
        {"name": n, "post": "委员"} for n in "丙丁戊"
    ]
    out = decide(data)
    assert out["ballots"]["invalid"] == 0
    assert post(out, "主任")["elected"] == ["甲"]  # 3 of 5 (河南 第三十四条、第三十五条第二款)


def test_impossible_or_duplicated_totals_are_refused() -> None:
    def tally(data: dict[str, Any]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "huanjie.cli", "tally", "-"],
            input=json.dumps(data),
            capture_output=True,
            text=True,
            check=False,
        )

    dup = round_data(
        "village/national",
        electorate=1000,
        collected=700,
        posts={"主任": 1},
        totals={"主任": {"甲": 400, "乙": 200, "甲 ": 5}},
        candidates=[{"name": "甲", "post": "主任"}, {"name": "乙", "post": "主任"}],
    )
    result = tally(dup)
    assert result.returncode == 2
    assert "出现两次" in result.stderr
    over = round_data(
        "village/national",
        electorate=1000,
        collected=700,
        posts={"主任": 1},
        totals={"主任": {"甲": 400, "乙": 400}},
    )
    over["invalid"] = 300
    result = tally(over)
    assert result.returncode == 2
    assert "多于有效选票 400" in result.stderr


def test_a_revote_is_only_among_the_tied() -> None:
    out = decide(
        round_data(
            "village/zhejiang",
            electorate=1000,
            collected=700,
            kind="revote",
            posts={"委员": 1},
            totals={"委员": {"B": 200, "C": 150, "Z": 300}},
            candidates=[{"name": "B", "post": "委员"}, {"name": "C", "post": "委员"}],
        )
    )
    assert post(out, "委员")["elected"] == ["B"]


def test_a_lower_seat_waits_for_the_higher_posts_revote() -> None:
    out = decide(
        round_data(
            "village/national",
            electorate=1500,
            collected=1000,
            posts={"副主任": 2, "委员": 2},
            totals={
                "副主任": {"A": 700, "B": 600, "C": 600},
                "委员": {"B": 700, "D": 650, "E": 100},
            },
        )
    )
    member = post(out, "委员")
    assert member["elected"] == ["D"]
    assert member["held"] == 1
    assert member["unfilled"] == 0
    assert out["next_round"] == "revote"


def test_chair_found_by_name_and_in_earlier_rounds() -> None:
    before = (
        [{"name": "X", "post": "主任"}]
        + [{"name": n, "post": "副主任"} for n in "YZ"]
        + [{"name": "Q", "post": "委员"}]
    )
    out = decide(
        round_data(
            "village/beijing",
            electorate=1000,
            collected=700,
            kind="additional",
            posts={"委员": 2},
            totals={"委员": {"P": 200}},
            elected_before=before,
        )
    )
    assert out["vacancy_allowed"] is True  # five elected, 主任 among them (北京 第三十条第三款)
    zj = decide(
        round_data(
            "village/zhejiang",
            electorate=1000,
            collected=700,
            kind="additional",
            posts={"委员": 1},
            totals={"委员": {"P": 400}},
            elected_before=[{"name": "X", "post": "主任"}, {"name": "Y", "post": "副主任"}],
        )
    )
    assert zj["presiding"] is None
    assert "presiding" not in codes(zj)


def test_shanghai_presiding_fallbacks() -> None:
    tie = decide(
        round_data(
            "village/shanghai",
            electorate=1999,
            collected=1000,
            kind="additional",
            posts={"主任": 1, "副主任": 2, "委员": 2},
            totals={
                "主任": {"A": 300},
                "副主任": {"B": 600, "C": 600},
                "委员": {"D": 700, "E": 650},
            },
        )
    )
    assert tie["presiding"] is None
    assert "presiding_by_meeting" in codes(tie)
    members = decide(
        round_data(
            "village/shanghai",
            electorate=1999,
            collected=1000,
            kind="additional",
            posts={"主任": 1, "副主任": 1, "委员": 3},
            totals={
                "主任": {"A": 300},
                "副主任": {"B": 300},
                "委员": {"D": 700, "E": 650, "F": 600},
            },
        )
    )
    assert (
        members["presiding"] == "D"
    )  # no 副主任: the 委员 with most votes (上海 第二十一条第二款)


def test_zhejiang_ends_without_a_woman_and_says_so() -> None:
    data = round_data(
        "village/zhejiang",
        electorate=1000,
        collected=700,
        kind="additional",
        posts={},
        totals={"妇女委员": {"W": 230, "V": 200}},
        elected_before=[{"name": n, "post": "委员", "sex": "M"} for n in "ABCD"],
    )
    data["posts"] = [{"name": "妇女委员", "seats": 1, "women_only": True}]
    data["candidates"] = [
        {"name": "W", "post": "妇女委员", "sex": "F"},
        {"name": "V", "post": "妇女委员", "sex": "F"},
    ]
    out = decide(data)
    assert out["next_round"] is None
    assert "no_woman_elected" in codes(out)


def test_party_ballots_issued_beyond_those_present_are_refused() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "huanjie.cli", "tally", "-"],
        capture_output=True,
        text=True,
        check=False,
        input=json.dumps(
            round_data(
                "party/branch",
                electorate=50,
                collected=44,
                issued=45,
                present=41,
                posts={"委员": 5},
                totals={"委员": {"A": 30}},
            )
        ),
    )
    assert result.returncode == 2
    assert "issued" in result.stderr


def test_unreadable_json_numbers_and_depth_exit_2() -> None:
    for text in ("[" * 100000 + "]" * 100000, '{"electorate": ' + "9" * 5000 + "}"):
        result = subprocess.run(
            [sys.executable, "-m", "huanjie.cli", "tally", "-"],
            input=text,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 2
        assert "Traceback" not in result.stderr
