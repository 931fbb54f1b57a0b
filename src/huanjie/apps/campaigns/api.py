"""JSON API for campaigns, elections and stages (same services and checks as the pages)."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema
from ninja.responses import Status

from huanjie.apps.accounts.selectors import require_change
from huanjie.apps.campaigns import selectors, services
from huanjie.apps.places.models import Area
from huanjie.core import stages

router = Router(tags=["campaigns"])


class CampaignIn(Schema):
    area_id: int
    term: int
    default_profile: str
    default_election_day: date | None = None


class CampaignOut(Schema):
    id: int
    area_id: int
    term: int
    name: str
    default_profile: str
    default_election_day: date | None


class PostIn(Schema):
    kind: str
    seats: int


class ElectionIn(Schema):
    area_id: int
    election_day: date
    members: int
    profile_id: str = ""
    posts: list[PostIn] | None = None
    minority_required: bool = False
    place: str = ""


class StageOut(Schema):
    stage: str
    state: str
    due: date
    due_label: str
    overdue: bool


class ElectionOut(Schema):
    id: int
    area_id: int
    area_name: str
    profile_id: str
    election_day: date
    members: int
    posts: list[PostIn]
    stages: list[StageOut]


class StageIn(Schema):
    action: str
    reason: str = ""


def _election_out(election: services.Election) -> ElectionOut:
    row = selectors.election_row(election, timezone.localdate())
    return ElectionOut(
        id=election.pk,
        area_id=election.area_id,
        area_name=election.area.name,
        profile_id=election.profile_id,
        election_day=election.election_day,
        members=election.members,
        posts=[PostIn(kind=p.kind, seats=p.seats) for p in election.posts.all()],
        stages=[
            StageOut(
                stage=s.stage.value,
                state=s.state.value,
                due=s.due,
                due_label=s.due_label,
                overdue=s.overdue,
            )
            for s in row.statuses
        ],
    )


@router.get("/campaigns", response=list[CampaignOut])
def list_campaigns(request: HttpRequest) -> list[services.Campaign]:
    return list(selectors.campaigns_for(request.user))


@router.post("/campaigns", response={201: CampaignOut})
def create_campaign(request: HttpRequest, data: CampaignIn) -> Status[services.Campaign]:
    area = get_object_or_404(Area, pk=data.area_id)
    require_change(request.user, area)
    campaign = services.campaign_create(
        acting_user=request.user,
        area=area,
        term=data.term,
        default_profile=data.default_profile,
        default_election_day=data.default_election_day,
    )
    return Status(201, campaign)


@router.get("/campaigns/{campaign_id}/elections", response=list[ElectionOut])
def list_elections(request: HttpRequest, campaign_id: int) -> list[ElectionOut]:
    campaign = selectors.campaign_for(request.user, campaign_id)
    return [_election_out(e) for e in selectors.elections_for(request.user, campaign)]


@router.post("/campaigns/{campaign_id}/elections", response={201: ElectionOut})
def create_election(
    request: HttpRequest, campaign_id: int, data: ElectionIn
) -> Status[ElectionOut]:
    campaign = selectors.campaign_for(request.user, campaign_id)
    area = get_object_or_404(Area, pk=data.area_id)
    require_change(request.user, area)
    election = services.election_create(
        acting_user=request.user,
        campaign=campaign,
        area=area,
        election_day=data.election_day,
        members=data.members,
        profile_id=data.profile_id,
        posts=[(p.kind, p.seats) for p in data.posts] if data.posts is not None else None,
        minority_required=data.minority_required,
        place=data.place,
    )
    return Status(201, _election_out(election))


@router.get("/elections/{election_id}", response=ElectionOut)
def get_election(request: HttpRequest, election_id: int) -> ElectionOut:
    return _election_out(selectors.election_for(request.user, election_id))


@router.post("/elections/{election_id}/stages/{stage}", response=ElectionOut)
def change_stage(request: HttpRequest, election_id: int, stage: str, data: StageIn) -> ElectionOut:
    election = selectors.election_for(request.user, election_id, change=True)
    try:
        the_stage, the_action = stages.Stage(stage), stages.Action(data.action)
    except ValueError as err:
        raise services.PlanError("未知的阶段或操作", "action") from err
    services.stage_change(
        acting_user=request.user,
        election=election,
        stage=the_stage,
        action=the_action,
        reason=data.reason,
    )
    return _election_out(election)
