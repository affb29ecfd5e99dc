"""manage.py restore FILE [--force] [--verify-only]: verify a backup archive completely, then
restore the database and the uploaded files from it (docs/adr/0007-backups.md).

A wrong key, a damaged, truncated or tampered file, or an unsafe member ends with a Chinese
message and exit code 1, before anything is written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from banhao.backup.archive import BackupError
from banhao.backup.services import archive_verify, backup_restore


class Command(BaseCommand):
    help = "校验并恢复 manage.py backup 生成的备份文件（数据库和附件）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="备份文件（.bhbak）")
        parser.add_argument(
            "--verify-only",
            action="store_true",
            help="只解密并校验每一块和 SM3 摘要，不写入任何数据",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="目标已有数据时先清空再恢复（生产环境不允许）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            if options["verify_only"]:
                contents = archive_verify(path)
                self.stdout.write(
                    f"校验通过：{path.name}（创建于 {contents.header.created_at}，"
                    f"密钥 {contents.header.key_id}，{contents.chunks} 块，SM3 {contents.digest}）"
                )
                self.stdout.write(
                    f"内容：数据库 {sum(contents.rows.values())} 行，"
                    f"附件 {contents.media_files} 个；未写入任何数据"
                )
                return
            report = backup_restore(path, force=options["force"], log=self.stdout.write)
        except BackupError as exc:
            raise CommandError(exc.message) from None
        except ImproperlyConfigured as exc:
            raise CommandError(f"备份密钥配置有误：{exc}") from None
        except OSError as exc:
            raise CommandError(f"恢复失败，未写入数据：{exc}") from None
        for warning in report.warnings:
            self.stderr.write(f"注意：{warning}")
        self.stdout.write(
            f"恢复完成：数据库 {report.total_rows} 行，附件 {report.contents.media_files} 个，"
            f"用时 {report.seconds:.1f} 秒"
        )
