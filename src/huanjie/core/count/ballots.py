"""Ballot validity and tallying.

Each distinct ballot is judged once and its verdict multiplied by how often it occurs, so
the order of ballots can never matter and a million ballots are counted at C speed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from huanjie.core.count.model import Ballot, Post
from huanjie.core.rules import Profile


@dataclass(frozen=True, slots=True)
class Policy:
    """The ballot rules of a profile, read once per round."""

    overmark_voids_ballot: bool
    unreadable_voids_ballot: bool
    same_person: str
    write_ins_allowed: bool
    unmarked_write_in_counts: bool
    cap_includes_write_ins: bool

    @classmethod
    def of(cls, profile: Profile) -> Policy:
        return cls(
            overmark_voids_ballot=profile.value("overmark") == "ballot",
            unreadable_voids_ballot=profile.value("unreadable") == "ballot",
            same_person=profile.value("same_person_two_posts"),
            write_ins_allowed=profile.value("write_ins_allowed"),
            unmarked_write_in_counts=profile.value("write_in_without_mark_counts"),
            cap_includes_write_ins=profile.value("cap_includes_write_ins"),
        )


# Why a ballot or a section was not counted (stable codes; the outcome names their articles).
OVERMARK = "overmarked"
UNREADABLE = "unreadable"
TWO_POSTS = "same_person_two_posts"


@dataclass(slots=True)
class Verdict:
    """The judgement of one distinct ballot."""

    valid: bool
    counted: tuple[tuple[str, ...] | None, ...]  # per post: names counted, None if section void
    why: str = ""  # for a void ballot
    section_why: tuple[str, ...] = ()
    dropped_lower: int = 0  # marks dropped because the person was chosen for a higher post


def judge(ballot: Ballot, posts: Sequence[Post], policy: Policy) -> Verdict:
    """Decide one ballot under the profile's rules."""
    n = len(posts)
    if ballot is None:
        return Verdict(False, (None,) * n, UNREADABLE)
    counted: list[tuple[str, ...] | None] = []
    why: list[str] = []
    for post, (yes, wins, unreadable) in zip(posts, ballot, strict=True):
        if unreadable:
            if policy.unreadable_voids_ballot:
                return Verdict(False, (None,) * n, UNREADABLE)
            counted.append(None)
            why.append(UNREADABLE)
            continue
        names = dict.fromkeys(yes)
        marks = len(names)
        if wins and policy.write_ins_allowed:
            for name, marked in wins:
                if (marked or policy.unmarked_write_in_counts) and name not in names:
                    names[name] = None
                    if policy.cap_includes_write_ins:
                        marks += 1
        if marks > post.seats:
            if policy.overmark_voids_ballot:
                return Verdict(False, (None,) * n, OVERMARK)
            counted.append(None)
            why.append(OVERMARK)
            continue
        counted.append(tuple(names))
        why.append("")
    dropped = 0
    if n > 1 and policy.same_person != "valid":
        seen: set[str] = set()
        for i, names_i in enumerate(counted):
            if not names_i:
                continue
            repeat = [x for x in names_i if x in seen]
            if repeat:
                if policy.same_person == "ballot_invalid":
                    return Verdict(False, (None,) * n, TWO_POSTS)
                counted[i] = tuple(x for x in names_i if x not in seen)
                dropped += len(repeat)
            seen.update(names_i)
    return Verdict(True, tuple(counted), "", tuple(why), dropped)


@dataclass(slots=True)
class Tally:
    """Votes per post, and the ballot and section counts behind them."""

    votes: list[Counter[str]]
    valid: int = 0
    invalid: int = 0
    blank: int = 0
    invalid_by: Counter[str] = field(default_factory=Counter)
    section_invalid: list[Counter[str]] = field(default_factory=list)
    section_blank: list[int] = field(default_factory=list)
    dropped_lower: int = 0


def tally(ballots: Sequence[Ballot], posts: Sequence[Post], policy: Policy) -> Tally:
    """Count ballot-level input: each distinct ballot judged once, weighted by its frequency."""
    n = len(posts)
    result = Tally(
        votes=[Counter() for _ in posts],
        section_invalid=[Counter() for _ in posts],
        section_blank=[0] * n,
    )
    for ballot, times in Counter(ballots).items():
        verdict = judge(ballot, posts, policy)
        if not verdict.valid:
            result.invalid += times
            result.invalid_by[verdict.why] += times
            continue
        result.valid += times
        result.dropped_lower += verdict.dropped_lower * times
        empty = True
        for i, names in enumerate(verdict.counted):
            if names is None:
                result.section_invalid[i][verdict.section_why[i]] += times
                empty = False
            elif names:
                empty = False
                votes = result.votes[i]
                for name in names:
                    votes[name] += times
            else:
                result.section_blank[i] += times
        if empty:
            result.blank += times
    return result
