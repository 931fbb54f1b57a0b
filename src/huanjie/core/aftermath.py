"""After the election (选后工作): what the law asks once the new committee stands.

* **Handover** (工作移交, 村民委员会组织法 第二十条; the provinces in the profile's
  ``handover_days`` and ``seal_same_day``): when each item of the checklist is due, which are
  overdue, and whether the handover is complete.
* **Villager representatives** (村民代表, 第二十五条) and **group leaders** (村民小组长,
  第二十八条): counts against households, the 4/5 and 1/3 shares of the representatives'
  meeting, each representative a registered voter; the group meeting's quorum and majority.
* **Supervision committee** (村务监督委员会, 第三十二条): no committee member and no near relative
  of one (民法典 第一千零四十五条第二款, through the relations declared for the election).
* **Recall** (罢免, 第十六条): the validator of the vote sheet that two clerks enter; the decision
  itself is :func:`huanjie.core.count.recall.decide_recall`.
* **By-election** (补选, 第十九条): the vote sheet's validator and the decision, following
  第十五条 as 第十九条 directs.
* **Archive package** (选举档案, 第三十四条): the manifest of every file with its SHA-256, and
  the check of a package against it.

Every finding is a :class:`~huanjie.core.count.model.Reason` with a stable ``code``, its article
and a level: ``error`` (the law is not met), ``warning`` (check it), ``info``. Integer arithmetic
only. Pure: standard library only.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, Literal

from huanjie.core.arith import MORE_THAN_HALF, Share
from huanjie.core.assembly import AssemblyCheck, check_assembly
from huanjie.core.calendar.holidays import (
    HolidayCalendar,
    HolidayDataMissingError,
    bundled_calendar,
)
from huanjie.core.count.model import Reason
from huanjie.core.entry import Counts, Finding
from huanjie.core.preparation import PersonRef, Relation, relation_between, same_person
from huanjie.core.rules import Profile

LAW = "村民委员会组织法"
CIVIL_NEAR_RELATIVES = "民法典 第一千零四十五条第二款"
TWO_THIRDS = Share(2, 3, strict=False)  # 三分之二以上


def _art(ref: str) -> str:
    return f"{LAW} {ref}"


# --------------------------------------------------------------------------- handover


class ItemKind(StrEnum):
    SEAL = "seal"
    ACCOUNTS = "accounts"
    DEBTS = "debts"
    ASSETS = "assets"
    ARCHIVES = "archives"
    OTHER = "other"


ITEM_LABELS: Mapping[ItemKind, str] = {
    ItemKind.SEAL: "印章",
    ItemKind.ACCOUNTS: "财务账目",
    ItemKind.DEBTS: "债权债务",
    ItemKind.ASSETS: "资产",
    ItemKind.ARCHIVES: "档案资料",
    ItemKind.OTHER: "其他",
}

#: The checklist every handover starts from, in order. 组织法 第二十条 names no items; the
#: provinces do: 上海 第二十四条 (公章、公共财物、财务账目、债权债务凭证、档案资料),
#: 北京 第三十二条 (公共财物、集体财务账目、债权债务凭证、档案资料、印章), 河南 第四十条
#: (印章；办公设施、财务账目、经营资产、档案资料); the archives include the election's own
#: documents and ballots (组织法 第三十四条).
STANDARD_ITEMS: tuple[tuple[ItemKind, str], ...] = (
    (ItemKind.SEAL, "公章及其他印章"),
    (ItemKind.ACCOUNTS, "财务账目、会计凭证、银行账户资料"),
    (ItemKind.DEBTS, "债权债务凭证及清单"),
    (ItemKind.ASSETS, "公共财物、办公设施、经营资产"),
    (ItemKind.ARCHIVES, "村务档案（含选举文件和选票）"),
)


@dataclass(frozen=True, slots=True)
class HandoverRule:
    """The profile's handover parameters with their articles."""

    days: int | None
    seal_same_day: bool
    days_article: str
    seal_article: str

    @classmethod
    def from_profile(cls, profile: Profile) -> HandoverRule:
        return cls(
            days=profile.value("handover_days"),
            seal_same_day=bool(profile.value("seal_same_day")),
            days_article=profile.article("handover_days"),
            seal_article=profile.article("seal_same_day"),
        )


@dataclass(frozen=True, slots=True)
class HandoverDeadlines:
    """When the handover is due, counted from the day the new committee came into being.

    ``due`` is the last day of the period (None: no statutory period); ``seal_due`` the day the
    seal is due (the same day where ``seal_same_day``; else with the rest)."""

    constituted_on: date
    due: date | None
    seal_due: date | None
    notes: tuple[str, ...] = ()


def handover_deadlines(
    constituted_on: date, rule: HandoverRule, calendar: HolidayCalendar | None = None
) -> HandoverDeadlines:
    """The handover's deadlines: ``days`` counted from the day after ``constituted_on``
    (民法典 第二百零一条); a last day on a statutory holiday moves to the day after it
    (第二百零三条). Without the holiday table for that year the nominal day is used, with a note.
    """
    notes: list[str] = []
    due: date | None = None
    if rule.days is not None:
        cal = calendar if calendar is not None else bundled_calendar()
        nominal = constituted_on + timedelta(days=rule.days)
        try:
            due, extended = cal.add_period(constituted_on, rule.days)
        except HolidayDataMissingError as exc:
            due, extended = nominal, False
            notes.append(
                f"未收录 {exc.year} 年节假日安排：{nominal.isoformat()} 未按法定休假日核对"
            )
        notes.append(
            f"自新一届村民委员会产生之日（{constituted_on.isoformat()}）的次日起算 {rule.days} 日"
            f"（民法典第二百零一条），最后一日为 {due.isoformat()}（{rule.days_article}）"
        )
        if extended:
            notes.append(
                f"{nominal.isoformat()} 为法定休假日，顺延至 {due.isoformat()}（民法典第二百零三条）"
            )
    else:
        notes.append(f"本规则未规定工作移交期限（{rule.days_article}）")
    seal_due = constituted_on if rule.seal_same_day else due
    if rule.seal_same_day:
        notes.append(f"印章须于新一届村民委员会产生当日移交（{rule.seal_article}）")
    return HandoverDeadlines(constituted_on, due, seal_due, tuple(notes))


ItemState = Literal["signed", "signed_late", "pending", "overdue"]


@dataclass(frozen=True, slots=True)
class HandoverItem:
    """One line of the checklist as recorded: ``signed_on`` when both sides signed it off."""

    key: str
    kind: str
    label: str
    signed_on: date | None = None


@dataclass(frozen=True, slots=True)
class ItemStatus:
    key: str
    label: str
    due: date | None
    signed_on: date | None
    state: ItemState


@dataclass(slots=True)
class HandoverCheck:
    deadlines: HandoverDeadlines
    items: list[ItemStatus]
    complete: bool
    completed_on: date | None
    reasons: list[Reason] = field(default_factory=list)

    @property
    def unsigned(self) -> list[ItemStatus]:
        return [i for i in self.items if i.signed_on is None]


def check_handover(
    items: Sequence[HandoverItem], deadlines: HandoverDeadlines, rule: HandoverRule, today: date
) -> HandoverCheck:
    """Each item's state against its deadline, and whether the handover is complete (every item
    signed off by both sides). Codes: ``handover_no_items`` (error), ``handover_item_unsigned``
    (error while unsigned), ``handover_item_overdue`` (error), ``handover_item_late``
    (warning: signed after its deadline), ``handover_complete`` (info)."""
    reasons: list[Reason] = []
    statuses: list[ItemStatus] = []
    if not items:
        reasons.append(Reason("handover_no_items", rule.days_article, "尚未建立移交清单", "error"))
    for item in items:
        seal = item.kind == ItemKind.SEAL
        due = deadlines.seal_due if seal else deadlines.due
        article = rule.seal_article if seal and rule.seal_same_day else rule.days_article
        state: ItemState
        if item.signed_on is not None:
            state = "signed" if due is None or item.signed_on <= due else "signed_late"
            if state == "signed_late":
                reasons.append(
                    Reason(
                        "handover_item_late",
                        article,
                        f"“{item.label}”于 {item.signed_on.isoformat()} 完成交接，"
                        f"晚于期限 {due.isoformat() if due else ''}",
                        "warning",
                        {"item": item.key},
                    )
                )
        elif due is not None and today > due:
            state = "overdue"
            reasons.append(
                Reason(
                    "handover_item_overdue",
                    article,
                    f"“{item.label}”应于 {due.isoformat()} 前移交，已逾期 {(today - due).days} 日，"
                    "尚未签字确认",
                    "error",
                    {"item": item.key},
                )
            )
        else:
            state = "pending"
        if item.signed_on is None and state != "overdue":
            reasons.append(
                Reason(
                    "handover_item_unsigned",
                    article,
                    f"“{item.label}”尚未由移交人和接收人签字确认"
                    + (f"（期限 {due.isoformat()}）" if due else ""),
                    "error",
                    {"item": item.key},
                )
            )
        statuses.append(ItemStatus(item.key, item.label, due, item.signed_on, state))
    complete = bool(items) and all(s.signed_on is not None for s in statuses)
    completed_on = max((s.signed_on for s in statuses if s.signed_on), default=None)
    if complete and completed_on is not None:
        reasons.append(
            Reason(
                "handover_complete",
                rule.days_article,
                f"移交清单 {len(statuses)} 项均已签字确认，于 {completed_on.isoformat()} 完成工作移交",
                "info",
            )
        )
    return HandoverCheck(deadlines, statuses, complete, completed_on if complete else None, reasons)


# --------------------------------------------------------------------------- people


@dataclass(frozen=True, slots=True)
class Villager:
    """A person from the roll: ``registered`` when on the roll as a registered voter."""

    key: str
    name: str
    sex: str = ""
    registered: bool = True
    id_number: str = ""
    group: str = ""

    @property
    def ref(self) -> PersonRef:
        return PersonRef(self.name, self.id_number)


def count_households(household_nos: Iterable[str]) -> tuple[int, int]:
    """(distinct household numbers, entries without one) among the roll's ``household_no``."""
    seen: set[str] = set()
    blank = 0
    for raw in household_nos:
        h = (raw or "").strip()
        if h:
            seen.add(h)
        else:
            blank += 1
    return len(seen), blank


def _duplicates(people: Sequence[Villager], code: str, article: str, what: str) -> list[Reason]:
    found: list[Reason] = []
    for i, p in enumerate(people):
        if any(same_person(p.ref, q.ref) for q in people[:i]):
            found.append(Reason(code, article, f"{p.name} 重复列为{what}", "error", {"key": p.key}))
    return found


@dataclass(slots=True)
class RepresentativesCheck:
    assembly: AssemblyCheck
    households: int
    representatives: int
    women: int
    committee_members: int
    reasons: list[Reason] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(r.level == "error" for r in self.reasons)


def check_representatives(
    *,
    representatives: Sequence[Villager],
    households: int,
    committee_members: int,
    by_groups: bool = False,
    groups: Sequence[str] = (),
    households_missing: int = 0,
) -> RepresentativesCheck:
    """The villager representatives against 组织法 第二十五条.

    ``committee_members``: the committee members who sit on the representatives' meeting
    (第二十五条第一款: it is made up of them and the representatives). ``by_groups``: the
    representatives were chosen by the villager groups (several per group) rather than one per
    5–15 households; the household ratio is then shown for reference only (a warning), and a
    group without a representative is a warning. Codes: ``representatives_count``,
    ``representatives_share``, ``women_share`` (errors, from :func:`check_assembly`),
    ``representatives_count_reference``, ``group_without_representative``,
    ``households_unknown``, ``households_partial`` (warnings), ``representative_not_registered``,
    ``representative_duplicate`` (errors)."""
    women = sum(1 for r in representatives if r.sex == "F")
    assembly = check_assembly(
        households=households,
        committee_members=committee_members,
        representatives=len(representatives),
        women=women,
    )
    reasons: list[Reason] = []
    for r in assembly.reasons:
        if r.code == "representatives_count" and (by_groups or households == 0):
            if households == 0:
                continue
            reasons.append(
                Reason(
                    "representatives_count_reference",
                    _art("第二十五条第二款"),
                    r.text + "；由各村民小组推选若干人时不受此比例限制，仅供参考",
                    "warning",
                )
            )
        else:
            reasons.append(r)
    if households == 0:
        reasons.append(
            Reason(
                "households_unknown",
                _art("第二十五条第二款"),
                "选民名单中没有户号，无法按每五户至十五户推选一人核对代表人数；请填写本村户数",
                "warning",
            )
        )
    elif households_missing:
        reasons.append(
            Reason(
                "households_partial",
                _art("第二十五条第二款"),
                f"选民名单中有 {households_missing} 人没有户号，户数 {households} 可能偏少",
                "warning",
            )
        )
    if by_groups:
        chosen = {r.group for r in representatives}
        for g in groups:
            if g not in chosen:
                reasons.append(
                    Reason(
                        "group_without_representative",
                        _art("第二十五条第二款"),
                        f"{g}尚未推选村民代表",
                        "warning",
                        {"group": g},
                    )
                )
    for rep in representatives:
        if not rep.registered:
            reasons.append(
                Reason(
                    "representative_not_registered",
                    _art("第二十五条第二款"),
                    f"{rep.name} 不是本村登记参加选举的村民，不能担任村民代表",
                    "error",
                    {"key": rep.key},
                )
            )
    reasons += _duplicates(
        representatives, "representative_duplicate", _art("第二十五条第二款"), "村民代表"
    )
    return RepresentativesCheck(
        assembly, households, len(representatives), women, committee_members, reasons
    )


def check_group_leader(
    *,
    leader: Villager,
    group: str,
    by_households: bool,
    eligible: int,
    present: int,
    votes: int,
) -> list[Reason]:
    """One group leader chosen by the group meeting (组织法 第二十八条).

    第二十八条第一款: the meeting needs two thirds or more of the group's villagers aged 18+
    (``by_households``: of its households' representatives) present, and its decision more than
    half of those present. Codes: ``group_meeting_figures`` (error: present more than eligible,
    votes more than present), ``group_meeting_quorum``, ``group_leader_majority`` (errors),
    ``leader_outside_group``, ``leader_not_registered`` (warnings)."""
    reasons: list[Reason] = []
    base = "户的代表" if by_households else "十八周岁以上的村民"
    if present > eligible or votes > present:
        reasons.append(
            Reason(
                "group_meeting_figures",
                _art("第二十八条第一款"),
                f"{group}：到会 {present} 人、同意 {votes} 票与应到 {eligible} 人不符"
                "（到会不能多于应到，同意不能多于到会）",
                "error",
            )
        )
        return reasons
    if not TWO_THIRDS.met(present, eligible):
        reasons.append(
            Reason(
                "group_meeting_quorum",
                _art("第二十八条第一款"),
                f"{group}村民小组会议应有本小组{base}三分之二以上参加：应到 {eligible}，"
                f"到会 {present}，至少须 {TWO_THIRDS.least(eligible)}"
                f"（{TWO_THIRDS.formula(present, eligible)}）",
                "error",
            )
        )
    if not MORE_THAN_HALF.met(votes, present):
        reasons.append(
            Reason(
                "group_leader_majority",
                _art("第二十八条第一款"),
                f"推选{leader.name}为组长须经到会人员过半数同意：到会 {present}，同意 {votes}"
                f"（{MORE_THAN_HALF.formula(votes, present)}）",
                "error",
            )
        )
    if leader.group and leader.group != group:
        reasons.append(
            Reason(
                "leader_outside_group",
                _art("第二十八条第二款"),
                f"{leader.name} 登记在{leader.group}，不在{group}",
                "warning",
            )
        )
    if not leader.registered:
        reasons.append(
            Reason(
                "leader_not_registered",
                _art("第二十八条第二款"),
                f"{leader.name} 不是本村登记参加选举的村民",
                "warning",
            )
        )
    return reasons


# --------------------------------------------------------------------------- supervision


def supervisor_conflicts(
    person: PersonRef, committee: Sequence[PersonRef], relations: Sequence[Relation]
) -> list[Reason]:
    """Why ``person`` may not sit on the supervision committee (组织法 第三十二条): a member of
    the village committee (``supervisor_is_committee_member``) or a near relative of one
    (``supervisor_near_relative``, through the declared relations)."""
    found: list[Reason] = []
    for member in committee:
        if same_person(person, member):
            found.append(
                Reason(
                    "supervisor_is_committee_member",
                    _art("第三十二条"),
                    f"{person.name} 是村民委员会成员，不得担任村务监督委员会成员",
                    "error",
                )
            )
            continue
        kind = relation_between(member, person, relations)
        if kind is not None:
            found.append(
                Reason(
                    "supervisor_near_relative",
                    f"{_art('第三十二条')}；{CIVIL_NEAR_RELATIVES}",
                    f"{person.name} 是村民委员会成员{member.name}的{kind.label}（近亲属），"
                    "不得担任村务监督委员会成员",
                    "error",
                    {"member": member.name, "kind": kind.value},
                )
            )
    return found


@dataclass(frozen=True, slots=True)
class Supervisor:
    person: Villager
    finance: bool = False  # 具备财会、管理知识


def check_supervisors(
    supervisors: Sequence[Supervisor],
    committee: Sequence[PersonRef],
    relations: Sequence[Relation],
) -> list[Reason]:
    """The supervision committee as recorded (a relation declared after a member was chosen
    shows here). Codes: those of :func:`supervisor_conflicts`, ``supervisor_duplicate`` (error),
    ``supervision_no_finance`` (warning: 第三十二条 wants someone with accounting or management
    knowledge), ``supervisor_not_registered`` (warning: chosen among the villagers)."""
    reasons: list[Reason] = []
    for s in supervisors:
        reasons += supervisor_conflicts(s.person.ref, committee, relations)
        if not s.person.registered:
            reasons.append(
                Reason(
                    "supervisor_not_registered",
                    _art("第三十二条"),
                    f"{s.person.name} 不是本村登记参加选举的村民（成员由村民会议或者村民代表会议"
                    "在村民中推选产生）",
                    "warning",
                )
            )
    reasons += _duplicates(
        [s.person for s in supervisors],
        "supervisor_duplicate",
        _art("第三十二条"),
        "监督委员会成员",
    )
    if supervisors and not any(s.finance for s in supervisors):
        reasons.append(
            Reason(
                "supervision_no_finance",
                _art("第三十二条"),
                "村务监督委员会成员中应有具备财会、管理知识的人员",
                "warning",
            )
        )
    return reasons


# --------------------------------------------------------------------------- vote sheets

PARTICIPANTS = "participants"
APPROVE = "approve"
AGAINST = "against"
ABSTAIN = "abstain"
INVALID = "invalid"
RECALL_KEYS = (PARTICIPANTS, APPROVE, AGAINST, ABSTAIN, INVALID)
RECALL_LABELS: Mapping[str, str] = {
    PARTICIPANTS: "参加投票人数（收回票数）",
    APPROVE: "赞成罢免",
    AGAINST: "反对罢免",
    ABSTAIN: "弃权",
    INVALID: "无效票",
}


def recall_vote_findings(counts: Counts, *, electorate: int) -> list[Finding]:
    """Validate a recall vote sheet (the payload of :mod:`huanjie.core.entry`). Errors:
    ``unknown_key``, ``participants_exceed_electorate``, ``ballots_exceed_participants``;
    warnings: ``ballots_unaccounted`` (fewer ballots sorted than collected), ``no_participants``.
    """
    found: list[Finding] = []
    for key in counts:
        if key not in RECALL_KEYS:
            found.append(Finding("unknown_key", "error", key, f"“{key}”不是罢免表决统计表中的项目"))
    p = counts.get(PARTICIPANTS, 0)
    if p > electorate:
        found.append(
            Finding(
                "participants_exceed_electorate",
                "error",
                PARTICIPANTS,
                f"参加投票 {p} 人，多于登记参加选举的村民 {electorate} 人",
            )
        )
    sorted_ = sum(counts.get(k, 0) for k in (APPROVE, AGAINST, ABSTAIN, INVALID))
    if sorted_ > p:
        found.append(
            Finding(
                "ballots_exceed_participants",
                "error",
                PARTICIPANTS,
                f"赞成、反对、弃权、无效合计 {sorted_} 张，多于参加投票的 {p} 人",
            )
        )
    elif sorted_ < p:
        found.append(
            Finding(
                "ballots_unaccounted",
                "warning",
                PARTICIPANTS,
                f"赞成、反对、弃权、无效合计 {sorted_} 张，少于参加投票的 {p} 人",
            )
        )
    if p == 0:
        found.append(Finding("no_participants", "warning", PARTICIPANTS, "参加投票人数为 0"))
    return found


class Body(StrEnum):
    """Who holds a by-election (组织法 第十九条)."""

    VILLAGERS_MEETING = "villagers_meeting"
    REPRESENTATIVES_MEETING = "representatives_meeting"


BODY_LABELS: Mapping[Body, str] = {
    Body.VILLAGERS_MEETING: "村民会议",
    Body.REPRESENTATIVES_MEETING: "村民代表会议",
}


def votes_key(name: str) -> str:
    return f"votes:{name}"


def by_election_votes(counts: Counts) -> dict[str, int]:
    return {k.removeprefix("votes:"): v for k, v in counts.items() if k.startswith("votes:")}


def by_election_findings(
    counts: Counts, *, candidates: Sequence[str], seats: int, members: int
) -> list[Finding]:
    """Validate a by-election vote sheet: ``participants`` (ballots collected), ``invalid`` and
    ``votes:<name>`` per candidate. Errors: ``unknown_key``, ``participants_exceed_members``,
    ``invalid_exceed_participants``, ``candidate_exceeds_valid`` (one ballot gives a person at
    most one vote), ``votes_exceed_capacity`` (at most ``seats`` names per valid ballot)."""
    found: list[Finding] = []
    known = {votes_key(c) for c in candidates} | {PARTICIPANTS, INVALID}
    for key in counts:
        if key not in known:
            found.append(Finding("unknown_key", "error", key, f"“{key}”不是补选统计表中的项目"))
    p, bad = counts.get(PARTICIPANTS, 0), counts.get(INVALID, 0)
    if p > members:
        found.append(
            Finding(
                "participants_exceed_members",
                "error",
                PARTICIPANTS,
                f"参加投票 {p} 人，多于会议组成人员 {members} 人",
            )
        )
    if bad > p:
        found.append(
            Finding(
                "invalid_exceed_participants",
                "error",
                INVALID,
                f"无效票 {bad} 张，多于收回的 {p} 张",
            )
        )
        return found
    valid = p - bad
    votes = by_election_votes(counts)
    for name, v in sorted(votes.items()):
        if v > valid:
            found.append(
                Finding(
                    "candidate_exceeds_valid",
                    "error",
                    votes_key(name),
                    f"{name} 得 {v} 票，多于有效票 {valid} 张",
                )
            )
    if sum(votes.values()) > valid * seats:
        found.append(
            Finding(
                "votes_exceed_capacity",
                "error",
                PARTICIPANTS,
                f"得票合计 {sum(votes.values())}，超过有效票 × 应选名额（{valid} × {seats}）",
            )
        )
    return found


@dataclass(slots=True)
class ByElectionOutcome:
    valid: bool
    elected: list[tuple[str, int]]
    tied: list[str]
    unfilled: int
    threshold: int | None
    reasons: list[Reason] = field(default_factory=list)


def decide_by_election(
    *, body: Body, members: int, participants: int, votes: Mapping[str, int], seats: int
) -> ByElectionOutcome:
    """Decide a by-election (补选). 组织法 第十九条: held by the 村民会议 or the 村民代表会议,
    following 第十五条. Quorum: a 村民会议 needs more than half of its members (the registered
    voters) to vote, as 第十五条第二款 asks of an election; a 村民代表会议 can sit only with two
    thirds or more of its members (第二十六条第二款). Elected: more than half of the votes of
    those who voted (第十五条第二款), the highest first; a tie at the last seat leaves the seat
    for a new vote among the tied. Codes: ``by_election_quorum_met`` / ``…_not_met``,
    ``by_election_elected``, ``by_election_tie``, ``by_election_unfilled``."""
    reasons: list[Reason] = []
    if body is Body.REPRESENTATIVES_MEETING:
        quorum, q_article = TWO_THIRDS, _art("第十九条；第二十六条第二款")
    else:
        quorum, q_article = MORE_THAN_HALF, _art("第十九条；第十五条第二款")
    label = BODY_LABELS[body]
    ok = quorum.met(participants, members)
    reasons.append(
        Reason(
            "by_election_quorum_met" if ok else "by_election_quorum_not_met",
            q_article,
            f"{label}组成人员 {members} 人，参加投票 {participants} 人，须{quorum.describe()}"
            f"（{quorum.formula(participants, members)}）" + ("" if ok else "：补选无效"),
            "info" if ok else "error",
        )
    )
    if not ok:
        return ByElectionOutcome(False, [], [], seats, None, reasons)
    threshold = MORE_THAN_HALF.least(participants)
    passing = sorted(
        ((n, v) for n, v in votes.items() if MORE_THAN_HALF.met(v, participants)),
        key=lambda nv: -nv[1],
    )
    elected: list[tuple[str, int]] = []
    tied: list[str] = []
    if len(passing) <= seats:
        elected = passing
    else:
        cut = passing[seats - 1][1] if seats else None
        above = [nv for nv in passing if cut is not None and nv[1] > cut]
        at = [nv for nv in passing if nv[1] == cut]
        if len(above) + len(at) == seats:
            elected = above + at
        else:
            elected = above
            tied = [n for n, _ in at]
    article = _art("第十九条；第十五条第二款")
    for name, v in elected:
        reasons.append(
            Reason(
                "by_election_elected",
                article,
                f"{name} 得 {v} 票，超过参加投票 {participants} 人的半数"
                f"（{MORE_THAN_HALF.formula(v, participants)}），当选",
                "info",
            )
        )
    if tied:
        reasons.append(
            Reason(
                "by_election_tie",
                article,
                f"{'、'.join(tied)} 得票相等，不能确定当选人，须就票数相等的人再次投票",
                "warning",
            )
        )
    unfilled = seats - len(elected)
    if unfilled and not tied:
        reasons.append(
            Reason(
                "by_election_unfilled",
                article,
                f"得票过半数的不足应选名额，尚缺 {unfilled} 名（当选须得票 {threshold} 票以上）",
                "warning",
            )
        )
    return ByElectionOutcome(True, elected, tied, unfilled, threshold, reasons)


# --------------------------------------------------------------------------- archive

ARCHIVE_SCHEMA = "huanjie.archive/1"
MANIFEST = "manifest.json"
LISTING = "清单.txt"
ARCHIVE_ARTICLE = _art("第三十四条")


@dataclass(frozen=True, slots=True)
class ArchiveFile:
    path: str
    title: str
    source: str
    data: bytes


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_manifest(
    files: Sequence[ArchiveFile],
    *,
    election: str,
    created_at: str,
    missing: Sequence[Mapping[str, str]] = (),
) -> dict[str, Any]:
    """The package's manifest: every file with its size and SHA-256, and the documents that
    could not be included (``missing``: ``{"title", "source", "reason"}``)."""
    paths = [f.path for f in files]
    dupes = [p for p, n in Counter(paths).items() if n > 1]
    if dupes or MANIFEST in paths or LISTING in paths:
        raise ValueError(f"archive paths must be unique and not {MANIFEST}/{LISTING}: {dupes}")
    return {
        "schema": ARCHIVE_SCHEMA,
        "election": election,
        "created_at": created_at,
        "article": ARCHIVE_ARTICLE,
        "files": [
            {
                "path": f.path,
                "title": f.title,
                "source": f.source,
                "size": len(f.data),
                "sha256": sha256(f.data),
            }
            for f in files
        ],
        "missing": [dict(m) for m in missing],
    }


def manifest_bytes(manifest: Mapping[str, Any]) -> bytes:
    return (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def listing_text(manifest: Mapping[str, Any]) -> str:
    """清单.txt: the manifest for people."""
    lines = [
        f"{manifest['election']} 选举档案清单",
        f"生成时间：{manifest['created_at']}",
        f"依据：{manifest['article']}",
        "",
        "一、档案文件（SHA-256 校验值）",
    ]
    for i, f in enumerate(manifest["files"], start=1):
        lines += [f"{i}. {f['title']}：{f['path']}（{f['size']} 字节）", f"   {f['sha256']}"]
    lines += ["", "二、未能归档的文件"]
    if manifest["missing"]:
        for i, m in enumerate(manifest["missing"], start=1):
            lines.append(f"{i}. {m['title']}（{m['source']}）：{m['reason']}")
    else:
        lines.append("无")
    lines += [
        "",
        f"核对方法：逐一计算文件的 SHA-256，与本清单及 {MANIFEST} 比对；任一不符即表明文件被改动。",
    ]
    return "\n".join(lines) + "\n"


def verify_package(files: Mapping[str, bytes]) -> list[Reason]:
    """Check a package (its files by path, the manifest included) against its manifest.
    Codes (errors): ``manifest_missing``, ``manifest_invalid``, ``file_missing``,
    ``file_altered``, ``file_unlisted``, ``listing_altered``; ``package_intact`` (info)."""
    raw = files.get(MANIFEST)
    if raw is None:
        return [Reason("manifest_missing", ARCHIVE_ARTICLE, f"档案包中没有 {MANIFEST}", "error")]
    try:
        manifest = json.loads(raw.decode("utf-8"))
        listed = {f["path"]: f for f in manifest["files"]}
        if manifest.get("schema") != ARCHIVE_SCHEMA:
            raise ValueError(manifest.get("schema"))
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return [
            Reason("manifest_invalid", ARCHIVE_ARTICLE, f"{MANIFEST} 无法读取或格式不符", "error")
        ]
    problems: list[Reason] = []
    for path, entry in listed.items():
        data = files.get(path)
        if data is None:
            problems.append(
                Reason(
                    "file_missing", ARCHIVE_ARTICLE, f"清单所列文件 {path} 不在档案包中", "error"
                )
            )
        elif sha256(data) != entry.get("sha256") or len(data) != entry.get("size"):
            problems.append(
                Reason(
                    "file_altered",
                    ARCHIVE_ARTICLE,
                    f"{path} 的 SHA-256 与清单不符：文件已被改动",
                    "error",
                    {"path": path, "expected": entry.get("sha256"), "actual": sha256(data)},
                )
            )
    for path in sorted(set(files) - set(listed) - {MANIFEST, LISTING}):
        problems.append(
            Reason(
                "file_unlisted", ARCHIVE_ARTICLE, f"{path} 不在清单中：档案包被加入了文件", "error"
            )
        )
    listing = files.get(LISTING)
    if listing is None or listing.decode("utf-8", "replace") != listing_text(manifest):
        problems.append(
            Reason(
                "listing_altered", ARCHIVE_ARTICLE, f"{LISTING} 缺失或与 {MANIFEST} 不一致", "error"
            )
        )
    if not problems:
        problems.append(
            Reason(
                "package_intact",
                ARCHIVE_ARTICLE,
                f"档案包完整：{len(listed)} 个文件的 SHA-256 均与清单一致",
                "info",
            )
        )
    return problems
