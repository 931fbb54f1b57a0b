"""Rounds of voting, the venues they use and the ballot boxes they fill.

A *round* (一次投票) is what the core decides in one go (``core.count.RoundInput``): the
regular vote on election day, a revote among the tied (票数相等的重新投票) or an additional
round (另行选举). Each round has its own posts, candidates, ballots, boxes and count. The
ballot for a round lists ``posts`` and ``candidates`` exactly as frozen here when the round
was created, so later changes elsewhere never change a printed ballot or a decided round.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from huanjie.apps.campaigns.models import Election


class Round(models.Model):
    class Kind(models.TextChoices):
        REGULAR = "regular", "正式选举"
        REVOTE = "revote", "票数相等重新投票"
        ADDITIONAL = "additional", "另行选举"

    class Status(models.TextChoices):
        PREPARED = "prepared", "待投票"
        OPEN = "open", "投票中"
        CLOSED = "closed", "投票结束，待计票"
        COUNTED = "counted", "计票完成"
        DECIDED = "decided", "结果已确定"

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField("轮次")
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followups",
        verbose_name="前一轮",
    )
    held_on = models.DateField("投票日期")
    # [{"kind": "chair", "name": "主任", "seats": 1, "women_only": false}, …] in ballot order.
    posts = models.JSONField("职务与应选名额")
    # [{"post": "主任", "name": "张三", "voter_id": 12, "sex": "M", "label": "张三"}, …]
    # per post in ballot (stroke) order; ``label`` is the name as printed and counted.
    candidates = models.JSONField("候选人")
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.PREPARED
    )
    opened_at = models.DateTimeField("开始投票", null=True, blank=True)
    closed_at = models.DateTimeField("结束投票", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "投票轮次"
        ordering = ("election", "number")
        constraints = [
            models.UniqueConstraint(
                fields=("election", "number"), name="polling_round_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"第{self.number}轮 {self.get_kind_display()}"


class Station(models.Model):
    """A place where votes are cast: the central meeting (选举大会会场) or a polling station."""

    class Kind(models.TextChoices):
        MAIN = "main", "中心会场"
        STATION = "station", "投票站"

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="stations")
    name = models.CharField("名称", max_length=60)
    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    place = models.CharField("地点", max_length=200, blank=True)

    class Meta:
        verbose_name = "投票站"
        ordering = ("election", "kind", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("election", "name"), name="polling_station_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Box(models.Model):
    """One ballot box of one round: fixed at a station, or mobile (流动票箱)."""

    class Kind(models.TextChoices):
        FIXED = "fixed", "固定票箱"
        MOBILE = "mobile", "流动票箱"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="boxes")
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="boxes")
    name = models.CharField("票箱", max_length=60)
    kind = models.CharField("类型", max_length=8, choices=Kind.choices, default=Kind.FIXED)

    class Meta:
        verbose_name = "票箱"
        ordering = ("round", "pk")
        constraints = [
            models.UniqueConstraint(fields=("round", "name"), name="polling_box_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name
