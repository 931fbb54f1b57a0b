"""Registration pages: import with progress, the roll and its registers, duplicates, the posted
list, objections and voter cards. Every view starts with ``election_for``; writes need the
right to change the village (and, for a case across villages, both villages)."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from huanjie.apps.accounts.selectors import can_change, can_see, require_change
from huanjie.apps.campaigns.models import Election
from huanjie.apps.campaigns.selectors import election_for
from huanjie.apps.errors import ServiceError
from huanjie.apps.roll import documents, forms, selectors, services, tasks
from huanjie.apps.roll.documents import Missing
from huanjie.apps.roll.models import DuplicateCase, ImportBatch, Objection, PrintJob, Status, Voter
from huanjie.apps.roll.selectors import mask_id
from huanjie.apps.shortcuts import form_error, pdf_response
from huanjie.core.roll import objections as core_objections


def _base(request: HttpRequest, election: Election) -> dict[str, Any]:
    return {"election": election, "writable": can_change(request.user, election.area)}


# --------------------------------------------------------------------------- overview, import


@login_required
def index(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id)
    publication = selectors.publication(election)
    today = timezone.localdate()
    latest, latest_article = services.list_deadline(election)
    context = {
        **_base(request, election),
        "counts": selectors.status_counts(election),
        "groups": selectors.groups(election),
        "batches": selectors.batches(election)[:10],
        "running": selectors.running_batch(election),
        "open_cases": selectors.open_cases(election).count(),
        "publication": publication,
        "list_latest": latest,
        "list_article": latest_article,
        "objections_open": selectors.objections(election).filter(decided_on__isnull=True).count(),
        "filing_open": selectors.filing_open(election, today),
        "blockers": selectors.blockers(election),
        "stage_state": services.registration_state(election),
        "form": forms.ImportForm(),
        "today": today,
    }
    return render(request, "roll/index.html", context)


@login_required
@require_POST
def import_start(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    form = forms.ImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            batch = services.import_start(
                acting_user=request.user,  # type: ignore[arg-type]
                election=election,
                files=[(f.name or "文件", f) for f in form.cleaned_data["registers"]],
            )
        except ServiceError as err:
            messages.error(request, err.message)
        else:
            tasks.run_import.enqueue(batch.pk)
            return redirect("roll:batch", election.pk, batch.pk)
    else:
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, f"导入文件：{e}")
    return redirect("roll:index", election.pk)


def _batch(request: HttpRequest, election_id: int, batch_id: int) -> tuple[Election, ImportBatch]:
    election = election_for(request.user, election_id)
    return election, get_object_or_404(ImportBatch, pk=batch_id, election=election)


@login_required
def batch_detail(request: HttpRequest, election_id: int, batch_id: int) -> HttpResponse:
    election, batch = _batch(request, election_id, batch_id)
    return render(
        request,
        "roll/batch.html",
        {
            **_base(request, election),
            "batch": batch,
            # The village's own count ("第 3 次导入"), not the database id.
            "ordinal": ImportBatch.objects.filter(election=election, pk__lte=batch.pk).count(),
            "progress": services.read_progress(batch),
            "shown_errors": batch.errors[:100],
        },
    )


@login_required
@require_GET
def batch_status(request: HttpRequest, election_id: int, batch_id: int) -> JsonResponse:
    _, batch = _batch(request, election_id, batch_id)
    p = services.read_progress(batch)
    total = max(p["total_rows"], 1)
    return JsonResponse(
        {
            "state": batch.state,
            "state_label": batch.get_state_display(),
            "finished": batch.finished,
            "rows_done": p["rows_done"],
            "total_rows": p["total_rows"],
            "percent": 100
            if batch.state == ImportBatch.State.DONE
            else min(99, p["rows_done"] * 100 // total),
            "phase": p["state"],
            "message": batch.message,
            "error_count": batch.error_count,
        }
    )


@login_required
@require_GET
def batch_errors_csv(
    request: HttpRequest, election_id: int, batch_id: int
) -> HttpResponse | FileResponse:
    _, batch = _batch(request, election_id, batch_id)
    path = services.errors_csv_path(batch)
    if path is not None:
        return FileResponse(
            path.open("rb"),
            as_attachment=True,
            filename=f"导入错误-{batch.pk}.csv",
            content_type="text/csv",
        )
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(["文件", "工作表", "行", "列", "列名", "错误"])
    for e in batch.errors:
        writer.writerow(
            [e["file"], e["sheet"], e["row"] or "", e["column"], e["header"], e["message"]]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''errors-{batch.pk}.csv"
    return response


# --------------------------------------------------------------------------- the roll


@login_required
def voter_list(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id)
    status = request.GET.get("status", Status.REGISTERED)
    if status not in {s.value for s in Status} | {"all"}:
        status = Status.REGISTERED
    group = request.GET.get("group", "")
    group_id = int(group) if group.isdigit() else (0 if group == "none" else None)
    text = request.GET.get("q", "")
    qs = selectors.voters(
        election, status=None if status == "all" else status, group_id=group_id, text=text
    )
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    writable = can_change(request.user, election.area)
    return render(
        request,
        "roll/voters.html",
        {
            **_base(request, election),
            "page": page,
            "rows": [(v, v.id_number if writable else mask_id(v.id_number)) for v in page],
            "status": status,
            "statuses": [("all", "全部"), *Status.choices],
            "groups": selectors.groups(election),
            "group": group,
            "q": text,
            "counts": selectors.status_counts(election),
        },
    )


@login_required
def voter_add(request: HttpRequest, election_id: int) -> HttpResponse:
    writing = request.method == "POST"
    election = election_for(request.user, election_id, change=writing)
    form = forms.VoterForm(request.POST or None, initial={"category": "resident"})
    if writing and form.is_valid():
        try:
            voter = services.voter_add(
                acting_user=request.user,  # type: ignore[arg-type]
                election=election,
                values=form.values(),
                note=form.cleaned_data["note"],
            )
        except ServiceError as err:
            form_error(form, err)
        else:
            messages.success(
                request, f"已添加{voter.name}：{voter.get_status_display()}（{voter.reason}）"
            )
            return redirect("roll:voter", election.pk, voter.pk)
    return render(
        request,
        "roll/voter_add.html",
        {
            **_base(request, election),
            "form": form,
            "group_names": [a.name for a, _ in selectors.groups(election) if a is not None],
        },
    )


@login_required
def voter_detail(request: HttpRequest, election_id: int, voter_id: int) -> HttpResponse:
    writing = request.method == "POST"
    election = election_for(request.user, election_id, change=writing)
    voter = get_object_or_404(Voter.objects.select_related("group"), pk=voter_id, election=election)
    form = forms.RemoveForm(request.POST or None)
    if writing and form.is_valid():
        try:
            services.voter_remove(
                acting_user=request.user,  # type: ignore[arg-type]
                voter=voter,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ServiceError as err:
            form_error(form, err)
        else:
            messages.success(request, f"已将{voter.name}除名")
            return redirect("roll:voter", election.pk, voter.pk)
    writable = can_change(request.user, election.area)
    cases = selectors.cases_for(election).filter(
        pk__in=DuplicateCase.objects.filter(first=voter)
        .values("pk")
        .union(DuplicateCase.objects.filter(second=voter).values("pk"))
    )
    return render(
        request,
        "roll/voter.html",
        {
            **_base(request, election),
            "voter": voter,
            "id_shown": voter.id_number if writable else mask_id(voter.id_number),
            "form": form,
            "cases": cases,
            "objections": voter.objections.all(),
        },
    )


# --------------------------------------------------------------------------- registers


@login_required
def registers(request: HttpRequest, election_id: int, kind: str) -> HttpResponse:
    """新增、除名、外出 registers and the difference against the previous roll."""
    election = election_for(request.user, election_id)
    writable = can_change(request.user, election.area)

    def row(v: Voter, note: str = "") -> dict[str, Any]:
        return {"voter": v, "id": v.id_number if writable else mask_id(v.id_number), "note": note}

    context: dict[str, Any] = {**_base(request, election), "kind": kind}
    if kind == "new":
        since, estimated = selectors.previous_day(election)
        context.update(
            title="新增选民登记册",
            rows=[row(n.voter, n.why) for n in selectors.newly_eligible(election)],
            since=since,
            estimated=estimated,
            previous=selectors.previous_election(election),
        )
    elif kind == "removed":
        context.update(
            title="除名选民登记册",
            rows=[row(v, v.reason) for v in selectors.removed(election)],
        )
    elif kind == "away":
        context.update(
            title="外出选民登记册",
            rows=[row(v, v.away_contact) for v in selectors.away(election)],
        )
    elif kind == "diff":
        d = selectors.difference(election)
        context.update(
            title="与上届选民名单对照",
            previous=d.previous,
            added=[row(d.current[k]) for k in d.diff.added],
            removed=[row(d.before[k]) for k in d.diff.removed],
            changed=[
                row(
                    d.current[c.id_number],
                    "、".join(
                        f"{label}：{getattr(c.before, f) or '—'} → {getattr(c.after, f) or '—'}"
                        for f, label in zip(c.fields, c.labels, strict=True)
                    ),
                )
                for c in d.diff.changed
            ],
        )
    else:
        raise Http404("没有这个登记册")
    return render(request, "roll/register.html", context)


# --------------------------------------------------------------------------- duplicates


def _can_resolve(request: HttpRequest, case: DuplicateCase) -> bool:
    return all(can_change(request.user, v.election.area) for v in (case.first, case.second))


@login_required
def duplicates(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id)
    township = election.area.parent
    wide = request.GET.get("scope") == "campaign" and township is not None
    if wide and (township is None or not can_see(request.user, township)):
        raise PermissionDenied("只有乡镇（街道）可以查看本乡镇全部村的重复登记")
    cases = list(selectors.cases_for(election, campaign_wide=wide))
    rows = []
    for case in cases:
        resolvable = case.is_open and _can_resolve(request, case)
        rows.append(
            {
                "case": case,
                "resolvable": resolvable,
                "form": forms.ResolveForm(prefix=f"c{case.pk}") if resolvable else None,
                "ids": [
                    v.id_number
                    if can_change(request.user, v.election.area)
                    else mask_id(v.id_number)
                    for v in (case.first, case.second)
                ],
            }
        )
    return render(
        request,
        "roll/duplicates.html",
        {
            **_base(request, election),
            "rows": rows,
            "wide": wide,
            "township_view": township is not None and can_see(request.user, township),
            "open": sum(1 for c in cases if c.is_open),
        },
    )


@login_required
@require_POST
def duplicate_resolve(request: HttpRequest, election_id: int, case_id: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    case = get_object_or_404(
        DuplicateCase.objects.select_related("first__election__area", "second__election__area"),
        pk=case_id,
    )
    if election.pk not in (case.first.election_id, case.second.election_id):
        raise Http404("没有这个重复登记")
    for v in (case.first, case.second):
        require_change(request.user, v.election.area)
    form = forms.ResolveForm(request.POST, prefix=f"c{case.pk}")
    if not form.is_valid():
        messages.error(request, "请选择处理结果并填写理由")
    else:
        try:
            services.duplicate_resolve(
                acting_user=request.user,  # type: ignore[arg-type]
                case=case,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, "已处理该重复登记")
        except ServiceError as err:
            messages.error(request, err.message)
    back = request.POST.get("next", "")
    return redirect(
        back if back.startswith("/elections/") else f"/elections/{election.pk}/roll/duplicates/"
    )


# --------------------------------------------------------------------------- the posted list


@login_required
def publication(request: HttpRequest, election_id: int) -> HttpResponse:
    writing = request.method == "POST"
    election = election_for(request.user, election_id, change=writing)
    today = timezone.localdate()
    latest, article = services.list_deadline(election)
    form = forms.PublishForm(request.POST or None, initial={"published_on": min(today, latest)})
    if writing and form.is_valid():
        try:
            services.list_publish(
                acting_user=request.user,  # type: ignore[arg-type]
                election=election,
                published_on=form.cleaned_data["published_on"],
            )
        except ServiceError as err:
            form_error(form, err)
        else:
            messages.success(request, "已登记选民名单公布日期，申诉期开始计算")
            return redirect("roll:publication", election.pk)
    pub = selectors.publication(election)
    window = core_objections.filing_closes(pub.published_on) if pub else None
    return render(
        request,
        "roll/publication.html",
        {
            **_base(request, election),
            "form": form,
            "publication": pub,
            "window": window,
            "latest": latest,
            "article": article,
            "groups": selectors.groups(election),
            "today": today,
            "open_cases": selectors.open_cases(election).count(),
            "convention": selectors.name_convention(election),
        },
    )


@login_required
@require_GET
def voter_list_pdf(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id)
    missing: Missing = "mark" if request.GET.get("mark") == "1" else "raise"
    try:
        data, _ = documents.voter_list_pdf(election, missing=missing)
    except ServiceError as err:
        messages.error(request, err.message)
        return redirect("roll:publication", election.pk)
    return pdf_response(data, "voter-list.pdf")


# --------------------------------------------------------------------------- objections


@login_required
def objections(request: HttpRequest, election_id: int) -> HttpResponse:
    writing = request.method == "POST"
    election = election_for(request.user, election_id, change=writing)
    today = timezone.localdate()
    form = forms.ObjectionForm(request.POST or None, initial={"filed_on": today})
    if writing and form.is_valid():
        data = form.cleaned_data
        voter = None
        if data["voter"].strip():
            voter = Voter.objects.filter(
                election=election, id_number=data["voter"].strip().upper()
            ).first()
            if voter is None:
                form.add_error("voter", "本村选民名单上没有这个公民身份号码")
        if not form.errors:
            try:
                objection = services.objection_file(
                    acting_user=request.user,  # type: ignore[arg-type]
                    election=election,
                    filed_on=data["filed_on"],
                    filed_by_name=data["filed_by_name"],
                    contact=data["contact"],
                    kind=data["kind"],
                    voter=voter,
                    subject_name=data["subject_name"],
                    subject_id_number=data["subject_id_number"],
                    content=data["content"],
                )
            except ServiceError as err:
                form_error(form, err)
            else:
                messages.success(
                    request,
                    f"已受理申诉 {objection.number}，应于 {objection.decision_due:%Y-%m-%d} 前作出决定",
                )
                return redirect("roll:objection", election.pk, objection.pk)
    pub = selectors.publication(election)
    return render(
        request,
        "roll/objections.html",
        {
            **_base(request, election),
            "form": form,
            "objections": selectors.objections(election),
            "publication": pub,
            "window": core_objections.filing_closes(pub.published_on) if pub else None,
            "today": today,
        },
    )


@login_required
def objection_detail(request: HttpRequest, election_id: int, objection_id: int) -> HttpResponse:
    writing = request.method == "POST"
    election = election_for(request.user, election_id, change=writing)
    objection = get_object_or_404(Objection, pk=objection_id, election=election)
    today = timezone.localdate()
    form = forms.DecideForm(request.POST or None, initial={"decided_on": today})
    if writing and form.is_valid():
        try:
            services.objection_decide(
                acting_user=request.user,  # type: ignore[arg-type]
                objection=objection,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                decided_on=form.cleaned_data["decided_on"],
                person=form.person(),
                corrections=form.corrections(),
            )
        except ServiceError as err:
            form_error(form, err)
        else:
            messages.success(request, f"已对申诉 {objection.number} 作出决定")
            return redirect("roll:objection", election.pk, objection.pk)
    return render(
        request,
        "roll/objection.html",
        {**_base(request, election), "objection": objection, "form": form, "today": today},
    )


@login_required
@require_GET
def objection_notice_pdf(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id)
    missing: Missing = "mark" if request.GET.get("mark") == "1" else "raise"
    try:
        data = documents.objection_notice_pdf(election, missing=missing)
    except ServiceError as err:
        messages.error(request, err.message)
        return redirect("roll:objections", election.pk)
    return pdf_response(data, "objection-decisions.pdf")


# --------------------------------------------------------------------------- voter cards


@login_required
def cards(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id)
    form = forms.CardCheckForm(request.GET or None)
    checked: dict[str, Any] | None = None
    if request.GET and form.is_valid():
        voter, problem = services.card_check(election, form.cleaned_data["code"])
        checked = {"voter": voter, "problem": problem}
    registered = selectors.registered(election)
    return render(
        request,
        "roll/cards.html",
        {
            **_base(request, election),
            "registered": registered.count(),
            "numbered": registered.exclude(serial="").count(),
            "jobs": PrintJob.objects.filter(election=election)[:5],
            "form": form,
            "checked": checked,
        },
    )


@login_required
@require_POST
def cards_assign(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    try:
        n = services.cards_assign(acting_user=request.user, election=election)  # type: ignore[arg-type]
    except ServiceError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, f"已为 {n} 名选民编号" if n else "所有登记的选民都已有选民证编号")
    return redirect("roll:cards", election.pk)


@login_required
@require_POST
def cards_print(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    job = services.print_job_start(
        acting_user=request.user,  # type: ignore[arg-type]
        election=election,
        kind=PrintJob.Kind.VOTER_CARDS,
    )
    tasks.print_cards.enqueue(job.pk)
    messages.success(request, "已开始生成选民证，完成后可在下方下载")
    return redirect("roll:cards", election.pk)


@login_required
@require_GET
def print_job_pdf(request: HttpRequest, election_id: int, job_id: int) -> FileResponse:
    election = election_for(request.user, election_id, change=True)
    job = get_object_or_404(PrintJob, pk=job_id, election=election)
    path = services.print_job_file(job)
    if path is None:
        raise Http404("文件尚未生成")
    return FileResponse(path.open("rb"), content_type="application/pdf", filename=path.name)
