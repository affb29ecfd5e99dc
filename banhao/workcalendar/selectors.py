"""Reads of the calendar: the core ``WorkCalendar`` built from the table, cached per process."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field

from banhao.workcalendar.models import CalendarRevision, HolidayNotice, LocalClosure, OfficialDay
from banhao_core.calendar import DayInfo, WorkCalendar
from banhao_core.calendar import OfficialDay as CoreOfficialDay


@dataclass(frozen=True)
class _MemoCalendar(WorkCalendar):
    """A ``WorkCalendar`` that remembers each day's ``DayInfo``. The calendar is immutable,
    so the answers never change; due dates and remaining working days ask the same few
    hundred days over and over (a queue of 500 cases: ~30,000 questions per page)."""

    _days: dict[dt.date, DayInfo] = field(default_factory=dict, compare=False, repr=False)

    def day_info(self, day: dt.date) -> DayInfo:
        info = self._days.get(day)
        if info is None:
            info = super().day_info(day)
            self._days[day] = info  # a racing thread computes the same value
        return info


@dataclass
class _Cache:
    revision: int = -1
    national: WorkCalendar | None = None
    per_centre: dict[int, WorkCalendar] | None = None


_cache = _Cache()
_lock = threading.Lock()


def current_revision() -> int:
    row = CalendarRevision.objects.filter(pk=1).values_list("revision", flat=True).first()
    return int(row or 0)


def _build_national() -> WorkCalendar:
    days = [
        CoreOfficialDay(day=row.day, is_day_off=row.is_day_off, name=row.name)
        for row in OfficialDay.objects.all()
    ]
    confirmed = HolidayNotice.objects.filter(is_confirmed=True).values_list("year", flat=True)
    return _MemoCalendar.from_official_days(days, confirmed)


def work_calendar(*, service_centre_id: int | None = None) -> WorkCalendar:
    """The working-day calendar, for one service centre when ``service_centre_id`` is given
    (national days plus that centre's local closures). One cheap query checks freshness."""
    return work_calendar_and_revision(service_centre_id=service_centre_id)[0]


def work_calendar_and_revision(*, service_centre_id: int | None = None) -> tuple[WorkCalendar, int]:
    """``work_calendar`` and the calendar revision it was built from, with the same single
    freshness query (for callers that store the revision next to computed due dates)."""
    revision = current_revision()
    with _lock:
        if _cache.revision != revision or _cache.national is None:
            _cache.national = _build_national()
            _cache.per_centre = {}
            _cache.revision = revision
        national = _cache.national
        if service_centre_id is None:
            return national, revision
        assert _cache.per_centre is not None
        cached = _cache.per_centre.get(service_centre_id)
        if cached is None:
            closures = dict(
                LocalClosure.objects.filter(service_centre_id=service_centre_id).values_list(
                    "day", "reason"
                )
            )
            cached = _MemoCalendar(national.official_days, national.confirmed_years, closures)
            _cache.per_centre[service_centre_id] = cached
        return cached, revision


def calendar_years_status() -> dict[str, list[int]]:
    """Years whose notice is confirmed and years present but still provisional."""
    rows = list(HolidayNotice.objects.values_list("year", "is_confirmed"))
    return {
        "confirmed": sorted(year for year, ok in rows if ok),
        "provisional": sorted(year for year, ok in rows if not ok),
    }


def holiday_notice_list() -> list[HolidayNotice]:
    return list(HolidayNotice.objects.all())
