"""Views of the shell: home page and health check. Views stay thin: parse, authorise, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from huanjie.apps.accounts.selectors import memberships, visible_areas
from huanjie.apps.places.models import Area


@login_required
def home(request: HttpRequest) -> HttpResponse:
    areas = visible_areas(request.user).filter(
        level__in=[Area.Level.COUNTY, Area.Level.TOWNSHIP, Area.Level.VILLAGE]
    )
    return render(request, "home.html", {"areas": areas, "memberships": memberships(request.user)})


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    return JsonResponse({"ok": True, "database": connection.vendor})
