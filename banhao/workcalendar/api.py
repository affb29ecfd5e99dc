"""Working-day arithmetic and the calendar as JSON."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from banhao.org.models import ServiceCentre
from banhao.shared.errors import NotFound, ValidationFailed
from banhao.workcalendar.selectors import work_calendar
from banhao_core.calendar import CalendarError, DayKind

router = Router(tags=["工作日历"])


class WorkdaysQuery(Schema):
    start: dt.date = Field(
        ...,
        alias="from",
        description="起算日期（不计入），2000-01-01 至 2100-12-31",
        ge=dt.date(2000, 1, 1),
        le=dt.date(2100, 12, 31),
        examples=["2026-02-13"],
    )
    days: int = Field(..., ge=0, le=3650, description="工作日数", examples=[1])
    centre: str | None = Field(
        None, description="政务服务中心编码；计入该中心的闭厅日", examples=["zouping"]
    )


class WorkdaysOut(Schema):
    start: dt.date = Field(..., examples=["2026-02-13"])
    days: int = Field(..., examples=[1])
    due: dt.date = Field(..., description="到期日", examples=["2026-02-14"])
    is_provisional: bool = Field(
        ..., description="结果依赖尚未发布放假通知的年度（暂定）", examples=[False]
    )
    day_kind: str = Field(..., examples=["makeup_workday"])
    day_name: str = Field(..., examples=["春节"])


class DayOut(Schema):
    date: dt.date
    is_working_day: bool
    kind: DayKind
    name: str
    is_provisional: bool


class DaysQuery(Schema):
    year: int = Field(..., ge=2000, le=2100, examples=[2026])
    month: int | None = Field(None, ge=1, le=12, examples=[10])
    centre: str | None = None


def _centre_id(code: str | None) -> int | None:
    if not code:
        return None
    centre_id = ServiceCentre.objects.filter(code=code).values_list("pk", flat=True).first()
    if centre_id is None:
        raise NotFound(f"找不到政务服务中心：{code}", field="centre")
    return centre_id


@router.get("/workdays", response=WorkdaysOut, summary="工作日推算：起算日 + N 个工作日")
def workdays(request: HttpRequest, query: Query[WorkdaysQuery]) -> WorkdaysOut:
    """Counting starts the day after ``from`` (行政许可法 Art.82 working days, 民法典 Art.201).
    ``is_provisional`` is true when a year without a published State Council notice was used."""
    calendar = work_calendar(service_centre_id=_centre_id(query.centre))
    try:
        result = calendar.add_working_days(query.start, query.days)
    except CalendarError as exc:  # pragma: no cover - the schema bounds dates and counts
        raise ValidationFailed(str(exc), field="days") from exc
    info = calendar.day_info(result.day)
    return WorkdaysOut(
        start=query.start,
        days=query.days,
        due=result.day,
        is_provisional=result.is_provisional,
        day_kind=info.kind.value,
        day_name=info.name,
    )


@router.get("/days", response=list[DayOut], summary="日历：某年（某月）每一天的类型")
def days(request: HttpRequest, query: Query[DaysQuery]) -> list[DayOut]:
    calendar = work_calendar(service_centre_id=_centre_id(query.centre))
    first = dt.date(query.year, query.month or 1, 1)
    if query.month is None or query.month == 12:
        end = dt.date(query.year + 1, 1, 1)
    else:
        end = dt.date(query.year, query.month + 1, 1)
    out: list[DayOut] = []
    day = first
    while day < end:
        info = calendar.day_info(day)
        out.append(
            DayOut(
                date=day,
                is_working_day=info.is_working_day,
                kind=info.kind,
                name=info.name,
                is_provisional=info.is_provisional,
            )
        )
        day += dt.timedelta(days=1)
    return out
