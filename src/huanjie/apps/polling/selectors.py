"""Reads of the polling part used by its pages and API and by other parts: the rounds of an
election (``rounds``, ``current_round``), the figures of a box and of a round (``box_figures``,
``round_figures``: counting reconciles against them, results report them), and the election
staff (``staff_roles``, ``is_chief_scrutineer``: who may act as what on counting day)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from huanjie.apps.campaigns.models import Election
from huanjie.apps.polling.models import Box, CheckIn, Issue, MobileVisit, Round, Staff, Station
from huanjie.apps.roll.models import Voter
from huanjie.apps.roll.selectors import registered
from huanjie.core.arith import Share
from huanjie.core.rounds import RoundState
from huanjie.core.rules import load_profile

# --- Rounds -----------------------------------------------------------------------------------


def rounds(election: Election) -> QuerySet[Round]:
    """Every round of the election, in order (第1轮, 第2轮 …)."""
    return Round.objects.filter(election=election).select_related("parent").order_by("number")


def get_round(election: Election, number: int) -> Round:
    return rounds(election).get(number=number)


def current_round(election: Election) -> Round | None:
    """The round that needs work now: the one open, else the earliest not yet decided, else the
    last one; None before any round exists."""
    all_rounds = list(rounds(election))
    for r in all_rounds:
        if r.status == RoundState.OPEN:
            return r
    for r in all_rounds:
        if r.status != RoundState.DECIDED:
            return r
    return all_rounds[-1] if all_rounds else None


def stations(election: Election) -> QuerySet[Station]:
    return Station.objects.filter(election=election).order_by("kind", "pk")


def boxes(r: Round) -> QuerySet[Box]:
    return r.boxes.select_related("station").prefetch_related("escorts").order_by("pk")


# --- Figures ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoxFigures:
    """One box's figures: ``voters`` — voters whose ballot was issued into this box (投票人数,
    in person or by proxy); ``issued`` — ballots handed out for it (发出选票数); ``present`` —
    people checked in at it; ``by_proxy`` and ``assisted`` — of the voters, how many voted by
    proxy (委托投票) and how many had their ballot written for them (代写)."""

    voters: int
    issued: int
    present: int = 0
    by_proxy: int = 0
    assisted: int = 0
    box_id: int = 0
    name: str = ""
    station: str = ""
    kind: str = Box.Kind.FIXED


def _box_rows(qs: QuerySet[Box]) -> list[BoxFigures]:
    rows = qs.select_related("station").annotate(
        n_issued=Count("issues", distinct=True),
        n_present=Count("checkins", distinct=True),
        n_proxy=Count("issues", filter=Q(issues__proxy__isnull=False), distinct=True),
        n_assisted=Count("issues", filter=Q(issues__writer__isnull=False), distinct=True),
    )
    return [
        BoxFigures(
            voters=b.n_issued,
            issued=b.n_issued,
            present=b.n_present,
            by_proxy=b.n_proxy,
            assisted=b.n_assisted,
            box_id=b.pk,
            name=b.name,
            station=b.station.name,
            kind=b.kind,
        )
        for b in rows.order_by("pk")
    ]


def box_figures(box: Box) -> BoxFigures:
    """The figures of one box (see :class:`BoxFigures`)."""
    return _box_rows(Box.objects.filter(pk=box.pk))[0]


@dataclass(frozen=True)
class RoundFigures:
    """A round's turnout: ``electorate`` — registered voters on the roll (frozen when polls
    opened); ``voters``/``issued``/``present``/``by_proxy``/``assisted`` summed over ``boxes``;
    the quorum (profile ``quorum``) as a share of the electorate."""

    electorate: int
    voters: int
    issued: int
    boxes: list[BoxFigures] = field(default_factory=list)
    present: int = 0
    by_proxy: int = 0
    assisted: int = 0
    quorum: Share | None = None
    quorum_article: str = ""

    @property
    def mobile(self) -> int:
        """Voters who voted by mobile box (使用流动票箱投票人数)."""
        return sum(b.voters for b in self.boxes if b.kind == Box.Kind.MOBILE)

    @property
    def quorum_needed(self) -> int:
        """The least number of voters that meets the quorum (e.g. 31 of 60 for 过半数)."""
        return self.quorum.least(self.electorate) if self.quorum else 0

    @property
    def quorum_met(self) -> bool:
        return self.quorum.met(self.voters, self.electorate) if self.quorum else True

    @property
    def short_of_quorum(self) -> int:
        """How many more voters the quorum needs (0 once it is met)."""
        return max(0, self.quorum_needed - self.voters)

    @property
    def quorum_text(self) -> str:
        """E.g. "还差 7 人过半" or "已过半数（31×2=62 > 60×1=60）"."""
        if self.quorum is None:
            return ""
        word = self.quorum.describe()
        if self.quorum_met:
            return f"已{word}（{self.quorum.formula(self.voters, self.electorate)}）"
        return f"还差 {self.short_of_quorum} 人{word}"


def electorate(r: Round) -> int:
    """Registered voters: frozen when polls opened, the roll as it is before that."""
    if r.electorate is not None:
        return r.electorate
    return registered(r.election).count()


def round_figures(r: Round) -> RoundFigures:
    """Turnout of a round per box and in total, against the profile's quorum."""
    rows = _box_rows(Box.objects.filter(round=r))
    profile = load_profile(r.election.profile_id)
    quorum = profile.value("quorum")
    return RoundFigures(
        electorate=electorate(r),
        voters=sum(b.voters for b in rows),
        issued=sum(b.issued for b in rows),
        boxes=rows,
        present=sum(b.present for b in rows),
        by_proxy=sum(b.by_proxy for b in rows),
        assisted=sum(b.assisted for b in rows),
        quorum=quorum["share"],
        quorum_article=profile.article("quorum"),
    )


@dataclass(frozen=True)
class StationFigures:
    station: str
    voters: int
    issued: int
    present: int
    boxes: list[BoxFigures]


def station_figures(figures: RoundFigures) -> list[StationFigures]:
    """The round's box figures grouped by station (a mobile box counts at its station)."""
    grouped: dict[str, list[BoxFigures]] = {}
    for b in figures.boxes:
        grouped.setdefault(b.station, []).append(b)
    return [
        StationFigures(
            station=name,
            voters=sum(b.voters for b in items),
            issued=sum(b.issued for b in items),
            present=sum(b.present for b in items),
            boxes=items,
        )
        for name, items in grouped.items()
    ]


# --- Staff ------------------------------------------------------------------------------------


def staff(election: Election) -> QuerySet[Staff]:
    return (
        Staff.objects.filter(election=election)
        .select_related("voter", "voter__group", "user", "station")
        .order_by("role", "pk")
    )


def staff_roles(election: Election, user: object) -> set[str]:
    """The staff roles (``Staff.Role`` values) the user's account holds in this election."""
    pk = getattr(user, "pk", None)
    if pk is None:
        return set()
    return set(Staff.objects.filter(election=election, user_id=pk).values_list("role", flat=True))


def is_chief_scrutineer(election: Election, user: object) -> bool:
    """Whether the user is this election's 总监票人 (who signs off the count)."""
    return Staff.Role.CHIEF_SCRUTINEER in staff_roles(election, user)


# --- Mobile boxes -----------------------------------------------------------------------------


def mobile_escorts_min(election: Election) -> tuple[int, str]:
    """The least number of staff escorting a mobile box, and the rule it rests on."""
    from huanjie.apps.polling.rules import mobile_escorts  # noqa: PLC0415

    return mobile_escorts(election)


def escort_problems(box: Box) -> list[str]:
    """Why a mobile box may not go out yet (too few escorts, nobody to visit)."""
    if box.kind != Box.Kind.MOBILE:
        return []
    least, basis = mobile_escorts_min(box.round.election)
    found = []
    n = box.escorts.count()
    if n < least:
        found.append(f"流动票箱“{box.name}”须有不少于{least}名工作人员随箱（{basis}），现有{n}名")
    if not MobileVisit.objects.filter(box=box).exists():
        found.append(f"流动票箱“{box.name}”尚未登记上门投票的选民")
    return found


def visits(box: Box) -> QuerySet[MobileVisit]:
    return MobileVisit.objects.filter(box=box).select_related("voter", "voter__group")


# --- Check-in ---------------------------------------------------------------------------------


def checkin_of(r: Round, voter_id: int) -> CheckIn | None:
    return (
        CheckIn.objects.filter(round=r, voter_id=voter_id)
        .select_related("box", "box__station", "by")
        .first()
    )


def issue_of(r: Round, voter_id: int) -> Issue | None:
    return (
        Issue.objects.filter(round=r, voter_id=voter_id)
        .select_related("checkin__voter", "box", "box__station", "by", "proxy")
        .first()
    )


def recent_checkins(r: Round, limit: int = 10) -> list[CheckIn]:
    return list(
        CheckIn.objects.filter(round=r)
        .select_related("voter", "voter__group", "box")
        .prefetch_related("issues__voter")
        .order_by("-at", "-pk")[:limit]
    )


@dataclass(frozen=True)
class PrincipalRow:
    """A principal whose authorisation a voter holds, and whether their ballot was issued."""

    voter_id: int
    name: str
    serial: str
    status: str  # "" (may be issued now), or what happened / why not


@dataclass(frozen=True)
class VoterRow:
    """One voter as the check-in page shows them: group, masked ID and where they stand."""

    voter_id: int
    name: str
    group: str
    masked_id: str
    serial: str
    status: str  # "" = may receive a ballot now; else what happened (已领票 09:12 …)
    checked_in: bool
    principals: list[PrincipalRow]

    @property
    def may_issue(self) -> bool:
        return not self.status

    @property
    def open_principals(self) -> list[PrincipalRow]:
        return [p for p in self.principals if not p.status]


def _stamp(c: CheckIn) -> str:
    from django.utils import timezone  # noqa: PLC0415

    return f"{timezone.localtime(c.at):%H:%M} {c.box.station.name}{c.box.name}"


def voter_rows(r: Round, voters: list[Voter]) -> list[VoterRow]:
    """Check-in state of each voter (and of the principals whose proxies they hold)."""
    from huanjie.apps.proxies.selectors import in_force, standing  # noqa: PLC0415
    from huanjie.apps.roll.selectors import mask_id  # noqa: PLC0415

    ids = [v.pk for v in voters]
    auths = list(in_force(r.election).filter(proxy_id__in=ids).select_related("principal"))
    given = {
        a.principal_id: a
        for a in in_force(r.election).filter(principal_id__in=ids).select_related("proxy")
    }
    everyone = ids + [a.principal_id for a in auths]
    checkins = {
        c.voter_id: c
        for c in CheckIn.objects.filter(round=r, voter_id__in=everyone).select_related(
            "box__station"
        )
    }
    issues = {
        i.voter_id: i
        for i in Issue.objects.filter(round=r, voter_id__in=everyone).select_related(
            "checkin__voter", "checkin__box__station"
        )
    }

    def state(voter_id: int) -> str:
        c = checkins.get(voter_id)
        if c is not None:
            return f"已领票 {_stamp(c)}"
        i = issues.get(voter_id)
        if i is not None:
            return f"已由{i.checkin.voter.name}代领 {_stamp(i.checkin)}"
        return ""

    rows = []
    for v in voters:
        principals = []
        for a in auths:
            if a.proxy_id != v.pk:
                continue
            why = state(a.principal_id)
            errors = [x for x in standing(r.election, a) if x.level == "error"]
            if not why and errors:
                why = f"委托无效：{errors[0].text}"
            principals.append(PrincipalRow(a.principal_id, a.principal.name, a.serial, why))
        status = state(v.pk)
        auth = given.get(v.pk)
        note = f"（已委托{auth.proxy.name}代投）" if auth is not None and not status else ""
        rows.append(
            VoterRow(
                voter_id=v.pk,
                name=v.name + note,
                group=v.group.name if v.group else "未分组",
                masked_id=mask_id(v.id_number),
                serial=v.serial,
                status=status,
                checked_in=v.pk in checkins,
                principals=principals,
            )
        )
    return rows


def search(r: Round, text: str, limit: int = 8) -> list[VoterRow]:
    """Typeahead over the roll: registered voters whose name (or its simplified form),
    ID number or voter-card serial matches ``text``."""
    from huanjie.apps.roll.selectors import registered  # noqa: PLC0415
    from huanjie.core.names import normalize  # noqa: PLC0415

    text = text.strip()
    if not text:
        return []
    key = normalize(text)
    query = Q(name__startswith=text) | Q(name__contains=text) | Q(serial=text.upper())
    if key:
        query |= Q(name_key__contains=key)
    if len(text) >= 6 and text[:-1].isdigit():
        query |= Q(id_number__startswith=text.upper())
    found = list(
        registered(r.election)
        .filter(query)
        .select_related("group")
        .order_by("name_key", "pk")[:limit]
    )
    exact = [v for v in found if v.name == text]
    return voter_rows(r, exact + [v for v in found if v not in exact])
