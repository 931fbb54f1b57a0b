"""After the election (选后工作): the handover checklist, villager representatives and group
leaders, the supervision committee, recall petitions and by-elections, and archive packages.

The new committee itself is not stored here: it is read from the results
(``selectors.new_committee``). Every write goes through ``services`` with an audit row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from huanjie.apps.campaigns.models import Election
from huanjie.apps.places.models import Area
from huanjie.apps.roll.models import Voter
from huanjie.core.aftermath import BODY_LABELS, ITEM_LABELS, Body, ItemKind
from huanjie.core.entry import STATE_LABELS, EntryState

USER = settings.AUTH_USER_MODEL


class Handover(models.Model):
    """The handover of one election (组织法 第二十条): from the day the new committee came
    into being, every item of the checklist signed off by both sides."""

    election = models.OneToOneField(Election, on_delete=models.CASCADE, related_name="handover")
    constituted_on = models.DateField("新一届村民委员会产生日期")
    # How the date was arrived at (e.g. "第1轮 2026-12-20 选出全部成员").
    basis = models.CharField("依据", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "工作移交"


class HandoverItem(models.Model):
    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(
        "类别", max_length=10, choices=[(k.value, ITEM_LABELS[k]) for k in ItemKind]
    )
    label = models.CharField("移交事项", max_length=60)
    detail = models.CharField("内容与数量", max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    outgoing_name = models.CharField("移交人（上届）", max_length=50, blank=True)
    incoming_name = models.CharField("接收人（新一届）", max_length=50, blank=True)
    supervisor_name = models.CharField("监交人", max_length=50, blank=True)
    signed_at = models.DateTimeField("交接时间", null=True, blank=True)
    sign_note = models.CharField("交接说明", max_length=300, blank=True)
    signed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "移交事项"
        ordering = ("handover", "order", "pk")

    def __str__(self) -> str:
        return self.label


class Mode(models.TextChoices):
    """组织法 第二十五条第二款: how the representatives are chosen."""

    HOUSEHOLDS = "households", "按每五户至十五户推选一人"
    GROUPS = "groups", "由各村民小组推选若干人"


class AssemblySettings(models.Model):
    """The representatives' meeting (村民代表会议) of the new term: how its representatives
    are chosen, the number of households (when the roll's 户号 are incomplete) and how many
    committee members sit on it (组织法 第二十五条第一款)."""

    election = models.OneToOneField(Election, on_delete=models.CASCADE, related_name="+")
    mode = models.CharField(
        "推选方式", max_length=12, choices=Mode.choices, default=Mode.HOUSEHOLDS
    )
    households = models.PositiveIntegerField("本村户数", null=True, blank=True)
    committee_members = models.PositiveSmallIntegerField(
        "参加村民代表会议的村民委员会成员", null=True, blank=True
    )

    class Meta:
        verbose_name = "村民代表会议"


class Representative(models.Model):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="+")
    voter = models.ForeignKey(Voter, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    households = models.PositiveSmallIntegerField("推选户数", null=True, blank=True)
    chosen_on = models.DateField("推选日期")
    note = models.CharField("说明", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "村民代表"
        ordering = ("election", "group__name", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("election", "voter"), name="aftermath_representative_unique"
            ),
        ]


class GroupLeader(models.Model):
    """A villager group leader (村民小组长) chosen by the group meeting (组织法 第二十八条)."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    voter = models.ForeignKey(Voter, on_delete=models.PROTECT, related_name="+")
    by_households = models.BooleanField("按户的代表计", default=False)
    eligible = models.PositiveIntegerField("应到人数")
    present = models.PositiveIntegerField("到会人数")
    votes = models.PositiveIntegerField("同意票数")
    chosen_on = models.DateField("推选日期")
    note = models.CharField("说明", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "村民小组长"
        ordering = ("election", "group__name")
        constraints = [
            models.UniqueConstraint(fields=("election", "group"), name="aftermath_leader_unique"),
        ]


class SupervisorRole(models.TextChoices):
    CHAIR = "chair", "主任"
    MEMBER = "member", "委员"


class Supervisor(models.Model):
    """A member of the 村务监督委员会 (组织法 第三十二条)."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="+")
    voter = models.ForeignKey(Voter, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(
        "职务", max_length=8, choices=SupervisorRole.choices, default=SupervisorRole.MEMBER
    )
    finance = models.BooleanField("具备财会、管理知识", default=False)
    chosen_by = models.CharField(
        "推选会议", max_length=24, choices=[(b.value, BODY_LABELS[b]) for b in Body]
    )
    chosen_on = models.DateField("推选日期")
    note = models.CharField("说明", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "村务监督委员会成员"
        ordering = ("election", "role", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("election", "voter"), name="aftermath_supervisor_unique"
            ),
        ]


class DoubleEntry(models.Model):
    """A vote sheet entered twice by different clerks (``core.entry``), resolved by a third."""

    state = models.CharField(
        "录入状态",
        max_length=20,
        choices=[(s.value, STATE_LABELS[s]) for s in EntryState],
        default=EntryState.FIRST_ENTRY.value,
    )
    first_clerk = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_counts = models.JSONField(null=True, blank=True)
    first_warnings = models.JSONField(default=list, blank=True)
    first_at = models.DateTimeField(null=True, blank=True)
    second_clerk = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    second_counts = models.JSONField(null=True, blank=True)
    second_warnings = models.JSONField(default=list, blank=True)
    second_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    resolution = models.CharField(max_length=16, blank=True)
    coordinator = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    definitive_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class Route(models.TextChoices):
    """组织法 第十六条第一款: who may demand a recall."""

    VOTERS = "voters", "本村五分之一以上有选举权的村民联名"
    REPRESENTATIVES = "representatives", "三分之一以上的村民代表联名"


class RecallPetition(DoubleEntry):
    """A demand to recall a committee member (罢免, 组织法 第十六条): the petition decided on
    filing, the member's reply, and the vote entered twice and decided by the core."""

    class Status(models.TextChoices):
        REJECTED = "rejected", "联名人数不足，罢免要求不成立"
        PENDING = "pending", "罢免要求成立，待投票表决"
        RECALLED = "recalled", "罢免通过"
        NOT_RECALLED = "not_recalled", "罢免未通过"

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="+")
    member_name = models.CharField("被提出罢免的成员", max_length=50)
    member_voter_id = models.IntegerField(null=True, blank=True)
    member_post = models.CharField("职务", max_length=20, blank=True)
    route = models.CharField("联名方式", max_length=16, choices=Route.choices)
    signatures = models.PositiveIntegerField("联名人数")
    representatives_total = models.PositiveIntegerField("村民代表总数", null=True, blank=True)
    electorate = models.PositiveIntegerField("有选举权的村民（登记选民）人数")
    grounds = models.TextField("罢免理由")
    filed_on = models.DateField("提出日期")
    petition = models.JSONField("联名审查结果", default=dict)
    reply = models.TextField("申辩意见", blank=True)
    reply_on = models.DateField("申辩日期", null=True, blank=True)
    vote_on = models.DateField("表决日期", null=True, blank=True)
    outcome = models.JSONField("表决结果", null=True, blank=True)
    status = models.CharField("状态", max_length=14, choices=Status.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "罢免要求"
        ordering = ("election", "-filed_on", "-pk")


class ByElection(DoubleEntry):
    """A by-election (补选, 组织法 第十九条) for a vacancy, held by the 村民会议 or the
    村民代表会议 during the term; see docs/decisions/0006-by-election.md."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="+")
    post_kind = models.CharField("职务", max_length=16)
    post_name = models.CharField("职务名称", max_length=20)
    seats = models.PositiveSmallIntegerField("补选名额")
    vacancy = models.CharField("出缺情况", max_length=300)
    body = models.CharField(
        "补选会议", max_length=24, choices=[(b.value, BODY_LABELS[b]) for b in Body]
    )
    members = models.PositiveIntegerField("会议组成人员")
    held_on = models.DateField("补选日期")
    # [{"name", "voter_id", "sex"}] in ballot order.
    candidates = models.JSONField("候选人", default=list)
    outcome = models.JSONField("结果", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "补选"
        ordering = ("election", "-held_on", "-pk")


class ArchivePackage(models.Model):
    """The election's archive (选举档案, 组织法 第三十四条) as a ZIP built in the background."""

    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    path = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField("档案包 SHA-256", max_length=64, blank=True)
    manifest_sha256 = models.CharField("清单 SHA-256", max_length=64, blank=True)
    files = models.PositiveIntegerField(default=0)
    missing = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "选举档案包"
        ordering = ("-created_at", "-pk")
