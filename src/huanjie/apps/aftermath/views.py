"""Pages of 选后工作: overview, handover (移交清单, PDF), villager representatives and group
leaders, the supervision committee, recalls, by-elections and the archive package."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from huanjie.apps.accounts.selectors import can_change
from huanjie.apps.aftermath import archive, documents, forms, selectors, services, tasks
from huanjie.apps.aftermath.models import (
    ArchivePackage,
    ByElection,
    GroupLeader,
    HandoverItem,
    RecallPetition,
    Representative,
    Route,
    Supervisor,
)
from huanjie.apps.campaigns.models import Election
from huanjie.apps.campaigns.selectors import election_for
from huanjie.apps.errors import ServiceError
from huanjie.apps.shortcuts import form_error, pdf_response
from huanjie.core import aftermath as core
from huanjie.core.entry import STATE_LABELS, EntryState


def _ctx(request: HttpRequest, election: Election, section: str, **extra: Any) -> dict[str, Any]:
    return {
        "election": election,
        "section": section,
        "writable": can_change(request.user, election.area),
        **extra,
    }


def _attempt(form: django_forms.Form, call: Callable[[dict[str, Any]], object]) -> object | None:
    """Validate the form and call the service; a refusal goes beside its field."""
    if not form.is_valid():
        return None
    try:
        return call(form.cleaned_data)
    except ServiceError as err:
        form_error(form, err)
        return None


# --------------------------------------------------------------------------- overview


@login_required
@require_GET
def index(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id)
    committee = selectors.current_committee(election)
    check = selectors.handover_check(election)
    reps = selectors.representatives_check(election)
    return render(
        request,
        "aftermath/index.html",
        _ctx(
            request,
            election,
            "index",
            committee=committee,
            new_committee=selectors.new_committee(election),
            handover=check,
            blockers=selectors.blockers(election),
            reps=reps,
            leaders=selectors.group_leaders(election).count(),
            supervisors=selectors.supervisors(election).count(),
            supervision_errors=selectors.errors(selectors.supervision_findings(election)),
            recalls=selectors.recalls(election),
            by_elections=selectors.by_elections(election),
            vacancies=selectors.vacancies(election),
            package=selectors.latest_package(election),
        ),
    )


# --------------------------------------------------------------------------- handover


def _handover_page(
    request: HttpRequest,
    election: Election,
    *,
    start_form: forms.StartForm | None = None,
    date_form: forms.DateForm | None = None,
    item_form: forms.ItemForm | None = None,
    sign_forms: dict[int, forms.SignForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    h = selectors.handover(election)
    check = selectors.handover_check(election)
    default, basis = selectors.constituted_default(election)
    items = list(selectors.handover_items(election))
    states = {s.key: s for s in check.items} if check else {}
    sign_forms = sign_forms or {}
    rows = [
        {
            "item": i,
            "status": states.get(str(i.pk)),
            "form": sign_forms.get(i.pk) or forms.SignForm(prefix=f"item{i.pk}"),
        }
        for i in items
    ]
    rule = selectors.handover_rule(election)
    return render(
        request,
        "aftermath/handover.html",
        _ctx(
            request,
            election,
            "handover",
            handover=h,
            check=check,
            # unsigned items show in the table and in the stage's blocker line
            shown=[r for r in check.reasons if r.code != "handover_item_unsigned"] if check else [],
            rows=rows,
            rule=rule,
            default=default,
            default_basis=basis,
            has_committee=bool(selectors.new_committee(election)),
            start_form=start_form or forms.StartForm(initial={"constituted_on": default}),
            date_form=date_form
            or forms.DateForm(initial={"constituted_on": h.constituted_on if h else None}),
            item_form=item_form or forms.ItemForm(),
            reason_form=forms.ReasonForm(),
            blockers=selectors.blockers(election),
        ),
        status=status,
    )


@login_required
def handover(request: HttpRequest, election_id: int) -> HttpResponse:
    writing = request.method == "POST"
    election = election_for(request.user, election_id, change=writing)
    if not writing:
        return _handover_page(request, election)
    form = forms.StartForm(request.POST)
    done = _attempt(
        form,
        lambda d: services.handover_start(
            acting_user=request.user,
            election=election,
            constituted_on=d["constituted_on"],
            basis=d["basis"],
        ),
    )
    if done is None:
        return _handover_page(request, election, start_form=form, status=400)
    messages.success(request, "已建立移交清单")
    return redirect("aftermath:handover", election.pk)


@login_required
@require_POST
def handover_date(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    form = forms.DateForm(request.POST)
    done = _attempt(
        form,
        lambda d: services.handover_set_date(
            acting_user=request.user,
            election=election,
            constituted_on=d["constituted_on"],
            basis=d["basis"],
        ),
    )
    if done is None:
        return _handover_page(request, election, date_form=form, status=400)
    messages.success(request, "已更正新一届村民委员会产生日期")
    return redirect("aftermath:handover", election.pk)


@login_required
@require_POST
def handover_item_add(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    form = forms.ItemForm(request.POST)
    done = _attempt(
        form,
        lambda d: services.handover_item_add(
            acting_user=request.user, election=election, label=d["label"], detail=d["detail"]
        ),
    )
    if done is None:
        return _handover_page(request, election, item_form=form, status=400)
    messages.success(request, "已加入移交清单")
    return redirect("aftermath:handover", election.pk)


def _item(election: Election, pk: int) -> HandoverItem:
    return get_object_or_404(HandoverItem, pk=pk, handover__election=election)


@login_required
@require_POST
def handover_item_sign(request: HttpRequest, election_id: int, pk: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    item = _item(election, pk)
    form = forms.SignForm(request.POST, prefix=f"item{pk}")
    done = _attempt(
        form,
        lambda d: services.handover_item_sign(
            acting_user=request.user,
            item=item,
            outgoing_name=d["outgoing_name"],
            incoming_name=d["incoming_name"],
            supervisor_name=d["supervisor_name"],
            signed_at=d["signed_at"],
            note=d["note"],
        ),
    )
    if done is None:
        return _handover_page(request, election, sign_forms={pk: form}, status=400)
    messages.success(request, f"“{item.label}”已签字确认")
    return redirect("aftermath:handover", election.pk)


def _with_reason(
    request: HttpRequest, call: Callable[[str], object], ok: str, back: str, *args: int
) -> HttpResponse:
    form = forms.ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "理由：请填写")
    else:
        try:
            call(form.cleaned_data["reason"])
        except ServiceError as err:
            messages.error(request, err.message)
        else:
            messages.success(request, ok)
    return redirect(back, *args)


@login_required
@require_POST
def handover_item_unsign(request: HttpRequest, election_id: int, pk: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    item = _item(election, pk)
    return _with_reason(
        request,
        lambda reason: services.handover_item_unsign(
            acting_user=request.user, item=item, reason=reason
        ),
        f"已撤销“{item.label}”的签字确认",
        "aftermath:handover",
        election.pk,
    )


@login_required
@require_POST
def handover_item_remove(request: HttpRequest, election_id: int, pk: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    item = _item(election, pk)
    return _with_reason(
        request,
        lambda reason: services.handover_item_remove(
            acting_user=request.user, item=item, reason=reason
        ),
        f"已删除“{item.label}”",
        "aftermath:handover",
        election.pk,
    )


@login_required
@require_GET
def handover_pdf(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id)
    try:
        data = documents.handover_pdf(election)
    except ServiceError as err:
        messages.error(request, err.message)
        return redirect("aftermath:handover", election.pk)
    return pdf_response(data, "handover-list.pdf")


# --------------------------------------------------------------------------- representatives


def _groups(election: Election) -> list[tuple[int, str]]:
    return [(g.pk, g.name) for g in selectors.groups(election)]


def _reps_page(
    request: HttpRequest,
    election: Election,
    *,
    assembly_form: forms.AssemblyForm | None = None,
    rep_form: forms.RepresentativeForm | None = None,
    leader_form: forms.LeaderForm | None = None,
    status: int = 200,
) -> HttpResponse:
    view = selectors.representatives_check(election)
    settings = selectors.assembly_settings(election)
    leaders = [
        {"leader": leader, "findings": selectors.leader_findings(leader)}
        for leader in selectors.group_leaders(election)
    ]
    today = timezone.localdate()
    return render(
        request,
        "aftermath/representatives.html",
        _ctx(
            request,
            election,
            "representatives",
            view=view,
            check=view.check,
            reps=selectors.representatives(election),
            leaders=leaders,
            term_years=_term(election),
            assembly_form=assembly_form
            or forms.AssemblyForm(
                initial={
                    "mode": settings.mode,
                    "households": settings.households,
                    "committee_members": settings.committee_members,
                }
            ),
            rep_form=rep_form or forms.RepresentativeForm(initial={"chosen_on": today}),
            leader_form=leader_form
            or forms.LeaderForm(groups=_groups(election), initial={"chosen_on": today}),
            reason_form=forms.ReasonForm(),
        ),
        status=status,
    )


def _term(election: Election) -> int:
    from huanjie.core.rules import load_profile  # noqa: PLC0415

    return int(load_profile(election.profile_id).value("term_years"))


@login_required
def representatives(request: HttpRequest, election_id: int) -> HttpResponse:
    writing = request.method == "POST"
    election = election_for(request.user, election_id, change=writing)
    if not writing:
        return _reps_page(request, election)
    form = forms.RepresentativeForm(request.POST)
    done = _attempt(
        form,
        lambda d: services.representative_add(
            acting_user=request.user,
            election=election,
            person=d["person"],
            chosen_on=d["chosen_on"],
            households=d["households"],
            note=d["note"],
        ),
    )
    if done is None:
        return _reps_page(request, election, rep_form=form, status=400)
    messages.success(request, "已登记村民代表")
    return redirect("aftermath:representatives", election.pk)


@login_required
@require_POST
def assembly(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    form = forms.AssemblyForm(request.POST)
    done = _attempt(
        form,
        lambda d: services.assembly_configure(
            acting_user=request.user,
            election=election,
            mode=d["mode"],
            households=d["households"],
            committee_members=d["committee_members"],
        ),
    )
    if done is None:
        return _reps_page(request, election, assembly_form=form, status=400)
    messages.success(request, "已保存村民代表会议设置")
    return redirect("aftermath:representatives", election.pk)


@login_required
@require_POST
def representative_remove(request: HttpRequest, election_id: int, pk: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    rep = get_object_or_404(Representative, pk=pk, election=election)
    return _with_reason(
        request,
        lambda reason: services.representative_remove(
            acting_user=request.user, representative=rep, reason=reason
        ),
        f"已撤销村民代表{rep.voter.name}",
        "aftermath:representatives",
        election.pk,
    )


@login_required
@require_POST
def leader_add(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    form = forms.LeaderForm(request.POST, groups=_groups(election))
    done = _attempt(
        form,
        lambda d: services.group_leader_set(
            acting_user=request.user,
            election=election,
            group_id=int(d["group"]),
            person=d["person"],
            by_households=d["by_households"],
            eligible=d["eligible"],
            present=d["present"],
            votes=d["votes"],
            chosen_on=d["chosen_on"],
            note=d["note"],
        ),
    )
    if done is None:
        return _reps_page(request, election, leader_form=form, status=400)
    messages.success(request, "已登记村民小组长")
    return redirect("aftermath:representatives", election.pk)


@login_required
@require_POST
def leader_remove(request: HttpRequest, election_id: int, pk: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    leader = get_object_or_404(GroupLeader, pk=pk, election=election)
    return _with_reason(
        request,
        lambda reason: services.group_leader_remove(
            acting_user=request.user, leader=leader, reason=reason
        ),
        f"已撤销{leader.group.name}组长{leader.voter.name}",
        "aftermath:representatives",
        election.pk,
    )


# --------------------------------------------------------------------------- supervision


def _supervision_page(
    request: HttpRequest,
    election: Election,
    form: forms.SupervisorForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "aftermath/supervision.html",
        _ctx(
            request,
            election,
            "supervision",
            supervisors=selectors.supervisors(election),
            findings=selectors.supervision_findings(election),
            committee=selectors.current_committee(election),
            form=form or forms.SupervisorForm(initial={"chosen_on": timezone.localdate()}),
            reason_form=forms.ReasonForm(),
        ),
        status=status,
    )


@login_required
def supervision(request: HttpRequest, election_id: int) -> HttpResponse:
    writing = request.method == "POST"
    election = election_for(request.user, election_id, change=writing)
    if not writing:
        return _supervision_page(request, election)
    form = forms.SupervisorForm(request.POST)
    done = _attempt(
        form,
        lambda d: services.supervisor_add(
            acting_user=request.user,
            election=election,
            person=d["person"],
            role=d["role"],
            finance=d["finance"],
            chosen_by=d["chosen_by"],
            chosen_on=d["chosen_on"],
            note=d["note"],
        ),
    )
    if done is None:
        return _supervision_page(request, election, form, status=400)
    messages.success(request, "已登记村务监督委员会成员")
    return redirect("aftermath:supervision", election.pk)


@login_required
@require_POST
def supervisor_remove(request: HttpRequest, election_id: int, pk: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    s = get_object_or_404(Supervisor, pk=pk, election=election)
    return _with_reason(
        request,
        lambda reason: services.supervisor_remove(
            acting_user=request.user, supervisor=s, reason=reason
        ),
        f"已撤销{s.voter.name}",
        "aftermath:supervision",
        election.pk,
    )


# --------------------------------------------------------------------------- recall


def _members(election: Election) -> list[tuple[str, str]]:
    return [
        (m.name if not m.voter_id else str(m.voter_id), f"{m.name}（{m.post_name}）")
        for m in selectors.current_committee(election)
    ]


def _recalls_page(
    request: HttpRequest,
    election: Election,
    form: forms.RecallForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "aftermath/recalls.html",
        _ctx(
            request,
            election,
            "recalls",
            recalls=selectors.recalls(election),
            electorate=selectors.electorate(election),
            form=form
            or forms.RecallForm(
                members=_members(election),
                initial={"filed_on": timezone.localdate(), "route": Route.VOTERS},
            ),
        ),
        status=status,
    )


@login_required
def recalls(request: HttpRequest, election_id: int) -> HttpResponse:
    writing = request.method == "POST"
    election = election_for(request.user, election_id, change=writing)
    if not writing:
        return _recalls_page(request, election)
    form = forms.RecallForm(request.POST, members=_members(election))
    done = _attempt(
        form,
        lambda d: services.recall_file(
            acting_user=request.user,
            election=election,
            member=d["member"],
            route=d["route"],
            signatures=d["signatures"],
            representatives_total=d["representatives_total"],
            grounds=d["grounds"],
            filed_on=d["filed_on"],
        ),
    )
    if not isinstance(done, RecallPetition):
        return _recalls_page(request, election, form, status=400)
    messages.success(request, done.get_status_display())
    return redirect("aftermath:recall", election.pk, done.pk)


def _sheet_context(row: Any, user: Any, labels: dict[str, str]) -> dict[str, Any]:
    """Where a vote sheet stands. The entries' numbers are shown only once both are in (a
    second clerk types without seeing the first entry, ``core.entry``)."""
    state = EntryState(row.state)
    both = state in (EntryState.ENTRIES_DIFFERENT, EntryState.DEFINITIVE)
    first, second = row.first_counts or {}, row.second_counts or {}
    keys = list(labels) + sorted(set(first) | set(second) - set(labels))
    return {
        "state_label": STATE_LABELS[state],
        "accepting": state in (EntryState.FIRST_ENTRY, EntryState.SECOND_ENTRY),
        "entered_first": state is EntryState.SECOND_ENTRY and row.first_clerk_id == user.pk,
        "resolvable": state
        in (EntryState.ENTRIES_DIFFERENT, EntryState.SECOND_ENTRY, EntryState.DEFINITIVE),
        "comparison": [
            (
                labels.get(k, k),
                first.get(k, 0),
                second.get(k, 0),
                first.get(k, 0) != second.get(k, 0),
            )
            for k in keys
        ]
        if both
        else [],
    }


def _recall_page(
    request: HttpRequest,
    election: Election,
    p: RecallPetition,
    *,
    reply_form: forms.ReplyForm | None = None,
    vote_form: forms.RecallVoteForm | None = None,
    resolve_form: forms.ResolveForm | None = None,
    sheet_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "aftermath/recall.html",
        _ctx(
            request,
            election,
            "recalls",
            p=p,
            keys=[(k, core.RECALL_LABELS[k]) for k in core.RECALL_KEYS],
            reply_form=reply_form
            or forms.ReplyForm(
                initial={"reply": p.reply, "reply_on": p.reply_on or timezone.localdate()}
            ),
            vote_form=vote_form or forms.RecallVoteForm(initial={"vote_on": p.vote_on}),
            resolve_form=resolve_form or forms.ResolveForm(),
            sheet_errors=sheet_errors or [],
            **_sheet_context(p, request.user, dict(core.RECALL_LABELS)),
        ),
        status=status,
    )


def _recall(election: Election, pk: int) -> RecallPetition:
    return get_object_or_404(RecallPetition, pk=pk, election=election)


@login_required
@require_GET
def recall(request: HttpRequest, election_id: int, pk: int) -> HttpResponse:
    election = election_for(request.user, election_id)
    return _recall_page(request, election, _recall(election, pk))


@login_required
@require_POST
def recall_reply(request: HttpRequest, election_id: int, pk: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    p = _recall(election, pk)
    form = forms.ReplyForm(request.POST)
    done = _attempt(
        form,
        lambda d: services.recall_reply(
            acting_user=request.user, petition=p, reply=d["reply"], reply_on=d["reply_on"]
        ),
    )
    if done is None:
        return _recall_page(request, election, p, reply_form=form, status=400)
    messages.success(request, "已记录申辩意见")
    return redirect("aftermath:recall", election.pk, p.pk)


def _findings(err: ServiceError) -> list[str]:
    found = getattr(err, "findings", ())
    return [f.message for f in found] or [err.message]


@login_required
@require_POST
def recall_vote(request: HttpRequest, election_id: int, pk: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    p = _recall(election, pk)
    form = forms.RecallVoteForm(request.POST)
    if not form.is_valid():
        return _recall_page(request, election, p, vote_form=form, status=400)
    d = form.cleaned_data
    try:
        p = services.recall_vote_submit(
            acting_user=request.user,
            petition=p,
            counts={k: d[k] for k in core.RECALL_KEYS},
            vote_on=d["vote_on"],
            acknowledged=d["acknowledged"],
        )
    except ServiceError as err:
        if err.field in form.fields:
            form_error(form, err)
        return _recall_page(
            request, election, p, vote_form=form, sheet_errors=_findings(err), status=400
        )
    messages.success(request, f"已录入（{STATE_LABELS[EntryState(p.state)]}）")
    return redirect("aftermath:recall", election.pk, p.pk)


@login_required
@require_POST
def recall_resolve(request: HttpRequest, election_id: int, pk: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    p = _recall(election, pk)
    form = forms.ResolveForm(request.POST)
    done = _attempt(
        form,
        lambda d: services.recall_vote_resolve(
            acting_user=request.user, petition=p, action=d["action"], reason=d["reason"]
        ),
    )
    if done is None:
        return _recall_page(request, election, p, resolve_form=form, status=400)
    messages.success(request, "已处理")
    return redirect("aftermath:recall", election.pk, p.pk)


# --------------------------------------------------------------------------- by-election


def _posts(election: Election) -> list[tuple[str, str]]:
    return [(p.kind, p.get_kind_display()) for p in election.posts.all()]


def _by_elections_page(
    request: HttpRequest,
    election: Election,
    form: forms.ByElectionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "aftermath/by_elections.html",
        _ctx(
            request,
            election,
            "by_elections",
            rows=selectors.by_elections(election),
            vacancies=selectors.vacancies(election),
            form=form
            or forms.ByElectionForm(
                posts=_posts(election), initial={"held_on": timezone.localdate()}
            ),
        ),
        status=status,
    )


@login_required
def by_elections(request: HttpRequest, election_id: int) -> HttpResponse:
    writing = request.method == "POST"
    election = election_for(request.user, election_id, change=writing)
    if not writing:
        return _by_elections_page(request, election)
    form = forms.ByElectionForm(request.POST, posts=_posts(election))
    done = _attempt(
        form,
        lambda d: services.by_election_create(
            acting_user=request.user,
            election=election,
            post_kind=d["post_kind"],
            seats=d["seats"],
            vacancy=d["vacancy"],
            body=d["body"],
            members=d["members"],
            held_on=d["held_on"],
            candidates=d["candidates"].splitlines(),
        ),
    )
    if not isinstance(done, ByElection):
        return _by_elections_page(request, election, form, status=400)
    messages.success(request, "已登记补选")
    return redirect("aftermath:by_election", election.pk, done.pk)


def _by_election(election: Election, pk: int) -> ByElection:
    return get_object_or_404(ByElection, pk=pk, election=election)


def _by_election_page(
    request: HttpRequest,
    election: Election,
    b: ByElection,
    *,
    vote_form: forms.ByElectionVoteForm | None = None,
    resolve_form: forms.ResolveForm | None = None,
    sheet_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    names = [c["name"] for c in b.candidates]
    return render(
        request,
        "aftermath/by_election.html",
        _ctx(
            request,
            election,
            "by_elections",
            b=b,
            names=names,
            vote_form=vote_form or forms.ByElectionVoteForm(candidates=names),
            resolve_form=resolve_form or forms.ResolveForm(),
            sheet_errors=sheet_errors or [],
            **_sheet_context(
                b,
                request.user,
                {
                    core.PARTICIPANTS: "参加投票人数",
                    core.INVALID: "无效票",
                    **{core.votes_key(n): f"{n} 得票" for n in names},
                },
            ),
        ),
        status=status,
    )


@login_required
@require_GET
def by_election(request: HttpRequest, election_id: int, pk: int) -> HttpResponse:
    election = election_for(request.user, election_id)
    return _by_election_page(request, election, _by_election(election, pk))


@login_required
@require_POST
def by_election_vote(request: HttpRequest, election_id: int, pk: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    b = _by_election(election, pk)
    names = [c["name"] for c in b.candidates]
    form = forms.ByElectionVoteForm(request.POST, candidates=names)
    if not form.is_valid():
        return _by_election_page(request, election, b, vote_form=form, status=400)
    d = form.cleaned_data
    counts = {k: v for k, v in d.items() if k != "acknowledged"}
    try:
        b = services.by_election_submit(
            acting_user=request.user, by_election=b, counts=counts, acknowledged=d["acknowledged"]
        )
    except ServiceError as err:
        return _by_election_page(
            request, election, b, vote_form=form, sheet_errors=_findings(err), status=400
        )
    messages.success(request, f"已录入（{STATE_LABELS[EntryState(b.state)]}）")
    return redirect("aftermath:by_election", election.pk, b.pk)


@login_required
@require_POST
def by_election_resolve(request: HttpRequest, election_id: int, pk: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    b = _by_election(election, pk)
    form = forms.ResolveForm(request.POST)
    done = _attempt(
        form,
        lambda d: services.by_election_resolve(
            acting_user=request.user, by_election=b, action=d["action"], reason=d["reason"]
        ),
    )
    if done is None:
        return _by_election_page(request, election, b, resolve_form=form, status=400)
    messages.success(request, "已处理")
    return redirect("aftermath:by_election", election.pk, b.pk)


# --------------------------------------------------------------------------- archive


def _archive_page(
    request: HttpRequest,
    election: Election,
    *,
    form: forms.VerifyForm | None = None,
    verified: list[Any] | None = None,
    verified_name: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "aftermath/archive.html",
        _ctx(
            request,
            election,
            "archive",
            packages=selectors.packages(election)[:10],
            running=selectors.running_package(election),
            form=form or forms.VerifyForm(),
            verified=verified,
            verified_name=verified_name,
            sources=archive.SOURCES,
        ),
        status=status,
    )


@login_required
def archive_page(request: HttpRequest, election_id: int) -> HttpResponse:
    writing = request.method == "POST"
    election = election_for(request.user, election_id, change=writing)
    if not writing:
        return _archive_page(request, election)
    try:
        pkg = services.archive_start(acting_user=request.user, election=election)
    except ServiceError as err:
        messages.error(request, err.message)
    else:
        tasks.build_archive.enqueue(pkg.pk)
        messages.success(request, "已开始生成选举档案包，完成后可在下方下载")
    return redirect("aftermath:archive", election.pk)


def _package(election: Election, pk: int) -> ArchivePackage:
    return get_object_or_404(ArchivePackage, pk=pk, election=election)


@login_required
@require_GET
def archive_download(request: HttpRequest, election_id: int, pk: int) -> FileResponse:
    election = election_for(request.user, election_id, change=True)
    pkg = _package(election, pk)
    path = archive.package_file(pkg)
    if path is None:
        raise Http404("档案包尚未生成")
    return FileResponse(
        path.open("rb"),
        content_type="application/zip",
        as_attachment=True,
        filename=f"{election.area.name}-选举档案-{pkg.pk}.zip",
    )


@login_required
@require_GET
def archive_check(request: HttpRequest, election_id: int, pk: int) -> HttpResponse:
    election = election_for(request.user, election_id)
    pkg = _package(election, pk)
    path = archive.package_file(pkg)
    if path is None:
        raise Http404("档案包尚未生成")
    found = archive.verify(path.read_bytes(), pkg)
    return _archive_page(
        request, election, verified=found, verified_name=f"档案包 {pkg.pk}（已存档）"
    )


@login_required
@require_POST
def archive_verify(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id)
    form = forms.VerifyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _archive_page(request, election, form=form, status=400)
    upload = form.cleaned_data["package"]
    found = archive.verify_upload(election, upload.read())
    return _archive_page(request, election, verified=found, verified_name=upload.name)
