"""Writes of the polling part (one transaction and one audit entry each; a refused operation
changes nothing).

Rounds move through ``core.rounds`` (prepared → open → closed → counted → decided, drawn in
docs/state-machines/round.md): this part opens and closes the polls; the counting part marks a
round counted and the results part marks it decided, both through this module. The round's
posts and candidates are frozen when it is created, so a printed ballot and a decided round
never change with later edits elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from huanjie.apps.audit.services import audit_record
from huanjie.apps.campaigns.models import Election
from huanjie.apps.campaigns.selectors import stage_states
from huanjie.apps.campaigns.services import PlanError, stage_change
from huanjie.apps.errors import ServiceError
from huanjie.apps.polling.models import Box, CheckIn, Issue, MobileVisit, Round, Staff, Station
from huanjie.apps.roll.models import Voter
from huanjie.core import rounds as core
from huanjie.core.rounds import RoundAction, RoundState
from huanjie.core.stages import LABELS, Action, Stage, State

#: Who acts: the request's user (views and the API), or None for the system (seeding).
User = AbstractBaseUser | AnonymousUser | None

MAIN_BOX = "1号票箱"
POST_KINDS = ("chair", "vice_chair", "member", "women_member")


class PollingError(ServiceError):
    """A refused operation of the polling part; the message (Chinese) names the field."""


def _uid(user: User) -> int | None:
    return getattr(user, "pk", None)


def _lock_round(r: Round) -> Round:
    """Serialise the writes of one round (status checks, then writes)."""
    return (
        Round.objects.select_for_update().select_related("election", "election__area").get(pk=r.pk)
    )


def _lock_election(election: Election) -> Election:
    return Election.objects.select_for_update().select_related("area").get(pk=election.pk)


def _text(value: str, field: str, label: str, *, required: bool = True, limit: int = 60) -> str:
    value = " ".join((value or "").split())
    if required and not value:
        raise PollingError(f"{label}：请填写", field, "required")
    if len(value) > limit:
        raise PollingError(f"{label}：不能超过{limit}个字", field, "too_long")
    return value


# --- Rounds -----------------------------------------------------------------------------------


def _check_posts(posts: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    if not posts:
        raise PollingError("本轮投票至少要有一个职务", "posts", "required")
    clean: list[dict[str, Any]] = []
    names: set[str] = set()
    for i, p in enumerate(posts, start=1):
        name = str(p.get("name", "")).strip()
        seats = p.get("seats")
        if not name:
            raise PollingError(f"第{i}个职务：没有名称", "posts", "invalid")
        if name in names:
            raise PollingError(f"职务“{name}”重复", "posts", "duplicate")
        if not isinstance(seats, int) or isinstance(seats, bool) or seats < 1:
            raise PollingError(f"职务“{name}”：应选名额应为正整数", "posts", "invalid")
        kind = str(p.get("kind", ""))
        if kind not in POST_KINDS:
            raise PollingError(f"职务“{name}”：类型“{kind}”不正确", "posts", "invalid")
        names.add(name)
        clean.append(
            {"kind": kind, "name": name, "seats": seats, "women_only": bool(p.get("women_only"))}
        )
    return clean


def _check_candidates(
    election: Election, posts: list[dict[str, Any]], candidates: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    by_name = {p["name"]: p for p in posts}
    voter_ids = {c.get("voter_id") for c in candidates if c.get("voter_id") is not None}
    voters = {v.pk: v for v in Voter.objects.filter(election=election, pk__in=voter_ids)}
    clean: list[dict[str, Any]] = []
    seen: set[tuple[str, Any]] = set()
    labels: dict[str, Any] = {}
    for c in candidates:
        post, name = str(c.get("post", "")), str(c.get("name", "")).strip()
        if post not in by_name:
            raise PollingError(f"候选人{name}：职务“{post}”不在本轮职务中", "candidates", "invalid")
        if not name:
            raise PollingError(f"“{post}”有一名候选人没有姓名", "candidates", "invalid")
        voter_id = c.get("voter_id")
        if voter_id is not None and voter_id not in voters:
            raise PollingError(f"候选人{name}不是本次选举的选民", "candidates", "not_a_voter")
        if (post, voter_id if voter_id is not None else name) in seen:
            raise PollingError(f"“{post}”候选人{name}重复", "candidates", "duplicate")
        seen.add((post, voter_id if voter_id is not None else name))
        sex = str(c.get("sex", ""))
        if sex not in ("M", "F"):
            raise PollingError(f"候选人{name}：性别应为 M 或 F", "candidates", "invalid")
        if by_name[post]["women_only"] and sex != "F":
            raise PollingError(f"“{post}”限妇女，{name}不能作为候选人", "candidates", "invalid")
        label = str(c.get("label") or name).strip()
        if ":" in label:
            raise PollingError(f"候选人{name}：姓名中不能含有英文冒号", "candidates", "bad_name")
        # One printed name stands for one person across the ballot (a person may stand for
        # several posts in a follow-up round; two different people need two labels).
        person = voter_id if voter_id is not None else name
        if label in labels and labels[label] != person:
            voter = voters.get(voter_id) if voter_id is not None else None
            if voter is None:
                raise PollingError(f"候选人{name}与另一人同名，请区分", "candidates", "ambiguous")
            label = f"{name}（{voter.id_number[-4:]}）"
        labels[label] = person
        clean.append({"post": post, "name": name, "voter_id": voter_id, "sex": sex, "label": label})
    return clean


def _default_station(election: Election, acting_user: User) -> Station:
    station = Station.objects.filter(election=election, kind=Station.Kind.MAIN).first()
    if station is None:
        station = Station.objects.create(
            election=election, name="中心会场", kind=Station.Kind.MAIN, place=election.place
        )
        audit_record(
            acting_user=acting_user,
            action="polling.station_create",
            obj=station,
            area=election.area,
            after={"name": station.name, "kind": station.kind, "place": station.place},
        )
    return station


def _default_boxes(r: Round, parent: Round | None, acting_user: User) -> None:
    """A follow-up round uses the fixed boxes of its parent again; a first round gets one
    fixed box at the main venue. Mobile boxes are set up afresh (their route changes)."""
    layout = (
        [(b.station, b.name) for b in parent.boxes.filter(kind=Box.Kind.FIXED)] if parent else []
    )
    if not layout:
        layout = [(_default_station(r.election, acting_user), MAIN_BOX)]
    for station, name in layout:
        box = Box.objects.create(round=r, station=station, name=name, kind=Box.Kind.FIXED)
        audit_record(
            acting_user=acting_user,
            action="polling.box_create",
            obj=box,
            area=r.election.area,
            after={"round": r.number, "name": name, "station": station.name, "kind": box.kind},
        )


def round_create(
    *,
    acting_user: User,
    election: Election,
    kind: str,
    held_on: date,
    posts: Sequence[Mapping[str, Any]],
    candidates: Sequence[Mapping[str, Any]],
    parent: Round | None = None,
) -> Round:
    """Create a round with its posts and candidates frozen in ballot order.

    ``posts``: ``[{"kind", "name", "seats", "women_only"}]``; ``candidates``: ``[{"post",
    "name", "voter_id", "sex", "label"?}]`` per post in ballot (stroke) order. A regular round
    without ``parent`` is the election's first vote (only one); a revote or an additional round
    follows a counted round of the same election (``parent``); a regular round with a parent
    is a rerun (重选) of a voided vote."""
    if kind not in Round.Kind.values:
        raise PollingError(f"投票类型“{kind}”不正确", "kind", "invalid")
    if held_on < timezone.localdate():
        raise PollingError("投票日期不能早于今天", "held_on", "past")
    clean_posts = _check_posts(posts)
    clean_candidates = _check_candidates(election, clean_posts, candidates)
    if kind != Round.Kind.REGULAR and not clean_candidates:
        raise PollingError("重新投票、另行选举须有候选人", "candidates", "required")
    with transaction.atomic():
        election = _lock_election(election)
        existing = Round.objects.filter(election=election)
        if parent is not None:
            parent = _lock_round(parent)
            if parent.election_id != election.pk:
                raise PollingError("前一轮不属于本次选举", "parent", "invalid")
            if parent.status not in (RoundState.COUNTED, RoundState.DECIDED):
                raise PollingError(
                    f"前一轮（{parent}）尚未计票完成，不能安排下一轮",
                    "parent",
                    "parent_not_counted",
                )
        elif kind != Round.Kind.REGULAR:
            raise PollingError("重新投票、另行选举须指明前一轮", "parent", "required")
        elif existing.filter(kind=Round.Kind.REGULAR).exists():
            raise PollingError(
                "本次选举已有正式选举投票，不能再建一轮（重新投票、另行选举由计票结果安排）",
                "kind",
                "regular_exists",
            )
        number = (existing.aggregate(n=Max("number"))["n"] or 0) + 1
        r = Round.objects.create(
            election=election,
            number=number,
            kind=kind,
            parent=parent,
            held_on=held_on,
            posts=clean_posts,
            candidates=clean_candidates,
            created_by_id=_uid(acting_user),
        )
        audit_record(
            acting_user=acting_user,
            action="polling.round_create",
            obj=r,
            area=election.area,
            after={
                "number": number,
                "kind": kind,
                "parent": parent.number if parent else None,
                "held_on": held_on,
                "posts": clean_posts,
                "candidates": clean_candidates,
            },
        )
        _default_boxes(r, parent, acting_user)
    return r


def round_create_regular(
    *, acting_user: User, election: Election, held_on: date | None = None
) -> Round:
    """The election-day vote, its posts and candidates taken from the published formal list
    (``candidates.selectors.formal_list``: each post's candidates in official stroke order)."""
    from huanjie.apps.candidates.selectors import formal_list  # noqa: PLC0415 — imports proxies

    posts = formal_list(election)
    if not posts:
        raise PollingError(
            "正式候选人名单尚未公布，不能安排投票（请先在“候选人”中公布正式候选人名单）",
            "",
            "no_formal_list",
        )
    return round_create(
        acting_user=acting_user,
        election=election,
        kind=Round.Kind.REGULAR,
        held_on=held_on or election.election_day,
        posts=[
            {"kind": p.kind, "name": p.name, "seats": p.seats, "women_only": p.women_only}
            for p in posts
        ],
        candidates=[
            {"post": p.name, "name": c.name, "voter_id": c.voter_id, "sex": c.sex}
            for p in posts
            for c in p.candidates
        ],
    )


def _ensure_election_stage_open(election: Election, acting_user: User) -> None:
    """Polls open only inside the 投票选举 stage. On election day the committee expects
    "开始投票" to work: a stage not yet started is opened here when its prerequisites allow
    (nomination and proxies closed, no objection to the roll pending); otherwise the refusal
    says what is missing and where to settle it. A stage already closed is not reopened
    behind anyone's back: reopening needs a reason on the plan page."""
    state = stage_states(election)[Stage.ELECTION]
    label = LABELS[Stage.ELECTION]
    if state is State.OPEN:
        return
    if state is State.CLOSED:
        raise PollingError(
            f"“{label}”阶段已完成，不能开始投票；如需投票（例如另行选举），"
            "请先在“计划与阶段”中说明理由重新开启该阶段",
            "",
            "stage_closed",
        )
    try:
        stage_change(
            acting_user=acting_user, election=election, stage=Stage.ELECTION, action=Action.OPEN
        )
    except PlanError as err:
        raise PollingError(
            f"{err.message}。请在“计划与阶段”中处理后再开始投票", "", "stage_not_open"
        ) from err


def _move(r: Round, action: RoundAction) -> RoundState:
    try:
        return core.transition(RoundState(r.status), action)
    except core.RoundError as err:
        raise PollingError(str(err), "", err.code) from err


def round_open(*, acting_user: User, round: Round) -> Round:
    """Polls open (开始投票): only on the round's date, only from 待投票, with the 投票选举 stage
    open (opened here if it may be), no other round open, and every mobile box escorted."""
    today = timezone.localdate()
    with transaction.atomic():
        r = _lock_round(round)
        target = _move(r, RoundAction.OPEN)
        if r.held_on != today:
            raise PollingError(
                f"本轮投票日期为 {r.held_on.isoformat()}，今天（{today.isoformat()}）不能开始投票",
                "",
                "not_today",
            )
        other = Round.objects.filter(election=r.election, status=RoundState.OPEN).first()
        if other is not None:
            raise PollingError(f"{other}正在投票，须先结束", "", "other_open")
        if not r.boxes.exists():
            raise PollingError("本轮没有票箱，请先设置票箱", "", "no_box")
        from huanjie.apps.polling.selectors import escort_problems  # noqa: PLC0415

        problems = [p for b in r.boxes.filter(kind=Box.Kind.MOBILE) for p in escort_problems(b)]
        if problems:
            raise PollingError("；".join(problems), "", "escorts")
        _ensure_election_stage_open(r.election, acting_user)
        from huanjie.apps.roll.selectors import registered  # noqa: PLC0415

        before = r.status
        r.status = target.value
        r.opened_at = timezone.now()
        r.electorate = registered(r.election).count()
        r.save(update_fields=["status", "opened_at", "electorate"])
        audit_record(
            acting_user=acting_user,
            action="polling.round_open",
            obj=r,
            area=r.election.area,
            before={"status": before},
            after={"status": r.status, "electorate": r.electorate, "opened_at": r.opened_at},
        )
    return r


def round_close(*, acting_user: User, round: Round) -> Round:
    """Polls close (结束投票): no more ballots are issued; ``closed_at`` is recorded. A mobile
    box still out is refused: it must come back (and be recorded) first."""
    with transaction.atomic():
        r = _lock_round(round)
        target = _move(r, RoundAction.CLOSE)
        out = list(
            r.boxes.filter(
                kind=Box.Kind.MOBILE, departed_at__isnull=False, returned_at__isnull=True
            ).values_list("name", flat=True)
        )
        if out:
            raise PollingError(
                f"流动票箱{'、'.join(out)}尚未返回，请先登记返回再结束投票", "", "mobile_out"
            )
        before = r.status
        r.status = target.value
        r.closed_at = timezone.now()
        r.save(update_fields=["status", "closed_at"])
        from huanjie.apps.polling.selectors import round_figures  # noqa: PLC0415

        figures = round_figures(r)
        audit_record(
            acting_user=acting_user,
            action="polling.round_close",
            obj=r,
            area=r.election.area,
            before={"status": before},
            after={
                "status": r.status,
                "closed_at": r.closed_at,
                "electorate": figures.electorate,
                "voters": figures.voters,
                "issued": figures.issued,
                "boxes": {b.name: [b.voters, b.issued] for b in figures.boxes},
            },
        )
    return r


def _advance(acting_user: User, round: Round, action: RoundAction, note: str) -> Round:
    with transaction.atomic():
        r = _lock_round(round)
        target = _move(r, action)
        before = r.status
        r.status = target.value
        r.save(update_fields=["status"])
        audit_record(
            acting_user=acting_user,
            action=f"polling.round_{action.value}",
            obj=r,
            area=r.election.area,
            before={"status": before},
            after={"status": r.status, "note": note},
        )
    return r


def round_mark_counted(*, acting_user: User, round: Round, note: str = "") -> Round:
    """For the counting part: the count of a closed round is complete (closed → counted).
    The caller checks its own completeness (``counting.selectors.count_complete``) in the
    same request; this checks only the life cycle."""
    return _advance(acting_user, round, RoundAction.COUNT, note)


def round_mark_decided(*, acting_user: User, round: Round, note: str = "") -> Round:
    """For the results part: the result of a counted round is decided and stored
    (counted → decided)."""
    return _advance(acting_user, round, RoundAction.DECIDE, note)


# --- Stations and boxes -----------------------------------------------------------------------


def _require_setting_up(r: Round) -> None:
    if RoundState(r.status) not in core.SETTING_UP:
        raise PollingError(
            f"{r}：{r.get_status_display()}，投票站和票箱不能再变动", "", "round_started"
        )


def station_create(*, acting_user: User, election: Election, name: str, place: str = "") -> Station:
    """A polling station (投票站) besides the main venue."""
    name = _text(name, "name", "投票站名称")
    place = _text(place, "place", "地点", required=False, limit=200)
    with transaction.atomic():
        election = _lock_election(election)
        if Station.objects.filter(election=election, name=name).exists():
            raise PollingError(f"已有名为“{name}”的投票站", "name", "duplicate")
        station = Station.objects.create(
            election=election, name=name, kind=Station.Kind.STATION, place=place
        )
        audit_record(
            acting_user=acting_user,
            action="polling.station_create",
            obj=station,
            area=election.area,
            after={"name": name, "kind": station.kind, "place": place},
        )
    return station


def box_create(
    *,
    acting_user: User,
    round: Round,
    station: Station,
    name: str,
    kind: str = Box.Kind.FIXED,
) -> Box:
    """A ballot box of a round at a station: fixed, or mobile (流动票箱, which leaves from
    the station with its escorts)."""
    name = _text(name, "name", "票箱名称")
    if kind not in Box.Kind.values:
        raise PollingError(f"票箱类型“{kind}”不正确", "kind", "invalid")
    with transaction.atomic():
        r = _lock_round(round)
        _require_setting_up(r)
        if station.election_id != r.election_id:
            raise PollingError("投票站不属于本次选举", "station", "invalid")
        if r.boxes.filter(name=name).exists():
            raise PollingError(f"本轮已有名为“{name}”的票箱", "name", "duplicate")
        box = Box.objects.create(round=r, station=station, name=name, kind=kind)
        audit_record(
            acting_user=acting_user,
            action="polling.box_create",
            obj=box,
            area=r.election.area,
            after={"round": r.number, "name": name, "station": station.name, "kind": kind},
        )
    return box


def box_delete(*, acting_user: User, box: Box) -> None:
    """Remove a box set up by mistake (only before polls open; the last box stays)."""
    with transaction.atomic():
        r = _lock_round(box.round)
        _require_setting_up(r)
        if r.boxes.count() <= 1:
            raise PollingError("每轮至少要有一个票箱", "", "last_box")
        after = {"round": r.number, "name": box.name, "station": box.station.name}
        audit_record(
            acting_user=acting_user,
            action="polling.box_delete",
            obj=box,
            area=r.election.area,
            before=after,
        )
        box.delete()


# --- Staff ------------------------------------------------------------------------------------


def staff_exclusions(election: Election, name: str, id_number: str = "") -> list[str]:
    """Why this person may not serve as election staff: they are a candidate, or a declared
    near relative of one (民政部《村民委员会选举规程》 [S]; near relatives as declared on the
    committee page, 民法典 第一千零四十五条第二款)."""
    from huanjie.apps.candidates.models import ACTIVE, Candidate  # noqa: PLC0415
    from huanjie.apps.preparation.selectors import candidate_exclusions  # noqa: PLC0415
    from huanjie.core.preparation import PersonRef  # noqa: PLC0415

    pool = [
        PersonRef(c.voter.name, c.voter.id_number)
        for c in Candidate.objects.filter(election=election, status__in=ACTIVE).select_related(
            "voter"
        )
    ]
    return list(dict.fromkeys(candidate_exclusions(election, PersonRef(name, id_number), pool)))


def _check_staff_person(election: Election, name: str, id_number: str) -> str:
    """Refuse a candidate, a candidate's near relative, or someone without a training pass;
    return what the check rested on (kept with the appointment)."""
    from huanjie.apps.preparation.selectors import may_serve_as_staff  # noqa: PLC0415

    excluded = staff_exclusions(election, name, id_number)
    if excluded:
        raise PollingError(
            f"{'；'.join(excluded)}（民政部《村民委员会选举规程》：候选人及其近亲属不得担任选举工作人员）",
            "name",
            "excluded",
        )
    allowed, why = may_serve_as_staff(election, name, id_number)
    if not allowed:
        raise PollingError(
            f"{name}不能担任选举工作人员：{why}（须参加培训并考试合格，见“准备工作”）",
            "name",
            "not_trained",
        )
    return why[:300]


def staff_add(
    *,
    acting_user: User,
    election: Election,
    role: str,
    voter: Voter | None = None,
    name: str = "",
    id_number: str = "",
    user: AbstractBaseUser | None = None,
    station: Station | None = None,
) -> Staff:
    """Appoint one person to one election-day role (选举工作人员). A voter of the village, or
    (``name``/``id_number``) someone from outside the roll, e.g. a township cadre; optionally
    linked to a login (``user``) so that the counting pages know who is the 总监票人."""
    if role not in Staff.Role.values:
        raise PollingError(f"职责“{role}”不正确", "role", "invalid")
    if voter is not None:
        if voter.election_id != election.pk:
            raise PollingError(f"{voter.name}不是本村本届选举的选民", "voter", "not_a_voter")
        name, id_number = voter.name, voter.id_number
    name = _text(name, "name", "姓名", limit=50)
    id_number = (id_number or "").strip().upper()
    if station is not None and station.election_id != election.pk:
        raise PollingError("投票站不属于本次选举", "station", "invalid")
    basis = _check_staff_person(election, name, id_number)
    label = Staff.Role(role).label
    with transaction.atomic():
        election = _lock_election(election)
        if Staff.objects.filter(election=election, name=name, role=role).exists():
            raise PollingError(f"{name}已是{label}", "name", "duplicate")
        if (
            role == Staff.Role.CHIEF_SCRUTINEER
            and Staff.objects.filter(election=election, role=role).exists()
        ):
            raise PollingError("总监票人只设一名，请先撤下原总监票人", "role", "one_chief")
        person = Staff.objects.create(
            election=election,
            name=name,
            id_number=id_number,
            voter=voter,
            user_id=getattr(user, "pk", None),
            role=role,
            station=station,
            basis=basis,
            created_by_id=_uid(acting_user),
        )
        audit_record(
            acting_user=acting_user,
            action="polling.staff_add",
            obj=person,
            area=election.area,
            after={
                "name": name,
                "role": role,
                "voter": voter.pk if voter else None,
                "user": getattr(user, "pk", None),
                "station": station.name if station else None,
                "basis": basis,
            },
        )
    return person


def staff_remove(*, acting_user: User, staff: Staff, reason: str = "") -> None:
    """Take someone off a role (e.g. they became a candidate's relative, fell ill). Refused
    once they have written a ballot or escort a box that has gone out: the record stays."""
    reason = _text(reason, "reason", "理由", required=False, limit=300)
    with transaction.atomic():
        person = Staff.objects.select_for_update().select_related("election__area").get(pk=staff.pk)
        if person.written.exists():
            raise PollingError(f"{person.name}已为选民代写选票，记录须保留", "", "in_use")
        if Box.objects.filter(escorts=person, departed_at__isnull=False).exists():
            raise PollingError(f"{person.name}随流动票箱出发过，记录须保留", "", "in_use")
        audit_record(
            acting_user=acting_user,
            action="polling.staff_remove",
            obj=person,
            area=person.election.area,
            before={"name": person.name, "role": person.role},
            after={"reason": reason},
        )
        Box.escorts.through.objects.filter(staff=person).delete()
        person.delete()


# --- Mobile boxes -----------------------------------------------------------------------------


def _lock_box(box: Box) -> tuple[Round, Box]:
    r = _lock_round(box.round)
    return r, Box.objects.select_related("station").get(pk=box.pk)


def _require_mobile_at_home(box: Box) -> None:
    if box.kind != Box.Kind.MOBILE:
        raise PollingError(f"“{box.name}”不是流动票箱", "box", "not_mobile")
    if box.departed_at is not None:
        raise PollingError(
            f"流动票箱“{box.name}”已出发，随箱人员和上门名单不能再变动", "box", "departed"
        )


def mobile_escorts_set(*, acting_user: User, box: Box, staff: Sequence[Staff]) -> Box:
    """Name the staff who go with a mobile box (流动票箱工作人员), until it leaves. The
    profile's ``mobile_box_escorts`` is the least number; fewer are recorded but keep the box
    (and the polls) from opening."""
    with transaction.atomic():
        r, box = _lock_box(box)
        _require_mobile_at_home(box)
        people = list(dict.fromkeys(staff))
        for person in people:
            if person.election_id != r.election_id:
                raise PollingError(f"{person.name}不是本次选举的工作人员", "staff", "invalid")
            excluded = staff_exclusions(r.election, person.name, person.id_number)
            if excluded:
                raise PollingError("；".join(excluded), "staff", "excluded")
        before = sorted(p.name for p in box.escorts.all())
        box.escorts.set(people)
        audit_record(
            acting_user=acting_user,
            action="polling.mobile_escorts_set",
            obj=box,
            area=r.election.area,
            before={"escorts": before},
            after={"escorts": sorted(p.name for p in people)},
        )
    return box


def mobile_visit_add(*, acting_user: User, box: Box, voter: Voter, reason: str) -> MobileVisit:
    """Put a voter who asked for it (e.g. ill, elderly, disabled; 选举法 第三十八条 for the
    people's congresses, the same practice for villages) on a mobile box's route."""
    reason = _text(reason, "reason", "原因", limit=100)
    with transaction.atomic():
        r, box = _lock_box(box)
        _require_mobile_at_home(box)
        if RoundState(r.status) not in (RoundState.PREPARED, RoundState.OPEN):
            raise PollingError(
                f"{r}：{r.get_status_display()}，上门名单不能再变动", "", "round_closed"
            )
        _require_registered(r, voter)
        other = MobileVisit.objects.filter(round=r, voter=voter).select_related("box").first()
        if other is not None:
            raise PollingError(
                f"{voter.name}已在流动票箱“{other.box.name}”的上门名单上", "voter", "duplicate"
            )
        if CheckIn.objects.filter(round=r, voter=voter).exists():
            raise PollingError(f"{voter.name}已经验证领票", "voter", "already_voted")
        visit = MobileVisit.objects.create(
            round=r, box=box, voter=voter, reason=reason, created_by_id=_uid(acting_user)
        )
        audit_record(
            acting_user=acting_user,
            action="polling.mobile_visit_add",
            obj=visit,
            area=r.election.area,
            after={"box": box.name, "voter": voter.pk, "name": voter.name, "reason": reason},
        )
    return visit


def mobile_visit_remove(*, acting_user: User, visit: MobileVisit) -> None:
    with transaction.atomic():
        r, box = _lock_box(visit.box)
        _require_mobile_at_home(box)
        audit_record(
            acting_user=acting_user,
            action="polling.mobile_visit_remove",
            obj=visit,
            area=r.election.area,
            before={"box": box.name, "voter": visit.voter_id, "reason": visit.reason},
        )
        visit.delete()


def mobile_box_depart(*, acting_user: User, box: Box) -> Box:
    """The mobile box leaves the venue (polls open), with at least the profile's number of
    escorts and its list of voters to visit; refused otherwise."""
    from huanjie.apps.polling.selectors import escort_problems  # noqa: PLC0415

    with transaction.atomic():
        r, box = _lock_box(box)
        _require_mobile_at_home(box)
        if RoundState(r.status) not in core.ISSUING:
            raise PollingError(
                f"{r}：{r.get_status_display()}，流动票箱只能在投票开始后出发", "", "not_open"
            )
        problems = escort_problems(box)
        if problems:
            raise PollingError("；".join(problems), "box", "escorts")
        box.departed_at = timezone.now()
        box.save(update_fields=["departed_at"])
        audit_record(
            acting_user=acting_user,
            action="polling.mobile_box_depart",
            obj=box,
            area=r.election.area,
            after={
                "box": box.name,
                "escorts": sorted(p.name for p in box.escorts.all()),
                "visits": MobileVisit.objects.filter(box=box).count(),
                "at": box.departed_at,
            },
        )
    return box


def mobile_box_return(*, acting_user: User, box: Box) -> Box:
    """The mobile box is back at the venue (sealed, with its escorts); no more ballots go
    into it."""
    with transaction.atomic():
        r, box = _lock_box(box)
        if box.kind != Box.Kind.MOBILE or box.departed_at is None:
            raise PollingError(f"流动票箱“{box.name}”尚未出发", "box", "not_departed")
        if box.returned_at is not None:
            raise PollingError(f"流动票箱“{box.name}”已经返回", "box", "returned")
        box.returned_at = timezone.now()
        box.save(update_fields=["returned_at"])
        audit_record(
            acting_user=acting_user,
            action="polling.mobile_box_return",
            obj=box,
            area=r.election.area,
            after={
                "box": box.name,
                "at": box.returned_at,
                "voters": Issue.objects.filter(box=box).count(),
            },
        )
    return box


# --- Check-in and ballot issue ----------------------------------------------------------------


def _require_registered(r: Round, voter: Voter) -> None:
    from huanjie.apps.roll.models import Status as VoterStatus  # noqa: PLC0415

    if voter.election_id != r.election_id:
        raise PollingError(f"{voter.name}不是本村本届选举的选民", "voter", "not_a_voter")
    if voter.status != VoterStatus.REGISTERED:
        raise PollingError(
            f"{voter.name}：{voter.get_status_display()}，不在选民名单上，不能领取选票",
            "voter",
            "not_registered",
        )


def voter_by_card(election: Election, text: str) -> Voter:
    """The registered voter whose card's QR text this is (signed by this installation); a
    forged, altered or foreign card, or a voter no longer on the roll, is refused."""
    from huanjie.apps.roll.services import card_check  # noqa: PLC0415 — a read

    if not (text or "").strip():
        raise PollingError("请扫描选民证二维码", "card", "required")
    voter, problem = card_check(election, text)
    if voter is None or problem:
        raise PollingError(problem or "选民证无效", "card", "unknown_card")
    return voter


def _when_where(c: CheckIn) -> str:
    at = timezone.localtime(c.at).strftime("%H:%M")
    by = f"，经办人{c.by.get_username()}" if c.by is not None else ""
    return f"{at}在{c.box.station.name}“{c.box.name}”{by}"


def _already(r: Round, voter: Voter) -> str | None:
    """Why this voter can receive no ballot now (already checked in, or their ballot went to
    their proxy), with who, when and where; None if they can."""
    c = CheckIn.objects.filter(round=r, voter=voter).select_related("box__station", "by").first()
    if c is not None:
        return f"{voter.name}已于{_when_where(c)}验证领票，不能重复领取"
    issue = (
        Issue.objects.filter(round=r, voter=voter)
        .select_related("checkin__voter", "checkin__box__station", "checkin__by", "proxy")
        .first()
    )
    if issue is not None:
        serial = f"（委托投票{issue.proxy.serial}）" if issue.proxy is not None else ""
        return (
            f"{voter.name}的选票已由受委托人{issue.checkin.voter.name}于"
            f"{_when_where(issue.checkin)}代领{serial}，本人不能再领取"
        )
    return None


def _check_writer(r: Round, writer: Staff | None) -> None:
    if writer is None:
        return
    if writer.election_id != r.election_id or writer.role != Staff.Role.WRITER:
        raise PollingError(f"{writer.name}不是本次选举的代书人", "writer", "not_writer")
    excluded = staff_exclusions(r.election, writer.name, writer.id_number)
    if excluded:
        raise PollingError("；".join(excluded), "writer", "excluded")


def _proxy_rule(r: Round) -> tuple[dict[str, Any], str]:
    from huanjie.core.rules import load_profile  # noqa: PLC0415

    profile = load_profile(r.election.profile_id)
    return profile.value("proxy"), profile.article("proxy")


def _proxy_authorisations(r: Round, holder: Voter, principals: Sequence[Voter]) -> list[Any]:
    """The authorisation in force for each principal, held by ``holder``, still valid and
    within the profile's limit; refused with the reason otherwise."""
    from huanjie.apps.proxies.selectors import held_by, standing  # noqa: PLC0415

    if not principals:
        return []
    rule, article = _proxy_rule(r)
    if not rule["allowed"]:
        raise PollingError(f"本选举规则不允许委托投票（{article}）", "principals", "not_allowed")
    if len({p.pk for p in principals}) != len(principals):
        raise PollingError("委托人重复", "principals", "duplicate")
    held = {a.principal_id: a for a in held_by(r.election, holder).select_related("principal")}
    found = []
    for p in principals:
        auth = held.get(p.pk)
        if auth is None:
            raise PollingError(
                f"{holder.name}没有{p.name}的有效委托（须在“委托投票”中事先办理；不得当场委托）",
                "principals",
                "no_authorisation",
            )
        errors = [x for x in standing(r.election, auth) if x.level == "error"]
        if errors:
            raise PollingError(
                f"委托投票{auth.serial}（{p.name}委托{holder.name}）无效：{errors[0].text}"
                f"（{errors[0].article}）",
                "principals",
                "void_authorisation",
            )
        _require_registered(r, p)
        already = _already(r, p)
        if already is not None:
            raise PollingError(already, "principals", "already_voted")
        found.append(auth)
    limit = rule["limit"]
    earlier = Issue.objects.filter(round=r, checkin__voter=holder, proxy__isnull=False).count()
    if limit is not None and earlier + len(found) > limit:
        raise PollingError(
            f"{holder.name}接受委托投票不得超过{limit}人（{article}），"
            f"本次{len(found)}人{f'、此前已代领{earlier}人' if earlier else ''}",
            "principals",
            "over_limit",
        )
    return found


def ballot_issue(
    *,
    acting_user: User,
    round: Round,
    voter: Voter,
    box: Box,
    method: str = CheckIn.Method.SEARCH,
    principals: Sequence[Voter] = (),
    writer: Staff | None = None,
) -> CheckIn:
    """Check a voter in and issue their ballot into ``box`` (验证发票), and, when they hold
    proxies, one ballot for each principal named (委托投票: in force, published where the
    profile requires, within the profile's limit). Once per voter and round: a voter already
    checked in, or whose ballot went to their proxy, is refused with who, when and where; a
    principal who already voted in person cannot be voted for by the proxy. Only while polls
    are open; into a mobile box only while it is out, and only for the voters on its list.
    ``writer``: the 代书人 who writes the ballot for a voter who cannot (代写)."""
    if method not in CheckIn.Method.values:
        raise PollingError(f"验证方式“{method}”不正确", "method", "invalid")
    with transaction.atomic():
        r = _lock_round(round)
        if RoundState(r.status) not in core.ISSUING:
            raise PollingError(
                f"{r}：{r.get_status_display()}，不能发放选票（只在投票进行中发票）",
                "",
                "polls_not_open",
            )
        box = Box.objects.select_related("station").get(pk=box.pk)
        if box.round_id != r.pk:
            raise PollingError("票箱不属于本轮投票", "box", "invalid")
        _require_registered(r, voter)
        if box.kind == Box.Kind.MOBILE:
            if box.departed_at is None or box.returned_at is not None:
                raise PollingError(
                    f"流动票箱“{box.name}”{'已返回' if box.returned_at else '尚未出发'}，不能投入",
                    "box",
                    "mobile_not_out",
                )
            if not MobileVisit.objects.filter(box=box, voter=voter).exists():
                raise PollingError(
                    f"{voter.name}不在流动票箱“{box.name}”的上门投票名单上", "voter", "not_listed"
                )
            method = CheckIn.Method.MOBILE
        elif method == CheckIn.Method.MOBILE:
            raise PollingError("只有流动票箱上门投票才用此方式", "method", "invalid")
        already = _already(r, voter)
        if already is not None:
            raise PollingError(already, "voter", "already_voted")
        if box.kind == Box.Kind.MOBILE and principals:
            raise PollingError("流动票箱不办理委托投票", "principals", "not_allowed")
        auths = _proxy_authorisations(r, voter, principals)
        _check_writer(r, writer)
        now = timezone.now()
        checkin = CheckIn.objects.create(
            round=r, voter=voter, box=box, method=method, at=now, by_id=_uid(acting_user)
        )
        Issue.objects.create(
            round=r,
            voter=voter,
            checkin=checkin,
            box=box,
            writer=writer,
            at=now,
            by_id=_uid(acting_user),
        )
        for auth in auths:
            Issue.objects.create(
                round=r,
                voter=auth.principal,
                checkin=checkin,
                box=box,
                proxy=auth,
                at=now,
                by_id=_uid(acting_user),
            )
        audit_record(
            acting_user=acting_user,
            action="polling.ballot_issue",
            obj=checkin,
            area=r.election.area,
            after={
                "round": r.number,
                "voter": voter.pk,
                "name": voter.name,
                "box": box.name,
                "method": method,
                "proxies": [
                    {"principal": a.principal_id, "name": a.principal.name, "serial": a.serial}
                    for a in auths
                ],
                "writer": writer.name if writer else None,
            },
        )
    return checkin


def proxy_ballots_issue(
    *,
    acting_user: User,
    round: Round,
    holder: Voter,
    principals: Sequence[Voter],
) -> list[Issue]:
    """Issue the ballots of principals to a proxy who has already checked in (e.g. came back
    with the 委托投票证), into the box of their check-in; same rules as :func:`ballot_issue`."""
    if not principals:
        raise PollingError("请选择代领的委托人", "principals", "required")
    with transaction.atomic():
        r = _lock_round(round)
        if RoundState(r.status) not in core.ISSUING:
            raise PollingError(
                f"{r}：{r.get_status_display()}，不能发放选票（只在投票进行中发票）",
                "",
                "polls_not_open",
            )
        checkin = CheckIn.objects.filter(round=r, voter=holder).select_related("box").first()
        if checkin is None:
            raise PollingError(f"{holder.name}尚未验证领票", "voter", "not_checked_in")
        if checkin.box.kind == Box.Kind.MOBILE:
            raise PollingError("流动票箱不办理委托投票", "principals", "not_allowed")
        auths = _proxy_authorisations(r, holder, principals)
        now = timezone.now()
        issues = [
            Issue.objects.create(
                round=r,
                voter=auth.principal,
                checkin=checkin,
                box=checkin.box,
                proxy=auth,
                at=now,
                by_id=_uid(acting_user),
            )
            for auth in auths
        ]
        audit_record(
            acting_user=acting_user,
            action="polling.proxy_ballots_issue",
            obj=checkin,
            area=r.election.area,
            after={
                "round": r.number,
                "holder": holder.pk,
                "name": holder.name,
                "box": checkin.box.name,
                "proxies": [
                    {"principal": a.principal_id, "name": a.principal.name, "serial": a.serial}
                    for a in auths
                ],
            },
        )
    return issues


def assisted_writing_record(
    *,
    acting_user: User,
    round: Round,
    voter: Voter,
    writer: Staff,
) -> Issue:
    """Record that a 代书人 wrote the ballot of a voter who already received it (代写: the voter
    cannot write, e.g. illiterate or disabled); only while polls are open, once."""
    with transaction.atomic():
        r = _lock_round(round)
        if RoundState(r.status) not in core.ISSUING:
            raise PollingError(f"{r}：{r.get_status_display()}，不能登记代写", "", "polls_not_open")
        issue = Issue.objects.filter(round=r, voter=voter, proxy__isnull=True).first()
        if issue is None:
            raise PollingError(f"{voter.name}尚未本人领取选票", "voter", "not_issued")
        if issue.writer_id is not None:
            raise PollingError(f"{voter.name}的代写已登记", "voter", "duplicate")
        _check_writer(r, writer)
        issue.writer = writer
        issue.save(update_fields=["writer"])
        audit_record(
            acting_user=acting_user,
            action="polling.assisted_writing",
            obj=issue,
            area=r.election.area,
            after={"round": r.number, "voter": voter.pk, "name": voter.name, "writer": writer.name},
        )
    return issue
