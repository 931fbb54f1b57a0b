"""Round input (``huanjie.round/1``) from plain data, and the outcome (``huanjie.outcome/1``) back.

Every error names the field it is about (``ballots[12].委员.yes[3]``) and says what is wrong
in Chinese, so that a clerk can find it on the paper form.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, cast

from huanjie.core.count.model import (
    BLANK,
    KINDS,
    UNREADABLE,
    Ballot,
    Box,
    Candidate,
    Kind,
    Outcome,
    Post,
    Reason,
    RoundInput,
    Section,
    Winner,
)
from huanjie.core.rules import Profile

ROUND_SCHEMA = "huanjie.round/1"
OUTCOME_SCHEMA = "huanjie.outcome/1"


class InputError(ValueError):
    """Malformed round input. ``field`` is the path of the offending value."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


ProfileResolver = Callable[[str], Profile]


def count_field(
    data: Mapping[str, Any], key: str, *, required: bool = True, where: str = ""
) -> int:
    field = f"{where}{key}"
    if key not in data or data[key] is None:
        if required:
            raise InputError(field, "缺少此项（必须填写的人数或票数）")
        return -1
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(field, f"应为整数，实为 {value!r}")
    if value < 0:
        raise InputError(field, f"不能为负数（{value}）")
    return int(value)


def name_field(value: object, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(field, f"应为非空的姓名字符串，实为 {value!r}")
    return value.strip()


def _list(data: Mapping[str, Any], key: str, where: str = "") -> list[Any]:
    value = data.get(key)
    if not isinstance(value, list):
        raise InputError(f"{where}{key}", "应为列表")
    return value


def read_header(
    data: object, schema: str, resolve: ProfileResolver
) -> tuple[dict[str, Any], Profile]:
    """The checks every input shares: a JSON object, its schema tag, and a profile that resolves."""
    if not isinstance(data, dict):
        raise InputError("$", "输入应为一个 JSON 对象")
    if data.get("schema", schema) != schema:
        raise InputError("schema", f"应为 {schema!r}，实为 {data.get('schema')!r}")
    if not isinstance(data.get("profile"), str):
        raise InputError("profile", "缺少规则配置（如 village/zhejiang，或配置文件路径）")
    try:
        return data, resolve(data["profile"])
    except ValueError as exc:
        raise InputError("profile", str(exc)) from None


def parse_round(data: object, resolve: ProfileResolver) -> RoundInput:
    """Check and convert one round; :class:`InputError` names the first thing wrong."""
    data, profile = read_header(data, ROUND_SCHEMA, resolve)
    kind = data.get("kind")
    if kind not in KINDS:
        raise InputError("kind", f"应为 {' | '.join(KINDS)} 之一，实为 {kind!r}")

    electorate = count_field(data, "electorate")
    issued = count_field(data, "issued")
    present_raw = count_field(data, "present", required=False)
    present = None if present_raw < 0 else present_raw
    if present is not None and present > electorate and profile.election_type == "party":
        raise InputError("present", f"实到会人数 {present} 多于应到会人数 {electorate}")
    if profile.election_type == "party" and present is not None and issued > present:
        raise InputError("issued", f"发出选票 {issued} 张多于实到会有选举权的人数 {present}")
    needs_present = (
        profile.value("quorum")["participants"] == "present"
        or profile.value("threshold")["base"] == "present"
    )
    if needs_present and present is None:
        raise InputError("present", f"规则 {profile.id} 按实到会人数计算，必须填写 present")

    posts = _posts(data)
    post_names = {p.name for p in posts}
    candidates, persons = _candidates(data, post_names, posts)

    boxes: tuple[Box, ...] = ()
    if "boxes" in data:
        boxes = _boxes(data)
        collected = sum(b.collected for b in boxes)
        if "collected" in data and count_field(data, "collected") != collected:
            raise InputError("collected", f"与各票箱收回数之和 {collected} 不一致")
        box_issued = [b.issued for b in boxes if b.issued is not None]
        if len(box_issued) == len(boxes) and sum(box_issued) != issued:
            raise InputError(
                "boxes", f"各票箱发出选票之和 {sum(box_issued)} 与 issued {issued} 不一致"
            )
    elif "collected" in data:
        collected = count_field(data, "collected")
    else:
        raise InputError("collected", "缺少收回选票数（collected 或 boxes）")
    if collected > electorate and profile.election_type != "party":
        # More ballots than registered voters cannot come from one vote each.
        raise InputError("collected", f"收回选票 {collected} 多于登记选民 {electorate}，请核对")

    ballots: list[Ballot] | None = None
    totals: dict[str, dict[str, int]] | None = None
    invalid = 0
    if ("ballots" in data) == ("totals" in data):
        raise InputError("ballots", "应当提供逐张选票 ballots 或汇总票数 totals，二者选一")
    if "ballots" in data:
        ballots = _ballots(data, posts, candidates, profile)
        if len(ballots) != collected:
            raise InputError(
                "ballots",
                f"录入选票 {len(ballots)} 张，与收回选票数 {collected} 不一致"
                + ("（票箱合计）" if boxes else ""),
            )
    else:
        invalid = max(count_field(data, "invalid", required=False), 0)
        if invalid > collected:
            raise InputError("invalid", f"无效票 {invalid} 多于收回选票 {collected}")
        totals = _totals(data, posts, collected - invalid, candidates, profile)

    relatives = _relatives(data)
    elected_before = _elected_before(data, post_names)
    for w in elected_before:
        if w.sex:
            persons.setdefault(w.name, w.sex)
    return RoundInput(
        profile=profile,
        kind=cast(Kind, kind),
        electorate=electorate,
        issued=issued,
        collected=collected,
        posts=posts,
        candidates=candidates,
        present=present,
        boxes=boxes,
        ballots=ballots,
        totals=totals,
        invalid=invalid,
        persons=persons,
        relatives=relatives,
        elected_before=elected_before,
    )


def _posts(data: Mapping[str, Any]) -> tuple[Post, ...]:
    raw = _list(data, "posts")
    if not raw:
        raise InputError("posts", "至少要有一个职务")
    posts: list[Post] = []
    for i, item in enumerate(raw):
        where = f"posts[{i}]."
        if not isinstance(item, dict):
            raise InputError(f"posts[{i}]", '应为 {"name", "seats"} 对象')
        name = name_field(item.get("name"), f"{where}name")
        seats = count_field(item, "seats", where=where)
        if seats == 0:
            raise InputError(f"{where}seats", "应选名额至少为 1")
        women_only = item.get("women_only", False)
        if not isinstance(women_only, bool):
            raise InputError(f"{where}women_only", "应为 true 或 false")
        if any(p.name == name for p in posts):
            raise InputError(f"{where}name", f"职务“{name}”重复")
        posts.append(Post(name=name, seats=seats, women_only=women_only))
    return tuple(posts)


def sex_field(value: object, field: str) -> str | None:
    if value is None:
        return None
    if value not in ("M", "F"):
        raise InputError(field, f'性别应为 "M" 或 "F"，实为 {value!r}')
    return str(value)


def _candidates(
    data: Mapping[str, Any], post_names: set[str], posts: tuple[Post, ...]
) -> tuple[tuple[Candidate, ...], dict[str, str]]:
    raw = data.get("candidates", [])
    if not isinstance(raw, list):
        raise InputError("candidates", "应为列表")
    women_posts = {p.name for p in posts if p.women_only}
    persons: dict[str, str] = {}
    out: list[Candidate] = []
    seen: set[tuple[str, str]] = set()
    for i, item in enumerate(raw):
        where = f"candidates[{i}]."
        if not isinstance(item, dict):
            raise InputError(f"candidates[{i}]", '应为 {"name", "post", "sex"} 对象')
        name = name_field(item.get("name"), f"{where}name")
        post = item.get("post")
        if not isinstance(post, str) or post not in post_names:
            raise InputError(
                f"{where}post",
                f"候选人“{name}”的职务 {post!r} 不在 posts 中（{'、'.join(post_names)}）",
            )
        sex = sex_field(item.get("sex"), f"{where}sex")
        if post in women_posts and sex != "F":
            raise InputError(f"{where}sex", f"“{post}”为妇女专职职务，候选人“{name}”须为女性")
        if (name, post) in seen:
            raise InputError(f"{where}name", f"候选人“{name}”在“{post}”中重复")
        seen.add((name, str(post)))
        if sex:
            persons[name] = sex
        out.append(Candidate(name=name, post=str(post), sex=sex))
    extra = data.get("persons", [])
    if not isinstance(extra, list):
        raise InputError("persons", "应为列表")
    for i, item in enumerate(extra):
        if not isinstance(item, dict):
            raise InputError(f"persons[{i}]", '应为 {"name", "sex"} 对象')
        name = name_field(item.get("name"), f"persons[{i}].name")
        sex = sex_field(item.get("sex"), f"persons[{i}].sex")
        if sex:
            persons[name] = sex
    return tuple(out), persons


def _boxes(data: Mapping[str, Any]) -> tuple[Box, ...]:
    raw = _list(data, "boxes")
    if not raw:
        raise InputError("boxes", "至少要有一个票箱")
    out = []
    for i, item in enumerate(raw):
        where = f"boxes[{i}]."
        if not isinstance(item, dict):
            raise InputError(f"boxes[{i}]", '应为 {"name", "voters", "issued", "collected"} 对象')
        name = name_field(item.get("name"), f"{where}name")
        voters = count_field(item, "voters", required=False, where=where)
        issued = count_field(item, "issued", required=False, where=where)
        out.append(
            Box(
                name=name,
                collected=count_field(item, "collected", where=where),
                voters=None if voters < 0 else voters,
                issued=None if issued < 0 else issued,
            )
        )
    return tuple(out)


def _ballots(
    data: Mapping[str, Any],
    posts: tuple[Post, ...],
    candidates: tuple[Candidate, ...],
    profile: Profile,
) -> list[Ballot]:
    raw = _list(data, "ballots")
    on_post: dict[str, frozenset[str]] = {
        p.name: frozenset(c.name for c in candidates if c.post == p.name) for p in posts
    }
    order = [p.name for p in posts]
    index = {name: i for i, name in enumerate(order)}
    allow_write_in = profile.value("write_ins_allowed")
    cache: dict[str, Section] = {}
    seen: dict[str, Ballot] = {}
    out: list[Ballot] = []
    append = out.append
    for i, item in enumerate(raw):
        # Identical ballots are checked once: the repr of a JSON value identifies it exactly.
        key = repr(item)
        if key in seen:
            append(seen[key])
            continue
        ballot = _ballot(item, i, order, index, on_post, allow_write_in, cache)
        seen[key] = ballot
        append(ballot)
    return out


def _ballot(
    item: object,
    i: int,
    order: list[str],
    index: dict[str, int],
    on_post: dict[str, frozenset[str]],
    allow_write_in: bool,
    cache: dict[str, Section],
) -> Ballot:
    if not isinstance(item, dict):
        raise InputError(
            f"ballots[{i}]", '每张选票应为对象：职务 → {"yes": [...], "write_in": [...]}'
        )
    if item.get("unreadable") is True and len(item) == 1:
        return None
    sections = [BLANK] * len(order)
    for post, sec in item.items():
        where = f"ballots[{i}].{post}"
        if post not in index:
            raise InputError(where, f"选票上没有职务“{post}”（应为 {'、'.join(order)}）")
        sections[index[post]] = _section(sec, where, on_post[post], allow_write_in, cache)
    return tuple(sections)


def _section(
    sec: object,
    where: str,
    names: frozenset[str],
    allow_write_in: bool,
    cache: dict[str, Section],
) -> Section:
    if not isinstance(sec, dict):
        raise InputError(where, '应为 {"yes": [...], "write_in": [...]} 或 {"unreadable": true}')
    if sec.get("unreadable") is True:
        return UNREADABLE
    unknown = set(sec) - {"yes", "write_in", "no", "abstain", "unreadable"}
    if unknown:
        raise InputError(where, f"未知字段 {sorted(unknown)}")
    yes_raw = sec.get("yes", [])
    if not isinstance(yes_raw, list):
        raise InputError(f"{where}.yes", "应为候选人姓名列表")
    for j, name in enumerate(yes_raw):
        if not isinstance(name, str):
            raise InputError(f"{where}.yes[{j}]", f"应为姓名字符串，实为 {name!r}")
        if name not in names:
            raise InputError(
                f"{where}.yes[{j}]", f"“{name}”不是该职务的候选人；另选他人请写入 write_in"
            )
    for key in ("no", "abstain"):
        other = sec.get(key, [])
        if not isinstance(other, list) or any(
            not isinstance(n, str) or n not in names for n in other
        ):
            raise InputError(f"{where}.{key}", "应为该职务候选人的姓名列表")
        both = set(other) & set(yes_raw)
        if both:
            raise InputError(f"{where}.{key}", f"“{'、'.join(sorted(both))}”同时标为赞成和{key}")
    yes = tuple(yes_raw)
    wins_raw = sec.get("write_in", [])
    if not isinstance(wins_raw, list):
        raise InputError(f"{where}.write_in", "应为姓名列表")
    if wins_raw and not allow_write_in:
        raise InputError(f"{where}.write_in", "本规则不允许另选他人")
    wins: list[tuple[str, bool]] = []
    for j, w in enumerate(wins_raw):
        if isinstance(w, str):
            wins.append((name_field(w, f"{where}.write_in[{j}]"), True))
        elif isinstance(w, dict):
            marked = w.get("marked", True)
            if not isinstance(marked, bool):
                raise InputError(f"{where}.write_in[{j}].marked", "应为 true 或 false")
            wins.append((name_field(w.get("name"), f"{where}.write_in[{j}].name"), marked))
        else:
            raise InputError(
                f"{where}.write_in[{j}]", f'应为姓名或 {{"name", "marked"}}，实为 {w!r}'
            )
    section: Section = (yes, tuple(wins), False)
    # Share identical sections so that identical ballots hash fast and use little memory.
    key = repr(section)
    return cache.setdefault(key, section)


def _totals(
    data: Mapping[str, Any],
    posts: tuple[Post, ...],
    valid: int,
    candidates: tuple[Candidate, ...],
    profile: Profile,
) -> dict[str, dict[str, int]]:
    raw = data.get("totals")
    if not isinstance(raw, dict):
        raise InputError("totals", "应为 职务 → {姓名: 票数} 对象")
    seats = {p.name: p.seats for p in posts}
    on_post = {p: {c.name for c in candidates if c.post == p} for p in seats}
    out: dict[str, dict[str, int]] = {}
    for post, votes in raw.items():
        if post not in seats:
            raise InputError(f"totals.{post}", f"没有职务“{post}”")
        if not isinstance(votes, dict):
            raise InputError(f"totals.{post}", "应为 {姓名: 票数} 对象")
        out[post] = {}
        for raw_name, n in votes.items():
            field = f"totals.{post}.{raw_name}"
            name = name_field(raw_name, field)
            if isinstance(n, bool) or not isinstance(n, int):
                raise InputError(field, f"票数应为整数，实为 {n!r}")
            if n < 0:
                raise InputError(field, f"票数不能为负数（{n}）")
            if n > valid:
                raise InputError(field, f"得票 {n} 多于有效选票 {valid}（收回选票减无效票）")
            if name not in on_post[post] and not profile.value("write_ins_allowed"):
                raise InputError(field, f"“{name}”不是该职务的候选人，本规则不允许另选他人")
            if name in out[post]:
                raise InputError(field, f"“{name}”在“{post}”中出现两次（去掉首尾空格后相同）")
            out[post][name] = n
        total = sum(out[post].values())
        if total > valid * seats[post]:
            raise InputError(
                f"totals.{post}",
                f"各人得票之和 {total} 多于有效选票 {valid} × 应选名额 {seats[post]}，请核对",
            )
    return out


def _relatives(data: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    raw = data.get("relatives", [])
    if not isinstance(raw, list):
        raise InputError("relatives", "应为 [[姓名, 姓名], ...] 近亲属列表")
    pairs = []
    for i, pair in enumerate(raw):
        if not isinstance(pair, list) or len(pair) != 2:
            raise InputError(f"relatives[{i}]", "应为两个姓名")
        pairs.append(
            (name_field(pair[0], f"relatives[{i}][0]"), name_field(pair[1], f"relatives[{i}][1]"))
        )
    return tuple(pairs)


def _elected_before(data: Mapping[str, Any], post_names: set[str]) -> tuple[Winner, ...]:
    raw = data.get("elected_before", [])
    if not isinstance(raw, list):
        raise InputError("elected_before", "应为此前各轮当选人列表")
    out = []
    for i, item in enumerate(raw):
        where = f"elected_before[{i}]."
        if not isinstance(item, dict):
            raise InputError(f"elected_before[{i}]", '应为 {"name", "post", "sex"} 对象')
        post = item.get("post")
        if not isinstance(post, str):
            raise InputError(f"{where}post", "应为职务名称")
        out.append(
            Winner(
                name=name_field(item.get("name"), f"{where}name"),
                post=post,
                sex=sex_field(item.get("sex"), f"{where}sex"),
            )
        )
    return tuple(out)


def reason_to_json(r: Reason) -> dict[str, Any]:
    out: dict[str, Any] = {"code": r.code, "article": r.article, "text": r.text, "level": r.level}
    if r.values:
        out["values"] = dict(r.values)
    return out


def outcome_to_json(o: Outcome) -> dict[str, Any]:
    """The outcome as ``huanjie.outcome/1`` data."""
    return {
        "schema": OUTCOME_SCHEMA,
        "profile": o.profile,
        "kind": o.kind,
        "valid": o.valid,
        "next_round": o.next_round,
        "vacancy_allowed": o.vacancy_allowed,
        "presiding": o.presiding,
        "reasons": [reason_to_json(r) for r in o.reasons],
        "ballots": {
            "collected": o.collected,
            "valid": o.valid_ballots,
            "invalid": o.invalid_ballots,
            "blank": o.blank_ballots,
        },
        "posts": [
            {
                "name": p.name,
                "seats": p.seats,
                "threshold": p.threshold,
                "votes": dict(p.votes),
                "elected": p.elected,
                "revote": p.revote,
                "revote_seats": p.revote_seats,
                "held": p.held,
                "unfilled": p.unfilled,
                "next_candidates": p.next_candidates,
                "women_only": p.women_only,
                "next_women_only": p.next_women_only,
                "women_reserved": p.women_reserved,
                "next_women_candidates": p.next_women_candidates,
                "sections": dict(p.sections),
                "reasons": [reason_to_json(r) for r in p.reasons],
            }
            for p in o.posts
        ],
    }
