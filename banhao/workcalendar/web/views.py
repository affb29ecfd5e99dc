"""Public calendar page: a month of working days, with 暂定 marked for unconfirmed years."""

from __future__ import annotations

import calendar as std_calendar
import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from banhao.org.models import ServiceCentre
from banhao.shared import clock
from banhao.workcalendar.selectors import calendar_years_status, work_calendar
from banhao_core.calendar import DayInfo

KIND_LABELS = {
    "weekday": "",
    "weekend": "休",
    "holiday": "休",
    "makeup_workday": "班",
    "local_closure": "闭厅",
    "provisional_holiday": "休（暂定）",
}


def _int(value: str | None, default: int, low: int, high: int) -> int:
    try:
        number = int(value) if value is not None else default
    except ValueError:
        return default
    return number if low <= number <= high else default


def month(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    year = _int(request.GET.get("year"), today.year, 2000, 2100)
    month_no = _int(request.GET.get("month"), today.month, 1, 12)
    centre = None
    centre_code = request.GET.get("centre")
    if centre_code:
        centre = ServiceCentre.objects.filter(code=centre_code).first()
        if centre is None:
            messages.warning(request, f"找不到政务服务中心「{centre_code}」，显示全国通用日历")
    calendar = work_calendar(service_centre_id=centre.pk if centre else None)
    weeks: list[list[tuple[DayInfo, str] | None]] = []
    for week in std_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month_no):
        row: list[tuple[DayInfo, str] | None] = []
        for day in week:
            if day.month != month_no:
                row.append(None)
                continue
            info = calendar.day_info(day)
            row.append((info, KIND_LABELS[info.kind.value]))
        weeks.append(row)
    first = dt.date(year, month_no, 1)
    previous = first - dt.timedelta(days=1)
    following = first + dt.timedelta(days=32)
    context = {
        "year": year,
        "month": month_no,
        "weeks": weeks,
        "is_provisional": not calendar.is_confirmed(first),
        "previous": previous,
        "following": following,
        "centre": centre,
        "centres": ServiceCentre.objects.all(),
        "years": calendar_years_status(),
        "today": today,
    }
    return render(request, "workcalendar/month.html", context)
