"""The ballot of a round, as ``huanjie.printing`` draws it: its frozen posts and candidates (in
ballot order, as polling froze them), the form and style the profile asks for, and the
instructions printed on it, each with the rules it rests on.

- ``ballot_form`` (profile): one sheet for all posts, or one per post (河南 第三十四条第一款).
- style: party elections (``election_type`` "party") mark 赞成 / 反对 / 弃权 per candidate;
  every other election marks “○” under the names it approves.
- write-in spaces (另选他人): as many as the post's seats when ``write_ins_allowed``, else none.
- the instructions are worded from the profile's ballot rules (over-marking, write-ins, the
  same person on two posts, the women's post), so a Henan ballot says what Henan counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from huanjie.apps.polling.models import Round
from huanjie.core.rules import Profile, load_profile
from huanjie.printing import ballots as printing

#: Where the marking instructions come from when no statute words them: the common wording of
#: published ballot instructions (选票填写说明), e.g. the township training deck 选票填写及判读
#: (m.taodocs.com/p-409540348.html) and party-branch ballot samples (360docs.net/doc/0e1952138).
PRACTICE = "通行做法（选票填写说明）〔据二手资料〕"
_NUMBERS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Instruction:
    """One paragraph of 填票说明 and what it rests on (shown beside it on the page)."""

    text: str
    basis: str


@dataclass(frozen=True)
class PostOnBallot:
    key: str
    name: str
    seats: int
    women_only: bool
    candidates: list[str]
    write_ins: int


def _day(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日（星期{'一二三四五六日'[d.weekday()]}）"


def _title(r: Round) -> str:
    base = r.election.title
    if r.kind == Round.Kind.ADDITIONAL:
        return f"{base}另行选举选票"
    if r.kind == Round.Kind.REVOTE:
        return f"{base}重新投票选票"
    return f"{base}选票"


def committee_name(r: Round) -> str:
    kind = "居民" if r.election.area.is_community else "村民"
    return f"{r.election.area.name}{kind}选举委员会"


def posts_on_ballot(r: Round, profile: Profile | None = None) -> list[PostOnBallot]:
    """The round's posts in ballot order, each with its candidates (printed labels, in the
    frozen order) and its write-in spaces."""
    profile = profile or load_profile(r.election.profile_id)
    write_ins = bool(profile.value("write_ins_allowed"))
    result = []
    for p in r.posts:
        names = [c.get("label") or c["name"] for c in r.candidates if c["post"] == p["name"]]
        result.append(
            PostOnBallot(
                key=p["kind"],
                name=p["name"],
                seats=int(p["seats"]),
                women_only=bool(p.get("women_only")),
                candidates=names,
                write_ins=int(p["seats"]) if write_ins else 0,
            )
        )
    return result


def style_of(profile: Profile) -> str:
    return "party" if profile.election_type == "party" else "approve"


def sheets_of(r: Round, profile: Profile | None = None) -> list[str]:
    """The sheets a voter receives, by key: ``[""]`` for one sheet with every post, else the
    post kinds (one sheet each)."""
    profile = profile or load_profile(r.election.profile_id)
    if profile.value("ballot_form") == "per_post" and len(r.posts) > 1:
        return [p["kind"] for p in r.posts]
    return [""]


def sheet_label(r: Round, sheet: str) -> str:
    """A sheet's name for people: 选票 (one sheet) or 主任选票 …"""
    if not sheet:
        return "选票"
    name = next((p["name"] for p in r.posts if p["kind"] == sheet), sheet)
    return f"{name}选票"


def instructions(
    r: Round, profile: Profile | None = None, sheet: str | None = None
) -> list[Instruction]:
    """填票说明 of one sheet (``sheet``: a post kind where each post has its own sheet; None
    or "" for the one sheet, or the first), worded from the profile's ballot rules."""
    profile = profile or load_profile(r.election.profile_id)
    every = posts_on_ballot(r, profile)
    per_post = sheets_of(r, profile) != [""]
    posts = every
    if per_post:
        posts = [next((p for p in every if p.key == sheet), every[0])]
    party = style_of(profile) == "party"
    counted_with_write_ins = bool(profile.value("cap_includes_write_ins")) and any(
        p.write_ins for p in posts
    )
    including = "（含另选他人）" if counted_with_write_ins else ""
    seats = "、".join(f"{p.name}{p.seats}名" for p in posts)
    paras: list[tuple[str, str]] = []

    # What is elected and when a ballot is over-marked.
    if per_post:
        together = "、".join(p.name for p in every)
        cap = (
            f"本选票选举{seats}（{together}分别使用选票，一次同时投票）。所选人数{including}"
            "等于或者少于应选名额的有效，多于应选名额的无效。"
        )
    elif len(posts) == 1:
        cap = (
            f"本选票选举{seats}。所选人数{including}等于或者少于应选名额的有效，"
            "多于应选名额的无效。"
        )
    elif profile.value("overmark") == "section":
        cap = (
            f"本选票选举{seats}。每一职务所选人数{including}等于或者少于应选名额的有效；"
            "多于应选名额的，该职务的选票无效。"
        )
    else:
        cap = (
            f"本选票选举{seats}。每一职务所选人数{including}等于或者少于应选名额的有效；"
            "任何一个职务多于应选名额的，整张选票无效。"
        )
    paras.append((cap, profile.article("overmark")))

    # How to mark.
    if party:
        paras.append(
            (
                "对候选人，赞成的在“赞成”栏内划“○”，反对的在“反对”栏内划“○”，"
                "弃权的在“弃权”栏内划“○”；每名候选人只在一栏内划“○”。",
                PRACTICE,
            )
        )
    else:
        paras.append(
            (
                "赞成的，在候选人姓名下方的空格内划“○”；不赞成的，划“×”；弃权的，不划任何符号。",
                PRACTICE,
            )
        )

    # Write-ins.
    if any(p.write_ins for p in posts):
        where = "其“赞成”栏内" if party else "其下方的空格内"
        text = f"另选他人的，在“另选他人”栏内写上另选人的姓名，并在{where}划“○”"
        basis = profile.article("write_ins_allowed")
        if not profile.value("write_in_without_mark_counts"):
            text += "；只写姓名不划“○”的，不计票"
            basis += "；" + profile.article("write_in_without_mark_counts")
        paras.append((text + "。", basis))

    # The same person on two posts (one sheet with several posts only).
    if not per_post and len(posts) > 1:
        rule = profile.value("same_person_two_posts")
        if rule == "ballot_invalid":
            paras.append(
                (
                    "同一人不得在两个以上职务中同时划“○”，否则整张选票无效。",
                    profile.article("same_person_two_posts"),
                )
            )
        elif rule == "higher_post_only":
            paras.append(
                (
                    "同一人在两个以上职务中都划“○”的，只计入其中较高的职务。",
                    profile.article("same_person_two_posts"),
                )
            )

    # The women's post.
    women = [p.name for p in posts if p.women_only]
    if women:
        paras.append((f"{'、'.join(women)}只能选妇女。", profile.article("women_rule")))

    paras.append(("请用黑色或者蓝色的钢笔、签字笔填写，符号要清楚，不得涂改。", PRACTICE))
    return [
        Instruction(text=f"{_NUMBERS[i]}、{text}", basis=basis)
        for i, (text, basis) in enumerate(paras)
    ]


def sheet_instructions(r: Round) -> list[tuple[str, str, list[Instruction]]]:
    """Each sheet's key, name and instructions (one sheet, or one per post)."""
    profile = load_profile(r.election.profile_id)
    return [
        (sheet, sheet_label(r, sheet), instructions(r, profile, sheet))
        for sheet in sheets_of(r, profile)
    ]


def order_note(r: Round, profile: Profile) -> str:
    """按姓氏笔画排序 / 按姓名笔画排序 for the election-day vote; follow-up rounds keep the
    order they were given and say nothing."""
    if r.kind != Round.Kind.REGULAR:
        return ""
    return "按姓名笔画排序" if profile.value("name_order") == "fullname" else "按姓氏笔画排序"


def serial_prefix(r: Round) -> str:
    return f"{r.election_id:04d}-{r.number}-"


def design(r: Round) -> printing.BallotDesign:
    """Everything the ballots of ``r`` share, for ``printing.ballots``."""
    profile = load_profile(r.election.profile_id)
    per_post = sheets_of(r, profile) != [""]
    return printing.BallotDesign(
        title=_title(r),
        subtitle=f"第{r.number}轮　{r.get_kind_display()}　{_day(r.held_on)}",
        committee=committee_name(r),
        posts=[
            printing.BallotPost(
                key=p.key,
                name=p.name,
                seats=p.seats,
                candidates=p.candidates,
                women_only=p.women_only,
                write_ins=p.write_ins,
                instructions=[i.text for i in instructions(r, profile, p.key)] if per_post else (),
            )
            for p in posts_on_ballot(r, profile)
        ],
        instructions=[i.text for i in instructions(r, profile)],
        election=str(r.election_id),
        round_number=r.number,
        serial_prefix=serial_prefix(r),
        style="party" if style_of(profile) == "party" else "approve",
        form="per_post" if per_post else "single",
        order_note=order_note(r, profile),
    )
