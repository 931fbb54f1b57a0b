"""Writes for campaigns, elections and their stages (one transaction and one audit row each)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone

from huanjie.apps.audit.services import audit_record
from huanjie.apps.campaigns.models import Campaign, Election, Post, StageRecord
from huanjie.apps.errors import ServiceError
from huanjie.apps.places.models import Area
from huanjie.core import stages
from huanjie.core.rules import ProfileError, bundled_ids, load_profile

__all__ = ["Campaign", "Election", "PlanError", "Post", "StageRecord"]

#: Who acts: the request's user (views and the API), or None for the system (seeding).
User = AbstractBaseUser | AnonymousUser | None


class PlanError(ServiceError):
    """Bad input for a campaign or election; the message (Chinese) names the field."""


#: Other apps report what still keeps a stage from closing (e.g. fewer than 3 committee
#: members) or from opening (``on="open"``: voting waits for undecided objections).
#: Each function takes the election and returns human-readable reasons (empty: none).
BlockerFn = Callable[[Election], list[str]]
_BLOCKERS: dict[tuple[stages.Stage, stages.Action], list[BlockerFn]] = {}


def register_blocker(stage: stages.Stage, fn: BlockerFn, *, on: str = "close") -> None:
    key = (stage, stages.Action(on))
    if fn not in _BLOCKERS.setdefault(key, []):
        _BLOCKERS[key].append(fn)


def stage_blockers(
    election: Election, stage: stages.Stage, action: stages.Action = stages.Action.CLOSE
) -> list[str]:
    return [reason for fn in _BLOCKERS.get((stage, action), []) for reason in fn(election)]


def _check_profile(profile_id: str, area: Area) -> None:
    if profile_id not in bundled_ids():
        raise PlanError(f"没有名为“{profile_id}”的选举规则", "profile_id")
    kind = "residents" if area.is_community else "village"
    if not profile_id.startswith(f"{kind}/"):
        body = "居民委员会" if area.is_community else "村民委员会"
        raise PlanError(f"“{area.name}”选举{body}，规则“{profile_id}”不适用", "profile_id")


def campaign_create(
    *,
    acting_user: User,
    area: Area,
    term: int,
    default_profile: str,
    default_election_day: date | None = None,
) -> Campaign:
    if area.level not in (Area.Level.COUNTY, Area.Level.TOWNSHIP):
        raise PlanError("换届须在县或乡镇（街道）设立", "area")
    if not 1 <= term <= 99:
        raise PlanError("届次应为 1 至 99", "term")
    if default_profile not in bundled_ids():
        raise PlanError(f"没有名为“{default_profile}”的选举规则", "default_profile")
    with transaction.atomic():
        if Campaign.objects.filter(area=area, term=term).exists():
            raise PlanError(f"“{area.name}”已有第{term}届换届", "term")
        campaign = Campaign.objects.create(
            area=area,
            term=term,
            name=f"第{term}届换届选举",
            default_profile=default_profile,
            default_election_day=default_election_day,
            created_by_id=getattr(acting_user, "pk", None),
        )
        audit_record(
            acting_user=acting_user,
            action="campaign.create",
            obj=campaign,
            area=area,
            after={
                "term": term,
                "profile": default_profile,
                "election_day": default_election_day,
            },
        )
    return campaign


def default_posts(members: int, *, women_post: bool, vice_chairs: int = 1) -> list[tuple[str, int]]:
    """Chair, vice-chair(s), members; a separate women's post where the profile lists one."""
    posts = [(Post.Kind.CHAIR.value, 1)]
    if vice_chairs:
        posts.append((Post.Kind.VICE_CHAIR.value, vice_chairs))
    if women_post:
        posts.append((Post.Kind.WOMEN_MEMBER.value, 1))
    rest = members - sum(seats for _, seats in posts)
    if rest > 0:
        posts.append((Post.Kind.MEMBER.value, rest))
    return posts


def _check_posts(profile_id: str, members: int, posts: list[tuple[str, int]]) -> None:
    profile = load_profile(profile_id)
    bounds = profile.value("members")
    article = profile.article("members")
    if not bounds["min"] <= members <= bounds["max"]:
        raise PlanError(
            f"委员会成员职数应为 {bounds['min']} 至 {bounds['max']} 人（{article}）", "members"
        )
    kinds = [k for k, _ in posts]
    if len(set(kinds)) != len(kinds):
        raise PlanError("同一职务只能设置一次", "posts")
    if any(seats < 1 for _, seats in posts):
        raise PlanError("每个职务至少一个名额", "posts")
    if kinds.count(Post.Kind.CHAIR.value) != 1 or dict(posts)[Post.Kind.CHAIR.value] != 1:
        raise PlanError("应设主任一名", "posts")
    if sum(seats for _, seats in posts) != members:
        raise PlanError(
            f"各职务名额之和（{sum(s for _, s in posts)}）应等于成员职数（{members}）", "posts"
        )
    women_separate = profile.value("women_rule") == "separate_post"
    if women_separate and Post.Kind.WOMEN_MEMBER.value not in kinds:
        raise PlanError(f"本规则要求单列妇女委员职位（{profile.article('women_rule')}）", "posts")


def election_create(
    *,
    acting_user: User,
    campaign: Campaign,
    area: Area,
    election_day: date,
    members: int,
    profile_id: str = "",
    posts: list[tuple[str, int]] | None = None,
    minority_required: bool = False,
    place: str = "",
) -> Election:
    profile_id = profile_id or campaign.default_profile
    if area.level != Area.Level.VILLAGE or not area.is_within(campaign.area):
        raise PlanError(f"“{area.name}”不是“{campaign.area.name}”下的村（社区）", "area")
    try:
        _check_profile(profile_id, area)
        women_post = load_profile(profile_id).value("women_rule") == "separate_post"
    except ProfileError as err:
        raise PlanError(f"选举规则有误：{err}", "profile_id") from err
    if posts is None:
        posts = default_posts(members, women_post=women_post, vice_chairs=1 if members > 3 else 0)
    _check_posts(profile_id, members, posts)
    with transaction.atomic():
        if Election.objects.filter(campaign=campaign, area=area).exists():
            raise PlanError(f"“{area.name}”在本届换届中已有选举", "area")
        election = Election.objects.create(
            campaign=campaign,
            area=area,
            profile_id=profile_id,
            election_day=election_day,
            members=members,
            minority_required=minority_required,
            place=place.strip(),
        )
        for order, (kind, seats) in enumerate(posts):
            Post.objects.create(
                election=election,
                kind=kind,
                seats=seats,
                women_only=kind == Post.Kind.WOMEN_MEMBER,
                order=order,
            )
        StageRecord.objects.bulk_create(
            StageRecord(election=election, stage=s.value) for s in stages.Stage
        )
        audit_record(
            acting_user=acting_user,
            action="election.create",
            obj=election,
            area=area,
            after={
                "profile": profile_id,
                "election_day": election_day,
                "members": members,
                "posts": posts,
                "minority_required": minority_required,
                "place": place,
            },
        )
    return election


def election_set_day(*, acting_user: User, election: Election, election_day: date) -> Election:
    """Move election day; refused once registration has started (its deadlines count from it)."""
    with transaction.atomic():
        election = Election.objects.select_for_update().get(pk=election.pk)
        reg = StageRecord.objects.get(election=election, stage=stages.Stage.REGISTRATION)
        if reg.state != stages.State.PENDING:
            raise PlanError("选民登记已经开始，选举日不能再更改", "election_day")
        before = election.election_day
        election.election_day = election_day
        election.save(update_fields=["election_day"])
        audit_record(
            acting_user=acting_user,
            action="election.set_day",
            obj=election,
            area=election.area,
            before={"election_day": before},
            after={"election_day": election_day},
        )
    return election


def stage_change(
    *,
    acting_user: User,
    election: Election,
    stage: stages.Stage,
    action: stages.Action,
    reason: str = "",
) -> StageRecord:
    """Open, close or reopen one stage through the state machine in ``core.stages``."""
    with transaction.atomic():
        records = {
            r.stage: r for r in StageRecord.objects.select_for_update().filter(election=election)
        }
        states = {s: stages.State(records[s.value].state) for s in stages.Stage}
        blockers = stage_blockers(election, stage, action)
        try:
            after = stages.transition(states, stage, action, blockers=blockers, reason=reason)
        except stages.StageError as err:
            raise PlanError(str(err), "stage") from err
        record = records[stage.value]
        before = record.state
        record.state = after[stage].value
        now = timezone.now()
        if action is stages.Action.CLOSE:
            record.closed_at = now
        else:
            record.opened_at, record.closed_at = now, None
        record.note = reason.strip()[:300]
        record.save()
        audit_record(
            acting_user=acting_user,
            action=f"stage.{action.value}",
            obj=record,
            area=election.area,
            before={"stage": stage.value, "state": before},
            after={"stage": stage.value, "state": record.state, "reason": reason},
        )
    return record
