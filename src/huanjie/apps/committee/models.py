"""The 村民选举委员会 of one election: its members in the order of the original selection
result, and the near-relative relations declared between people (村民委员会组织法 第十二条)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from huanjie.apps.campaigns.models import Election
from huanjie.core.preparation import Kin


class SelectedBy(models.TextChoices):
    """组织法 第十二条: who chose the committee."""

    VILLAGERS_MEETING = "villagers_meeting", "村民会议"
    REPRESENTATIVES_MEETING = "representatives_meeting", "村民代表会议"
    GROUP_MEETINGS = "group_meetings", "村民小组会议"


class Role(models.TextChoices):
    CHAIR = "chair", "主任"
    MEMBER = "member", "委员"


class Status(models.TextChoices):
    SERVING = "serving", "在任"
    RESERVE = "reserve", "候补（按顺序递补）"
    LEFT = "left", "已退出"


class LeftReason(models.TextChoices):
    NOMINATED = "nominated", "被提名为候选人"
    RESIGNED = "resigned", "辞职"
    OTHER = "other", "其他"


class CommitteeMember(models.Model):
    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="committee_members"
    )
    name = models.CharField("姓名", max_length=50)
    # Normalised name (script, whitespace): a match key only, never shown.
    name_key = models.CharField(max_length=50, db_index=True)
    sex = models.CharField("性别", max_length=1, choices=[("M", "男"), ("F", "女")])
    id_number = models.CharField("公民身份号码", max_length=18, blank=True)
    selected_by = models.CharField("推选方式", max_length=32, choices=SelectedBy.choices)
    rank = models.PositiveSmallIntegerField("推选结果名次")
    votes = models.PositiveIntegerField("得票数", null=True, blank=True)
    role = models.CharField("职务", max_length=8, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField("状态", max_length=8, choices=Status.choices)
    left_reason = models.CharField(
        "退出原因", max_length=12, choices=LeftReason.choices, blank=True
    )
    left_note = models.CharField("退出说明", max_length=300, blank=True)
    left_at = models.DateTimeField("退出时间", null=True, blank=True)
    seated_at = models.DateTimeField("就任时间", null=True, blank=True)
    # How the member came to sit (e.g. "按原推选结果顺序，由第6位王五递补").
    seated_basis = models.CharField("就任依据", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "村民选举委员会成员"
        ordering = ("election", "rank")
        constraints = [
            models.UniqueConstraint(fields=("election", "rank"), name="committee_unique_rank"),
        ]

    def __str__(self) -> str:
        return self.name


class NearRelation(models.Model):
    """A declared near-relative relation: person b is person a's ``kind`` (民法典 第一千零四十五条)."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="near_relations")
    a_name = models.CharField("甲方姓名", max_length=50)
    a_id_number = models.CharField("甲方公民身份号码", max_length=18, blank=True)
    b_name = models.CharField("乙方姓名", max_length=50)
    b_id_number = models.CharField("乙方公民身份号码", max_length=18, blank=True)
    kind = models.CharField(
        "乙方是甲方的", max_length=24, choices=[(k.value, k.label) for k in Kin]
    )
    note = models.CharField("说明", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "近亲属关系"
        ordering = ("election", "created_at", "pk")

    def __str__(self) -> str:
        return f"{self.b_name}是{self.a_name}的{Kin(self.kind).label}"
