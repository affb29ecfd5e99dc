"""Remove audit entries older than the retention period (BANHAO_AUDIT_RETENTION_DAYS, at least
183 days), oldest first, leaving an anchor from which ``verify_audit`` goes on.

    manage.py prune_audit [--dry-run]
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from banhao.audit.selectors import ChainBroken
from banhao.audit.services import audit_prune, retention_days


class Command(BaseCommand):
    help = "按保存期限清理过期的审计记录（从最早的开始，留下校验锚点；清理本身也记入审计）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="只统计，不删除")

    def handle(self, *args: Any, **options: Any) -> None:
        days = retention_days()
        try:
            result = audit_prune(dry_run=options["dry_run"])
        except ChainBroken as exc:
            raise CommandError(f"审计链不完整，拒绝清理：{exc}", returncode=1) from exc
        cutoff = timezone.localtime(result.cutoff).strftime("%Y-%m-%d %H:%M")
        if result.through_seq is None:
            self.stdout.write(f"无需清理：没有早于 {cutoff}（保存 {days} 天）的审计记录")
        elif options["dry_run"]:
            self.stdout.write(
                f"将清理 {result.count} 条审计记录（至第 {result.through_seq} 条，"
                f"早于 {cutoff}，保存 {days} 天）；未删除"
            )
        else:
            self.stdout.write(
                f"已清理 {result.count} 条审计记录（至第 {result.through_seq} 条，"
                f"早于 {cutoff}，保存 {days} 天）"
            )
