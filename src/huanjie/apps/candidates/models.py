"""Candidates: nomination tallies (double entry), the decisions drawn from them, the people
nominated, their qualification review, notices, withdrawals and the formal list."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from huanjie.apps.campaigns.models import Election, Post
from huanjie.apps.roll.models import Voter
from huanjie.core.entry import STATE_LABELS, EntryState


class Nominee(models.Model):
    """A registered voter named on nomination ballots; ``label`` is their key on tally sheets
    (the name, with the last four digits of the ID number when two nominees share a name)."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="nominees")
    voter = models.ForeignKey(Voter, on_delete=models.PROTECT, related_name="+")
    label = models.CharField("姓名（统计表用）", max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "被提名人"
        ordering = ("election", "pk")
        constraints = [
            models.UniqueConstraint(fields=("election", "label"), name="nominee_unique_label"),
            models.UniqueConstraint(fields=("election", "voter"), name="nominee_unique_voter"),
        ]

    def __str__(self) -> str:
        return self.label


class NominationRound(models.Model):
    """One paper tally of nomination ballots, entered twice (``core.entry``).

    ``nomination``: the direct nomination, every post. ``revote``: a new vote among people
    tied at the cut-off of one post, for ``places`` places (``names`` are their labels).
    """

    class Kind(models.TextChoices):
        NOMINATION = "nomination", "直接提名"
        REVOTE = "revote", "提名票数相等重新投票"

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="nomination_rounds"
    )
    number = models.PositiveSmallIntegerField("轮次")
    kind = models.CharField("类别", max_length=12, choices=Kind.choices)
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    places = models.PositiveSmallIntegerField("待定名额", default=0)
    names = models.JSONField("票数相等的被提名人", default=list)
    state = models.CharField(
        "录入状态",
        max_length=20,
        choices=[(s.value, STATE_LABELS[s]) for s in EntryState],
        default=EntryState.FIRST_ENTRY.value,
    )
    first_clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_counts = models.JSONField(null=True, blank=True)
    first_warnings = models.JSONField(default=list)
    first_at = models.DateTimeField(null=True, blank=True)
    second_clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    second_counts = models.JSONField(null=True, blank=True)
    second_warnings = models.JSONField(default=list)
    second_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    resolution = models.CharField(max_length=20, blank=True)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    definitive_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "提名票统计"
        ordering = ("election", "number")
        constraints = [
            models.UniqueConstraint(fields=("election", "number"), name="round_unique_number"),
        ]

    def __str__(self) -> str:
        return f"第{self.number}轮 {self.get_kind_display()}"

    @property
    def is_definitive(self) -> bool:
        return self.state == EntryState.DEFINITIVE.value


class NominationDecision(models.Model):
    """The core's decision of preliminary candidates, with its frozen inputs; a new row each
    time it is decided again (tally, revote, withdrawal, disqualification)."""

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="nomination_decisions"
    )
    trigger = models.CharField("起因", max_length=40)
    inputs = models.JSONField()
    outcome = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "候选人确定结果"
        ordering = ("election", "-pk")


class Status(models.TextChoices):
    PRELIMINARY = "preliminary", "初步候选人"
    UNDER_REVIEW = "under_review", "资格审查中"
    QUALIFIED = "qualified", "资格审查合格"
    DISQUALIFIED = "disqualified", "资格审查不合格"
    WITHDRAWN = "withdrawn", "已退出"
    FORMAL = "formal", "正式候选人"


#: Statuses of a person who is still a candidate.
ACTIVE = (Status.PRELIMINARY, Status.UNDER_REVIEW, Status.QUALIFIED, Status.FORMAL)


class Candidate(models.Model):
    class Source(models.TextChoices):
        TALLY = "tally", "按提名票数确定"
        REVOTE = "revote", "重新投票确定"
        BACKFILL = "backfill", "依次递补"
        WOMAN_ADDED = "woman_added", "增加得票最多的妇女"

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="candidates")
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="candidates")
    voter = models.ForeignKey(Voter, on_delete=models.PROTECT, related_name="+")
    nominee = models.ForeignKey(Nominee, on_delete=models.PROTECT, related_name="candidacies")
    votes = models.PositiveIntegerField("提名票数", default=0)
    source = models.CharField("产生方式", max_length=12, choices=Source.choices)
    status = models.CharField(
        "状态", max_length=14, choices=Status.choices, default=Status.PRELIMINARY
    )
    status_reason = models.CharField("原因", max_length=300, blank=True)
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_on = models.DateField("退出日期", null=True, blank=True)
    withdrawal_reason = models.CharField("退出理由", max_length=300, blank=True)
    withdrawal_written = models.BooleanField("已提交书面申请", default=False)
    statement = models.TextField("竞职陈述", blank=True)
    pledge_signed = models.BooleanField("已签订承诺书", default=False)
    pledge_date = models.DateField("承诺书签订日期", null=True, blank=True)
    committee_note = models.CharField("选举委员会成员", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "候选人"
        ordering = ("election", "post__order", "-votes", "pk")
        constraints = [
            models.UniqueConstraint(fields=("election", "voter"), name="candidate_unique_voter"),
        ]

    def __str__(self) -> str:
        return self.voter.name

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE


class Department(models.TextChoices):
    """资格联审: the departments that check each candidate (local practice)."""

    ORGANISATION = "organisation", "组织部门"
    CIVIL_AFFAIRS = "civil_affairs", "民政部门"
    PUBLIC_SECURITY = "public_security", "公安部门"
    DISCIPLINE = "discipline", "纪检监察机关"
    JUSTICE = "justice", "司法行政部门"
    TOWNSHIP = "township", "乡镇人民政府"


class Finding(models.TextChoices):
    QUALIFIED = "qualified", "合格"
    UNQUALIFIED = "unqualified", "不合格"


class Review(models.Model):
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="reviews")
    department = models.CharField("审查部门", max_length=20, choices=Department.choices)
    finding = models.CharField("审查意见", max_length=12, choices=Finding.choices)
    reason = models.CharField("理由", max_length=300, blank=True)
    reviewed_on = models.DateField("审查日期")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "资格审查意见"
        ordering = ("candidate", "department")
        constraints = [
            models.UniqueConstraint(fields=("candidate", "department"), name="review_unique"),
        ]


class Notice(models.Model):
    """A published list (初步候选人公示 / 正式候选人名单公告) with its frozen content."""

    class Kind(models.TextChoices):
        PRELIMINARY = "preliminary", "初步候选人名单公示"
        FORMAL = "formal", "正式候选人名单公告"

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="candidate_notices"
    )
    kind = models.CharField("类别", max_length=12, choices=Kind.choices)
    start = models.DateField("公布日期")
    days = models.PositiveSmallIntegerField("公示天数")
    end = models.DateField("公示截止日期")
    order = models.CharField("排列顺序", max_length=10)
    content = models.JSONField()
    superseded_at = models.DateTimeField("已被更新", null=True, blank=True)
    superseded_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "候选人名单公告"
        ordering = ("election", "-pk")

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None
