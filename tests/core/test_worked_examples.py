"""Every worked example of rules.md §10 that the counting core decides, as a golden test.

Examples 18, 19 and 21 (calendar, ID numbers) are in tests/core/calendar and tests/core/roll.
"""

from __future__ import annotations

from collections import Counter

from huanjie.core.assembly import check_assembly
from huanjie.core.count.nomination import NominationPost, decide_nomination
from huanjie.core.count.recall import RecallInput, decide_recall
from huanjie.core.proxy import ProxyRequest, check_proxy
from huanjie.core.rules import load_profile
from tests.core.helpers import codes, decide, post, round_data


def test_example_1_quorum_fails_at_480_and_at_exactly_half() -> None:
    for voted in (480, 500):
        out = decide(
            round_data(
                "village/national",
                electorate=1000,
                collected=voted,
                posts={"委员": 1},
                totals={"委员": {"A": voted}},
            )
        )
        assert out["valid"] is False
        assert out["next_round"] == "rerun"
        assert codes(out)[-1] == "quorum_not_met"
        assert out["reasons"][-1]["article"] == "村民委员会组织法 第十五条第二款"
    ok = decide(
        round_data(
            "village/national",
            electorate=1000,
            collected=501,
            posts={"委员": 1},
            totals={"委员": {"A": 300}},
        )
    )
    assert ok["valid"] is True
    quorum = next(r for r in ok["reasons"] if r["code"] == "quorum_met")
    assert quorum["values"]["required"] == 501


def test_example_2_threshold_with_odd_denominator() -> None:
    out = decide(
        round_data(
            "village/national",
            electorate=1500,
            collected=801,
            posts={"委员": 3},
            totals={"委员": {"A": 520, "B": 430, "C": 401, "D": 400, "E": 100}},
        )
    )
    p = post(out, "委员")
    assert p["threshold"] == 401
    assert p["elected"] == ["A", "B", "C"]
    assert p["unfilled"] == 0


def test_example_3_surplus_winners_by_votes() -> None:
    for profile in (
        "village/zhejiang",
        "village/shanghai",
        "village/beijing",
        "village/henan",
        "people/national",
    ):
        out = decide(
            round_data(
                profile,
                electorate=1500,
                collected=1000,
                posts={"委员": 2},
                totals={"委员": {"A": 700, "B": 650, "C": 600}},
            )
        )
        assert post(out, "委员")["elected"] == ["A", "B"], profile
        assert "surplus_by_votes" in [r["code"] for r in post(out, "委员")["reasons"]]


def test_example_4_tie_at_last_seat_goes_to_revote_not_lot() -> None:
    out = decide(
        round_data(
            "village/zhejiang",
            electorate=1500,
            collected=1000,
            posts={"委员": 2},
            totals={"委员": {"A": 700, "B": 620, "C": 620}},
        )
    )
    p = post(out, "委员")
    assert p["elected"] == ["A"]
    assert p["revote"] == ["B", "C"]
    assert p["revote_seats"] == 1
    assert p["unfilled"] == 0
    assert out["next_round"] == "revote"
    # The revote among B and C only: the higher total wins.
    again = decide(
        round_data(
            "village/zhejiang",
            electorate=1500,
            collected=950,
            kind="revote",
            posts={"委员": 1},
            totals={"委员": {"B": 480, "C": 470}},
        )
    )
    assert post(again, "委员")["elected"] == ["B"]


def test_example_5_additional_round_one_third_rule() -> None:
    first = decide(
        round_data(
            "village/national",
            electorate=1500,
            collected=900,
            posts={"委员": 3},
            totals={"委员": {"A": 600, "B": 440, "C": 430, "D": 300, "E": 200}},
        )
    )
    p = post(first, "委员")
    assert p["elected"] == ["A"]
    assert p["unfilled"] == 2
    assert p["next_candidates"] == ["B", "C", "D"]  # seats + 1
    assert first["next_round"] == "additional"
    second = decide(
        round_data(
            "village/national",
            electorate=1500,
            collected=850,
            kind="additional",
            posts={"委员": 2},
            totals={"委员": {"B": 400, "C": 280, "D": 170}},
            elected_before=[{"name": "A", "post": "委员"}],
        )
    )
    q = post(second, "委员")
    assert q["threshold"] == 284
    assert q["elected"] == ["B"]
    assert q["unfilled"] == 1


def test_example_6_exactly_one_third_is_enough() -> None:
    out = decide(
        round_data(
            "village/national",
            electorate=1500,
            collected=900,
            kind="additional",
            posts={"委员": 1},
            totals={"委员": {"F": 300, "G": 250}},
        )
    )
    assert post(out, "委员")["threshold"] == 300
    assert post(out, "委员")["elected"] == ["F"]


def test_example_7_henan_majority_first() -> None:
    a = decide(
        round_data(
            "village/henan",
            electorate=1200,
            collected=700,
            kind="additional",
            posts={"委员": 1},
            totals={"委员": {"G": 360, "H": 300}},
        )
    )
    assert post(a, "委员")["elected"] == ["G"]
    b = decide(
        round_data(
            "village/henan",
            electorate=1200,
            collected=700,
            kind="additional",
            posts={"委员": 1},
            totals={"委员": {"G": 330, "H": 300, "J": 50}},
        )
    )
    assert post(b, "委员")["elected"] == ["G"]
    assert post(b, "委员")["threshold"] == 234
    assert "additional_majority_first" in [r["code"] for r in post(b, "委员")["reasons"]]
    c = decide(
        round_data(
            "village/henan",
            electorate=1200,
            collected=700,
            kind="additional",
            posts={"委员": 1},
            totals={"委员": {"G": 230, "H": 220, "J": 200}},
        )
    )
    assert post(c, "委员")["elected"] == []


def test_example_8_more_ballots_than_voters_or_issued() -> None:
    for profile, code in (
        ("village/zhejiang", "ballots_exceed_voters"),
        ("village/shanghai", "ballots_exceed_voters"),
        ("village/beijing", "ballots_exceed_voters"),
        ("village/henan", "ballots_exceed_issued"),
    ):
        out = decide(
            round_data(
                profile,
                electorate=1100,
                collected=603,
                issued=600,
                present=600,
                posts={"委员": 1},
                totals={"委员": {"A": 400}},
            )
        )
        assert out["valid"] is False, profile
        assert codes(out)[-1] == code
    ok = decide(
        round_data(
            "village/zhejiang",
            electorate=1100,
            collected=598,
            issued=600,
            present=600,
            posts={"委员": 1},
            totals={"委员": {"A": 300}},
        )
    )
    assert ok["valid"] is True
    assert post(ok, "委员")["threshold"] == 300  # V = 598 → more than 299


def test_example_9_overmarked_blank_and_two_posts() -> None:
    ballots = [
        {"委员": {"yes": ["A", "B", "C", "D"]}},  # P: four names for three seats
        {"委员": {"yes": ["A", "B"], "write_in": ["Z"]}},  # Q: 2 + 1 write-in = 3
        {},  # R: blank
    ]
    data = round_data(
        "village/zhejiang", electorate=5, collected=3, posts={"委员": 3}, ballots=ballots
    )
    data["candidates"] = [{"name": n, "post": "委员"} for n in "ABCD"]
    out = decide(data)
    assert out["ballots"] == {"collected": 3, "valid": 2, "invalid": 1, "blank": 1}
    assert post(out, "委员")["votes"] == {"A": 1, "B": 1, "Z": 1}
    # T (Zhejiang): the same person for 主任 and 委员 voids the whole ballot.
    t = round_data(
        "village/zhejiang",
        electorate=3,
        collected=2,
        posts={"主任": 1, "委员": 2},
        ballots=[
            {"主任": {"yes": ["X"]}, "委员": {"yes": ["X", "Y"]}},
            {"主任": {"yes": ["X"]}, "委员": {"yes": ["Y"]}},
        ],
    )
    t["candidates"] = [
        {"name": "X", "post": "主任"},
        {"name": "X", "post": "委员"},
        {"name": "Y", "post": "委员"},
    ]
    out_t = decide(t)
    assert out_t["ballots"]["invalid"] == 1
    assert "ballots_invalid_same_person_two_posts" in codes(out_t)
    assert post(out_t, "主任")["votes"] == {"X": 1}


def test_example_10_zhejiang_womens_post() -> None:
    data = round_data(
        "village/zhejiang",
        electorate=1500,
        collected=800,
        posts={"主任": 1, "副主任": 1, "委员": 2},
        totals={
            "主任": {"X": 520},
            "副主任": {"Y": 450},
            "委员": {"Z1": 500, "Z2": 410},
            "妇女委员": {"W1": 380, "W2": 300},
        },
    )
    data["posts"].append({"name": "妇女委员", "seats": 1, "women_only": True})
    data["candidates"] = [c for c in data["candidates"] if c["post"] != "妇女委员"] + [
        {"name": "W1", "post": "妇女委员", "sex": "F"},
        {"name": "W2", "post": "妇女委员", "sex": "F"},
    ]
    out = decide(data)
    w = post(out, "妇女委员")
    assert w["threshold"] == 401
    assert w["elected"] == []
    assert w["unfilled"] == 1
    assert w["next_candidates"] == ["W1", "W2"]
    assert [post(out, p)["elected"] for p in ("主任", "副主任", "委员")] == [
        ["X"],
        ["Y"],
        ["Z1", "Z2"],
    ]
    extra = round_data(
        "village/zhejiang",
        electorate=1500,
        collected=760,
        kind="additional",
        posts={},
        totals={"妇女委员": {"W1": 300, "W2": 250}},
        elected_before=[{"name": n, "post": "委员", "sex": "M"} for n in ("X", "Y", "Z1", "Z2")],
    )
    extra["posts"] = [{"name": "妇女委员", "seats": 1, "women_only": True}]
    extra["candidates"] = [
        {"name": "W1", "post": "妇女委员", "sex": "F"},
        {"name": "W2", "post": "妇女委员", "sex": "F"},
    ]
    out2 = decide(extra)
    assert post(out2, "妇女委员")["threshold"] == 254
    assert post(out2, "妇女委员")["elected"] == ["W1"]
    assert out2["next_round"] is None


def test_example_11_shanghai_minimum_members_and_presiding() -> None:
    data = round_data(
        "village/shanghai",
        electorate=1500,
        collected=800,
        kind="additional",
        posts={"主任": 1, "副主任": 1, "委员": 3},
        totals={"主任": {"P": 200}, "副主任": {"A": 300}, "委员": {"B": 280, "Q": 100}},
    )
    out = decide(data)
    assert post(out, "副主任")["elected"] == ["A"]
    assert post(out, "委员")["elected"] == ["B"]
    assert out["vacancy_allowed"] is False
    assert "vacancy_not_allowed" in codes(out)
    assert out["next_round"] == "additional"
    assert out["presiding"] == "A"
    # With three elected the meeting may leave the rest vacant.
    data2 = round_data(
        "village/shanghai",
        electorate=1500,
        collected=800,
        kind="additional",
        posts={"主任": 1, "副主任": 1, "委员": 3},
        totals={"主任": {"P": 200}, "副主任": {"A": 300}, "委员": {"B": 280, "C": 270}},
    )
    out2 = decide(data2)
    assert out2["vacancy_allowed"] is True


def test_example_12_henan_nomination_vote_carried_down_never_up() -> None:
    profile = load_profile("village/henan")
    posts = [NominationPost("主任", 1), NominationPost("委员", 2)]
    votes = [
        Counter({"A": 300, "B": 250, "C": 120}),
        Counter({"C": 90, "B": 40, "D": 150, "E": 60}),
    ]
    out = decide_nomination(profile, posts, votes, sexes={}, barred={}, ballots=400, void=0)
    chair, member = out.posts
    assert chair.candidates == ["A", "B"]
    assert dict(member.votes)["C"] == 210
    assert member.carried == {"C": 120}
    assert "B" not in member.candidates  # chosen for 主任; lower votes never go up
    assert member.candidates == ["C", "D", "E"]  # 2 seats + 1 (河南 第二十四条第二款)


def test_example_13_proxy_limits() -> None:
    sh = load_profile("village/shanghai")
    fourth = ProxyRequest(
        relation="子女",
        holder_is_voter_here=True,
        holder_is_candidate=False,
        already_held=3,
        days_before=6,
    )
    assert [r.code for r in check_proxy(sh, fourth)] == ["proxy_limit"]
    spot = ProxyRequest(
        relation="配偶",
        holder_is_voter_here=True,
        holder_is_candidate=False,
        already_held=1,
        days_before=0,
        on_the_spot=True,
    )
    assert {"on_the_spot", "filed_late"} <= {r.code for r in check_proxy(sh, spot)}
    bj = load_profile("village/beijing")
    cand = ProxyRequest(
        relation="配偶",
        holder_is_voter_here=True,
        holder_is_candidate=True,
        already_held=0,
        days_before=3,
    )
    assert [r.code for r in check_proxy(bj, cand)] == ["holder_is_candidate"]
    zj = load_profile("village/zhejiang")
    unpublished = ProxyRequest(
        relation="父母",
        holder_is_voter_here=True,
        holder_is_candidate=False,
        already_held=0,
        days_before=4,
        published=False,
    )
    assert [r.code for r in check_proxy(zj, unpublished)] == ["not_published"]
    party = load_profile("party/branch")
    assert [r.code for r in check_proxy(party, cand)] == ["proxy_not_allowed"]


def test_example_14_party_meeting_quorum_threshold_and_contest() -> None:
    base = {
        "posts": {"委员": 5},
        "totals": {"委员": {"A": 30, "B": 25, "C": 21, "D": 21, "E": 20, "F": 10}},
    }
    no = decide(round_data("party/branch", electorate=50, collected=40, present=40, **base))
    assert no["valid"] is False
    assert codes(no)[-1] == "quorum_not_met"
    yes = decide(round_data("party/branch", electorate=50, collected=41, present=41, **base))
    p = post(yes, "委员")
    assert p["threshold"] == 21
    assert p["elected"] == ["A", "B", "C", "D"]  # E has 20 of 41: not more than half
    assert p["unfilled"] == 1
    contest = load_profile("party/branch").value("contest")["*"]
    assert [contest.bounds(s)[0] for s in (5, 7, 3)] == [6, 9, 4]


def test_example_15_party_ballots_collected_over_issued() -> None:
    out = decide(
        round_data(
            "party/branch",
            electorate=45,
            collected=42,
            issued=41,
            present=41,
            posts={"委员": 3},
            totals={"委员": {"A": 30}},
        )
    )
    assert out["valid"] is False
    assert codes(out)[-1] == "ballots_exceed_issued"
    ok = decide(
        round_data(
            "party/branch",
            electorate=45,
            collected=41,
            issued=41,
            present=41,
            posts={"委员": 3},
            totals={"委员": {"A": 30}},
        )
    )
    assert ok["valid"] is True


def test_example_16_peoples_congress_district() -> None:
    out = decide(
        round_data(
            "people/national",
            electorate=3000,
            collected=1600,
            posts={"代表": 2},
            totals={"代表": {"A": 900, "B": 820, "C": 700}},
        )
    )
    assert post(out, "代表")["threshold"] == 801
    assert post(out, "代表")["elected"] == ["A", "B"]
    short = decide(
        round_data(
            "people/national",
            electorate=3000,
            collected=1600,
            posts={"代表": 2},
            totals={"代表": {"A": 900, "B": 790, "C": 700}},
        )
    )
    assert post(short, "代表")["next_candidates"] == ["B", "C"]  # one seat → two candidates
    # rules.md has 1,500 of 3,000 voters take part in the additional round. That is exactly
    # half, not "过半数": 选举法 第四十五条第一款 makes such a round invalid (see
    # docs/statutes.md, "Discrepancies"). With one more voter B is elected as the example says.
    half = decide(
        round_data(
            "people/national",
            electorate=3000,
            collected=1500,
            kind="additional",
            posts={"代表": 1},
            totals={"代表": {"B": 760, "C": 700}},
        )
    )
    assert half["valid"] is False
    assert codes(half)[-1] == "quorum_not_met"
    again = decide(
        round_data(
            "people/national",
            electorate=3000,
            collected=1501,
            kind="additional",
            posts={"代表": 1},
            totals={"代表": {"B": 760, "C": 700}},
        )
    )
    assert post(again, "代表")["threshold"] == 501
    assert post(again, "代表")["elected"] == ["B"]
    contest = load_profile("people/national").value("contest")["*"]
    assert [contest.bounds(s) for s in (1, 2, 3)] == [(2, 2), (3, 4), (4, 6)]


def test_example_17_recall() -> None:
    profile = load_profile("village/national")
    rule, art = profile.value("recall"), profile.article("recall")
    assert decide_recall(rule, art, profile.id, RecallInput(1200, signatures=240)).petition_valid
    assert not decide_recall(
        rule, art, profile.id, RecallInput(1200, signatures=239)
    ).petition_valid
    yes = decide_recall(rule, art, profile.id, RecallInput(1200, participants=700, approve=351))
    assert yes.recalled is True
    no = decide_recall(rule, art, profile.id, RecallInput(1200, participants=700, approve=350))
    assert no.recalled is False


def test_example_20_representatives_and_women_share() -> None:
    check = check_assembly(households=600, committee_members=5, representatives=45, women=17)
    assert (check.representatives_min, check.representatives_max) == (40, 120)
    assert check.women_needed == 17
    assert check.quorum == 34
    assert check.ok
    short = check_assembly(households=600, committee_members=5, representatives=45, women=16)
    assert [r.code for r in short.reasons] == ["women_share"]


def test_example_22_zhejiang_relatives_avoidance() -> None:
    data = round_data(
        "village/zhejiang",
        electorate=1500,
        collected=1000,
        posts={"主任": 1, "委员": 2},
        totals={"主任": {"H": 700}, "委员": {"Wf": 650, "M1": 600, "M2": 520, "M3": 200}},
        relatives=[["H", "Wf"]],
    )
    out = decide(data)
    assert post(out, "主任")["elected"] == ["H"]
    assert post(out, "委员")["elected"] == ["M1", "M2"]  # Wf vacated; next >50% was M2
    assert "relatives_avoidance" in codes(out)
    # Henan keeps the higher post and leaves the seat to an additional round.
    data["profile"] = "village/henan"
    out_h = decide(data)
    assert post(out_h, "委员")["elected"] == ["M1"]
    assert post(out_h, "委员")["unfilled"] == 1
