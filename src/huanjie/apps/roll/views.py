"""Views of this part (being written)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from huanjie.apps.campaigns.selectors import election_for


def index(request: HttpRequest, election_id: int) -> HttpResponse:
    election = election_for(request.user, election_id)
    return render(request, "campaigns/part_pending.html", {"election": election})
