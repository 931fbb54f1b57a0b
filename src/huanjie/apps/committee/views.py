"""The committee page: members in the order of the selection result, reserves, leaving and
back-fill, near-relative declarations; and the published list (公告) as PDF."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from huanjie.apps.accounts.selectors import can_change
from huanjie.apps.campaigns.models import Election
from huanjie.apps.campaigns.selectors import election_for
from huanjie.apps.committee import documents, forms, selectors, services
from huanjie.apps.committee.models import CommitteeMember, NearRelation, Status
from huanjie.apps.errors import ServiceError
from huanjie.apps.roll.selectors import mask_id
from huanjie.apps.shortcuts import form_error, pdf_response
from huanjie.core.preparation import Kin


def _page(
    request: HttpRequest,
    election: Election,
    *,
    member_form: forms.MemberForm | None = None,
    relation_form: forms.RelationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    members = list(selectors.members(election))
    backfill = selectors.next_in_order(election)
    next_rank = backfill.chosen.rank if backfill.chosen is not None else None
    findings = selectors.findings(election)
    rows: list[dict[str, Any]] = [
        {
            "m": m,
            "id_masked": mask_id(m.id_number) if m.id_number else "",
            "is_next": m.status == Status.RESERVE and m.rank == next_rank,
        }
        for m in members
    ]
    relations = [
        {"r": r, "kind": Kin(r.kind).label} for r in NearRelation.objects.filter(election=election)
    ]
    serving = [m for m in members if m.status == Status.SERVING]
    return render(
        request,
        "committee/index.html",
        {
            "election": election,
            "rows": rows,
            "serving_count": len(serving),
            "reserves": [r for r in rows if r["m"].status == Status.RESERVE],
            "backfill": backfill,
            "blocking": [f for f in findings if f.blocking],
            "warnings": [f for f in findings if not f.blocking],
            "relations": relations,
            "writable": can_change(request.user, election.area),
            "member_form": member_form or forms.MemberForm(),
            "relation_form": relation_form or forms.RelationForm(),
            "leave_form": forms.LeaveForm(),
            "kinds": [(k.value, k.label) for k in Kin],
            "pdf_available": bool(serving),
        },
        status=status,
    )


@login_required
def index(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id)
    return _page(request, election)


@login_required
@require_POST
def member_add(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    form = forms.MemberForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            member = services.committee_member_add(
                acting_user=request.user,
                election=election,
                name=data["name"],
                sex=data["sex"],
                id_number=data["id_number"] or "",
                selected_by=data["selected_by"],
                rank=data["rank"],
                votes=data["votes"],
                role=data["role"],
                seated=data["seated"] == "serving",
            )
        except ServiceError as err:
            form_error(form, err)
        else:
            messages.success(request, f"已添加{member.name}（{member.get_status_display()}）")
            return redirect("committee:index", election.pk)
    return _page(request, election, member_form=form, status=400)


def _member(election: Election, member_id: int) -> CommitteeMember:
    return get_object_or_404(CommitteeMember, pk=member_id, election=election)


@login_required
@require_POST
def member_leave(request: HttpRequest, election_id: int, member_id: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    member = _member(election, member_id)
    form = forms.LeaveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "退出原因：请选择")
    else:
        try:
            result = services.committee_member_leave(
                acting_user=request.user,
                member=member,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"] or "",
            )
        except ServiceError as err:
            messages.error(request, err.message)
        else:
            messages.success(request, result.text)
    return redirect("committee:index", election.pk)


@login_required
@require_POST
def member_seat(request: HttpRequest, election_id: int, member_id: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    member = _member(election, member_id)
    try:
        member = services.committee_member_seat(acting_user=request.user, member=member)
    except ServiceError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, f"{member.name}已递补就任：{member.seated_basis}")
    return redirect("committee:index", election.pk)


@login_required
@require_POST
def member_role(request: HttpRequest, election_id: int, member_id: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    member = _member(election, member_id)
    form = forms.RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "职务：请选择主任或委员")
    else:
        try:
            member = services.committee_member_set_role(
                acting_user=request.user, member=member, role=form.cleaned_data["role"]
            )
        except ServiceError as err:
            messages.error(request, err.message)
        else:
            messages.success(request, f"{member.name}的职务已改为{member.get_role_display()}")
    return redirect("committee:index", election.pk)


@login_required
@require_POST
def relation_declare(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    form = forms.RelationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            relation = services.committee_relation_declare(
                acting_user=request.user,
                election=election,
                a_name=data["a_name"],
                a_id_number=data["a_id_number"] or "",
                b_name=data["b_name"],
                b_id_number=data["b_id_number"] or "",
                kind=data["kind"],
                note=data["note"] or "",
            )
        except ServiceError as err:
            form_error(form, err)
        else:
            messages.success(request, f"已登记：{relation}")
            return redirect("committee:index", election.pk)
    return _page(request, election, relation_form=form, status=400)


@login_required
@require_POST
def relation_withdraw(request: HttpRequest, election_id: int, relation_id: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    relation = get_object_or_404(NearRelation, pk=relation_id, election=election)
    form = forms.WithdrawForm(request.POST)
    try:
        services.committee_relation_withdraw(
            acting_user=request.user,
            relation=relation,
            reason=str(form.data.get("reason", "")),
        )
    except ServiceError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, "已撤销该近亲属关系登记")
    return redirect("committee:index", election.pk)


@login_required
@require_GET
def notice_pdf(request: HttpRequest, election_id: int) -> HttpResponse:
    """村民选举委员会成员公告 (PDF) of the serving members, dated today."""
    election = election_for(request.user, election_id)
    try:
        data = documents.notice_pdf(election, timezone.localdate())
    except ServiceError as err:
        messages.error(request, err.message)
        return redirect("committee:index", election.pk)
    return pdf_response(data, "committee-notice.pdf")
