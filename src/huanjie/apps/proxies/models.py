"""Proxy voting (委托投票): written authorisations registered with the election committee, and
the published lists of principals and proxies (村民委员会组织法 第十五条第四款)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from huanjie.apps.campaigns.models import Election
from huanjie.apps.roll.models import Voter


class ProxyAuthorisation(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", "有效"
        REVOKED = "revoked", "已撤销"

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="proxies")
    number = models.PositiveIntegerField("编号")
    principal = models.ForeignKey(
        Voter, on_delete=models.PROTECT, related_name="proxies_given", verbose_name="委托人"
    )
    proxy = models.ForeignKey(
        Voter, on_delete=models.PROTECT, related_name="proxies_held", verbose_name="受委托人"
    )
    relation = models.CharField("受委托人与委托人的关系", max_length=20, blank=True)
    reason = models.CharField("外出不能参加投票的情况", max_length=200)
    received_on = models.DateField("收到书面委托日期")
    document_ref = models.CharField("委托书编号或存档说明", max_length=200, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.REGISTERED
    )
    # What the decision rested on: profile, articles, deadline and the facts checked.
    basis = models.JSONField("审核依据", default=dict)
    # First included in a published list (公告) at this moment.
    published_at = models.DateTimeField("公告时间", null=True, blank=True)
    registered_at = models.DateTimeField(auto_now_add=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_reason = models.CharField("撤销理由", max_length=300, blank=True)

    class Meta:
        verbose_name = "委托投票"
        ordering = ("election", "number")
        constraints = [
            models.UniqueConstraint(fields=("election", "number"), name="proxy_unique_number"),
            # One vote, one proxy: a principal has at most one authorisation in force.
            models.UniqueConstraint(
                fields=("election", "principal"),
                condition=Q(status="registered"),
                name="proxy_one_per_principal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.serial} {self.principal.name} → {self.proxy.name}"

    @property
    def serial(self) -> str:
        return f"WT{self.number:04d}"


class ProxyNotice(models.Model):
    """One publication (公告) of the list of principals and proxies, as it was published."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="proxy_notices")
    number = models.PositiveIntegerField("期次")
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # [{"serial", "principal", "proxy", "relation"}] in the order printed.
    entries = models.JSONField(default=list)
    # Published after the profile's deadline for the list (e.g. 上海 第十六条第二款).
    warnings = models.JSONField(default=list)

    class Meta:
        verbose_name = "委托投票公告"
        ordering = ("election", "-number")
        constraints = [
            models.UniqueConstraint(fields=("election", "number"), name="proxy_notice_unique"),
        ]

    def __str__(self) -> str:
        return f"委托投票公告（第{self.number}期）"
