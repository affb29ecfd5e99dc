"""``manage.py import_items PATH.csv [--dry-run]``: import the CSV item list."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from banhao.catalog.services import catalog_import_csv
from banhao.shared.errors import BanhaoError


class Command(BaseCommand):
    help = "导入事项清单 CSV（列见 docs/catalogue.md）。先校验全部行；有任何错误则不写入。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="CSV 文件路径（UTF-8）")
        parser.add_argument("--dry-run", action="store_true", help="只校验并统计，不写入")

    def handle(self, *args: Any, **options: Any) -> None:
        path: str = options["path"]
        started = time.monotonic()
        bar: tqdm[Any] | None = None

        def on_parsed(total: int) -> None:
            nonlocal bar
            bar = tqdm(total=total, file=sys.stderr, unit="项", desc="导入事项", leave=False)

        def progress(n: int) -> None:
            if bar is not None:
                bar.update(n)

        try:
            report = catalog_import_csv(
                file=path,
                actor=None,
                dry_run=options["dry_run"],
                source=path,
                progress=progress,
                on_parsed=on_parsed,
            )
        except FileNotFoundError as exc:
            raise CommandError(f"找不到文件：{path}") from exc
        except BanhaoError as exc:
            raise CommandError(exc.message) from exc
        finally:
            if bar is not None:
                bar.close()
        elapsed = time.monotonic() - started
        for note in report.notes_zh():
            self.stdout.write(note)
        self.stdout.write(report.summary_zh())
        self.stderr.write(f"用时 {elapsed:.1f} 秒")
