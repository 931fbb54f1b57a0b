"""Rule profiles: the law of one election type in one province, as data.

A profile is a JSON file in ``profiles/<type>/<name>.json``. Every parameter carries the
article it comes from. A profile may ``extend`` another and override parameters; a user may
load a profile of their own (their province's rules) without changing code: the caller
reads the file and hands the parsed data to :func:`resolve_profile`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from huanjie.core.arith import Share
from huanjie.core.citations import Article

PROFILE_SCHEMA = "huanjie.profile/1"
ELECTION_TYPES = ("village", "residents", "party", "people")


class ProfileError(ValueError):
    """A profile is missing, malformed, or names a parameter wrongly. The message names the field."""


@dataclass(frozen=True, slots=True)
class Param:
    """One rule parameter: its value, the articles it comes from, and a note for people."""

    value: Any
    citations: tuple[Article, ...]
    note: str = ""

    @property
    def article(self) -> str:
        return "；".join(str(c) for c in self.citations)


@dataclass(frozen=True, slots=True)
class ContestRule:
    """How many candidates a post needs beyond its seats (差额), or a further round.

    extra = max(min_extra, ceil(seats * min_ratio)); at most max(max_extra, floor(seats*max_ratio)).
    ``single_seat`` fixes the number of candidates when exactly one seat is open (选举法 第45条).
    """

    min_extra: int = 1
    min_ratio: tuple[int, int] | None = None
    max_extra: int | None = None
    max_ratio: tuple[int, int] | None = None
    single_seat: int | None = None

    def bounds(self, seats: int) -> tuple[int, int | None]:
        """Least and greatest number of candidates for ``seats`` (None: no upper bound)."""
        if seats == 1 and self.single_seat is not None:
            return self.single_seat, self.single_seat
        extra = self.min_extra
        if self.min_ratio is not None:
            n, d = self.min_ratio
            extra = max(extra, -(-seats * n // d))
        most: int | None = None
        if self.max_extra is not None or self.max_ratio is not None:
            top = self.max_extra if self.max_extra is not None else 0
            if self.max_ratio is not None:
                n, d = self.max_ratio
                top = max(top, seats * n // d)
            most = seats + max(top, extra)
        return seats + extra, most

    @classmethod
    def parse(cls, value: object, where: str) -> ContestRule:
        if not isinstance(value, dict):
            raise ProfileError(f"{where}: must be an object")
        unknown = set(value) - {"min_extra", "min_ratio", "max_extra", "max_ratio", "single_seat"}
        if unknown:
            raise ProfileError(f"{where}: unknown keys {sorted(unknown)}")

        def ratio(key: str) -> tuple[int, int] | None:
            r = value.get(key)
            if r is None:
                return None
            if (
                not isinstance(r, list)
                or len(r) != 2
                or not all(isinstance(x, int) and x >= 0 for x in r)
                or r[1] == 0
            ):
                raise ProfileError(f"{where}.{key}: must be [numerator, denominator]")
            return (r[0], r[1])

        def count(key: str, default: int | None) -> int | None:
            c = value.get(key, default)
            if c is not None and (not isinstance(c, int) or isinstance(c, bool) or c < 0):
                raise ProfileError(f"{where}.{key}: must be a whole number ≥ 0")
            return c

        min_extra = count("min_extra", 1)
        if min_extra is None:
            raise ProfileError(f"{where}.min_extra: must be a whole number ≥ 0, not null")
        return cls(
            min_extra=min_extra,
            min_ratio=ratio("min_ratio"),
            max_extra=count("max_extra", None),
            max_ratio=ratio("max_ratio"),
            single_seat=count("single_seat", None),
        )


def _enum(*allowed: str) -> Callable[[object, str], object]:
    def check(value: object, where: str) -> object:
        if value not in allowed:
            raise ProfileError(f"{where}: must be one of {', '.join(allowed)}, not {value!r}")
        return value

    return check


def _bool(value: object, where: str) -> object:
    if not isinstance(value, bool):
        raise ProfileError(f"{where}: must be true or false")
    return value


def _count(value: object, where: str) -> object:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ProfileError(f"{where}: must be a whole number ≥ 0")
    return value


def _opt_count(value: object, where: str) -> object:
    return None if value is None else _count(value, where)


def _share(value: object, where: str) -> object:
    try:
        return Share.parse(value)
    except ValueError as exc:
        raise ProfileError(f"{where}: {exc}") from None


def _opt_share(value: object, where: str) -> object:
    return None if value is None else _share(value, where)


def _obj(**fields: Callable[[object, str], object]) -> Callable[[object, str], object]:
    def check(value: object, where: str) -> object:
        if not isinstance(value, dict):
            raise ProfileError(f"{where}: must be an object with keys {sorted(fields)}")
        missing = set(fields) - set(value)
        unknown = set(value) - set(fields)
        if missing or unknown:
            raise ProfileError(f"{where}: missing {sorted(missing)}, unknown {sorted(unknown)}")
        return {k: fn(value[k], f"{where}.{k}") for k, fn in fields.items()}

    return check


def _contest_map(value: object, where: str) -> object:
    if not isinstance(value, dict) or "*" not in value:
        raise ProfileError(f"{where}: must map post names (and '*' for any other post) to rules")
    return {k: ContestRule.parse(v, f"{where}.{k}") for k, v in value.items()}


def _contest(value: object, where: str) -> object:
    return ContestRule.parse(value, where)


def _str_list(value: object, where: str) -> object:
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise ProfileError(f"{where}: must be a list of strings")
    return tuple(value)


_BASES = ("collected", "valid", "present")

_recall = _obj(
    petition_share=_opt_share,
    representatives_share=_opt_share,
    petition_min=_opt_count,
    quorum_share=_opt_share,
    pass_share=_share,
    pass_base=_enum("participants", "electorate"),
)


def _opt_recall(value: object, where: str) -> object:
    return None if value is None else _recall(value, where)


#: Every parameter a complete profile defines, with its validator.
PARAMETERS: dict[str, Callable[[object, str], object]] = {
    "term_years": _count,
    # How the published candidate list is ordered: by nomination votes, or by name order.
    "candidate_notice_order": _enum("votes", "name_order"),
    # The ballot of a round with several posts: one sheet listing every post, or one sheet
    # per post handed out together (河南: 分别制作选票，一次同时投票).
    "ballot_form": _enum("single", "per_post"),
    "members": _obj(min=_count, max=_count),
    "women_required": _bool,
    "quorum": _obj(participants=_enum("collected", "present"), share=_share),
    "threshold": _obj(base=_enum(*_BASES), share=_share),
    "additional_threshold": _obj(
        base=_enum(*_BASES), share=_share, majority_first=_bool, majority_share=_share
    ),
    "additional_quorum": _bool,
    "revote_quorum": _bool,
    "reconcile": _obj(against=_enum("voters", "issued"), scope=_enum("round", "box")),
    "overmark": _enum("ballot", "section"),
    "unreadable": _enum("ballot", "section"),
    "same_person_two_posts": _enum("valid", "ballot_invalid", "higher_post_only"),
    "write_ins_allowed": _bool,
    "write_in_without_mark_counts": _bool,
    "cap_includes_write_ins": _bool,
    "vote_addition": _enum("none", "nomination_upward_never", "election_cumulative"),
    "contest": _contest_map,
    "additional_candidates": _contest,
    "women_rule": _enum("none", "separate_post", "reserve_unfilled_seat"),
    "vacancy": _obj(min_elected=_count, chair_required=_bool),
    "additional_window_days": _opt_count,
    "unfilled_after_additional": _enum("vacant", "further_round", "meeting_decides"),
    "relatives_avoidance": _enum("none", "keep_higher", "keep_higher_next_on_list"),
    "chair_vacancy": _enum("none", "vice_chair_presides", "vice_chair_most_votes"),
    "nomination_women": _enum("none", "add_top_woman"),
    "name_order": _enum("surname", "fullname"),
    "proxy": _obj(
        allowed=_bool,
        limit=_opt_count,
        holder=_enum("none", "near_relative", "listed_relatives", "any_voter"),
        relatives=_str_list,
        candidate_may_hold=_bool,
        filing_days_before=_opt_count,
        on_the_spot=_bool,
    ),
    "recall": _opt_recall,
    # Handover (工作移交): days from the new committee's coming into being (null: no period),
    # and whether the seal is handed over that same day.
    "handover_days": _opt_count,
    "seal_same_day": _bool,
    # Who issues the certificate of election (当选证书) to each person elected.
    "certificate_issuer": _enum("election_committee", "township_government", "none"),
    # Polling: the least number of election staff who go with a mobile ballot box (流动票箱).
    "mobile_box_escorts": _count,
}


@dataclass(frozen=True, slots=True)
class Profile:
    """A resolved profile: all parameters present and checked, inheritance applied."""

    id: str
    title: str
    election_type: str
    lineage: tuple[str, ...]
    params: Mapping[str, Param]
    deadlines: tuple[Mapping[str, Any], ...] = field(default=())

    def value(self, name: str) -> Any:
        return self.params[name].value

    def article(self, name: str) -> str:
        return self.params[name].article

    def to_json(self) -> dict[str, Any]:
        """The resolved profile as plain data (for ``huanjie profiles --show``)."""

        def plain(v: Any) -> Any:
            if isinstance(v, Share):
                return {"num": v.num, "den": v.den, "strict": v.strict}
            if isinstance(v, ContestRule):
                return {k: plain(getattr(v, k)) for k in ContestRule.__slots__}
            if isinstance(v, dict):
                return {k: plain(x) for k, x in v.items()}
            if isinstance(v, tuple):
                return [plain(x) for x in v]
            return v

        return {
            "schema": PROFILE_SCHEMA,
            "id": self.id,
            "title": self.title,
            "election_type": self.election_type,
            "lineage": list(self.lineage),
            "params": {
                k: {
                    "value": plain(p.value),
                    "citation": [
                        {"law": c.law, "ref": c.ref, "status": c.status} for c in p.citations
                    ],
                    **({"note": p.note} if p.note else {}),
                }
                for k, p in self.params.items()
            },
            "deadlines": [dict(d) for d in self.deadlines],
        }


Loader = Callable[[str], Mapping[str, Any]]


def bundled_ids() -> list[str]:
    """Ids of the profiles shipped with huanjie, e.g. ``village/zhejiang``."""
    root = resources.files(__package__) / "profiles"
    ids: list[str] = []
    for group in root.iterdir():
        if group.is_dir():
            ids.extend(
                f"{group.name}/{f.name.removesuffix('.json')}"
                for f in group.iterdir()
                if f.name.endswith(".json")
            )
    return sorted(ids)


def bundled_data(profile_id: str) -> Mapping[str, Any]:
    """The raw data of a bundled profile; :class:`ProfileError` if there is none."""
    group, _, name = profile_id.partition("/")
    if not group or not name or "/" in name or ".." in profile_id:
        raise ProfileError(f"unknown profile {profile_id!r}; available: {', '.join(bundled_ids())}")
    node = resources.files(__package__) / "profiles" / group / f"{name}.json"
    if not node.is_file():
        raise ProfileError(f"unknown profile {profile_id!r}; available: {', '.join(bundled_ids())}")
    data: Mapping[str, Any] = json.loads(node.read_text(encoding="utf-8"))
    return data


def load_profile(profile_id: str) -> Profile:
    """Load and resolve a bundled profile by id."""
    return resolve_profile(bundled_data(profile_id))


def _param(name: str, raw: object, pid: str) -> Param:
    where = f"profile {pid}: params.{name}"
    if name not in PARAMETERS:
        raise ProfileError(f"{where}: unknown parameter (known: {', '.join(PARAMETERS)})")
    if not isinstance(raw, dict) or "value" not in raw or "citation" not in raw:
        raise ProfileError(f"{where}: must be an object with 'value' and 'citation'")
    cites = raw["citation"]
    cites = cites if isinstance(cites, list) else [cites]
    try:
        citations = tuple(Article.parse(c) for c in cites)
    except ValueError as exc:
        raise ProfileError(f"{where}.citation: {exc}") from None
    if not citations:
        raise ProfileError(f"{where}.citation: every parameter needs at least one article")
    value = PARAMETERS[name](raw["value"], f"{where}.value")
    note = raw.get("note", "")
    if not isinstance(note, str):
        raise ProfileError(f"{where}.note: must be a string")
    return Param(value=value, citations=citations, note=note)


def resolve_profile(data: Mapping[str, Any], loader: Loader = bundled_data) -> Profile:
    """Resolve ``extends`` chains (through ``loader``) and check every parameter."""
    chain: list[Mapping[str, Any]] = []
    seen: list[str] = []
    current: Mapping[str, Any] | None = data
    while current is not None:
        if not isinstance(current, Mapping):
            raise ProfileError("a profile must be a JSON object")
        pid = current.get("id")
        if not isinstance(pid, str) or not pid:
            raise ProfileError("profile: 'id' must be a non-empty string")
        if current.get("schema") != PROFILE_SCHEMA:
            raise ProfileError(f"profile {pid}: 'schema' must be {PROFILE_SCHEMA!r}")
        if pid in seen:
            raise ProfileError(
                f"profile {pid}: 'extends' forms a cycle: {' → '.join([*seen, pid])}"
            )
        seen.append(pid)
        chain.append(current)
        parent = current.get("extends")
        if parent is None:
            current = None
        elif isinstance(parent, str):
            current = loader(parent)
        else:
            raise ProfileError(f"profile {pid}: 'extends' must be a profile id")

    top = chain[0]
    params: dict[str, Param] = {}
    deadlines: dict[str, Mapping[str, Any]] = {}
    election_type = None
    for item in reversed(chain):
        pid = item["id"]
        raw_params = item.get("params", {})
        if not isinstance(raw_params, dict):
            raise ProfileError(f"profile {pid}: 'params' must be an object")
        for name, raw in raw_params.items():
            params[name] = _param(name, raw, pid)
        raw_deadlines = item.get("deadlines", [])
        if not isinstance(raw_deadlines, list):
            raise ProfileError(f"profile {pid}: 'deadlines' must be a list")
        for i, d in enumerate(raw_deadlines):
            if not isinstance(d, dict) or not isinstance(d.get("id"), str):
                raise ProfileError(f"profile {pid}: deadlines[{i}] must be an object with an 'id'")
            if d.get("remove") is True:
                deadlines.pop(d["id"], None)
            else:
                deadlines[d["id"]] = d
        et = item.get("election_type", election_type)
        election_type = et
    if election_type not in ELECTION_TYPES:
        raise ProfileError(
            f"profile {top['id']}: 'election_type' must be one of {', '.join(ELECTION_TYPES)}"
        )
    missing = [p for p in PARAMETERS if p not in params]
    if missing:
        raise ProfileError(f"profile {top['id']}: missing parameters {', '.join(missing)}")
    title = top.get("title", top["id"])
    if not isinstance(title, str):
        raise ProfileError(f"profile {top['id']}: 'title' must be a string")
    return Profile(
        id=top["id"],
        title=title,
        election_type=str(election_type),
        lineage=tuple(seen),
        params=params,
        deadlines=tuple(deadlines.values()),
    )
