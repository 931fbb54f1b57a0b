"""Views of the shell: home page and health check. Views stay thin: parse, authorise, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from huanjie.apps.accounts.selectors import memberships, visible_areas
from huanjie.apps.campaigns.models import Election
from huanjie.apps.campaigns.selectors import campaigns_for
from huanjie.apps.places.models import Area

#: Up to this many elections are listed on the home page; more go through the overview.
HOME_ELECTIONS = 6


@login_required
def home(request: HttpRequest) -> HttpResponse:
    areas = visible_areas(request.user).filter(
        level__in=[Area.Level.COUNTY, Area.Level.TOWNSHIP, Area.Level.VILLAGE]
    )
    campaigns = list(campaigns_for(request.user))
    # A village's committee goes straight to its own election; a township or county, with
    # many villages, to the campaign overview.
    elections = list(
        Election.objects.filter(campaign__in=campaigns, area__in=areas)
        .select_related("area", "campaign")
        .order_by("-campaign__term", "area__path")[: HOME_ELECTIONS + 1]
    )
    return render(
        request,
        "home.html",
        {
            "areas": areas,
            "memberships": memberships(request.user),
            "campaigns": campaigns,
            "elections": elections if len(elections) <= HOME_ELECTIONS else [],
            "today": timezone.localdate(),
        },
    )


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    return JsonResponse({"ok": True, "database": connection.vendor})
