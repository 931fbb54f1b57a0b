"""The voter roll of one election: every person considered, with the decision on each.

A row is kept for everyone imported (eligible or not), so the registers (roll, newly
eligible, removed, away) and the difference against the previous roll are all queries.
Import batches, duplicate cases, the publication of the list, objections and print jobs
are recorded here too.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from huanjie.apps.campaigns.models import Campaign, Election
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


class RemovalReason(models.TextChoices):
    MOVED = "moved", "迁出"
    DECEASED = "deceased", "死亡"
    DUPLICATE = "duplicate", "重复登记"
    OBJECTION = "objection", "申诉处理"
    OTHER = "other", "其他"


class ImportBatch(models.Model):
    """One import of one or more register files; all rows go in together or none do."""

    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        READING = "reading", "读取校验中"
        WRITING = "writing", "写入中"
        DONE = "done", "已导入"
        FAILED = "failed", "未导入"

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="roll_imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    # Where the uploaded files are kept, relative to MEDIA_ROOT.
    directory = models.CharField(max_length=200)
    # [{"name": "青山村.xlsx", "stored": "1.xlsx", "size": 12345}]
    files = models.JSONField(default=list)
    # [{"file": …, "sheet": …, "rows": n, "skipped": "reason or empty"}]
    sheets = models.JSONField(default=list)
    total_rows = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField("导入人数", default=0)
    registered = models.PositiveIntegerField("登记选民", default=0)
    ineligible = models.PositiveIntegerField("不具备选民资格", default=0)
    cases = models.PositiveIntegerField("疑似重复", default=0)
    error_count = models.PositiveIntegerField(default=0)
    # The first errors (the full list is errors.csv in the directory): [{"file", "sheet",
    # "row", "column", "header", "message"}].
    errors = models.JSONField(default=list)
    message = models.TextField(blank=True)
    # Seconds per phase: {"read_check": …, "duplicates": …, "insert": …, "write": …}.
    timings = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "选民导入"
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"导入 #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(99, self.rows_done * 100 // self.total_rows)


class Voter(models.Model):
    # Indexes and constraints are few on purpose: an import writes 200,000 rows in one go
    # and every index, and every foreign-key check (deferred to the commit on PostgreSQL,
    # where it took longer than writing the rows), costs on each row. Every query of the
    # roll starts from the election, so the one composite index of the unique constraint
    # below (election + ID number) serves them all: a village's voters are found by its
    # prefix, and their status is filtered among them. The foreign keys have neither an index
    # nor a database constraint: Django still applies their on_delete (CASCADE with the
    # election, PROTECT for a villager group still used), the import holds the election's
    # row lock and creates the groups it refers to in the same transaction, and nothing
    # writes voters with raw SQL but that import.
    election = models.ForeignKey(
        Election,
        on_delete=models.CASCADE,
        related_name="voters",
        db_index=False,
        db_constraint=False,
    )
    group = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="村民小组",
        db_index=False,
        db_constraint=False,
    )
    name = models.CharField("姓名", max_length=50)
    # Simplified, whitespace-free form of the name: a match key only, never shown.
    name_key = models.CharField(max_length=50)
    sex = models.CharField("性别", max_length=1, choices=[("M", "男"), ("F", "女")])
    birth_date = models.DateField("出生日期")
    id_number = models.CharField("公民身份号码", max_length=18)
    ethnicity = models.CharField("民族", max_length=20, blank=True)
    address = models.CharField("住址", max_length=200, blank=True)
    household_no = models.CharField("户号", max_length=40, blank=True)
    category = models.CharField("登记类别", max_length=20, choices=Category.choices)
    away = models.BooleanField("外出", default=False)
    away_contact = models.CharField("外出联系方式", max_length=100, blank=True)
    # Facts behind the decision (村民委员会组织法 第十三条).
    opted_in = models.BooleanField("本人表示参加选举", null=True, blank=True)
    residence_since = models.DateField("在本村居住起始日期", null=True, blank=True)
    consent_ref = models.CharField("村民会议（代表会议）同意文号", max_length=100, blank=True)
    deprived = models.BooleanField("被剥夺政治权利", default=False)
    suspended = models.BooleanField("停止行使选举权利", default=False)
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.REGISTERED
    )
    # Why the status is what it is when something other than the eligibility decision set
    # it (a duplicate case, a removal, an objection); empty when the decision is the reason.
    status_reason = models.CharField("原因", max_length=300, blank=True)
    # The eligibility decision as made on import or addition, with its articles (e.g.
    # "选举日（2026-12-20）未满18周岁（村民委员会组织法 第十三条第一款）").
    decision = models.CharField("资格认定", max_length=300, blank=True)
    removal_reason = models.CharField(
        "除名原因", max_length=12, choices=RemovalReason.choices, blank=True
    )
    removed_at = models.DateTimeField("除名时间", null=True, blank=True)
    serial = models.CharField("选民证编号", max_length=40, blank=True)
    source = models.CharField("来源（文件/工作表/行）", max_length=300, blank=True)
    batch = models.ForeignKey(
        ImportBatch,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="voters",
        db_index=False,
        db_constraint=False,  # bookkeeping only; see the note on indexes above
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        verbose_name = "选民"
        ordering = ("election", "group", "name_key")
        constraints = [
            models.UniqueConstraint(
                fields=("election", "id_number"), name="voter_unique_id_in_election"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def reason(self) -> str:
        """Why the status is what it is: the status note, else the eligibility decision."""
        return self.status_reason or self.decision


class DuplicateCase(models.Model):
    """Two registrations that may be one person (不重); a person decides which stands."""

    class Kind(models.TextChoices):
        ID = "id", "公民身份号码相同"
        NAME_BIRTH = "name_birth", "姓名和出生日期相同（疑似）"

    class Scope(models.TextChoices):
        VILLAGE = "village", "本村"
        TOWNSHIP = "township", "跨村"

    class Outcome(models.TextChoices):
        FIRST = "first", "保留前者"
        SECOND = "second", "保留后者"
        BOTH = "both", "不是同一人，均保留"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    first = models.ForeignKey(Voter, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Voter, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    scope = models.CharField("范围", max_length=10, choices=Scope.choices)
    batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField("处理结果", max_length=8, choices=Outcome.choices, blank=True)
    reason = models.CharField("处理理由", max_length=300, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "重复登记"
        ordering = ("resolved_at", "pk")
        constraints = [
            models.UniqueConstraint(fields=("first", "second"), name="duplicate_unique_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class ListPublication(models.Model):
    """The public voter list (选民名单公告) as posted: 村民委员会组织法 第十四条第一款."""

    election = models.OneToOneField(
        Election, on_delete=models.CASCADE, related_name="voter_list_publication"
    )
    published_on = models.DateField("公布日期")
    voter_count = models.PositiveIntegerField("公布选民人数")
    filing_closes = models.DateField("申诉期限届满日")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "选民名单公告"


class Objection(models.Model):
    """An objection to the published list (申诉): 村民委员会组织法 第十四条第二款."""

    class Kind(models.TextChoices):
        ADD = "add", "漏登（要求登记）"
        REMOVE = "remove", "错登（要求除名）"
        CORRECT = "correct", "信息有误（要求更正）"

    class Outcome(models.TextChoices):
        UPHELD = "upheld", "申诉成立"
        REJECTED = "rejected", "申诉不成立"

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="objections")
    number = models.PositiveIntegerField("编号")
    filed_on = models.DateField("收到日期")
    filed_by_name = models.CharField("申诉人", max_length=50)
    contact = models.CharField("联系方式", max_length=100, blank=True)
    kind = models.CharField("申诉事项", max_length=8, choices=Kind.choices)
    voter = models.ForeignKey(
        Voter, null=True, blank=True, on_delete=models.PROTECT, related_name="objections"
    )
    subject_name = models.CharField("所涉人员姓名", max_length=50)
    subject_id_number = models.CharField("所涉人员公民身份号码", max_length=18, blank=True)
    content = models.TextField("申诉理由")
    decision_due = models.DateField("应作出决定日期")
    outcome = models.CharField("处理结果", max_length=8, choices=Outcome.choices, blank=True)
    decision_reason = models.TextField("处理理由", blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What the decision changed on the roll: {"action": "add"/"remove"/"correct", "voter": id, …}
    roll_change = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "选民名单申诉"
        ordering = ("election", "number")
        constraints = [
            models.UniqueConstraint(fields=("election", "number"), name="objection_unique_number"),
        ]

    def __str__(self) -> str:
        return f"申诉 {self.number}"

    @property
    def decided(self) -> bool:
        return self.decided_on is not None


class PrintJob(models.Model):
    """A document batch made in the background (voter cards of a large village)."""

    class Kind(models.TextChoices):
        VOTER_CARDS = "voter_cards", "选民证"

    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    path = models.CharField(max_length=200, blank=True)
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "打印任务"
        ordering = ("-created_at", "-pk")
