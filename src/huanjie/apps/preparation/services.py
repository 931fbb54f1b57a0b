"""Writes for the preparation records: one transaction and one audit entry per change.

Evaluations and the financial audit belong to the preparation stage: once it is closed they
can no longer be changed (reopen the stage, with a reason, to correct them). Risk levels and
staff training may change at any time.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone

from huanjie.apps.audit.services import audit_record
from huanjie.apps.campaigns.models import Campaign, Election, Post
from huanjie.apps.errors import ServiceError
from huanjie.apps.preparation import selectors
from huanjie.apps.preparation.models import (
    Evaluation,
    FinancialAudit,
    PreparationSetting,
    RiskAssessment,
    RiskLevel,
    TraineeScore,
    TrainingSession,
)
from huanjie.core import preparation as core
from huanjie.core.citations import Article
from huanjie.core.names import normalize
from huanjie.core.preparation import BASE_LABELS, PersonRef
from huanjie.core.roll import idcard

#: Who acts: the request's user (views and the API), or None for the system.
User = AbstractBaseUser | AnonymousUser | None

__all__ = [
    "PreparationError",
    "evaluation_delete",
    "evaluation_enter",
    "evaluation_publish",
    "financial_audit_publish",
    "financial_audit_record",
    "preparation_setting_update",
    "risk_assess",
    "trainee_score_enter",
    "training_session_create",
]


class PreparationError(ServiceError):
    """Bad input for a preparation record; the message (Chinese) names the field."""


def _article(a: Article) -> dict[str, str]:
    return {"law": a.law, "ref": a.ref, "status": a.status}


def _text(value: str, field: str, label: str, *, max_length: int, required: bool = True) -> str:
    value = value.strip()
    if required and not value:
        raise PreparationError(f"{label}：请填写", field)
    if len(value) > max_length:
        raise PreparationError(f"{label}：不能超过{max_length}个字", field)
    return value


def _name(value: str, field: str, label: str) -> str:
    return _text(" ".join(value.split()), field, label, max_length=50)


def _published_on(value: date, field: str = "published_on") -> date:
    if value > timezone.localdate():
        raise PreparationError("公布日期：不能晚于今天", field)
    return value


def _lock(election: Election) -> Election:
    return Election.objects.select_for_update().get(pk=election.pk)


def _lock_with_policy(election: Election) -> Election:
    """Lock the campaign (whose parameters the decision applies; the township may be changing
    them) and then the election, always in that order."""
    Campaign.objects.select_for_update().get(pk=election.campaign_id)
    return _lock(election)


def _require_open(election: Election, what: str) -> None:
    if selectors.preparation_closed(election):
        raise PreparationError(
            f"“准备工作”阶段已完成，{what}不能再更改；如需更正，请先重新开启该阶段", "stage"
        )


# --------------------------------------------------------------------------- #
# Local parameters (township office)


def _evaluation_snapshot(e: Evaluation) -> dict[str, object]:
    return {
        "incumbent": e.incumbent_name,
        "post": e.post,
        "issued": e.issued,
        "returned": e.returned,
        "satisfied": e.satisfied,
        "basically_satisfied": e.basically_satisfied,
        "dissatisfied": e.dissatisfied,
        "share": e.share,
        "flagged": e.flagged,
        "formula": e.formula,
        "decision": e.decision,
        "bar_percent": e.bar_percent,
        "bar_inclusive": e.bar_inclusive,
        "bar_base": e.bar_base,
        "basis": e.basis,
        "published_on": e.published_on,
    }


def _apply_evaluation(e: Evaluation, policy: core.EvaluationPolicy) -> None:
    tally = core.Tally(
        issued=e.issued,
        returned=e.returned,
        satisfied=e.satisfied,
        basically_satisfied=e.basically_satisfied,
        dissatisfied=e.dissatisfied,
    )
    decision = core.evaluate(tally, policy)
    e.share = decision.share
    e.flagged = decision.flagged
    e.formula = decision.formula
    e.decision = decision.text
    e.bar_percent = decision.percent
    e.bar_inclusive = decision.inclusive
    e.bar_base = decision.base_kind
    e.basis = _article(decision.article)


def _apply_score(s: TraineeScore, policy: core.TrainingPolicy) -> None:
    decision = core.training_result(s.score, policy)
    s.pass_mark = decision.pass_mark
    s.passed = decision.passed
    s.decision = decision.text
    s.basis = _article(decision.article)


def preparation_setting_update(
    *,
    acting_user: User,
    campaign: Campaign,
    evaluation_required: bool,
    evaluation_percent: int,
    evaluation_inclusive: bool,
    evaluation_base: str,
    pass_mark: int,
    basis: str = "",
) -> PreparationSetting:
    """Set the campaign's local parameters (the caller checks the user may change the
    campaign's area: the township office).

    Unpublished evaluations and every training score of the campaign are decided again under
    the new values, each with its own audit entry; published evaluations keep the bar they
    were published under.
    """
    if not 1 <= evaluation_percent <= 100:
        raise PreparationError(
            "不满意率标准：应为 1 至 100 之间的整数（百分比）", "evaluation_percent"
        )
    if evaluation_base not in BASE_LABELS:
        raise PreparationError("计算基数：应为收回测评票或有效测评票", "evaluation_base")
    if not 0 <= pass_mark <= 100:
        raise PreparationError("培训考试合格分数：应为 0 至 100 之间的整数", "pass_mark")
    basis = _text(basis, "basis", "政策依据", max_length=200, required=False)
    with transaction.atomic():
        Campaign.objects.select_for_update().get(pk=campaign.pk)
        setting, _ = PreparationSetting.objects.get_or_create(campaign=campaign)
        before = {
            "evaluation_required": setting.evaluation_required,
            "evaluation_percent": setting.evaluation_percent,
            "evaluation_inclusive": setting.evaluation_inclusive,
            "evaluation_base": setting.evaluation_base,
            "pass_mark": setting.pass_mark,
            "basis": setting.basis,
        }
        setting.evaluation_required = evaluation_required
        setting.evaluation_percent = evaluation_percent
        setting.evaluation_inclusive = evaluation_inclusive
        setting.evaluation_base = evaluation_base
        setting.pass_mark = pass_mark
        setting.basis = basis
        setting.updated_by_id = getattr(acting_user, "pk", None)
        setting.save()
        after = {k: getattr(setting, k) for k in before}
        audit_record(
            acting_user=acting_user,
            action="preparation.setting_update",
            obj=setting,
            area=campaign.area,
            before=before,
            after={**after, "note": "地方政策参数，非法律规定"},
        )
        e_policy = selectors.evaluation_policy(campaign)
        for e in Evaluation.objects.filter(
            election__campaign=campaign, published_on__isnull=True
        ).select_related("election__area"):
            old = _evaluation_snapshot(e)
            _apply_evaluation(e, e_policy)
            new = _evaluation_snapshot(e)
            if new != old:
                e.save()
                audit_record(
                    acting_user=acting_user,
                    action="preparation.evaluation_redecide",
                    obj=e,
                    area=e.election.area,
                    before=old,
                    after=new,
                )
        t_policy = selectors.training_policy(campaign)
        for s in TraineeScore.objects.filter(session__election__campaign=campaign).select_related(
            "session__election__area"
        ):
            old_score = (s.pass_mark, s.passed, s.decision, s.basis)
            _apply_score(s, t_policy)
            if (s.pass_mark, s.passed, s.decision, s.basis) != old_score:
                s.save()
                audit_record(
                    acting_user=acting_user,
                    action="preparation.score_redecide",
                    obj=s,
                    area=s.session.election.area,
                    before={"pass_mark": old_score[0], "passed": old_score[1]},
                    after={"pass_mark": s.pass_mark, "passed": s.passed, "basis": s.basis},
                )
    return setting


# --------------------------------------------------------------------------- #
# 民主测评


def evaluation_enter(
    *,
    acting_user: User,
    election: Election,
    incumbent_name: str,
    post: str,
    issued: int,
    returned: int,
    satisfied: int,
    basically_satisfied: int,
    dissatisfied: int,
) -> Evaluation:
    """Enter (or correct, before publication) one incumbent's evaluation tallies; the core
    decides the dissatisfied share against the campaign's bar, stored with the bar applied."""
    name = _name(incumbent_name, "incumbent_name", "被测评人")
    if post not in Post.Kind.values:
        raise PreparationError("现任职务：应为主任、副主任、委员或妇女委员", "post")
    tally = core.Tally(
        issued=issued,
        returned=returned,
        satisfied=satisfied,
        basically_satisfied=basically_satisfied,
        dissatisfied=dissatisfied,
    )
    with transaction.atomic():
        election = _lock_with_policy(election)
        policy = selectors.evaluation_policy(election.campaign)
        errors = core.tally_errors(tally, policy.base)
        if errors:
            field, message = errors[0]
            raise PreparationError(message, field)
        _require_open(election, "民主测评结果")
        key = normalize(name)
        evaluation = Evaluation.objects.filter(election=election, name_key=key, post=post).first()
        before = None
        if evaluation is not None:
            if evaluation.published_on is not None:
                raise PreparationError(
                    f"被测评人：{evaluation}的测评结果已于{evaluation.published_on:%Y-%m-%d}公布，不能修改",
                    "incumbent_name",
                )
            before = _evaluation_snapshot(evaluation)
        else:
            evaluation = Evaluation(election=election, name_key=key, post=post)
        evaluation.incumbent_name = name
        evaluation.issued = issued
        evaluation.returned = returned
        evaluation.satisfied = satisfied
        evaluation.basically_satisfied = basically_satisfied
        evaluation.dissatisfied = dissatisfied
        evaluation.entered_by_id = getattr(acting_user, "pk", None)
        _apply_evaluation(evaluation, policy)
        evaluation.save()
        audit_record(
            acting_user=acting_user,
            action="preparation.evaluation_enter",
            obj=evaluation,
            area=election.area,
            before=before,
            after=_evaluation_snapshot(evaluation),
        )
    return evaluation


def evaluation_delete(*, acting_user: User, evaluation: Evaluation) -> None:
    """Remove an evaluation entered in error (only before it is published)."""
    with transaction.atomic():
        election = _lock(evaluation.election)
        _require_open(election, "民主测评结果")
        evaluation = Evaluation.objects.get(pk=evaluation.pk)
        if evaluation.published_on is not None:
            raise PreparationError(f"{evaluation}的测评结果已公布，不能删除", "evaluation")
        before = _evaluation_snapshot(evaluation)
        pk = evaluation.pk
        evaluation.delete()
        audit_record(
            acting_user=acting_user,
            action="preparation.evaluation_delete",
            object_type="preparation.evaluation",
            object_id=str(pk),
            area=election.area,
            before=before,
        )


def evaluation_publish(*, acting_user: User, election: Election, published_on: date) -> int:
    """Record that every unpublished evaluation result was posted on ``published_on``;
    returns how many."""
    published_on = _published_on(published_on)
    with transaction.atomic():
        election = _lock(election)
        _require_open(election, "民主测评结果")
        pending = list(Evaluation.objects.filter(election=election, published_on__isnull=True))
        if not pending:
            raise PreparationError("没有尚未公布的民主测评结果", "published_on")
        for e in pending:
            e.published_on = published_on
            e.save(update_fields=["published_on"])
        audit_record(
            acting_user=acting_user,
            action="preparation.evaluation_publish",
            object_type="preparation.evaluation",
            object_id=",".join(str(e.pk) for e in pending),
            area=election.area,
            after={
                "published_on": published_on,
                "results": [
                    {
                        "incumbent": e.incumbent_name,
                        "post": e.post,
                        "share": e.share,
                        "flagged": e.flagged,
                    }
                    for e in pending
                ],
            },
        )
    return len(pending)


# --------------------------------------------------------------------------- #
# 离任（任期）经济责任审计


def _audit_snapshot(a: FinancialAudit) -> dict[str, object]:
    return {
        "auditor": a.auditor,
        "period_start": a.period_start,
        "period_end": a.period_end,
        "result": a.result,
        "problems": a.problems,
        "published_on": a.published_on,
    }


def financial_audit_record(
    *,
    acting_user: User,
    election: Election,
    auditor: str,
    period_start: date,
    period_end: date,
    result: str,
    problems: str = "",
) -> FinancialAudit:
    """Record (or correct, before publication) the outgoing committee's audit result."""
    auditor = _text(auditor, "auditor", "审计单位", max_length=100)
    result = _text(result, "result", "审计结果", max_length=2000)
    problems = _text(problems, "problems", "发现的问题", max_length=2000, required=False)
    if period_end < period_start:
        raise PreparationError("审计期间止：不能早于审计期间起", "period_end")
    if period_end > timezone.localdate():
        raise PreparationError("审计期间止：不能晚于今天", "period_end")
    with transaction.atomic():
        election = _lock(election)
        _require_open(election, "审计结果")
        audit = FinancialAudit.objects.filter(election=election).first()
        before = None
        if audit is not None:
            if audit.published_on is not None:
                raise PreparationError(
                    f"审计结果已于{audit.published_on:%Y-%m-%d}公布，不能修改", "result"
                )
            before = _audit_snapshot(audit)
        else:
            audit = FinancialAudit(election=election)
        audit.auditor = auditor
        audit.period_start = period_start
        audit.period_end = period_end
        audit.result = result
        audit.problems = problems
        audit.recorded_by_id = getattr(acting_user, "pk", None)
        audit.save()
        audit_record(
            acting_user=acting_user,
            action="preparation.audit_record",
            obj=audit,
            area=election.area,
            before=before,
            after=_audit_snapshot(audit),
        )
    return audit


def financial_audit_publish(
    *, acting_user: User, election: Election, published_on: date
) -> FinancialAudit:
    """Record that the audit result was posted on ``published_on``."""
    published_on = _published_on(published_on)
    with transaction.atomic():
        election = _lock(election)
        _require_open(election, "审计结果")
        audit = FinancialAudit.objects.filter(election=election).first()
        if audit is None:
            raise PreparationError("请先录入审计结果，再公布", "published_on")
        if audit.published_on is not None:
            raise PreparationError(f"审计结果已于{audit.published_on:%Y-%m-%d}公布", "published_on")
        if published_on < audit.period_end:
            raise PreparationError("公布日期：不能早于审计期间止", "published_on")
        late = core.audit_publication_error(published_on, election.election_day)
        if late:
            raise PreparationError(f"公布日期：{late}", "published_on")
        before = _audit_snapshot(audit)
        audit.published_on = published_on
        audit.save(update_fields=["published_on"])
        audit_record(
            acting_user=acting_user,
            action="preparation.audit_publish",
            obj=audit,
            area=election.area,
            before=before,
            after=_audit_snapshot(audit),
        )
    return audit


# --------------------------------------------------------------------------- #
# 风险研判


def risk_assess(
    *, acting_user: User, election: Election, level: str, notes: str = ""
) -> RiskAssessment:
    """Record the village's risk level; earlier assessments stay as the history. A medium or
    high level needs notes (what the risk is)."""
    if level not in RiskLevel.values:
        raise PreparationError("风险等级：应为低、中或高", "level")
    notes = _text(notes, "notes", "研判说明", max_length=2000, required=False)
    if level != RiskLevel.LOW and not notes:
        raise PreparationError("研判说明：风险等级为中或高时，请说明风险所在及应对措施", "notes")
    with transaction.atomic():
        election = _lock(election)
        previous = selectors.current_risk(election)
        assessment = RiskAssessment.objects.create(
            election=election,
            level=level,
            notes=notes,
            assessed_by_id=getattr(acting_user, "pk", None),
        )
        audit_record(
            acting_user=acting_user,
            action="preparation.risk_assess",
            obj=assessment,
            area=election.area,
            before={"level": previous.level, "notes": previous.notes} if previous else None,
            after={"level": level, "notes": notes},
        )
    return assessment


# --------------------------------------------------------------------------- #
# 选举工作人员培训


def training_session_create(
    *, acting_user: User, election: Election, title: str, held_on: date, trainer: str = ""
) -> TrainingSession:
    title = _text(title, "title", "培训名称", max_length=100)
    trainer = _text(trainer, "trainer", "授课人/单位", max_length=100, required=False)
    if held_on > timezone.localdate():
        raise PreparationError("培训日期：不能晚于今天（请在培训结束后录入）", "held_on")
    with transaction.atomic():
        election = _lock(election)
        session = TrainingSession.objects.create(
            election=election,
            title=title,
            held_on=held_on,
            trainer=trainer,
            created_by_id=getattr(acting_user, "pk", None),
        )
        audit_record(
            acting_user=acting_user,
            action="preparation.training_create",
            obj=session,
            area=election.area,
            after={"title": title, "held_on": held_on, "trainer": trainer},
        )
    return session


def trainee_score_enter(
    *,
    acting_user: User,
    session: TrainingSession,
    name: str,
    score: int,
    id_number: str = "",
) -> TraineeScore:
    """Enter (or correct) one trainee's test score; pass when score ≥ the campaign's pass
    mark (local practice, 85 by default), stored with the mark applied."""
    name = _name(name, "name", "姓名")
    raw_id = id_number.strip()
    if raw_id:
        checked = idcard.check(raw_id, today=timezone.localdate())
        if not checked.valid:
            raise PreparationError(f"公民身份号码：{checked.message_zh}", "id_number")
        raw_id = checked.normalized
    error = core.score_error(score)
    if error:
        raise PreparationError(f"成绩：{error}", "score")
    person = PersonRef(name, raw_id)
    with transaction.atomic():
        election = _lock_with_policy(session.election)
        policy = selectors.training_policy(election.campaign)
        found = next(
            (
                s
                for s in TraineeScore.objects.filter(session=session)
                if core.same_person(PersonRef(s.name, s.id_number), person)
            ),
            None,
        )
        before = None
        if found is not None:
            before = {"name": found.name, "score": found.score, "passed": found.passed}
            entry = found
        else:
            entry = TraineeScore(session=session)
        entry.name = name
        entry.name_key = normalize(name)
        entry.id_number = raw_id or entry.id_number
        entry.score = score
        entry.entered_by_id = getattr(acting_user, "pk", None)
        _apply_score(entry, policy)
        entry.save()
        audit_record(
            acting_user=acting_user,
            action="preparation.score_enter",
            obj=entry,
            area=election.area,
            before=before,
            after={
                "session": str(session),
                "name": name,
                "score": score,
                "pass_mark": entry.pass_mark,
                "passed": entry.passed,
                "basis": entry.basis,
            },
        )
    return entry
