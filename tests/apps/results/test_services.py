"""Deciding rounds and what follows: the input assembled from polling, the count, earlier
rounds and declared relatives; the stored result frozen and explainable; the next round."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huanjie.apps.audit.models import AuditEntry
from huanjie.apps.committee.models import NearRelation
from huanjie.apps.polling.models import Round
from huanjie.apps.results import selectors, services
from huanjie.apps.results.models import RoundResult
from huanjie.apps.results.services import ResultsError
from huanjie.apps.roll.models import Voter
from huanjie.core.calendar.holidays import add_period
from huanjie.core.preparation import Kin
from tests.apps.results.conftest import FIRST, Counts, Hold, ballots, count

pytestmark = pytest.mark.django_db

ZJ = "浙江省村民委员会选举办法"


def posts_of(result: RoundResult) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in result.outcome["posts"]}


def test_deciding_assembles_the_whole_input_and_stores_it_frozen(
    counted: Round, committee: Any
) -> None:
    result = services.round_decide(acting_user=committee, round=counted)
    data = result.input
    assert data["schema"] == "huanjie.round/1"
    assert data["profile"] == "village/zhejiang" == result.profile_id
    assert data["kind"] == "regular"
    # Figures from polling: the electorate frozen at opening, 50 voters handed 50 ballots.
    assert (data["electorate"], data["issued"], data["present"]) == (60, 50, 50)
    assert data["posts"] == [
        {"name": "主任", "seats": 1, "women_only": False},
        {"name": "副主任", "seats": 1, "women_only": False},
        {"name": "妇女委员", "seats": 1, "women_only": True},
        {"name": "委员", "seats": 2, "women_only": False},
    ]
    assert [(c["post"], c["name"]) for c in data["candidates"]] == [
        (c["post"], c["label"]) for c in counted.candidates
    ]
    # The count's box gets its voters and ballots issued from polling.
    assert data["boxes"] == [{"name": "1号票箱", "collected": 50, "voters": 50, "issued": 50}]
    assert len(data["ballots"]) == 50
    assert "elected_before" not in data
    assert "relatives" not in data
    # Decided by the core, stored with its hash; the round is decided.
    assert result.input_sha256 == selectors.input_sha256(data)
    assert result.decided_by == committee
    counted.refresh_from_db()
    assert counted.status == "decided"
    posts = posts_of(result)
    assert posts["主任"]["elected"] == ["李明"]
    assert posts["主任"]["threshold"] == 26  # more than half of 50
    assert posts["副主任"]["elected"] == []
    assert posts["副主任"]["unfilled"] == 1
    assert posts["副主任"]["next_candidates"] == ["赵刚", "彭军"]
    assert posts["妇女委员"]["elected"] == ["田芳"]
    assert sorted(posts["委员"]["elected"]) == ["徐亮", "朱平"]
    assert result.outcome["next_round"] == "additional"
    entry = AuditEntry.objects.filter(action="results.round_decide").get()
    assert entry.after["sha256"] == result.input_sha256
    assert entry.after["next_round"] == "additional"
    # Frozen: the database refuses to change a stored result.
    with pytest.raises(DatabaseError), transaction.atomic():
        RoundResult.objects.filter(pk=result.pk).update(reason="改")


def test_explain_recomputes_from_the_stored_input(counted: Round, committee: Any) -> None:
    result = services.round_decide(acting_user=committee, round=counted)
    result.refresh_from_db()
    explained = selectors.explain(result)
    assert explained.input_intact
    assert explained.matches
    assert explained.differences == []
    # A stored outcome that differs from what the input gives is found (a copy: rows are frozen).
    tampered = RoundResult(
        round=counted,
        input=result.input,
        outcome={**result.outcome, "next_round": None},
        input_sha256="0" * 64,
        profile_id=result.profile_id,
        decided_at=timezone.now(),
    )
    wrong = selectors.explain(tampered)
    assert not wrong.matches
    assert not wrong.input_intact
    assert wrong.differences == ["next_round"]


def test_the_committee_so_far_and_what_comes_next(counted: Round, committee: Any) -> None:
    services.round_decide(acting_user=committee, round=counted)
    members = selectors.elected(counted.election)
    assert [(e.post_kind, e.post_name, e.name, e.votes, e.round_number) for e in members] == [
        ("chair", "主任", "李明", 40, 1),
        ("women_member", "妇女委员", "田芳", 30, 1),
        ("member", "委员", "徐亮", 35, 1),
        ("member", "委员", "朱平", 30, 1),
    ]
    voters = {v.name: v.pk for v in Voter.objects.filter(election=counted.election)}
    assert all(e.voter_id == voters[e.name] for e in members)
    state = selectors.election_outcome(counted.election)
    assert state.decided
    assert not state.complete
    assert state.next_step == "additional"
    assert state.unfilled == {"主任": 0, "副主任": 1, "妇女委员": 0, "委员": 0}
    assert "另行选举" in state.summary


def test_the_additional_round_takes_the_next_in_vote_order_and_completes_the_committee(
    counted: Round, committee: Any, hold: Hold
) -> None:
    first = services.round_decide(acting_user=committee, round=counted)
    election = counted.election
    today = timezone.localdate()
    # 浙江 第二十九条第五款: within 30 days of election day; counted from the next day.
    latest = add_period(election.election_day, 30).end
    with pytest.raises(ResultsError, match="第二十九条第五款") as err:
        services.next_round_create(
            acting_user=committee, result=first, held_on=latest + datetime.timedelta(days=1)
        )
    assert err.value.field == "held_on"
    with pytest.raises(ResultsError, match="不能早于"):
        services.next_round_create(
            acting_user=committee, result=first, held_on=today - datetime.timedelta(days=1)
        )
    second = services.next_round_create(acting_user=committee, result=first, held_on=today)
    assert (second.number, second.kind, second.parent_id, second.held_on) == (
        2,
        "additional",
        counted.pk,
        today,
    )
    assert second.posts == [
        {"kind": "vice_chair", "name": "副主任", "seats": 1, "women_only": False}
    ]
    assert [c["name"] for c in second.candidates] == ["赵刚", "彭军"]
    assert all(c["voter_id"] for c in second.candidates)
    with pytest.raises(ResultsError, match="已根据第1轮结果安排了"):
        services.next_round_create(acting_user=committee, result=first, held_on=today)

    # 另行选举: 45 ballots; 赵刚 16 has the most and at least one third (16 × 3 = 48 ≥ 45).
    hold(second, ballots(副主任=[(["赵刚"], 16), (["彭军"], 15), ([], 14)]))
    result = services.round_decide(acting_user=committee, round=second)
    assert result.input["elected_before"] == [
        {"name": "李明", "post": "主任", "sex": "M"},
        {"name": "田芳", "post": "妇女委员", "sex": "F"},
        {"name": "徐亮", "post": "委员", "sex": "M"},
        {"name": "朱平", "post": "委员", "sex": "M"},
    ]
    post = posts_of(result)["副主任"]
    assert post["threshold"] == 15
    assert post["elected"] == ["赵刚"]
    assert result.outcome["next_round"] is None
    members = selectors.elected(election)
    assert [(e.post_name, e.name, e.round_number) for e in members][:2] == [
        ("主任", "李明", 1),
        ("副主任", "赵刚", 2),
    ]
    state = selectors.election_outcome(election)
    assert state.complete
    assert state.unfilled_total == 0
    assert state.summary == "选举结束，应选 5 名全部选出"


def test_deciding_is_refused_before_the_count_and_twice_without_reason(
    regular: Round, committee: Any, hold: Hold, counts: Counts
) -> None:
    with pytest.raises(ResultsError, match="计票完成后才能确定结果"):
        services.round_decide(acting_user=committee, round=regular)
    r = hold(regular, ballots(**FIRST))
    first = services.round_decide(acting_user=committee, round=r)
    with pytest.raises(ResultsError, match="须说明理由") as err:
        services.round_decide(acting_user=committee, round=r)
    assert err.value.field == "reason"
    with pytest.raises(ResultsError, match="无须重新确定"):
        services.round_decide(acting_user=committee, round=r, reason="复核")
    # A recount found one 委员 ballot entered wrong: 曹勇 not 朱平. Decided again, superseding.
    papers = ballots(**FIRST)
    papers[0]["委员"] = {"yes": ["徐亮", "曹勇"]}
    counts[r.pk] = count(r, papers)
    again = services.round_decide(
        acting_user=committee, round=r, reason="复核发现第1张选票录入有误"
    )
    assert again.supersedes == first
    assert again.reason == "复核发现第1张选票录入有误"
    assert selectors.result_for(r) == again
    assert list(selectors.history(r)) == [first, again]
    assert posts_of(again)["委员"]["votes"]["朱平"] == 29
    # Once the next round is created from it, the result stands.
    services.next_round_create(acting_user=committee, result=again, held_on=timezone.localdate())
    with pytest.raises(ResultsError, match="不能再重新确定"):
        services.round_decide(acting_user=committee, round=r, reason="再次复核")
    with pytest.raises(ResultsError, match="取代"):
        services.next_round_create(
            acting_user=committee, result=first, held_on=timezone.localdate()
        )


def test_a_count_that_is_not_complete_is_refused(
    regular: Round, committee: Any, hold: Hold, counts: Counts
) -> None:
    r = hold(regular, ballots(**FIRST))
    del counts[r.pk]
    with pytest.raises(ResultsError, match="计票尚未完成：尚未录入选票"):
        services.round_decide(acting_user=committee, round=r)
    assert not RoundResult.objects.exists()


def test_a_revote_round_is_planned_among_the_tied(
    regular: Round, committee: Any, hold: Hold
) -> None:
    # 60 vote: 委员 徐亮 34, 朱平 31, 曹勇 31; more than half is 31; 朱平 and 曹勇 tie for the
    # second seat (浙江 第二十八条第二款).
    tie = {
        "主任": [(["李明"], 44), (["王强"], 6), ([], 10)],
        "副主任": [(["赵刚"], 35), (["彭军"], 20), ([], 5)],
        "妇女委员": [(["田芳"], 35), (["林秀英"], 20), ([], 5)],
        "委员": [
            (["徐亮", "朱平"], 29),
            (["徐亮", "曹勇"], 5),
            (["朱平", "曹勇"], 2),
            (["曹勇"], 24),
        ],
    }
    r = hold(regular, ballots(**tie))
    result = services.round_decide(acting_user=committee, round=r)
    member = posts_of(result)["委员"]
    assert member["elected"] == ["徐亮"]
    assert sorted(member["revote"]) == ["曹勇", "朱平"]
    plan = selectors.next_round_plan(result)
    assert plan is not None
    assert plan.kind == "revote"
    assert plan.posts == [{"kind": "member", "name": "委员", "seats": 1, "women_only": False}]
    assert sorted(c["name"] for c in plan.candidates) == ["曹勇", "朱平"]
    revote = services.next_round_create(
        acting_user=committee, result=result, held_on=timezone.localdate()
    )
    assert revote.kind == "revote"
    hold(revote, ballots(委员=[(["朱平"], 30), (["曹勇"], 20), ([], 6)]))
    decided = services.round_decide(acting_user=committee, round=revote)
    assert posts_of(decided)["委员"]["elected"] == ["朱平"]
    state = selectors.election_outcome(r.election)
    assert state.complete
    assert [e.name for e in selectors.elected(r.election)] == [
        "李明",
        "赵刚",
        "田芳",
        "徐亮",
        "朱平",
    ]


def test_declared_near_relatives_are_kept_apart(regular: Round, committee: Any, hold: Hold) -> None:
    """浙江 第三十一条: 徐亮 and 朱平 are brothers; 徐亮 has more votes and keeps his seat, the
    next 委员 with more than half would fill it — there is none, so it goes to 另行选举."""
    election = regular.election
    xu, zhu = (Voter.objects.get(election=election, name=n) for n in ("徐亮", "朱平"))
    NearRelation.objects.create(
        election=election,
        a_name=xu.name,
        a_id_number=xu.id_number,
        b_name=zhu.name,
        b_id_number=zhu.id_number,
        kind=Kin.SIBLING,
    )
    # A grandparent relation does not count for avoidance (not listed in 第三十一条).
    NearRelation.objects.create(
        election=election, a_name="李明", b_name="田芳", kind=Kin.GRANDPARENT
    )
    r = hold(regular, ballots(**FIRST))
    result = services.round_decide(acting_user=committee, round=r)
    assert result.input["relatives"] == [["徐亮", "朱平"]]
    member = posts_of(result)["委员"]
    assert member["elected"] == ["徐亮"]
    assert member["unfilled"] == 1
    reason = next(x for x in result.outcome["reasons"] if x["code"] == "relatives_avoidance")
    assert ZJ in reason["article"]
    assert "第三十一条" in reason["article"]


def test_a_woman_elected_as_write_in_frees_the_womens_post(
    regular: Round, committee: Any, hold: Hold
) -> None:
    """王红 (a registered woman, not a candidate) is written in and elected 委员; the women's
    post is left unfilled and is no longer listed separately (浙江 第二十九条第四款): its seat
    joins the 委员 of the additional round."""
    papers = dict(FIRST)
    papers["委员"] = [(["徐亮", "+王红"], 30), (["徐亮", "曹勇"], 5), (["曹勇"], 5), ([], 10)]
    papers["妇女委员"] = [(["田芳"], 20), (["林秀英"], 18), ([], 12)]
    r = hold(regular, ballots(**papers))
    result = services.round_decide(acting_user=committee, round=r)
    assert result.input["persons"] == [{"name": "王红", "sex": "F"}]
    posts = posts_of(result)
    assert sorted(posts["委员"]["elected"]) == ["徐亮", "王红"]
    assert posts["妇女委员"]["unfilled"] == 1
    assert posts["妇女委员"]["next_women_only"] is False
    plan = selectors.next_round_plan(result)
    assert plan is not None
    assert plan.kind == "additional"
    assert plan.posts == [
        {"kind": "vice_chair", "name": "副主任", "seats": 1, "women_only": False},
        {"kind": "member", "name": "委员", "seats": 1, "women_only": False},
    ]
    assert any("不再单列" in n for n in plan.notes)
    names = {c["post"]: [] for c in plan.candidates}
    for c in plan.candidates:
        names[c["post"]].append(c["name"])
    assert names["委员"] == ["田芳", "林秀英"]
    wang = next(e for e in selectors.elected(r.election) if e.name == "王红")
    assert wang.voter_id == Voter.objects.get(election=r.election, name="王红").pk
    assert wang.sex == "F"


def test_an_invalid_vote_is_rerun_with_the_same_posts_and_candidates(
    regular: Round, committee: Any, hold: Hold
) -> None:
    """浙江 第二十七条第二款: 51 ballots in the box for 50 voters voids the vote."""
    papers = ballots(**FIRST)
    r = hold(regular, [*papers, papers[0]], voters=50)
    result = services.round_decide(acting_user=committee, round=r)
    assert result.outcome["valid"] is False
    assert result.outcome["next_round"] == "rerun"
    assert [x["code"] for x in result.outcome["reasons"]][-1] == "ballots_exceed_voters"
    assert selectors.elected(r.election) == []
    rerun = services.next_round_create(
        acting_user=committee, result=result, held_on=timezone.localdate()
    )
    assert (rerun.kind, rerun.parent_id) == ("regular", r.pk)
    assert rerun.posts == r.posts
    assert rerun.candidates == r.candidates


# --- Hypothesis: the stored outcome always equals its recomputation ---------------------------

NAMES = {
    "主任": ["李明", "王强"],
    "副主任": ["赵刚", "彭军"],
    "妇女委员": ["田芳", "林秀英"],
    "委员": ["徐亮", "朱平", "曹勇"],
}
SEATS = {"主任": 1, "副主任": 1, "妇女委员": 1, "委员": 2}


@st.composite
def ballot(draw: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for post, names in NAMES.items():
        yes = draw(st.lists(st.sampled_from(names), unique=True, max_size=SEATS[post] + 1))
        section: dict[str, Any] = {"yes": yes}
        if draw(st.integers(0, 9)) == 0:
            section["write_in"] = [draw(st.sampled_from(["王红", "赵敏", "张伟甲"]))]
        out[post] = section
    return out


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    papers=st.lists(ballot(), min_size=31, max_size=60),
    kind=st.sampled_from(["regular", "additional"]),
)
def test_a_stored_outcome_always_equals_its_recomputation(
    counted: Round, committee: Any, papers: list[dict[str, Any]], kind: str
) -> None:
    """Whatever the ballots, the outcome stored (through the database's JSON column) is what
    the core gives again from the stored input."""
    first = selectors.result_for(counted) or services.round_decide(
        acting_user=committee, round=counted
    )
    data = {
        **first.input,
        "kind": kind,
        "ballots": papers,
        "boxes": [{"name": "1号票箱", "collected": len(papers), "voters": 60, "issued": 60}],
        "issued": 60,
        "present": 60,
    }
    stored = RoundResult.objects.create(
        round=counted,
        input=selectors.plain(data),
        outcome=selectors.decide(data),
        input_sha256=selectors.input_sha256(data),
        profile_id=first.profile_id,
        decided_at=timezone.now(),
    )
    stored = RoundResult.objects.get(pk=stored.pk)
    explained = selectors.explain(stored)
    assert explained.input_intact
    assert explained.matches, explained.differences
