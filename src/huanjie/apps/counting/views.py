"""计票 pages: the rounds to count, one round (method, boxes, reconciliation, completeness,
confirmation, screen links), one box (reconciliation, passes, differences for the 总监票人,
doubtful ballots, totals sheet), the keyboard page of one pass, and the public screen (大屏)
behind login or behind a read-only link."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from huanjie.apps.accounts.selectors import can_change
from huanjie.apps.campaigns.models import Election
from huanjie.apps.campaigns.selectors import election_for
from huanjie.apps.counting import selectors, services
from huanjie.apps.counting.models import RoundCount, ScreenLink, Sheet
from huanjie.apps.errors import ServiceError
from huanjie.apps.polling import selectors as polling
from huanjie.apps.polling.models import Box, Round
from huanjie.core.count import entry_ballots as eb
from huanjie.core.entry import ACTION_LABELS, STATE_LABELS, EntryAction, EntryState
from huanjie.core.rounds import RoundState


def _round(election: Election, number: int) -> Round:
    r = Round.objects.select_related("election").filter(election=election, number=number).first()
    if r is None:
        raise Http404
    return r


def _box(r: Round, box_id: int) -> Box:
    box = (
        Box.objects.select_related("round", "round__election", "station")
        .filter(pk=box_id, round=r)
        .first()
    )
    if box is None:
        raise Http404
    return box


def _who(user: Any) -> str:
    if user is None:
        return "（已删除的用户）"
    return str(user.first_name or user.username)


@login_required
@require_GET
def index(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id)
    rows = []
    for r in polling.rounds(election):
        rc = selectors.round_count_row(r)
        complete, problems = selectors.count_complete(r)
        rows.append({"round": r, "count": rc, "complete": complete, "problems": problems[:3]})
    return render(
        request,
        "counting/index.html",
        {"election": election, "rows": rows, "writable": can_change(request.user, election.area)},
    )


@login_required
def round_page(request: HttpRequest, election_id: int, number: int) -> HttpResponse:
    writing = request.method == "POST"
    election = election_for(request.user, election_id, change=writing)
    r = _round(election, number)
    if writing:
        what = request.POST.get("what", "")
        try:
            if what == "start":
                services.count_start(
                    acting_user=request.user,  # type: ignore[arg-type]
                    round=r,
                    method=request.POST.get("method", ""),
                )
                messages.success(request, "已开始计票")
            elif what == "confirm":
                services.count_confirm(acting_user=request.user, round=r)  # type: ignore[arg-type]
                messages.success(request, "已确认计票完成，可在“选举结果”中确定结果")
            elif what == "screen_link":
                services.screen_link_create(acting_user=request.user, round=r)  # type: ignore[arg-type]
                messages.success(request, "已生成大屏链接")
            elif what == "revoke":
                link = ScreenLink.objects.filter(
                    pk=int(request.POST.get("link", "0") or 0), round=r
                ).first()
                if link is None:
                    raise Http404
                services.screen_link_revoke(acting_user=request.user, link=link)  # type: ignore[arg-type]
                messages.success(request, "已收回大屏链接")
            else:
                raise Http404
        except ServiceError as err:
            messages.error(request, err.message)
        return redirect("counting:round", election.pk, r.number)
    rc = selectors.round_count_row(r)
    complete, problems = selectors.count_complete(r)
    user = request.user
    return render(
        request,
        "counting/round.html",
        {
            "election": election,
            "r": r,
            "rc": rc,
            "closed": r.status == RoundState.CLOSED,
            "writable": can_change(user, election.area),
            "is_chief": polling.is_chief_scrutineer(election, user),
            "boxes": selectors.overview(r),
            "reconciliation": selectors.round_reconciliation(r),
            "complete": complete,
            "problems": problems,
            "methods": RoundCount.Method.choices,
            "links": [
                {
                    "link": link,
                    "url": request.build_absolute_uri(
                        f"/elections/{election.pk}/counting/screen/{link.token}/"
                    ),
                }
                for link in selectors.screen_links(r)
            ],
        },
    )


def _sheet_rows(s: Sheet | None, label: Callable[[str], str]) -> list[dict[str, Any]]:
    """Both entries of a sheet side by side, once they may be seen (differing or definitive)."""
    if s is None or s.state in (EntryState.FIRST_ENTRY.value, EntryState.SECOND_ENTRY.value):
        return []
    a, b = s.first_counts or {}, s.second_counts or {}
    keys = sorted(set(a) | set(b))
    return [
        {
            "key": label(k),
            "first": a.get(k, 0),
            "second": b.get(k, 0),
            "differs": a.get(k, 0) != b.get(k, 0),
        }
        for k in keys
    ]


def _total_label(key: str) -> str:
    kind, post, name = eb.split_total_key(key)
    if key == eb.INVALID:
        return "无效票"
    return f"{post}：{name}" + ("（另选）" if kind == "write_in" else "")


@login_required
def box_page(request: HttpRequest, election_id: int, number: int, box_id: int) -> HttpResponse:
    writing = request.method == "POST"
    election = election_for(request.user, election_id, change=writing)
    r = _round(election, number)
    box = _box(r, box_id)
    lay = selectors.layout(r)
    form_errors: list[str] = []
    if writing:
        what = request.POST.get("what", "")
        post = request.POST
        user: Any = request.user
        try:
            if what == "reconcile":
                raw = post.get("collected", "").strip()
                if not raw.isdigit():
                    raise services.CountingError("收回选票数：请填写不小于 0 的整数", "collected")
                services.box_reconcile(
                    acting_user=user,
                    box=box,
                    collected=int(raw),
                    acknowledged=post.get("acknowledged") == "on",
                )
            elif what == "reconcile_resolve":
                services.reconcile_resolve(
                    acting_user=user,
                    box=box,
                    action=post.get("action", ""),
                    reason=post.get("reason", ""),
                )
            elif what == "settle":
                choice = post.get("choice", "")
                services.ballot_settle(
                    acting_user=user,
                    box=box,
                    position=int(post.get("position", "0") or 0),
                    choice=choice,
                    keys=[post.get(f"k{i}", "") for i in range(len(lay.posts))]
                    if choice == "as_read"
                    else None,
                    reason=post.get("reason", ""),
                )
            elif what == "doubtful":
                services.doubtful_decide(
                    acting_user=user,
                    box=box,
                    position=int(post.get("position", "0") or 0),
                    decision=post.get("decision", ""),
                    deciders=post.get("deciders", ""),
                    reason=post.get("reason", ""),
                )
            elif what == "discard":
                services.pass_discard(
                    acting_user=user,
                    box=box,
                    pass_no=int(post.get("pass_no", "0") or 0),
                    reason=post.get("reason", ""),
                )
            elif what == "reopen":
                services.box_reopen(acting_user=user, box=box, reason=post.get("reason", ""))
            elif what == "totals":
                counts = _totals_form(post, lay)
                services.totals_submit(
                    acting_user=user,
                    box=box,
                    counts=counts,
                    acknowledged=post.get("acknowledged") == "on",
                )
            elif what == "totals_resolve":
                services.totals_resolve(
                    acting_user=user,
                    box=box,
                    action=post.get("action", ""),
                    reason=post.get("reason", ""),
                )
            else:
                raise Http404
        except services.CountingError as err:
            form_errors.append(err.message)
        except ServiceError as err:
            form_errors.append(err.message)
        else:
            messages.success(request, "已保存")
            return redirect("counting:box", election.pk, r.number, box.pk)
    return render(
        request, "counting/box.html", _box_context(request, election, r, box, lay, form_errors)
    )


def _totals_form(post: Any, lay: eb.Layout) -> dict[str, object]:
    counts: dict[str, object] = {}

    def number(field: str, label: str) -> int:
        raw = (post.get(field) or "").strip()
        if not raw:
            return 0
        if not raw.isdigit():
            raise services.CountingError(f"{label}：请填写不小于 0 的整数", field)
        return int(raw)

    counts[eb.INVALID] = number("invalid", "无效票")
    for i, p in enumerate(lay.posts):
        for j, name in enumerate(p.candidates):
            counts[eb.votes_key(p.name, name)] = number(f"v{i}_{j}", f"{p.name} {name}")
        for j in range(p.write_ins):
            name = (post.get(f"w{i}_{j}_name") or "").strip()
            n = number(f"w{i}_{j}", f"{p.name} 另选他人")
            if name and n:
                counts[eb.write_in_key(p.name, name)] = n
            elif n:
                raise services.CountingError(f"{p.name}：另选他人得票须填写姓名", f"w{i}_{j}_name")
    return counts


def _box_context(
    request: HttpRequest, election: Election, r: Round, box: Box, lay: eb.Layout, errors: list[str]
) -> dict[str, Any]:
    user = request.user
    rc = selectors.round_count_row(r)
    rec = selectors.sheet(box, Sheet.Kind.RECONCILE)
    tot = selectors.sheet(box, Sheet.Kind.TOTALS)
    bc = selectors.box_count(box)
    figures = polling.box_figures(box)
    is_chief = polling.is_chief_scrutineer(election, user)
    differences: list[dict[str, Any]] = []
    doubts: list[dict[str, Any]] = []
    decided: list[Any] = []
    if bc is not None:
        cmp = selectors.compare(bc)
        if is_chief:
            for pos in cmp.differing():
                a, b = cmp.first[pos], cmp.second[pos]
                ma = selectors.marks_of(lay, a.ballot, a.doubtful)
                mb = selectors.marks_of(lay, b.ballot, b.doubtful)
                differences.append(
                    {
                        "position": pos,
                        "first": eb.describe(lay, ma),
                        "second": eb.describe(lay, mb),
                        "cells": "、".join(eb.differences(lay, ma, mb)),
                    }
                )
        decisions = selectors.decisions(bc)
        for pos, (ballot, doubtful) in sorted(cmp.agreed().items()):
            if doubtful and pos not in decisions:
                doubts.append(
                    {
                        "position": pos,
                        "text": eb.describe(lay, selectors.marks_of(lay, ballot, True)),
                    }
                )
        decided = list(decisions.values())
    clerk_ids = {bc.first_clerk_id, bc.second_clerk_id} if bc else set()
    rec_actions: list[tuple[str, str]] = []
    if rec is not None and rec.state == EntryState.ENTRIES_DIFFERENT.value:
        rec_actions = [
            (a.value, ACTION_LABELS[a])
            for a in (EntryAction.KEEP_FIRST, EntryAction.KEEP_SECOND, EntryAction.DISCARD_BOTH)
        ]
    tot_actions: list[tuple[str, str]] = []
    if tot is not None and tot.state == EntryState.ENTRIES_DIFFERENT.value:
        tot_actions = [
            (a.value, ACTION_LABELS[a])
            for a in (EntryAction.KEEP_FIRST, EntryAction.KEEP_SECOND, EntryAction.DISCARD_BOTH)
        ]
    return {
        "election": election,
        "r": r,
        "box": box,
        "rc": rc,
        "lay": lay,
        "posts": [
            {
                "index": i,
                "post": p,
                "candidates": list(enumerate(p.candidates, start=1)),
                "spaces": range(p.write_ins),
            }
            for i, p in enumerate(lay.posts)
        ],
        "figures": figures,
        "closed": r.status == RoundState.CLOSED,
        "writable": can_change(user, election.area),
        "is_chief": is_chief,
        "is_clerk": user.pk in clerk_ids,
        "rec": rec,
        "rec_label": STATE_LABELS[EntryState(rec.state)] if rec else "待第一次录入",
        "rec_entered_first": rec is not None
        and rec.state == EntryState.SECOND_ENTRY.value
        and rec.first_clerk_id == user.pk,
        "rec_rows": _sheet_rows(rec, lambda k: "收回选票" if k == eb.COLLECTED else k),
        "rec_actions": rec_actions,
        "tot": tot,
        "tot_label": STATE_LABELS[EntryState(tot.state)] if tot else "待第一次录入",
        "tot_entered_first": tot is not None
        and tot.state == EntryState.SECOND_ENTRY.value
        and tot.first_clerk_id == user.pk,
        "tot_rows": _sheet_rows(tot, _total_label),
        "tot_actions": tot_actions,
        "tot_result": sorted(
            ((_total_label(k), v) for k, v in (tot.result or {}).items() if v), key=lambda x: x[0]
        )
        if tot and tot.result
        else [],
        "bc": bc,
        "differences": differences,
        "doubts": doubts,
        "decided": decided,
        "settle_choices": list(eb.SETTLE_CHOICES.items()),
        "unreadable_article": selectors.profile_of(r).article("unreadable"),
        "errors": errors,
    }


@login_required
@require_GET
def pass_page(
    request: HttpRequest, election_id: int, number: int, box_id: int, pass_no: int
) -> HttpResponse:
    """The keyboard page of one pass: one field per post, Enter records the ballot (through the
    API, one request per ballot); it resumes at the next position after any interruption."""
    election = election_for(request.user, election_id, change=True)
    r = _round(election, number)
    box = _box(r, box_id)
    if pass_no not in eb.PASSES:
        raise Http404
    lay = selectors.layout(r)
    return render(
        request,
        "counting/pass.html",
        {
            "election": election,
            "r": r,
            "box": box,
            "pass_no": pass_no,
            "pass_label": eb.PASS_LABELS[pass_no],
            "posts": [
                {"index": i, "post": p, "candidates": list(enumerate(p.candidates, start=1))}
                for i, p in enumerate(lay.posts)
            ],
            "api": f"/api/elections/{election.pk}/counting/boxes/{box.pk}/passes/{pass_no}",
        },
    )


# --- The public screen -----------------------------------------------------------------------


def _screen(request: HttpRequest, data_url: str, title: str) -> HttpResponse:
    return render(request, "counting/screen.html", {"data_url": data_url, "title": title})


@login_required
@require_GET
def screen(request: HttpRequest, election_id: int, number: int) -> HttpResponse:
    election = election_for(request.user, election_id)
    r = _round(election, number)
    return _screen(
        request,
        f"/elections/{election.pk}/counting/rounds/{r.number}/screen.json",
        f"{election.title} {r}",
    )


@login_required
@require_GET
def screen_json(request: HttpRequest, election_id: int, number: int) -> JsonResponse:
    election = election_for(request.user, election_id)
    return JsonResponse(selectors.screen(_round(election, number)))


@require_GET
def public_screen(request: HttpRequest, election_id: int, token: str) -> HttpResponse:
    """The screen behind a read-only link (no login): the link is the permission; it shows
    candidate names and figures only, expires, and can be withdrawn."""
    link = selectors.screen_link(token)
    if link is None or link.round.election_id != election_id:
        raise Http404
    r = link.round
    return _screen(
        request,
        f"/elections/{election_id}/counting/screen/{token}/data",
        f"{r.election.title} {r}",
    )


@require_GET
def public_screen_json(request: HttpRequest, election_id: int, token: str) -> JsonResponse:
    link = selectors.screen_link(token)
    if link is None or link.round.election_id != election_id:
        raise Http404
    return JsonResponse(selectors.screen(link.round))
