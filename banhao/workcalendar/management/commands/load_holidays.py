"""Load State Council holiday notices (holiday-cn JSON format) into the calendar table.

manage.py load_holidays FILE.json [FILE.json …]
manage.py load_holidays --shipped      # the notices shipped in data/holidays/
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from banhao.shared.errors import BanhaoError
from banhao.workcalendar.services import holiday_notice_load


class Command(BaseCommand):
    help = "导入国务院办公厅放假通知（holiday-cn JSON 格式），可重复执行"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", type=Path, help="holiday-cn {year}.json files")
        parser.add_argument(
            "--shipped", action="store_true", help="load every notice shipped in data/holidays/"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        files: list[Path] = list(options["files"])
        if options["shipped"]:
            files += sorted(
                (Path(settings.PRODUCT_DATA_DIR) / "holidays").glob("holiday-cn_*.json")
            )
        if not files:
            raise CommandError("请指定通知文件，或使用 --shipped 导入随产品附带的通知")
        for path in files:
            try:
                document = json.loads(path.read_text(encoding="utf-8"))
            except FileNotFoundError as exc:
                raise CommandError(f"找不到文件：{path}") from exc
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise CommandError(f"{path} 不是有效的 UTF-8 JSON 文件：{exc}") from exc
            if not isinstance(document, dict):
                raise CommandError(f"{path} 格式错误：顶层必须是对象")
            try:
                result = holiday_notice_load(document=document, actor=None, source=path.name)
            except BanhaoError as exc:
                if exc.code == "notice_downgrade" and options["shipped"]:
                    self.stdout.write(f"{exc.message}，已跳过 {path.name}")
                    continue
                raise CommandError(f"{path}：{exc.message}") from exc
            state = "已发布" if result.is_confirmed else "未发布通知（暂定）"
            self.stdout.write(
                f"{result.year} 年 {state}：新增 {result.created}，更新 {result.updated}，"
                f"未变化 {result.unchanged}，删除 {result.removed}"
            )
