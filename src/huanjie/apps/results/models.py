"""The decided result of each round, frozen with the input it was decided from.

A :class:`RoundResult` holds the whole ``huanjie.round/1`` input the core was given (figures
from polling, the count from counting, earlier winners, declared near relatives), the
``huanjie.outcome/1`` the core returned, the profile, who decided and when, and the SHA-256 of
the canonical input. A row is never changed (a database trigger refuses UPDATE): a recount
after the count was corrected is a new row that ``supersedes`` the earlier one, with the
reason. Any stored result can be recomputed from its input and compared
(``selectors.explain``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from huanjie.apps.polling.models import Round


class RoundResult(models.Model):
    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="results", verbose_name="投票轮次"
    )
    input = models.JSONField("计算输入（huanjie.round/1）")
    outcome = models.JSONField("计算结果（huanjie.outcome/1）")
    profile_id = models.CharField("选举规则", max_length=64)
    input_sha256 = models.CharField("输入的 SHA-256", max_length=64)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="确定人",
    )
    decided_at = models.DateTimeField("确定时间")
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        verbose_name="取代的结果",
    )
    reason = models.CharField("重新确定的理由", max_length=300, blank=True)

    class Meta:
        verbose_name = "投票结果"
        ordering = ("round__number", "decided_at", "pk")

    def __str__(self) -> str:
        return f"{self.round} 结果"

    @property
    def next_round(self) -> str | None:
        value = self.outcome.get("next_round")
        return str(value) if value else None

    @property
    def valid(self) -> bool:
        return bool(self.outcome.get("valid"))
