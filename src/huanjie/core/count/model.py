"""The values a round is decided from, and the outcome it produces.

Ballots are plain tuples so that a million of them hash and count at C speed:
``Ballot = tuple[Section, ...]`` aligned with the round's posts, or ``None`` for a ballot
that cannot be read at all; ``Section = (marked names, write-ins, unreadable)`` where a
write-in is ``(name, marked)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from huanjie.core.rules import Profile

WriteIn = tuple[str, bool]
Section = tuple[tuple[str, ...], tuple[WriteIn, ...], bool]
Ballot = tuple[Section, ...] | None

BLANK: Section = ((), (), False)
UNREADABLE: Section = ((), (), True)

Kind = Literal["regular", "revote", "additional"]
KINDS: tuple[str, ...] = ("regular", "revote", "additional")
Level = Literal["info", "warning", "error"]


def section(
    yes: Sequence[str] = (), write_in: Sequence[str | WriteIn] = (), *, unreadable: bool = False
) -> Section:
    """Build a ballot section; a bare write-in name counts as marked."""
    wins = tuple((w, True) if isinstance(w, str) else (w[0], bool(w[1])) for w in write_in)
    return (tuple(yes), wins, unreadable)


@dataclass(frozen=True, slots=True)
class Post:
    name: str
    seats: int
    women_only: bool = False


@dataclass(frozen=True, slots=True)
class Candidate:
    name: str
    post: str
    sex: str | None = None  # "M" | "F"


@dataclass(frozen=True, slots=True)
class Box:
    name: str
    collected: int
    voters: int | None = None
    issued: int | None = None


@dataclass(frozen=True, slots=True)
class Winner:
    """Someone elected in an earlier round of the same election."""

    name: str
    post: str
    sex: str | None = None


@dataclass(frozen=True, slots=True)
class RoundInput:
    profile: Profile
    kind: Kind
    electorate: int
    issued: int
    collected: int
    posts: tuple[Post, ...]
    candidates: tuple[Candidate, ...]
    present: int | None = None
    boxes: tuple[Box, ...] = ()
    ballots: Sequence[Ballot] | None = None
    totals: Mapping[str, Mapping[str, int]] | None = None
    invalid: int = 0
    persons: Mapping[str, str] = field(default_factory=dict)  # name → sex, write-ins included
    relatives: tuple[tuple[str, str], ...] = ()
    elected_before: tuple[Winner, ...] = ()

    def sex_of(self, name: str) -> str | None:
        return self.persons.get(name)


@dataclass(frozen=True, slots=True)
class Reason:
    """One decision or finding, with the article that made it and the numbers behind it."""

    code: str
    article: str
    text: str
    level: Level = "info"
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class PostOutcome:
    name: str
    seats: int
    threshold: int | None
    votes: list[tuple[str, int]]
    elected: list[str] = field(default_factory=list)
    revote: list[str] = field(default_factory=list)
    revote_seats: int = 0
    held: int = 0  # seats waiting for a higher post's revote
    unfilled: int = 0
    next_candidates: list[str] = field(default_factory=list)
    women_only: bool = False
    women_reserved: int = 0
    next_women_only: bool = False
    next_women_candidates: list[str] = field(default_factory=list)
    sections: Mapping[str, int] = field(default_factory=dict)
    reasons: list[Reason] = field(default_factory=list)


@dataclass(slots=True)
class Outcome:
    profile: str
    kind: str
    valid: bool
    reasons: list[Reason]
    collected: int
    valid_ballots: int
    invalid_ballots: int
    blank_ballots: int | None
    posts: list[PostOutcome]
    next_round: str | None = None  # "rerun" | "revote" | "additional" | None
    vacancy_allowed: bool | None = None
    presiding: str | None = None
