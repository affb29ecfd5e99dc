"""Working-day arithmetic from the command line.

    manage.py workdays --from 2026-02-13 --add 1
    2026-02-14  周六 调休上班

The first token is always the ISO date; ``暂定`` follows when the result depends on a year
whose State Council notice is not yet published.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from banhao.org.models import ServiceCentre
from banhao.workcalendar.selectors import work_calendar
from banhao_core.calendar import CalendarError, DayKind

WEEKDAYS = "一二三四五六日"
KIND_LABELS = {
    DayKind.WEEKDAY: "工作日",
    DayKind.WEEKEND: "周末",
    DayKind.HOLIDAY: "节假日",
    DayKind.MAKEUP_WORKDAY: "调休上班",
    DayKind.LOCAL_CLOSURE: "闭厅",
    DayKind.PROVISIONAL_HOLIDAY: "法定节日（暂定）",
}


def parse_iso_date(value: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            f"日期格式不正确：{value!r}，请使用 YYYY-MM-DD，例如 2026-02-13"
        ) from exc
    if not dt.date(2000, 1, 1) <= day <= dt.date(2100, 12, 31):
        raise CommandError(f"日期超出范围：{value}，应在 2000-01-01 至 2100-12-31 之间")
    return day


class Command(BaseCommand):
    help = "计算若干个工作日之后的日期（起算日不计入，自次日起算）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", required=True, help="起算日期 YYYY-MM-DD")
        parser.add_argument("--add", dest="days", required=True, help="工作日数（非负整数）")
        parser.add_argument("--centre", default=None, help="政务服务中心编码（计入本地闭厅日）")

    def handle(self, *args: Any, **options: Any) -> None:
        start = parse_iso_date(options["start"])
        try:
            days = int(options["days"])
        except ValueError as exc:
            raise CommandError(f"工作日数必须是整数：{options['days']!r}") from exc
        centre_id = None
        if options["centre"]:
            centre = ServiceCentre.objects.filter(code=options["centre"]).first()
            if centre is None:
                raise CommandError(f"找不到政务服务中心：{options['centre']}")
            centre_id = centre.pk
        calendar = work_calendar(service_centre_id=centre_id)
        try:
            result = calendar.add_working_days(start, days)
        except CalendarError as exc:
            raise CommandError(str(exc)) from exc
        info = calendar.day_info(result.day)
        parts = [result.day.isoformat()]
        if result.is_provisional:
            parts.append("暂定")
        parts.append(f"周{WEEKDAYS[result.day.weekday()]}")
        parts.append(KIND_LABELS[info.kind] + (f"（{info.name}）" if info.name else ""))
        self.stdout.write(" ".join(parts))
