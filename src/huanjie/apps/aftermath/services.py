"""Writes of 选后工作 (one transaction and one audit entry each; a refused operation changes
nothing). The law is decided in ``core.aftermath`` and ``core.count.recall``; vote sheets are
entered twice (``core.entry``) and decided only once they are definitive."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from huanjie.apps.aftermath import selectors
from huanjie.apps.aftermath.models import (
    ArchivePackage,
    AssemblySettings,
    ByElection,
    DoubleEntry,
    GroupLeader,
    Handover,
    HandoverItem,
    Mode,
    RecallPetition,
    Representative,
    Route,
    Supervisor,
    SupervisorRole,
)
from huanjie.apps.audit.services import audit_record
from huanjie.apps.campaigns.models import Election
from huanjie.apps.campaigns.services import User
from huanjie.apps.errors import ServiceError
from huanjie.apps.places.models import Area
from huanjie.apps.roll.models import Status as VoterStatus
from huanjie.apps.roll.models import Voter
from huanjie.core import aftermath as core
from huanjie.core import entry
from huanjie.core.count.model import Reason
from huanjie.core.count.recall import RecallInput, decide_recall, recall_to_json
from huanjie.core.entry import EntryAction, EntryError, EntryState
from huanjie.core.rules import load_profile
from huanjie.core.stages import Stage, State


class AftermathError(ServiceError):
    """A refused operation of 选后工作; the message (Chinese) names the field. ``findings``
    carries the validation findings of a refused vote-sheet entry."""

    def __init__(
        self,
        message: str,
        field: str = "",
        code: str = "invalid",
        findings: Sequence[entry.Finding] = (),
    ) -> None:
        super().__init__(message, field, code)
        self.findings = tuple(findings)


def _uid(user: User) -> int | None:
    return getattr(user, "pk", None)


def _clean(text: str, field: str, label: str, *, required: bool = True, limit: int = 300) -> str:
    text = " ".join((text or "").split())
    if required and not text:
        raise AftermathError(f"{label}：请填写", field, "required")
    if len(text) > limit:
        raise AftermathError(f"{label}：不能超过{limit}个字", field, "too_long")
    return text


def _opt_count(value: object, field: str, label: str) -> int | None:
    if value is None or value == "":
        return None
    return _count(value, field, label)


def _count(value: object, field: str, label: str) -> int:
    if value is None or value == "":
        raise AftermathError(f"{label}：请填写", field, "required")
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise AftermathError(f"{label}：应为不小于 0 的整数", field, "not_a_count")
    return value


def _date(value: object, field: str, label: str) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise AftermathError(f"{label}：请填写日期", field, "required")
    if value > timezone.localdate():
        raise AftermathError(f"{label}：不能晚于今天", field, "future")
    return value


def _lock(election: Election) -> Election:
    return Election.objects.select_for_update().get(pk=election.pk)


def _person(election: Election, text: str, field: str) -> Voter:
    voter, problem = selectors.find_person(election, text)
    if voter is None:
        raise AftermathError(problem, field, "not_found")
    return voter


def _refuse(reasons: Sequence[Reason], field: str) -> None:
    bad = [r for r in reasons if r.level == "error"]
    if bad:
        raise AftermathError("；".join(f"{r.text}（{r.article}）" for r in bad), field, bad[0].code)


def _reasons_json(reasons: Sequence[Reason]) -> list[dict[str, Any]]:
    return [
        {"code": r.code, "level": r.level, "article": r.article, "text": r.text} for r in reasons
    ]


# --------------------------------------------------------------------------- handover


def _require_handover_open(election: Election) -> None:
    record = election.stages.filter(stage=Stage.HANDOVER.value).first()
    if record is not None and record.state == State.CLOSED.value:
        raise AftermathError(
            "“工作移交”阶段已完成；如需更正，请先在“计划与阶段”中重新开启该阶段",
            "",
            "stage_closed",
        )


def _check_constituted(election: Election, on: object) -> date:
    day = _date(on, "constituted_on", "新一届村民委员会产生日期")
    if day < election.election_day:
        raise AftermathError(
            f"新一届村民委员会产生日期不能早于选举日（{election.election_day.isoformat()}）",
            "constituted_on",
            "before_election_day",
        )
    return day


def handover_start(
    *,
    acting_user: User,
    election: Election,
    constituted_on: date | None = None,
    basis: str = "",
) -> Handover:
    """Open the handover: the day the new committee came into being (from the results unless
    given) and the standard checklist (印章, 财务账目, 债权债务, 资产, 档案资料)."""
    _require_handover_open(election)
    if not selectors.new_committee(election):
        raise AftermathError(
            "选举结果尚未确定，新一届村民委员会尚未产生，不能开始工作移交", "", "no_committee"
        )
    default, default_basis = selectors.constituted_default(election)
    if constituted_on is None:
        if default is None:
            raise AftermathError("请填写新一届村民委员会产生日期", "constituted_on", "required")
        constituted_on, basis = default, basis or default_basis
    day = _check_constituted(election, constituted_on)
    basis = _clean(basis, "basis", "依据", required=False) or "由选举委员会填写"
    with transaction.atomic():
        election = _lock(election)
        if Handover.objects.filter(election=election).exists():
            raise AftermathError("已建立移交清单", "", "exists")
        h = Handover.objects.create(
            election=election, constituted_on=day, basis=basis, created_by_id=_uid(acting_user)
        )
        for order, (kind, detail) in enumerate(core.STANDARD_ITEMS, start=1):
            HandoverItem.objects.create(
                handover=h,
                kind=kind.value,
                label=core.ITEM_LABELS[kind],
                detail=detail,
                order=order,
                created_by_id=_uid(acting_user),
            )
        audit_record(
            acting_user=acting_user,
            action="aftermath.handover_start",
            obj=h,
            area=election.area,
            after={
                "constituted_on": day,
                "basis": basis,
                "items": [core.ITEM_LABELS[k] for k, _ in core.STANDARD_ITEMS],
            },
        )
    return h


def handover_set_date(
    *, acting_user: User, election: Election, constituted_on: date, basis: str
) -> Handover:
    """Correct the day the new committee came into being (with the reason)."""
    _require_handover_open(election)
    day = _check_constituted(election, constituted_on)
    basis = _clean(basis, "basis", "依据")
    with transaction.atomic():
        election = _lock(election)
        h = Handover.objects.filter(election=election).first()
        if h is None:
            raise AftermathError("尚未建立移交清单", "", "no_handover")
        before = {"constituted_on": h.constituted_on, "basis": h.basis}
        h.constituted_on, h.basis = day, basis
        h.save(update_fields=["constituted_on", "basis"])
        audit_record(
            acting_user=acting_user,
            action="aftermath.handover_set_date",
            obj=h,
            area=election.area,
            before=before,
            after={"constituted_on": day, "basis": basis},
        )
    return h


def handover_item_add(
    *, acting_user: User, election: Election, label: str, detail: str = ""
) -> HandoverItem:
    """Add an item the committee wants on the checklist (其他移交事项)."""
    _require_handover_open(election)
    label = _clean(label, "label", "移交事项", limit=60)
    detail = _clean(detail, "detail", "内容与数量", required=False)
    with transaction.atomic():
        election = _lock(election)
        h = Handover.objects.filter(election=election).first()
        if h is None:
            raise AftermathError("尚未建立移交清单", "", "no_handover")
        if h.items.filter(label=label).exists():
            raise AftermathError(f"移交清单中已有“{label}”", "label", "duplicate")
        order = (h.items.order_by("-order").values_list("order", flat=True).first() or 0) + 1
        item = HandoverItem.objects.create(
            handover=h,
            kind=core.ItemKind.OTHER.value,
            label=label,
            detail=detail,
            order=order,
            created_by_id=_uid(acting_user),
        )
        audit_record(
            acting_user=acting_user,
            action="aftermath.handover_item_add",
            obj=item,
            area=election.area,
            after={"label": label, "detail": detail},
        )
    return item


def handover_item_sign(
    *,
    acting_user: User,
    item: HandoverItem,
    outgoing_name: str,
    incoming_name: str,
    supervisor_name: str = "",
    signed_at: datetime | None = None,
    note: str = "",
) -> HandoverItem:
    """Both sides sign an item off: the outgoing signatory (上届), the incoming one (新一届),
    optionally the township's supervisor (监交人, 组织法 第二十条), the time and a note."""
    election = item.handover.election
    _require_handover_open(election)
    outgoing = _clean(outgoing_name, "outgoing_name", "移交人", limit=50)
    incoming = _clean(incoming_name, "incoming_name", "接收人", limit=50)
    supervisor = _clean(supervisor_name, "supervisor_name", "监交人", required=False, limit=50)
    note = _clean(note, "note", "交接说明", required=False)
    when = signed_at or timezone.now()
    if when > timezone.now():
        raise AftermathError("交接时间不能晚于现在", "signed_at", "future")
    if timezone.localdate(when) < item.handover.constituted_on:
        raise AftermathError(
            f"交接时间不能早于新一届村民委员会产生日期（{item.handover.constituted_on.isoformat()}）",
            "signed_at",
            "before_constituted",
        )
    with transaction.atomic():
        _lock(election)
        it = HandoverItem.objects.select_for_update().get(pk=item.pk)
        if it.signed_at is not None:
            raise AftermathError(f"“{it.label}”已签字确认", "", "already_signed")
        it.outgoing_name, it.incoming_name, it.supervisor_name = outgoing, incoming, supervisor
        it.signed_at, it.sign_note, it.signed_by_id = when, note, _uid(acting_user)
        it.save()
        audit_record(
            acting_user=acting_user,
            action="aftermath.handover_item_sign",
            obj=it,
            area=election.area,
            after={
                "label": it.label,
                "outgoing": outgoing,
                "incoming": incoming,
                "supervisor": supervisor,
                "signed_at": when,
                "note": note,
            },
        )
    return it


def handover_item_unsign(*, acting_user: User, item: HandoverItem, reason: str) -> HandoverItem:
    """Withdraw a sign-off entered in error (with the reason)."""
    election = item.handover.election
    _require_handover_open(election)
    reason = _clean(reason, "reason", "撤销理由")
    with transaction.atomic():
        _lock(election)
        it = HandoverItem.objects.select_for_update().get(pk=item.pk)
        if it.signed_at is None:
            raise AftermathError(f"“{it.label}”尚未签字确认", "", "not_signed")
        before = {
            "outgoing": it.outgoing_name,
            "incoming": it.incoming_name,
            "supervisor": it.supervisor_name,
            "signed_at": it.signed_at,
            "note": it.sign_note,
        }
        it.outgoing_name = it.incoming_name = it.supervisor_name = it.sign_note = ""
        it.signed_at, it.signed_by = None, None
        it.save()
        audit_record(
            acting_user=acting_user,
            action="aftermath.handover_item_unsign",
            obj=it,
            area=election.area,
            before=before,
            after={"label": it.label, "reason": reason},
        )
    return it


def handover_item_remove(*, acting_user: User, item: HandoverItem, reason: str) -> None:
    """Remove an added item not yet signed off; the standard items stay."""
    election = item.handover.election
    _require_handover_open(election)
    reason = _clean(reason, "reason", "删除理由")
    if item.kind != core.ItemKind.OTHER:
        raise AftermathError(f"“{item.label}”是必须移交的事项，不能删除", "", "standard_item")
    if item.signed_at is not None:
        raise AftermathError(f"“{item.label}”已签字确认，不能删除", "", "already_signed")
    with transaction.atomic():
        _lock(election)
        audit_record(
            acting_user=acting_user,
            action="aftermath.handover_item_remove",
            obj=item,
            area=election.area,
            before={"label": item.label, "detail": item.detail},
            after={"reason": reason},
        )
        item.delete()


# --------------------------------------------------------------------------- representatives


def assembly_configure(
    *,
    acting_user: User,
    election: Election,
    mode: str,
    households: int | None = None,
    committee_members: int | None = None,
) -> AssemblySettings:
    """How representatives are chosen (组织法 第二十五条第二款), the number of households when
    the roll's 户号 do not give it, and the committee members on the meeting (第二十五条第一款)."""
    if mode not in Mode.values:
        raise AftermathError("推选方式不正确", "mode", "invalid")
    households = _opt_count(households, "households", "本村户数")
    committee = _opt_count(committee_members, "committee_members", "参加会议的村民委员会成员")
    if committee is not None and committee > 7:
        raise AftermathError(
            "参加会议的村民委员会成员：村民委员会共三至七人（组织法 第六条第一款）",
            "committee_members",
            "too_many",
        )
    with transaction.atomic():
        election = _lock(election)
        settings, _ = AssemblySettings.objects.get_or_create(election=election)
        before = {
            "mode": settings.mode,
            "households": settings.households,
            "committee_members": settings.committee_members,
        }
        settings.mode, settings.households, settings.committee_members = (
            mode,
            households,
            committee,
        )
        settings.save()
        audit_record(
            acting_user=acting_user,
            action="aftermath.assembly_configure",
            obj=settings,
            area=election.area,
            before=before,
            after={"mode": mode, "households": households, "committee_members": committee},
        )
    return settings


def representative_add(
    *,
    acting_user: User,
    election: Election,
    person: str,
    chosen_on: date,
    households: int | None = None,
    note: str = "",
) -> Representative:
    """Record a villager representative: a registered voter of the village (组织法 第二十五条)."""
    voter = _person(election, person, "person")
    day = _date(chosen_on, "chosen_on", "推选日期")
    households = _opt_count(households, "households", "推选户数")
    if households is not None and not 5 <= households <= 15:
        raise AftermathError(
            "推选户数：每五户至十五户推选一人（村民委员会组织法 第二十五条第二款）",
            "households",
            "out_of_range",
        )
    note = _clean(note, "note", "说明", required=False)
    if voter.status != VoterStatus.REGISTERED:
        raise AftermathError(
            f"{voter.name} 不是本村登记参加选举的村民，不能担任村民代表"
            "（村民委员会组织法 第二十五条第二款）",
            "person",
            "representative_not_registered",
        )
    with transaction.atomic():
        election = _lock(election)
        if Representative.objects.filter(election=election, voter=voter).exists():
            raise AftermathError(f"{voter.name} 已是村民代表", "person", "duplicate")
        rep = Representative.objects.create(
            election=election,
            voter=voter,
            group_id=voter.group_id,
            households=households,
            chosen_on=day,
            note=note,
            created_by_id=_uid(acting_user),
        )
        audit_record(
            acting_user=acting_user,
            action="aftermath.representative_add",
            obj=rep,
            area=election.area,
            after={
                "name": voter.name,
                "voter": voter.pk,
                "chosen_on": day,
                "households": households,
            },
        )
    return rep


def _remove(
    acting_user: User, obj: Representative | GroupLeader | Supervisor, action: str, reason: str
) -> None:
    reason = _clean(reason, "reason", "撤销理由")
    with transaction.atomic():
        _lock(obj.election)
        audit_record(
            acting_user=acting_user,
            action=action,
            obj=obj,
            area=obj.election.area,
            before={"name": obj.voter.name, "voter": obj.voter_id},
            after={"reason": reason},
        )
        obj.delete()


def representative_remove(
    *, acting_user: User, representative: Representative, reason: str
) -> None:
    _remove(acting_user, representative, "aftermath.representative_remove", reason)


def group_leader_set(
    *,
    acting_user: User,
    election: Election,
    group_id: int,
    person: str,
    by_households: bool,
    eligible: int,
    present: int,
    votes: int,
    chosen_on: date,
    note: str = "",
) -> GroupLeader:
    """Record the leader a villager group meeting chose (组织法 第二十八条): refused when the
    meeting lacked its quorum or the leader a majority of those present."""
    group = Area.objects.filter(pk=group_id, parent=election.area, level=Area.Level.GROUP).first()
    if group is None:
        raise AftermathError("请选择本村的村民小组", "group", "invalid")
    voter = _person(election, person, "person")
    eligible_n = _count(eligible, "eligible", "应到人数")
    present_n = _count(present, "present", "到会人数")
    votes_n = _count(votes, "votes", "同意票数")
    day = _date(chosen_on, "chosen_on", "推选日期")
    note = _clean(note, "note", "说明", required=False)
    reasons = core.check_group_leader(
        leader=selectors.villager(voter),
        group=group.name,
        by_households=by_households,
        eligible=eligible_n,
        present=present_n,
        votes=votes_n,
    )
    field = {
        "group_meeting_figures": "present",
        "group_meeting_quorum": "present",
        "group_leader_majority": "votes",
    }
    bad = [r for r in reasons if r.level == "error"]
    if bad:
        _refuse(bad, field.get(bad[0].code, ""))
    with transaction.atomic():
        election = _lock(election)
        if GroupLeader.objects.filter(election=election, group=group).exists():
            raise AftermathError(f"{group.name}已有组长；如需更换，请先撤销", "group", "exists")
        leader = GroupLeader.objects.create(
            election=election,
            group=group,
            voter=voter,
            by_households=by_households,
            eligible=eligible_n,
            present=present_n,
            votes=votes_n,
            chosen_on=day,
            note=note,
            created_by_id=_uid(acting_user),
        )
        audit_record(
            acting_user=acting_user,
            action="aftermath.group_leader_set",
            obj=leader,
            area=election.area,
            after={
                "group": group.name,
                "name": voter.name,
                "voter": voter.pk,
                "by_households": by_households,
                "eligible": eligible_n,
                "present": present_n,
                "votes": votes_n,
                "chosen_on": day,
                "warnings": _reasons_json(reasons),
            },
        )
    return leader


def group_leader_remove(*, acting_user: User, leader: GroupLeader, reason: str) -> None:
    _remove(acting_user, leader, "aftermath.group_leader_remove", reason)


# --------------------------------------------------------------------------- supervision


def supervisor_add(
    *,
    acting_user: User,
    election: Election,
    person: str,
    chosen_by: str,
    chosen_on: date,
    role: str = SupervisorRole.MEMBER,
    finance: bool = False,
    note: str = "",
) -> Supervisor:
    """Record a member of the 村务监督委员会 chosen by the 村民会议 or 村民代表会议; refused for
    a committee member or a declared near relative of one (组织法 第三十二条)."""
    voter = _person(election, person, "person")
    if chosen_by not in {b.value for b in core.Body}:
        raise AftermathError(
            "推选会议：须为村民会议或者村民代表会议（组织法 第三十二条）", "chosen_by", "invalid"
        )
    if role not in SupervisorRole.values:
        raise AftermathError("职务不正确", "role", "invalid")
    day = _date(chosen_on, "chosen_on", "推选日期")
    note = _clean(note, "note", "说明", required=False)
    _refuse(selectors.supervisor_conflicts(election, voter), "person")
    with transaction.atomic():
        election = _lock(election)
        if Supervisor.objects.filter(election=election, voter=voter).exists():
            raise AftermathError(f"{voter.name} 已是村务监督委员会成员", "person", "duplicate")
        if (
            role == SupervisorRole.CHAIR
            and Supervisor.objects.filter(election=election, role=SupervisorRole.CHAIR).exists()
        ):
            raise AftermathError("村务监督委员会已有主任", "role", "chair_exists")
        s = Supervisor.objects.create(
            election=election,
            voter=voter,
            role=role,
            finance=finance,
            chosen_by=chosen_by,
            chosen_on=day,
            note=note,
            created_by_id=_uid(acting_user),
        )
        audit_record(
            acting_user=acting_user,
            action="aftermath.supervisor_add",
            obj=s,
            area=election.area,
            after={
                "name": voter.name,
                "voter": voter.pk,
                "role": role,
                "finance": finance,
                "chosen_by": chosen_by,
                "chosen_on": day,
            },
        )
    return s


def supervisor_remove(*, acting_user: User, supervisor: Supervisor, reason: str) -> None:
    _remove(acting_user, supervisor, "aftermath.supervisor_remove", reason)


# --------------------------------------------------------------------------- double entry


def _sheet(row: DoubleEntry) -> entry.Sheet:
    def one(clerk: int | None, counts: Any, warnings: Any) -> entry.Entry | None:
        if counts is None:
            return None
        return entry.Entry(
            clerk=str(clerk),
            counts=dict(counts),
            warnings=tuple(entry.Finding(**w) for w in warnings),
        )

    return entry.Sheet(
        state=EntryState(row.state),
        first=one(row.first_clerk_id, row.first_counts, row.first_warnings),
        second=one(row.second_clerk_id, row.second_counts, row.second_warnings),
        result=row.result,
        resolution=EntryAction(row.resolution) if row.resolution else None,
        coordinator=str(row.coordinator_id) if row.coordinator_id else None,
    )


def _submit(
    acting_user: User,
    row: DoubleEntry,
    counts: Mapping[str, object],
    validate: entry.Validator,
    acknowledged: bool,
) -> EntryAction:
    if acting_user is None or acting_user.pk is None:
        raise AftermathError("须登录后录入", "", "no_clerk")
    try:
        sheet, action = entry.submit(
            _sheet(row), str(acting_user.pk), counts, validate=validate, acknowledged=acknowledged
        )
    except EntryError as err:
        raise AftermathError(err.message, "counts", err.code, err.findings) from err
    now = timezone.now()
    if action is EntryAction.FINALISE_FIRST:
        assert sheet.first is not None
        row.first_clerk_id, row.first_counts, row.first_at = (
            acting_user.pk,
            dict(sheet.first.counts),
            now,
        )
        row.first_warnings = entry.warnings_json(sheet.first)
    else:
        assert sheet.second is not None
        row.second_clerk_id, row.second_counts, row.second_at = (
            acting_user.pk,
            dict(sheet.second.counts),
            now,
        )
        row.second_warnings = entry.warnings_json(sheet.second)
    row.state = sheet.state.value
    if sheet.state is EntryState.DEFINITIVE:
        row.result, row.definitive_at = dict(sheet.result or {}), now
    return action


def _resolve(acting_user: User, row: DoubleEntry, action: str, reason: str) -> EntryAction:
    if acting_user is None or acting_user.pk is None:
        raise AftermathError("须登录后处理", "", "no_coordinator")
    try:
        the_action = EntryAction(action)
    except ValueError as err:
        raise AftermathError("未知的处理方式", "action", "unknown_action") from err
    reason = _clean(reason, "reason", "理由", required=the_action is EntryAction.REOPEN)
    try:
        sheet = entry.resolve(
            _sheet(row), the_action, coordinator=str(acting_user.pk), reason=reason
        )
    except EntryError as err:
        raise AftermathError(err.message, "action", err.code) from err
    row.state = sheet.state.value
    if sheet.state is EntryState.FIRST_ENTRY:
        row.first_clerk = row.second_clerk = row.coordinator = None
        row.first_counts = row.second_counts = row.result = None
        row.first_warnings, row.second_warnings = [], []
        row.first_at = row.second_at = row.definitive_at = None
        row.resolution = ""
    else:
        row.result = dict(sheet.result or {})
        row.resolution = the_action.value
        row.coordinator_id = acting_user.pk
        row.definitive_at = timezone.now()
    return the_action


# --------------------------------------------------------------------------- recall


def _recall_rule(election: Election) -> tuple[Mapping[str, Any], str, str]:
    profile = load_profile(election.profile_id)
    rule = profile.value("recall")
    if rule is None:
        raise AftermathError(
            f"本选举规则不适用选民罢免程序：{profile.params['recall'].note}", "", "no_recall"
        )
    return rule, profile.article("recall"), profile.id


def recall_file(
    *,
    acting_user: User,
    election: Election,
    member: str,
    route: str,
    signatures: int,
    grounds: str,
    filed_on: date,
    representatives_total: int | None = None,
) -> RecallPetition:
    """Record a demand to recall a committee member, with its grounds, and decide whether the
    petition stands (组织法 第十六条第一款: ≥1/5 of the voters or ≥1/3 of the representatives)."""
    rule, article, profile_id = _recall_rule(election)
    text = (member or "").strip()
    committee = selectors.current_committee(election)
    found = [m for m in committee if text in (m.name, str(m.voter_id or ""))]
    if not text or len(found) != 1:
        raise AftermathError(
            "被提出罢免的成员：请从现任村民委员会成员中选择", "member", "not_a_member"
        )
    who = found[0]
    if route not in Route.values:
        raise AftermathError("联名方式不正确", "route", "invalid")
    n = _count(signatures, "signatures", "联名人数")
    grounds = _clean(
        grounds, "grounds", "罢免理由（组织法 第十六条第一款：须说明理由）", limit=2000
    )
    day = _date(filed_on, "filed_on", "提出日期")
    electorate = selectors.electorate(election)
    reps: int | None = None
    if route == Route.REPRESENTATIVES:
        reps = _opt_count(representatives_total, "representatives_total", "村民代表总数")
        if reps is None:
            reps = selectors.representatives(election).count()
        if reps == 0:
            raise AftermathError(
                "村民代表总数：尚无村民代表记录，请填写", "representatives_total", "required"
            )
        if n > reps:
            raise AftermathError(f"联名人数 {n} 多于村民代表总数 {reps}", "signatures", "too_many")
        inp = RecallInput(electorate, representatives=reps, representative_signatures=n)
    else:
        if n > electorate:
            raise AftermathError(
                f"联名人数 {n} 多于有选举权的村民 {electorate} 人", "signatures", "too_many"
            )
        inp = RecallInput(electorate, signatures=n)
    outcome = decide_recall(rule, article, profile_id, inp)
    status = (
        RecallPetition.Status.PENDING if outcome.petition_valid else RecallPetition.Status.REJECTED
    )
    with transaction.atomic():
        election = _lock(election)
        p = RecallPetition.objects.create(
            election=election,
            member_name=who.name,
            member_voter_id=who.voter_id,
            member_post=who.post_name,
            route=route,
            signatures=n,
            representatives_total=reps,
            electorate=electorate,
            grounds=grounds,
            filed_on=day,
            petition=recall_to_json(outcome),
            status=status,
            created_by_id=_uid(acting_user),
        )
        audit_record(
            acting_user=acting_user,
            action="aftermath.recall_file",
            obj=p,
            area=election.area,
            after={
                "member": who.name,
                "post": who.post_name,
                "route": route,
                "signatures": n,
                "representatives_total": reps,
                "electorate": electorate,
                "grounds": grounds,
                "filed_on": day,
                "status": status,
                "reasons": p.petition["reasons"],
            },
        )
    return p


def recall_reply(
    *, acting_user: User, petition: RecallPetition, reply: str, reply_on: date
) -> RecallPetition:
    """The member's reply to the demand (申辩意见, 组织法 第十六条第一款)."""
    text = _clean(reply, "reply", "申辩意见", limit=4000)
    day = _date(reply_on, "reply_on", "申辩日期")
    if day < petition.filed_on:
        raise AftermathError("申辩日期不能早于罢免要求提出日期", "reply_on", "before_filing")
    with transaction.atomic():
        _lock(petition.election)
        p = RecallPetition.objects.select_for_update().get(pk=petition.pk)
        before = {"reply": p.reply, "reply_on": p.reply_on}
        p.reply, p.reply_on = text, day
        p.save(update_fields=["reply", "reply_on"])
        audit_record(
            acting_user=acting_user,
            action="aftermath.recall_reply",
            obj=p,
            area=p.election.area,
            before=before,
            after={"reply": text, "reply_on": day},
        )
    return p


def _recall_decide(p: RecallPetition) -> None:
    rule, article, profile_id = _recall_rule(p.election)
    counts = p.result or {}
    outcome = decide_recall(
        rule,
        article,
        profile_id,
        RecallInput(
            p.electorate,
            participants=counts.get(core.PARTICIPANTS, 0),
            approve=counts.get(core.APPROVE, 0),
        ),
    )
    p.outcome = recall_to_json(outcome)
    p.status = (
        RecallPetition.Status.RECALLED if outcome.recalled else RecallPetition.Status.NOT_RECALLED
    )


def _locked_recall(petition: RecallPetition) -> RecallPetition:
    _lock(petition.election)
    return (
        RecallPetition.objects.select_for_update()
        .select_related("election__area")
        .get(pk=petition.pk)
    )


def recall_vote_submit(
    *,
    acting_user: User,
    petition: RecallPetition,
    counts: Mapping[str, object],
    vote_on: date | None = None,
    acknowledged: bool = False,
) -> RecallPetition:
    """A clerk enters the recall vote sheet (first or second entry); once both entries agree
    the core decides (组织法 第十六条第二款)."""
    if petition.status == RecallPetition.Status.REJECTED:
        raise AftermathError("罢免要求不成立，不进行投票表决", "", "rejected")
    day = _date(vote_on, "vote_on", "表决日期") if vote_on is not None else None
    if day is not None and day < petition.filed_on:
        raise AftermathError("表决日期不能早于罢免要求提出日期", "vote_on", "before_filing")
    with transaction.atomic():
        p = _locked_recall(petition)
        if day is not None:
            p.vote_on = day
        if p.vote_on is None:
            raise AftermathError("表决日期：请填写", "vote_on", "required")
        action = _submit(
            acting_user,
            p,
            counts,
            lambda c: core.recall_vote_findings(c, electorate=p.electorate),
            acknowledged,
        )
        if p.state == EntryState.DEFINITIVE:
            _recall_decide(p)
        p.save()
        audit_record(
            acting_user=acting_user,
            action="aftermath.recall_vote_submit",
            obj=p,
            area=p.election.area,
            after={
                "entry": action.value,
                "counts": dict(counts),
                "vote_on": p.vote_on,
                "state": p.state,
                "status": p.status,
                "outcome": p.outcome,
            },
        )
    return p


def recall_vote_resolve(
    *, acting_user: User, petition: RecallPetition, action: str, reason: str = ""
) -> RecallPetition:
    """The coordinator (a third person) resolves differing entries or reopens the sheet."""
    with transaction.atomic():
        p = _locked_recall(petition)
        if p.status == RecallPetition.Status.REJECTED:
            raise AftermathError("罢免要求不成立，不进行投票表决", "", "rejected")
        before = {"state": p.state, "result": p.result, "status": p.status}
        _resolve(acting_user, p, action, reason)
        if p.state == EntryState.DEFINITIVE:
            _recall_decide(p)
        else:
            p.outcome, p.status = None, RecallPetition.Status.PENDING
        p.save()
        audit_record(
            acting_user=acting_user,
            action="aftermath.recall_vote_resolve",
            obj=p,
            area=p.election.area,
            before=before,
            after={"action": action, "reason": reason, "state": p.state, "status": p.status},
        )
    return p


# --------------------------------------------------------------------------- by-election


def by_election_create(
    *,
    acting_user: User,
    election: Election,
    post_kind: str,
    seats: int,
    vacancy: str,
    body: str,
    held_on: date,
    candidates: Sequence[str],
    members: int | None = None,
) -> ByElection:
    """Record a by-election (补选, 组织法 第十九条) for a vacancy: the post, the seats, who holds
    it (村民会议 or 村民代表会议) and its members, and the candidates from the roll."""
    post = election.posts.filter(kind=post_kind).first()
    if post is None:
        raise AftermathError("职务：请选择本村村民委员会的职务", "post_kind", "invalid")
    n = _count(seats, "seats", "补选名额")
    if not 1 <= n <= post.seats:
        raise AftermathError(
            f"补选名额：应为 1–{post.seats} 名（该职务应选 {post.seats} 名）",
            "seats",
            "out_of_range",
        )
    vacancy = _clean(vacancy, "vacancy", "出缺情况")
    try:
        the_body = core.Body(body)
    except ValueError as err:
        raise AftermathError(
            "补选会议：须为村民会议或者村民代表会议（组织法 第十九条）", "body", "invalid"
        ) from err
    day = _date(held_on, "held_on", "补选日期")
    if members is None:
        members = (
            selectors.electorate(election)
            if the_body is core.Body.VILLAGERS_MEETING
            else selectors.representatives(election).count()
            + len(selectors.current_committee(election))
        )
    m = _count(members, "members", "会议组成人员")
    if m == 0:
        raise AftermathError("会议组成人员：请填写", "members", "required")
    people: list[dict[str, Any]] = []
    for text in candidates:
        if not (text or "").strip():
            continue
        voter = _person(election, text, "candidates")
        if voter.status != VoterStatus.REGISTERED:
            raise AftermathError(
                f"候选人 {voter.name} 不是本村登记参加选举的村民", "candidates", "not_registered"
            )
        if any(p["voter_id"] == voter.pk for p in people):
            raise AftermathError(f"候选人 {voter.name} 重复", "candidates", "duplicate")
        people.append({"name": voter.name, "voter_id": voter.pk, "sex": voter.sex})
    if not people:
        raise AftermathError("候选人：请至少填写一人", "candidates", "required")
    if len({p["name"] for p in people}) != len(people):
        raise AftermathError(
            "候选人中有同名的人，请在统计表中加以区分后再录入", "candidates", "same_name"
        )
    with transaction.atomic():
        election = _lock(election)
        b = ByElection.objects.create(
            election=election,
            post_kind=post.kind,
            post_name=post.get_kind_display(),
            seats=n,
            vacancy=vacancy,
            body=the_body.value,
            members=m,
            held_on=day,
            candidates=people,
            created_by_id=_uid(acting_user),
        )
        audit_record(
            acting_user=acting_user,
            action="aftermath.by_election_create",
            obj=b,
            area=election.area,
            after={
                "post": b.post_name,
                "seats": n,
                "vacancy": vacancy,
                "body": the_body.value,
                "members": m,
                "held_on": day,
                "candidates": people,
            },
        )
    return b


def _by_election_validator(b: ByElection) -> Callable[[entry.Counts], list[entry.Finding]]:
    names = [c["name"] for c in b.candidates]
    return lambda c: core.by_election_findings(
        c, candidates=names, seats=b.seats, members=b.members
    )


def _by_election_decide(b: ByElection) -> None:
    counts = b.result or {}
    out = core.decide_by_election(
        body=core.Body(b.body),
        members=b.members,
        participants=counts.get(core.PARTICIPANTS, 0),
        votes=core.by_election_votes(counts),
        seats=b.seats,
    )
    b.outcome = {
        "valid": out.valid,
        "elected": [[n, v] for n, v in out.elected],
        "tied": out.tied,
        "unfilled": out.unfilled,
        "threshold": out.threshold,
        "reasons": _reasons_json(out.reasons),
    }


def _locked_by_election(b: ByElection) -> ByElection:
    _lock(b.election)
    return ByElection.objects.select_for_update().select_related("election__area").get(pk=b.pk)


def by_election_submit(
    *,
    acting_user: User,
    by_election: ByElection,
    counts: Mapping[str, object],
    acknowledged: bool = False,
) -> ByElection:
    """A clerk enters the by-election's vote sheet; once both entries agree the core decides."""
    with transaction.atomic():
        b = _locked_by_election(by_election)
        action = _submit(acting_user, b, counts, _by_election_validator(b), acknowledged)
        if b.state == EntryState.DEFINITIVE:
            _by_election_decide(b)
        b.save()
        audit_record(
            acting_user=acting_user,
            action="aftermath.by_election_submit",
            obj=b,
            area=b.election.area,
            after={
                "entry": action.value,
                "counts": dict(counts),
                "state": b.state,
                "outcome": b.outcome,
            },
        )
    return b


def by_election_resolve(
    *, acting_user: User, by_election: ByElection, action: str, reason: str = ""
) -> ByElection:
    with transaction.atomic():
        b = _locked_by_election(by_election)
        before = {"state": b.state, "result": b.result}
        _resolve(acting_user, b, action, reason)
        if b.state == EntryState.DEFINITIVE:
            _by_election_decide(b)
        else:
            b.outcome = None
        b.save()
        audit_record(
            acting_user=acting_user,
            action="aftermath.by_election_resolve",
            obj=b,
            area=b.election.area,
            before=before,
            after={"action": action, "reason": reason, "state": b.state, "outcome": b.outcome},
        )
    return b


# --------------------------------------------------------------------------- archive


def archive_start(*, acting_user: User, election: Election) -> ArchivePackage:
    """Queue the building of the election's archive package (``tasks.build_archive``)."""
    with transaction.atomic():
        election = _lock(election)
        if selectors.running_package(election) is not None:
            raise AftermathError("档案包正在生成，请稍候", "", "running")
        pkg = ArchivePackage.objects.create(election=election, created_by_id=_uid(acting_user))
        audit_record(
            acting_user=acting_user,
            action="aftermath.archive_start",
            obj=pkg,
            area=election.area,
            after={"package": pkg.pk},
        )
    return pkg
