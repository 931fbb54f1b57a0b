"""Proxy pages: the register with its add form, revocation, the published list (公告) and the
proxy certificates (委托投票证) as PDF."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from huanjie.apps.accounts.selectors import can_change
from huanjie.apps.campaigns.models import Election
from huanjie.apps.campaigns.selectors import election_for, stage_is_open
from huanjie.apps.errors import ServiceError
from huanjie.apps.proxies import documents, forms, selectors, services
from huanjie.apps.proxies.models import ProxyAuthorisation
from huanjie.apps.roll.selectors import mask_id
from huanjie.apps.shortcuts import pdf_response
from huanjie.core.rules import load_profile
from huanjie.core.stages import Stage


def _register(request: HttpRequest, form: forms.RegisterForm, election: Election) -> bool:
    """Resolve the two voters and call the service; errors go beside their fields."""
    data = form.cleaned_data
    ids: dict[str, str] = {}
    for field in ("principal", "proxy"):
        found = selectors.lookup(election, data[field])
        if found.problem:
            form.add_error(field, found.problem)
        ids[field] = found.id_number
    if form.errors:
        return False
    try:
        auth = services.proxy_register(
            acting_user=request.user,  # type: ignore[arg-type]
            election=election,
            principal_id_number=ids["principal"],
            proxy_id_number=ids["proxy"],
            relation="" if data["relation"] == forms.OTHER else data["relation"],
            reason=data["reason"],
            received_on=data["received_on"],
            document_ref=data["document_ref"],
        )
    except ServiceError as err:
        form.add_error(err.field if err.field in form.fields else None, err.message)
        return False
    messages.success(
        request, f"已登记委托投票 {auth.serial}：{auth.principal.name} 委托 {auth.proxy.name}"
    )
    return True


@login_required
def index(request: HttpRequest, election_id: int) -> HttpResponse:
    writing = request.method == "POST"
    election = election_for(request.user, election_id, change=writing)
    profile = load_profile(election.profile_id)
    writable = can_change(request.user, election.area)
    form = forms.RegisterForm(
        request.POST if writing else None,
        profile=profile,
        initial={"received_on": timezone.localdate()},
    )
    if writing and form.is_valid() and _register(request, form, election):
        return redirect("proxies:index", election.pk)
    search = forms.SearchForm(request.GET or None)
    found = []
    if search.is_valid() and search.cleaned_data["q"]:
        held = selectors.holdings(election)
        found = [
            {
                "voter": v,
                "id_number": v.id_number if writable else mask_id(v.id_number),
                "held": held.get(v.pk, 0),
                "given": selectors.given_by(election, v),
            }
            for v in selectors.search_voters(election, search.cleaned_data["q"])
        ]
    rows = selectors.rows(election)
    closes, closes_label, closes_article = selectors.filing_deadline(election)
    list_due, list_article = selectors.list_deadline(election)
    rule = profile.value("proxy")
    return render(
        request,
        "proxies/index.html",
        {
            "election": election,
            "rows": rows,
            "in_force": sum(1 for r in rows if r.authorisation.status == "registered"),
            "form": form if writable else None,
            "search": search,
            "found": found,
            "writable": writable,
            "stage_open": stage_is_open(election, Stage.PROXIES),
            "rule": rule,
            "article": profile.article("proxy"),
            "note": profile.params["proxy"].note,
            "closes": closes,
            "closes_label": closes_label,
            "closes_article": closes_article,
            "list_due": list_due,
            "list_article": list_article,
            "notice": selectors.latest_notice(election),
            "notice_current": selectors.notice_is_current(election),
            "certifiable": len(selectors.certifiable(election)),
            "candidate_check": selectors.candidate_check_available(),
            "blockers": selectors.blockers(election),
            "revoke_form": forms.RevokeForm(),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def revoke(request: HttpRequest, election_id: int, pk: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    try:
        auth = selectors.get_authorisation(election, pk)
    except ProxyAuthorisation.DoesNotExist as exc:
        raise Http404 from exc
    form = forms.RevokeForm(request.POST)
    reason = str(form.data.get("reason", ""))
    try:
        services.proxy_revoke(
            acting_user=request.user,  # type: ignore[arg-type]
            election=election,
            authorisation=auth,
            reason=reason,
        )
        messages.success(request, f"已撤销委托投票 {auth.serial}")
    except ServiceError as err:
        messages.error(request, err.message)
    return redirect("proxies:index", election.pk)


@login_required
@require_POST
def publish(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    try:
        notice = services.proxy_list_publish(acting_user=request.user, election=election)  # type: ignore[arg-type]
        messages.success(
            request, f"已公告委托人和受委托人名单（第{notice.number}期，{len(notice.entries)} 人）"
        )
    except ServiceError as err:
        messages.error(request, err.message)
    return redirect("proxies:index", election.pk)


@login_required
@require_GET
def notice_pdf(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id)
    notice = selectors.latest_notice(election)
    if notice is None:
        raise Http404("尚未公告")
    try:
        data = documents.notice_pdf(election, notice)
    except ServiceError as err:
        messages.error(request, err.message)
        return redirect("proxies:index", election.pk)
    return pdf_response(data, f"proxy-notice-{notice.number}.pdf")


@login_required
@require_GET
def certificates_pdf(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id, change=True)
    try:
        data = documents.certificates_pdf(election)
    except ServiceError as err:
        messages.error(request, err.message)
        return redirect("proxies:index", election.pk)
    return pdf_response(data, "proxy-certificates.pdf")
