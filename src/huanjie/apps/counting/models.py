"""Public counting (唱票、计票、监票) of one round, box by box.

* ``RoundCount``: that a round's count has begun, and how it is counted — ballot by ballot
  (逐张录入) or from the totals sheets of a count done on paper (按计票汇总表录入).
* ``Sheet``: a one-page tally of one box entered twice (``core.entry``): the reconciliation
  (开箱清点: ballots collected) and, for a count on paper, the totals sheet.
* ``BoxCount``: the ballot-by-ballot entry of one box (``core.count.entry_ballots``): two
  passes typed side by side, their clerks and progress.
* ``BallotEntry``: **one ballot as one clerk typed it, one row, committed on its own** — the
  unit that must survive a crash. Unique per (box, pass, position) among rows in force, so a
  retried request never records a ballot twice.
* ``Settlement``: the 总监票人's decision on a ballot the two passes differ on.
* ``DoubtfulDecision``: the election committee's decision on a doubtful ballot (难以确认).
* ``ScreenLink``: a read-only link for the public screen in the hall (大屏).

Rows are never deleted: a discarded pass or a reopened box marks its rows ``discarded_at``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from huanjie.apps.polling.models import Box, Round
from huanjie.core.count.entry_ballots import BOX_STATE_LABELS, SETTLE_CHOICES, BoxState
from huanjie.core.entry import STATE_LABELS, EntryState

_USER = settings.AUTH_USER_MODEL


class RoundCount(models.Model):
    class Method(models.TextChoices):
        BALLOTS = "ballots", "逐张录入（唱票时录入每一张选票）"
        TOTALS = "totals", "按计票汇总表录入（纸上计票）"

    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="count")
    method = models.CharField("计票方式", max_length=8, choices=Method.choices)
    started_at = models.DateTimeField(auto_now_add=True)
    started_by = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    completed_at = models.DateTimeField("计票完成", null=True, blank=True)

    class Meta:
        verbose_name = "计票"

    def __str__(self) -> str:
        return f"{self.round} 计票"


class Sheet(models.Model):
    """One box's tally sheet entered twice (``core.entry``), as ``candidates`` stores its
    nomination tallies."""

    class Kind(models.TextChoices):
        RECONCILE = "reconcile", "开箱清点"
        TOTALS = "totals", "计票汇总表"

    box = models.ForeignKey(Box, on_delete=models.CASCADE, related_name="count_sheets")
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    state = models.CharField(
        "录入状态",
        max_length=20,
        choices=[(s.value, STATE_LABELS[s]) for s in EntryState],
        default=EntryState.FIRST_ENTRY.value,
    )
    first_clerk = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    first_counts = models.JSONField(null=True, blank=True)
    first_warnings = models.JSONField(default=list)
    first_at = models.DateTimeField(null=True, blank=True)
    second_clerk = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    second_counts = models.JSONField(null=True, blank=True)
    second_warnings = models.JSONField(default=list)
    second_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    resolution = models.CharField(max_length=20, blank=True)
    coordinator = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    definitive_at = models.DateTimeField(null=True, blank=True)
    # The figures reconciled against and the core's finding (reconciliation only).
    decision = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = "票箱统计表"
        ordering = ("box", "kind")
        constraints = [
            models.UniqueConstraint(fields=("box", "kind"), name="counting_sheet_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.box} {self.get_kind_display()}"

    @property
    def is_definitive(self) -> bool:
        return self.state == EntryState.DEFINITIVE.value


class BoxCount(models.Model):
    """Ballot-by-ballot entry of one box (``core.count.entry_ballots.Progress``)."""

    box = models.OneToOneField(Box, on_delete=models.CASCADE, related_name="ballot_count")
    collected = models.PositiveIntegerField("收回选票")
    state = models.CharField(
        "录入状态",
        max_length=20,
        choices=[(s.value, BOX_STATE_LABELS[s]) for s in BoxState],
        default=BoxState.ENTERING.value,
    )
    first_clerk = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    second_clerk = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    first_entered = models.PositiveIntegerField(default=0)
    second_entered = models.PositiveIntegerField(default=0)
    definitive_at = models.DateTimeField(null=True, blank=True)
    # Bumped by every change, so that the public screen recomputes only when something moved.
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "逐张录入"

    def __str__(self) -> str:
        return f"{self.box} 逐张录入"


class BallotEntry(models.Model):
    count = models.ForeignKey(BoxCount, on_delete=models.CASCADE, related_name="entries")
    pass_no = models.PositiveSmallIntegerField("遍次")
    position = models.PositiveIntegerField("第几张")
    ballot = models.JSONField("选票")  # the huanjie.round/1 ballot format
    doubtful = models.BooleanField("难以确认", default=False)
    clerk = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField()
    # Earlier versions of this ballot corrected by its clerk: [{"ballot", "doubtful", "at"}].
    corrections = models.JSONField(default=list)
    discarded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "选票录入"
        ordering = ("count", "pass_no", "position")
        constraints = [
            models.UniqueConstraint(
                fields=("count", "pass_no", "position"),
                condition=models.Q(discarded_at__isnull=True),
                name="counting_ballot_once",
            ),
        ]
        indexes = [models.Index(fields=("count", "position"), name="counting_ballot_position")]


class Settlement(models.Model):
    """The 总监票人 settles one ballot the passes differ on, with the paper ballot."""

    count = models.ForeignKey(BoxCount, on_delete=models.CASCADE, related_name="settlements")
    position = models.PositiveIntegerField("第几张")
    choice = models.CharField(
        "处理", max_length=12, choices=[(k, v) for k, v in SETTLE_CHOICES.items()]
    )
    ballot = models.JSONField("选票")
    doubtful = models.BooleanField("难以确认", default=False)
    reason = models.CharField("说明", max_length=300, blank=True)
    coordinator = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()
    discarded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "不一致选票的核对"
        ordering = ("count", "position")
        constraints = [
            models.UniqueConstraint(
                fields=("count", "position"),
                condition=models.Q(discarded_at__isnull=True),
                name="counting_settle_once",
            ),
        ]


class DoubtfulDecision(models.Model):
    """A doubtful ballot (难以确认) decided by the election committee on the scrutineers'
    submission: valid (counted as the committee reads it) or invalid."""

    class Decision(models.TextChoices):
        VALID = "valid", "有效"
        INVALID = "invalid", "无效"

    count = models.ForeignKey(BoxCount, on_delete=models.CASCADE, related_name="decisions")
    position = models.PositiveIntegerField("第几张")
    decision = models.CharField("决定", max_length=8, choices=Decision.choices)
    ballot = models.JSONField("按决定计入的选票")
    deciders = models.CharField("决定人", max_length=200)
    reason = models.CharField("理由", max_length=300)
    article = models.CharField("依据", max_length=200)
    decided_by = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()
    discarded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "难以确认选票的决定"
        ordering = ("count", "position")
        constraints = [
            models.UniqueConstraint(
                fields=("count", "position"),
                condition=models.Q(discarded_at__isnull=True),
                name="counting_decide_once",
            ),
        ]


class ScreenLink(models.Model):
    """A read-only address for the public screen of one round (no login): candidate names and
    counts only. Expires, and can be withdrawn at once."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="screen_links")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "大屏链接"
        ordering = ("round", "-created_at")
