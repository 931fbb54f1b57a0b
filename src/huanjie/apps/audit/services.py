"""Writing and verifying the audit chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models, transaction
from django.utils import timezone

from huanjie.apps.audit.models import GENESIS, AuditEntry, AuditHead


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    return hashlib.sha256(f"{prev_hash}\n{_canonical(fields)}".encode()).hexdigest()


def _fields(e: AuditEntry) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "at": e.at.isoformat(),
        "actor_id": e.actor_id,
        "actor_name": e.actor_name,
        "action": e.action,
        "object_type": e.object_type,
        "object_id": e.object_id,
        "area_path": e.area_path,
        "before": e.before,
        "after": e.after,
    }


def audit_record(
    *,
    acting_user: AbstractBaseUser | AnonymousUser | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    area: Any = None,
    before: Any = None,
    after: Any = None,
) -> AuditEntry:
    """Append one entry; must run inside the caller's transaction (the change and its entry
    are committed together or not at all)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside transaction.atomic()")
    head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
    entry = AuditEntry(
        seq=head.last_seq + 1,
        at=timezone.now(),
        actor_id=getattr(acting_user, "pk", None),
        actor_name=acting_user.get_username() or "匿名" if acting_user is not None else "系统",
        action=action,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=object_id or (str(obj.pk) if obj is not None else ""),
        area_path=getattr(area, "path", "") or "",
        before=json.loads(_canonical(before)) if before is not None else None,
        after=json.loads(_canonical(after)) if after is not None else None,
        prev_hash=head.last_hash,
    )
    entry.hash = entry_hash(head.last_hash, _fields(entry))
    entry.save(force_insert=True)
    head.last_seq, head.last_hash = entry.seq, entry.hash
    head.save(update_fields=["last_seq", "last_hash"])
    return entry


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    problem: str


def verify_chain(batch: int = 5000) -> Iterator[ChainProblem]:
    """Recompute the chain from the first entry; yield every break found."""
    prev, expected_seq = GENESIS, 1
    for e in AuditEntry.objects.order_by("seq").iterator(chunk_size=batch):
        if e.seq != expected_seq:
            yield ChainProblem(e.seq, f"缺少序号 {expected_seq}–{e.seq - 1} 的记录")
        if e.prev_hash != prev:
            yield ChainProblem(e.seq, "前一条记录的哈希不符（记录被删除或调换）")
        if entry_hash(e.prev_hash, _fields(e)) != e.hash:
            yield ChainProblem(e.seq, "内容与哈希不符（记录被修改）")
        prev, expected_seq = e.hash, e.seq + 1
    head = AuditHead.objects.filter(id=1).first()
    if head is not None and (head.last_seq != expected_seq - 1 or head.last_hash != prev):
        yield ChainProblem(expected_seq - 1, "链尾与记录不符（末尾记录被删除）")
