"""``huanjie manage verify_audit``: check the whole audit chain; exit 1 if it is broken."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from huanjie.apps.audit.models import AuditEntry
from huanjie.apps.audit.services import verify_chain


class Command(BaseCommand):
    help = "Verify the hash chain of the audit log (审计日志哈希链校验)"

    def handle(self, *args: Any, **options: Any) -> None:
        problems = list(verify_chain())
        for p in problems:
            self.stderr.write(f"第 {p.seq} 条：{p.problem}")
        if problems:
            raise CommandError(f"审计日志校验失败：{len(problems)} 处问题")
        self.stdout.write(f"审计日志完整：共 {AuditEntry.objects.count()} 条，哈希链校验通过")
