"""The ballots page of an election: the sealed security choice (纸张颜色和印章), and per round
the ballot design (样票, instructions with their rules), the print run and its files, spoiled
ballots and the reconciliation closed by the destruction of what is left over.

One page, several forms; each POST names its ``action`` (and ``round``). A refused form comes
back with the service's message beside its field. A reveal of the sealed choice is shown in
the response to that POST only: it is never stored in the session or put in a link.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from huanjie.apps.accounts.selectors import can_change
from huanjie.apps.ballots import design, documents, forms, selectors, services
from huanjie.apps.ballots.models import PrintRun, SecurityChoice
from huanjie.apps.campaigns.models import Election
from huanjie.apps.campaigns.selectors import election_for
from huanjie.apps.errors import ServiceError
from huanjie.apps.polling.models import Round
from huanjie.apps.polling.selectors import electorate, rounds
from huanjie.apps.shortcuts import form_error, pdf_response
from huanjie.core.rounds import RoundState

ACTIONS = (
    "security_set",
    "security_choose",
    "security_reveal",
    "print_run",
    "spoiled",
    "destruction",
)


def _sheets(r: Round) -> list[tuple[str, str]]:
    return [(s, design.sheet_label(r, s)) for s in design.sheets_of(r)]


def _round_forms(r: Round) -> dict[str, Any]:
    run = selectors.print_run(r)
    return {
        "print_run": forms.PrintRunForm(
            initial={
                "quantity": run.quantity if run else electorate(r),
                "note": run.note if run else "",
            }
        ),
        "spoiled": forms.SpoiledForm(sheets=_sheets(r)),
        "destruction": forms.DestructionForm(
            sheets=_sheets(r),
            initial={"destroyed_at": timezone.localtime().replace(second=0, microsecond=0)},
        ),
    }


def _round_block(r: Round, bound: dict[str, Any] | None = None) -> dict[str, Any]:
    run = selectors.print_run(r)
    block_forms = _round_forms(r)
    block_forms.update(bound or {})
    voters = electorate(r)
    warnings = []
    if run is not None and run.quantity < voters:
        warnings.append(f"印制 {run.quantity} 张少于登记选民 {voters} 人：每位选民都须能领到选票")
    return {
        "round": r,
        "run": run,
        "chunks": documents.chunks(run) if run else [],
        "instructions": design.sheet_instructions(r),
        "posts": design.posts_on_ballot(r),
        "form": "一职务一张选票" if design.sheets_of(r) != [""] else "一张选票",
        "reconciliation": selectors.reconciliation(r),
        "spoiled": [(s, design.sheet_label(r, s.sheet)) for s in selectors.spoiled(run)]
        if run
        else [],
        "forms": block_forms,
        "warnings": warnings,
        "electorate": voters,
        "prepared": r.status == RoundState.PREPARED,
        "polls_closed": r.status not in (RoundState.PREPARED, RoundState.OPEN),
        "per_post": design.sheets_of(r) != [""],
    }


def _page(
    request: HttpRequest,
    election: Election,
    *,
    bound_round: int | None = None,
    bound: dict[str, Any] | None = None,
    security_forms: dict[str, Any] | None = None,
    revealed: SecurityChoice | None = None,
    status: int = 200,
) -> HttpResponse:
    office = selectors.is_township_office(request.user, election.campaign)
    options = selectors.security_set(election.campaign)
    sec_forms: dict[str, Any] = {
        "set": forms.SecuritySetForm(
            initial={
                "colours": "\n".join(options.colours) if options else "",
                "seals": "\n".join(options.seals) if options else "",
            }
        ),
        "choose": forms.ChooseForm(),
    }
    sec_forms.update(security_forms or {})
    blocks = [
        _round_block(r, bound if r.number == bound_round else None)
        for r in reversed(list(rounds(election)))
    ]
    context = {
        "election": election,
        "writable": can_change(request.user, election.area),
        "office": office,
        "options": options if office else None,
        "security": selectors.security_state(election, request.user),
        "security_forms": sec_forms,
        "revealed": revealed,
        "reveal_log": list(selectors.reveal_log(election)),
        "blocks": blocks,
    }
    return render(request, "ballots/index.html", context, status=status)


@login_required
def index(request: HttpRequest, election_id: int) -> HttpResponse:
    writing = request.method == "POST"
    election = election_for(request.user, election_id, change=writing)
    if not writing:
        return _page(request, election)
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        raise Http404("没有这项操作")
    if action.startswith("security_"):
        return _security(request, election, action)
    try:
        r = rounds(election).get(number=int(request.POST.get("round", "")))
    except (ValueError, Round.DoesNotExist):
        raise Http404("没有这一轮投票") from None
    return _round_action(request, election, r, action)


def _security(request: HttpRequest, election: Election, action: str) -> HttpResponse:
    user = request.user
    if action == "security_reveal":
        try:
            choice = services.security_reveal(acting_user=user, election=election)
        except PermissionDenied as err:
            messages.error(request, str(err))
            return redirect("ballots:index", election.pk)
        return _page(request, election, revealed=choice)
    if action == "security_set":
        form: Any = forms.SecuritySetForm(request.POST)
        if form.is_valid():
            try:
                services.security_set_update(
                    acting_user=user,
                    campaign=election.campaign,
                    colours=forms.lines(form.cleaned_data["colours"]),
                    seals=forms.lines(form.cleaned_data["seals"]),
                )
            except ServiceError as err:
                form_error(form, err)
            else:
                messages.success(request, "已保存本乡镇的选票纸张颜色和印章")
                return redirect("ballots:index", election.pk)
        return _page(request, election, security_forms={"set": form}, status=400)
    form = forms.ChooseForm(request.POST)
    if form.is_valid():
        try:
            services.security_choose(
                acting_user=user,
                election=election,
                reason=form.cleaned_data["reason"],
            )
        except ServiceError as err:
            form_error(form, err)
        else:
            messages.success(request, "已随机抽取纸张颜色和印章，已封存")
            return redirect("ballots:index", election.pk)
    return _page(request, election, security_forms={"choose": form}, status=400)


def _round_action(request: HttpRequest, election: Election, r: Round, action: str) -> HttpResponse:
    user = request.user
    sheets = _sheets(r)
    form: Any
    if action == "print_run":
        form = forms.PrintRunForm(request.POST)
        if form.is_valid():
            try:
                services.print_run_record(
                    acting_user=user,
                    round=r,
                    quantity=form.cleaned_data["quantity"],
                    note=form.cleaned_data["note"],
                )
            except ServiceError as err:
                form_error(form, err)
            else:
                messages.success(request, f"已登记{r}选票印制 {form.cleaned_data['quantity']} 张")
                return redirect("ballots:index", election.pk)
    else:
        run = selectors.print_run(r)
        if run is None:
            messages.error(request, f"{r}尚未登记印制数量")
            return redirect("ballots:index", election.pk)
        if action == "spoiled":
            form = forms.SpoiledForm(request.POST, sheets=sheets)
            if form.is_valid():
                try:
                    services.spoiled_record(
                        acting_user=user,
                        print_run=run,
                        serial=form.cleaned_data["serial"],
                        sheet=form.cleaned_data["sheet"] or "",
                        reason=form.cleaned_data["reason"],
                    )
                except ServiceError as err:
                    form_error(form, err)
                else:
                    messages.success(request, f"已登记作废第 {form.cleaned_data['serial']} 号")
                    return redirect("ballots:index", election.pk)
        else:
            form = forms.DestructionForm(request.POST, sheets=sheets)
            if form.is_valid():
                try:
                    services.destruction_record(
                        acting_user=user,
                        print_run=run,
                        left_over=form.left_over(),
                        witnesses=forms.lines(form.cleaned_data["witnesses"]),
                        destroyed_at=form.cleaned_data["destroyed_at"],
                        place=form.cleaned_data["place"],
                    )
                except ServiceError as err:
                    form_error(form, err)
                else:
                    messages.success(request, f"{r}选票核对相符，剩余选票销毁已登记")
                    return redirect("ballots:index", election.pk)
    return _page(request, election, bound_round=r.number, bound={action: form}, status=400)


def _round(election: Election, number: int) -> Round:
    r = rounds(election).filter(number=number).first()
    if r is None:
        raise Http404("没有这一轮投票")
    return r


@login_required
@require_GET
def sample_pdf(request: HttpRequest, election_id: int, number: int) -> HttpResponse:
    election = election_for(request.user, election_id)
    r = _round(election, number)
    try:
        data = documents.sample_pdf(r)
    except ServiceError as err:
        messages.error(request, err.message)
        return redirect("ballots:index", election.pk)
    return pdf_response(data, f"样票-第{r.number}轮.pdf")


@login_required
@require_GET
def sample_png(request: HttpRequest, election_id: int, number: int) -> HttpResponse:
    election = election_for(request.user, election_id)
    r = _round(election, number)
    try:
        data = documents.preview_png(r)
    except ServiceError as err:
        return HttpResponse(err.message, status=400, content_type="text/plain; charset=utf-8")
    if data is None:
        raise Http404("本机未安装 pdftoppm，请查看样票 PDF")
    return HttpResponse(data, content_type="image/png")


@login_required
@require_GET
def ballots_pdf(
    request: HttpRequest, election_id: int, number: int, first: int, last: int
) -> HttpResponse:
    """Serials ``first`` to ``last`` of the round's print run, ready to print."""
    election = election_for(request.user, election_id, change=True)
    r = _round(election, number)
    run: PrintRun | None = selectors.print_run(r)
    if run is None:
        raise Http404("尚未登记印制数量")
    try:
        data = documents.ballots_pdf(run, first, last)
    except ServiceError as err:
        messages.error(request, err.message)
        return redirect("ballots:index", election.pk)
    return pdf_response(data, f"选票-第{r.number}轮-{first:06d}-{last:06d}.pdf")
