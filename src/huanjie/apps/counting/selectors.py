"""Reads of the counting part: the ballot as printed, each box's progress, the ballots both
clerks agree on, the public screen's figures, and for the results part ``count_complete`` and
``round_count`` (the count's share of a ``huanjie.round/1`` input)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from huanjie.apps.counting.models import (
    BallotEntry,
    BoxCount,
    DoubtfulDecision,
    RoundCount,
    ScreenLink,
    Settlement,
    Sheet,
)
from huanjie.apps.polling import selectors as polling
from huanjie.apps.polling.models import Box, Round
from huanjie.core.count import entry_ballots as eb
from huanjie.core.count.ballots import Policy, tally
from huanjie.core.count.model import Ballot
from huanjie.core.count.model import Box as CoreBox
from huanjie.core.entry import EntryError, EntryState
from huanjie.core.rounds import RoundState
from huanjie.core.rules import Profile, load_profile

# --- The ballot as printed --------------------------------------------------------------------


@lru_cache(maxsize=32)
def _profile(profile_id: str) -> Profile:
    return load_profile(profile_id)


def profile_of(r: Round) -> Profile:
    return _profile(r.election.profile_id)


@lru_cache(maxsize=256)
def _layout(posts: str, candidates: str, write_ins_allowed: bool) -> eb.Layout:
    return eb.layout_of(
        json.loads(posts), json.loads(candidates), write_ins_allowed=write_ins_allowed
    )


def layout(r: Round) -> eb.Layout:
    """The round's ballot: posts and candidates as frozen on the round, in ballot order, and
    the write-in spaces (as many as seats where the profile allows write-ins, as printed by
    ``printing.ballots`` unless a design says otherwise)."""
    return _layout(
        json.dumps(r.posts, sort_keys=True, ensure_ascii=False),
        json.dumps(r.candidates, sort_keys=True, ensure_ascii=False),
        bool(profile_of(r).value("write_ins_allowed")),
    )


@lru_cache(maxsize=4096)
def _marks(lay: eb.Layout, ballot: str, doubtful: bool) -> eb.Marks:
    return eb.from_json(lay, json.loads(ballot), doubtful=doubtful)


def marks_of(lay: eb.Layout, ballot: Mapping[str, Any], doubtful: bool = False) -> eb.Marks:
    """A stored ballot back as marks (cached: the same ballot recurs many times)."""
    return _marks(lay, json.dumps(ballot, sort_keys=True, ensure_ascii=False), doubtful)


def parse_input(
    lay: eb.Layout,
    *,
    keys: list[str] | None = None,
    ballot: Mapping[str, Any] | None = None,
    doubtful: bool = False,
) -> eb.Marks:
    """A ballot from the keyboard fields or from JSON; :class:`EntryError` if impossible."""
    if keys is not None:
        m = eb.parse_keys(lay, keys)
        return eb.Marks(m.sections, m.unreadable, m.doubtful or doubtful)
    if ballot is None:
        raise EntryError("no_ballot", "请录入选票（keys 或 ballot）")
    return eb.from_json(lay, ballot, doubtful=doubtful)


# --- Rows -------------------------------------------------------------------------------------


def round_count_row(r: Round) -> RoundCount | None:
    return RoundCount.objects.filter(round=r).first()


def boxes(r: Round) -> list[Box]:
    return list(polling.boxes(r))


def sheet(box: Box, kind: str) -> Sheet | None:
    return Sheet.objects.filter(box=box, kind=kind).first()


def box_count(box: Box) -> BoxCount | None:
    return BoxCount.objects.filter(box=box).first()


def entries(bc: BoxCount, pass_no: int | None = None) -> QuerySet[BallotEntry]:
    qs = BallotEntry.objects.filter(count=bc, discarded_at__isnull=True)
    if pass_no is not None:
        qs = qs.filter(pass_no=pass_no)
    return qs.order_by("pass_no", "position")


def settlements(bc: BoxCount) -> dict[int, Settlement]:
    qs = Settlement.objects.filter(count=bc, discarded_at__isnull=True)
    return {s.position: s for s in qs.select_related("coordinator")}


def decisions(bc: BoxCount) -> dict[int, DoubtfulDecision]:
    qs = DoubtfulDecision.objects.filter(count=bc, discarded_at__isnull=True)
    return {d.position: d for d in qs.select_related("decided_by")}


# --- Comparing the two passes -----------------------------------------------------------------

Stored = tuple[str, bool]  # canonical JSON of the ballot, doubtful


def _key(ballot: Any, doubtful: bool) -> Stored:
    return json.dumps(ballot, sort_keys=True, ensure_ascii=False), doubtful


@dataclass
class Comparison:
    """The two passes of one box position by position (ballots in force only)."""

    first: dict[int, BallotEntry]
    second: dict[int, BallotEntry]
    settled: dict[int, Settlement]

    def agreed(self) -> dict[int, tuple[Any, bool]]:
        """position → (ballot JSON, doubtful) where the passes agree or were settled."""
        out: dict[int, tuple[Any, bool]] = {}
        for pos, a in self.first.items():
            s = self.settled.get(pos)
            if s is not None:
                out[pos] = (s.ballot, s.doubtful)
                continue
            b = self.second.get(pos)
            if b is not None and _key(a.ballot, a.doubtful) == _key(b.ballot, b.doubtful):
                out[pos] = (a.ballot, a.doubtful)
        return out

    def differing(self) -> list[int]:
        """Positions both passes hold, differently, not yet settled."""
        return sorted(
            pos
            for pos, a in self.first.items()
            if pos in self.second
            and pos not in self.settled
            and _key(a.ballot, a.doubtful)
            != _key(self.second[pos].ballot, self.second[pos].doubtful)
        )


def compare(bc: BoxCount) -> Comparison:
    first: dict[int, BallotEntry] = {}
    second: dict[int, BallotEntry] = {}
    for e in entries(bc).select_related("clerk"):
        (first if e.pass_no == 1 else second)[e.position] = e
    return Comparison(first, second, settlements(bc))


def progress(bc: BoxCount) -> eb.Progress:
    return eb.Progress(
        collected=bc.collected,
        state=eb.BoxState(bc.state),
        entered=(bc.first_entered, bc.second_entered),
        clerks=(
            str(bc.first_clerk_id) if bc.first_clerk_id else None,
            str(bc.second_clerk_id) if bc.second_clerk_id else None,
        ),
    )


# --- Completeness and the count for the results part -----------------------------------------


def _box_problems(r: Round, box: Box, method: str | None) -> list[str]:
    rec = sheet(box, Sheet.Kind.RECONCILE)
    name = f"票箱“{box.name}”"
    if rec is None or rec.state == EntryState.FIRST_ENTRY.value:
        return [f"{name}尚未开箱清点"]
    if rec.state == EntryState.SECOND_ENTRY.value:
        return [f"{name}开箱清点待第二次录入"]
    if rec.state == EntryState.ENTRIES_DIFFERENT.value:
        return [f"{name}开箱清点两次录入不一致，待总监票人核对"]
    if method == RoundCount.Method.TOTALS:
        tot = sheet(box, Sheet.Kind.TOTALS)
        if tot is None or not tot.is_definitive:
            label = EntryState(tot.state) if tot else EntryState.FIRST_ENTRY
            from huanjie.core.entry import STATE_LABELS  # noqa: PLC0415

            return [f"{name}计票汇总表：{STATE_LABELS[label]}"]
        return []
    bc = box_count(box)
    if bc is None:
        return [f"{name}尚未开始逐张录入"]
    problems: list[str] = []
    if bc.state == eb.BoxState.ENTERING.value:
        problems.append(
            f"{name}逐张录入未完成：第一遍 {bc.first_entered}/{bc.collected} 张，"
            f"第二遍 {bc.second_entered}/{bc.collected} 张"
        )
    elif bc.state == eb.BoxState.ENTRIES_DIFFERENT.value:
        n = len(compare(bc).differing())
        problems.append(f"{name}有 {n} 张选票两遍录入不一致，待总监票人核对")
    for pos in pending_doubts(bc):
        problems.append(f"{name}第 {pos} 张选票难以确认，待村民选举委员会决定")
    return problems


def pending_doubts(bc: BoxCount) -> list[int]:
    """Agreed positions marked doubtful that the committee has not decided yet."""
    decided = set(decisions(bc))
    return sorted(
        pos
        for pos, (_ballot, doubtful) in compare(bc).agreed().items()
        if doubtful and pos not in decided
    )


def count_complete(r: Round) -> tuple[bool, list[str]]:
    """Whether every box of the round is reconciled and counted (both clerks agree on every
    ballot, every doubtful ballot decided; or the totals sheet definitive), and if not, what
    is missing, in Chinese."""
    rc = round_count_row(r)
    if rc is None:
        status = RoundState(r.status)
        if status in (RoundState.PREPARED, RoundState.OPEN):
            return False, ["投票尚未结束，尚未计票"]
        return False, ["尚未开始计票"]
    all_boxes = boxes(r)
    if not all_boxes:
        return False, ["本轮没有票箱"]
    problems = [p for box in all_boxes for p in _box_problems(r, box, rc.method)]
    return not problems, problems


def _final_ballots(r: Round, bc: BoxCount) -> list[Any]:
    cmp = compare(bc)
    agreed = cmp.agreed()
    decided = decisions(bc)
    out = []
    for pos in range(1, bc.collected + 1):
        ballot, doubtful = agreed[pos]
        if doubtful:
            ballot = decided[pos].ballot
        out.append(ballot)
    return out


def _box_row(box: Box) -> dict[str, Any]:
    rec = sheet(box, Sheet.Kind.RECONCILE)
    figures = polling.box_figures(box)
    collected = int((rec.result or {}).get(eb.COLLECTED, 0)) if rec else 0
    return {
        "name": box.name,
        "collected": collected,
        "voters": figures.voters,
        "issued": figures.issued,
    }


def round_count(r: Round) -> dict[str, Any]:
    """The count's part of the round's ``huanjie.round/1`` input: ``boxes`` (name, collected,
    voters, issued) and either ``ballots`` (every ballot as both clerks agree, doubtful ones
    as the committee decided, box by box in position order) or, for a count on paper,
    ``collected``, ``invalid`` and ``totals``. Raises ``ValueError`` before the count is
    complete (:func:`count_complete`)."""
    complete, problems = count_complete(r)
    if not complete:
        raise ValueError("计票尚未完成：" + "；".join(problems))
    rc = round_count_row(r)
    assert rc is not None
    all_boxes = boxes(r)
    out: dict[str, Any] = {"boxes": [_box_row(b) for b in all_boxes]}
    if rc.method == RoundCount.Method.BALLOTS:
        ballots: list[Any] = []
        for box in all_boxes:
            bc = box_count(box)
            assert bc is not None
            ballots += _final_ballots(r, bc)
        out["ballots"] = ballots
        return out
    lay = layout(r)
    invalid = 0
    totals: dict[str, dict[str, int]] = {p.name: {} for p in lay.posts}
    for box in all_boxes:
        tot = sheet(box, Sheet.Kind.TOTALS)
        assert tot is not None
        box_invalid, box_totals = eb.totals_of(lay, tot.result or {})
        invalid += box_invalid
        for post, votes in box_totals.items():
            for name, n in votes.items():
                totals[post][name] = totals[post].get(name, 0) + n
    out["collected"] = sum(b["collected"] for b in out["boxes"])
    out["invalid"] = invalid
    out["totals"] = totals
    return out


# --- Overview of a round -------------------------------------------------------------------


@dataclass
class BoxView:
    box: Box
    voters: int
    issued: int
    reconcile: Sheet | None
    collected: int | None
    decision: dict[str, Any] | None
    count: BoxCount | None
    totals: Sheet | None
    differing: int = 0
    doubts: int = 0
    problems: list[str] = field(default_factory=list)


def overview(r: Round) -> list[BoxView]:
    rc = round_count_row(r)
    out = []
    for box in boxes(r):
        figures = polling.box_figures(box)
        rec = sheet(box, Sheet.Kind.RECONCILE)
        bc = box_count(box)
        v = BoxView(
            box=box,
            voters=figures.voters,
            issued=figures.issued,
            reconcile=rec,
            collected=int(rec.result[eb.COLLECTED]) if rec and rec.result is not None else None,
            decision=rec.decision if rec else None,
            count=bc,
            totals=sheet(box, Sheet.Kind.TOTALS),
        )
        if bc is not None:
            v.differing = len(compare(bc).differing())
            v.doubts = len(pending_doubts(bc))
        v.problems = _box_problems(r, box, rc.method if rc else None)
        out.append(v)
    return out


def round_reconciliation(r: Round) -> list[dict[str, Any]]:
    """The core's round check over the reconciled boxes (once every box is reconciled)."""
    views = overview(r)
    if not views or any(v.collected is None for v in views):
        return []
    reasons = eb.reconcile_round(
        profile_of(r),
        [CoreBox(v.box.name, v.collected or 0, v.voters, v.issued) for v in views],
    )
    return [
        {"code": x.code, "level": x.level, "text": x.text, "article": x.article} for x in reasons
    ]


# --- The public screen -------------------------------------------------------------------------


def _ballot(lay: eb.Layout, ballot: Any, doubtful: bool = False) -> Ballot:
    return marks_of(lay, ballot, doubtful).ballot()


def _tally_rows(
    lay: eb.Layout, profile: Profile, ballots: Iterable[Ballot]
) -> tuple[list[Counter[str]], int, int]:
    t = tally(list(ballots), lay.core_posts(), Policy.of(profile))
    return t.votes, t.valid, t.invalid


def screen(r: Round) -> dict[str, Any]:
    """The public screen (大屏): per post, every candidate in ballot order and every name
    written in, with the caller's running count (pass 1 as typed: 未经核对) and the count both
    clerks agree on (已核对); ballots collected, called and checked. Candidate names and
    figures only — nothing about any voter."""
    lay = layout(r)
    profile = profile_of(r)
    called: list[Ballot] = []
    checked: list[Ballot] = []
    pending_called = pending_checked = 0
    collected = 0
    reconciled = 0
    all_boxes = boxes(r)
    rc = round_count_row(r)
    totals_mode = rc is not None and rc.method == RoundCount.Method.TOTALS
    totals: dict[str, dict[str, int]] = {p.name: {} for p in lay.posts}
    totals_invalid = 0
    totals_boxes = totals_ballots = 0
    for box in all_boxes:
        rec = sheet(box, Sheet.Kind.RECONCILE)
        box_collected = 0
        if rec is not None and rec.result is not None:
            box_collected = int(rec.result.get(eb.COLLECTED, 0))
            collected += box_collected
            reconciled += 1
        if totals_mode:
            tot = sheet(box, Sheet.Kind.TOTALS)
            if tot is not None and tot.is_definitive:
                totals_boxes += 1
                totals_ballots += box_collected
                inv, box_totals = eb.totals_of(lay, tot.result or {})
                totals_invalid += inv
                for post, votes in box_totals.items():
                    for name, n in votes.items():
                        totals[post][name] = totals[post].get(name, 0) + n
            continue
        bc = box_count(box)
        if bc is None:
            continue
        cmp = compare(bc)
        decided = decisions(bc)
        for e in cmp.first.values():
            if e.doubtful:
                pending_called += 1
            else:
                called.append(_ballot(lay, e.ballot))
        for pos, (ballot, doubtful) in cmp.agreed().items():
            if doubtful and pos not in decided:
                pending_checked += 1
            elif doubtful:
                checked.append(_ballot(lay, decided[pos].ballot))
            else:
                checked.append(_ballot(lay, ballot))
    called_votes, _valid, called_invalid = _tally_rows(lay, profile, called)
    checked_votes, _valid, checked_invalid = _tally_rows(lay, profile, checked)
    posts = []
    for i, p in enumerate(lay.posts):
        names = list(p.candidates)
        extra = sorted(
            (set(called_votes[i]) | set(checked_votes[i]) | set(totals[p.name])) - set(names)
        )
        rows = [
            {
                "name": n,
                "candidate": n in p.candidates,
                "called": called_votes[i].get(n, 0),
                "checked": (totals[p.name] if totals_mode else checked_votes[i]).get(n, 0),
            }
            for n in names + extra
        ]
        posts.append({"name": p.name, "seats": p.seats, "rows": rows})
    called_n = len(called) + pending_called
    checked_n = len(checked) + pending_checked
    if totals_mode:
        checked_n, checked_invalid = totals_ballots, totals_invalid
    complete, _problems = count_complete(r)
    return {
        "round": str(r),
        "election": r.election.title,
        "status": r.get_status_display(),
        "method": rc.method if rc else None,
        "boxes": len(all_boxes),
        "reconciled": reconciled,
        "collected": collected,
        "called": called_n,
        "called_invalid": called_invalid,
        "checked": checked_n,
        "checked_invalid": checked_invalid,
        "pending": pending_checked,
        "remaining": max(collected - called_n, 0)
        if not totals_mode
        else max(collected - checked_n, 0),
        "complete": complete,
        "totals_boxes": totals_boxes,
        "posts": posts,
        "at": timezone.localtime().strftime("%H:%M:%S"),
    }


def screen_link(token: str) -> ScreenLink | None:
    """A screen link in force (not withdrawn, not expired)."""
    link = (
        ScreenLink.objects.filter(token=token, revoked_at__isnull=True)
        .select_related("round", "round__election")
        .first()
    )
    if link is None or link.expires_at <= timezone.now():
        return None
    return link


def screen_links(r: Round) -> QuerySet[ScreenLink]:
    return ScreenLink.objects.filter(
        round=r, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )
