"""The administrative tree: county → township/street → village/community → villager group."""

from __future__ import annotations

from django.db import models


class Area(models.Model):
    class Level(models.TextChoices):
        COUNTY = "county", "县（市、区）"
        TOWNSHIP = "township", "乡镇（街道）"
        VILLAGE = "village", "村（社区）"
        GROUP = "group", "村民小组（居民小组）"

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    level = models.CharField("层级", max_length=16, choices=Level.choices)
    name = models.CharField("名称", max_length=100)
    code = models.CharField("区划代码", max_length=12, blank=True)
    is_community = models.BooleanField("城市社区（居民委员会）", default=False)
    # "/00000001/00000005/00000023/": the ids from the root down, zero-padded, so a subtree is
    # one indexed prefix match and ordering by path lists siblings in creation order.
    path = models.CharField(max_length=255, db_index=True, editable=False)

    class Meta:
        verbose_name = "区域"
        ordering = ("path",)
        constraints = [
            models.UniqueConstraint(fields=("parent", "name"), name="area_unique_name_in_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def is_within(self, other: Area) -> bool:
        return self.path.startswith(other.path)
