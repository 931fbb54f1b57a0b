"""The append-only audit log: every change, who made it, when, before and after.

Each entry carries the SHA-256 of the previous entry and of its own content, so removing,
reordering or editing any entry breaks the chain (``huanjie manage verify_audit``). Database
triggers (migration 0002) refuse UPDATE and DELETE on the table itself.
"""

from __future__ import annotations

from typing import Any

from django.db import models

GENESIS = "0" * 64


class AuditEntry(models.Model):
    seq = models.BigAutoField(primary_key=True)
    at = models.DateTimeField("时间")
    actor_id = models.BigIntegerField("操作人ID", null=True)
    actor_name = models.CharField("操作人", max_length=150)
    action = models.CharField("操作", max_length=64)
    object_type = models.CharField("对象类型", max_length=64)
    object_id = models.CharField("对象", max_length=64)
    area_path = models.CharField("区域", max_length=255, db_index=True, blank=True)
    before = models.JSONField("修改前", null=True)
    after = models.JSONField("修改后", null=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = "审计记录"
        ordering = ("seq",)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RuntimeError("审计记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("审计记录只能追加，不能删除")


class AuditHead(models.Model):
    """One row holding the last hash; locking it serialises appends to the chain."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS)
