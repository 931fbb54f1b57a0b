"""A campaign (第N届换届) for a township or county, and one election per village in it."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from huanjie.apps.places.models import Area
from huanjie.core.stages import LABELS, STATE_LABELS, Stage, State


class Campaign(models.Model):
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="campaigns")
    term = models.PositiveSmallIntegerField("届次")
    name = models.CharField("名称", max_length=100)
    default_profile = models.CharField("默认规则", max_length=64)
    default_election_day = models.DateField("统一选举日", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "换届"
        ordering = ("-term", "area__path")
        constraints = [
            models.UniqueConstraint(fields=("area", "term"), name="campaign_unique_term"),
        ]

    def __str__(self) -> str:
        return self.name


class Election(models.Model):
    """One village's (or community's) committee election within a campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="elections")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="elections")
    profile_id = models.CharField("选举规则", max_length=64)
    election_day = models.DateField("选举日")
    members = models.PositiveSmallIntegerField("委员会成员职数")
    minority_required = models.BooleanField("应有少数民族成员", default=False)
    place = models.CharField("投票地点", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "选举"
        ordering = ("campaign", "area__path")
        constraints = [
            models.UniqueConstraint(fields=("campaign", "area"), name="election_unique_area"),
        ]

    def __str__(self) -> str:
        return f"{self.area.name}{self.campaign.name}"

    @property
    def title(self) -> str:
        body = "居民委员会" if self.area.is_community else "村民委员会"
        return f"{self.area.name}第{self.campaign.term}届{body}选举"


class Post(models.Model):
    class Kind(models.TextChoices):
        CHAIR = "chair", "主任"
        VICE_CHAIR = "vice_chair", "副主任"
        MEMBER = "member", "委员"
        WOMEN_MEMBER = "women_member", "妇女委员"

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="posts")
    kind = models.CharField("职务", max_length=16, choices=Kind.choices)
    seats = models.PositiveSmallIntegerField("应选名额")
    women_only = models.BooleanField("限妇女", default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "职务"
        ordering = ("election", "order")
        constraints = [
            models.UniqueConstraint(fields=("election", "kind"), name="post_unique_kind"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class StageRecord(models.Model):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField(max_length=16, choices=[(s.value, LABELS[s]) for s in Stage])
    state = models.CharField(
        max_length=8,
        choices=[(s.value, STATE_LABELS[s]) for s in State],
        default=State.PENDING.value,
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "工作阶段"
        constraints = [
            models.UniqueConstraint(fields=("election", "stage"), name="stage_unique"),
        ]
