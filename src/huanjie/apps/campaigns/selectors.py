"""Reads for campaigns: the schedule counted back from election day and the township overview."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from huanjie.apps.accounts.selectors import AnyUser, require_change, require_see, visible_areas
from huanjie.apps.campaigns.models import Campaign, Election, StageRecord
from huanjie.core import stages
from huanjie.core.calendar.deadlines import DeadlineRule, ScheduledDeadline, schedule
from huanjie.core.rules import load_profile


def campaigns_for(user: AnyUser) -> QuerySet[Campaign]:
    """Campaigns of any area the user sees, or above it (a village sees its township's)."""
    areas = list(visible_areas(user).values_list("path", flat=True))
    ids = {
        c.pk
        for c in Campaign.objects.select_related("area")
        if any(p.startswith(c.area.path) or c.area.path.startswith(p) for p in areas)
    }
    return Campaign.objects.filter(pk__in=ids).select_related("area")


def elections_for(user: AnyUser, campaign: Campaign) -> QuerySet[Election]:
    return (
        campaign.elections.filter(area__in=visible_areas(user))
        .select_related("area", "campaign")
        .prefetch_related("stages", "posts")
    )


#: Other parts report the dates on which events really happened (e.g. the voter list was
#: posted on 11-19), so later deadlines count from them: ``fn(election) -> {deadline id: date}``.
ActualFn = Callable[[Election], dict[str, date]]
_ACTUALS: list[ActualFn] = []


def register_actual_dates(fn: ActualFn) -> None:
    if fn not in _ACTUALS:
        _ACTUALS.append(fn)


def actual_dates(election: Election) -> dict[str, date]:
    """The dates on which deadline events really happened, as the parts report them."""
    return {k: v for fn in _ACTUALS for k, v in fn(election).items()}


def election_schedule(election: Election) -> list[ScheduledDeadline]:
    """Every statutory deadline of the election's profile: counted back from election day,
    and forward from the actual date of events that have happened."""
    profile = load_profile(election.profile_id)
    rules = [DeadlineRule.from_data(d) for d in profile.deadlines]
    ids = {r.id for r in rules}
    actual = {k: v for k, v in actual_dates(election).items() if k in ids}
    return schedule(rules, election.election_day, actual=actual, strict=False)


def stage_states(election: Election) -> dict[stages.Stage, stages.State]:
    records = {r.stage: r.state for r in election.stages.all()}
    return {s: stages.State(records.get(s.value, stages.State.PENDING)) for s in stages.Stage}


@dataclass(frozen=True)
class ElectionRow:
    election: Election
    statuses: list[stages.StageStatus]
    current: stages.StageStatus | None
    overdue: list[stages.StageStatus]
    next_deadline: ScheduledDeadline | None


def election_row(election: Election, today: date) -> ElectionRow:
    items = election_schedule(election)
    deadlines = {d.id: (d.date, d.label) for d in items}
    states = stage_states(election)
    statuses = stages.status(states, deadlines, election.election_day, today)
    current = next((s for s in statuses if s.state is not stages.State.CLOSED), None)

    def met(deadline_id: str) -> bool:
        owner = stages.DEADLINE_STAGE.get(deadline_id, stages.Stage.ELECTION)
        return states[owner] is stages.State.CLOSED

    upcoming = [d for d in items if d.date >= today and not met(d.id)]
    return ElectionRow(
        election=election,
        statuses=statuses,
        current=current,
        overdue=[s for s in statuses if s.overdue],
        next_deadline=upcoming[0] if upcoming else None,
    )


def overview(user: AnyUser, campaign: Campaign, today: date) -> list[ElectionRow]:
    return [election_row(e, today) for e in elections_for(user, campaign)]


def stage_record(election: Election, stage: stages.Stage) -> StageRecord:
    return election.stages.get(stage=stage.value)


def stage_is_open(election: Election, stage: stages.Stage) -> bool:
    return election.stages.filter(stage=stage.value, state=stages.State.OPEN.value).exists()


def election_for(user: AnyUser, election_id: int, *, change: bool = False) -> Election:
    """The election, if the user may see it (and change it, with ``change``); else 404/403.

    Every view and API call under /elections/<id>/ starts here.
    """
    election = get_object_or_404(
        Election.objects.select_related("area", "campaign", "campaign__area"), pk=election_id
    )
    if change:
        require_change(user, election.area)
    else:
        require_see(user, election.area)
    return election


def campaign_for(user: AnyUser, campaign_id: int) -> Campaign:
    campaign = get_object_or_404(Campaign.objects.select_related("area"), pk=campaign_id)
    if not campaigns_for(user).filter(pk=campaign.pk).exists():
        raise PermissionDenied("无权查看该换届")
    return campaign


@dataclass(frozen=True)
class ElectionDayMark:
    """Election day itself, placed among the deadlines for display."""

    date: date
    id: str = "election_day"


@dataclass(frozen=True)
class ScheduleRow:
    """One line of the plan's deadline table: the deadline, and when it was really met."""

    item: ScheduledDeadline | ElectionDayMark
    done_on: date | None


def schedule_with_election_day(election: Election) -> list[ScheduleRow]:
    items: list[ScheduledDeadline | ElectionDayMark] = list(election_schedule(election))
    items.append(ElectionDayMark(election.election_day))
    done = actual_dates(election)
    return [
        ScheduleRow(item, done.get(item.id))
        for item in sorted(items, key=lambda d: (d.date, d.id != "election_day"))
    ]
