"""Verify the SM3 hash chain of the audit log.

    manage.py verify_audit [--from-seq N]
    审计链完整：12345 条

Exit status 0 when the chain is intact; 1, naming the first bad entry and why, when an entry
was altered (its hash no longer matches its content), deleted (a gap in seq, a link to a
missing predecessor, or a chain that stops short of its head) or reordered (an entry that
does not link to the one before it). Reads the table a batch at a time, in constant memory.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from banhao.audit.selectors import chain_verify, missing_triggers


class Command(BaseCommand):
    help = "校验审计日志的 SM3 哈希链：完整时退出码为 0，否则指出第一条有问题的记录并以 1 退出"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from-seq",
            type=int,
            default=None,
            metavar="N",
            help="从第 N 条开始校验（信任第 N-1 条的哈希）；默认从链起点或最近的清理锚点开始",
        )
        parser.add_argument(
            "--batch-size", type=int, default=2000, help="每批读取的条数（默认 2000）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from_seq = options["from_seq"]
        if from_seq is not None and from_seq < 1:
            raise CommandError("--from-seq 必须是正整数")
        verbosity = options["verbosity"]

        def progress(count: int, seq: int) -> None:
            if verbosity >= 1:
                self.stderr.write(f"已校验 {count} 条（至第 {seq} 条）…")

        report = chain_verify(
            from_seq=from_seq, batch_size=max(1, options["batch_size"]), progress=progress
        )
        for name in missing_triggers():
            self.stderr.write(self.style.WARNING(f"警告：防篡改触发器 {name} 缺失或已停用"))
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"警告：{warning}"))
        if report.broken is not None:
            raise CommandError(report.broken.message, returncode=1)
        self.stdout.write(f"审计链完整：{report.count} 条")
        if verbosity >= 1 and report.count:
            start = report.start_seq + 1
            note = f"（第 {start} 条至第 {report.last_seq} 条"
            if report.anchor_seq is not None and report.start_seq == report.anchor_seq:
                note += f"；第 {report.anchor_seq} 条及以前已按保存期限清理"
            self.stdout.write(note + "）")
