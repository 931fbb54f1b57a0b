"""JSON API of the preparation records: the same services and permission checks as the pages."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Path, Router, Schema
from ninja.responses import Status

from huanjie.apps.accounts.selectors import can_change
from huanjie.apps.campaigns.selectors import election_for, elections_for
from huanjie.apps.preparation import documents, selectors, services
from huanjie.apps.preparation.models import (
    Evaluation,
    FinancialAudit,
    PreparationSetting,
    RiskAssessment,
    TraineeScore,
    TrainingSession,
)

router = Router(tags=["preparation"])


class SettingIn(Schema):
    evaluation_required: bool = True
    evaluation_percent: int = 30
    evaluation_inclusive: bool = True
    evaluation_base: str = "returned"
    pass_mark: int = 85
    basis: str = ""


class SettingOut(SettingIn):
    saved: bool
    evaluation_rule: str
    evaluation_article: str
    training_article: str
    note: str


class EvaluationIn(Schema):
    incumbent_name: str
    post: str
    issued: int
    returned: int
    satisfied: int
    basically_satisfied: int
    dissatisfied: int


class EvaluationOut(EvaluationIn):
    id: int
    share: str
    flagged: bool
    formula: str
    decision: str
    bar_percent: int
    bar_inclusive: bool
    bar_base: str
    basis: str
    published_on: date | None


class PublishIn(Schema):
    published_on: date


class PublishedOut(Schema):
    published: int


class AuditIn(Schema):
    auditor: str
    period_start: date
    period_end: date
    result: str
    problems: str = ""


class AuditOut(AuditIn):
    published_on: date | None


class RiskIn(Schema):
    level: str
    notes: str = ""


class RiskOut(RiskIn):
    id: int
    level_label: str
    assessed_at: datetime


class RiskRow(Schema):
    election_id: Path[int]
    area_name: str
    risk: RiskOut | None


class SessionIn(Schema):
    title: str
    held_on: date
    trainer: str = ""


class SessionOut(SessionIn):
    id: int


class ScoreIn(Schema):
    name: str
    score: int
    id_number: str = ""


class ScoreOut(Schema):
    id: int
    session_id: int
    name: str
    score: int
    pass_mark: int
    passed: bool
    decision: str
    basis: str


class StaffOut(Schema):
    name: str
    allowed: bool
    reason: str


class StatusOut(Schema):
    closed: bool
    blockers: list[str]


def _setting_out(s: PreparationSetting) -> SettingOut:
    e_policy = selectors.evaluation_policy(s.campaign)
    t_policy = selectors.training_policy(s.campaign)
    return SettingOut(
        evaluation_required=s.evaluation_required,
        evaluation_percent=s.evaluation_percent,
        evaluation_inclusive=s.evaluation_inclusive,
        evaluation_base=s.evaluation_base,
        pass_mark=s.pass_mark,
        basis=s.basis,
        saved=s.pk is not None,
        evaluation_rule=e_policy.describe(),
        evaluation_article=str(e_policy.article),
        training_article=str(t_policy.article),
        note="地方政策参数，非法律规定",
    )


def _evaluation_out(e: Evaluation) -> EvaluationOut:
    return EvaluationOut(
        id=e.pk,
        incumbent_name=e.incumbent_name,
        post=e.post,
        issued=e.issued,
        returned=e.returned,
        satisfied=e.satisfied,
        basically_satisfied=e.basically_satisfied,
        dissatisfied=e.dissatisfied,
        share=e.share,
        flagged=e.flagged,
        formula=e.formula,
        decision=e.decision,
        bar_percent=e.bar_percent,
        bar_inclusive=e.bar_inclusive,
        bar_base=e.bar_base,
        basis=e.basis_text,
        published_on=e.published_on,
    )


def _audit_out(a: FinancialAudit) -> AuditOut:
    return AuditOut(
        auditor=a.auditor,
        period_start=a.period_start,
        period_end=a.period_end,
        result=a.result,
        problems=a.problems,
        published_on=a.published_on,
    )


def _risk_out(r: RiskAssessment) -> RiskOut:
    return RiskOut(
        id=r.pk,
        level=r.level,
        level_label=r.get_level_display(),
        notes=r.notes,
        assessed_at=r.assessed_at,
    )


def _score_out(s: TraineeScore) -> ScoreOut:
    return ScoreOut(
        id=s.pk,
        session_id=s.session_id,
        name=s.name,
        score=s.score,
        pass_mark=s.pass_mark,
        passed=s.passed,
        decision=s.decision,
        basis=s.basis_text,
    )


@router.get("/status", response=StatusOut)
def status(request: HttpRequest, election_id: Path[int]) -> StatusOut:
    election = election_for(request.user, election_id)
    return StatusOut(
        closed=selectors.preparation_closed(election),
        blockers=selectors.preparation_blockers(election),
    )


@router.get("/settings", response=SettingOut)
def get_setting(request: HttpRequest, election_id: Path[int]) -> SettingOut:
    election = election_for(request.user, election_id)
    return _setting_out(selectors.setting_for(election.campaign))


@router.put("/settings", response=SettingOut)
def put_setting(request: HttpRequest, election_id: Path[int], data: SettingIn) -> SettingOut:
    election = election_for(request.user, election_id)
    if not can_change(request.user, election.campaign.area):
        raise PermissionDenied("准备工作参数由乡镇换届办设定")
    setting = services.preparation_setting_update(
        acting_user=request.user, campaign=election.campaign, **data.dict()
    )
    return _setting_out(setting)


@router.get("/evaluations", response=list[EvaluationOut])
def list_evaluations(request: HttpRequest, election_id: Path[int]) -> list[EvaluationOut]:
    election = election_for(request.user, election_id)
    return [_evaluation_out(e) for e in selectors.evaluations(election)]


@router.post("/evaluations", response={201: EvaluationOut})
def enter_evaluation(
    request: HttpRequest, election_id: Path[int], data: EvaluationIn
) -> Status[EvaluationOut]:
    election = election_for(request.user, election_id, change=True)
    evaluation = services.evaluation_enter(
        acting_user=request.user, election=election, **data.dict()
    )
    return Status(201, _evaluation_out(evaluation))


@router.delete("/evaluations/{int:evaluation_id}", response={204: None})
def delete_evaluation(
    request: HttpRequest, election_id: Path[int], evaluation_id: int
) -> Status[None]:
    election = election_for(request.user, election_id, change=True)
    evaluation = get_object_or_404(Evaluation, pk=evaluation_id, election=election)
    services.evaluation_delete(acting_user=request.user, evaluation=evaluation)
    return Status(204, None)


@router.post("/evaluations/publish", response=PublishedOut)
def publish_evaluations(
    request: HttpRequest, election_id: Path[int], data: PublishIn
) -> PublishedOut:
    election = election_for(request.user, election_id, change=True)
    count = services.evaluation_publish(
        acting_user=request.user, election=election, published_on=data.published_on
    )
    return PublishedOut(published=count)


@router.get("/audit", response=AuditOut)
def get_audit(request: HttpRequest, election_id: Path[int]) -> AuditOut:
    """The audit result; 404 until one is recorded."""
    election = election_for(request.user, election_id)
    audit = selectors.financial_audit(election)
    if audit is None:
        raise Http404("尚未录入审计结果")
    return _audit_out(audit)


@router.put("/audit", response=AuditOut)
def record_audit(request: HttpRequest, election_id: Path[int], data: AuditIn) -> AuditOut:
    election = election_for(request.user, election_id, change=True)
    audit = services.financial_audit_record(
        acting_user=request.user, election=election, **data.dict()
    )
    return _audit_out(audit)


@router.post("/audit/publish", response=AuditOut)
def publish_audit(request: HttpRequest, election_id: Path[int], data: PublishIn) -> AuditOut:
    election = election_for(request.user, election_id, change=True)
    audit = services.financial_audit_publish(
        acting_user=request.user, election=election, published_on=data.published_on
    )
    return _audit_out(audit)


@router.get("/risk", response=list[RiskOut])
def risk_history(request: HttpRequest, election_id: Path[int]) -> list[RiskOut]:
    """Every assessment, latest (current) first."""
    election = election_for(request.user, election_id)
    return [_risk_out(r) for r in selectors.risk_history(election)]


@router.post("/risk", response={201: RiskOut})
def assess_risk(request: HttpRequest, election_id: Path[int], data: RiskIn) -> Status[RiskOut]:
    election = election_for(request.user, election_id, change=True)
    risk = services.risk_assess(
        acting_user=request.user, election=election, level=data.level, notes=data.notes
    )
    return Status(201, _risk_out(risk))


@router.get("/risks", response=list[RiskRow])
def campaign_risks(request: HttpRequest, election_id: Path[int]) -> list[RiskRow]:
    """The current level of every election of this campaign the user may see."""
    election = election_for(request.user, election_id)
    elections = list(elections_for(request.user, election.campaign))
    levels = selectors.risk_levels(elections)
    return [
        RiskRow(
            election_id=e.pk,
            area_name=e.area.name,
            risk=_risk_out(levels[e.pk]) if e.pk in levels else None,
        )
        for e in elections
    ]


@router.get("/training", response=list[SessionOut])
def list_sessions(request: HttpRequest, election_id: Path[int]) -> list[SessionOut]:
    election = election_for(request.user, election_id)
    return [
        SessionOut(id=s.pk, title=s.title, held_on=s.held_on, trainer=s.trainer)
        for s in selectors.sessions(election)
    ]


@router.post("/training", response={201: SessionOut})
def create_session(
    request: HttpRequest, election_id: Path[int], data: SessionIn
) -> Status[SessionOut]:
    election = election_for(request.user, election_id, change=True)
    s = services.training_session_create(
        acting_user=request.user,
        election=election,
        title=data.title,
        held_on=data.held_on,
        trainer=data.trainer,
    )
    return Status(201, SessionOut(id=s.pk, title=s.title, held_on=s.held_on, trainer=s.trainer))


@router.get("/training/{int:session_id}/scores", response=list[ScoreOut])
def list_scores(request: HttpRequest, election_id: Path[int], session_id: int) -> list[ScoreOut]:
    election = election_for(request.user, election_id)
    session = get_object_or_404(TrainingSession, pk=session_id, election=election)
    return [_score_out(s) for s in session.scores.all().order_by("name_key", "pk")]


@router.post("/training/{int:session_id}/scores", response={201: ScoreOut})
def enter_score(
    request: HttpRequest, election_id: Path[int], session_id: int, data: ScoreIn
) -> Status[ScoreOut]:
    election = election_for(request.user, election_id, change=True)
    session = get_object_or_404(TrainingSession, pk=session_id, election=election)
    entry = services.trainee_score_enter(
        acting_user=request.user,
        session=session,
        name=data.name,
        score=data.score,
        id_number=data.id_number,
    )
    return Status(201, _score_out(entry))


@router.get("/staff", response=list[StaffOut])
def staff(request: HttpRequest, election_id: Path[int]) -> list[StaffOut]:
    """Everyone who took a training test, and whether they may serve as election staff."""
    election = election_for(request.user, election_id)
    return [
        StaffOut(name=r.name, allowed=r.decision.allowed, reason=r.decision.text)
        for r in selectors.staff_register(election)
    ]


@router.get("/staff/check", response=StaffOut)
def staff_check(
    request: HttpRequest, election_id: Path[int], name: str, id_number: str = ""
) -> StaffOut:
    election = election_for(request.user, election_id)
    allowed, reason = selectors.may_serve_as_staff(election, name, id_number)
    return StaffOut(name=name, allowed=allowed, reason=reason)


@router.get("/evaluations/notice.pdf", response={200: None})
def evaluation_notice_pdf(request: HttpRequest, election_id: Path[int]) -> HttpResponse:
    """民主测评结果公告 (PDF) of every evaluation entered."""
    election = election_for(request.user, election_id)
    published = {e.published_on for e in selectors.evaluations(election)}
    on = published.pop() if len(published) == 1 and None not in published else None
    data = documents.evaluation_notice_pdf(election, on or timezone.localdate())
    return HttpResponse(data, content_type="application/pdf")


@router.get("/audit/notice.pdf", response={200: None})
def audit_notice_pdf(request: HttpRequest, election_id: Path[int]) -> HttpResponse:
    """离任经济责任审计结果公告 (PDF)."""
    election = election_for(request.user, election_id)
    audit = selectors.financial_audit(election)
    on = audit.published_on if audit and audit.published_on else timezone.localdate()
    return HttpResponse(documents.audit_notice_pdf(election, on), content_type="application/pdf")
