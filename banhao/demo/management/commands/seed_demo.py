"""Load the demo data set. Idempotent: a second run changes nothing.

Order: calendar notices → organisation → accounts → curated catalogue → the 1,135 real items.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from banhao.accounts.demo import demo_users_load
from banhao.cases.demo import demo_cases_load
from banhao.catalog.demo import demo_catalogue_load
from banhao.catalog.services.importing import catalog_import_csv
from banhao.engagement.demo import demo_engagement_load
from banhao.feedback.demo import demo_feedback_load
from banhao.licences.demo import demo_licence_types_load, demo_licences_load
from banhao.org.demo import demo_organisation_load
from banhao.shared.errors import Conflict
from banhao.workcalendar.services import holiday_notice_load


class Command(BaseCommand):
    help = "加载演示数据（工作日历、机构、演示账号、精选事项、1135 项真实事项），可重复执行"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--skip-real-items",
            action="store_true",
            help="不导入 data/service_items 中的真实事项（更快）",
        )
        parser.add_argument("--cases", type=int, default=200, help="演示办件数量（默认 200）")
        parser.add_argument("--skip-cases", action="store_true", help="不生成演示办件")

    def handle(self, *args: Any, **options: Any) -> None:
        data_dir = Path(settings.PRODUCT_DATA_DIR)
        changed = 0
        for path in sorted((data_dir / "holidays").glob("holiday-cn_*.json")):
            try:
                result = holiday_notice_load(
                    document=json.loads(path.read_text(encoding="utf-8")),
                    actor=None,
                    source=path.name,
                )
            except Conflict as exc:
                # A year the bureau has since confirmed keeps its notice.
                self.stdout.write(f"{exc.message}，已跳过 {path.name}")
                continue
            changed += result.created + result.updated + result.removed
        self.stdout.write(f"工作日历：{changed} 条变化")
        centre = demo_organisation_load()
        self.stdout.write(f"机构：{centre.name}")
        users = demo_users_load(centre=centre)
        self.stdout.write(f"演示账号：新增 {users}")
        curated = demo_catalogue_load(actor=None)
        self.stdout.write(f"精选事项：新增或更新 {curated}")
        demo_licence_types_load()  # before the cases: their 准予 decisions issue licences
        if not options["skip_real_items"]:
            report = catalog_import_csv(
                file=data_dir / "service_items" / "service_items.csv",
                actor=None,
                source="data/service_items/service_items.csv",
            )
            self.stdout.write(f"真实事项：{report.summary_zh()}")
        if not options["skip_cases"]:
            cases = demo_cases_load(count=options["cases"])
            self.stdout.write(f"演示办件：新增 {cases}")
            ratings = demo_feedback_load()
            self.stdout.write(f"好差评：新增评价 {ratings}")
            suggestions = demo_engagement_load()
            self.stdout.write(f"民说民评：新增意见建议 {suggestions}")
        licences = demo_licences_load()
        self.stdout.write(f"电子证照：新发 {licences}")
        self.stdout.write(self.style.SUCCESS("演示数据已就绪"))
