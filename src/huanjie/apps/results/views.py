"""Result pages: every round with its figures, each post's votes and threshold, each decision
with its article, the check that the stored result recomputes; deciding a counted round; the
form for the round that follows; the on-the-spot announcement (当场宣布) in big type; and the
PDFs (选举结果报告单, 当选证书, 选举结果公告)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from huanjie.apps.accounts.selectors import can_change
from huanjie.apps.campaigns.models import Election
from huanjie.apps.campaigns.selectors import election_for
from huanjie.apps.errors import ServiceError
from huanjie.apps.polling import selectors as polling
from huanjie.apps.polling.models import Round
from huanjie.apps.results import documents, forms, selectors, services
from huanjie.apps.shortcuts import form_error, pdf_response
from huanjie.core.rounds import STATE_LABELS, RoundState


def _round(election: Election, number: int) -> Round:
    try:
        return polling.get_round(election, number)
    except Round.DoesNotExist:
        raise Http404("没有这一轮投票") from None


def _on(request: HttpRequest) -> date:
    raw = request.GET.get("on", "")
    try:
        return date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        raise Http404("日期格式应为 YYYY-MM-DD") from None


def _index_context(
    request: HttpRequest,
    election: Election,
    *,
    decide_forms: dict[int, forms.DecideForm] | None = None,
    next_form: forms.NextRoundForm | None = None,
) -> dict[str, Any]:
    decide_forms = decide_forms or {}
    rows = []
    latest: Any = None
    for r in polling.rounds(election):
        result = selectors.result_for(r)
        view = selectors.round_view(result) if result else None
        explained = selectors.explain(result) if result else None
        state = RoundState(r.status)
        decidable = state is RoundState.COUNTED or (
            state is RoundState.DECIDED and result is not None and not r.followups.exists()
        )
        rows.append(
            {
                "round": r,
                "state": STATE_LABELS[state],
                "result": result,
                "view": view,
                "explained": explained,
                "history": list(selectors.history(r)) if result else [],
                "decidable": decidable,
                "form": decide_forms.get(r.number, forms.DecideForm()),
            }
        )
        if result is not None:
            latest = result
    plan = window = None
    if latest is not None and not latest.round.followups.exists():
        plan = selectors.next_round_plan(latest)
        window = selectors.window(latest) if plan else None
    return {
        "election": election,
        "rows": rows,
        "state": selectors.election_outcome(election),
        "members": selectors.elected(election),
        "latest": latest,
        "plan": plan,
        "window": window,
        "next_form": next_form or forms.NextRoundForm(initial={"held_on": timezone.localdate()}),
        "writable": can_change(request.user, election.area),
        "today": timezone.localdate(),
    }


@login_required
@require_GET
def index(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id)
    return render(request, "results/index.html", _index_context(request, election))


@login_required
@require_POST
def decide(request: HttpRequest, election_id: int, number: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    r = _round(election, number)
    form = forms.DecideForm(request.POST)
    if form.is_valid():
        try:
            result = services.round_decide(
                acting_user=request.user,
                round=r,
                reason=form.cleaned_data["reason"],
            )
        except ServiceError as err:
            form_error(form, err)
        else:
            step = selectors.NEXT_LABELS.get(selectors.next_step(result) or "", "")
            messages.success(
                request,
                f"第{r.number}轮选举结果已确定" + (f"；下一步：{step}" if step else ""),
            )
            return redirect(f"/elections/{election.pk}/results/#round-{r.number}")
    context = _index_context(request, election, decide_forms={r.number: form})
    return render(request, "results/index.html", context, status=400)


@login_required
@require_POST
def next_round(request: HttpRequest, election_id: int, number: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    r = _round(election, number)
    result = selectors.result_for(r)
    if result is None:
        raise Http404("本轮尚未确定结果")
    form = forms.NextRoundForm(request.POST)
    if form.is_valid():
        try:
            created = services.next_round_create(
                acting_user=request.user,
                result=result,
                held_on=form.cleaned_data["held_on"],
            )
        except ServiceError as err:
            form_error(form, err)
        else:
            messages.success(
                request,
                f"已安排{created}（{created.held_on.isoformat()}），"
                "候选人和职务已确定，请在“投票”中准备票箱和选票",
            )
            return redirect("results:index", election.pk)
    context = _index_context(request, election, next_form=form)
    return render(request, "results/index.html", context, status=400)


@login_required
@require_GET
def announce(request: HttpRequest, election_id: int, number: int) -> HttpResponse:
    """当场宣布: the round's result in big type, to read out or project."""
    election = election_for(request.user, election_id)
    r = _round(election, number)
    result = selectors.result_for(r)
    if result is None:
        raise Http404("本轮尚未确定结果")
    return render(
        request,
        "results/announce.html",
        {"election": election, "view": selectors.round_view(result)},
    )


@login_required
@require_GET
def report_pdf(request: HttpRequest, election_id: int, number: int) -> HttpResponse:
    election = election_for(request.user, election_id)
    r = _round(election, number)
    result = selectors.result_for(r)
    if result is None:
        raise Http404("本轮尚未确定结果")
    try:
        data = documents.report_pdf(result, _on(request))
    except ServiceError as err:
        messages.error(request, err.message)
        return redirect("results:index", election.pk)
    return pdf_response(data, f"选举结果报告单-第{r.number}轮.pdf")


@login_required
@require_GET
def certificates_pdf(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id)
    try:
        data = documents.certificates_pdf(election, _on(request))
    except ServiceError as err:
        messages.error(request, err.message)
        return redirect("results:index", election.pk)
    return pdf_response(data, "当选证书.pdf")


@login_required
@require_GET
def notice_pdf(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id)
    try:
        data = documents.notice_pdf(election, _on(request))
    except ServiceError as err:
        messages.error(request, err.message)
        return redirect("results:index", election.pk)
    return pdf_response(data, "选举结果公告.pdf")
