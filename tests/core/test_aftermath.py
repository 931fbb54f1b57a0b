"""After the election: handover deadlines, representatives, group leaders, supervision,
the recall and by-election vote sheets, and the archive manifest (core/aftermath.py)."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import given
from hypothesis import strategies as st

from huanjie.core import aftermath as am
from huanjie.core.count.recall import RecallInput, decide_recall
from huanjie.core.entry import EntryState, Sheet, submit
from huanjie.core.preparation import Kin, PersonRef, Relation
from huanjie.core.rules import load_profile

D = dt.date


def rule(profile_id: str) -> am.HandoverRule:
    return am.HandoverRule.from_profile(load_profile(profile_id))


# --------------------------------------------------------------------------- handover


def test_handover_due_ten_days_after_the_committee_came_into_being() -> None:
    """rules.md example 21: produced on 2025-12-20 → complete by 2025-12-30; national rule
    keeps the seal with the rest."""
    d = am.handover_deadlines(D(2025, 12, 20), rule("village/national"))
    assert d.due == D(2025, 12, 30)
    assert d.seal_due == D(2025, 12, 30)


def test_shanghai_and_henan_hand_the_seal_over_the_same_day() -> None:
    for pid, article in (
        ("village/shanghai", "上海市村民委员会选举办法 第二十四条"),
        ("village/henan", "河南省实施《村民委员会组织法》办法 第四十条第一款"),
    ):
        r = rule(pid)
        assert r.seal_same_day
        assert r.seal_article == article
        d = am.handover_deadlines(D(2025, 12, 20), r)
        assert d.seal_due == D(2025, 12, 20)
        assert d.due == D(2025, 12, 30)
    assert not rule("village/zhejiang").seal_same_day
    assert rule("village/zhejiang").days_article == "浙江省村民委员会选举办法 第三十三条"


def test_a_last_day_on_a_holiday_moves_to_the_day_after() -> None:
    d = am.handover_deadlines(D(2025, 9, 25), rule("village/national"))
    assert d.due == D(2025, 10, 9)  # 10-05 falls in the National Day holiday
    assert any("第二百零三条" in n for n in d.notes)


def test_no_statutory_period_for_residents() -> None:
    d = am.handover_deadlines(D(2025, 12, 20), rule("residents/national"))
    assert d.due is None
    assert d.seal_due is None


def test_handover_item_states_and_completion() -> None:
    r = rule("village/shanghai")
    d = am.handover_deadlines(D(2025, 12, 20), r)
    items = [
        am.HandoverItem("1", "seal", "印章", D(2025, 12, 21)),
        am.HandoverItem("2", "accounts", "财务账目", D(2025, 12, 29)),
        am.HandoverItem("3", "archives", "档案资料"),
    ]
    check = am.check_handover(items, d, r, today=D(2025, 12, 31))
    states = {s.key: s.state for s in check.items}
    assert states == {"1": "signed_late", "2": "signed", "3": "overdue"}
    codes = [x.code for x in check.reasons]
    assert codes.count("handover_item_late") == 1
    assert codes.count("handover_item_overdue") == 1
    late = next(x for x in check.reasons if x.code == "handover_item_late")
    assert late.article == "上海市村民委员会选举办法 第二十四条"
    assert not check.complete
    done = am.check_handover(
        [*items[:2], am.HandoverItem("3", "archives", "档案资料", D(2025, 12, 30))],
        d,
        r,
        today=D(2026, 1, 5),
    )
    assert done.complete
    assert done.completed_on == D(2025, 12, 30)
    assert "handover_complete" in [x.code for x in done.reasons]
    assert am.check_handover([], d, r, today=D(2025, 12, 21)).reasons[0].code == "handover_no_items"


def test_unsigned_items_before_the_deadline_are_pending_but_still_keep_the_stage_open() -> None:
    r = rule("village/national")
    d = am.handover_deadlines(D(2025, 12, 20), r)
    check = am.check_handover([am.HandoverItem("1", "debts", "债权债务")], d, r, D(2025, 12, 22))
    assert check.items[0].state == "pending"
    assert [x.code for x in check.reasons] == ["handover_item_unsigned"]


# --------------------------------------------------------------------------- representatives


def people(n: int, women: int, *, registered: bool = True) -> list[am.Villager]:
    return [
        am.Villager(str(i), f"代表{i}", "F" if i < women else "M", registered, f"ID{i}")
        for i in range(n)
    ]


def test_worked_example_20_six_hundred_households() -> None:
    ok = am.check_representatives(
        representatives=people(45, 17), households=600, committee_members=5
    )
    assert ok.ok
    assert ok.assembly.representatives_min == 40
    assert ok.assembly.representatives_max == 120
    short = am.check_representatives(
        representatives=people(45, 16), households=600, committee_members=5
    )
    assert [r.code for r in short.reasons] == ["women_share"]
    assert short.reasons[0].article == "村民委员会组织法 第二十五条第一款"


def test_representatives_must_be_registered_and_distinct() -> None:
    reps = [*people(44, 17), am.Villager("x", "外人", "M", registered=False)]
    reps.append(am.Villager("dup", "代表0", "F", True, "ID0"))
    check = am.check_representatives(representatives=reps, households=600, committee_members=5)
    codes = {r.code for r in check.reasons}
    assert {"representative_not_registered", "representative_duplicate"} <= codes
    assert not check.ok


def test_chosen_by_groups_the_household_ratio_is_only_a_reference() -> None:
    reps = [am.Villager(str(i), f"代{i}", "F", group="一组") for i in range(30)]
    check = am.check_representatives(
        representatives=reps,
        households=600,
        committee_members=5,
        by_groups=True,
        groups=["一组", "二组"],
    )
    codes = {r.code: r.level for r in check.reasons}
    assert codes == {
        "representatives_count_reference": "warning",
        "group_without_representative": "warning",
    }
    assert check.ok


def test_households_unknown_is_a_warning_not_a_count_error() -> None:
    check = am.check_representatives(
        representatives=people(20, 10), households=0, committee_members=3
    )
    assert [r.code for r in check.reasons] == ["households_unknown"]


def test_count_households() -> None:
    assert am.count_households(["001", "001", " 002 ", "", "003"]) == (3, 1)


@given(
    households=st.integers(1, 3000),
    reps=st.integers(0, 300),
    women=st.integers(0, 300),
    members=st.integers(0, 7),
)
def test_representative_checks_are_exact(
    households: int, reps: int, women: int, members: int
) -> None:
    women = min(women, reps)
    check = am.check_representatives(
        representatives=people(reps, women), households=households, committee_members=members
    )
    codes = {r.code for r in check.reasons}
    size = reps + members
    # 第二十五条: each 5 to 15 households one representative; ≥ 4/5 of the meeting; women ≥ 1/3
    in_range = 5 * reps <= households <= 15 * reps
    assert ("representatives_count" not in codes) == in_range
    assert ("representatives_share" not in codes) == (5 * reps >= 4 * size)
    assert ("women_share" not in codes) == (3 * women >= size)


# --------------------------------------------------------------------------- group leaders


def test_group_leader_quorum_and_majority() -> None:
    leader = am.Villager("1", "张组长", "M", group="第一村民小组")
    fine = am.check_group_leader(
        leader=leader, group="第一村民小组", by_households=False, eligible=90, present=60, votes=31
    )
    assert fine == []
    short = am.check_group_leader(
        leader=leader, group="第二村民小组", by_households=True, eligible=90, present=59, votes=29
    )
    assert [r.code for r in short] == [
        "group_meeting_quorum",
        "group_leader_majority",
        "leader_outside_group",
    ]
    assert short[0].article == "村民委员会组织法 第二十八条第一款"
    bad = am.check_group_leader(
        leader=leader, group="第一村民小组", by_households=False, eligible=10, present=11, votes=5
    )
    assert [r.code for r in bad] == ["group_meeting_figures"]


@given(eligible=st.integers(1, 500), present=st.integers(0, 500), votes=st.integers(0, 500))
def test_group_meeting_thresholds_are_exact(eligible: int, present: int, votes: int) -> None:
    present, votes = min(present, eligible), min(votes, present)
    codes = {
        r.code
        for r in am.check_group_leader(
            leader=am.Villager("1", "甲"),
            group="一组",
            by_households=False,
            eligible=eligible,
            present=present,
            votes=votes,
        )
    }
    assert ("group_meeting_quorum" not in codes) == (3 * present >= 2 * eligible)
    assert ("group_leader_majority" not in codes) == (2 * votes > present)


# --------------------------------------------------------------------------- supervision


def test_supervisors_exclude_committee_members_and_their_near_relatives() -> None:
    chair = PersonRef("王主任", "330523197001010011")
    committee = [chair, PersonRef("李委员")]
    relations = [Relation(chair, PersonRef("王小明"), Kin.CHILD)]
    assert am.supervisor_conflicts(PersonRef("王主任", "330523197001010011"), committee, relations)[
        0
    ].code == ("supervisor_is_committee_member")
    son = am.supervisor_conflicts(PersonRef("王小明"), committee, relations)
    assert [r.code for r in son] == ["supervisor_near_relative"]
    assert "子女" in son[0].text
    assert son[0].article == "村民委员会组织法 第三十二条；民法典 第一千零四十五条第二款"
    # declared the other way round: the chair is the child's parent
    inverse = [Relation(PersonRef("王小明"), chair, Kin.PARENT)]
    assert am.supervisor_conflicts(PersonRef("王小明"), committee, inverse)[0].code == (
        "supervisor_near_relative"
    )
    assert am.supervisor_conflicts(PersonRef("赵监督"), committee, relations) == []


def test_supervision_committee_wants_someone_with_accounting_knowledge() -> None:
    sup = [am.Supervisor(am.Villager("1", "赵一")), am.Supervisor(am.Villager("2", "钱二"))]
    assert [r.code for r in am.check_supervisors(sup, [], [])] == ["supervision_no_finance"]
    sup.append(am.Supervisor(am.Villager("3", "孙三", registered=False), finance=True))
    assert [r.code for r in am.check_supervisors(sup, [], [])] == ["supervisor_not_registered"]


# --------------------------------------------------------------------------- recall


def test_recall_sheet_by_double_entry_then_decided_by_the_core() -> None:
    """rules.md example 17: 1200 voters, 700 vote, 351 approve → recalled."""

    def validate(c: dict[str, int]) -> list[am.Finding]:
        return am.recall_vote_findings(c, electorate=1200)

    counts = {"participants": 700, "approve": 351, "against": 340, "abstain": 5, "invalid": 4}
    sheet, _ = submit(Sheet(), "1", counts, validate=validate)
    sheet, _ = submit(sheet, "2", counts, validate=validate)
    assert sheet.state is EntryState.DEFINITIVE
    assert sheet.result is not None
    profile = load_profile("village/national")
    out = decide_recall(
        profile.value("recall"),
        profile.article("recall"),
        profile.id,
        RecallInput(
            1200, participants=sheet.result["participants"], approve=sheet.result["approve"]
        ),
    )
    assert out.recalled


def test_recall_sheet_findings() -> None:
    codes = {
        f.code: f.level
        for f in am.recall_vote_findings(
            {"participants": 1300, "approve": 1301, "bogus": 1}, electorate=1200
        )
    }
    assert codes == {
        "unknown_key": "error",
        "participants_exceed_electorate": "error",
        "ballots_exceed_participants": "error",
    }
    short = am.recall_vote_findings({"participants": 10, "approve": 5}, electorate=20)
    assert [(f.code, f.level) for f in short] == [("ballots_unaccounted", "warning")]


# --------------------------------------------------------------------------- by-election


def test_by_election_by_the_representatives_meeting() -> None:
    out = am.decide_by_election(
        body=am.Body.REPRESENTATIVES_MEETING,
        members=45,
        participants=30,
        votes={"甲": 16, "乙": 14},
        seats=1,
    )
    assert out.valid
    assert out.elected == [("甲", 16)]
    assert out.reasons[0].article == "村民委员会组织法 第十九条；第二十六条第二款"
    short = am.decide_by_election(
        body=am.Body.REPRESENTATIVES_MEETING,
        members=45,
        participants=29,
        votes={"甲": 29},
        seats=1,
    )
    assert not short.valid
    assert short.reasons[0].code == "by_election_quorum_not_met"


def test_by_election_tie_and_unfilled() -> None:
    tie = am.decide_by_election(
        body=am.Body.VILLAGERS_MEETING,
        members=100,
        participants=60,
        votes={"甲": 40, "乙": 35, "丙": 35},
        seats=2,
    )
    assert tie.elected == [("甲", 40)]
    assert tie.tied == ["乙", "丙"]
    short = am.decide_by_election(
        body=am.Body.VILLAGERS_MEETING, members=100, participants=60, votes={"甲": 30}, seats=1
    )
    assert short.elected == []
    assert short.unfilled == 1
    assert short.threshold == 31


@given(
    members=st.integers(1, 400),
    participants=st.integers(0, 400),
    votes=st.lists(st.integers(0, 400), min_size=1, max_size=5),
    seats=st.integers(1, 3),
    reps=st.booleans(),
)
def test_by_election_decisions_are_exact(
    members: int, participants: int, votes: list[int], seats: int, reps: bool
) -> None:
    participants = min(participants, members)
    named = {f"候选人{i}": min(v, participants) for i, v in enumerate(votes)}
    body = am.Body.REPRESENTATIVES_MEETING if reps else am.Body.VILLAGERS_MEETING
    out = am.decide_by_election(
        body=body, members=members, participants=participants, votes=named, seats=seats
    )
    quorum = 3 * participants >= 2 * members if reps else 2 * participants > members
    assert out.valid == quorum
    if not quorum:
        return
    assert len(out.elected) <= seats
    for _, v in out.elected:
        assert 2 * v > participants
    losers = [v for n, v in named.items() if n not in dict(out.elected) and n not in out.tied]
    if out.elected:
        assert all(v <= min(v2 for _, v2 in out.elected) for v in losers)
    assert out.unfilled == seats - len(out.elected)


def test_by_election_sheet_findings() -> None:
    f = am.by_election_findings(
        {"participants": 50, "invalid": 2, "votes:甲": 49, "votes:乙": 48, "votes:丁": 1},
        candidates=["甲", "乙"],
        seats=1,
        members=45,
    )
    assert {x.code for x in f} == {
        "unknown_key",
        "participants_exceed_members",
        "candidate_exceeds_valid",
        "votes_exceed_capacity",
    }


# --------------------------------------------------------------------------- archive


def package() -> dict[str, bytes]:
    files = [
        am.ArchiveFile("01-选民名单.pdf", "选民名单", "roll", b"%PDF-1 voter list"),
        am.ArchiveFile("02-移交清单.pdf", "移交清单", "aftermath", b"%PDF-1 handover"),
    ]
    m = am.build_manifest(
        files,
        election="青山村第12届村民委员会选举",
        created_at="2026-12-21T10:00:00+08:00",
        missing=[{"title": "当选证书", "source": "results", "reason": "尚未提供"}],
    )
    out = {f.path: f.data for f in files}
    out[am.MANIFEST] = am.manifest_bytes(m)
    out[am.LISTING] = am.listing_text(m).encode()
    return out


def test_an_intact_package_verifies() -> None:
    files = package()
    assert [r.code for r in am.verify_package(files)] == ["package_intact"]
    manifest = json.loads(files[am.MANIFEST])
    assert manifest["files"][0]["sha256"] == am.sha256(b"%PDF-1 voter list")
    assert "当选证书" in files[am.LISTING].decode()


def test_tampering_with_one_file_is_detected() -> None:
    files = package()
    files["02-移交清单.pdf"] = b"%PDF-1 handover, altered"
    found = am.verify_package(files)
    assert [(r.code, r.values["path"]) for r in found] == [("file_altered", "02-移交清单.pdf")]


def test_removed_added_and_relisted_files_are_detected() -> None:
    files = package()
    del files["01-选民名单.pdf"]
    files["99-extra.pdf"] = b"x"
    files[am.LISTING] = b"edited"
    assert {r.code for r in am.verify_package(files)} == {
        "file_missing",
        "file_unlisted",
        "listing_altered",
    }
    assert am.verify_package({})[0].code == "manifest_missing"
    assert am.verify_package({am.MANIFEST: b"{"})[0].code == "manifest_invalid"
