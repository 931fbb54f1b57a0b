"""Reads of the candidates part used by its pages and API and by other parts:
``is_candidate`` (proxies: a candidate may not hold proxies where the profile says so) and
``formal_list`` (ballot printing: the formal candidates per post in stroke order)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet

from huanjie.apps.campaigns.models import Election, Post
from huanjie.apps.candidates.models import (
    ACTIVE,
    Candidate,
    Department,
    Finding,
    NominationDecision,
    NominationRound,
    Nominee,
    Notice,
    Review,
    Status,
)
from huanjie.apps.proxies.selectors import held_by
from huanjie.apps.roll.models import Voter
from huanjie.core import entry
from huanjie.core.entry import EntryState
from huanjie.core.names import Convention, sort_key
from huanjie.core.rules import Profile, load_profile

# --- For other parts -------------------------------------------------------------------------


def is_candidate(election: Election, voter: Voter) -> bool:
    """Whether ``voter`` is (still) a candidate in ``election``: preliminary, under review,
    qualified or formal. People who withdrew or were found unqualified are not."""
    return Candidate.objects.filter(election=election, voter=voter, status__in=ACTIVE).exists()


@dataclass(frozen=True)
class FormalCandidate:
    candidate_id: int
    voter_id: int
    name: str
    sex: str  # "M" | "F"
    votes: int  # nomination votes


@dataclass(frozen=True)
class FormalPost:
    kind: str  # Post.Kind value: chair, vice_chair, member, women_member
    name: str  # 主任 …
    seats: int
    women_only: bool
    candidates: list[FormalCandidate]


def formal_list(election: Election) -> list[FormalPost]:
    """The published formal candidates per post (in the election's post order), each post's
    names in official stroke order (the profile's ``name_order``: 姓氏笔画 or 姓名笔画), as
    printed on the ballot. Empty while no current formal list is published."""
    if current_notice(election, Notice.Kind.FORMAL) is None:
        return []
    convention = name_convention(load_profile(election.profile_id))
    formal = Candidate.objects.filter(election=election, status=Status.FORMAL).select_related(
        "voter"
    )
    result = []
    for post in election.posts.order_by("order"):
        people = stroke_ordered([c for c in formal if c.post_id == post.pk], convention)
        result.append(
            FormalPost(
                kind=post.kind,
                name=post.get_kind_display(),
                seats=post.seats,
                women_only=post.women_only,
                candidates=[
                    FormalCandidate(c.pk, c.voter_id, c.voter.name, c.voter.sex, c.votes)
                    for c in people
                ],
            )
        )
    return result


# --- Ordering ---------------------------------------------------------------------------------


def name_convention(profile: Profile) -> Convention:
    value = profile.value("name_order")
    return "fullname" if value == "fullname" else "surname"


def stroke_ordered(candidates: Sequence[Candidate], convention: Convention) -> list[Candidate]:
    return sorted(candidates, key=lambda c: (sort_key(c.voter.name, convention=convention), c.pk))


def notice_order(profile: Profile) -> tuple[str, str]:
    """How the published list is ordered: by nomination votes where the province says so
    (profile ``candidate_notice_order``: 浙江 第十八条第三款, 上海 第十二条第二款, 北京 第二十条),
    else by the profile's name order."""
    if profile.value("candidate_notice_order") == "votes":
        return "votes", f"按提名得票多少为序（{profile.article('candidate_notice_order')}）"
    return "strokes", stroke_note(profile)


def stroke_note(profile: Profile) -> str:
    how = "姓名" if name_convention(profile) == "fullname" else "姓氏"
    return f"按{how}笔画排序（{profile.article('name_order')}）"


def notice_order_for(election: Election) -> tuple[str, str]:
    return notice_order(load_profile(election.profile_id))


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def notice_content(
    election: Election, active: Sequence[Candidate], *, order: str, start: date
) -> dict[str, Any]:
    """The frozen content of a notice: per post, the candidates in the order to print."""
    convention = name_convention(load_profile(election.profile_id))
    posts = []
    for post in election.posts.order_by("order"):
        people = stroke_ordered([c for c in active if c.post_id == post.pk], convention)
        if order == "votes":
            people.sort(key=lambda c: -c.votes)  # stable: equal votes stay in stroke order
        posts.append(
            {
                "kind": post.kind,
                "name": post.get_kind_display(),
                "seats": post.seats,
                "candidates": [
                    {
                        "id": c.pk,
                        "name": c.voter.name,
                        "sex": c.voter.get_sex_display(),
                        "age": _age(c.voter.birth_date, start),
                        "votes": c.votes,
                    }
                    for c in people
                ],
            }
        )
    return {"title": election.title, "posts": posts, "order": order}


def contest_problems(election: Election, active: Sequence[Candidate]) -> list[str]:
    """Posts whose number of candidates is outside the profile's 差额 bounds, or with a man
    on a women-only post (core ``ContestRule.bounds``)."""
    profile = load_profile(election.profile_id)
    contest = profile.value("contest")
    problems = []
    for post in election.posts.order_by("order"):
        name = post.get_kind_display()
        least, most = contest.get(name, contest["*"]).bounds(post.seats)
        n = sum(1 for c in active if c.post_id == post.pk)
        bound = f"{least}" if most == least else f"{least}至{most}" if most else f"不少于{least}"
        if n < least or (most is not None and n > most):
            problems.append(
                f"{name}应选 {post.seats} 名，候选人应为 {bound} 名，现有 {n} 名"
                f"（{profile.article('contest')}）"
            )
        if post.women_only:
            men = [c.voter.name for c in active if c.post_id == post.pk and c.voter.sex != "F"]
            if men:
                problems.append(f"{name}限妇女，{'、'.join(men)}不能作为该职务候选人")
    return problems


# --- Tallies ----------------------------------------------------------------------------------


def rounds(election: Election) -> QuerySet[NominationRound]:
    return NominationRound.objects.filter(election=election).select_related(
        "post", "first_clerk", "second_clerk", "coordinator"
    )


def main_round(election: Election) -> NominationRound | None:
    return rounds(election).filter(kind=NominationRound.Kind.NOMINATION).order_by("-number").first()


def get_round(election: Election, number: int) -> NominationRound:
    return rounds(election).get(number=number)


def nominees(election: Election) -> QuerySet[Nominee]:
    return Nominee.objects.filter(election=election).select_related("voter", "voter__group")


@dataclass(frozen=True)
class SheetLayout:
    """What a tally form shows: its posts (key, label, seats) and its rows (nominee labels)."""

    posts: list[tuple[str, str, int]]
    names: list[str]


def layout(r: NominationRound) -> SheetLayout:
    if r.kind == NominationRound.Kind.REVOTE and r.post is not None:
        return SheetLayout(
            posts=[(r.post.kind, r.post.get_kind_display(), r.places)], names=list(r.names)
        )
    posts: list[Post] = list(r.election.posts.order_by("order"))
    return SheetLayout(
        posts=[(p.kind, p.get_kind_display(), p.seats) for p in posts],
        names=[n.label for n in nominees(r.election)],
    )


def round_validator(r: NominationRound) -> entry.Validator:
    sheet = layout(r)
    posts = {key: (label, seats) for key, label, seats in sheet.posts}

    def validate(counts: entry.Counts) -> list[entry.Finding]:
        return entry.nomination_findings(counts, posts=posts, nominees=sheet.names)

    return validate


def may_see_entries(r: NominationRound) -> bool:
    """Entries are shown only once both are in: never the first to the second clerk."""
    return r.state in (EntryState.ENTRIES_DIFFERENT.value, EntryState.DEFINITIVE.value)


def entries_compared(r: NominationRound) -> list[dict[str, Any]]:
    """Every cell of both entries side by side (only when both are in)."""
    if not may_see_entries(r) or r.first_counts is None or r.second_counts is None:
        return []
    first, second = r.first_counts, r.second_counts
    labels = {key: label for key, label, _ in layout(r).posts}
    rows = []
    for key in sorted(set(first) | set(second), key=_cell_order(r)):
        post, kind, name = entry.split_key(key)
        rows.append(
            {
                "key": key,
                "post": labels.get(post, post),
                "what": {"issued": "发出票数", "returned": "收回票数"}.get(kind, name),
                "first": first.get(key, 0),
                "second": second.get(key, 0),
                "differs": first.get(key, 0) != second.get(key, 0),
            }
        )
    return rows


def _cell_order(r: NominationRound) -> Any:
    sheet = layout(r)
    post_index = {key: i for i, (key, _, _) in enumerate(sheet.posts)}
    name_index = {n: i for i, n in enumerate(sheet.names)}

    def order(key: str) -> tuple[int, int, int, str]:
        post, kind, name = entry.split_key(key)
        k = {"issued": 0, "returned": 1}.get(kind, 2)
        return (post_index.get(post, 99), k, name_index.get(name, 10**6), name)

    return order


def latest_decision(election: Election) -> NominationDecision | None:
    return NominationDecision.objects.filter(election=election).order_by("-pk").first()


def pending_revotes(election: Election) -> QuerySet[NominationRound]:
    return (
        rounds(election)
        .filter(kind=NominationRound.Kind.REVOTE)
        .exclude(state=EntryState.DEFINITIVE.value)
    )


# --- Candidates, reviews and notices --------------------------------------------------------


def candidates(election: Election) -> QuerySet[Candidate]:
    return (
        Candidate.objects.filter(election=election)
        .select_related("voter", "post", "replaces", "replaces__voter")
        .prefetch_related("reviews")
    )


def get_candidate(election: Election, pk: int) -> Candidate:
    return candidates(election).get(pk=pk)


@dataclass(frozen=True)
class ReviewCell:
    department: str
    label: str
    review: Review | None


def review_cells(candidate: Candidate) -> list[ReviewCell]:
    done = {r.department: r for r in candidate.reviews.all()}
    return [ReviewCell(d.value, d.label, done.get(d.value)) for d in Department]


def review_summary(candidate: Candidate) -> str:
    done = {r.department: r.finding for r in candidate.reviews.all()}
    ok = sum(1 for f in done.values() if f == Finding.QUALIFIED)
    return f"{ok}/{len(Department)} 合格"


def current_notice(election: Election, kind: str) -> Notice | None:
    return (
        Notice.objects.filter(election=election, kind=kind, superseded_at__isnull=True)
        .order_by("-pk")
        .first()
    )


def notices(election: Election) -> QuerySet[Notice]:
    return Notice.objects.filter(election=election).order_by("-pk")


def proxies_held(election: Election, voter: Voter) -> int:
    """How many proxy authorisations in force this candidate holds (proxies part)."""
    return held_by(election, voter).count()


def candidate_warnings(election: Election, candidate: Candidate) -> list[str]:
    """Things the committee should act on for one active candidate."""
    if not candidate.is_active:
        return []
    warnings = []
    profile = load_profile(election.profile_id)
    proxy = profile.value("proxy")
    if not proxy["candidate_may_hold"]:
        held = proxies_held(election, candidate.voter)
        if held:
            warnings.append(
                f"持有 {held} 份委托投票，本规则候选人不得接受委托（{profile.article('proxy')}），"
                "须在“委托投票”中撤销后由委托人另行委托"
            )
    return warnings


def nomination_blockers(election: Election) -> list[str]:
    """Registered for the nomination stage: it cannot close before the formal list is out."""
    if current_notice(election, Notice.Kind.FORMAL) is not None:
        return []
    last = Notice.objects.filter(election=election, kind=Notice.Kind.FORMAL).order_by("-pk").first()
    if last is not None:
        return [f"正式候选人名单须重新公布（{last.superseded_reason}）"]
    return ["正式候选人名单尚未公布"]
