"""The voter roll of one election: every person considered, with the decision on each.

A row is kept for everyone imported (eligible or not), so the registers (roll, newly
eligible, removed, away) and the difference against the previous roll are all queries.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from huanjie.apps.campaigns.models import Election
from huanjie.apps.places.models import Area


class Category(models.TextChoices):
    """村民委员会组织法 第十三条第二款: the three ways onto a village roll."""

    RESIDENT = "resident", "户籍在本村并居住"
    AWAY_OPTED_IN = "away_opted_in", "户籍在本村不居住，本人表示参加选举"
    NONLOCAL_RESIDENT = (
        "nonlocal_resident",
        "户籍不在本村，居住一年以上，经村民会议或村民代表会议同意",
    )


class Status(models.TextChoices):
    REGISTERED = "registered", "已登记"
    INELIGIBLE = "ineligible", "不具备选民资格"
    REMOVED = "removed", "已除名"
    PENDING = "pending", "待核实"


class Voter(models.Model):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="voters")
    group = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="村民小组",
    )
    name = models.CharField("姓名", max_length=50)
    # Simplified, whitespace-free form of the name: a match key only, never shown.
    name_key = models.CharField(max_length=50, db_index=True)
    sex = models.CharField("性别", max_length=1, choices=[("M", "男"), ("F", "女")])
    birth_date = models.DateField("出生日期")
    id_number = models.CharField("公民身份号码", max_length=18, db_index=True)
    ethnicity = models.CharField("民族", max_length=20, blank=True)
    address = models.CharField("住址", max_length=200, blank=True)
    household_no = models.CharField("户号", max_length=40, blank=True)
    category = models.CharField("登记类别", max_length=20, choices=Category.choices)
    away = models.BooleanField("外出", default=False)
    away_contact = models.CharField("外出联系方式", max_length=100, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.REGISTERED
    )
    # Why the status is what it is, with the article (e.g. "未满十八周岁（组织法第十三条）").
    status_reason = models.CharField("原因", max_length=300, blank=True)
    serial = models.CharField("选民证编号", max_length=40, blank=True)
    source = models.CharField("来源（文件/工作表/行）", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "选民"
        ordering = ("election", "group", "name_key")
        constraints = [
            models.UniqueConstraint(
                fields=("election", "id_number"), name="voter_unique_id_in_election"
            ),
        ]
        indexes = [models.Index(fields=("election", "status"))]

    def __str__(self) -> str:
        return self.name
