"""Polling pages: the rounds with their stations and boxes, the election staff, one round
(open and close the polls, mobile boxes), the check-in desk (search or scan, Enter to issue)
and the live turnout. Every view starts with ``election_for``; writes need ``change``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from huanjie.apps.accounts.selectors import can_change
from huanjie.apps.campaigns.models import Election
from huanjie.apps.campaigns.selectors import election_for
from huanjie.apps.errors import ServiceError
from huanjie.apps.polling import forms, selectors, services
from huanjie.apps.polling.models import Box, CheckIn, MobileVisit, Round, Staff
from huanjie.apps.proxies.selectors import lookup
from huanjie.apps.roll.models import Voter
from huanjie.apps.roll.selectors import mask_id, registered
from huanjie.apps.shortcuts import form_error
from huanjie.core import rounds as core_rounds
from huanjie.core.rounds import RoundState


def _round(election: Election, number: int) -> Round:
    try:
        return selectors.get_round(election, number)
    except Round.DoesNotExist as err:
        raise Http404("没有这一轮投票") from err


def _stations(election: Election) -> list[tuple[int, str]]:
    return [(s.pk, s.name) for s in selectors.stations(election)]


def _voter(election: Election, text: str, field: str) -> Voter:
    found = lookup(election, text)
    if found.voter is None:
        raise services.PollingError(found.problem or f"选民名单上没有“{text}”", field)
    return found.voter


# --- Overview: rounds, stations, boxes ----------------------------------------------------------


@login_required
def index(request: HttpRequest, election_id: int) -> HttpResponse:
    writing = request.method == "POST"
    election = election_for(request.user, election_id, change=writing)
    station_form = forms.StationForm(request.POST if writing else None)
    if writing:
        try:
            if request.POST.get("action") == "regular":
                r = services.round_create_regular(
                    acting_user=request.user,
                    election=election,
                )
                messages.success(request, f"已安排{r}，候选人按正式候选人名单")
                return redirect("polling:round", election.pk, r.number)
            if station_form.is_valid():
                s = services.station_create(
                    acting_user=request.user,
                    election=election,
                    name=station_form.cleaned_data["name"],
                    place=station_form.cleaned_data["place"],
                )
                messages.success(request, f"已设投票站：{s.name}")
                return redirect("polling:index", election.pk)
        except ServiceError as err:
            if request.POST.get("action") == "regular":
                messages.error(request, err.message)
                return redirect("polling:index", election.pk)
            form_error(station_form, err)
    all_rounds = list(selectors.rounds(election))
    return render(
        request,
        "polling/index.html",
        {
            "election": election,
            "rows": [(r, selectors.round_figures(r)) for r in all_rounds],
            "stations": selectors.stations(election),
            "station_form": station_form,
            "may_change": can_change(request.user, election.area),
            "has_regular": any(r.kind == Round.Kind.REGULAR for r in all_rounds),
        },
        status=400 if writing else 200,
    )


# --- One round ------------------------------------------------------------------------------


@login_required
def round_page(request: HttpRequest, election_id: int, number: int) -> HttpResponse:
    writing = request.method == "POST"
    election = election_for(request.user, election_id, change=writing)
    r = _round(election, number)
    box_form = forms.BoxForm(request.POST if writing else None, stations=_stations(election))
    if writing and box_form.is_valid():
        try:
            station = selectors.stations(election).get(pk=box_form.cleaned_data["station"])
            box = services.box_create(
                acting_user=request.user,
                round=r,
                station=station,
                name=box_form.cleaned_data["name"],
                kind=box_form.cleaned_data["kind"],
            )
        except ServiceError as err:
            form_error(box_form, err)
        else:
            messages.success(request, f"已设票箱：{box.name}")
            return redirect("polling:round", election.pk, r.number)
    return _round_page(request, election, r, box_form, status=400 if writing else 200)


def _round_page(
    request: HttpRequest, election: Election, r: Round, box_form: Any, status: int = 200
) -> HttpResponse:
    least, basis = selectors.mobile_escorts_min(election)
    boxes = list(selectors.boxes(r))
    return render(
        request,
        "polling/round.html",
        {
            "election": election,
            "round": r,
            "boxes": boxes,
            "mobile": [
                {
                    "box": b,
                    "visits": list(selectors.visits(b)),
                    "problems": selectors.escort_problems(b),
                    "escorts": list(b.escorts.all()),
                }
                for b in boxes
                if b.kind == Box.Kind.MOBILE
            ],
            "mobile_staff": list(selectors.staff(election)),
            "escorts_min": least,
            "escorts_basis": basis,
            "visit_form": forms.VisitForm(),
            "box_form": box_form,
            "figures": selectors.round_figures(r),
            "actions": [a.value for a in core_rounds.available(RoundState(r.status))],
            "setting_up": RoundState(r.status) in core_rounds.SETTING_UP,
            "issuing": RoundState(r.status) in core_rounds.ISSUING,
            "may_change": can_change(request.user, election.area),
        },
        status=status,
    )


@login_required
@require_POST
def round_action(request: HttpRequest, election_id: int, number: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    r = _round(election, number)
    action = request.POST.get("action", "")
    user: Any = request.user
    try:
        if action == "open":
            services.round_open(acting_user=user, round=r)
            messages.success(request, "投票开始")
        elif action == "close":
            services.round_close(acting_user=user, round=r)
            messages.success(request, "投票结束，请开箱计票")
        else:
            raise services.PollingError("这里只能开始或结束投票")
    except ServiceError as err:
        messages.error(request, err.message)
    return redirect("polling:round", election.pk, r.number)


@login_required
@require_POST
def box_action(request: HttpRequest, election_id: int, number: int, pk: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    r = _round(election, number)
    box = Box.objects.filter(round=r, pk=pk).first()
    if box is None:
        raise Http404("没有这个票箱")
    action = request.POST.get("action", "")
    user: Any = request.user
    try:
        if action == "delete":
            services.box_delete(acting_user=user, box=box)
            messages.success(request, f"已删除票箱：{box.name}")
        elif action == "escorts":
            ids = [int(x) for x in request.POST.getlist("staff") if x.isdigit()]
            people = list(Staff.objects.filter(election=election, pk__in=ids))
            services.mobile_escorts_set(acting_user=user, box=box, staff=people)
            messages.success(request, f"已设随箱工作人员 {len(people)} 名")
        elif action == "visit":
            form = forms.VisitForm(request.POST)
            if not form.is_valid():
                raise services.PollingError("请填写选民和原因", "q")
            v = _voter(election, form.cleaned_data["q"], "q")
            services.mobile_visit_add(
                acting_user=user, box=box, voter=v, reason=form.cleaned_data["reason"]
            )
            messages.success(request, f"已将{v.name}列入上门投票名单")
        elif action == "unvisit":
            visit = MobileVisit.objects.filter(box=box, pk=request.POST.get("visit") or 0).first()
            if visit is None:
                raise services.PollingError("名单上没有这个人")
            services.mobile_visit_remove(acting_user=user, visit=visit)
            messages.success(request, "已移出上门投票名单")
        elif action == "depart":
            services.mobile_box_depart(acting_user=user, box=box)
            messages.success(request, f"流动票箱“{box.name}”已出发")
        elif action == "return":
            services.mobile_box_return(acting_user=user, box=box)
            messages.success(request, f"流动票箱“{box.name}”已返回")
        else:
            raise services.PollingError("未知操作")
    except ServiceError as err:
        messages.error(request, err.message)
    return redirect("polling:round", election.pk, r.number)


# --- Staff ----------------------------------------------------------------------------------


@login_required
def staff(request: HttpRequest, election_id: int) -> HttpResponse:
    writing = request.method == "POST"
    election = election_for(request.user, election_id, change=writing)
    form = forms.StaffForm(request.POST if writing else None, stations=_stations(election))
    if writing and request.POST.get("remove"):
        person = Staff.objects.filter(election=election, pk=request.POST["remove"]).first()
        if person is None:
            raise Http404("没有这名工作人员")
        try:
            services.staff_remove(
                acting_user=request.user,
                staff=person,
                reason=request.POST.get("reason", ""),
            )
        except ServiceError as err:
            messages.error(request, err.message)
        else:
            messages.success(request, f"已撤下：{person}")
        return redirect("polling:staff", election.pk)
    if writing and form.is_valid():
        data = form.cleaned_data
        try:
            text = data["q"].strip()
            found = lookup(election, text)
            login = None
            if data["username"]:
                login = get_user_model().objects.filter(username=data["username"]).first()
                if login is None:
                    raise services.PollingError(f"没有账号“{data['username']}”", "username")
            station = (
                selectors.stations(election).filter(pk=data["station"]).first()
                if data["station"]
                else None
            )
            if found.voter is None and found.matches:
                raise services.PollingError(found.problem, "q")
            person = services.staff_add(
                acting_user=request.user,
                election=election,
                role=data["role"],
                voter=found.voter,
                name="" if found.voter else text,
                id_number="" if found.voter else data["id_number"],
                user=login,
                station=station,
            )
        except ServiceError as err:
            form_error(form, err)
        else:
            messages.success(request, f"已确定：{person}")
            return redirect("polling:staff", election.pk)
    return render(
        request,
        "polling/staff.html",
        {
            "election": election,
            "staff": [(p, mask_id(p.id_number)) for p in selectors.staff(election)],
            "form": form,
            "may_change": can_change(request.user, election.area),
        },
        status=400 if writing else 200,
    )


# --- Check-in desk --------------------------------------------------------------------------


def _desk_box(r: Round, wanted: str) -> Box | None:
    usable = [
        b
        for b in selectors.boxes(r)
        if b.kind == Box.Kind.FIXED or (b.departed_at is not None and b.returned_at is None)
    ]
    chosen = next((b for b in usable if str(b.pk) == wanted), None)
    return chosen or (usable[0] if usable else None)


def _desk_voter(election: Election, r: Round, request: HttpRequest, q: str) -> tuple[Voter, str]:
    """Who is at the desk: the card scanned, the row chosen, or the only match of the text."""
    if q.upper().startswith("HJVC"):
        return services.voter_by_card(election, q), CheckIn.Method.CARD
    v = registered(election).filter(pk=request.POST.get("voter") or 0).first()
    if v is None:
        rows = selectors.search(r, q, limit=2)
        if len(rows) != 1:
            raise services.PollingError(
                "请从查找结果中选择选民" if rows else f"选民名单上没有“{q}”", "q", "unknown_voter"
            )
        v = registered(election).get(pk=rows[0].voter_id)
    return v, CheckIn.Method.SEARCH


def _desk_post(request: HttpRequest, election: Election, r: Round, box: Box, q: str) -> str:
    """Issue what the desk asked for; the message to show."""
    user: Any = request.user
    ids = [int(x) for x in request.POST.getlist("principals") if x.isdigit()]
    principals = list(registered(election).filter(pk__in=ids))
    holder_id = request.POST.get("proxy_holder") or ""
    if holder_id.isdigit():
        holder = registered(election).filter(pk=holder_id).first()
        if holder is None:
            raise services.PollingError("选民名单上没有此人", "q", "unknown_voter")
        services.proxy_ballots_issue(
            acting_user=user, round=r, holder=holder, principals=principals
        )
        return f"已为{holder.name}发出委托人{'、'.join(p.name for p in principals)}的选票"
    writer_id = request.POST.get("writer") or ""
    writer = (
        Staff.objects.filter(election=election, pk=writer_id).first()
        if writer_id.isdigit()
        else None
    )
    v, method = _desk_voter(election, r, request, q)
    c = services.ballot_issue(
        acting_user=user,
        round=r,
        voter=v,
        box=box,
        method=method,
        principals=principals,
        writer=writer,
    )
    count = c.issues.count()
    extra = f"（含委托 {count - 1} 张）" if count > 1 else ""
    written = f"，{writer.name}代写" if writer else ""
    return f"已发票：{v.name} {count} 张{extra}，{box.station.name}{box.name}{written}"


@login_required
def checkin(request: HttpRequest, election_id: int, number: int) -> HttpResponse:
    writing = request.method == "POST"
    election = election_for(request.user, election_id, change=writing)
    r = _round(election, number)
    box = _desk_box(r, request.POST.get("box") or request.GET.get("box") or "")
    q = (request.POST.get("q") or request.GET.get("q") or "").strip()
    error = ""
    if writing:
        try:
            if box is None:
                raise services.PollingError("本轮没有可用的票箱", "box")
            note = _desk_post(request, election, r, box, q)
        except ServiceError as err:
            error = err.message
        else:
            messages.success(request, note)
            return redirect(
                f"{reverse('polling:checkin', args=[election.pk, r.number])}?box={box.pk}"
            )
    rows = selectors.search(r, q) if q and not q.upper().startswith("HJVC") else []
    return render(
        request,
        "polling/checkin.html",
        {
            "election": election,
            "round": r,
            "box": box,
            "boxes": [b for b in selectors.boxes(r) if b.kind == Box.Kind.FIXED or b.departed_at],
            "q": q,
            "rows": rows,
            "error": error,
            "writers": list(selectors.staff(election).filter(role=Staff.Role.WRITER)),
            "issuing": RoundState(r.status) in core_rounds.ISSUING,
            "figures": selectors.round_figures(r),
            "recent": selectors.recent_checkins(r, 8),
        },
        status=400 if error else 200,
    )


def _row_json(row: selectors.VoterRow) -> dict[str, Any]:
    return {
        "voter_id": row.voter_id,
        "name": row.name,
        "group": row.group,
        "masked_id": row.masked_id,
        "status": row.status,
        "may_issue": row.may_issue,
        "checked_in": row.checked_in,
        "principals": [
            {"voter_id": p.voter_id, "name": p.name, "serial": p.serial, "status": p.status}
            for p in row.principals
        ],
    }


@login_required
@require_GET
def search_json(request: HttpRequest, election_id: int, number: int) -> JsonResponse:
    election = election_for(request.user, election_id)
    r = _round(election, number)
    rows = selectors.search(r, request.GET.get("q", ""))
    return JsonResponse({"results": [_row_json(x) for x in rows]})


# --- Turnout --------------------------------------------------------------------------------


def _turnout_context(election: Election, r: Round) -> dict[str, Any]:
    figures = selectors.round_figures(r)
    return {
        "election": election,
        "round": r,
        "figures": figures,
        "stations": selectors.station_figures(figures),
        "percent": (100 * figures.voters // figures.electorate) if figures.electorate else 0,
        "needed_percent": (
            (100 * figures.quorum_needed // figures.electorate) if figures.electorate else 0
        ),
    }


@login_required
@require_GET
def turnout(request: HttpRequest, election_id: int, number: int) -> HttpResponse:
    election = election_for(request.user, election_id)
    r = _round(election, number)
    template = "polling/_turnout.html" if request.GET.get("fragment") else "polling/turnout.html"
    return render(request, template, _turnout_context(election, r))
