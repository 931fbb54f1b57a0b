"""Rounds of voting, the venues they use and the ballot boxes they fill.

A *round* (一次投票) is what the core decides in one go (``core.count.RoundInput``): the
regular vote on election day, a revote among the tied (票数相等的重新投票) or an additional
round (另行选举). Each round has its own posts, candidates, ballots, boxes and count. The
ballot for a round lists ``posts`` and ``candidates`` exactly as frozen here when the round
was created, so later changes elsewhere never change a printed ballot or a decided round.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from huanjie.apps.campaigns.models import Election
from huanjie.apps.proxies.models import ProxyAuthorisation
from huanjie.apps.roll.models import Voter


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
    # Registered voters on the roll when polls opened (the quorum's base), frozen then.
    electorate = models.PositiveIntegerField("登记选民数", null=True, blank=True)
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
    # A mobile box leaves the station escorted (流动票箱工作人员) and comes back sealed.
    escorts: models.ManyToManyField[Staff, Any] = models.ManyToManyField(
        "Staff", blank=True, related_name="boxes_escorted"
    )
    departed_at = models.DateTimeField("流动票箱出发", null=True, blank=True)
    returned_at = models.DateTimeField("流动票箱返回", null=True, blank=True)

    class Meta:
        verbose_name = "票箱"
        ordering = ("round", "pk")
        constraints = [
            models.UniqueConstraint(fields=("round", "name"), name="polling_box_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Staff(models.Model):
    """One election-day role of one person (选举工作人员): nominated by the 村民选举委员会; a
    candidate or a candidate's near relative may not serve (规程 [S]); trained (preparation)."""

    class Role(models.TextChoices):
        CHIEF_SCRUTINEER = "chief_scrutineer", "总监票人"
        SCRUTINEER = "scrutineer", "监票人"
        CALLER = "caller", "唱票人"
        COUNTER = "counter", "计票人"
        ISSUER = "issuer", "验证发票人"
        WRITER = "writer", "代书人"
        MOBILE = "mobile", "流动票箱工作人员"

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="staff")
    name = models.CharField("姓名", max_length=50)
    id_number = models.CharField("公民身份号码", max_length=18, blank=True)
    voter = models.ForeignKey(
        Voter,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="选民",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="election_staff",
        verbose_name="系统账号",
    )
    role = models.CharField("职责", max_length=20, choices=Role.choices)
    station = models.ForeignKey(
        Station,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name="投票站",
    )
    # What the check rested on when appointed (training result, exclusions checked).
    basis = models.CharField("审核依据", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "选举工作人员"
        ordering = ("election", "role", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("election", "name", "role"), name="polling_staff_unique_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"


class MobileVisit(models.Model):
    """A voter who asked to vote by mobile box (e.g. ill, elderly, disabled), on its route."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="mobile_visits")
    box = models.ForeignKey(Box, on_delete=models.CASCADE, related_name="visits")
    voter = models.ForeignKey(
        Voter, on_delete=models.PROTECT, related_name="+", verbose_name="选民"
    )
    reason = models.CharField("原因", max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "流动票箱投票人"
        ordering = ("box", "pk")
        constraints = [
            models.UniqueConstraint(fields=("round", "voter"), name="polling_visit_one_box"),
        ]


class CheckIn(models.Model):
    """A voter present to vote in a round (验证): once per round, at one box."""

    class Method(models.TextChoices):
        CARD = "card", "扫选民证"
        SEARCH = "search", "按姓名查找"
        MOBILE = "mobile", "流动票箱上门"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="checkins")
    voter = models.ForeignKey(
        Voter, on_delete=models.PROTECT, related_name="+", verbose_name="选民"
    )
    box = models.ForeignKey(Box, on_delete=models.PROTECT, related_name="checkins")
    method = models.CharField("验证方式", max_length=8, choices=Method.choices)
    at = models.DateTimeField("时间")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "验证登记"
        ordering = ("round", "at", "pk")
        constraints = [
            models.UniqueConstraint(fields=("round", "voter"), name="polling_checkin_once"),
        ]


class Issue(models.Model):
    """One voter's ballot handed out (发票): to the voter in person, or to their proxy
    (``proxy`` set, ``checkin`` the proxy's). Once per voter and round, whoever received it."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="issues")
    voter = models.ForeignKey(
        Voter, on_delete=models.PROTECT, related_name="+", verbose_name="选民"
    )
    checkin = models.ForeignKey(CheckIn, on_delete=models.PROTECT, related_name="issues")
    box = models.ForeignKey(Box, on_delete=models.PROTECT, related_name="issues")
    proxy = models.ForeignKey(
        ProxyAuthorisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="委托投票",
    )
    writer = models.ForeignKey(
        Staff,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="written",
        verbose_name="代书人",
    )
    at = models.DateTimeField("时间")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "发出选票"
        ordering = ("round", "at", "pk")
        constraints = [
            models.UniqueConstraint(fields=("round", "voter"), name="polling_issue_once"),
        ]
