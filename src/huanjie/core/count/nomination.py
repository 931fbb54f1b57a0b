"""Direct nomination (直接提名): nomination ballots → preliminary candidates per post.

Posts are decided from the highest down. The number of candidates per post comes from the
profile's 差额 rule; a tie at the cut-off goes to a re-vote among the tied. Where the profile
allows it (河南 第二十五条第二款), votes for a higher post that do not make someone a
candidate for it are added to their votes for the next lower post — never the other way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from huanjie.core.count.model import Reason
from huanjie.core.count.parse import (
    InputError,
    ProfileResolver,
    count_field,
    name_field,
    read_header,
    reason_to_json,
    sex_field,
)
from huanjie.core.rules import Profile

NOMINATION_SCHEMA = "huanjie.nomination/1"


@dataclass(frozen=True, slots=True)
class NominationPost:
    name: str
    seats: int
    candidates: int | None = None  # how many the committee decided, within the 差额 bounds
    women_only: bool = False


@dataclass(slots=True)
class NominationPostOutcome:
    name: str
    seats: int
    needed: int
    most: int | None
    votes: list[tuple[str, int]]
    candidates: list[str] = field(default_factory=list)
    revote: list[str] = field(default_factory=list)
    revote_places: int = 0
    carried: dict[str, int] = field(default_factory=dict)
    reasons: list[Reason] = field(default_factory=list)


@dataclass(slots=True)
class NominationOutcome:
    profile: str
    posts: list[NominationPostOutcome]
    reasons: list[Reason]
    ballots: int
    void_nominations: int


def tally_nominations(
    ballots: Sequence[Mapping[str, Sequence[str]]], posts: Sequence[NominationPost]
) -> tuple[list[Counter[str]], int]:
    """Count nomination ballots. A voter may name at most ``seats`` people per post, and may
    not name one person for two posts (浙江 第十七条第二款; 河南 第二十五条第一款): such
    nominations are void; the rest of the ballot counts."""
    index = {p.name: i for i, p in enumerate(posts)}
    votes: list[Counter[str]] = [Counter() for _ in posts]
    void = 0
    for ballot, times in Counter(
        tuple((post, tuple(dict.fromkeys(names))) for post, names in b.items()) for b in ballots
    ).items():
        seen: Counter[str] = Counter(n for _, names in ballot for n in names)
        for post, names in ballot:
            i = index[post]
            if len(names) > posts[i].seats:
                void += len(names) * times
                continue
            for n in names:
                if seen[n] > 1:
                    void += times
                else:
                    votes[i][n] += times
    return votes, void


def decide_nomination(
    profile: Profile,
    posts: Sequence[NominationPost],
    votes: Sequence[Counter[str]],
    *,
    sexes: Mapping[str, str],
    barred: Mapping[str, str],
    ballots: int,
    void: int,
) -> NominationOutcome:
    contest = profile.value("contest")
    carry = profile.value("vote_addition") == "nomination_upward_never"
    reasons: list[Reason] = []
    chosen: set[str] = set()
    carried: Counter[str] = Counter()
    outs: list[NominationPostOutcome] = []
    for post, post_votes in zip(posts, votes, strict=True):
        rule = contest.get(post.name, contest["*"])
        least, most = rule.bounds(post.seats)
        needed = least if post.candidates is None else post.candidates
        total = Counter(post_votes)
        added: dict[str, int] = {}
        if carry and not post.women_only:
            for n, v in carried.items():
                if n not in chosen and v:
                    total[n] += v
                    added[n] = v
        ranking = sorted(
            (
                (n, v)
                for n, v in total.items()
                if n not in chosen
                and n not in barred
                and not (post.women_only and sexes.get(n) != "F")
            ),
            key=lambda kv: (-kv[1], kv[0]),
        )
        out = NominationPostOutcome(
            name=post.name,
            seats=post.seats,
            needed=needed,
            most=most,
            votes=sorted(total.items(), key=lambda kv: (-kv[1], kv[0])),
            carried=added,
        )
        if len(ranking) > needed and ranking[needed][1] == ranking[needed - 1][1]:
            last = ranking[needed - 1][1]
            out.candidates = [n for n, v in ranking if v > last]
            out.revote = [n for n, v in ranking if v == last]
            out.revote_places = needed - len(out.candidates)
            out.reasons.append(
                Reason(
                    "nomination_tie",
                    profile.article("contest"),
                    f"{post.name}：{'、'.join(out.revote)} 提名票数相等，应就其重新投票确定 "
                    f"{out.revote_places} 名候选人",
                    "warning",
                )
            )
        else:
            out.candidates = [n for n, _ in ranking[:needed]]
        bound = f"{least}" if most == least else f"{least}至{most}" if most else f"不少于{least}"
        out.reasons.append(
            Reason(
                "preliminary_candidates",
                profile.article("contest"),
                f"{post.name}：应选 {post.seats} 名，候选人 {bound} 名，本次确定 {needed} 名，"
                f"按提名票数多少依次为 {'、'.join(out.candidates) or '（无）'}",
            )
        )
        if len(ranking) < needed:
            out.reasons.append(
                Reason(
                    "too_few_nominees",
                    profile.article("contest"),
                    f"{post.name}：被提名人只有 {len(ranking)} 名，不足 {needed} 名，须补充提名",
                    "error",
                )
            )
        if added:
            out.reasons.append(
                Reason(
                    "votes_carried_down",
                    profile.article("vote_addition"),
                    f"{post.name}：高职位得票不足以成为候选人的，其得票计入本职位："
                    + "、".join(f"{n}+{v}" for n, v in added.items()),
                )
            )
        for n, v in post_votes.items():
            carried[n] += v
        for n in added:
            carried[n] = total[n]
        chosen.update(out.candidates)
        chosen.update(out.revote)
        outs.append(out)
    for name, why in barred.items():
        reasons.append(
            Reason("barred", profile.article("contest"), f"{name} 不能作为候选人：{why}", "info")
        )
    if profile.value("nomination_women") == "add_top_woman" and not any(
        sexes.get(n) == "F" for n in chosen
    ):
        _add_top_woman(profile, outs, sexes, barred, chosen, reasons)
    return NominationOutcome(
        profile=profile.id, posts=outs, reasons=reasons, ballots=ballots, void_nominations=void
    )


def _add_top_woman(
    profile: Profile,
    outs: list[NominationPostOutcome],
    sexes: Mapping[str, str],
    barred: Mapping[str, str],
    chosen: set[str],
    reasons: list[Reason],
) -> None:
    last = outs[-1]
    women = [
        (n, v) for n, v in last.votes if sexes.get(n) == "F" and n not in chosen and n not in barred
    ]
    article = profile.article("nomination_women")
    if women:
        last.candidates.append(women[0][0])
        reasons.append(
            Reason(
                "woman_added",
                article,
                f"候选人中没有妇女，{last.name}增加得票最多的妇女 {women[0][0]}（{women[0][1]} 票）为候选人",
                "warning",
            )
        )
    else:
        reasons.append(
            Reason(
                "no_woman_nominated",
                article,
                "候选人中没有妇女，且无妇女获得提名，须依法补充提名",
                "error",
            )
        )


def parse_nomination(data: object, resolve: ProfileResolver) -> NominationOutcome:
    """Parse ``huanjie.nomination/1`` input and decide it."""
    data, profile = read_header(data, NOMINATION_SCHEMA, resolve)
    raw_posts = data.get("posts")
    if not isinstance(raw_posts, list) or not raw_posts:
        raise InputError("posts", "应为非空列表")
    posts: list[NominationPost] = []
    for i, item in enumerate(raw_posts):
        if not isinstance(item, dict):
            raise InputError(f"posts[{i}]", '应为 {"name", "seats"} 对象')
        name = name_field(item.get("name"), f"posts[{i}].name")
        seats = count_field(item, "seats", where=f"posts[{i}].")
        if seats == 0:
            raise InputError(f"posts[{i}].seats", "应选名额至少为 1")
        wanted = count_field(item, "candidates", required=False, where=f"posts[{i}].")
        contest = profile.value("contest")
        least, most = contest.get(name, contest["*"]).bounds(seats)
        if wanted >= 0 and (wanted < least or (most is not None and wanted > most)):
            raise InputError(
                f"posts[{i}].candidates",
                f"{name}候选人数 {wanted} 不在差额范围 {least}–{most or '不限'} 内",
            )
        women_only = item.get("women_only", False)
        if not isinstance(women_only, bool):
            raise InputError(f"posts[{i}].women_only", "应为 true 或 false")
        posts.append(NominationPost(name, seats, None if wanted < 0 else wanted, women_only))
    names = {p.name for p in posts}
    sexes: dict[str, str] = {}
    persons = data.get("persons", [])
    if not isinstance(persons, list):
        raise InputError("persons", '应为 {"name", "sex"} 对象的列表')
    for i, item in enumerate(persons):
        if not isinstance(item, dict):
            raise InputError(f"persons[{i}]", '应为 {"name", "sex"} 对象')
        sex = sex_field(item.get("sex"), f"persons[{i}].sex")
        if sex:
            sexes[name_field(item.get("name"), f"persons[{i}].name")] = sex
    barred_raw = data.get("barred", {})
    if not isinstance(barred_raw, dict) or not all(isinstance(v, str) for v in barred_raw.values()):
        raise InputError("barred", "应为 {姓名: 原因} 对象（如民主测评不称职、资格审查未通过）")
    if ("ballots" in data) == ("totals" in data):
        raise InputError("ballots", "应当提供提名票 ballots 或汇总 totals，二者选一")
    if "ballots" in data:
        raw = data["ballots"]
        if not isinstance(raw, list):
            raise InputError("ballots", "应为列表")
        for i, b in enumerate(raw):
            if not isinstance(b, dict):
                raise InputError(f"ballots[{i}]", "应为 职务 → [姓名] 对象")
            for post, people in b.items():
                if post not in names:
                    raise InputError(f"ballots[{i}].{post}", f"没有职务“{post}”")
                if not isinstance(people, list) or not all(
                    isinstance(n, str) and n.strip() for n in people
                ):
                    raise InputError(f"ballots[{i}].{post}", "应为姓名列表")
        votes, void = tally_nominations(raw, posts)
        count = len(raw)
    else:
        totals = data["totals"]
        if not isinstance(totals, dict):
            raise InputError("totals", "应为 职务 → {姓名: 票数} 对象")
        votes = []
        for p in posts:
            got = totals.get(p.name, {})
            if not isinstance(got, dict):
                raise InputError(f"totals.{p.name}", "应为 {姓名: 票数} 对象")
            for n, v in got.items():
                if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                    raise InputError(f"totals.{p.name}.{n}", f"票数应为非负整数，实为 {v!r}")
            votes.append(Counter(got))
        unknown = set(totals) - names
        if unknown:
            raise InputError(f"totals.{sorted(unknown)[0]}", "没有这个职务")
        void, count = 0, count_field(data, "ballots_count", required=False)
    return decide_nomination(
        profile, posts, votes, sexes=sexes, barred=barred_raw, ballots=max(count, 0), void=void
    )


def nomination_to_json(o: NominationOutcome) -> dict[str, Any]:
    return {
        "schema": "huanjie.nomination_outcome/1",
        "profile": o.profile,
        "ballots": o.ballots,
        "void_nominations": o.void_nominations,
        "reasons": [reason_to_json(r) for r in o.reasons],
        "posts": [
            {
                "name": p.name,
                "seats": p.seats,
                "needed": p.needed,
                "most": p.most,
                "votes": dict(p.votes),
                "candidates": p.candidates,
                "revote": p.revote,
                "revote_places": p.revote_places,
                "carried": p.carried,
                "reasons": [reason_to_json(r) for r in p.reasons],
            }
            for p in o.posts
        ],
    }
