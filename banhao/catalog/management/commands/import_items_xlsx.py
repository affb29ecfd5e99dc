"""``manage.py import_items_xlsx IN.xlsx [--dry-run]``: import the Excel template."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from banhao.catalog.management.imports import run_import
from banhao.catalog.services import catalog_import_xlsx


class Command(BaseCommand):
    help = "导入事项 Excel 模板（工作表“事项”“材料”，见 docs/catalogue.md）。有任何错误则不写入。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="Excel 文件路径（.xlsx）")
        parser.add_argument("--dry-run", action="store_true", help="只校验并统计，不写入")

    def handle(self, *args: Any, **options: Any) -> None:
        run_import(self, catalog_import_xlsx, path=options["path"], dry_run=options["dry_run"])
