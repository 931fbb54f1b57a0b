"""Counting services: reconciliation, ballot-by-ballot double entry, the 总监票人's part,
doubtful ballots, the totals path, completeness, the count handed to the core."""

from __future__ import annotations

from typing import Any

import pytest

from huanjie.apps.audit.models import AuditEntry
from huanjie.apps.counting import selectors, services
from huanjie.apps.counting.models import BallotEntry, BoxCount, DoubtfulDecision, RoundCount, Sheet
from huanjie.apps.counting.services import CountingError
from huanjie.apps.polling.models import Round
from huanjie.core.count import decide_round, parse_round
from huanjie.core.rules import load_profile
from tests.apps.counting.conftest import Day, open_round

pytestmark = pytest.mark.django_db

BOX1, BOX2 = "1号票箱", "2号票箱"


def keys(r: Round, **marks: str) -> list[str]:
    """Keyboard fields by post name (ballot order); posts not named are blank."""
    return [marks.get(p["name"], "") for p in r.posts]


def reconcile(day: Day, box: str, collected: int) -> Sheet:
    b = day.boxes[box]
    services.box_reconcile(acting_user=day.one, box=b, collected=collected, acknowledged=True)
    return services.box_reconcile(
        acting_user=day.two, box=b, collected=collected, acknowledged=True
    )


def start(day: Day, method: str = "ballots") -> None:
    services.count_start(acting_user=day.committee, round=day.round, method=method)


def record(day: Day, box: str, pass_no: int, position: int, fields: list[str]) -> Any:
    clerk = day.one if pass_no == 1 else day.two
    return services.ballot_record(
        acting_user=clerk, box=day.boxes[box], pass_no=pass_no, position=position, keys=fields
    )


def both(day: Day, box: str, ballots: list[list[str]]) -> None:
    for i, fields in enumerate(ballots, start=1):
        record(day, box, 1, i, fields)
        record(day, box, 2, i, fields)


# --- Before polls close --------------------------------------------------------------------


def test_counting_before_polls_close_is_refused(
    formal: Any, users: dict[str, Any], clerks: dict[str, Any]
) -> None:
    r = open_round(formal, users["qingshan"], boxes={"1号票箱": 3})
    with pytest.raises(CountingError, match="投票尚未结束（当前状态：投票中），不能计票") as err:
        services.count_start(acting_user=users["qingshan"], round=r, method="ballots")
    assert err.value.code == "polls_open"
    with pytest.raises(CountingError, match="投票尚未结束"):
        services.box_reconcile(acting_user=clerks["one"], box=r.boxes.get(), collected=3)
    assert not RoundCount.objects.exists()
    assert not Sheet.objects.exists()
    assert selectors.count_complete(r) == (False, ["投票尚未结束，尚未计票"])


# --- Reconciliation ------------------------------------------------------------------------


def test_a_box_is_reconciled_by_two_clerks_with_the_core_decision(day: Day) -> None:
    start(day)
    b = day.boxes[BOX1]
    s = services.box_reconcile(acting_user=day.one, box=b, collected=12)
    assert s.state == "second_entry"
    with pytest.raises(CountingError) as err:
        services.box_reconcile(acting_user=day.one, box=b, collected=12)
    assert err.value.code == "same_clerk"
    s = services.box_reconcile(acting_user=day.two, box=b, collected=12)
    assert s.is_definitive
    assert s.decision is not None
    assert s.decision["code"] == "box_reconciled"
    assert s.decision["article"] == "浙江省村民委员会选举办法 第二十七条第二款"
    assert (s.decision["voters"], s.decision["issued"]) == (12, 12)
    bc = BoxCount.objects.get(box=b)
    assert (bc.collected, bc.state) == (12, "entering")


def test_a_box_reconciled_twice_is_refused(day: Day) -> None:
    start(day)
    reconcile(day, BOX1, 12)
    before = AuditEntry.objects.count()
    with pytest.raises(
        CountingError, match="票箱“1号票箱”已开箱清点（收回选票 12 张），不能重复清点"
    ) as err:
        services.box_reconcile(acting_user=day.committee, box=day.boxes[BOX1], collected=11)
    assert err.value.code == "already_reconciled"
    assert AuditEntry.objects.count() == before
    assert Sheet.objects.get(box=day.boxes[BOX1], kind="reconcile").result == {"collected": 12}


def test_more_ballots_than_voters_is_a_warning_to_acknowledge(day: Day) -> None:
    start(day)
    b = day.boxes[BOX2]
    with pytest.raises(CountingError) as err:
        services.box_reconcile(acting_user=day.one, box=b, collected=9)
    assert err.value.code == "unacknowledged_warnings"
    assert "多于本票箱投票人数 8" in err.value.message
    assert "第二十七条第二款" in err.value.message
    assert not Sheet.objects.filter(box=b).exists()  # nothing half-written
    s = reconcile(day, BOX2, 9)
    assert s.decision is not None
    assert (s.decision["code"], s.decision["level"]) == ("box_exceeds", "warning")
    reconcile(day, BOX1, 12)
    round_check = selectors.round_reconciliation(day.round)
    # Zhejiang reconciles the round: 21 ballots against 20 voters voids the vote.
    assert round_check[-1]["code"] == "ballots_exceed_voters"
    assert "选举无效" in round_check[-1]["text"]


def test_differing_reconciliations_go_to_the_chief(day: Day) -> None:
    start(day)
    b = day.boxes[BOX1]
    services.box_reconcile(acting_user=day.one, box=b, collected=12)
    s = services.box_reconcile(acting_user=day.two, box=b, collected=11)
    assert s.state == "entries_different"
    with pytest.raises(CountingError) as err:
        services.reconcile_resolve(acting_user=day.committee, box=b, action="keep_first")
    assert err.value.code == "not_chief"
    s = services.reconcile_resolve(acting_user=day.chief, box=b, action="keep_first")
    assert s.result == {"collected": 12}
    assert BoxCount.objects.get(box=b).collected == 12


# --- Ballot by ballot ----------------------------------------------------------------------


def test_two_passes_that_agree_make_the_box_definitive(day: Day) -> None:
    start(day)
    reconcile(day, BOX2, 3)
    r = day.round
    rec = record(day, BOX2, 1, 1, keys(r, 主任="1", 委员="12"))
    assert (rec.replay, rec.assessment.valid, rec.entered, rec.state) == (
        False,
        True,
        1,
        "entering",
    )
    record(day, BOX2, 2, 1, keys(r, 主任="1", 委员="21"))  # order typed does not matter
    both(day, BOX2, [])
    for i in (2, 3):
        record(day, BOX2, 1, i, keys(r, 副主任="2"))
    record(day, BOX2, 2, 2, keys(r, 副主任="2"))
    last = record(day, BOX2, 2, 3, keys(r, 副主任="2"))
    assert last.state == "definitive"
    assert BallotEntry.objects.count() == 6
    assert AuditEntry.objects.filter(action="counting.ballot_record").count() == 6


def test_a_retried_ballot_is_recorded_once(day: Day) -> None:
    start(day)
    reconcile(day, BOX2, 8)
    fields = keys(day.round, 主任="2")
    first = record(day, BOX2, 1, 1, fields)
    again = record(day, BOX2, 1, 1, fields)
    assert again.replay
    assert again.entry.pk == first.entry.pk
    assert BallotEntry.objects.count() == 1
    with pytest.raises(CountingError, match="第一遍（唱票录入）第 1 张已录入为“主任：") as err:
        record(day, BOX2, 1, 1, keys(day.round, 主任="1"))
    assert err.value.code == "position_taken"
    assert BallotEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "code", "text"),
    [
        ({"主任": "7"}, "unknown_candidate", "主任：没有编号 7 的候选人"),
        ({"委员": "1 2 3 4 +甲 +乙 +丙"}, "too_many_marks", "委员：录入 7 个标记"),
        ({"主任": "+甲 +乙"}, "too_many_write_ins", "另选他人 2 人，多于选票上的 1 个空格"),
    ],
)
def test_impossible_ballots_are_refused_and_nothing_is_written(
    day: Day, fields: dict[str, str], code: str, text: str
) -> None:
    start(day)
    reconcile(day, BOX2, 8)
    audit = AuditEntry.objects.count()
    with pytest.raises(CountingError) as err:
        record(day, BOX2, 1, 1, keys(day.round, **fields))
    assert err.value.code == "has_errors"
    assert code in [f.code for f in err.value.findings]
    assert text in err.value.message
    assert not BallotEntry.objects.exists()
    assert AuditEntry.objects.count() == audit
    assert BoxCount.objects.get().first_entered == 0


def test_an_overmarked_ballot_is_taken_and_voided_by_the_core(day: Day) -> None:
    start(day)
    reconcile(day, BOX2, 8)
    rec = record(day, BOX2, 1, 1, keys(day.round, 主任="12"))
    assert rec.assessment.valid is False
    assert "主任选 2 人，应选 1 名" in rec.assessment.warnings[0].message
    assert "第二十七条第三款" in rec.assessment.warnings[0].message
    assert BallotEntry.objects.get().ballot == {"主任": {"yes": _names(day, "主任")}}


def _names(day: Day, post: str) -> list[str]:
    return [c["label"] for c in day.round.candidates if c["post"] == post]


def test_clerk_rules(day: Day) -> None:
    start(day)
    reconcile(day, BOX2, 8)
    b = day.boxes[BOX2]
    record(day, BOX2, 1, 1, keys(day.round, 主任="1"))
    with pytest.raises(CountingError, match="第二遍（核对录入）须由另一名录入人独立录入"):
        services.ballot_record(
            acting_user=day.one, box=b, pass_no=2, position=1, keys=keys(day.round)
        )
    with pytest.raises(CountingError, match="已由另一名录入人开始录入"):
        services.ballot_record(
            acting_user=day.two, box=b, pass_no=1, position=2, keys=keys(day.round)
        )
    with pytest.raises(CountingError, match="应录入第 2 张，收到的是第 5 张"):
        record(day, BOX2, 1, 5, keys(day.round))
    with pytest.raises(CountingError, match="收回选票 8 张，第 9 张超出"):
        record(day, BOX2, 2, 9, keys(day.round))
    with pytest.raises(CountingError, match="尚未开箱清点"):
        record(day, BOX1, 1, 1, keys(day.round))


def test_a_clerk_corrects_their_own_ballot_and_the_earlier_version_is_kept(day: Day) -> None:
    start(day)
    reconcile(day, BOX2, 8)
    b = day.boxes[BOX2]
    record(day, BOX2, 1, 1, keys(day.round, 主任="1"))
    with pytest.raises(CountingError) as err:
        services.ballot_correct(
            acting_user=day.two, box=b, pass_no=1, position=1, keys=keys(day.round)
        )
    assert err.value.code == "not_your_pass"
    services.ballot_correct(
        acting_user=day.one, box=b, pass_no=1, position=1, keys=keys(day.round, 主任="2")
    )
    e = BallotEntry.objects.get()
    assert e.ballot == {"主任": {"yes": [_names(day, "主任")[1]]}}
    assert e.corrections[0]["ballot"] == {"主任": {"yes": [_names(day, "主任")[0]]}}


def test_differences_go_to_the_chief_scrutineer_ballot_by_ballot(day: Day) -> None:
    start(day)
    reconcile(day, BOX2, 2)
    r = day.round
    record(day, BOX2, 1, 1, keys(r, 主任="1"))
    record(day, BOX2, 2, 1, keys(r, 主任="2"))
    # Settled while entry goes on: the paper ballot is still on top of the pile.
    with pytest.raises(CountingError) as err:
        services.ballot_settle(
            acting_user=day.committee, box=day.boxes[BOX2], position=1, choice="keep_first"
        )
    assert err.value.code == "not_chief"
    services.ballot_settle(
        acting_user=day.chief,
        box=day.boxes[BOX2],
        position=1,
        choice="as_read",
        keys=keys(r, 主任="1 ?"),
        reason="纸质选票上划记模糊",
    )
    record(day, BOX2, 1, 2, keys(r, 委员="1"))
    rec = record(day, BOX2, 2, 2, keys(r, 委员="2"))
    assert rec.state == "entries_different"
    complete, problems = selectors.count_complete(r)
    assert not complete
    assert "票箱“2号票箱”有 1 张选票两遍录入不一致，待总监票人核对" in problems
    with pytest.raises(CountingError, match="第 1 张已核对确定"):
        services.ballot_settle(
            acting_user=day.chief, box=day.boxes[BOX2], position=1, choice="keep_first"
        )
    services.ballot_settle(
        acting_user=day.chief, box=day.boxes[BOX2], position=2, choice="keep_second"
    )
    bc = BoxCount.objects.get(box=day.boxes[BOX2])
    assert bc.state == "definitive"
    # Position 1 was settled as doubtful: the committee decides before the count is complete.
    assert selectors.pending_doubts(bc) == [1]
    assert (
        "票箱“2号票箱”第 1 张选票难以确认，待村民选举委员会决定" in selectors.count_complete(r)[1]
    )


def test_the_chief_cannot_settle_a_box_they_typed(day: Day) -> None:
    start(day)
    reconcile(day, BOX2, 1)
    services.ballot_record(
        acting_user=day.chief,
        box=day.boxes[BOX2],
        pass_no=1,
        position=1,
        keys=keys(day.round, 主任="1"),
    )
    record(day, BOX2, 2, 1, keys(day.round, 主任="2"))
    with pytest.raises(CountingError) as err:
        services.ballot_settle(
            acting_user=day.chief, box=day.boxes[BOX2], position=1, choice="keep_first"
        )
    assert err.value.code == "coordinator_is_clerk"


def test_doubtful_ballot_decided_by_the_committee_with_the_article(day: Day) -> None:
    start(day)
    reconcile(day, BOX2, 1)
    both(day, BOX2, [keys(day.round, 主任="1 ?")])
    bc = BoxCount.objects.get()
    assert bc.state == "definitive"
    assert selectors.pending_doubts(bc) == [1]
    with pytest.raises(CountingError, match="理由：请填写"):
        services.doubtful_decide(
            acting_user=day.committee,
            box=day.boxes[BOX2],
            position=1,
            decision="invalid",
            deciders="选委会",
            reason="",
        )
    d = services.doubtful_decide(
        acting_user=day.committee,
        box=day.boxes[BOX2],
        position=1,
        decision="invalid",
        deciders="村民选举委员会主任李某、委员王某",
        reason="划记在两名候选人之间，无法确认",
    )
    assert d.article == "浙江省村民委员会选举办法 第二十七条第四款"
    assert d.ballot == {"unreadable": True}
    assert selectors.pending_doubts(bc) == []
    with pytest.raises(CountingError) as err:
        services.doubtful_decide(
            acting_user=day.committee,
            box=day.boxes[BOX2],
            position=1,
            decision="valid",
            deciders="x",
            reason="y",
        )
    assert err.value.code == "already_decided"
    assert DoubtfulDecision.objects.count() == 1


def test_discarding_a_pass_and_reopening_a_box_keep_the_rows(day: Day) -> None:
    start(day)
    reconcile(day, BOX2, 1)
    both(day, BOX2, [keys(day.round, 主任="1")])
    b = day.boxes[BOX2]
    with pytest.raises(CountingError, match="理由：请填写"):
        services.box_reopen(acting_user=day.chief, box=b, reason=" ")
    bc = services.box_reopen(acting_user=day.chief, box=b, reason="监票人发现少点一张")
    assert (bc.state, bc.first_entered, bc.second_entered) == ("entering", 0, 0)
    assert BallotEntry.objects.filter(discarded_at__isnull=False).count() == 2
    record(day, BOX2, 1, 1, keys(day.round, 主任="2"))
    bc = services.pass_discard(acting_user=day.chief, box=b, pass_no=1, reason="录错票箱")
    assert bc.first_entered == 0
    assert bc.first_clerk_id is None
    assert BallotEntry.objects.count() == 3


# --- The whole round ---------------------------------------------------------------------------


def _count_ballots(day: Day) -> None:
    r = day.round
    start(day)
    reconcile(day, BOX1, 12)
    reconcile(day, BOX2, 8)
    first = keys(r, 主任="1", 副主任="1", 妇女委员="1", 委员="12")
    second = keys(r, 主任="2", 副主任="2", 妇女委员="2", 委员="23")
    both(day, BOX1, [first] * 8 + [second] * 3 + [keys(r, 主任="12")])
    both(day, BOX2, [first] * 5 + [keys(r)] * 2 + [keys(r, 主任="+甲某")])


def test_the_count_of_a_round_is_what_the_core_reads(day: Day) -> None:
    _count_ballots(day)
    r = day.round
    assert selectors.count_complete(r) == (True, [])
    fragment = selectors.round_count(r)
    assert fragment["boxes"] == [
        {"name": BOX1, "collected": 12, "voters": 12, "issued": 12},
        {"name": BOX2, "collected": 8, "voters": 8, "issued": 8},
    ]
    assert len(fragment["ballots"]) == 20
    data = {
        "schema": "huanjie.round/1",
        "profile": r.election.profile_id,
        "kind": r.kind,
        "electorate": 30,  # the quorum is not what this test is about
        "issued": 20,
        "posts": [
            {"name": p["name"], "seats": p["seats"], "women_only": p["women_only"]} for p in r.posts
        ],
        "candidates": [
            {"name": c["label"], "post": c["post"], "sex": c["sex"]} for c in r.candidates
        ],
        **fragment,
    }
    outcome = decide_round(parse_round(data, load_profile))
    chair = _names(day, "主任")[0]
    assert dict(outcome.posts[0].votes)[chair] == 13
    assert outcome.invalid_ballots == 1
    assert outcome.blank_ballots == 2


def test_the_chief_confirms_the_count_and_nothing_changes_afterwards(day: Day) -> None:
    _count_ballots(day)
    with pytest.raises(CountingError) as err:
        services.count_confirm(acting_user=day.committee, round=day.round)
    assert err.value.code == "not_chief"
    r = services.count_confirm(acting_user=day.chief, round=day.round)
    assert r.status == "counted"
    assert RoundCount.objects.get().completed_at is not None
    with pytest.raises(CountingError, match="计票已确认完成") as err:
        services.box_reopen(acting_user=day.chief, box=day.boxes[BOX1], reason="再点一遍")
    assert err.value.code == "count_closed"


def test_an_incomplete_count_cannot_be_confirmed(day: Day) -> None:
    start(day)
    reconcile(day, BOX1, 12)
    with pytest.raises(
        CountingError, match="计票尚未完成：票箱“1号票箱”逐张录入未完成：第一遍 0/12 张"
    ) as err:
        services.count_confirm(acting_user=day.chief, round=day.round)
    assert "票箱“2号票箱”尚未开箱清点" in err.value.message
    with pytest.raises(ValueError, match="计票尚未完成"):
        selectors.round_count(day.round)
    assert Round.objects.get(pk=day.round.pk).status == "closed"


def test_the_screen_shows_the_callers_count_and_the_checked_count(day: Day) -> None:
    start(day)
    reconcile(day, BOX2, 8)
    r = day.round
    chair = _names(day, "主任")
    for i in range(1, 4):
        record(day, BOX2, 1, i, keys(r, 主任="1"))
    record(day, BOX2, 2, 1, keys(r, 主任="1"))
    record(day, BOX2, 2, 2, keys(r, 主任="2"))  # differs from pass 1
    data = selectors.screen(r)
    row = next(x for x in data["posts"][0]["rows"] if x["name"] == chair[0])
    assert (row["called"], row["checked"]) == (3, 1)
    assert (data["collected"], data["called"], data["checked"], data["remaining"]) == (8, 3, 1, 5)
    assert not data["complete"]
    assert "voter" not in str(data).lower()


# --- Totals on paper -------------------------------------------------------------------------


def test_totals_path(day: Day) -> None:
    r = day.round
    start(day, "totals")
    reconcile(day, BOX1, 12)
    reconcile(day, BOX2, 8)
    chair = _names(day, "主任")
    with pytest.raises(CountingError) as err:
        record(day, BOX1, 1, 1, keys(r))
    assert err.value.code == "not_reconciled"
    sheet1 = {"invalid": 1, f"votes:主任:{chair[0]}": 9, f"votes:主任:{chair[1]}": 2}
    services.totals_submit(acting_user=day.one, box=day.boxes[BOX1], counts=sheet1)
    s = services.totals_submit(
        acting_user=day.two, box=day.boxes[BOX1], counts={**sheet1, f"votes:主任:{chair[1]}": 1}
    )
    assert s.state == "entries_different"
    services.totals_resolve(acting_user=day.chief, box=day.boxes[BOX1], action="keep_first")
    with pytest.raises(CountingError) as err:
        services.totals_submit(acting_user=day.one, box=day.boxes[BOX2], counts={"invalid": 9})
    assert err.value.code == "has_errors"
    assert "无效票 9 张，多于收回的 8 张" in err.value.message
    sheet2 = {"invalid": 0, f"votes:主任:{chair[0]}": 5, "write_in:主任:孙某": 1}
    services.totals_submit(acting_user=day.one, box=day.boxes[BOX2], counts=sheet2)
    services.totals_submit(acting_user=day.two, box=day.boxes[BOX2], counts=sheet2)
    assert selectors.count_complete(r) == (True, [])
    fragment = selectors.round_count(r)
    assert fragment["collected"] == 20
    assert fragment["invalid"] == 1
    assert fragment["totals"]["主任"] == {chair[0]: 14, chair[1]: 2, "孙某": 1}
    assert selectors.screen(r)["checked"] == 20


def test_the_method_is_fixed_once_entry_has_begun(day: Day) -> None:
    start(day)
    reconcile(day, BOX2, 8)
    assert BoxCount.objects.filter(box=day.boxes[BOX2]).exists()
    # Nothing entered yet: the committee may still count on paper, and back.
    services.count_start(acting_user=day.committee, round=day.round, method="totals")
    assert not BoxCount.objects.exists()
    services.count_start(acting_user=day.committee, round=day.round, method="ballots")
    assert BoxCount.objects.get().collected == 8
    record(day, BOX2, 1, 1, keys(day.round, 主任="1"))
    with pytest.raises(CountingError, match="已有票箱开始录入，不能再更改计票方式") as err:
        services.count_start(acting_user=day.committee, round=day.round, method="totals")
    assert err.value.code == "method_locked"
    assert RoundCount.objects.get().method == "ballots"
