"""``manage.py import_items PATH.csv [--dry-run]``: import the CSV item list."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from banhao.catalog.management.imports import run_import
from banhao.catalog.services import catalog_import_csv


class Command(BaseCommand):
    help = "导入事项清单 CSV（列见 docs/catalogue.md）。先校验全部行；有任何错误则不写入。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="CSV 文件路径（UTF-8）")
        parser.add_argument("--dry-run", action="store_true", help="只校验并统计，不写入")

    def handle(self, *args: Any, **options: Any) -> None:
        run_import(self, catalog_import_csv, path=options["path"], dry_run=options["dry_run"])
