"""The election committee and preparation decisions (core.preparation): back-fill in order,
near relatives, the evaluation bar (exact at the boundary) and the training pass mark."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huanjie.core import preparation as core
from huanjie.core.preparation import (
    EvaluationPolicy,
    Kin,
    PersonRef,
    Relation,
    Seat,
    Tally,
    TrainingPolicy,
)

ZHANG = PersonRef("张三", "")
LI = PersonRef("李四", "")
WANG = PersonRef("王五", "")
ZHAO = PersonRef("赵六", "")


def tally(returned: int, dissatisfied: int, *, issued: int | None = None) -> Tally:
    return Tally(
        issued=returned if issued is None else issued,
        returned=returned,
        satisfied=returned - dissatisfied,
        basically_satisfied=0,
        dissatisfied=dissatisfied,
    )


# --------------------------------------------------------------------------- people


def test_kin_inverse_is_an_involution_and_covers_the_civil_code_list() -> None:
    assert [k.label for k in Kin] == [
        "配偶",
        "父母",
        "子女",
        "兄弟姐妹",
        "祖父母",
        "外祖父母",
        "孙子女",
        "外孙子女",
    ]
    for kind in Kin:
        assert kind.inverse.inverse is kind
    assert Kin.PARENT.inverse is Kin.CHILD
    assert Kin.MATERNAL_GRANDPARENT.inverse is Kin.MATERNAL_GRANDCHILD
    assert Kin.SPOUSE.inverse is Kin.SPOUSE


def test_same_person_uses_id_numbers_when_both_are_known_else_the_name() -> None:
    a = PersonRef("张三", "330523199001011234")
    assert core.same_person(a, PersonRef("張 三"))  # traditional script, a space
    assert core.same_person(a, PersonRef("张三", "330523199001011234"))
    assert not core.same_person(a, PersonRef("张三", "330523199202021234"))  # a namesake
    assert not core.same_person(a, LI)


def test_relation_is_read_in_both_directions_with_the_inverse_kind() -> None:
    relations = [Relation(ZHANG, LI, Kin.PARENT)]  # 李四 is 张三's parent
    assert core.relation_between(ZHANG, LI, relations) is Kin.PARENT
    assert core.relation_between(LI, ZHANG, relations) is Kin.CHILD
    assert core.relation_between(ZHANG, WANG, relations) is None


def test_conflict_message_names_both_and_the_relation() -> None:
    conflicts = core.relative_conflicts(LI, [ZHANG, WANG], [Relation(ZHANG, LI, Kin.SPOUSE)])
    assert len(conflicts) == 1
    assert conflicts[0].text.startswith("李四与张三系近亲属（张三是李四的配偶）")
    assert core.CIVIL_CODE_NEAR_RELATIVES in conflicts[0].articles


# --------------------------------------------------------------------------- back-fill


def test_backfill_takes_the_first_reserve_in_rank_order() -> None:
    reserves = [Seat(ZHAO, 7), Seat(WANG, 6)]
    decision = core.backfill(reserves, [ZHANG], [])
    assert decision.chosen == Seat(WANG, 6)
    assert decision.text == "按原推选结果顺序，由第6位王五递补"
    assert core.ORGANIC_LAW_COMMITTEE in decision.articles


def test_backfill_skips_a_near_relative_of_a_serving_member() -> None:
    relations = [Relation(ZHANG, WANG, Kin.SIBLING)]
    decision = core.backfill([Seat(WANG, 6), Seat(ZHAO, 7)], [ZHANG, LI], relations)
    assert decision.chosen == Seat(ZHAO, 7)
    assert [s.rank for s, _ in decision.skipped] == [6]
    assert "第6位王五因近亲属回避未递补" in decision.text


def test_backfill_with_nobody_left_asks_for_a_new_selection() -> None:
    decision = core.backfill([], [ZHANG], [])
    assert decision.chosen is None
    assert "应当另行推选" in decision.text


def test_backfill_refuses_duplicate_ranks() -> None:
    with pytest.raises(ValueError, match="distinct ranks"):
        core.backfill([Seat(WANG, 6), Seat(ZHAO, 6)], [], [])


@given(st.lists(st.integers(1, 50), min_size=1, max_size=10, unique=True))
def test_backfill_without_relatives_is_always_the_lowest_rank(ranks: list[int]) -> None:
    reserves = [Seat(PersonRef(f"人{r}"), r) for r in ranks]
    decision = core.backfill(reserves, [ZHANG], [])
    assert decision.chosen is not None
    assert decision.chosen.rank == min(ranks)


# --------------------------------------------------------------------------- committee


def codes(findings: list[core.Finding]) -> dict[str, bool]:
    return {f.code: f.blocking for f in findings}


def test_committee_needs_three_and_prefers_an_odd_number() -> None:
    assert codes(core.committee_findings([ZHANG, LI], [], chairs=1)) == {"too_few": True}
    assert codes(core.committee_findings([ZHANG, LI, WANG], [], chairs=1)) == {}
    assert codes(core.committee_findings([ZHANG, LI, WANG, ZHAO], [], chairs=1)) == {"even": False}
    assert codes(core.committee_findings([ZHANG, LI, WANG], [], chairs=0)) == {"no_chair": False}
    assert codes(core.committee_findings([ZHANG, LI, WANG], [], chairs=2)) == {"chairs": True}


def test_relatives_sitting_together_block() -> None:
    findings = core.committee_findings(
        [ZHANG, LI, WANG], [Relation(WANG, ZHANG, Kin.CHILD)], chairs=1
    )
    assert codes(findings) == {"relatives": True}
    assert "张三与王五系近亲属（王五是张三的父母）" in findings[0].text


# --------------------------------------------------------------------------- evaluation


def test_tally_errors_name_the_field() -> None:
    assert core.tally_errors(Tally(100, 101, 50, 20, 10)) == [
        ("returned", "收回测评票（101）不能多于发出测评票（100）")
    ]
    assert core.tally_errors(Tally(100, 90, 50, 20, 21))[0][0] == "dissatisfied"
    assert core.tally_errors(Tally(100, 90, -1, 20, 21)) == [("satisfied", "满意票不能为负数")]
    assert core.tally_errors(Tally(0, 0, 0, 0, 0)) == [
        ("returned", "收回测评票为0，无法计算不满意率")
    ]
    assert core.tally_errors(Tally(10, 5, 0, 0, 0), "valid") == [
        ("dissatisfied", "有效测评票为0，无法计算不满意率")
    ]
    assert core.tally_errors(Tally(100, 100, 50, 20, 30)) == []


def test_exactly_thirty_percent_is_flagged_by_default_and_not_when_strict() -> None:
    decision = core.evaluate(tally(100, 30))
    assert decision.flagged
    assert decision.share == "30.00%"
    assert decision.formula == "30×100=3000 ≥ 100×30=3000"
    assert decision.percent == 30
    assert decision.inclusive
    assert "不得再提名" in decision.text
    assert decision.article.status == "U"  # default: local practice, unverified
    strict = core.evaluate(tally(100, 30), EvaluationPolicy(inclusive=False))
    assert not strict.flagged
    assert not core.evaluate(tally(100, 29)).flagged


def test_the_base_may_be_the_valid_ballots() -> None:
    # 100 returned, 40 of them blank: 24/100 = 24% of returned, 24/60 = 40% of valid.
    t = Tally(issued=100, returned=100, satisfied=30, basically_satisfied=6, dissatisfied=24)
    assert not core.evaluate(t).flagged
    valid = core.evaluate(t, EvaluationPolicy(base="valid"))
    assert valid.flagged
    assert valid.share == "40.00%"
    assert valid.base == 60


def test_evaluate_refuses_an_inconsistent_tally() -> None:
    with pytest.raises(ValueError, match="不能多于"):
        core.evaluate(Tally(10, 11, 0, 0, 0))


@given(
    returned=st.integers(1, 10**6),
    data=st.data(),
    percent=st.integers(1, 100),
    inclusive=st.booleans(),
)
def test_flag_matches_exact_fractions(
    returned: int, data: st.DataObject, percent: int, inclusive: bool
) -> None:
    dissatisfied = data.draw(st.integers(0, returned))
    decision = core.evaluate(
        tally(returned, dissatisfied), EvaluationPolicy(percent=percent, inclusive=inclusive)
    )
    share, bar = Fraction(dissatisfied, returned), Fraction(percent, 100)
    assert decision.flagged == (share >= bar if inclusive else share > bar)


@given(k=st.integers(1, 10**5))
def test_bar_boundary_is_exact_at_thirty_percent(k: int) -> None:
    returned = 10 * k
    at = core.evaluate(tally(returned, 3 * k))
    assert at.flagged
    assert at.share == "30.00%"
    assert not core.evaluate(tally(returned, 3 * k - 1)).flagged
    assert not core.evaluate(tally(returned, 3 * k), EvaluationPolicy(inclusive=False)).flagged
    assert core.evaluate(tally(returned, 3 * k + 1), EvaluationPolicy(inclusive=False)).flagged


@given(num=st.integers(0, 10**6), den=st.integers(1, 10**6))
def test_percent_text_rounds_half_up_exactly(num: int, den: int) -> None:
    expected = (Decimal(num) * 100 / Decimal(den)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    exact = (num * 10000) % den == 0
    text = core.percent_text(num, den)
    assert text == f"{'' if exact else '约'}{expected}%"


def test_policy_bounds() -> None:
    with pytest.raises(ValueError, match="1–100 percent"):
        EvaluationPolicy(percent=0)
    with pytest.raises(ValueError, match="pass mark"):
        TrainingPolicy(pass_mark=101)
    assert EvaluationPolicy().describe() == "不满意票占收回测评票的比例达到30%（含本数）"


def test_local_policy_citation() -> None:
    assert core.local_policy("", "x").status == "U"
    named = core.local_policy("天荒坪镇换届选举工作方案 第八条", "民主测评不满意率标准")
    assert named.status == "V"
    assert named.law == "天荒坪镇换届选举工作方案 第八条"


# --------------------------------------------------------------------------- training and staff


@given(score=st.integers(0, 100), mark=st.integers(0, 100))
def test_training_passes_at_or_above_the_mark(score: int, mark: int) -> None:
    assert core.training_result(score, TrainingPolicy(pass_mark=mark)).passed == (score >= mark)


def test_training_boundary_and_bad_scores() -> None:
    assert core.training_result(85).passed
    assert core.training_result(85).text == "85分 ≥ 合格分数线85分，合格"
    assert not core.training_result(84).passed
    assert core.score_error(101) is not None
    with pytest.raises(ValueError, match="0 至 100"):
        core.training_result(-1)


def test_staff_decision() -> None:
    passed = core.training_result(90)
    failed = core.training_result(70)
    assert core.staff_decision([failed, passed]).allowed
    no = core.staff_decision([failed])
    assert not no.allowed
    assert "未合格" in no.text
    assert not core.staff_decision([]).allowed
    excluded = core.staff_decision([passed], ["王五是候选人，不得担任选举工作人员"])
    assert not excluded.allowed
    assert core.REGULATION_STAFF in excluded.articles


def test_preparation_blockers() -> None:
    done = core.PreparationState(
        evaluation_required=True,
        evaluations=2,
        evaluations_unpublished=0,
        audit_recorded=True,
        audit_published=True,
        risk_assessed=True,
    )
    assert core.preparation_blockers(done) == []
    empty = core.PreparationState(True, 0, 0, False, False, False)
    assert core.preparation_blockers(empty) == [
        "尚未录入民主测评结果",
        "尚未录入村民委员会离任经济责任审计结果（村民委员会组织法 第三十五条第二款：应在选举前公布）",
        "尚未进行风险研判（评定风险等级）",
    ]
    waived = core.PreparationState(False, 0, 0, True, False, True)
    assert core.preparation_blockers(waived) == [
        "离任经济责任审计结果尚未公布（村民委员会组织法 第三十五条第二款：应在选举前公布）"
    ]
    unpublished = core.PreparationState(True, 3, 1, True, True, True)
    assert core.preparation_blockers(unpublished) == ["有1项民主测评结果尚未公布"]


def test_the_audit_is_published_before_election_day() -> None:
    day = date(2026, 12, 20)
    assert core.audit_publication_error(date(2026, 12, 19), day) is None
    error = core.audit_publication_error(day, day)
    assert error is not None
    assert "第三十五条第二款" in error
