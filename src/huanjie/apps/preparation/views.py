"""The preparation page (民主测评, 离任审计, 风险研判, 工作人员培训, local parameters), the staff
register, the campaign's risk overview, and the published notices as PDF."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from huanjie.apps.accounts.selectors import can_change
from huanjie.apps.campaigns.models import Election
from huanjie.apps.campaigns.selectors import election_for, elections_for
from huanjie.apps.errors import ServiceError
from huanjie.apps.preparation import documents, forms, selectors, services
from huanjie.apps.preparation.models import Evaluation, RiskLevel, TrainingSession
from huanjie.apps.roll.selectors import mask_id
from huanjie.apps.shortcuts import form_error, pdf_response
from huanjie.core.preparation import BASE_LABELS


def _setting_initial(election: Election) -> dict[str, Any]:
    s = selectors.setting_for(election.campaign)
    return {
        "evaluation_required": s.evaluation_required,
        "evaluation_percent": s.evaluation_percent,
        "evaluation_inclusive": "1" if s.evaluation_inclusive else "0",
        "evaluation_base": s.evaluation_base,
        "pass_mark": s.pass_mark,
        "basis": s.basis,
    }


def _session_choices(election: Election) -> list[tuple[str, str]]:
    return [(str(s.pk), str(s)) for s in selectors.sessions(election)]


def _page(
    request: HttpRequest,
    election: Election,
    *,
    bound: dict[str, django_forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    setting = selectors.setting_for(election.campaign)
    e_policy = selectors.evaluation_policy(election.campaign)
    t_policy = selectors.training_policy(election.campaign)
    audit = selectors.financial_audit(election)
    risk = selectors.current_risk(election)
    given = bound or {}
    page_forms: dict[str, django_forms.Form] = {
        "setting_form": forms.SettingForm(initial=_setting_initial(election)),
        "evaluation_form": forms.EvaluationForm(),
        "evaluation_publish_form": forms.PublishForm(initial={"published_on": today}),
        "audit_form": forms.AuditForm(
            initial={
                "auditor": audit.auditor,
                "period_start": audit.period_start,
                "period_end": audit.period_end,
                "result": audit.result,
                "problems": audit.problems,
            }
            if audit
            else None
        ),
        "audit_publish_form": forms.PublishForm(initial={"published_on": today}),
        # The form starts at the current level: re-assessing changes it only on purpose.
        "risk_form": forms.RiskForm(initial={"level": risk.level} if risk else None),
        "session_form": forms.SessionForm(initial={"held_on": today}),
        "score_form": forms.ScoreForm(sessions=_session_choices(election)),
    }
    page_forms.update(given)
    evaluations = list(selectors.evaluations(election))
    sessions = [
        {
            "session": s,
            "scores": [
                {"s": sc, "id_masked": mask_id(sc.id_number) if sc.id_number else ""}
                for sc in s.scores.all().order_by("name_key", "pk")
            ],
        }
        for s in selectors.sessions(election).prefetch_related("scores")
    ]
    return render(
        request,
        "preparation/index.html",
        {
            "election": election,
            "setting": setting,
            "setting_saved": setting.pk is not None,
            "e_policy": e_policy,
            "t_policy": t_policy,
            "base_label": BASE_LABELS[e_policy.base],
            "evaluations": evaluations,
            "unpublished": sum(1 for e in evaluations if e.published_on is None),
            "audit": audit,
            "risk": risk,
            "risk_history": list(selectors.risk_history(election)[:20]),
            "sessions": sessions,
            "blockers": selectors.preparation_blockers(election),
            "closed": selectors.preparation_closed(election),
            "writable": can_change(request.user, election.area),
            "setting_writable": can_change(request.user, election.campaign.area),
            "today": today,
            **page_forms,
        },
        status=status,
    )


@login_required
def index(request: HttpRequest, election_id: int) -> HttpResponse:
    return _page(request, election_for(request.user, election_id))


@login_required
@require_POST
def setting_update(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id)
    if not can_change(request.user, election.campaign.area):
        raise PermissionDenied("准备工作参数由乡镇换届办设定")
    form = forms.SettingForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.preparation_setting_update(
                acting_user=request.user,
                campaign=election.campaign,
                evaluation_required=data["evaluation_required"],
                evaluation_percent=data["evaluation_percent"],
                evaluation_inclusive=data["evaluation_inclusive"],
                evaluation_base=data["evaluation_base"],
                pass_mark=data["pass_mark"],
                basis=data["basis"] or "",
            )
        except ServiceError as err:
            form_error(form, err)
        else:
            messages.success(
                request, "准备工作参数已保存，未公布的测评结果和培训成绩已按新参数重新判定"
            )
            return redirect("preparation:index", election.pk)
    return _page(request, election, bound={"setting_form": form}, status=400)


@login_required
@require_POST
def evaluation_enter(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    form = forms.EvaluationForm(request.POST)
    if form.is_valid():
        try:
            evaluation = services.evaluation_enter(
                acting_user=request.user, election=election, **form.cleaned_data
            )
        except ServiceError as err:
            form_error(form, err)
        else:
            messages.success(request, f"已录入{evaluation}：{evaluation.decision}")
            return redirect("preparation:index", election.pk)
    return _page(request, election, bound={"evaluation_form": form}, status=400)


@login_required
@require_POST
def evaluation_delete(request: HttpRequest, election_id: int, evaluation_id: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    evaluation = get_object_or_404(Evaluation, pk=evaluation_id, election=election)
    try:
        services.evaluation_delete(acting_user=request.user, evaluation=evaluation)
    except ServiceError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, f"已删除{evaluation}的测评结果")
    return redirect("preparation:index", election.pk)


@login_required
@require_POST
def evaluation_publish(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    form = forms.PublishForm(request.POST)
    if form.is_valid():
        try:
            count = services.evaluation_publish(
                acting_user=request.user,
                election=election,
                published_on=form.cleaned_data["published_on"],
            )
        except ServiceError as err:
            form_error(form, err)
        else:
            messages.success(request, f"已登记公布{count}项民主测评结果")
            return redirect("preparation:index", election.pk)
    return _page(request, election, bound={"evaluation_publish_form": form}, status=400)


@login_required
@require_POST
def audit_record(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    form = forms.AuditForm(request.POST)
    if form.is_valid():
        try:
            services.financial_audit_record(
                acting_user=request.user, election=election, **form.cleaned_data
            )
        except ServiceError as err:
            form_error(form, err)
        else:
            messages.success(request, "审计结果已保存")
            return redirect("preparation:index", election.pk)
    return _page(request, election, bound={"audit_form": form}, status=400)


@login_required
@require_POST
def audit_publish(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    form = forms.PublishForm(request.POST)
    if form.is_valid():
        try:
            services.financial_audit_publish(
                acting_user=request.user,
                election=election,
                published_on=form.cleaned_data["published_on"],
            )
        except ServiceError as err:
            form_error(form, err)
        else:
            messages.success(request, "已登记审计结果公布")
            return redirect("preparation:index", election.pk)
    return _page(request, election, bound={"audit_publish_form": form}, status=400)


@login_required
@require_POST
def risk_assess(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    form = forms.RiskForm(request.POST)
    if form.is_valid():
        try:
            risk = services.risk_assess(
                acting_user=request.user,
                election=election,
                level=form.cleaned_data["level"],
                notes=form.cleaned_data["notes"] or "",
            )
        except ServiceError as err:
            form_error(form, err)
        else:
            messages.success(request, f"风险等级已评定为“{risk.get_level_display()}”")
            return redirect("preparation:index", election.pk)
    return _page(request, election, bound={"risk_form": form}, status=400)


@login_required
@require_POST
def session_create(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    form = forms.SessionForm(request.POST)
    if form.is_valid():
        try:
            session = services.training_session_create(
                acting_user=request.user,
                election=election,
                title=form.cleaned_data["title"],
                held_on=form.cleaned_data["held_on"],
                trainer=form.cleaned_data["trainer"] or "",
            )
        except ServiceError as err:
            form_error(form, err)
        else:
            messages.success(request, f"已建立培训“{session}”")
            return redirect("preparation:index", election.pk)
    return _page(request, election, bound={"session_form": form}, status=400)


@login_required
@require_POST
def score_enter(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    form = forms.ScoreForm(request.POST, sessions=_session_choices(election))
    if form.is_valid():
        session = get_object_or_404(
            TrainingSession, pk=int(form.cleaned_data["session"]), election=election
        )
        try:
            entry = services.trainee_score_enter(
                acting_user=request.user,
                session=session,
                name=form.cleaned_data["name"],
                id_number=form.cleaned_data["id_number"] or "",
                score=form.cleaned_data["score"],
            )
        except ServiceError as err:
            form_error(form, err)
        else:
            messages.success(request, f"已录入{entry.name}的成绩：{entry.decision}")
            return redirect("preparation:index", election.pk)
    return _page(request, election, bound={"score_form": form}, status=400)


@login_required
def staff_register(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id)
    register = selectors.staff_register(election)
    rows = [{"row": r, "id_masked": mask_id(r.id_number) if r.id_number else ""} for r in register]
    return render(
        request,
        "preparation/staff.html",
        {
            "election": election,
            "rows": rows,
            "passed": sum(1 for r in register if r.decision.allowed),
            "t_policy": selectors.training_policy(election.campaign),
        },
    )


@login_required
def risk_overview(request: HttpRequest, election_id: int) -> HttpResponse:
    """The current risk level of every election of this campaign the user may see."""
    election = election_for(request.user, election_id)
    elections = list(elections_for(request.user, election.campaign))
    levels = selectors.risk_levels(elections)
    rows = [{"election": e, "risk": levels.get(e.pk)} for e in elections]
    current = list(levels.values())
    counts = {value: sum(1 for r in current if r.level == value) for value in RiskLevel.values}
    return render(
        request,
        "preparation/risks.html",
        {
            "election": election,
            "campaign": election.campaign,
            "rows": rows,
            "counts": counts,
            "unassessed": len(elections) - len(current),
        },
    )


def _notice_date(dates: list[date | None]) -> date:
    """The publication date once every item is published on one day, else today (a draft)."""
    known = {d for d in dates if d is not None}
    if len(known) == 1 and None not in dates:
        return known.pop()
    return timezone.localdate()


@login_required
@require_GET
def evaluation_notice(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id)
    on = _notice_date([e.published_on for e in selectors.evaluations(election)])
    try:
        data = documents.evaluation_notice_pdf(election, on)
    except ServiceError as err:
        messages.error(request, err.message)
        return redirect("preparation:index", election.pk)
    return pdf_response(data, "evaluation-notice.pdf")


@login_required
@require_GET
def audit_notice(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id)
    audit = selectors.financial_audit(election)
    on = audit.published_on if audit and audit.published_on else timezone.localdate()
    try:
        data = documents.audit_notice_pdf(election, on)
    except ServiceError as err:
        messages.error(request, err.message)
        return redirect("preparation:index", election.pk)
    return pdf_response(data, "audit-notice.pdf")
