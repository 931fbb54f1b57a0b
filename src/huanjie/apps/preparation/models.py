"""Records of the preparation stage: the local parameters of a campaign, democratic
evaluation of incumbents, the outgoing committee's financial audit, the village's risk level
and the training of election staff.

The evaluation bar and the training pass mark are local practice, not statute: they live in
:class:`PreparationSetting` (one per campaign, edited by the township office), and every
decision stores the value it applied.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from huanjie.apps.campaigns.models import Campaign, Election, Post
from huanjie.core.citations import Article
from huanjie.core.preparation import BASE_LABELS


class PreparationSetting(models.Model):
    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, related_name="preparation_setting"
    )
    evaluation_required = models.BooleanField("须开展民主测评", default=True)
    evaluation_percent = models.PositiveSmallIntegerField("不满意率标准（%）", default=30)
    evaluation_inclusive = models.BooleanField("达到标准即不得再提名（含本数）", default=True)
    evaluation_base = models.CharField(
        "计算基数", max_length=8, choices=list(BASE_LABELS.items()), default="returned"
    )
    pass_mark = models.PositiveSmallIntegerField("培训考试合格分数", default=85)
    basis = models.CharField("政策依据（文件名称及条款）", max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "准备工作参数"


class Evaluation(models.Model):
    """民主测评 of one incumbent: the tallies, the decision and the bar it applied."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="evaluations")
    incumbent_name = models.CharField("被测评人", max_length=50)
    name_key = models.CharField(max_length=50)
    post = models.CharField("现任职务", max_length=16, choices=Post.Kind.choices)
    issued = models.PositiveIntegerField("发出测评票")
    returned = models.PositiveIntegerField("收回测评票")
    satisfied = models.PositiveIntegerField("满意")
    basically_satisfied = models.PositiveIntegerField("基本满意")
    dissatisfied = models.PositiveIntegerField("不满意")
    # The decision (core.preparation.evaluate) and the parameters it applied.
    share = models.CharField("不满意率", max_length=16)
    flagged = models.BooleanField("不得再提名")
    formula = models.CharField("计算式", max_length=120)
    decision = models.CharField("测评结论", max_length=300)
    bar_percent = models.PositiveSmallIntegerField("适用标准（%）")
    bar_inclusive = models.BooleanField("适用标准含本数")
    bar_base = models.CharField("适用计算基数", max_length=8)
    # The citation applied ({"law", "ref", "status"}, see core.citations.Article.parse).
    basis = models.JSONField("适用依据")
    published_on = models.DateField("公布日期", null=True, blank=True)
    entered_at = models.DateTimeField(auto_now=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "民主测评"
        ordering = ("election", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("election", "name_key", "post"), name="evaluation_unique_incumbent_post"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incumbent_name}（{self.get_post_display()}）"

    @property
    def basis_text(self) -> str:
        return str(Article.parse(self.basis))


class FinancialAudit(models.Model):
    """离任（任期）经济责任审计 of the outgoing committee, and its public notice."""

    election = models.OneToOneField(
        Election, on_delete=models.CASCADE, related_name="financial_audit"
    )
    auditor = models.CharField("审计单位", max_length=100)
    period_start = models.DateField("审计期间起")
    period_end = models.DateField("审计期间止")
    result = models.TextField("审计结果", max_length=2000)
    problems = models.TextField("发现的问题", max_length=2000, blank=True)
    published_on = models.DateField("公布日期", null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "离任经济责任审计"


class RiskLevel(models.TextChoices):
    LOW = "low", "低"
    MEDIUM = "medium", "中"
    HIGH = "high", "高"


class RiskAssessment(models.Model):
    """One assessment of the village's risk level; the latest is current, earlier ones are
    the history."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="risks")
    level = models.CharField("风险等级", max_length=8, choices=RiskLevel.choices)
    notes = models.TextField("研判说明", max_length=2000, blank=True)
    assessed_at = models.DateTimeField(auto_now_add=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "风险研判"
        ordering = ("election", "-assessed_at", "-pk")


class TrainingSession(models.Model):
    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="training_sessions"
    )
    title = models.CharField("培训名称", max_length=100)
    held_on = models.DateField("培训日期")
    trainer = models.CharField("授课人/单位", max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "工作人员培训"
        ordering = ("election", "held_on", "pk")

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"


class TraineeScore(models.Model):
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="scores")
    name = models.CharField("姓名", max_length=50)
    name_key = models.CharField(max_length=50, db_index=True)
    id_number = models.CharField("公民身份号码", max_length=18, blank=True)
    score = models.PositiveSmallIntegerField("成绩")
    # The decision (core.preparation.training_result) and the pass mark it applied.
    pass_mark = models.PositiveSmallIntegerField("适用合格分数")
    passed = models.BooleanField("合格")
    decision = models.CharField("结论", max_length=200)
    basis = models.JSONField("适用依据")
    entered_at = models.DateTimeField(auto_now=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "培训考试成绩"
        ordering = ("session", "name_key", "pk")

    @property
    def basis_text(self) -> str:
        return str(Article.parse(self.basis))
