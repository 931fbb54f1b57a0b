"""Counting one ballot box in public (唱票、计票、监票): reconciliation, ballot-by-ballot double
entry, the verdict shown while a ballot is typed, and the totals sheet of a box counted on paper.

* **Reconciliation** (开箱清点) of a box is a one-cell tally sheet (``collected``) entered twice
  with :mod:`huanjie.core.entry` as it is; :func:`reconcile_box` says what the profile's
  ``reconcile`` rule makes of the figures, with its article, and :func:`reconcile_round` is the
  core's own round check (``decide_round``'s step 1) over the reconciled boxes.
* **Ballot entry**: two clerks type every ballot of the box, each in their own *pass*, by
  position in the box (1, 2, …); pass 1 is the clerk who types what the caller (唱票人) calls.
  The per-box machine extends the double-entry machine of :mod:`huanjie.core.entry` to entries
  typed ballot by ballot, side by side (drawn in ``docs/state-machines/ballot-entry.md`` and
  tested against the drawing): ``first_entry`` and ``second_entry`` become one state
  ``entering`` because the two passes run at the same time; ``entries_different`` and
  ``definitive`` keep their meaning; the coordinator's ``keep_first`` / ``keep_second`` (and a
  reading of the paper ballot, ``as_read``) are taken ballot by ballot (``settle``).
* **Keyboard language** (:func:`parse_keys`): one field per post, numbers of the candidates as
  printed beside their names, ``+姓名`` for a written-in name, ``x`` for an unreadable section,
  ``*`` for a wholly unreadable ballot and ``?`` for a doubtful one (难以确认).
* **Verdict** (:func:`assess`): the core's ``judge`` under the profile, with the article;
  over-marking is a warning (the paper is what it is) while input no ballot can carry (an
  unknown number, more marks than names and write-in spaces, a write-in where the ballot has
  no space) is refused.
* **Totals sheet** (:func:`totals_findings`): invalid ballots and votes per person of one box,
  for elections counted on paper, entered twice with :mod:`huanjie.core.entry`.

Pure: standard library and the core only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from huanjie.core.count.ballots import OVERMARK, TWO_POSTS, UNREADABLE, Policy, judge
from huanjie.core.count.decide import _reconcile  # the one reconciliation rule, shared
from huanjie.core.count.model import Ballot, Box, Post, Reason, RoundInput, Section
from huanjie.core.entry import Counts, EntryError, Finding, Validator
from huanjie.core.rules import Profile

# --- The ballot as printed -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PostLayout:
    """One post on the ballot: its candidates in ballot order (key = position + 1) and the
    number of write-in spaces (另选他人) printed for it (0: none)."""

    name: str
    seats: int
    candidates: tuple[str, ...]
    write_ins: int
    women_only: bool = False


@dataclass(frozen=True, slots=True)
class Layout:
    posts: tuple[PostLayout, ...]

    def core_posts(self) -> tuple[Post, ...]:
        return tuple(Post(p.name, p.seats, p.women_only) for p in self.posts)

    def index(self, post: str) -> int:
        for i, p in enumerate(self.posts):
            if p.name == post:
                return i
        raise KeyError(post)


def layout_of(
    posts: Sequence[Mapping[str, Any]],
    candidates: Sequence[Mapping[str, Any]],
    *,
    write_ins_allowed: bool,
    write_in_spaces: Mapping[str, int] | None = None,
) -> Layout:
    """The ballot of a round from its frozen ``posts`` (``name``, ``seats``, ``women_only``) and
    ``candidates`` (``post``, ``label`` or ``name``) in ballot order. Without a ballot design
    saying otherwise, a post has as many write-in spaces as seats when the profile allows
    write-ins, and none when it does not."""
    out = []
    for p in posts:
        name = str(p["name"])
        seats = int(p["seats"])
        labels = tuple(str(c.get("label") or c["name"]) for c in candidates if c["post"] == name)
        spaces = seats if write_ins_allowed else 0
        if write_in_spaces is not None and name in write_in_spaces:
            spaces = write_in_spaces[name] if write_ins_allowed else 0
        out.append(PostLayout(name, seats, labels, spaces, bool(p.get("women_only", False))))
    return Layout(tuple(out))


# --- One entered ballot ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Marks:
    """One ballot as a clerk entered it. ``sections`` align with the layout's posts (empty when
    the whole ballot is unreadable). ``doubtful``: the clerks could not be sure (难以确认); the
    election committee decides (``unreadable`` article of the profile)."""

    sections: tuple[Section, ...]
    unreadable: bool = False
    doubtful: bool = False

    def ballot(self) -> Ballot:
        """The ballot for the core (``None`` when it cannot be read at all)."""
        return None if self.unreadable else self.sections

    def to_json(self, layout: Layout) -> dict[str, Any]:
        """The ballot in the ``huanjie.round/1`` format (``core/count/parse.py``); blank
        sections left out. ``doubtful`` is not part of it: it is kept beside the ballot."""
        if self.unreadable:
            return {"unreadable": True}
        out: dict[str, Any] = {}
        for post, (yes, wins, unreadable) in zip(layout.posts, self.sections, strict=True):
            if unreadable:
                out[post.name] = {"unreadable": True}
            elif yes or wins:
                sec: dict[str, Any] = {"yes": list(yes)}
                if wins:
                    sec["write_in"] = [n if m else {"name": n, "marked": False} for n, m in wins]
                out[post.name] = sec
        return out

    def cells(self, layout: Layout) -> dict[str, int]:
        """The ballot as cells of a tally sheet (``core.entry.differences`` compares two)."""
        out = {"doubtful": int(self.doubtful)}
        if self.unreadable:
            out["unreadable"] = 1
            return out
        for post, (yes, wins, unreadable) in zip(layout.posts, self.sections, strict=True):
            if unreadable:
                out[f"{post.name}:unreadable"] = 1
            for name in yes:
                out[f"{post.name}:yes:{name}"] = 1
            for name, marked in wins:
                key = f"{post.name}:write_in:{name}" + ("" if marked else ":unmarked")
                out[key] = out.get(key, 0) + 1
        return out


def same(a: Marks, b: Marks) -> bool:
    """Two entries of one ballot agree (the order marks were typed in does not matter)."""
    return a == b


def differences(layout: Layout, a: Marks, b: Marks) -> tuple[str, ...]:
    """The cells in which two entries of one ballot differ (``post:yes:name`` …)."""
    ca, cb = a.cells(layout), b.cells(layout)
    return tuple(sorted(k for k in set(ca) | set(cb) if ca.get(k, 0) != cb.get(k, 0)))


def describe(layout: Layout, m: Marks) -> str:
    """The ballot in words, e.g. ``主任：张三；委员：李四、+王五；妇女委员：空白``."""
    if m.unreadable:
        text = "整张无法辨认"
    else:
        parts = []
        for post, (yes, wins, unreadable) in zip(layout.posts, m.sections, strict=True):
            if unreadable:
                parts.append(f"{post.name}：无法辨认")
                continue
            names = list(yes) + [("+" if marked else "~") + n for n, marked in wins]
            parts.append(f"{post.name}：{'、'.join(names) if names else '空白'}")
        text = "；".join(parts)
    return text + ("（难以确认）" if m.doubtful else "")


def keys_of(layout: Layout, m: Marks) -> list[str]:
    """The keyboard fields that enter ``m`` again (the inverse of :func:`parse_keys`)."""
    if m.unreadable:
        fields = ["*"] + [""] * (len(layout.posts) - 1)
    else:
        fields = []
        for post, (yes, wins, unreadable) in zip(layout.posts, m.sections, strict=True):
            if unreadable:
                fields.append("x")
                continue
            toks = [str(post.candidates.index(n) + 1) for n in yes]
            toks += [("+" if marked else "~") + n for n, marked in wins]
            fields.append(" ".join(toks))
    if m.doubtful:
        fields[0] = (fields[0] + " ?").strip()
    return fields


def _refuse(found: list[Finding]) -> EntryError:
    return EntryError("has_errors", "；".join(f.message for f in found), found)


def _too_many(post: PostLayout, marks: int) -> Finding:
    most = len(post.candidates) + post.write_ins
    return Finding(
        "too_many_marks",
        "error",
        post.name,
        f"{post.name}：录入 {marks} 个标记，多于候选人数与另选他人空格数之和 {most}，"
        "选票上不可能有这么多",
    )


def _section(
    post: PostLayout,
    yes: Sequence[str],
    wins: Sequence[tuple[str, bool]],
    unreadable: bool,
    found: list[Finding],
) -> Section:
    """Check one section against the printed ballot; append errors to ``found``."""
    if unreadable:
        if yes or wins:
            found.append(
                Finding(
                    "unreadable_with_marks",
                    "error",
                    post.name,
                    f"{post.name}：已录为无法辨认，不能同时录入标记",
                )
            )
        return ((), (), True)
    seen: set[str] = set()
    for name in yes:
        if name in seen:
            found.append(
                Finding(
                    "duplicate_mark",
                    "error",
                    post.name,
                    f"{post.name}：“{name}”录入了两次（一名候选人只有一个划记格）",
                )
            )
        seen.add(name)
    if wins and post.write_ins == 0:
        found.append(
            Finding(
                "no_write_ins",
                "error",
                post.name,
                f"{post.name}：选票上本职务没有另选他人栏，不能录入另选的人",
            )
        )
    elif len(wins) > post.write_ins:
        found.append(
            Finding(
                "too_many_write_ins",
                "error",
                post.name,
                f"{post.name}：另选他人 {len(wins)} 人，多于选票上的 {post.write_ins} 个空格",
            )
        )
    order = {n: i for i, n in enumerate(post.candidates)}
    ordered = tuple(sorted(dict.fromkeys(yes), key=lambda n: order.get(n, len(order))))
    return (ordered, tuple(sorted(wins)), False)


_SPLIT = re.compile(r"[\s,，、;；]+")
_WHOLE_UNREADABLE = {"*", "＊"}
_DOUBTFUL = {"?", "？"}
_SECTION_UNREADABLE = {"x", "X", "×"}
_BLANK = {"0", "-", "—"}


def parse_keys(layout: Layout, fields: Sequence[str]) -> Marks:
    """One ballot from the keyboard: one field per post, in ballot order.

    In a field: the numbers of the marked candidates as printed beside their names (when a
    post has at most 9 candidates, ``13`` means 1 and 3); ``+姓名`` a written-in and marked
    name, ``~姓名`` a name written in without a mark; ``x`` the section cannot be read; an
    empty field (or ``0``) a blank section. In any field: ``*`` the whole ballot cannot be
    read; ``?`` the clerks cannot be sure (难以确认, the committee decides).
    Raises :class:`EntryError` (``has_errors``) with one finding per problem.
    """
    found: list[Finding] = []
    if len(fields) != len(layout.posts):
        raise _refuse(
            [
                Finding(
                    "wrong_fields",
                    "error",
                    "",
                    f"应录入 {len(layout.posts)} 个职务，收到 {len(fields)} 个",
                )
            ]
        )
    doubtful = False
    whole = False
    parsed: list[tuple[list[str], list[tuple[str, bool]], bool]] = []
    marks_seen = False
    for post, raw in zip(layout.posts, fields, strict=True):
        tokens = [t for t in _SPLIT.split(raw.strip()) if t]
        keys: list[int] = []
        wins: list[tuple[str, bool]] = []
        unreadable = False
        for tok in tokens:
            if tok in _DOUBTFUL:
                doubtful = True
            elif tok in _WHOLE_UNREADABLE:
                whole = True
            elif tok in _SECTION_UNREADABLE:
                unreadable = True
            elif tok in _BLANK and len(tokens) == 1:
                pass
            elif tok[0] in "+＋~～":
                name = tok[1:].strip()
                if not name:
                    found.append(
                        Finding("bad_token", "error", post.name, f"{post.name}：“{tok}”后缺少姓名")
                    )
                else:
                    wins.append((name, tok[0] in "+＋"))
            elif tok.isdigit():
                keys += [int(d) for d in tok] if len(post.candidates) <= 9 else [int(tok)]
            else:
                found.append(
                    Finding(
                        "bad_token",
                        "error",
                        post.name,
                        f"{post.name}：无法识别“{tok}”（候选人编号、+姓名、x、*、?）",
                    )
                )
        most = len(post.candidates) + post.write_ins
        if len(keys) + len(wins) > most:
            found.append(_too_many(post, len(keys) + len(wins)))
            keys = []
        yes: list[str] = []
        for k in keys:
            if 1 <= k <= len(post.candidates):
                yes.append(post.candidates[k - 1])
            else:
                found.append(
                    Finding(
                        "unknown_candidate",
                        "error",
                        post.name,
                        f"{post.name}：没有编号 {k} 的候选人"
                        + (
                            f"（本职务候选人编号 1–{len(post.candidates)}）"
                            if post.candidates
                            else "（本职务没有候选人）"
                        ),
                    )
                )
        marks_seen = marks_seen or bool(keys or wins or unreadable)
        parsed.append((yes, wins, unreadable))
    if whole and marks_seen:
        found.append(
            Finding(
                "unreadable_with_marks",
                "error",
                "",
                "已录为整张无法辨认（*），不能同时录入标记",
            )
        )
    if found:
        raise _refuse(found)
    if whole:
        return Marks((), unreadable=True, doubtful=doubtful)
    sections = tuple(
        _section(post, yes, wins, unreadable, found)
        for post, (yes, wins, unreadable) in zip(layout.posts, parsed, strict=True)
    )
    if found:
        raise _refuse(found)
    return Marks(sections, doubtful=doubtful)


def from_json(layout: Layout, data: object, *, doubtful: bool = False) -> Marks:
    """One ballot in the ``huanjie.round/1`` format (``{"主任": {"yes": [...], "write_in":
    [...]}}`` or ``{"unreadable": true}``), checked against the printed ballot as
    :func:`parse_keys` checks the keyboard."""
    found: list[Finding] = []
    if not isinstance(data, dict):
        raise _refuse([Finding("bad_ballot", "error", "", "选票应为 职务 → 标记 的对象")])
    if data.get("unreadable") is True:
        if len(data) != 1:
            raise _refuse(
                [
                    Finding(
                        "unreadable_with_marks",
                        "error",
                        "",
                        "已录为整张无法辨认，不能同时录入标记",
                    )
                ]
            )
        return Marks((), unreadable=True, doubtful=doubtful)
    names = {p.name for p in layout.posts}
    for key in data:
        if key not in names:
            found.append(
                Finding(
                    "unknown_post",
                    "error",
                    str(key),
                    f"选票上没有职务“{key}”（应为 {'、'.join(p.name for p in layout.posts)}）",
                )
            )
    sections: list[Section] = []
    for post in layout.posts:
        sec = data.get(post.name, {})
        if not isinstance(sec, dict) or set(sec) - {"yes", "write_in", "unreadable"}:
            found.append(
                Finding(
                    "bad_section",
                    "error",
                    post.name,
                    f'{post.name}：应为 {{"yes": [...], "write_in": [...]}} 或 {{"unreadable": true}}',
                )
            )
            continue
        yes_raw = sec.get("yes", [])
        wins_raw = sec.get("write_in", [])
        if not isinstance(yes_raw, list) or not isinstance(wins_raw, list):
            found.append(Finding("bad_section", "error", post.name, f"{post.name}：应为姓名列表"))
            continue
        if len(yes_raw) + len(wins_raw) > len(post.candidates) + post.write_ins:
            found.append(_too_many(post, len(yes_raw) + len(wins_raw)))
            continue
        yes: list[str] = []
        for n in yes_raw:
            if not isinstance(n, str) or n not in post.candidates:
                found.append(
                    Finding(
                        "unknown_candidate",
                        "error",
                        post.name,
                        f"{post.name}：“{n}”不是本职务的候选人（另选他人请录入 write_in）",
                    )
                )
            else:
                yes.append(n)
        wins: list[tuple[str, bool]] = []
        for w in wins_raw:
            if isinstance(w, str) and w.strip():
                wins.append((w.strip(), True))
            elif (
                isinstance(w, dict)
                and isinstance(w.get("name"), str)
                and w["name"].strip()
                and isinstance(w.get("marked", True), bool)
            ):
                wins.append((w["name"].strip(), bool(w.get("marked", True))))
            else:
                found.append(
                    Finding(
                        "bad_token",
                        "error",
                        post.name,
                        f'{post.name}：另选他人应为姓名或 {{"name", "marked"}}，实为 {w!r}',
                    )
                )
        sections.append(_section(post, yes, wins, sec.get("unreadable") is True, found))
    if found:
        raise _refuse(found)
    return Marks(tuple(sections), doubtful=doubtful)


# --- The verdict shown while typing --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Assessment:
    """What the core makes of one entered ballot. ``valid`` is None for a doubtful ballot not
    yet decided. ``warnings`` carry the article; ``summary`` is one line for the clerk."""

    valid: bool | None
    summary: str
    warnings: tuple[Finding, ...]
    counted: tuple[tuple[str, ...] | None, ...]


def assess(layout: Layout, marks: Marks, profile: Profile) -> Assessment:
    """The core's judgement (``ballots.judge``) of one ballot, in words, with the article."""
    posts = layout.core_posts()
    verdict = judge(marks.ballot(), posts, Policy.of(profile))
    warnings: list[Finding] = []
    if marks.doubtful:
        warnings.append(
            Finding(
                "doubtful",
                "warning",
                "",
                "难以确认：由监票人提交村民选举委员会决定是否有效"
                f"（{profile.article('unreadable')}），决定前不计入",
            )
        )
    if not verdict.valid:
        why = verdict.why
        article = profile.article(
            {OVERMARK: "overmark", TWO_POSTS: "same_person_two_posts"}.get(why, "unreadable")
        )
        text = {
            OVERMARK: "所选人数多于应选名额",
            TWO_POSTS: "同一人被选为两个以上职务",
            UNREADABLE: "无法辨认",
        }[why]
        detail = ""
        if why == OVERMARK:
            detail = "：" + "、".join(
                f"{p.name}选 {_marks_counted(s, profile)} 人，应选 {p.seats} 名"
                for p, s in zip(layout.posts, marks.sections, strict=True)
                if _marks_counted(s, profile) > p.seats
            )
        warnings.append(Finding(why, "warning", "", f"无效票：{text}{detail}（{article}）"))
        return Assessment(
            None if marks.doubtful else False,
            f"待决定（按所录为无效票：{text}）" if marks.doubtful else f"无效票（{text}）",
            tuple(warnings),
            verdict.counted,
        )
    for p, why, names in zip(
        layout.posts, verdict.section_why or ("",) * len(posts), verdict.counted, strict=True
    ):
        if names is None:
            article = profile.article("overmark" if why == OVERMARK else "unreadable")
            what = "所选人数多于应选名额" if why == OVERMARK else "无法辨认"
            warnings.append(
                Finding(why, "warning", p.name, f"{p.name}：{what}，本栏不计票（{article}）")
            )
    if verdict.dropped_lower:
        warnings.append(
            Finding(
                TWO_POSTS,
                "warning",
                "",
                f"同一人被选为两个职务，只计较高职务（{profile.article('same_person_two_posts')}）",
            )
        )
    blank = all(not n for n in verdict.counted) and not any(n is None for n in verdict.counted)
    summary = "有效票（空白）" if blank else "有效票"
    if any(n is None for n in verdict.counted):
        summary = "有效票（部分职务不计）"
    if marks.doubtful:
        summary = f"待决定（按所录为{summary}）"
    return Assessment(None if marks.doubtful else True, summary, tuple(warnings), verdict.counted)


def _marks_counted(sec: Section, profile: Profile) -> int:
    """Marks the over-mark rule counts in one section (as ``ballots.judge`` does)."""
    yes, wins, _ = sec
    names = set(yes)
    n = len(names)
    if wins and profile.value("write_ins_allowed") and profile.value("cap_includes_write_ins"):
        for name, marked in wins:
            if (marked or profile.value("write_in_without_mark_counts")) and name not in names:
                names.add(name)
                n += 1
    return n


# --- The per-box machine (ballot by ballot, two passes side by side) -------------------------


class BoxState(StrEnum):
    ENTERING = "entering"
    ENTRIES_DIFFERENT = "entries_different"
    DEFINITIVE = "definitive"


class BoxAction(StrEnum):
    RECORD = "record"
    CORRECT = "correct"
    COMPLETE_AGREED = "complete_agreed"
    COMPLETE_DIFFERENT = "complete_different"
    SETTLE = "settle"
    SETTLE_LAST = "settle_last"
    DISCARD_PASS = "discard_pass"
    REOPEN = "reopen"


BOX_STATE_LABELS: Mapping[BoxState, str] = {
    BoxState.ENTERING: "录入中",
    BoxState.ENTRIES_DIFFERENT: "两遍录入不一致，待总监票人核对",
    BoxState.DEFINITIVE: "已确定",
}
BOX_ACTION_LABELS: Mapping[BoxAction, str] = {
    BoxAction.RECORD: "录入一张选票",
    BoxAction.CORRECT: "更正本遍的一张选票",
    BoxAction.COMPLETE_AGREED: "两遍录入完成且一致",
    BoxAction.COMPLETE_DIFFERENT: "两遍录入完成，有不一致",
    BoxAction.SETTLE: "核对一张不一致的选票",
    BoxAction.SETTLE_LAST: "核对最后一张不一致的选票",
    BoxAction.DISCARD_PASS: "作废一遍录入",
    BoxAction.REOPEN: "重新录入本票箱",
}

#: (from, action) → to; the drawing in docs/state-machines/ballot-entry.md is checked against
#: this table by the tests.
BOX_TRANSITIONS: Mapping[tuple[BoxState, BoxAction], BoxState] = {
    (BoxState.ENTERING, BoxAction.RECORD): BoxState.ENTERING,
    (BoxState.ENTERING, BoxAction.CORRECT): BoxState.ENTERING,
    (BoxState.ENTERING, BoxAction.SETTLE): BoxState.ENTERING,
    (BoxState.ENTERING, BoxAction.DISCARD_PASS): BoxState.ENTERING,
    (BoxState.ENTERING, BoxAction.COMPLETE_AGREED): BoxState.DEFINITIVE,
    (BoxState.ENTERING, BoxAction.COMPLETE_DIFFERENT): BoxState.ENTRIES_DIFFERENT,
    (BoxState.ENTRIES_DIFFERENT, BoxAction.SETTLE): BoxState.ENTRIES_DIFFERENT,
    (BoxState.ENTRIES_DIFFERENT, BoxAction.SETTLE_LAST): BoxState.DEFINITIVE,
    (BoxState.ENTRIES_DIFFERENT, BoxAction.DISCARD_PASS): BoxState.ENTERING,
    (BoxState.DEFINITIVE, BoxAction.REOPEN): BoxState.ENTERING,
}

PASSES = (1, 2)
PASS_LABELS: Mapping[int, str] = {1: "第一遍（唱票录入）", 2: "第二遍（核对录入）"}

#: How the coordinator settles one differing ballot: as the first pass has it, as the second
#: has it, or as the paper ballot reads (typed by the coordinator).
SETTLE_CHOICES: Mapping[str, str] = {
    "keep_first": "采用第一遍",
    "keep_second": "采用第二遍",
    "as_read": "按纸质选票录入",
}


@dataclass(frozen=True, slots=True)
class Progress:
    """Where the ballot entry of one box stands: ``entered`` ballots per pass (positions 1…n
    without gaps), the clerk of each pass (None until it records its first ballot)."""

    collected: int
    state: BoxState = BoxState.ENTERING
    entered: tuple[int, int] = (0, 0)
    clerks: tuple[str | None, str | None] = (None, None)


def _step(p: Progress, action: BoxAction) -> BoxState:
    target = BOX_TRANSITIONS.get((p.state, action))
    if target is None:
        raise EntryError(
            "not_allowed",
            f"本票箱当前状态为“{BOX_STATE_LABELS[p.state]}”，不能“{BOX_ACTION_LABELS[action]}”",
        )
    return target


def start(
    collected: int, unsettled: Callable[[], int] = lambda: 0
) -> tuple[Progress, BoxAction | None]:
    """The entry of a reconciled box; an empty box (0 ballots) is complete at once."""
    p = Progress(collected=collected)
    if collected == 0:
        return _complete(p, unsettled)
    return p, None


def _complete(p: Progress, unsettled: Callable[[], int]) -> tuple[Progress, BoxAction]:
    action = BoxAction.COMPLETE_AGREED if unsettled() == 0 else BoxAction.COMPLETE_DIFFERENT
    return replace(p, state=_step(p, action)), action


def _check_pass(pass_no: int) -> int:
    if pass_no not in PASSES:
        raise EntryError("bad_pass", "录入遍次应为 1（唱票录入）或 2（核对录入）")
    return pass_no - 1


def record(
    p: Progress, pass_no: int, position: int, clerk: str, unsettled: Callable[[], int]
) -> tuple[Progress, BoxAction]:
    """A clerk records the ballot at ``position`` in pass ``pass_no``. ``unsettled`` counts
    the positions where the passes differ and no coordinator has settled; it is asked only
    when this ballot completes both passes. A replay of a ballot already recorded is for the
    caller to recognise (same position, same ballot) before calling this."""
    i = _check_pass(pass_no)
    if not clerk.strip():
        raise EntryError("no_clerk", "录入人不能为空")
    _step(p, BoxAction.RECORD)
    other = p.clerks[1 - i]
    if other == clerk:
        raise EntryError(
            "same_clerk",
            f"您已录入本票箱的{PASS_LABELS[2 - i]}，{PASS_LABELS[pass_no]}须由另一名录入人独立录入",
        )
    if p.clerks[i] is not None and p.clerks[i] != clerk:
        raise EntryError(
            "other_clerk",
            f"本票箱的{PASS_LABELS[pass_no]}已由另一名录入人开始录入，不能接着录入"
            "（换人须由总监票人作废该遍后重新录入）",
        )
    expected = p.entered[i] + 1
    if position > p.collected:
        raise EntryError(
            "beyond_collected",
            f"本票箱收回选票 {p.collected} 张，第 {position} 张超出了收回选票数",
        )
    if position != expected:
        raise EntryError(
            "out_of_order",
            f"{PASS_LABELS[pass_no]}应录入第 {expected} 张，收到的是第 {position} 张",
        )
    entered = (expected, p.entered[1]) if i == 0 else (p.entered[0], expected)
    clerks = (clerk, p.clerks[1]) if i == 0 else (p.clerks[0], clerk)
    p = replace(p, entered=entered, clerks=clerks)
    if entered == (p.collected, p.collected):
        return _complete(p, unsettled)
    return p, BoxAction.RECORD


def correct(p: Progress, pass_no: int, position: int, clerk: str) -> tuple[Progress, BoxAction]:
    """The clerk of a pass corrects one of its ballots while the box is being entered (the
    caller refuses a position the coordinator has already settled)."""
    i = _check_pass(pass_no)
    _step(p, BoxAction.CORRECT)
    if p.clerks[i] != clerk:
        raise EntryError("not_your_pass", f"只有{PASS_LABELS[pass_no]}的录入人可以更正本遍的选票")
    if not 1 <= position <= p.entered[i]:
        raise EntryError("no_such_ballot", f"{PASS_LABELS[pass_no]}还没有第 {position} 张")
    return p, BoxAction.CORRECT


def settle(p: Progress, coordinator: str, unsettled_after: int) -> tuple[Progress, BoxAction]:
    """The coordinator (总监票人) settles one ballot the passes differ on, with the paper in
    hand; ``unsettled_after`` is the number of differences left once this one is settled."""
    if not coordinator.strip():
        raise EntryError("no_coordinator", "核对人不能为空")
    if coordinator in p.clerks:
        raise EntryError("coordinator_is_clerk", "核对人不能是本票箱的录入人，须由第三人核对")
    action = (
        BoxAction.SETTLE_LAST
        if p.state is BoxState.ENTRIES_DIFFERENT and unsettled_after == 0
        else BoxAction.SETTLE
    )
    return replace(p, state=_step(p, action)), action


def discard_pass(p: Progress, pass_no: int, coordinator: str) -> tuple[Progress, BoxAction]:
    """The coordinator discards one pass (wrong box, clerk replaced); it is typed again."""
    i = _check_pass(pass_no)
    if not coordinator.strip():
        raise EntryError("no_coordinator", "核对人不能为空")
    if coordinator in p.clerks:
        raise EntryError("coordinator_is_clerk", "核对人不能是本票箱的录入人，须由第三人核对")
    target = _step(p, BoxAction.DISCARD_PASS)
    entered = (0, p.entered[1]) if i == 0 else (p.entered[0], 0)
    clerks = (None, p.clerks[1]) if i == 0 else (p.clerks[0], None)
    return replace(p, state=target, entered=entered, clerks=clerks), BoxAction.DISCARD_PASS


def reopen(p: Progress, coordinator: str, reason: str) -> tuple[Progress, BoxAction]:
    """The coordinator reopens a definitive box with a reason: both passes start over."""
    if not coordinator.strip():
        raise EntryError("no_coordinator", "核对人不能为空")
    if not reason.strip():
        raise EntryError("reason_required", "重新录入已确定的票箱须说明理由")
    target = _step(p, BoxAction.REOPEN)
    return Progress(collected=p.collected, state=target), BoxAction.REOPEN


def box_available(state: BoxState) -> tuple[BoxAction, ...]:
    return tuple(a for a in BoxAction if (state, a) in BOX_TRANSITIONS)


# --- Reconciliation (开箱清点) ----------------------------------------------------------------

COLLECTED = "collected"


def _limit(profile: Profile, voters: int | None, issued: int | None) -> tuple[int | None, str]:
    """What the profile compares ballots collected with (as ``decide._reconcile`` does)."""
    against = profile.value("reconcile")["against"]
    limit = voters if against == "voters" else issued
    if limit is None:
        limit = issued if voters is None else voters
    return limit, "投票人数" if against == "voters" else "发出选票数"


def reconcile_box(
    profile: Profile, name: str, collected: int, voters: int | None, issued: int | None
) -> Reason:
    """What the profile's ``reconcile`` rule makes of one box. At ``scope: box`` more ballots
    than the limit voids the round (error); at ``scope: round`` the round's totals decide, so
    a box over its own figures is a warning to look into."""
    rule = profile.value("reconcile")
    article = profile.article("reconcile")
    limit, noun = _limit(profile, voters, issued)
    values = {"collected": collected, "voters": voters, "issued": issued, "limit": limit}
    if limit is None:
        return Reason(
            "box_no_figures",
            article,
            f"票箱“{name}”收回选票 {collected} 张；没有投票人数和发出选票数可核对",
            "warning",
            values,
        )
    if collected > limit:
        if rule["scope"] == "box":
            return Reason(
                "ballots_exceed_voters" if noun == "投票人数" else "ballots_exceed_issued",
                article,
                f"票箱“{name}”收回选票 {collected} 张，多于{noun} {limit}，按规定本次选举无效，应重新投票",
                "error",
                values,
            )
        return Reason(
            "box_exceeds",
            article,
            f"票箱“{name}”收回选票 {collected} 张，多于本票箱{noun} {limit}；"
            "按规定以全轮合计核对，请查明原因并记录",
            "warning",
            values,
        )
    return Reason(
        "box_reconciled",
        article,
        f"票箱“{name}”收回选票 {collected} 张，不多于{noun} {limit}",
        "info",
        values,
    )


def reconcile_findings(
    profile: Profile, name: str, voters: int | None, issued: int | None
) -> Validator:
    """The validator of a reconciliation sheet: one cell, ``collected``. More ballots than the
    limit is a warning the clerk must acknowledge (the paper is what it is; the core decides)."""

    def validate(counts: Counts) -> list[Finding]:
        found = [
            Finding("unknown_key", "error", k, f"“{k}”不是开箱清点表中的项目")
            for k in counts
            if k != COLLECTED
        ]
        if found:
            return found
        reason = reconcile_box(profile, name, counts.get(COLLECTED, 0), voters, issued)
        if reason.level != "info":
            found.append(
                Finding(reason.code, "warning", COLLECTED, f"{reason.text}（{reason.article}）")
            )
        return found

    return validate


def reconcile_round(
    profile: Profile, boxes: Sequence[Box], present: int | None = None
) -> list[Reason]:
    """The core's reconciliation of a whole round over its boxes (``decide_round`` step 1):
    its findings, the last one the decision (``ballots_reconciled`` or ``ballots_exceed_*``)."""
    issued = sum(b.issued or 0 for b in boxes)
    r = RoundInput(
        profile=profile,
        kind="regular",
        electorate=0,
        issued=issued,
        collected=sum(b.collected for b in boxes),
        posts=(),
        candidates=(),
        present=present,
        boxes=tuple(boxes),
    )
    notes: list[Reason] = []
    excess = _reconcile(r, notes)
    return [*notes, excess] if excess is not None else notes


# --- The totals sheet of a box counted on paper ----------------------------------------------

INVALID = "invalid"


def votes_key(post: str, name: str) -> str:
    return f"votes:{post}:{name}"


def write_in_key(post: str, name: str) -> str:
    return f"write_in:{post}:{name}"


def split_total_key(key: str) -> tuple[str, str, str]:
    """``(kind, post, name)`` of a totals-sheet cell; ``("invalid", "", "")`` for invalid."""
    kind, _, rest = key.partition(":")
    post, _, name = rest.partition(":")
    return kind, post, name


def totals_findings(layout: Layout, name: str, collected: int) -> Validator:
    """The validator of one box's totals sheet (``invalid``, ``votes:<post>:<label>``,
    ``write_in:<post>:<name>``). Errors: a cell the sheet has not, more invalid ballots than
    collected, one person with more votes than valid ballots, a post with more votes than
    valid ballots × seats, a written-in name where the ballot has no space. Warning: a
    written-in name that is a candidate of the post (their votes belong in their own row)."""
    posts = {p.name: p for p in layout.posts}

    def validate(counts: Counts) -> list[Finding]:
        found: list[Finding] = []
        per_post: dict[str, int] = dict.fromkeys(posts, 0)
        invalid = counts.get(INVALID, 0)
        if invalid > collected:
            found.append(
                Finding(
                    "invalid_exceeds_collected",
                    "error",
                    INVALID,
                    f"票箱“{name}”：无效票 {invalid} 张，多于收回的 {collected} 张",
                )
            )
        valid = max(collected - invalid, 0)
        for key, n in counts.items():
            if key == INVALID:
                continue
            kind, post, person = split_total_key(key)
            layout_post = posts.get(post)
            if kind not in ("votes", "write_in") or layout_post is None or not person:
                found.append(Finding("unknown_key", "error", key, f"“{key}”不是计票汇总表中的项目"))
                continue
            if kind == "votes" and person not in layout_post.candidates:
                found.append(
                    Finding(
                        "unknown_candidate",
                        "error",
                        key,
                        f"{post}：“{person}”不是本职务的候选人（另选的人填在另选他人栏）",
                    )
                )
                continue
            if kind == "write_in" and n and layout_post.write_ins == 0:
                found.append(
                    Finding(
                        "no_write_ins",
                        "error",
                        key,
                        f"{post}：选票上本职务没有另选他人栏，不能有另选的“{person}”",
                    )
                )
                continue
            if kind == "write_in" and n and person in layout_post.candidates:
                found.append(
                    Finding(
                        "write_in_is_candidate",
                        "warning",
                        key,
                        f"{post}：另选的“{person}”是本职务的候选人，其得票应计入候选人一行",
                    )
                )
            if n > valid:
                found.append(
                    Finding(
                        "votes_exceed_valid",
                        "error",
                        key,
                        f"{post}：“{person}”得 {n} 票，多于有效票 {valid} 张",
                    )
                )
            per_post[post] += n
        for post, total in per_post.items():
            seats = posts[post].seats
            if total > valid * seats:
                found.append(
                    Finding(
                        "votes_exceed_capacity",
                        "error",
                        post,
                        f"{post}：得票合计 {total}，多于有效票 × 应选名额（{valid} × {seats} = {valid * seats}）",
                    )
                )
        return found

    return validate


def totals_of(layout: Layout, counts: Counts) -> tuple[int, dict[str, dict[str, int]]]:
    """``(invalid, {post: {name: votes}})`` of a definitive totals sheet (zeros left out; a
    written-in name that is also a candidate is added to the candidate)."""
    totals: dict[str, dict[str, int]] = {p.name: {} for p in layout.posts}
    for key, n in counts.items():
        if key == INVALID or not n:
            continue
        _kind, post, person = split_total_key(key)
        totals[post][person] = totals[post].get(person, 0) + n
    return counts.get(INVALID, 0), totals
