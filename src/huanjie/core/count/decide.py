"""Deciding one round of an election: reconciliation, quorum, validity, thresholds, seats.

One entry point, :func:`decide_round`. Every legal outcome is a value — an invalid round, a
tie at the last seat, seats left for an additional round — and every decision carries the
article that made it. Integer arithmetic only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from huanjie.core.arith import Share
from huanjie.core.citations import CIVIL_CODE_COUNTING_WORDS
from huanjie.core.count.ballots import OVERMARK, TWO_POSTS, UNREADABLE, Policy, tally
from huanjie.core.count.model import Outcome, Post, PostOutcome, Reason, RoundInput
from huanjie.core.rules import Profile

_BASE_ZH = {"collected": "参加投票人数（收回选票数）", "valid": "有效票数", "present": "实到会人数"}
_WHY_ZH = {
    OVERMARK: "所选人数多于应选名额",
    UNREADABLE: "无法辨认",
    TWO_POSTS: "同一人被选为两个以上职务",
}


def _cite(profile: Profile, *params: str) -> str:
    return "；".join(dict.fromkeys(profile.article(p) for p in params))


def decide_round(r: RoundInput) -> Outcome:
    """Decide one round (regular, revote among the tied, or additional round)."""
    p = r.profile
    reasons: list[Reason] = []
    posts_out = [
        PostOutcome(
            name=post.name,
            seats=post.seats,
            threshold=None,
            votes=[],
            women_only=post.women_only,
            unfilled=post.seats,
        )
        for post in r.posts
    ]

    def void(reason: Reason) -> Outcome:
        reasons.append(reason)
        return Outcome(
            profile=p.id,
            kind=r.kind,
            valid=False,
            reasons=reasons,
            collected=r.collected,
            valid_ballots=0,
            invalid_ballots=0,
            blank_ballots=None,
            posts=posts_out,
            next_round="rerun",
        )

    _unverified(r, reasons)

    # 1. Reconciliation: more ballots collected than voters (or than issued) voids the vote.
    excess = _reconcile(r, reasons)
    if excess is not None:
        return void(excess)

    # 2. Quorum.
    needs_quorum = (
        r.kind == "regular"
        or (r.kind == "additional" and p.value("additional_quorum"))
        or (r.kind == "revote" and p.value("revote_quorum"))
    )
    if needs_quorum:
        q = p.value("quorum")
        share: Share = q["share"]
        participants = r.present if q["participants"] == "present" else r.collected
        assert participants is not None  # the parser requires present where the profile uses it
        met = share.met(participants, r.electorate)
        label = "实到会人数" if q["participants"] == "present" else "参加投票人数"
        base_label = "应到会人数" if p.election_type == "party" else "登记选民数"
        text = (
            f"{label} {participants}，{base_label} {r.electorate}，"
            f"须{share.describe()}（{share.formula(participants, r.electorate)}）："
            + ("达到法定人数" if met else "未达到法定人数，本次选举无效")
        )
        values = {
            "participants": participants,
            "electorate": r.electorate,
            "required": share.least(r.electorate),
        }
        reason = Reason(
            "quorum_met" if met else "quorum_not_met",
            _cite(p, "quorum"),
            text,
            "info" if met else "error",
            values,
        )
        if not met:
            return void(reason)
        reasons.append(reason)

    # 3. Ballots.
    policy = Policy.of(p)
    if r.ballots is not None:
        t = tally(r.ballots, r.posts, policy)
        valid_ballots, invalid_ballots, blank = t.valid, t.invalid, t.blank
        votes = t.votes
        for why, count in sorted(t.invalid_by.items()):
            reasons.append(
                Reason(
                    f"ballots_invalid_{why}",
                    _ballot_article(p, why),
                    f"{count} 张选票因{_WHY_ZH[why]}整张无效",
                    "info",
                    {"count": count},
                )
            )
        if t.dropped_lower:
            reasons.append(
                Reason(
                    "lower_post_marks_dropped",
                    _cite(p, "same_person_two_posts"),
                    f"同一人在一张选票上被选为两个职务的，只计较高职务，共去掉较低职务选票 {t.dropped_lower} 个",
                    "info",
                    {"count": t.dropped_lower},
                )
            )
        for i, out in enumerate(posts_out):
            invalid_here = sum(t.section_invalid[i].values())
            out.sections = {
                "valid": valid_ballots - invalid_here,
                "invalid": invalid_here + invalid_ballots,
                "blank": t.section_blank[i],
            }
            for why, count in sorted(t.section_invalid[i].items()):
                out.reasons.append(
                    Reason(
                        f"section_invalid_{why}",
                        _ballot_article(p, why),
                        f"{out.name}栏 {count} 张因{_WHY_ZH[why]}该栏无效，其余各栏有效",
                        "info",
                        {"count": count},
                    )
                )
    else:
        assert r.totals is not None
        invalid_ballots = r.invalid
        valid_ballots = r.collected - r.invalid
        blank = None
        votes = [Counter(r.totals.get(post.name, {})) for post in r.posts]

    if p.value("vote_addition") == "election_cumulative":
        votes = _cumulate(r, votes, reasons)

    # 4. Thresholds and seats, post by post from the highest.
    base_key, share = _threshold_rule(r)
    base = {"collected": r.collected, "valid": valid_ballots, "present": r.present or 0}[base_key]
    elected_any: set[str] = {w.name for w in r.elected_before}
    pending: set[str] = set()
    on_post: dict[str, set[str]] = {}
    for c in r.candidates:
        on_post.setdefault(c.post, set()).add(c.name)
    for post, out, post_votes in zip(r.posts, posts_out, votes, strict=True):
        out.votes = sorted(post_votes.items(), key=lambda kv: (-kv[1], kv[0]))
        ranking = [(n, v) for n, v in out.votes if n not in elected_any]
        if post.women_only:
            ranking = _women_only(r, out, ranking)
        if r.kind == "revote" and on_post.get(post.name):
            # A revote is among the tied only (浙江 第二十八条第二款; 选举法 第四十五条第三款).
            ranking = [(n, v) for n, v in ranking if n in on_post[post.name]]
        _decide_post(r, out, ranking, base, base_key, share)
        _hold_for_revote(r, out, pending)
        elected_any.update(out.elected)
        pending.update(out.revote)

    removed: set[str] = set()
    if r.relatives and p.value("relatives_avoidance") != "none":
        _avoid_relatives(r, posts_out, base, share, reasons, removed)
        elected_any = {w.name for w in r.elected_before}
        pending = set()
        for out in posts_out:
            elected_any.update(out.elected)
            pending.update(out.revote)

    # 5. What the next round is and who stands in it.
    taken = elected_any | pending | removed
    _next_candidates(r, posts_out, votes, taken)
    _women(r, posts_out, votes, taken, reasons)
    outcome = Outcome(
        profile=p.id,
        kind=r.kind,
        valid=True,
        reasons=reasons,
        collected=r.collected,
        valid_ballots=valid_ballots,
        invalid_ballots=invalid_ballots,
        blank_ballots=blank,
        posts=posts_out,
    )
    _vacancies(r, outcome, taken)
    return outcome


_DECISIVE = ("quorum", "threshold", "reconcile", "overmark", "unreadable", "same_person_two_posts")


def _unverified(r: RoundInput, reasons: list[Reason]) -> None:
    """Warn when a decisive rule of this round rests on a source not checked against the text."""
    p = r.profile
    names = [*_DECISIVE, "additional_threshold"] if r.kind == "additional" else list(_DECISIVE)
    weak = [n for n in names if any(c.status != "V" for c in p.params[n].citations)]
    if weak:
        reasons.append(
            Reason(
                "unverified_rules",
                "；".join(dict.fromkeys(p.article(n) for n in weak)),
                "本次决定所依据的下列规则尚未与法规原文核对，正式公布前请核实：" + "、".join(weak),
                "warning",
                {"params": weak},
            )
        )


def _ballot_article(p: Profile, why: str) -> str:
    return _cite(
        p, {OVERMARK: "overmark", UNREADABLE: "unreadable", TWO_POSTS: "same_person_two_posts"}[why]
    )


def _reconcile(r: RoundInput, reasons: list[Reason]) -> Reason | None:
    p = r.profile
    rule = p.value("reconcile")
    article = _cite(p, "reconcile")
    against = rule["against"]
    noun = "投票人数" if against == "voters" else "发出选票数"
    checks: list[tuple[str, int, int]] = []
    if rule["scope"] == "box" and r.boxes:
        for box in r.boxes:
            limit = box.voters if against == "voters" else box.issued
            if limit is None:
                limit = box.issued if box.voters is None else box.voters
            if limit is not None:
                checks.append((f"票箱“{box.name}”", box.collected, limit))
    if not checks:
        if against == "voters":
            if r.present is not None:
                limit = r.present
            elif r.boxes and all(b.voters is not None for b in r.boxes):
                limit = sum(b.voters or 0 for b in r.boxes)
            else:
                limit = r.issued
                reasons.append(
                    Reason(
                        "voters_taken_as_issued",
                        article,
                        f"未填写投票人数，按发出选票数 {r.issued} 核对",
                        "warning",
                    )
                )
        else:
            limit = r.issued
        checks.append(("本次投票", r.collected, limit))
    for where, collected, limit in checks:
        if collected > limit:
            return Reason(
                "ballots_exceed_voters" if against == "voters" else "ballots_exceed_issued",
                article,
                f"{where}收回选票 {collected} 张，多于{noun} {limit}，选举无效，应重新投票",
                "error",
                {"collected": collected, "limit": limit, "where": where},
            )
    total_limit = sum(c[2] for c in checks)
    reasons.append(
        Reason(
            "ballots_reconciled",
            article,
            f"收回选票 {r.collected} 张，不多于{noun} {total_limit}，投票有效",
            "info",
            {"collected": r.collected, "limit": total_limit},
        )
    )
    return None


def _threshold_rule(r: RoundInput) -> tuple[str, Share]:
    p = r.profile
    if r.kind == "additional":
        rule = p.value("additional_threshold")
        return rule["base"], rule["share"]
    rule = p.value("threshold")
    return rule["base"], rule["share"]


def _cumulate(
    r: RoundInput, votes: list[Counter[str]], reasons: list[Reason]
) -> list[Counter[str]]:
    """Election-stage vote addition: a lower post counts the votes for every higher post too."""
    out: list[Counter[str]] = []
    running: Counter[str] = Counter()
    for post, v in zip(r.posts, votes, strict=True):
        if post.women_only:
            out.append(Counter(v))
            continue
        running = running + v
        out.append(Counter(running))
    reasons.append(
        Reason(
            "votes_cumulated",
            r.profile.article("vote_addition"),
            "较低职务的得票数包含该人在较高职务上的得票数",
        )
    )
    return out


def _women_only(
    r: RoundInput, out: PostOutcome, ranking: list[tuple[str, int]]
) -> list[tuple[str, int]]:
    """Only a woman can take a post listed separately for women (浙江 第二十一条第三款)."""
    kept = [(n, v) for n, v in ranking if r.sex_of(n) == "F"]
    dropped = [n for n, _ in ranking if r.sex_of(n) != "F"]
    if dropped:
        out.reasons.append(
            Reason(
                "ineligible_for_women_post",
                _cite(r.profile, "women_rule"),
                f"{out.name}为妇女专职职务，{'、'.join(dropped)} 非女性或未登记性别，所得票不能当选该职务；"
                "如系女性另选人，请在 persons 中登记其性别后重新计算",
                "warning",
                {"names": dropped},
            )
        )
    return kept


def _hold_for_revote(r: RoundInput, out: PostOutcome, pending: set[str]) -> None:
    """A person still in a revote for a higher post cannot yet take a lower seat: hold it."""
    waiting = [n for n in out.elected if n in pending]
    if not waiting:
        return
    out.elected = [n for n in out.elected if n not in pending]
    out.held = len(waiting)
    out.unfilled = out.seats - len(out.elected) - out.revote_seats - out.held
    out.reasons.append(
        Reason(
            "seat_held_pending_revote",
            _cite(r.profile, "threshold"),
            f"{out.name}：{'、'.join(waiting)} 尚须参加较高职务的重新投票，本职务 {out.held} 个名额"
            "暂不确定，待重新投票后按本轮得票重新计算",
            "warning",
            {"names": waiting},
        )
    )


def _pick(ranking: Sequence[tuple[str, int]], seats: int) -> tuple[list[str], list[str]]:
    """The top ``seats`` of a ranking; those tied at the last seat go to a revote."""
    if seats <= 0 or not ranking:
        return [], []
    if len(ranking) <= seats:
        return [n for n, _ in ranking], []
    last = ranking[seats - 1][1]
    if ranking[seats][1] < last:
        return [n for n, _ in ranking[:seats]], []
    above = [n for n, v in ranking if v > last]
    tied = [n for n, v in ranking if v == last]
    return above, tied


def _decide_post(
    r: RoundInput,
    out: PostOutcome,
    ranking: list[tuple[str, int]],
    base: int,
    base_key: str,
    share: Share,
) -> None:
    p = r.profile
    if r.kind == "revote":
        # A revote among the tied: the higher total wins (浙江 第二十八条; 选举法 第四十五条).
        out.threshold = 1
        qualified = [(n, v) for n, v in ranking if v >= 1]
        out.elected, out.revote = _pick(qualified, out.seats)
        article = _cite(p, "threshold")
        out.reasons.append(Reason("revote_decided", article, f"{out.name}：重新投票以得票多者当选"))
    elif r.kind == "additional" and p.value("additional_threshold")["majority_first"]:
        rule = p.value("additional_threshold")
        majority: Share = rule["majority_share"]
        article = _cite(p, "additional_threshold")
        first = [(n, v) for n, v in ranking if majority.met(v, base)]
        out.elected, out.revote = _pick(first, out.seats)
        out.threshold = share.least(base)
        if out.revote or len(out.elected) == out.seats:
            text = f"{out.name}：另行选举先以{majority.describe()}（{majority.least(base)} 票）确定当选人"
        else:
            rest = [(n, v) for n, v in ranking if n not in out.elected and share.met(v, base)]
            more, out.revote = _pick(rest, out.seats - len(out.elected))
            out.elected += more
            text = (
                f"{out.name}：另行选举无人或不足名额获得过半数，以得票多且{share.describe()}"
                f"（{share.least(base)} 票）者当选"
            )
        out.reasons.append(
            Reason(
                "additional_majority_first",
                article,
                text,
                "info",
                {"base": base, "majority": majority.least(base), "threshold": share.least(base)},
            )
        )
    else:
        param = "additional_threshold" if r.kind == "additional" else "threshold"
        out.threshold = share.least(base)
        qualified = [(n, v) for n, v in ranking if share.met(v, base)]
        out.elected, out.revote = _pick(qualified, out.seats)
        text = (
            f"{out.name}：{_BASE_ZH[base_key]} {base}，当选须得票{share.describe()}，"
            f"即至少 {out.threshold} 票；达到的有 {len(qualified)} 人，应选 {out.seats} 名"
        )
        out.reasons.append(
            Reason(
                "threshold",
                f"{_cite(p, param)}；{CIVIL_CODE_COUNTING_WORDS}",
                text,
                "info",
                {"base": base, "threshold": out.threshold, "qualified": len(qualified)},
            )
        )
        if len(qualified) > out.seats:
            out.reasons.append(
                Reason(
                    "surplus_by_votes",
                    _cite(p, param),
                    f"{out.name}：达到票数的人数多于应选名额，以得票多的当选",
                )
            )
    out.revote_seats = out.seats - len(out.elected) if out.revote else 0
    if out.revote:
        out.reasons.append(
            Reason(
                "tie_revote",
                _cite(p, "threshold"),
                f"{out.name}：{'、'.join(out.revote)} 得票相等，不能确定当选人，"
                f"应就票数相等的候选人重新投票，决定 {out.revote_seats} 个名额",
                "warning",
                {"tied": list(out.revote), "seats": out.revote_seats},
            )
        )
    out.unfilled = out.seats - len(out.elected) - out.revote_seats


def _post_rank(r: RoundInput) -> dict[str, int]:
    """Higher posts first; a women's post ranks with the ordinary members (委员)."""
    rank: dict[str, int] = {}
    last = 0
    for i, post in enumerate(r.posts):
        if not post.women_only:
            last = i
        rank[post.name] = last if post.women_only else i
    return rank


def _avoid_relatives(
    r: RoundInput,
    posts_out: list[PostOutcome],
    base: int,
    share: Share,
    reasons: list[Reason],
    removed: set[str],
) -> None:
    """任职回避: near relatives may not sit together. The higher post stays, then the higher
    vote; equal post and votes go to a revote. Members from earlier rounds keep their seats.
    Repeats until no pair of relatives sits together."""
    p = r.profile
    article = _cite(p, "relatives_avoidance")
    rank = _post_rank(r)
    earlier = {w.name for w in r.elected_before}
    kin: dict[str, set[str]] = {}
    for a, b in r.relatives:
        kin.setdefault(a, set()).add(b)
        kin.setdefault(b, set()).add(a)
    refill = p.value("relatives_avoidance") == "keep_higher_next_on_list"

    def seated() -> dict[str, PostOutcome | None]:
        where: dict[str, PostOutcome | None] = dict.fromkeys(earlier)
        for out in posts_out:
            where.update(dict.fromkeys(out.elected, out))
        return where

    changed = True
    while changed:
        changed = False
        where = seated()
        for a, b in r.relatives:
            if a not in where or b not in where:
                continue
            oa, ob = where[a], where[b]
            if oa is None and ob is None:
                continue  # both from earlier rounds: decided then
            if oa is None or ob is None:
                loser, lpost = (b, ob) if oa is None else (a, oa)
            elif rank[oa.name] != rank[ob.name]:
                loser, lpost = (b, ob) if rank[oa.name] < rank[ob.name] else (a, oa)
            else:
                va, vb = dict(oa.votes)[a], dict(ob.votes)[b]
                if va == vb and oa is ob:
                    oa.elected = [n for n in oa.elected if n not in (a, b)]
                    oa.revote += [a, b]
                    oa.revote_seats += 1
                    oa.unfilled = oa.seats - len(oa.elected) - oa.revote_seats - oa.held
                    reasons.append(
                        Reason(
                            "relatives_tie",
                            article,
                            f"{a}、{b} 系近亲属，职务相同、票数相同，应当继续组织投票决定留任一人",
                            "warning",
                            {"pair": [a, b]},
                        )
                    )
                    changed = True
                    break
                loser, lpost = (b, ob) if va >= vb else (a, oa)
            assert lpost is not None
            lpost.elected.remove(loser)
            removed.add(loser)
            text = f"{a}、{b} 系近亲属，{loser} 的{lpost.name}职务按任职回避规定不能留任"
            now = seated()
            blocked = set(now) | removed | {n for out in posts_out for n in out.revote}
            blocked |= {k for n in now for k in kin.get(n, ())}
            nxt = [n for n, v in lpost.votes if n not in blocked and share.met(v, base)]
            if lpost.women_only:
                nxt = [n for n in nxt if r.sex_of(n) == "F"]
            if refill and nxt:
                lpost.elected.append(nxt[0])
                text += f"，由得票次多且达到当选票数的 {nxt[0]} 依次递补"
            else:
                lpost.unfilled += 1
                text += "，该名额另行选举"
            reasons.append(
                Reason(
                    "relatives_avoidance",
                    article,
                    text,
                    "warning",
                    {"pair": [a, b], "removed": loser},
                )
            )
            changed = True
            break


def _next_candidates(
    r: RoundInput, posts_out: list[PostOutcome], votes: list[Counter[str]], taken: set[str]
) -> None:
    p = r.profile
    rule = p.value("additional_candidates")
    article = _cite(p, "additional_candidates")
    if r.kind == "additional" and p.value("unfilled_after_additional") == "vacant":
        for out in posts_out:
            if out.unfilled:
                out.reasons.append(
                    Reason(
                        "left_vacant",
                        _cite(p, "unfilled_after_additional"),
                        f"{out.name}：另行选举后仍不足应选名额的 {out.unfilled} 个名额暂缺",
                        "warning",
                    )
                )
        return
    for post, out, post_votes in zip(r.posts, posts_out, votes, strict=True):
        if not out.unfilled:
            continue
        ranking = _next_ranking(r, post, post_votes, taken)
        least, _most = rule.bounds(out.unfilled)
        out.next_candidates = _cut_with_ties(ranking, least)
        if post.women_only and p.value("women_rule") == "separate_post":
            woman_in = _woman_elected(r, posts_out)
            out.next_women_only = not woman_in
            if woman_in:
                out.reasons.append(
                    Reason(
                        "women_post_not_continued",
                        _cite(p, "women_rule"),
                        f"已选出的成员中已有妇女，另行选举时不再单列{out.name}职位",
                        "info",
                    )
                )
            else:
                out.reasons.append(
                    Reason(
                        "women_post_continued",
                        _cite(p, "women_rule"),
                        f"已选出的成员中没有妇女，另行选举时选票继续单列{out.name}职位",
                        "info",
                    )
                )
        text = (
            f"{out.name}：尚缺 {out.unfilled} 名，另行选举候选人按本轮得票多少依次确定，"
            f"不少于 {least} 人"
        )
        if len(out.next_candidates) > least:
            text += "；末位得票相等者一并列入，由选举委员会依法确定"
        if len(out.next_candidates) < least:
            text += f"；本轮未当选的只有 {len(out.next_candidates)} 人，不足差额，须依法补充提名"
        out.reasons.append(
            Reason(
                "additional_round",
                article,
                text,
                "warning",
                {"unfilled": out.unfilled, "least_candidates": least},
            )
        )


def _next_ranking(
    r: RoundInput, post: Post, post_votes: Mapping[str, int], taken: set[str]
) -> list[tuple[str, int]]:
    """Who may stand in the next round for ``post``, in order of this round's votes: everyone
    voted for or on the ballot, less those elected, in a revote or removed by avoidance."""
    pool = dict(post_votes)
    for c in r.candidates:
        if c.post == post.name:
            pool.setdefault(c.name, 0)
    return sorted(
        (
            (n, v)
            for n, v in pool.items()
            if n not in taken and not (post.women_only and r.sex_of(n) == "M")
        ),
        key=lambda kv: (-kv[1], kv[0]),
    )


def _woman_elected(r: RoundInput, posts_out: list[PostOutcome]) -> bool:
    if any(w.sex == "F" or r.sex_of(w.name) == "F" for w in r.elected_before):
        return True
    return any(r.sex_of(n) == "F" for out in posts_out for n in out.elected)


def _cut_with_ties(ranking: Sequence[tuple[str, int]], count: int) -> list[str]:
    if len(ranking) <= count:
        return [n for n, _ in ranking]
    if count == 0:
        return []
    last = ranking[count - 1][1]
    return [n for i, (n, v) in enumerate(ranking) if i < count or v == last]


def _women(
    r: RoundInput,
    posts_out: list[PostOutcome],
    votes: list[Counter[str]],
    taken: set[str],
    reasons: list[Reason],
) -> None:
    p = r.profile
    if not p.value("women_required"):
        return
    if _woman_elected(r, posts_out):
        return
    women_pending = any(r.sex_of(n) == "F" for out in posts_out for n in out.revote)
    final = r.kind == "additional" and p.value("unfilled_after_additional") == "vacant"
    women_post_open = not final and any(
        out.women_only and (out.unfilled or out.revote) for out in posts_out
    )
    if women_pending or women_post_open:
        return
    rule = p.value("women_rule")
    article = _cite(p, "women_required", "women_rule")
    if rule == "reserve_unfilled_seat":
        open_posts = [i for i, out in enumerate(posts_out) if out.unfilled and not out.women_only]
        if open_posts and not (
            r.kind == "additional" and p.value("unfilled_after_additional") == "vacant"
        ):
            i = open_posts[-1]
            out = posts_out[i]
            out.women_reserved = 1
            ranking = sorted(
                ((n, v) for n, v in votes[i].items() if n not in taken and r.sex_of(n) == "F"),
                key=lambda kv: (-kv[1], kv[0]),
            )
            least, _ = p.value("additional_candidates").bounds(1)
            out.next_women_candidates = _cut_with_ties(ranking, least)
            reasons.append(
                Reason(
                    "women_seat_reserved",
                    article,
                    f"当选人中没有妇女，{out.name}另行选举名额中保留 1 名由妇女候选人竞选",
                    "warning",
                )
            )
            return
    reasons.append(
        Reason(
            "no_woman_elected",
            article,
            "当选人中没有妇女成员，不符合村民委员会成员中应当有妇女成员的规定，请依本省办法处理",
            "warning",
        )
    )


def _vacancies(r: RoundInput, outcome: Outcome, taken: set[str]) -> None:
    """Whether unfilled seats may stay vacant, and who presides if the chair is vacant."""
    p = r.profile
    posts_out = outcome.posts
    unfilled = sum(out.unfilled for out in posts_out)
    revote = any(out.revote for out in posts_out)
    if revote:
        outcome.next_round = "revote"
    elif unfilled:
        outcome.next_round = "additional"
    if not unfilled:
        return
    rule = p.value("vacancy")
    elected = len(r.elected_before) + sum(len(out.elected) for out in posts_out)
    chair_filled = _holders(r, outcome, CHAIR) != []
    allowed = elected >= rule["min_elected"] and (chair_filled or not rule["chair_required"])
    if r.kind != "additional":
        outcome.reasons.append(
            Reason(
                "additional_round_required",
                _cite(p, "additional_candidates"),
                f"当选人数不足应选名额，不足的 {unfilled} 个名额应当另行选举",
                "warning",
                {"unfilled": unfilled},
            )
        )
        return
    outcome.vacancy_allowed = allowed and not revote
    article = _cite(p, "vacancy", "unfilled_after_additional")
    if allowed:
        outcome.reasons.append(
            Reason(
                "vacancy_allowed",
                article,
                f"已当选 {elected} 人，达到 {rule['min_elected']} 人，其余名额可以暂缺（由本省办法规定的会议决定）",
                "info",
                {"elected": elected},
            )
        )
        if p.value("unfilled_after_additional") == "vacant":
            outcome.next_round = "revote" if revote else None
    else:
        need = f"不足 {rule['min_elected']} 人" if elected < rule["min_elected"] else "主任未选出"
        outcome.reasons.append(
            Reason(
                "vacancy_not_allowed",
                article,
                f"已当选 {elected} 人，{need}，应当再次另行选举",
                "error",
                {"elected": elected},
            )
        )
        outcome.next_round = "revote" if revote else "additional"
        if not any(out.next_candidates for out in posts_out):
            _next_candidates_forced(r, outcome, taken)
    if not chair_filled and p.value("chair_vacancy") != "none":
        _presiding(r, outcome)


def _next_candidates_forced(r: RoundInput, outcome: Outcome, taken: set[str]) -> None:
    """Seats that may not stay vacant get candidates even where the profile would leave them."""
    rule = r.profile.value("additional_candidates")
    for post, out in zip(r.posts, outcome.posts, strict=True):
        if out.unfilled:
            ranking = _next_ranking(r, post, dict(out.votes), taken)
            out.next_candidates = _cut_with_ties(ranking, rule.bounds(out.unfilled)[0])


CHAIR, VICE_CHAIR, MEMBER = "主任", "副主任", "委员"


def _holders(r: RoundInput, outcome: Outcome, post: str) -> list[tuple[str, int | None]]:
    """Who holds ``post`` now (with this round's votes) or from an earlier round (votes unknown)."""
    held: list[tuple[str, int | None]] = [
        (w.name, None) for w in r.elected_before if w.post == post
    ]
    for out in outcome.posts:
        if out.name == post:
            votes = dict(out.votes)
            held += [(n, votes.get(n)) for n in out.elected]
    return held


def _presiding(r: RoundInput, outcome: Outcome) -> None:
    """主任 vacant: who presides (浙江 第三十条; 上海 第二十一条第二款)."""
    p = r.profile
    article = _cite(p, "chair_vacancy")
    rule = p.value("chair_vacancy")
    for post in (VICE_CHAIR, MEMBER):
        holders = _holders(r, outcome, post)
        if not holders:
            continue
        if post == MEMBER and rule == "vice_chair_presides":
            outcome.reasons.append(
                Reason(
                    "presiding_by_meeting",
                    article,
                    "主任、副主任都未选出，由村民代表会议在当选的委员中推选一人主持工作",
                    "info",
                )
            )
            return
        if len(holders) == 1:
            chosen = holders[0][0]
        elif rule == "vice_chair_most_votes" and all(v is not None for _, v in holders):
            ranked = sorted(holders, key=lambda h: -(h[1] or 0))
            if ranked[0][1] == ranked[1][1]:
                outcome.reasons.append(
                    Reason(
                        "presiding_by_meeting",
                        article,
                        f"主任暂缺，得票最多的{post}得票相等，由村民会议或者村民代表会议确定主持工作的人",
                        "info",
                    )
                )
                return
            chosen = ranked[0][0]
        else:
            outcome.reasons.append(
                Reason(
                    "presiding_by_meeting",
                    article,
                    f"主任暂缺，有 {len(holders)} 名{post}，须依本省办法确定主持工作的人",
                    "info",
                )
            )
            return
        outcome.presiding = chosen
        outcome.reasons.append(
            Reason("presiding", article, f"主任暂缺，由{post} {chosen} 主持工作", "info")
        )
        return
