"""Writes for the election committee: one transaction and one audit entry per change.

组织法 第十二条: a member nominated as a candidate leaves, and the next in order from the
original selection result fills the place (done here in the same transaction);
规程 第一章 [S]: near relatives may not sit together.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone

from huanjie.apps.audit.services import audit_record
from huanjie.apps.campaigns.models import Election
from huanjie.apps.committee import selectors
from huanjie.apps.committee.models import (
    CommitteeMember,
    LeftReason,
    NearRelation,
    Role,
    SelectedBy,
    Status,
)
from huanjie.apps.errors import ServiceError
from huanjie.core import preparation as core
from huanjie.core.names import normalize
from huanjie.core.preparation import Kin, PersonRef
from huanjie.core.roll import idcard

#: Who acts: the request's user (views and the API), or None for the system.
User = AbstractBaseUser | AnonymousUser | None

__all__ = [
    "CommitteeError",
    "LeaveResult",
    "committee_member_add",
    "committee_member_leave",
    "committee_member_nominated",
    "committee_member_seat",
    "committee_member_set_role",
    "committee_relation_declare",
    "committee_relation_withdraw",
]


class CommitteeError(ServiceError):
    """Bad input for the committee; the message (Chinese) names the field."""


def _lock(election: Election) -> Election:
    """Serialise committee changes of one election (the back-fill reads then writes)."""
    return Election.objects.select_for_update().get(pk=election.pk)


def _clean_name(name: str, field: str, label: str = "姓名") -> str:
    name = " ".join(name.split())
    if not name:
        raise CommitteeError(f"{label}：请填写", field)
    if len(name) > 50:
        raise CommitteeError(f"{label}：不能超过50个字", field)
    return name


def _clean_id(id_number: str, field: str, label: str = "公民身份号码") -> str:
    raw = id_number.strip()
    if not raw:
        return ""
    result = idcard.check(raw, today=timezone.localdate())
    if not result.valid:
        raise CommitteeError(f"{label}：{result.message_zh}", field)
    return result.normalized


def _snapshot(m: CommitteeMember) -> dict[str, object]:
    return {
        "name": m.name,
        "rank": m.rank,
        "votes": m.votes,
        "role": m.role,
        "status": m.status,
        "selected_by": m.selected_by,
        "left_reason": m.left_reason,
        "left_note": m.left_note,
    }


def committee_member_add(
    *,
    acting_user: User,
    election: Election,
    name: str,
    sex: str,
    selected_by: str,
    rank: int,
    id_number: str = "",
    votes: int | None = None,
    role: str = Role.MEMBER,
    seated: bool = True,
) -> CommitteeMember:
    """Add one person from the selection result: seated (``serving``) or, with
    ``seated=False``, a reserve who fills a vacancy later in order of ``rank``.

    Refuses to seat a declared near relative of a serving member (the message names both and
    the relation) and a second 主任.
    """
    name = _clean_name(name, "name")
    id_number = _clean_id(id_number, "id_number")
    if sex not in ("M", "F"):
        raise CommitteeError("性别：请选择“男”或“女”", "sex")
    if id_number:
        from_id = idcard.check(id_number).sex
        if from_id and from_id != sex:
            raise CommitteeError("性别：与公民身份号码所示性别不符", "sex")
    if selected_by not in SelectedBy.values:
        raise CommitteeError("推选方式：应为村民会议、村民代表会议或村民小组会议", "selected_by")
    if not 1 <= rank <= 999:
        raise CommitteeError("推选结果名次：应为 1 至 999 的整数", "rank")
    if votes is not None and votes < 0:
        raise CommitteeError("得票数：不能为负数", "votes")
    if role not in Role.values:
        raise CommitteeError("职务：应为主任或委员", "role")
    if not seated and role == Role.CHAIR:
        raise CommitteeError("职务：候补人员不能担任主任", "role")
    person = PersonRef(name, id_number)
    with transaction.atomic():
        election = _lock(election)
        existing = list(selectors.members(election))
        taken = next((m for m in existing if m.rank == rank), None)
        if taken is not None:
            raise CommitteeError(f"推选结果名次：第{rank}位已是{taken.name}", "rank")
        same = next(
            (
                m
                for m in existing
                if m.status != Status.LEFT and core.same_person(selectors.person_of(m), person)
            ),
            None,
        )
        if same is not None:
            raise CommitteeError(
                f"姓名：{same.name}已在本届村民选举委员会名单中（第{same.rank}位）", "name"
            )
        if seated:
            serving = [m for m in existing if m.status == Status.SERVING]
            conflicts = core.relative_conflicts(
                person, [selectors.person_of(m) for m in serving], selectors.relations(election)
            )
            if conflicts:
                raise CommitteeError(
                    f"姓名：{conflicts[0].text}，不能同时就任", "name", code="near_relative"
                )
            if role == Role.CHAIR and any(m.role == Role.CHAIR for m in serving):
                chair = next(m for m in serving if m.role == Role.CHAIR)
                raise CommitteeError(f"职务：已有主任{chair.name}", "role")
        now = timezone.now()
        member = CommitteeMember.objects.create(
            election=election,
            name=name,
            name_key=normalize(name),
            sex=sex,
            id_number=id_number,
            selected_by=selected_by,
            rank=rank,
            votes=votes,
            role=role if seated else Role.MEMBER,
            status=Status.SERVING if seated else Status.RESERVE,
            seated_at=now if seated else None,
            seated_basis="推选产生" if seated else "",
            created_by_id=getattr(acting_user, "pk", None),
        )
        audit_record(
            acting_user=acting_user,
            action="committee.member_add",
            obj=member,
            area=election.area,
            after=_snapshot(member),
        )
    return member


@dataclass(frozen=True)
class LeaveResult:
    """The member who left, and (for a nominated serving member) who filled the place."""

    member: CommitteeMember
    seated: CommitteeMember | None
    backfill: core.Backfill | None

    @property
    def text(self) -> str:
        done = f"{self.member.name}已退出村民选举委员会（{self.member.get_left_reason_display()}）"
        if self.backfill is not None:
            done += f"；{self.backfill.text}"
        return done


def _seat(
    acting_user: User, election: Election, member: CommitteeMember, basis: str, action: str
) -> None:
    before = _snapshot(member)
    member.status = Status.SERVING
    member.role = Role.MEMBER
    member.seated_at = timezone.now()
    member.seated_basis = basis[:300]
    member.save(update_fields=["status", "role", "seated_at", "seated_basis"])
    audit_record(
        acting_user=acting_user,
        action=action,
        obj=member,
        area=election.area,
        before=before,
        after={**_snapshot(member), "basis": basis},
    )


def committee_member_leave(
    *,
    acting_user: User,
    member: CommitteeMember,
    reason: str,
    note: str = "",
) -> LeaveResult:
    """A serving member or a reserve leaves the committee.

    ``reason`` is ``"nominated"`` (被提名为候选人), ``"resigned"`` or ``"other"`` (then ``note``
    is required). When a *serving* member leaves because they were nominated, the next reserve
    in the original order (skipping any near relative of a serving member) is seated in the
    same transaction, with its own audit entry (组织法 第十二条). When there is nobody left to
    seat, the result says a new selection is needed.
    """
    if reason not in LeftReason.values:
        raise CommitteeError("退出原因：应为被提名为候选人、辞职或其他", "reason")
    note = " ".join(note.split())
    if reason == LeftReason.OTHER and not note:
        raise CommitteeError("退出说明：原因为“其他”时请说明", "note")
    if len(note) > 300:
        raise CommitteeError("退出说明：不能超过300个字", "note")
    with transaction.atomic():
        election = _lock(member.election)
        member = CommitteeMember.objects.get(pk=member.pk)
        if member.status == Status.LEFT:
            raise CommitteeError(f"{member.name}已于此前退出村民选举委员会", "member")
        before = _snapshot(member)
        was_serving = member.status == Status.SERVING
        member.status = Status.LEFT
        member.left_reason = reason
        member.left_note = note
        member.left_at = timezone.now()
        member.save(update_fields=["status", "left_reason", "left_note", "left_at"])
        decision: core.Backfill | None = None
        seated: CommitteeMember | None = None
        if was_serving and reason == LeftReason.NOMINATED:
            decision = selectors.next_in_order(election)
            if decision.chosen is not None:
                seated = selectors.reserves(election).get(rank=decision.chosen.rank)
        audit_record(
            acting_user=acting_user,
            action="committee.member_leave",
            obj=member,
            area=election.area,
            before=before,
            after={
                **_snapshot(member),
                "backfill": decision.text if decision is not None else None,
                "article": str(core.ORGANIC_LAW_COMMITTEE)
                if reason == LeftReason.NOMINATED
                else None,
            },
        )
        if seated is not None and decision is not None:
            _seat(acting_user, election, seated, decision.text, "committee.member_backfill")
            seated.refresh_from_db()
    member.refresh_from_db()
    return LeaveResult(member=member, seated=seated, backfill=decision)


def committee_member_nominated(
    *, acting_user: User, election: Election, name: str, id_number: str = ""
) -> LeaveResult | None:
    """Hook for the candidates part: the person was nominated as a candidate. If they are a
    serving or reserve member of this election's committee, they leave it (reason
    ``nominated``) and the next in order is seated; returns None if they are not a member.
    Safe to call inside the caller's transaction."""
    member = selectors.member_for_person(election, name, id_number)
    if member is None:
        return None
    return committee_member_leave(
        acting_user=acting_user, member=member, reason=LeftReason.NOMINATED
    )


def committee_member_seat(*, acting_user: User, member: CommitteeMember) -> CommitteeMember:
    """Seat a reserve in a vacancy (e.g. after a resignation). Only the next in order may be
    seated (组织法 第十二条); the message names who that is."""
    with transaction.atomic():
        election = _lock(member.election)
        member = CommitteeMember.objects.get(pk=member.pk)
        if member.status != Status.RESERVE:
            raise CommitteeError(f"{member.name}不是候补人员，不能递补", "member")
        decision = selectors.next_in_order(election)
        if decision.chosen is None or decision.chosen.rank != member.rank:
            conflicts = core.relative_conflicts(
                selectors.person_of(member),
                [selectors.person_of(m) for m in selectors.serving(election)],
                selectors.relations(election),
            )
            if conflicts:
                raise CommitteeError(f"{conflicts[0].text}，不能递补", "member", "near_relative")
            raise CommitteeError(
                f"应按原推选结果顺序递补：{decision.text}", "member", code="out_of_order"
            )
        _seat(acting_user, election, member, decision.text, "committee.member_seat")
    member.refresh_from_db()
    return member


def committee_member_set_role(
    *, acting_user: User, member: CommitteeMember, role: str
) -> CommitteeMember:
    """Make a serving member the 主任 or a 委员; there is one 主任 at most."""
    if role not in Role.values:
        raise CommitteeError("职务：应为主任或委员", "role")
    with transaction.atomic():
        election = _lock(member.election)
        member = CommitteeMember.objects.get(pk=member.pk)
        if member.status != Status.SERVING:
            raise CommitteeError(f"职务：{member.name}不是在任成员", "role")
        if role == Role.CHAIR:
            chair = selectors.serving(election).filter(role=Role.CHAIR).exclude(pk=member.pk)
            if chair.exists():
                raise CommitteeError(f"职务：已有主任{chair.first()}，请先将其改为委员", "role")
        before = _snapshot(member)
        member.role = role
        member.save(update_fields=["role"])
        audit_record(
            acting_user=acting_user,
            action="committee.member_role",
            obj=member,
            area=election.area,
            before=before,
            after=_snapshot(member),
        )
    return member


def committee_relation_declare(
    *,
    acting_user: User,
    election: Election,
    a_name: str,
    b_name: str,
    kind: str,
    a_id_number: str = "",
    b_id_number: str = "",
    note: str = "",
) -> NearRelation:
    """Record that person b is person a's ``kind`` (民法典 第一千零四十五条第二款: 配偶、父母、
    子女、兄弟姐妹、祖父母、外祖父母、孙子女、外孙子女). Either may be a member, a reserve or
    anyone else (e.g. a candidate). A declaration between two serving members is recorded and
    then keeps the preparation stage from closing until one of them leaves."""
    a_name = _clean_name(a_name, "a_name", "甲方姓名")
    b_name = _clean_name(b_name, "b_name", "乙方姓名")
    a_id = _clean_id(a_id_number, "a_id_number", "甲方公民身份号码")
    b_id = _clean_id(b_id_number, "b_id_number", "乙方公民身份号码")
    try:
        the_kind = Kin(kind)
    except ValueError as err:
        labels = "、".join(k.label for k in Kin)
        raise CommitteeError(f"亲属关系：应为{labels}之一", "kind") from err
    note = " ".join(note.split())
    if len(note) > 300:
        raise CommitteeError("说明：不能超过300个字", "note")
    a, b = PersonRef(a_name, a_id), PersonRef(b_name, b_id)
    if core.same_person(a, b):
        raise CommitteeError("乙方姓名：甲乙双方是同一人", "b_name")
    with transaction.atomic():
        election = _lock(election)
        known = core.relation_between(a, b, selectors.relations(election))
        if known is not None:
            raise CommitteeError(
                f"乙方姓名：已登记{b_name}是{a_name}的{known.label}", "b_name", code="duplicate"
            )
        relation = NearRelation.objects.create(
            election=election,
            a_name=a_name,
            a_id_number=a_id,
            b_name=b_name,
            b_id_number=b_id,
            kind=the_kind.value,
            note=note,
            created_by_id=getattr(acting_user, "pk", None),
        )
        audit_record(
            acting_user=acting_user,
            action="committee.relation_declare",
            obj=relation,
            area=election.area,
            after={
                "a": a_name,
                "b": b_name,
                "kind": the_kind.label,
                "note": note,
                "article": str(core.CIVIL_CODE_NEAR_RELATIVES),
            },
        )
    return relation


def committee_relation_withdraw(*, acting_user: User, relation: NearRelation, reason: str) -> None:
    """Remove a declaration entered in error; the reason is kept in the audit log."""
    reason = " ".join(reason.split())
    if not reason:
        raise CommitteeError("撤销理由：请填写", "reason")
    with transaction.atomic():
        election = _lock(relation.election)
        before = {
            "a": relation.a_name,
            "b": relation.b_name,
            "kind": Kin(relation.kind).label,
            "note": relation.note,
        }
        pk = relation.pk
        NearRelation.objects.filter(pk=pk).delete()
        audit_record(
            acting_user=acting_user,
            action="committee.relation_withdraw",
            object_type="committee.nearrelation",
            object_id=str(pk),
            area=election.area,
            before=before,
            after={"reason": reason[:300]},
        )
