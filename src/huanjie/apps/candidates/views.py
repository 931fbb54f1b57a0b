"""Candidate pages: the overview (candidates per post, notices), the list of nominees, the
tally sheets (double entry; differences side by side), one candidate (review, withdrawal,
statement and pledge) and the published lists as PDF."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from huanjie.apps.accounts.selectors import can_change
from huanjie.apps.campaigns.models import Election
from huanjie.apps.campaigns.selectors import election_for, election_schedule, stage_is_open
from huanjie.apps.candidates import documents, forms, selectors, services
from huanjie.apps.candidates.models import (
    ACTIVE,
    Candidate,
    Department,
    Finding,
    NominationRound,
    Notice,
    Status,
)
from huanjie.apps.errors import ServiceError
from huanjie.apps.roll.models import Voter
from huanjie.apps.roll.selectors import find_voter, mask_id, registered
from huanjie.apps.shortcuts import form_error, pdf_response
from huanjie.core import entry
from huanjie.core.entry import ACTION_LABELS, STATE_LABELS, EntryAction, EntryState
from huanjie.core.names import normalize
from huanjie.core.rules import load_profile
from huanjie.core.stages import Stage

EXTRA_ROWS = 3


def _deadline(election: Election) -> Any:
    return next((d for d in election_schedule(election) if d.id == "candidates_published"), None)


# --- Overview and notices ---------------------------------------------------------------------


@login_required
def index(request: HttpRequest, election_id: int) -> HttpResponse:
    writing = request.method == "POST"
    election = election_for(request.user, election_id, change=writing)
    notice_forms = _notice_forms(election)
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
                    reason=bound.cleaned_data["reason"],
                )
            except ServiceError as err:
                form_error(bound, err)
            else:
                corrected = "更正并重新" if bound.cleaned_data["reason"] else ""
                messages.success(request, f"已{corrected}公布{notice.get_kind_display()}")
                return redirect("candidates:index", election.pk)
        return _index_page(request, election, notice_forms=notice_forms, status=400)
    return _index_page(request, election, notice_forms=notice_forms)


def _notice_forms(election: Election) -> dict[str, forms.NoticeForm]:
    today = timezone.localdate()
    return {
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


def _department(active: list[Candidate], wanted: str) -> str:
    """The department whose form is shown: the one asked for, else the first with findings
    still to record, else the first."""
    if wanted in Department.values:
        return wanted
    for d in Department:
        done = {c.pk for c in active for r in c.reviews.all() if r.department == d.value}
        if any(c.pk not in done for c in active):
            return d.value
    return Department.values[0]


def _review_rows(
    active: list[Candidate],
    department: str,
    data: Mapping[str, Any] | None = None,
    errors: Mapping[str, list[str]] | None = None,
) -> list[dict[str, Any]]:
    """One row per active candidate for a department's form: what it found so far, and the
    values to show (typed, else the finding on record, else 合格)."""
    rows = []
    for c in active:
        review = next((r for r in c.reviews.all() if r.department == department), None)
        if data is not None:
            finding = str(data.get(f"finding_{c.pk}", ""))
            reason = str(data.get(f"reason_{c.pk}", ""))
        else:
            finding = review.finding if review else Finding.QUALIFIED.value
            reason = review.reason if review else ""
        rows.append(
            {
                "c": c,
                "review": review,
                "finding": finding,
                "reason": reason,
                "errors": [
                    e
                    for k in (f"finding_{c.pk}", f"reason_{c.pk}")
                    for e in (errors or {}).get(k, [])
                ],
            }
        )
    return rows


def _index_page(
    request: HttpRequest,
    election: Election,
    *,
    notice_forms: dict[str, forms.NoticeForm],
    review: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
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
    if review is None:
        department = _department(active, request.GET.get("department", ""))
        review = {
            "department": department,
            "form": forms.DepartmentReviewForm(
                initial={"department": department, "reviewed_on": timezone.localdate()}
            ),
            "rows": _review_rows(active, department),
        }
    department = review["department"]
    review["label"] = Department(department).label
    review["tabs"] = [
        {
            "value": d.value,
            "label": d.label,
            "done": sum(1 for c in active if any(r.department == d.value for r in c.reviews.all())),
        }
        for d in Department
    ]
    review["pending"] = sum(1 for c in active if c.status not in (Status.QUALIFIED, Status.FORMAL))
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
            "active_count": len(active),
            "problems": selectors.contest_problems(election, active) if decision else [],
            "notices": selectors.notices(election),
            "current_preliminary": selectors.current_notice(election, Notice.Kind.PRELIMINARY),
            "current_formal": selectors.current_notice(election, Notice.Kind.FORMAL),
            "notice_forms": notice_forms,
            "deadline": _deadline(election),
            "order": selectors.notice_order_for(election),
            "ballot_order": selectors.stroke_note(load_profile(election.profile_id)),
            "formal": selectors.formal_list(election),
            "warnings": warnings,
            "blockers": selectors.nomination_blockers(election),
            "review": review,
        },
        status=status,
    )


@login_required
@require_POST
def department_reviews(request: HttpRequest, election_id: int) -> HttpResponse:
    """One department's findings on every candidate, from one form (资格联审)."""
    election = election_for(request.user, election_id, change=True)
    form = forms.DepartmentReviewForm(request.POST)
    active = [c for c in selectors.candidates(election) if c.status in ACTIVE]
    department = request.POST.get("department", "")
    errors: dict[str, list[str]] = {}
    if form.is_valid():
        department = form.cleaned_data["department"]
        findings = []
        for c in active:
            finding = request.POST.get(f"finding_{c.pk}", "")
            if finding:  # blank: this department has not replied on this candidate yet
                findings.append(
                    services.DepartmentFinding(
                        candidate=c, finding=finding, reason=request.POST.get(f"reason_{c.pk}", "")
                    )
                )
        try:
            stored = services.reviews_record(
                acting_user=request.user,  # type: ignore[arg-type]
                election=election,
                department=department,
                findings=findings,
                reviewed_on=form.cleaned_data["reviewed_on"],
            )
        except ServiceError as err:
            if err.field in form.fields:
                form.add_error(err.field, err.message)
            elif err.field.startswith(("finding_", "reason_")):
                errors.setdefault(err.field, []).append(err.message)
            else:
                form.add_error(None, err.message)
        else:
            label = Department(department).label
            if stored:
                bad = [r for r in stored if r.finding == Finding.UNQUALIFIED]
                text = f"已记录{label}对 {len(stored)} 名候选人的审查意见"
                if bad:
                    text += f"（{len(bad)} 名不合格，已按提名票数依次递补）"
                messages.success(request, text)
            else:
                messages.info(request, f"{label}的审查意见与已记录的相同，没有变化")
            return redirect(
                f"{reverse('candidates:index', args=[election.pk])}?department={department}#reviews"
            )
    if department not in Department.values:
        department = Department.values[0]
    review = {
        "department": department,
        "form": form,
        "rows": _review_rows(active, department, request.POST, errors),
    }
    return _index_page(
        request, election, notice_forms=_notice_forms(election), review=review, status=400
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
    return pdf_response(data, f"candidates-{notice.kind}-{notice.pk}.pdf")


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
                messages.success(request, _entered_message(r))
                return redirect("candidates:tally", election.pk, r.number)
        else:
            sheet_errors.append("有格子填写有误，请按提示更正后再提交")
    user_id = request.user.pk
    compared = selectors.entries_compared(r)
    differing = [row for row in compared if row["differs"]]
    clerks = {r.first_clerk_id, r.second_clerk_id} - {None}
    actions = [
        (a.value, ACTION_LABELS[a])
        for a in entry.available(EntryState(r.state))
        if a in entry.COORDINATOR_ACTIONS
    ]
    return render(
        request,
        "candidates/tally.html",
        {
            "election": election,
            "r": r,
            "writable": can_change(request.user, election.area),
            "state_label": STATE_LABELS[EntryState(r.state)],
            "status": _status_line(r, len(differing)),
            "accepting": r.state in (EntryState.FIRST_ENTRY.value, EntryState.SECOND_ENTRY.value),
            "entered_first": r.state == EntryState.SECOND_ENTRY.value
            and r.first_clerk_id == user_id,
            "is_clerk": user_id in clerks,
            "grid": _grid(sheet, values, problems),
            "sheet_errors": sheet_errors,
            "ask_ack": ask_ack,
            "compared": compared,
            "differing": differing,
            "to_resolve": r.state == EntryState.ENTRIES_DIFFERENT.value,
            "result": _result_rows(r, sheet) if r.result is not None else None,
            # Two different entries: keep one or discard both. Otherwise (a first entry to
            # discard, a definitive tally to reopen) the action is a correction, offered apart.
            "resolve_actions": actions if r.state == EntryState.ENTRIES_DIFFERENT.value else [],
            "correct_actions": actions if r.state != EntryState.ENTRIES_DIFFERENT.value else [],
            "resolve_form": forms.ResolveForm(),
        },
    )


def _who(user: Any) -> str:
    if user is None:
        return "（已删除的用户）"
    return str(user.first_name or user.username)


def _when(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _status_line(r: NominationRound, differing: int) -> str:
    """What has happened to the sheet, in one sentence."""
    state = EntryState(r.state)
    if state is EntryState.FIRST_ENTRY:
        return "尚未录入。请照纸质统计表进行第一次录入。"
    if state is EntryState.SECOND_ENTRY:
        return (
            f"{_who(r.first_clerk)}已于 {_when(r.first_at)} 完成第一次录入，"
            "待另一名录入人独立进行第二次录入。"
        )
    if state is EntryState.ENTRIES_DIFFERENT:
        return (
            f"两次录入有 {differing} 处不一致，须由未参与录入的第三人核对纸质统计表后，"
            "选择采用哪一次录入或两次均作废。"
        )
    if r.resolution in (EntryAction.KEEP_FIRST.value, EntryAction.KEEP_SECOND.value):
        which = "第一次" if r.resolution == EntryAction.KEEP_FIRST.value else "第二次"
        return (
            f"两次录入有 {differing} 处不一致，经{_who(r.coordinator)}核对纸质统计表，"
            f"于 {_when(r.definitive_at)} 采用{which}录入，统计结果已确定。"
        )
    return "两次录入一致，已确定。"


def _entered_message(r: NominationRound) -> str:
    """The message after an entry: what the entry led to, and what comes next."""
    state = EntryState(r.state)
    if state is EntryState.SECOND_ENTRY:
        return "第一次录入已保存。第二次录入须由另一名录入人照纸质统计表独立完成。"
    if state is EntryState.ENTRIES_DIFFERENT:
        return "第二次录入已保存，但与第一次录入不一致：须由未参与录入的第三人核对处理。"
    if r.kind == NominationRound.Kind.REVOTE:
        return "两次录入一致，重新投票的统计结果已确定，候选人已据此确定。"
    return "两次录入一致，提名票统计结果已确定，初步候选人已据此确定（见“候选人”页）。"


_RESOLVED = {
    EntryAction.KEEP_FIRST: "已采用第一次录入，统计结果已确定。",
    EntryAction.KEEP_SECOND: "已采用第二次录入，统计结果已确定。",
    EntryAction.DISCARD_BOTH: "两次录入均已作废，请重新进行两次录入。",
    EntryAction.DISCARD_FIRST: "第一次录入已作废，请重新进行第一次录入。",
    EntryAction.REOPEN: "已重新开放录入：原统计结果及据此确定的候选人已作废，请重新进行两次录入。",
}


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
        messages.success(request, _RESOLVED[EntryAction(form.cleaned_data["action"])])
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
        form_error(bound[which], err)
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
