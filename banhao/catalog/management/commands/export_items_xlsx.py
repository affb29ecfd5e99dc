"""``manage.py export_items_xlsx OUT.xlsx``: write current items to the Excel template."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from banhao.catalog.services import catalog_export_xlsx


class Command(BaseCommand):
    help = "将现行有效的事项及材料导出为 Excel 模板（可修改后用 import_items_xlsx 导入）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="输出文件路径（.xlsx）")

    def handle(self, *args: Any, **options: Any) -> None:
        path: str = options["path"]
        try:
            count = catalog_export_xlsx(target=path, actor=None)
        except OSError as exc:
            raise CommandError(f"无法写入文件：{path}（{exc.strerror}）") from exc
        self.stdout.write(f"已导出 {count} 个事项到 {path}")
