"""Plan pages: campaigns, the township overview, one election's plan and stages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from huanjie.apps.accounts.selectors import can_change, require_change, visible_areas
from huanjie.apps.campaigns import forms, selectors, services
from huanjie.apps.errors import ServiceError
from huanjie.apps.places.models import Area
from huanjie.apps.preparation.selectors import risk_levels
from huanjie.apps.shortcuts import form_error
from huanjie.core import stages
from huanjie.core.rules import load_profile


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    writable = [
        (str(a.pk), a.name)
        for a in visible_areas(request.user).filter(
            level__in=[Area.Level.COUNTY, Area.Level.TOWNSHIP]
        )
        if can_change(request.user, a)
    ]
    form = forms.CampaignForm(request.POST or None, areas=writable)
    if request.method == "POST" and form.is_valid():
        area = Area.objects.get(pk=form.cleaned_data["area"])
        try:
            campaign = services.campaign_create(
                acting_user=request.user,
                area=area,
                term=form.cleaned_data["term"],
                default_profile=form.cleaned_data["default_profile"],
                default_election_day=form.cleaned_data["default_election_day"],
            )
        except ServiceError as err:
            form_error(form, err)
        else:
            messages.success(request, f"已建立{area.name}{campaign.name}")
            return redirect("campaigns:overview", campaign.pk)
    return render(
        request,
        "campaigns/campaign_list.html",
        {"campaigns": selectors.campaigns_for(request.user), "form": form if writable else None},
    )


@login_required
def overview(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_for(request.user, campaign_id)
    today = timezone.localdate()
    rows = selectors.overview(request.user, campaign, today)
    free = [
        (str(a.pk), a.name)
        for a in visible_areas(request.user)
        .filter(level=Area.Level.VILLAGE, path__startswith=campaign.area.path)
        .exclude(elections__campaign=campaign)
        if can_change(request.user, a)
    ]
    initial = {
        "election_day": campaign.default_election_day,
        "profile_id": campaign.default_profile,
    }
    choices = [("", "— 请选择 —"), *free]
    form = forms.ElectionForm(request.POST or None, areas=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        area = Area.objects.get(pk=data["area"])
        try:
            women = load_profile(data["profile_id"]).value("women_rule")
            election = services.election_create(
                acting_user=request.user,
                campaign=campaign,
                area=area,
                election_day=data["election_day"],
                members=data["members"],
                profile_id=data["profile_id"],
                posts=services.default_posts(
                    data["members"],
                    women_post=women == "separate_post",
                    vice_chairs=data["vice_chairs"],
                ),
                minority_required=data["minority_required"],
                place=data["place"],
            )
        except ServiceError as err:
            form_error(form, err)
        else:
            messages.success(request, f"已建立{election.title}")
            return redirect("campaigns:election", election.pk)
    risks = risk_levels([r.election for r in rows])
    rows_with_risk = [(r, risks.get(r.election.pk)) for r in rows]
    counts = {
        "total": len(rows),
        "high_risk": sum(1 for r in risks.values() if r.level == "high"),
        "overdue": sum(1 for r in rows if r.overdue),
        "done": sum(1 for r in rows if r.current is None),
    }
    return render(
        request,
        "campaigns/overview.html",
        {
            "campaign": campaign,
            "rows": rows_with_risk,
            "today": today,
            "form": form if free else None,
            "counts": counts,
            "stage_labels": [stages.LABELS[s] for s in stages.Stage],
        },
    )


@login_required
def election_detail(request: HttpRequest, election_id: int) -> HttpResponse:
    election = selectors.election_for(request.user, election_id)
    today = timezone.localdate()
    row = selectors.election_row(election, today)
    states = selectors.stage_states(election)
    writable = can_change(request.user, election.area)
    stage_rows = [
        {
            "status": st,
            "label": stages.LABELS[st.stage],
            "state_label": stages.STATE_LABELS[st.state],
            "actions": stages.available(states, st.stage) if writable else (),
            "blockers": services.stage_blockers(election, st.stage, stages.Action.CLOSE)
            if st.state is stages.State.OPEN
            else services.stage_blockers(election, st.stage, stages.Action.OPEN)
            if st.state is stages.State.PENDING
            else [],
            "record": selectors.stage_record(election, st.stage),
        }
        for st in row.statuses
    ]
    return render(
        request,
        "campaigns/election.html",
        {
            "election": election,
            "row": row,
            "stage_rows": stage_rows,
            "schedule": selectors.schedule_with_election_day(election),
            "posts": election.posts.all(),
            "writable": writable,
            "may_move_day": can_change(request.user, election.campaign.area),
            "profile": load_profile(election.profile_id),
            "day_form": forms.ElectionDayForm(initial={"election_day": election.election_day}),
            "today": today,
        },
    )


@login_required
@require_POST
def election_set_day(request: HttpRequest, election_id: int) -> HttpResponse:
    election = selectors.election_for(request.user, election_id, change=True)
    # Election day is set by the township (or county) that runs the campaign.
    require_change(request.user, election.campaign.area)
    form = forms.ElectionDayForm(request.POST)
    if not form.is_valid():
        messages.error(request, "选举日：请填写有效日期")
    else:
        try:
            services.election_set_day(
                acting_user=request.user,
                election=election,
                election_day=form.cleaned_data["election_day"],
            )
            messages.success(request, "选举日已更改，各项法定期限已重新计算")
        except ServiceError as err:
            messages.error(request, err.message)
    return redirect("campaigns:election", election.pk)


@login_required
@require_POST
def stage_change(request: HttpRequest, election_id: int, stage: str, action: str) -> HttpResponse:
    election = selectors.election_for(request.user, election_id, change=True)
    try:
        the_stage, the_action = stages.Stage(stage), stages.Action(action)
    except ValueError:
        messages.error(request, "未知的阶段或操作")
        return redirect("campaigns:election", election.pk)
    form = forms.StageForm(request.POST)
    reason = form.data.get("reason", "") if form.is_valid() else ""
    try:
        services.stage_change(
            acting_user=request.user,
            election=election,
            stage=the_stage,
            action=the_action,
            reason=str(reason),
        )
        done = {"open": "已开始", "close": "已完成", "reopen": "已重新开启"}[the_action.value]
        messages.success(request, f"{done}“{stages.LABELS[the_stage]}”")
    except ServiceError as err:
        messages.error(request, err.message)
    return redirect("campaigns:election", election.pk)
