"""Reads of the results part: the ``huanjie.round/1`` input of a round assembled from polling,
counting, earlier rounds and the declared near relatives (``round_input``); the stored results
(``result_for``, ``results``); a stored result recomputed and compared (``explain``); what the
outcome asks for next (``next_step``, ``next_round_plan``); the new committee
(``elected``) and where the election stands (``election_outcome``)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet

from huanjie.apps.campaigns.models import Election
from huanjie.apps.errors import ServiceError
from huanjie.apps.polling import selectors as polling
from huanjie.apps.polling.models import Round
from huanjie.apps.results.models import RoundResult
from huanjie.apps.roll.models import Voter
from huanjie.apps.roll.selectors import registered
from huanjie.core.calendar.holidays import add_period
from huanjie.core.count import decide_round, outcome_to_json, parse_round
from huanjie.core.count.parse import ROUND_SCHEMA, InputError
from huanjie.core.preparation import Kin, PersonRef, same_person
from huanjie.core.rounds import STATE_LABELS, RoundState
from huanjie.core.rules import Profile, load_profile

#: Near relations that may not sit together on the committee (任职回避): 夫妻、父母子女、兄弟姐妹
#: (浙江 第三十一条第一款; 河南 第八条第二款). Grandparents and grandchildren are not listed there.
AVOIDANCE_KINDS = frozenset({Kin.SPOUSE, Kin.PARENT, Kin.CHILD, Kin.SIBLING})
AVOIDANCE_ARTICLE = "《浙江省村民委员会选举办法》第三十一条第一款；河南省实施《中华人民共和国村民委员会组织法》办法 第八条第二款"

KIND_LABELS = {"regular": "正式选举", "revote": "票数相等重新投票", "additional": "另行选举"}
NEXT_LABELS = {
    "revote": "就票数相等的候选人重新投票",
    "additional": "另行选举",
    "rerun": "重新投票（本轮无效）",
}


# --- The count (counting part) ----------------------------------------------------------------


def count_complete(r: Round) -> tuple[bool, list[str]]:
    """Whether counting has finished this round, and if not, why (``counting.selectors``)."""
    from huanjie.apps.counting import selectors as counting  # noqa: PLC0415

    ok, reasons = counting.count_complete(r)
    return bool(ok), list(reasons)


def count_fragment(r: Round) -> dict[str, Any]:
    """The part of the ``huanjie.round/1`` input the count supplies: ``boxes`` and ``ballots``,
    or for the totals-only path ``collected``, ``invalid`` and ``totals``."""
    from huanjie.apps.counting import selectors as counting  # noqa: PLC0415

    fragment = counting.round_count(r)
    return dict(fragment)


# --- Assembling the input ---------------------------------------------------------------------


def canonical(data: Any) -> str:
    """The canonical JSON text of ``data`` (sorted keys, no spaces, UTF-8 as is)."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def input_sha256(data: Any) -> str:
    return hashlib.sha256(canonical(data).encode("utf-8")).hexdigest()


def plain(data: Any) -> Any:
    """``data`` as it reads back from a JSON column (tuples become lists, and so on)."""
    return json.loads(canonical(data))


def _write_in_names(fragment: Mapping[str, Any], on_ballot: set[str]) -> list[str]:
    names: dict[str, None] = {}
    for ballot in fragment.get("ballots") or []:
        if not isinstance(ballot, dict):
            continue
        for section in ballot.values():
            if not isinstance(section, dict):
                continue
            for w in section.get("write_in") or []:
                name = w if isinstance(w, str) else (w or {}).get("name")
                if isinstance(name, str) and name.strip() and name.strip() not in on_ballot:
                    names[name.strip()] = None
    for votes in (fragment.get("totals") or {}).values():
        if isinstance(votes, dict):
            for name in votes:
                if isinstance(name, str) and name.strip() not in on_ballot:
                    names[name.strip()] = None
    return list(names)


def voter_named(election: Election, name: str) -> Voter | None:
    """The one registered voter of this name, or None when there is none or more than one."""
    found = list(registered(election).filter(name=name)[:2])
    return found[0] if len(found) == 1 else None


def results(election: Election) -> QuerySet[RoundResult]:
    """The current result of every decided round (superseded ones left out), in round order."""
    return (
        RoundResult.objects.filter(round__election=election, superseded_by__isnull=True)
        .select_related("round", "decided_by")
        .order_by("round__number")
    )


def history(r: Round) -> QuerySet[RoundResult]:
    """Every result of a round, the superseded ones included, oldest first."""
    return (
        RoundResult.objects.filter(round=r)
        .select_related("decided_by", "supersedes")
        .order_by("decided_at", "pk")
    )


def result_for(r: Round) -> RoundResult | None:
    """The current result of a round (None before it is decided)."""
    return RoundResult.objects.filter(round=r, superseded_by__isnull=True).first()


def _sex_of(result: RoundResult, name: str) -> str | None:
    data = result.input
    for c in data.get("candidates", []):
        if c.get("name") == name and c.get("sex"):
            return str(c["sex"])
    for p in data.get("persons", []):
        if p.get("name") == name and p.get("sex"):
            return str(p["sex"])
    for w in data.get("elected_before", []):
        if w.get("name") == name and w.get("sex"):
            return str(w["sex"])
    return None


def elected_before(r: Round) -> list[dict[str, Any]]:
    """Everyone elected in the election's earlier decided rounds: ``{"name", "post", "sex"}``."""
    out: list[dict[str, Any]] = []
    for res in results(r.election).filter(round__number__lt=r.number):
        for post in res.outcome.get("posts", []):
            for name in post.get("elected", []):
                entry: dict[str, Any] = {"name": name, "post": post["name"]}
                sex = _sex_of(res, name)
                if sex:
                    entry["sex"] = sex
                out.append(entry)
    return out


def _person_refs(r: Round, names: Iterable[str]) -> dict[str, PersonRef]:
    """Each name of the round (as printed and counted) as the person it stands for: the
    candidate's voter (by ID number), else the one registered voter of that name."""
    election = r.election
    by_label: dict[str, int | None] = {}
    for rr in Round.objects.filter(election=election, number__lte=r.number):
        for c in rr.candidates:
            by_label.setdefault(c.get("label") or c["name"], c.get("voter_id"))
    ids = {v for v in by_label.values() if v is not None}
    voters = {v.pk: v for v in Voter.objects.filter(election=election, pk__in=ids)}
    out: dict[str, PersonRef] = {}
    for name in names:
        voter_id = by_label.get(name)
        voter = voters.get(voter_id) if voter_id is not None else voter_named(election, name)
        out[name] = PersonRef(voter.name if voter else name, voter.id_number if voter else "")
    return out


def relatives(r: Round, names: Iterable[str]) -> list[list[str]]:
    """Pairs among ``names`` declared near relatives of a kind that may not sit together
    (``AVOIDANCE_KINDS``), from the committee part's declared relations."""
    from huanjie.apps.committee.selectors import relations  # noqa: PLC0415

    declared = [rel for rel in relations(r.election) if rel.kind in AVOIDANCE_KINDS]
    if not declared:
        return []
    refs = _person_refs(r, names)
    pairs: dict[tuple[str, str], None] = {}
    for rel in declared:
        side_a = [n for n, p in refs.items() if same_person(p, rel.a)]
        side_b = [n for n, p in refs.items() if same_person(p, rel.b)]
        for a in side_a:
            for b in side_b:
                if a != b:
                    pairs[(min(a, b), max(a, b))] = None
    return [list(p) for p in pairs]


def round_input(r: Round, fragment: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The whole ``huanjie.round/1`` input of a counted round.

    - ``profile`` the election's profile, ``kind`` the round's kind;
    - ``electorate`` (frozen when polls opened), ``issued`` and ``present`` (voters handed a
      ballot, 投票人数) from ``polling.selectors.round_figures``;
    - ``posts`` and ``candidates`` from the round's frozen JSON (names as printed: ``label``);
    - the count (``counting.selectors.round_count``): ``boxes`` and ``ballots``, or
      ``collected``, ``invalid`` and ``totals``; a box without voters or issued gets them from
      polling's box figures;
    - ``persons``: the sex of write-ins who are registered voters (for a women's post);
    - ``elected_before``: winners of the election's earlier decided rounds;
    - ``relatives``: declared near relatives among candidates, write-ins and earlier winners,
      where the profile has ``relatives_avoidance``.
    """
    election = r.election
    profile = load_profile(election.profile_id)
    figures = polling.round_figures(r)
    count = dict(fragment if fragment is not None else count_fragment(r))
    labels = [c.get("label") or c["name"] for c in r.candidates]
    data: dict[str, Any] = {
        "schema": ROUND_SCHEMA,
        "title": f"{election.title} 第{r.number}轮{KIND_LABELS.get(r.kind, r.kind)}",
        "profile": election.profile_id,
        "kind": r.kind,
        "electorate": figures.electorate,
        "issued": figures.issued,
        "present": figures.voters,
        "posts": [
            {"name": p["name"], "seats": p["seats"], "women_only": bool(p.get("women_only"))}
            for p in r.posts
        ],
        "candidates": [
            {"name": label, "post": c["post"], "sex": c.get("sex") or None}
            for label, c in zip(labels, r.candidates, strict=True)
        ],
    }
    if "boxes" in count:
        by_name = {b.name: b for b in figures.boxes}
        boxes = []
        for b in count["boxes"]:
            box = dict(b)
            known = by_name.get(str(box.get("name")))
            if known is not None:
                box.setdefault("voters", known.voters)
                box.setdefault("issued", known.issued)
            boxes.append(box)
        data["boxes"] = boxes
    for key in ("collected", "ballots", "totals", "invalid"):
        if key in count:
            data[key] = count[key]
    persons = []
    for name in _write_in_names(count, set(labels)):
        voter = voter_named(election, name)
        if voter is not None and voter.sex in ("M", "F"):
            persons.append({"name": name, "sex": voter.sex})
    if persons:
        data["persons"] = persons
    before = elected_before(r)
    if before:
        data["elected_before"] = before
    if profile.value("relatives_avoidance") != "none":
        names = [*labels, *(p["name"] for p in persons), *(w["name"] for w in before)]
        pairs = relatives(r, dict.fromkeys(names))
        if pairs:
            data["relatives"] = pairs
    return plain(data)  # type: ignore[no-any-return]


def decide(data: Mapping[str, Any]) -> dict[str, Any]:
    """Parse and decide ``huanjie.round/1`` data; the outcome as stored (``huanjie.outcome/1``).
    Malformed data raises :class:`ServiceError` naming the field."""
    try:
        parsed = parse_round(dict(data), load_profile)
    except InputError as err:
        raise ServiceError(
            f"计票数据有误（{err.field}）：{err.message}", "", "input_error"
        ) from err
    return plain(outcome_to_json(decide_round(parsed)))  # type: ignore[no-any-return]


# --- Explaining a stored result ---------------------------------------------------------------


@dataclass(frozen=True)
class Explanation:
    """A stored result recomputed from its stored input."""

    input_intact: bool  # the input still has the SHA-256 stored with it
    matches: bool  # the recomputed outcome equals the stored one
    outcome: dict[str, Any]
    differences: list[str] = field(default_factory=list)


def _differences(stored: Mapping[str, Any], again: Mapping[str, Any], path: str = "") -> list[str]:
    out: list[str] = []
    for key in sorted(set(stored) | set(again)):
        a, b = stored.get(key), again.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            out += _differences(a, b, f"{path}{key}.")
        elif a != b:
            out.append(f"{path}{key}")
    return out


def explain(result: RoundResult) -> Explanation:
    """Recompute ``result`` from its stored input with the core and compare with the stored
    outcome (and the input with its stored SHA-256)."""
    again = decide(result.input)
    return Explanation(
        input_intact=input_sha256(result.input) == result.input_sha256,
        matches=again == result.outcome,
        outcome=again,
        differences=_differences(result.outcome, again),
    )


# --- What follows -----------------------------------------------------------------------------


def _parent_result(result: RoundResult) -> RoundResult | None:
    parent = result.round.parent
    return result_for(parent) if parent is not None else None


def _open_posts_after_revote(result: RoundResult) -> tuple[RoundResult, list[dict[str, Any]]]:
    """After a revote: the posts of the round it followed that still have unfilled seats."""
    parent = _parent_result(result)
    if parent is None:
        return result, []
    return parent, [p for p in parent.outcome.get("posts", []) if p.get("unfilled")]


def next_step(result: RoundResult) -> str | None:
    """What the result asks for next: ``revote``, ``additional``, ``rerun`` or None.

    The core's ``next_round`` for the round itself; after a revote that settled its ties, an
    additional round for seats the earlier round left unfilled (the core decides a revote on
    its own posts only), unless the earlier round was itself an additional round after which
    the seats may stay vacant."""
    step = result.next_round
    if step is not None or result.round.kind != Round.Kind.REVOTE:
        return step
    parent, open_posts = _open_posts_after_revote(result)
    if not open_posts:
        return None
    codes = {reason.get("code") for reason in parent.outcome.get("reasons", [])}
    if parent.round.kind == Round.Kind.ADDITIONAL and "vacancy_not_allowed" not in codes:
        return None
    return "additional"


@dataclass(frozen=True)
class PlannedRound:
    """The round that follows a result: kind, posts and candidates for
    ``polling.services.round_create``, and notes for the committee."""

    kind: str
    step: str  # revote / additional / rerun
    posts: list[dict[str, Any]]
    candidates: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # what keeps it from being created


def _candidate_entry(
    election: Election, rounds: Sequence[Round], post: str, name: str, problems: list[str]
) -> dict[str, Any] | None:
    for r in rounds:
        for c in r.candidates:
            if (c.get("label") or c["name"]) == name:
                return {
                    "post": post,
                    "name": c["name"],
                    "voter_id": c.get("voter_id"),
                    "sex": c.get("sex"),
                    "label": c.get("label") or c["name"],
                }
    voter = voter_named(election, name)
    if voter is None:
        problems.append(
            f"另选他人“{name}”在选民名单中找不到唯一对应的选民，请核对姓名后再安排下一轮"
        )
        return None
    return {"post": post, "name": voter.name, "voter_id": voter.pk, "sex": voter.sex}


def _post_entry(src: Mapping[str, Any], seats: int, women_only: bool) -> dict[str, Any]:
    return {"kind": src["kind"], "name": src["name"], "seats": seats, "women_only": women_only}


def next_round_plan(result: RoundResult) -> PlannedRound | None:
    """The next round the result calls for (None when nothing follows)."""
    step = next_step(result)
    if step is None:
        return None
    r = result.round
    election = r.election
    rounds = list(Round.objects.filter(election=election).order_by("-number"))
    problems: list[str] = []
    notes: list[str] = []
    source = result
    if step == "rerun":
        notes.append("本轮投票无效，按原职务、原候选人重新投票")
        return PlannedRound(
            r.kind, step, [dict(p) for p in r.posts], [dict(c) for c in r.candidates], notes
        )
    if step == "additional" and result.next_round is None:
        source, _ = _open_posts_after_revote(result)
    src_posts = {p["name"]: p for p in source.round.posts}
    taken = {e.name for e in elected(election)}
    posts: list[dict[str, Any]] = []
    wanted: list[tuple[str, list[str]]] = []  # (post, names)
    if step == "revote":
        for p in source.outcome.get("posts", []):
            if p.get("revote"):
                posts.append(_post_entry(src_posts[p["name"]], p["revote_seats"], p["women_only"]))
                wanted.append((p["name"], list(p["revote"])))
        if any(p.get("held") for p in source.outcome.get("posts", [])):
            notes.append("较低职务有名额因较高职务重新投票暂不确定：重新投票后请核对该职务的结果")
    else:
        merged: list[str] = []
        merged_seats = 0
        for p in source.outcome.get("posts", []):
            if not p.get("unfilled"):
                continue
            names = [n for n in p.get("next_candidates", []) if n not in taken]
            if p.get("women_only") and not p.get("next_women_only"):
                # 已选出的成员中已有妇女: the seat is no longer listed for women (浙江 第二十九条第四款).
                merged += names
                merged_seats += p["unfilled"]
                continue
            posts.append(_post_entry(src_posts[p["name"]], p["unfilled"], p["women_only"]))
            names += [n for n in p.get("next_women_candidates", []) if n not in names]
            wanted.append((p["name"], names))
            if p.get("women_reserved"):
                notes.append(f"{p['name']}另行选举名额中保留 1 名由妇女候选人竞选")
        if merged_seats:
            ordinary = [q for q in source.round.posts if not q.get("women_only")]
            target = ordinary[-1] if ordinary else None
            if target is None:
                problems.append("没有可以并入的普通委员职务")
            else:
                existing = next((q for q in posts if q["name"] == target["name"]), None)
                if existing is None:
                    posts.append(_post_entry(target, merged_seats, False))
                    wanted.append((target["name"], merged))
                else:
                    existing["seats"] += merged_seats
                    names = next(w for w in wanted if w[0] == target["name"])[1]
                    names += [n for n in merged if n not in names]
                notes.append(
                    f"已选出的成员中已有妇女，{merged_seats} 个妇女委员名额不再单列，"
                    f"并入{target['name']}另行选举；其候选人按妇女委员的得票排列，"
                    "请选举委员会依法确认"
                )
        profile = load_profile(election.profile_id)
        least = profile.value("additional_candidates")
        for post in posts:
            count = len(next(w for w in wanted if w[0] == post["name"])[1])
            need = least.bounds(post["seats"])[0]
            if count < need:
                notes.append(
                    f"{post['name']}另行选举候选人只有 {count} 人，不足应选名额加差额 {need} 人，"
                    f"须依法补充（{profile.article('additional_candidates')}）"
                )
    candidates: list[dict[str, Any]] = []
    for post_name, names in wanted:
        for name in names:
            entry = _candidate_entry(election, rounds, post_name, name, problems)
            if entry is not None:
                candidates.append(entry)
    if not candidates:
        problems.append("下一轮没有候选人")
    kind = "revote" if step == "revote" else "additional"
    return PlannedRound(kind, step, posts, candidates, notes, problems)


@dataclass(frozen=True)
class Window:
    """The dates a following round may be held on."""

    earliest: date
    latest: date | None
    article: str
    extended: bool = False

    def text(self) -> str:
        if self.latest is None:
            return f"不早于 {self.earliest.isoformat()}（{self.article}未规定期限）"
        moved = (
            "（期限最后一日为法定休假日的，顺延至休假日结束的次日，民法典第二百零三条）"
            if self.extended
            else ""
        )
        return f"{self.earliest.isoformat()} 至 {self.latest.isoformat()}{moved}（{self.article}）"


def window(result: RoundResult, profile: Profile | None = None) -> Window:
    """When the round after ``result`` may be held: not before the round decided; an additional
    round within the profile's ``additional_window_days`` of election day (the same day
    allowed), the period counted as 民法典 第二百零一条 and 第二百零三条 say."""
    election = result.round.election
    profile = profile or load_profile(election.profile_id)
    earliest = result.round.held_on
    days = profile.value("additional_window_days")
    article = profile.article("additional_window_days")
    if next_step(result) != "additional" or days is None:
        return Window(earliest, None, article)
    end = add_period(election.election_day, days)
    return Window(earliest, end.end, article, end.extended)


# --- The new committee ------------------------------------------------------------------------


@dataclass(frozen=True)
class Elected:
    name: str  # as printed on the ballot and counted (a label may carry 4 ID digits)
    voter_id: int | None
    post_kind: str  # chair / vice_chair / member / women_member
    post_name: str
    votes: int
    round_number: int
    sex: str = ""
    round_kind: str = "regular"


def elected(election: Election) -> list[Elected]:
    """The new committee: everyone elected in the election's decided rounds, in the order of the
    election's posts (主任, 副主任, … as on the first ballot), then of the rounds."""
    out: list[Elected] = []
    for res in results(election):
        r = res.round
        kinds = {p["name"]: p["kind"] for p in r.posts}
        by_label = {(c.get("label") or c["name"], c["post"]): c for c in r.candidates}
        for post in res.outcome.get("posts", []):
            for name in post.get("elected", []):
                c = by_label.get((name, post["name"]))
                if c is None:
                    c = next((x for (label, _), x in by_label.items() if label == name), None)
                voter_id = c.get("voter_id") if c else None
                sex = (c.get("sex") if c else None) or _sex_of(res, name) or ""
                if c is None:
                    voter = voter_named(election, name)
                    voter_id = voter.pk if voter else None
                out.append(
                    Elected(
                        name=name,
                        voter_id=voter_id,
                        post_kind=kinds.get(post["name"], "member"),
                        post_name=post["name"],
                        votes=int(post.get("votes", {}).get(name, 0)),
                        round_number=r.number,
                        sex=sex,
                        round_kind=r.kind,
                    )
                )
    first = Round.objects.filter(election=election, kind=Round.Kind.REGULAR).order_by("number")
    order = {p["name"]: i for i, p in enumerate(first[0].posts)} if first else {}
    return sorted(out, key=lambda e: (order.get(e.post_name, len(order)), e.round_number))


@dataclass(frozen=True)
class ElectionOutcome:
    """Where the election stands."""

    decided: bool  # at least one round decided
    complete: bool  # nothing more to vote on
    seats: dict[str, int]  # post → seats of the election (first regular round)
    filled: dict[str, int]
    unfilled: dict[str, int]
    next_step: str | None  # revote / additional / rerun / None
    next_label: str
    pending: Round | None  # a round created and not yet decided
    last: RoundResult | None
    vacancy_allowed: bool | None
    presiding: str | None
    summary: str

    @property
    def unfilled_total(self) -> int:
        return sum(self.unfilled.values())


def election_outcome(election: Election) -> ElectionOutcome:
    """Complete or not, seats still unfilled per post, and what comes next."""
    all_rounds = list(polling.rounds(election))
    first = next((r for r in all_rounds if r.kind == Round.Kind.REGULAR), None)
    seats = {p["name"]: p["seats"] for p in first.posts} if first else {}
    women_posts = {p["name"] for p in first.posts if p.get("women_only")} if first else set()
    members = elected(election)
    filled = dict.fromkeys(seats, 0)
    for e in members:
        filled[e.post_name] = filled.get(e.post_name, 0) + 1
    unfilled = {p: seats[p] - filled.get(p, 0) for p in seats}
    # A women's seat no longer listed separately was filled as an ordinary member's seat.
    excess = sum(-v for v in unfilled.values() if v < 0)
    for p in seats:
        if p in women_posts and excess and unfilled[p] > 0:
            moved = min(excess, unfilled[p])
            unfilled[p] -= moved
            excess -= moved
    unfilled = {p: max(v, 0) for p, v in unfilled.items()}
    current = list(results(election))
    last = current[-1] if current else None
    decided_rounds = {res.round_id for res in current}
    pending = next(
        (r for r in all_rounds if r.pk not in decided_rounds and r.status != RoundState.DECIDED),
        None,
    )
    step = next_step(last) if last is not None else None
    if last is not None and last.round.followups.exists() and pending is None:
        step = None
    complete = last is not None and pending is None and step is None
    vacancy = last.outcome.get("vacancy_allowed") if last else None
    presiding = last.outcome.get("presiding") if last else None
    total = sum(unfilled.values())
    if pending is not None and pending.status == RoundState.COUNTED:
        summary = f"第{pending.number}轮{KIND_LABELS.get(pending.kind, '')}已计票完成，待确定结果"
    elif last is None:
        summary = "尚未确定任何一轮的选举结果"
    elif pending is not None:
        summary = (
            f"第{pending.number}轮{KIND_LABELS.get(pending.kind, '')}已安排"
            f"（{pending.held_on.isoformat()}），待投票和计票"
        )
    elif step is not None:
        summary = f"须{NEXT_LABELS[step]}"
        if total:
            summary += f"；尚缺 {total} 名"
    elif total:
        summary = f"选举结束，{total} 个名额暂缺"
    else:
        summary = f"选举结束，应选 {sum(seats.values())} 名全部选出"
    return ElectionOutcome(
        decided=last is not None,
        complete=complete,
        seats=seats,
        filled=filled,
        unfilled=unfilled,
        next_step=step,
        next_label=NEXT_LABELS.get(step or "", ""),
        pending=pending,
        last=last,
        vacancy_allowed=vacancy,
        presiding=presiding,
        summary=summary,
    )


def election_blockers(election: Election) -> list[str]:
    """Registered for the 投票选举 stage: it closes only once the vote has been held and every
    round of it decided (a round open, awaiting its count or its result, or arranged and not
    yet held, belongs to the vote). Whether seats may stay vacant is the core's decision,
    shown on the results page; it is not a blocker here (上海 第二十一条第一款 lets the meeting
    decide, see docs/statutes.md)."""
    all_rounds = list(polling.rounds(election))
    if not all_rounds:
        return ["尚未投票（见“投票”）"]
    return [
        f"{r}：{STATE_LABELS[RoundState(r.status)]}，尚未确定选举结果（见“选举结果”）"
        for r in all_rounds
        if r.status != RoundState.DECIDED
    ]


# --- A decided round as people read it (pages, announcement, report) --------------------------

_BASE_LABELS = {"collected": "参加投票人数", "valid": "有效票数", "present": "实到会人数"}


def threshold_rule(result: RoundResult, post: Mapping[str, Any]) -> str:
    """How ``post`` was won in this round, with its numbers: e.g. ``过半数：得票×2 > 参加投票人数
    50×1，即至少 26 票``; for a revote, the most votes."""
    kind = result.input.get("kind")
    if kind == "revote":
        return "重新投票，以得票多的当选"
    profile = load_profile(result.profile_id)
    rule = profile.value("additional_threshold" if kind == "additional" else "threshold")
    share = rule["share"]
    ballots = result.outcome.get("ballots", {})
    base = {
        "collected": ballots.get("collected", 0),
        "valid": ballots.get("valid", 0),
        "present": result.input.get("present") or 0,
    }[rule["base"]]
    op = ">" if share.strict else "≥"
    text = (
        f"{share.describe()}：得票×{share.den} {op} {_BASE_LABELS[rule['base']]} {base}×{share.num}，"
        f"即至少 {share.least(base)} 票"
    )
    if kind == "additional":
        text = f"得票多，且{text}"
        if rule.get("majority_first"):
            majority = rule["majority_share"]
            text = f"先以{majority.describe()}（至少 {majority.least(base)} 票）确定；无人达到的，{text}"
    return text


@dataclass(frozen=True)
class Row:
    name: str
    votes: int
    write_in: bool
    status: str  # 当选 / 未当选 / 重新投票 / 另行选举候选人
    elected: bool


@dataclass(frozen=True)
class PostView:
    name: str
    seats: int
    threshold: int | None
    rule: str
    rows: list[Row]
    elected: list[str]
    unfilled: int
    revote: list[str]
    sections: dict[str, int]
    reasons: list[dict[str, Any]]
    women_only: bool
    article: str = ""  # the article of the threshold (shown beside ``rule``)


@dataclass(frozen=True)
class Decision:
    text: str
    article: str
    level: str
    code: str


@dataclass(frozen=True)
class RoundView:
    result: RoundResult
    round: Round
    title: str
    valid: bool
    electorate: int
    voters: int | None
    issued: int
    collected: int
    valid_ballots: int
    invalid_ballots: int
    blank_ballots: int | None
    boxes: list[dict[str, Any]]
    posts: list[PostView]
    decisions: list[Decision]  # the round's and every post's, each with its article
    next_step: str | None
    next_label: str
    presiding: str | None
    vacancy_allowed: bool | None


def short_articles(article: str) -> str:
    """Articles as people write them: ``《浙江省村民委员会选举办法》第二十八条第一款、第二款；
    《民法典》第一千二百五十九条`` for the core's ``浙江省村民委员会选举办法 第二十八条第一款；
    浙江省村民委员会选举办法 第二十八条第二款；民法典 第一千二百五十九条``."""
    groups: list[tuple[str, list[str]]] = []
    for part in (p.strip() for p in article.split("；")):
        if not part:
            continue
        law, sep, ref = part.rpartition(" ")
        if not sep:
            law, ref = part, ""
        if groups and groups[-1][0] == law:
            refs = groups[-1][1]
            # 第二十八条第一款、第二十八条第二款 → 第二十八条第一款、第二款
            head = refs[0].split("条")[0] + "条" if "条" in refs[0] else ""
            refs.append(ref[len(head) :] if head and ref.startswith(head) and ref != head else ref)
        else:
            groups.append((law, [ref]))
    out = []
    for law, refs in groups:
        name = law if law.startswith("《") or not law else f"《{law}》"
        out.append(name + "、".join(r for r in refs if r))
    return "；".join(out)


def round_view(result: RoundResult) -> RoundView:
    data, outcome = result.input, result.outcome
    r = result.round
    on_ballot: dict[str, list[str]] = {}
    for c in data.get("candidates", []):
        on_ballot.setdefault(c["post"], []).append(c["name"])
    posts: list[PostView] = []
    decisions = [
        Decision(x["text"], short_articles(x["article"]), x.get("level", "info"), x["code"])
        for x in outcome.get("reasons", [])
    ]
    for p in outcome.get("posts", []):
        votes = dict(p.get("votes", {}))
        for name in on_ballot.get(p["name"], []):
            votes.setdefault(name, 0)
        ranked = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))
        rows = []
        for name, n in ranked:
            if name in p.get("elected", []):
                status = "当选"
            elif name in p.get("revote", []):
                status = "票数相等，重新投票"
            elif name in p.get("next_candidates", []) or name in p.get("next_women_candidates", []):
                status = "未当选（另行选举候选人）"
            else:
                status = "未当选"
            rows.append(
                Row(
                    name=name,
                    votes=n,
                    write_in=name not in on_ballot.get(p["name"], []),
                    status=status,
                    elected=name in p.get("elected", []),
                )
            )
        posts.append(
            PostView(
                name=p["name"],
                seats=p["seats"],
                threshold=p.get("threshold"),
                rule=threshold_rule(result, p) if outcome.get("valid") else "",
                rows=rows,
                elected=list(p.get("elected", [])),
                unfilled=int(p.get("unfilled", 0)),
                revote=list(p.get("revote", [])),
                sections=dict(p.get("sections", {})),
                reasons=list(p.get("reasons", [])),
                women_only=bool(p.get("women_only")),
                article=next(
                    (
                        short_articles(x["article"])
                        for x in p.get("reasons", [])
                        if x["code"] in ("threshold", "additional_majority_first", "revote_decided")
                    ),
                    "",
                ),
            )
        )
        # The threshold of each post is shown with the post (its rule and article).
        decisions += [
            Decision(x["text"], short_articles(x["article"]), x.get("level", "info"), x["code"])
            for x in p.get("reasons", [])
            if x["code"] not in ("threshold", "revote_decided")
        ]
    ballots = outcome.get("ballots", {})
    step = next_step(result)
    return RoundView(
        result=result,
        round=r,
        title=f"第{r.number}轮　{KIND_LABELS.get(r.kind, r.kind)}",
        valid=bool(outcome.get("valid")),
        electorate=int(data.get("electorate", 0)),
        voters=data.get("present"),
        issued=int(data.get("issued", 0)),
        collected=int(ballots.get("collected", 0)),
        valid_ballots=int(ballots.get("valid", 0)),
        invalid_ballots=int(ballots.get("invalid", 0)),
        blank_ballots=ballots.get("blank"),
        boxes=list(data.get("boxes", [])),
        posts=posts,
        decisions=decisions,
        next_step=step,
        next_label=NEXT_LABELS.get(step or "", ""),
        presiding=outcome.get("presiding"),
        vacancy_allowed=outcome.get("vacancy_allowed"),
    )
