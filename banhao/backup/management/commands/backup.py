"""manage.py backup [--output DIR]: one SM4-GCM encrypted archive of the database and the
uploaded files (docs/adr/0007-backups.md). Prints the archive's path and size."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from banhao.backup.archive import BackupError
from banhao.backup.services import backup_create


def human_size(size: float) -> str:
    for unit in ("字节", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "字节" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"  # pragma: no cover


class Command(BaseCommand):
    help = "备份数据库和上传的附件，写成一个用 SM4 加密的备份文件（.bhbak）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            metavar="DIR",
            type=Path,
            default=None,
            help="备份文件写入的目录（默认 BANHAO_BACKUP_DIR，即 <数据目录>/backups）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] >= 2
        try:
            report = backup_create(
                output_dir=options["output"], log=self.stdout.write if verbose else _quiet
            )
        except BackupError as exc:
            raise CommandError(exc.message) from None
        except ImproperlyConfigured as exc:
            raise CommandError(f"备份密钥配置有误：{exc}") from None
        except OSError as exc:
            raise CommandError(f"写入备份失败：{exc}") from None
        self.stdout.write(str(report.path))
        self.stdout.write(f"大小：{human_size(report.size)}（{report.size} 字节）")
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"内容：数据库 {report.total_rows} 行（{len(report.rows)} 张表），"
                f"附件 {report.media_files} 个（{human_size(report.media_bytes)}）"
            )
            self.stdout.write(
                f"加密：SM4-GCM，密钥 {report.key_id}，{report.chunks} 块；SM3 {report.digest}"
            )
            self.stdout.write(f"用时：{report.seconds:.1f} 秒")


def _quiet(_message: str) -> None:
    return None
