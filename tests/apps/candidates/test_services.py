"""The candidates part through its services: double entry, the 差额 decision, review,
withdrawal and back-fill, notices and the formal list."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from huanjie.apps.audit.models import AuditEntry
from huanjie.apps.campaigns.services import stage_blockers, stage_change
from huanjie.apps.candidates import selectors, services
from huanjie.apps.candidates.models import Candidate, NominationRound, Notice, Status
from huanjie.apps.candidates.services import CandidateError
from huanjie.core.entry import EntryState, votes_key
from huanjie.core.stages import Action, Stage

from .conftest import CLEAR, enter_twice, sheet

pytestmark = pytest.mark.django_db


def by_post(election: Any, *statuses: str) -> dict[str, list[str]]:
    wanted = statuses or tuple(s.value for s in Status)
    found: dict[str, list[str]] = {}
    for c in (
        selectors.candidates(election).filter(status__in=wanted).order_by("post__order", "-votes")
    ):
        found.setdefault(c.post.kind, []).append(c.voter.name)
    return found


def qualify(election: Any, user: Any, names: list[str] | None = None) -> None:
    from huanjie.apps.candidates.models import Department

    for c in selectors.candidates(election).filter(status__in=["preliminary", "under_review"]):
        if names is not None and c.voter.name not in names:
            continue
        for d in Department.values:
            services.review_record(acting_user=user, candidate=c, department=d, finding="qualified")


def candidate(election: Any, name: str) -> Candidate:
    return Candidate.objects.get(election=election, voter__name=name)


# --- Double entry --------------------------------------------------------------------------


def test_two_clerks_agree_and_the_core_decides_by_the_contest_rule(
    nominated: Any, clerks: dict[str, Any]
) -> None:
    r = enter_twice(nominated, clerks, sheet(**CLEAR))
    assert r.state == EntryState.DEFINITIVE
    assert by_post(nominated) == {
        "chair": ["李明", "王强"],
        "vice_chair": ["赵刚", "彭军"],
        "women_member": ["田芳", "林秀英"],
        "member": ["徐亮", "朱平", "曹勇"],
    }
    decision = selectors.latest_decision(nominated)
    assert decision is not None
    assert decision.inputs["totals"]["主任"] == {"李明": 60, "王强": 30, "赵刚": 5}
    codes = [r["code"] for p in decision.outcome["posts"] for r in p["reasons"]]
    assert codes.count("preliminary_candidates") == 4
    # Zhejiang inherits the national rule: more candidates than seats (组织法 第十五条第一款)
    assert "第十五条第一款" in decision.outcome["posts"][0]["reasons"][0]["article"]
    assert candidate(nominated, "李明").votes == 60


def test_same_clerk_twice_is_refused(nominated: Any, clerks: dict[str, Any]) -> None:
    r = services.nomination_round_start(acting_user=clerks["one"], election=nominated)
    services.tally_submit(acting_user=clerks["one"], round=r, counts=sheet(**CLEAR))
    with pytest.raises(CandidateError) as err:
        services.tally_submit(acting_user=clerks["one"], round=r, counts=sheet(**CLEAR))
    assert err.value.code == "same_clerk"
    r.refresh_from_db()
    assert r.state == EntryState.SECOND_ENTRY
    assert r.second_counts is None


def test_differences_go_to_a_third_person(nominated: Any, clerks: dict[str, Any]) -> None:
    r = services.nomination_round_start(acting_user=clerks["one"], election=nominated)
    services.tally_submit(acting_user=clerks["one"], round=r, counts=sheet(**CLEAR))
    typo = sheet(**CLEAR)
    typo[votes_key("chair", "王强")] = 3
    r = services.tally_submit(acting_user=clerks["two"], round=r, counts=typo)
    assert r.state == EntryState.ENTRIES_DIFFERENT
    assert not Candidate.objects.filter(election=nominated).exists()
    rows = [row for row in selectors.entries_compared(r) if row["differs"]]
    assert [(row["what"], row["first"], row["second"]) for row in rows] == [("王强", 30, 3)]
    for clerk in ("one", "two"):
        with pytest.raises(CandidateError) as err:
            services.tally_resolve(acting_user=clerks[clerk], round=r, action="keep_first")
        assert err.value.code == "coordinator_is_clerk"
    r = services.tally_resolve(acting_user=clerks["coordinator"], round=r, action="keep_first")
    assert r.state == EntryState.DEFINITIVE
    assert r.resolution == "keep_first"
    assert by_post(nominated)["chair"] == ["李明", "王强"]


def test_entry_with_errors_changes_nothing(nominated: Any, clerks: dict[str, Any]) -> None:
    r = services.nomination_round_start(acting_user=clerks["one"], election=nominated)
    too_many = sheet(**{**CLEAR, "chair": {"李明": 80, "王强": 30}})
    with pytest.raises(CandidateError) as err:
        services.tally_submit(acting_user=clerks["one"], round=r, counts=too_many)
    assert err.value.code == "has_errors"
    assert [f.code for f in err.value.findings] == ["votes_exceed_capacity"]
    assert "主任" in err.value.message
    unknown = sheet(**{**CLEAR, "member": {**CLEAR["member"], "路人甲": 1}})
    with pytest.raises(CandidateError) as err:
        services.tally_submit(acting_user=clerks["one"], round=r, counts=unknown)
    assert err.value.code == "unacknowledged_warnings"
    r.refresh_from_db()
    assert r.state == EntryState.FIRST_ENTRY
    r = services.tally_submit(acting_user=clerks["one"], round=r, counts=unknown, acknowledged=True)
    assert r.first_warnings[0]["code"] == "unknown_name"
    r = services.tally_submit(acting_user=clerks["two"], round=r, counts=unknown, acknowledged=True)
    decision = selectors.latest_decision(nominated)
    assert decision is not None
    assert "路人甲" in decision.inputs["barred"]


def test_first_entry_is_not_in_the_audit_log_before_it_is_definitive(
    nominated: Any, clerks: dict[str, Any]
) -> None:
    r = services.nomination_round_start(acting_user=clerks["one"], election=nominated)
    services.tally_submit(acting_user=clerks["one"], round=r, counts=sheet(**CLEAR))
    last = AuditEntry.objects.filter(action="candidates.tally_finalise_first").get()
    assert "李明" not in str(last.after)
    assert last.after["total"] == sum(sheet(**CLEAR).values())


def test_nominees_must_be_registered_voters(voters: dict[str, Any], clerks: dict[str, Any]) -> None:
    election = voters["李明"].election
    with pytest.raises(CandidateError) as err:
        services.nominee_add(acting_user=clerks["one"], election=election, voter=voters["陈除名"])
    assert err.value.code == "not_a_voter"
    services.nominee_add(acting_user=clerks["one"], election=election, voter=voters["李明"])
    with pytest.raises(CandidateError) as err:
        services.nominee_add(acting_user=clerks["one"], election=election, voter=voters["李明"])
    assert err.value.code == "duplicate"


def test_stage_must_be_open(election: Any, users: dict[str, Any]) -> None:
    with pytest.raises(CandidateError) as err:
        services.nomination_round_start(acting_user=users["qingshan"], election=election)
    assert err.value.code == "stage_not_open"


# --- Ties ----------------------------------------------------------------------------------


def test_a_tie_at_the_cut_off_opens_a_revote(nominated: Any, clerks: dict[str, Any]) -> None:
    tied = {**CLEAR, "member": {"徐亮": 60, "朱平": 50, "曹勇": 40, "王红": 40, "赵敏": 10}}
    enter_twice(nominated, clerks, sheet(**tied))
    assert by_post(nominated)["member"] == ["徐亮", "朱平"]
    revote = selectors.pending_revotes(nominated).get()
    assert revote.names == sorted(["曹勇", "王红"])
    assert revote.places == 1
    with pytest.raises(CandidateError) as err:
        services.notice_publish(
            acting_user=clerks["coordinator"],
            election=nominated,
            kind="preliminary",
            start=timezone.localdate(),
            days=3,
        )
    assert err.value.code == "revote_pending"
    counts = {
        "member:issued": 110,
        "member:returned": 100,
        "member:votes:王红": 55,
        "member:votes:曹勇": 45,
    }
    services.tally_submit(acting_user=clerks["one"], round=revote, counts=counts)
    services.tally_submit(acting_user=clerks["two"], round=revote, counts=counts)
    assert by_post(nominated)["member"] == ["徐亮", "朱平", "王红"]
    assert candidate(nominated, "王红").source == Candidate.Source.REVOTE
    assert not selectors.pending_revotes(nominated).exists()


# --- Review, withdrawal, back-fill -----------------------------------------------------------


def test_one_unqualified_finding_disqualifies_and_back_fills(
    decided: Any, clerks: dict[str, Any]
) -> None:
    lin = candidate(decided, "林秀英")
    services.review_record(
        acting_user=clerks["one"], candidate=lin, department="organisation", finding="qualified"
    )
    lin.refresh_from_db()
    assert lin.status == Status.UNDER_REVIEW
    with pytest.raises(CandidateError) as err:
        services.review_record(
            acting_user=clerks["one"],
            candidate=lin,
            department="public_security",
            finding="unqualified",
        )
    assert err.value.field == "reason"
    services.review_record(
        acting_user=clerks["one"],
        candidate=lin,
        department="public_security",
        finding="unqualified",
        reason="正在服刑",
    )
    lin.refresh_from_db()
    assert lin.status == Status.DISQUALIFIED
    assert "公安部门" in lin.status_reason
    assert "正在服刑" in lin.status_reason
    cai = candidate(decided, "蔡丽")
    assert cai.source == Candidate.Source.BACKFILL
    assert cai.replaces == lin
    assert by_post(decided, *[s.value for s in (Status.PRELIMINARY, Status.UNDER_REVIEW)])[
        "women_member"
    ] == ["田芳", "蔡丽"]
    assert (
        selectors.latest_decision(decided).inputs["barred"]["林秀英"].startswith("资格审查不合格")
    )  # type: ignore[union-attr]


def test_qualified_only_when_every_department_agrees(decided: Any, clerks: dict[str, Any]) -> None:
    qualify(decided, clerks["one"], ["李明"])
    assert candidate(decided, "李明").status == Status.QUALIFIED
    assert candidate(decided, "王强").status == Status.PRELIMINARY


def test_withdrawal_back_fills_from_the_ranking(decided: Any, clerks: dict[str, Any]) -> None:
    zhu = candidate(decided, "朱平")
    with pytest.raises(CandidateError) as err:
        services.candidate_withdraw(
            acting_user=clerks["one"], candidate=zhu, written=False, reason="身体原因"
        )
    assert err.value.field == "written"
    services.candidate_withdraw(
        acting_user=clerks["one"], candidate=zhu, written=True, reason="身体原因"
    )
    zhu.refresh_from_db()
    assert zhu.status == Status.WITHDRAWN
    assert zhu.withdrawal_written
    wang = candidate(decided, "王红")
    assert wang.source == Candidate.Source.BACKFILL
    assert wang.replaces == zhu
    assert by_post(decided, "preliminary")["member"] == ["徐亮", "曹勇", "王红"]
    assert selectors.is_candidate(decided, wang.voter)
    assert not selectors.is_candidate(decided, zhu.voter)


def test_withdrawal_of_a_higher_post_moves_the_next_up(
    decided: Any, clerks: dict[str, Any]
) -> None:
    """王强 withdraws from 主任: the next in the 主任 ranking is 赵刚, who was a 副主任
    candidate; he moves up and 副主任 takes its next (徐亮), and so on down (the core)."""
    services.candidate_withdraw(
        acting_user=clerks["one"],
        candidate=candidate(decided, "王强"),
        written=True,
        reason="外出务工",
    )
    assert by_post(decided, "preliminary") == {
        "chair": ["李明", "赵刚"],
        "vice_chair": ["彭军", "徐亮"],
        "women_member": ["田芳", "林秀英"],
        "member": ["朱平", "曹勇", "王红"],
    }


def test_statement_and_pledge(decided: Any, clerks: dict[str, Any]) -> None:
    c = candidate(decided, "李明")
    with pytest.raises(CandidateError) as err:
        services.candidate_statement_save(
            acting_user=clerks["one"], candidate=c, statement="发展集体经济", pledge_signed=True
        )
    assert err.value.field == "pledge_date"
    c = services.candidate_statement_save(
        acting_user=clerks["one"],
        candidate=c,
        statement="发展集体经济",
        pledge_signed=True,
        pledge_date=timezone.localdate(),
    )
    assert c.pledge_signed
    assert c.statement == "发展集体经济"


# --- Notices and the formal list -------------------------------------------------------------


def test_formal_list_needs_review_and_the_contest_rule(
    decided: Any, clerks: dict[str, Any]
) -> None:
    today = timezone.localdate()
    with pytest.raises(CandidateError) as err:
        services.notice_publish(
            acting_user=clerks["coordinator"], election=decided, kind="formal", start=today, days=25
        )
    assert err.value.code == "review_pending"
    qualify(decided, clerks["one"])
    # Nobody left to back-fill 妇女委员 once both 蔡丽 and 林秀英 are gone: too few candidates.
    for name in ("林秀英", "蔡丽"):
        services.candidate_withdraw(
            acting_user=clerks["one"],
            candidate=candidate(decided, name),
            written=True,
            reason="不愿参选",
        )
    with pytest.raises(CandidateError) as err:
        services.notice_publish(
            acting_user=clerks["coordinator"], election=decided, kind="formal", start=today, days=25
        )
    assert err.value.code == "contest"
    assert "妇女委员应选 1 名，候选人应为 不少于2 名，现有 1 名" in err.value.message


def test_formal_list_in_stroke_order_and_the_stage_blocker(
    decided: Any, clerks: dict[str, Any]
) -> None:
    today = timezone.localdate()
    assert stage_blockers(decided, Stage.NOMINATION) == ["正式候选人名单尚未公布"]
    qualify(decided, clerks["one"])
    notice = services.notice_publish(
        acting_user=clerks["coordinator"], election=decided, kind="formal", start=today, days=25
    )
    assert notice.order == "votes"  # 浙江 第十八条第三款: 按得票多少为序张榜公布
    assert [c["name"] for c in notice.content["posts"][3]["candidates"]] == ["徐亮", "朱平", "曹勇"]
    formal = selectors.formal_list(decided)
    # Zhejiang orders names by the strokes of the full name: 徐 10, 曹 11 … 朱 6
    assert [p.name for p in formal] == ["主任", "副主任", "妇女委员", "委员"]
    assert [c.name for c in formal[0].candidates] == ["王强", "李明"]  # 王 4 < 李 7
    assert [c.name for c in formal[1].candidates] == ["赵刚", "彭军"]  # 赵 9 < 彭 12
    assert [c.name for c in formal[2].candidates] == ["田芳", "林秀英"]  # 田 5 < 林 8
    assert [c.name for c in formal[3].candidates] == ["朱平", "徐亮", "曹勇"]  # 6 < 10 < 11
    assert stage_blockers(decided, Stage.NOMINATION) == []
    stage_change(
        acting_user=clerks["coordinator"],
        election=decided,
        stage=Stage.NOMINATION,
        action=Action.CLOSE,
    )


def test_a_change_after_publication_supersedes_the_formal_list(
    decided: Any, clerks: dict[str, Any]
) -> None:
    today = timezone.localdate()
    qualify(decided, clerks["one"])
    services.notice_publish(
        acting_user=clerks["coordinator"], election=decided, kind="formal", start=today, days=25
    )
    services.candidate_withdraw(
        acting_user=clerks["one"],
        candidate=candidate(decided, "朱平"),
        written=True,
        reason="迁居外地",
    )
    assert selectors.formal_list(decided) == []
    assert candidate(decided, "李明").status == Status.QUALIFIED
    assert "须重新公布" in stage_blockers(decided, Stage.NOMINATION)[0]
    qualify(decided, clerks["one"], ["王红"])
    services.notice_publish(
        acting_user=clerks["coordinator"], election=decided, kind="formal", start=today, days=25
    )
    assert [c.name for c in selectors.formal_list(decided)[3].candidates] == [
        "王红",
        "徐亮",
        "曹勇",
    ]
    assert Notice.objects.filter(election=decided, superseded_at__isnull=True).count() == 1


def test_formal_list_too_late_is_refused(decided: Any, clerks: dict[str, Any]) -> None:
    qualify(decided, clerks["one"])
    late = decided.election_day - datetime.timedelta(days=2)
    with pytest.raises(CandidateError) as err:
        services.notice_publish(
            acting_user=clerks["coordinator"], election=decided, kind="formal", start=late, days=2
        )
    assert err.value.code == "too_late"
    assert err.value.field == "start"
    assert "第十八条第三款" in err.value.message


def test_reopen_a_definitive_tally(nominated: Any, clerks: dict[str, Any]) -> None:
    r = enter_twice(nominated, clerks, sheet(**CLEAR))
    with pytest.raises(CandidateError) as err:
        services.tally_resolve(acting_user=clerks["coordinator"], round=r, action="reopen")
    assert err.value.field == "reason"
    r = services.tally_resolve(
        acting_user=clerks["coordinator"], round=r, action="reopen", reason="发现一只票箱漏计"
    )
    assert r.state == EntryState.FIRST_ENTRY
    assert not Candidate.objects.filter(election=nominated).exists()
    assert NominationRound.objects.filter(election=nominated).count() == 1


# --- The election committee (村民委员会组织法 第十二条) -----------------------------------------


def test_a_committee_member_nominated_as_candidate_leaves_the_committee(
    nominated: Any, voters: dict[str, Any], clerks: dict[str, Any]
) -> None:
    from huanjie.apps.committee.models import CommitteeMember
    from huanjie.apps.committee.models import Status as MemberStatus
    from huanjie.apps.committee.services import committee_member_add

    def add(name: str, sex: str, rank: int, *, seated: bool, id_number: str = "") -> None:
        committee_member_add(
            acting_user=clerks["coordinator"],
            election=nominated,
            name=name,
            sex=sex,
            selected_by="representatives_meeting",
            rank=rank,
            id_number=id_number,
            seated=seated,
        )

    add("李明", "M", 1, seated=True, id_number=voters["李明"].id_number)
    add("孙立", "M", 2, seated=True)
    add("钱多", "M", 3, seated=True)
    add("吴候补", "F", 4, seated=False)
    add("赵敏", "F", 5, seated=True)  # nominated, but not made a candidate: stays
    enter_twice(nominated, clerks, sheet(**CLEAR))
    li = CommitteeMember.objects.get(election=nominated, name="李明")
    assert li.status == MemberStatus.LEFT
    assert li.left_reason == "nominated"
    assert CommitteeMember.objects.get(election=nominated, name="吴候补").status == (
        MemberStatus.SERVING
    )
    assert CommitteeMember.objects.get(election=nominated, name="赵敏").status == (
        MemberStatus.SERVING
    )
    assert "李明已退出村民选举委员会" in candidate(nominated, "李明").committee_note


def test_notice_order_follows_the_profile() -> None:
    from huanjie.core.rules import load_profile

    assert selectors.notice_order(load_profile("village/zhejiang"))[0] == "votes"
    assert selectors.notice_order(load_profile("village/beijing"))[0] == "votes"
    order, note = selectors.notice_order(load_profile("village/national"))
    assert order == "strokes"
    assert note.startswith("按姓氏笔画排序")
    assert selectors.notice_order(load_profile("village/henan"))[0] == "strokes"


def test_stroke_order_follows_the_profile_convention() -> None:
    """姓氏笔画 puts a blank after the surname of a two-character name (王强 before 王秀英);
    姓名笔画 compares character by character (秀 7 strokes before 强 12)."""
    from types import SimpleNamespace

    from huanjie.core.rules import load_profile

    people = [
        SimpleNamespace(pk=i, voter=SimpleNamespace(name=n))
        for i, n in enumerate(["王秀英", "王强", "李明"])
    ]

    def order(profile: str) -> list[str]:
        convention = selectors.name_convention(load_profile(profile))
        return [c.voter.name for c in selectors.stroke_ordered(people, convention)]  # type: ignore[arg-type]

    assert order("village/national") == ["王强", "王秀英", "李明"]
    assert order("village/zhejiang") == ["王秀英", "王强", "李明"]


# --- A department's findings on every candidate at once ---------------------------------------


def _all_qualified(election: Any) -> list[services.DepartmentFinding]:
    return [
        services.DepartmentFinding(candidate=c, finding="qualified")
        for c in selectors.candidates(election).filter(status__in=["preliminary", "under_review"])
    ]


def test_a_department_records_all_its_findings_at_once_each_audited(
    decided: Any, clerks: dict[str, Any]
) -> None:
    findings = _all_qualified(decided)
    assert len(findings) == 9
    before = AuditEntry.objects.filter(action="candidates.review").count()
    stored = services.reviews_record(
        acting_user=clerks["one"], election=decided, department="organisation", findings=findings
    )
    assert len(stored) == 9
    assert AuditEntry.objects.filter(action="candidates.review").count() == before + 9
    assert {c.status for c in selectors.candidates(decided)} == {Status.UNDER_REVIEW}
    # The same reply again changes nothing and is not audited again.
    again = services.reviews_record(
        acting_user=clerks["one"], election=decided, department="organisation", findings=findings
    )
    assert again == []
    assert AuditEntry.objects.filter(action="candidates.review").count() == before + 9
    # Every department: all qualified, and the formal list may be published.
    for d in ("civil_affairs", "public_security", "discipline", "justice", "township"):
        services.reviews_record(
            acting_user=clerks["one"], election=decided, department=d, findings=findings
        )
    assert {c.status for c in selectors.candidates(decided)} == {Status.QUALIFIED}


def test_a_department_reply_is_stored_whole_or_not_at_all(
    decided: Any, clerks: dict[str, Any]
) -> None:
    lin = candidate(decided, "林秀英")
    findings = [
        f
        if f.candidate.pk != lin.pk
        else services.DepartmentFinding(candidate=lin, finding="unqualified")
        for f in _all_qualified(decided)
    ]
    with pytest.raises(CandidateError) as err:
        services.reviews_record(
            acting_user=clerks["one"], election=decided, department="justice", findings=findings
        )
    assert err.value.field == f"reason_{lin.pk}"
    assert "林秀英的理由：请填写" in err.value.message
    assert not selectors.candidates(decided).filter(reviews__isnull=False).exists()
    with pytest.raises(CandidateError) as err:
        services.reviews_record(
            acting_user=clerks["one"], election=decided, department="police", findings=findings
        )
    assert err.value.field == "department"
    with pytest.raises(CandidateError) as err:
        services.reviews_record(
            acting_user=clerks["one"], election=decided, department="justice", findings=[]
        )
    assert err.value.field == "findings"


def test_unqualified_in_a_department_reply_backfills_once(
    decided: Any, clerks: dict[str, Any]
) -> None:
    lin, zhu = candidate(decided, "林秀英"), candidate(decided, "朱平")
    findings = [
        services.DepartmentFinding(
            candidate=f.candidate, finding="unqualified", reason="受过刑事处罚"
        )
        if f.candidate.pk in (lin.pk, zhu.pk)
        else f
        for f in _all_qualified(decided)
    ]
    decisions = selectors.latest_decision(decided)
    assert decisions is not None
    services.reviews_record(
        acting_user=clerks["one"], election=decided, department="justice", findings=findings
    )
    assert candidate(decided, "林秀英").status == Status.DISQUALIFIED
    assert "司法行政部门" in candidate(decided, "朱平").status_reason
    # 蔡丽 and 王红 come in, by nomination votes; the decision is taken once.
    assert by_post(decided, "preliminary")["women_member"] == ["蔡丽"]
    assert by_post(decided, "preliminary")["member"] == ["王红"]
    latest = selectors.latest_decision(decided)
    assert latest is not None
    assert latest.pk == decisions.pk + 1


def test_a_published_list_is_replaced_only_as_a_correction_with_a_reason(
    decided: Any, clerks: dict[str, Any]
) -> None:
    today = timezone.localdate()
    qualify(decided, clerks["one"])
    first = services.notice_publish(
        acting_user=clerks["coordinator"], election=decided, kind="formal", start=today, days=25
    )
    with pytest.raises(CandidateError) as err:
        services.notice_publish(
            acting_user=clerks["coordinator"], election=decided, kind="formal", start=today, days=25
        )
    assert err.value.code == "already_published"
    assert err.value.field == "reason"
    assert selectors.current_notice(decided, "formal") == first
    second = services.notice_publish(
        acting_user=clerks["coordinator"],
        election=decided,
        kind="formal",
        start=today,
        days=24,
        reason="公示天数有误",
    )
    first.refresh_from_db()
    assert first.superseded_reason == "更正并重新公布：公示天数有误"
    assert selectors.current_notice(decided, "formal") == second
    entry = AuditEntry.objects.filter(action="candidates.notice_formal").order_by("-pk").first()
    assert entry is not None
    assert "公示天数有误" in str(entry.after)
