"""Candidate pages: the overview (candidates per post, notices), the list of nominees, the
tally sheets (double entry; differences side by side), one candidate (review, withdrawal,
statement and pledge) and the published lists as PDF."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from huanjie.apps.accounts.selectors import can_change
from huanjie.apps.campaigns.models import Election
from huanjie.apps.campaigns.selectors import election_for, election_schedule, stage_is_open
from huanjie.apps.candidates import documents, forms, selectors, services
from huanjie.apps.candidates.models import ACTIVE, Candidate, NominationRound, Notice, Status
from huanjie.apps.errors import ServiceError
from huanjie.apps.roll.models import Voter
from huanjie.apps.roll.selectors import find_voter, mask_id, registered
from huanjie.core import entry
from huanjie.core.entry import ACTION_LABELS, STATE_LABELS, EntryAction, EntryState
from huanjie.core.names import normalize
from huanjie.core.rules import load_profile
from huanjie.core.stages import Stage

EXTRA_ROWS = 3


def _form_error(form: Form, err: ServiceError) -> None:
    form.add_error(err.field if err.field in form.fields else None, err.message)


def _deadline(election: Election) -> Any:
    return next((d for d in election_schedule(election) if d.id == "candidates_published"), None)


# --- Overview and notices ---------------------------------------------------------------------


@login_required
def index(request: HttpRequest, election_id: int) -> HttpResponse:
    writing = request.method == "POST"
    election = election_for(request.user, election_id, change=writing)
    today = timezone.localdate()
    notice_forms = {
        Notice.Kind.PRELIMINARY.value: forms.NoticeForm(
            initial={"kind": Notice.Kind.PRELIMINARY.value, "start": today, "days": 5}
        ),
        Notice.Kind.FORMAL.value: forms.NoticeForm(
            initial={
                "kind": Notice.Kind.FORMAL.value,
                "start": today,
                "days": max((election.election_day - today).days, 1),
            }
        ),
    }
    if writing:
        bound = forms.NoticeForm(request.POST)
        kind = request.POST.get("kind", "")
        if kind in notice_forms:
            notice_forms[kind] = bound
        if bound.is_valid():
            try:
                notice = services.notice_publish(
                    acting_user=request.user,  # type: ignore[arg-type]
                    election=election,
                    kind=bound.cleaned_data["kind"],
                    start=bound.cleaned_data["start"],
                    days=bound.cleaned_data["days"],
                )
            except ServiceError as err:
                _form_error(bound, err)
            else:
                messages.success(request, f"已公布{notice.get_kind_display()}")
                return redirect("candidates:index", election.pk)
    cands = list(selectors.candidates(election))
    active = [c for c in cands if c.status in ACTIVE]
    groups = [
        {
            "post": post,
            "active": [
                {"c": c, "reviews": selectors.review_summary(c)}
                for c in active
                if c.post_id == post.pk
            ],
            "out": [c for c in cands if c.post_id == post.pk and c.status not in ACTIVE],
        }
        for post in election.posts.order_by("order")
    ]
    decision = selectors.latest_decision(election)
    warnings = [(c, w) for c in active for w in selectors.candidate_warnings(election, c)]
    return render(
        request,
        "candidates/index.html",
        {
            "election": election,
            "writable": can_change(request.user, election.area),
            "stage_open": stage_is_open(election, Stage.NOMINATION),
            "main": selectors.main_round(election),
            "rounds": selectors.rounds(election),
            "nominee_count": selectors.nominees(election).count(),
            "decision": decision,
            "groups": groups,
            "problems": selectors.contest_problems(election, active) if decision else [],
            "notices": selectors.notices(election),
            "notice_forms": notice_forms,
            "deadline": _deadline(election),
            "order": selectors.notice_order_for(election),
            "ballot_order": selectors.stroke_note(load_profile(election.profile_id)),
            "formal": selectors.formal_list(election),
            "warnings": warnings,
            "blockers": selectors.nomination_blockers(election),
            "state_labels": {s.value: STATE_LABELS[s] for s in EntryState},
        },
    )


@login_required
@require_GET
def notice_pdf(request: HttpRequest, election_id: int, pk: int) -> HttpResponse:
    election = election_for(request.user, election_id)
    notice = selectors.notices(election).filter(pk=pk).first()
    if notice is None:
        raise Http404("没有这份名单")
    try:
        data = documents.notice_pdf(election, notice)
    except ServiceError as err:
        messages.error(request, err.message)
        return redirect("candidates:index", election.pk)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="candidates-{notice.kind}-{notice.pk}.pdf"'
    return response


# --- Nominees ---------------------------------------------------------------------------------


def _voters_matching(election: Election, q: str) -> list[Voter]:
    q = q.strip()
    if len(q) == 18:
        found = find_voter(election, id_number=q)
        return [found] if found else []
    return list(
        registered(election)
        .filter(Q(name=q) | Q(name_key=normalize(q)))
        .select_related("group")
        .order_by("pk")
    )


def _add_lines(request: HttpRequest, election: Election, form: forms.NomineeListForm) -> bool:
    """Every line must name exactly one registered voter; otherwise nobody is added."""
    found: list[Voter] = []
    problems = []
    for i, line in enumerate(form.cleaned_data["lines"].splitlines(), start=1):
        q = line.strip()
        if not q:
            continue
        matches = _voters_matching(election, q)
        if not matches:
            problems.append(f"第{i}行“{q}”：没有找到登记选民")
        elif len(matches) > 1:
            problems.append(f"第{i}行“{q}”：有 {len(matches)} 位同名选民，请改填公民身份号码")
        elif matches[0] not in found:
            found.append(matches[0])
    for p in problems:
        form.add_error("lines", p)
    if problems:
        return False
    try:
        added = services.nominees_add(
            acting_user=request.user,  # type: ignore[arg-type]
            election=election,
            voters=found,
        )
    except ServiceError as err:
        form.add_error("lines", err.message)
        return False
    messages.success(request, f"已将 {len(added)} 人列入被提名人名单")
    return True


@login_required
def nominees(request: HttpRequest, election_id: int) -> HttpResponse:
    writing = request.method == "POST"
    election = election_for(request.user, election_id, change=writing)
    bulk = writing and "lines" in request.POST
    form = forms.NomineeForm(request.POST if writing and not bulk else None)
    list_form = forms.NomineeListForm(request.POST if bulk else None)
    choices: list[dict[str, Any]] = []
    if bulk and list_form.is_valid() and _add_lines(request, election, list_form):
        return redirect("candidates:nominees", election.pk)
    if writing and not bulk and form.is_valid():
        q = form.cleaned_data["q"]
        matches = _voters_matching(election, q)
        wanted = request.POST.get("voter", "")
        if wanted:
            matches = [v for v in matches if str(v.pk) == wanted]
        if not matches:
            form.add_error("q", f"没有找到登记选民“{q}”（须已列入本次选举的选民名单）")
        elif len(matches) > 1:
            choices = [
                {"voter": v, "id": mask_id(v.id_number), "group": v.group.name if v.group else ""}
                for v in matches
            ]
        else:
            try:
                nominee = services.nominee_add(
                    acting_user=request.user,  # type: ignore[arg-type]
                    election=election,
                    voter=matches[0],
                )
            except ServiceError as err:
                form.add_error("q", err.message)
            else:
                messages.success(request, f"已将{nominee.label}列入被提名人名单")
                return redirect("candidates:nominees", election.pk)
    main = selectors.main_round(election)
    return render(
        request,
        "candidates/nominees.html",
        {
            "election": election,
            "writable": can_change(request.user, election.area),
            "locked": main is not None and main.state != EntryState.FIRST_ENTRY.value,
            "form": form,
            "list_form": list_form,
            "choices": choices,
            "nominees": [
                {"n": n, "id": mask_id(n.voter.id_number)} for n in selectors.nominees(election)
            ],
        },
    )


@login_required
@require_POST
def nominee_remove(request: HttpRequest, election_id: int, pk: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    nominee = selectors.nominees(election).filter(pk=pk).first()
    if nominee is None:
        raise Http404("没有这位被提名人")
    try:
        services.nominee_remove(acting_user=request.user, nominee=nominee)  # type: ignore[arg-type]
        messages.success(request, f"已将{nominee.label}移出名单")
    except ServiceError as err:
        messages.error(request, err.message)
    return redirect("candidates:nominees", election.pk)


# --- Tally sheets -----------------------------------------------------------------------------


@login_required
@require_POST
def round_start(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    try:
        r = services.nomination_round_start(acting_user=request.user, election=election)  # type: ignore[arg-type]
    except ServiceError as err:
        messages.error(request, err.message)
        return redirect("candidates:index", election.pk)
    return redirect("candidates:tally", election.pk, r.number)


def parse_sheet(
    data: Mapping[str, Any], sheet: selectors.SheetLayout
) -> tuple[dict[str, int], dict[str, str]]:
    """The counts typed into the grid (blank = 0), and per input the problem, if any."""
    counts: dict[str, int] = {}
    problems: dict[str, str] = {}

    def take(field: str, key: str, label: str) -> None:
        raw = str(data.get(field, "")).strip()
        if not raw:
            return
        try:
            value = int(raw)
        except ValueError:
            problems[field] = f"{label}：应为整数"
            return
        if value < 0:
            problems[field] = f"{label}：不能为负数"
            return
        counts[key] = counts.get(key, 0) + value

    for post, label, _ in sheet.posts:
        take(entry.issued_key(post), entry.issued_key(post), f"{label}发出票数")
        take(entry.returned_key(post), entry.returned_key(post), f"{label}收回票数")
        for name in sheet.names:
            key = entry.votes_key(post, name)
            take(key, key, f"{label}·{name}")
    for j in range(EXTRA_ROWS):
        name = " ".join(str(data.get(f"extra_name_{j}", "")).split())
        typed = [p for p, _, _ in sheet.posts if str(data.get(f"extra_{j}:{p}", "")).strip()]
        if typed and not name:
            problems[f"extra_name_{j}"] = "请填写姓名"
            continue
        if name and ":" in name:
            problems[f"extra_name_{j}"] = "姓名中不能含有英文冒号"
            continue
        for post, label, _ in sheet.posts:
            if name:
                take(f"extra_{j}:{post}", entry.votes_key(post, name), f"{label}·{name}")
    return counts, problems


def _grid(
    sheet: selectors.SheetLayout,
    values: Mapping[str, Any],
    problems: Mapping[str, list[str]],
) -> dict[str, Any]:
    def cell(field: str, label: str, *keys: str) -> dict[str, Any]:
        return {
            "field": field,
            "label": label,
            "value": values.get(field, ""),
            "errors": [e for k in (field, *keys) for e in problems.get(k, [])],
        }

    def typed(j: int) -> str:
        return " ".join(str(values.get(f"extra_name_{j}", "")).split())

    posts = sheet.posts
    return {
        "posts": posts,
        "counts": [
            (
                "发出提名票（张）",
                [cell(entry.issued_key(p), f"{label}发出票数") for p, label, _ in posts],
            ),
            (
                "收回提名票（张）",
                [cell(entry.returned_key(p), f"{label}收回票数") for p, label, _ in posts],
            ),
        ],
        "rows": [
            (name, [cell(entry.votes_key(p, name), f"{name}·{label}") for p, label, _ in posts])
            for name in sheet.names
        ],
        "extra": [
            (
                cell(f"extra_name_{j}", "名单外的姓名", typed(j)),
                [
                    cell(f"extra_{j}:{p}", f"名单外·{label}", entry.votes_key(p, typed(j)))
                    for p, label, _ in posts
                ],
            )
            for j in range(EXTRA_ROWS)
        ],
    }


def _round(election: Election, number: int) -> NominationRound:
    r = selectors.rounds(election).filter(number=number).first()
    if r is None:
        raise Http404("没有这一轮统计")
    return r


@login_required
def tally(request: HttpRequest, election_id: int, number: int) -> HttpResponse:
    writing = request.method == "POST"
    election = election_for(request.user, election_id, change=writing)
    r = _round(election, number)
    sheet = selectors.layout(r)
    values: Mapping[str, Any] = {}
    problems: dict[str, list[str]] = {}
    sheet_errors: list[str] = []
    ask_ack = False
    if writing:
        values = request.POST
        counts, parse_problems = parse_sheet(request.POST, sheet)
        for field, text in parse_problems.items():
            problems.setdefault(field, []).append(text)
        if not parse_problems:
            try:
                r = services.tally_submit(
                    acting_user=request.user,  # type: ignore[arg-type]
                    round=r,
                    counts=counts,
                    acknowledged=request.POST.get("acknowledged") == "on",
                )
            except services.CandidateError as err:
                ask_ack = err.code == "unacknowledged_warnings"
                for f in err.findings:
                    problems.setdefault(f.key, []).append(f.message)
                sheet_errors.append(err.message)
            else:
                messages.success(request, f"已录入：{STATE_LABELS[EntryState(r.state)]}")
                return redirect("candidates:tally", election.pk, r.number)
        else:
            sheet_errors.append("有格子填写有误，请按提示更正后再提交")
    user_id = request.user.pk
    compared = selectors.entries_compared(r)
    clerks = {r.first_clerk_id, r.second_clerk_id} - {None}
    return render(
        request,
        "candidates/tally.html",
        {
            "election": election,
            "r": r,
            "writable": can_change(request.user, election.area),
            "state_label": STATE_LABELS[EntryState(r.state)],
            "accepting": r.state in (EntryState.FIRST_ENTRY.value, EntryState.SECOND_ENTRY.value),
            "entered_first": r.state == EntryState.SECOND_ENTRY.value
            and r.first_clerk_id == user_id,
            "is_clerk": user_id in clerks,
            "grid": _grid(sheet, values, problems),
            "sheet_errors": sheet_errors,
            "ask_ack": ask_ack,
            "compared": compared,
            "differing": [row for row in compared if row["differs"]],
            "result": _result_rows(r, sheet) if r.result is not None else None,
            "resolve_actions": [
                (a.value, ACTION_LABELS[a])
                for a in entry.available(EntryState(r.state))
                if a in entry.COORDINATOR_ACTIONS
            ],
            "resolve_form": forms.ResolveForm(),
        },
    )


def _result_rows(r: NominationRound, sheet: selectors.SheetLayout) -> dict[str, Any]:
    result = r.result or {}
    names = list(sheet.names) + sorted(
        {
            entry.split_key(k)[2]
            for k in result
            if entry.split_key(k)[1] == entry.VOTES and entry.split_key(k)[2] not in sheet.names
        }
    )
    return {
        "counts": [
            ("发出提名票", [result.get(entry.issued_key(p), 0) for p, _, _ in sheet.posts]),
            ("收回提名票", [result.get(entry.returned_key(p), 0) for p, _, _ in sheet.posts]),
        ],
        "rows": [
            (n, [result.get(entry.votes_key(p, n), 0) for p, _, _ in sheet.posts]) for n in names
        ],
    }


@login_required
@require_POST
def tally_resolve(request: HttpRequest, election_id: int, number: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    r = _round(election, number)
    form = forms.ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "处理：请选择处理方式")
        return redirect("candidates:tally", election.pk, r.number)
    try:
        r = services.tally_resolve(
            acting_user=request.user,  # type: ignore[arg-type]
            round=r,
            action=form.cleaned_data["action"],
            reason=form.cleaned_data["reason"],
        )
    except ServiceError as err:
        messages.error(request, err.message)
    else:
        messages.success(
            request,
            f"已{ACTION_LABELS[EntryAction(form.cleaned_data['action'])]}："
            f"{STATE_LABELS[EntryState(r.state)]}",
        )
    return redirect("candidates:tally", election.pk, r.number)


# --- One candidate ----------------------------------------------------------------------------


@login_required
def candidate(request: HttpRequest, election_id: int, pk: int) -> HttpResponse:
    writing = request.method == "POST"
    election = election_for(request.user, election_id, change=writing)
    c = selectors.candidates(election).filter(pk=pk).first()
    if c is None:
        raise Http404("没有这位候选人")
    today = timezone.localdate()
    which = request.POST.get("form", "") if writing else ""
    review_form = forms.ReviewForm(
        request.POST if which == "review" else None, initial={"reviewed_on": today}
    )
    withdraw_form = forms.WithdrawForm(
        request.POST if which == "withdraw" else None, initial={"withdrawn_on": today}
    )
    statement_form = forms.StatementForm(
        request.POST if which == "statement" else None,
        initial={
            "statement": c.statement,
            "pledge_signed": c.pledge_signed,
            "pledge_date": c.pledge_date,
        },
    )
    user = request.user
    try:
        if which == "review" and review_form.is_valid():
            d = review_form.cleaned_data
            services.review_record(
                acting_user=user,  # type: ignore[arg-type]
                candidate=c,
                department=d["department"],
                finding=d["finding"],
                reason=d["reason"],
                reviewed_on=d["reviewed_on"],
            )
            messages.success(request, "已记录审查意见")
            return redirect("candidates:candidate", election.pk, c.pk)
        if which == "withdraw" and withdraw_form.is_valid():
            d = withdraw_form.cleaned_data
            services.candidate_withdraw(
                acting_user=user,  # type: ignore[arg-type]
                candidate=c,
                written=d["written"],
                reason=d["reason"],
                withdrawn_on=d["withdrawn_on"],
            )
            messages.success(request, f"{c.voter.name}已退出，已按提名票数依次递补")
            return redirect("candidates:index", election.pk)
        if which == "statement" and statement_form.is_valid():
            d = statement_form.cleaned_data
            services.candidate_statement_save(
                acting_user=user,  # type: ignore[arg-type]
                candidate=c,
                statement=d["statement"],
                pledge_signed=d["pledge_signed"],
                pledge_date=d["pledge_date"],
            )
            messages.success(request, "已保存竞职陈述和承诺书")
            return redirect("candidates:candidate", election.pk, c.pk)
    except ServiceError as err:
        bound = {"review": review_form, "withdraw": withdraw_form, "statement": statement_form}
        _form_error(bound[which], err)
    if writing and which not in ("review", "withdraw", "statement"):
        messages.error(request, "未知的操作")
    replaced_by = Candidate.objects.filter(replaces=c).select_related("voter").first()
    return render(
        request,
        "candidates/candidate.html",
        {
            "election": election,
            "c": c,
            "writable": can_change(request.user, election.area),
            "active": c.status in ACTIVE,
            "cells": selectors.review_cells(c),
            "review_form": review_form,
            "withdraw_form": withdraw_form,
            "statement_form": statement_form,
            "warnings": selectors.candidate_warnings(election, c),
            "masked_id": mask_id(c.voter.id_number),
            "replaced_by": replaced_by,
            "formal": c.status == Status.FORMAL,
        },
    )
