"""Ballots (选票): security features per village, print runs per round and their reconciliation.

- :class:`SecuritySet`: the paper colours and seals a township keeps for a campaign.
- :class:`SecurityChoice`: the colour and seal drawn at random (``secrets.choice``) for one
  village, kept **sealed**: pages and the API show only that a choice exists and its
  commitment (SHA-256 of colour, seal and a random nonce), never the choice itself; a reveal
  is allowed to the people who need it (``selectors.reveal_purpose``) and each is recorded
  (:class:`SecurityReveal`) and audited.
- :class:`PrintRun`: the ballots printed for one round (serials 1 … ``quantity``), with the
  spoiled ones (:class:`SpoiledBallot`, 作废, by serial) and the destruction in public of what
  is left over (:class:`Destruction`, 当众销毁, with witnesses and time). Printed = issued +
  spoiled + left over, per sheet (one sheet for all posts, or one per post).

Serial numbers account for paper. They are never recorded against a voter: the vote is
secret (村民委员会组织法 第十五条第三款).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from huanjie.apps.campaigns.models import Campaign, Election
from huanjie.apps.polling.models import Round


class SecuritySet(models.Model):
    """Paper colours and seals the township keeps for one campaign; each village's ballots get
    one of each, drawn at random."""

    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, related_name="ballot_security"
    )
    colours = models.JSONField("纸张颜色", default=list)  # ["浅蓝色", "浅黄色", …]
    seals = models.JSONField("印章", default=list)  # ["选举专用章（一）", …]
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "选票防伪设置"

    def __str__(self) -> str:
        return f"{self.campaign}选票防伪设置"


class SecurityChoice(models.Model):
    """The colour and seal of one village's ballots (sealed). A later draw (with a reason)
    supersedes the earlier one; only the current one (``superseded_at`` empty) applies."""

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="ballot_security_choices"
    )
    colour = models.CharField("纸张颜色", max_length=20)
    seal = models.CharField("印章", max_length=30)
    nonce = models.CharField(max_length=32)
    commitment = models.CharField("封存校验码", max_length=64)
    reason = models.CharField("重新抽取的理由", max_length=300, blank=True)
    chosen_at = models.DateTimeField(auto_now_add=True)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "选票防伪抽取"
        ordering = ("election", "chosen_at", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("election",),
                condition=models.Q(superseded_at__isnull=True),
                name="ballots_one_current_choice",
            ),
        ]

    def __str__(self) -> str:
        return "已封存"  # never the choice itself, wherever an object is printed


class SecurityReveal(models.Model):
    """One look at a sealed choice: who, when, why (印制 / 发票核验)."""

    class Purpose(models.TextChoices):
        PRINT = "print", "印制选票"
        ISSUE = "issue", "发票核验"

    choice = models.ForeignKey(SecurityChoice, on_delete=models.CASCADE, related_name="reveals")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    purpose = models.CharField("用途", max_length=8, choices=Purpose.choices)
    round = models.ForeignKey(
        Round, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "防伪启封记录"
        ordering = ("choice", "at", "pk")


class PrintRun(models.Model):
    """The ballots printed for one round: serials 1 … ``quantity`` of every sheet."""

    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="print_run")
    quantity = models.PositiveIntegerField("印制张数")
    note = models.CharField("备注", max_length=300, blank=True)
    recorded_at = models.DateTimeField(auto_now=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "选票印制"

    def __str__(self) -> str:
        return f"{self.round} 印制 {self.quantity} 张"


class SpoiledBallot(models.Model):
    """A ballot sheet spoiled (作废): misprinted, torn, filled wrongly and exchanged."""

    print_run = models.ForeignKey(PrintRun, on_delete=models.CASCADE, related_name="spoiled")
    serial = models.PositiveIntegerField("编号")
    sheet = models.CharField("选票", max_length=24, blank=True)  # post kind; "" for one sheet
    reason = models.CharField("作废原因", max_length=200)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "作废选票"
        ordering = ("print_run", "sheet", "serial")
        constraints = [
            models.UniqueConstraint(
                fields=("print_run", "sheet", "serial"), name="ballots_spoiled_once"
            ),
        ]


class Destruction(models.Model):
    """The ballots left over, destroyed in public (剩余选票当众销毁), and the figures that
    balanced when it was recorded: printed = issued + spoiled + left over, per sheet."""

    print_run = models.OneToOneField(PrintRun, on_delete=models.CASCADE, related_name="destruction")
    left_over = models.JSONField("剩余张数")  # {sheet: count}; sheet "" for one sheet
    issued = models.PositiveIntegerField("发出张数")
    spoiled = models.JSONField("作废张数")  # {sheet: count}, as recorded then
    witnesses = models.JSONField("监督销毁人")  # names
    destroyed_at = models.DateTimeField("销毁时间")
    place = models.CharField("销毁地点", max_length=200)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "剩余选票销毁"
