"""Working-day calendar for the People's Republic of China.

Rules implemented (domain.md §3.5):

* Periods of the 行政许可法 are counted in working days, excluding statutory holidays (Art.82).
* A working day is Monday to Friday, except the days off announced by the State Council
  (holidays and the weekdays merged into holiday blocks), plus the 调休 make-up days
  (Saturdays/Sundays officially declared working days).
* Counting starts the day after the start date (民法典 Art.201): adding one working day to a
  Friday gives the next working day, never the Friday itself.
* A service centre may close on extra local days (local closures); these only remove working days.
* A year without a confirmed State Council notice is *provisional* (暂定): its days follow the
  weekday rule plus the fixed-date statutory holidays of the 全国年节及纪念日放假办法 (2024 rev.)
  that fall on Gregorian dates (元旦 1-1, 劳动节 5-1/5-2, 国庆 10-1..10-3). Any answer that
  looked at such a day says so, so it can be shown as 暂定.

Nothing here imports Django: the calendar is built from plain values by the shell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

ONE_DAY = dt.timedelta(days=1)

# 全国年节及纪念日放假办法 (revised 2024-11, effective 2025-01-01), holidays on fixed
# Gregorian dates. The lunar holidays (春节, 清明, 端午, 中秋) move and are only known from the
# State Council notice, so a provisional year does not guess them.
FIXED_DATE_HOLIDAYS: tuple[tuple[int, int, str], ...] = (
    (1, 1, "元旦"),
    (5, 1, "劳动节"),
    (5, 2, "劳动节"),
    (10, 1, "国庆节"),
    (10, 2, "国庆节"),
    (10, 3, "国庆节"),
)


class DayKind(StrEnum):
    """Why a day is or is not a working day."""

    WEEKDAY = "weekday"  # 工作日 (Mon-Fri, no exception)
    WEEKEND = "weekend"  # 周末
    HOLIDAY = "holiday"  # 法定节假日/调休放假 (official day off)
    MAKEUP_WORKDAY = "makeup_workday"  # 调休上班 (weekend day declared a working day)
    LOCAL_CLOSURE = "local_closure"  # 本中心闭厅 (local extra closure)
    PROVISIONAL_HOLIDAY = "provisional_holiday"  # 暂定: fixed-date statutory holiday, no notice

    @property
    def is_working(self) -> bool:
        return self in (DayKind.WEEKDAY, DayKind.MAKEUP_WORKDAY)


@dataclass(frozen=True, slots=True)
class OfficialDay:
    """One exception to the normal week from a State Council notice."""

    day: dt.date
    is_day_off: bool
    name: str = ""


@dataclass(frozen=True, slots=True)
class DayInfo:
    day: dt.date
    kind: DayKind
    name: str
    is_provisional: bool

    @property
    def is_working_day(self) -> bool:
        return self.kind.is_working


@dataclass(frozen=True, slots=True)
class WorkdayResult:
    """A computed date and whether it depends on an unconfirmed (暂定) year."""

    day: dt.date
    is_provisional: bool


class CalendarError(ValueError):
    """Bad input to calendar arithmetic (negative counts and the like)."""


def _next_day(day: dt.date) -> dt.date:
    try:
        return day + ONE_DAY
    except OverflowError as exc:
        raise CalendarError("日期超出可计算范围") from exc


@dataclass(frozen=True)
class WorkCalendar:
    """An immutable working-day calendar.

    ``official_days`` holds the exceptions of confirmed notices, ``confirmed_years`` the years
    whose notice is known (a year with a notice but no exceptions is still confirmed), and
    ``local_closures`` the extra closures of one service centre.
    """

    official_days: Mapping[dt.date, OfficialDay] = field(default_factory=dict)
    confirmed_years: frozenset[int] = frozenset()
    local_closures: Mapping[dt.date, str] = field(default_factory=dict)

    @classmethod
    def from_official_days(
        cls,
        days: Iterable[OfficialDay],
        confirmed_years: Iterable[int],
        local_closures: Mapping[dt.date, str] | None = None,
    ) -> WorkCalendar:
        return cls(
            official_days={d.day: d for d in days},
            confirmed_years=frozenset(confirmed_years),
            local_closures=dict(local_closures or {}),
        )

    def with_local_closures(self, closures: Mapping[dt.date, str]) -> WorkCalendar:
        """The same national calendar with one service centre's closures."""
        return WorkCalendar(self.official_days, self.confirmed_years, dict(closures))

    # -- single days ---------------------------------------------------------------------

    def is_confirmed(self, day: dt.date) -> bool:
        return day.year in self.confirmed_years

    def day_info(self, day: dt.date) -> DayInfo:
        provisional = not self.is_confirmed(day)
        closure = self.local_closures.get(day)
        if closure is not None:
            return DayInfo(day, DayKind.LOCAL_CLOSURE, closure, provisional)
        official = self.official_days.get(day)
        if official is not None:
            kind = DayKind.HOLIDAY if official.is_day_off else DayKind.MAKEUP_WORKDAY
            # An entry for a day of an unconfirmed year (a notice keyed by the next year can
            # list 12-31) is still an official statement about that day.
            return DayInfo(day, kind, official.name, is_provisional=False)
        if provisional:
            for month, dom, name in FIXED_DATE_HOLIDAYS:
                if day.month == month and day.day == dom:
                    return DayInfo(day, DayKind.PROVISIONAL_HOLIDAY, name, True)
        if day.weekday() >= 5:
            return DayInfo(day, DayKind.WEEKEND, "", provisional)
        return DayInfo(day, DayKind.WEEKDAY, "", provisional)

    def is_working_day(self, day: dt.date) -> bool:
        return self.day_info(day).is_working_day

    # -- arithmetic ----------------------------------------------------------------------

    def add_working_days(self, start: dt.date, days: int) -> WorkdayResult:
        """The date ``days`` working days after ``start`` (start itself not counted).

        ``days == 0`` returns ``start`` unchanged (即办: due the same day). The result is
        provisional when any day examined after ``start`` belongs to an unconfirmed year.
        """
        if days < 0:
            raise CalendarError(f"工作日数不能为负数：{days}")
        current = start
        provisional = False
        remaining = days
        while remaining > 0:
            current = _next_day(current)
            info = self.day_info(current)
            provisional = provisional or info.is_provisional
            if info.is_working_day:
                remaining -= 1
        return WorkdayResult(current, provisional)

    def add_natural_days(self, start: dt.date, days: int) -> WorkdayResult:
        """``days`` calendar days after ``start``; a period ending on a day that is not a
        working day ends on the next working day (民法典 Art.203)."""
        if days < 0:
            raise CalendarError(f"天数不能为负数：{days}")
        try:
            end = start + dt.timedelta(days=days)
        except OverflowError as exc:
            raise CalendarError("日期超出可计算范围") from exc
        info = self.day_info(end)
        provisional = info.is_provisional
        if days > 0 and not info.is_working_day:
            rolled = self.next_working_day(end)
            return WorkdayResult(rolled.day, provisional or rolled.is_provisional)
        return WorkdayResult(end, provisional)

    def next_working_day(self, day: dt.date) -> WorkdayResult:
        """``day`` itself if it is a working day, otherwise the first working day after it."""
        info = self.day_info(day)
        provisional = info.is_provisional
        while not info.is_working_day:
            day = _next_day(day)
            info = self.day_info(day)
            provisional = provisional or info.is_provisional
        return WorkdayResult(day, provisional)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in the half-open interval (start, end]; negative when end < start."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        current = start
        while current < end:
            current += ONE_DAY
            if self.is_working_day(current):
                count += 1
        return count

    def is_range_provisional(self, start: dt.date, end: dt.date) -> bool:
        """Whether any day in (start, end] belongs to an unconfirmed year."""
        low, high = (start, end) if start <= end else (end, start)
        if high == low:
            return False
        first = low + ONE_DAY
        return any(year not in self.confirmed_years for year in range(first.year, high.year + 1))


def parse_holiday_cn(document: Mapping[str, object]) -> tuple[int, bool, list[OfficialDay]]:
    """Read one holiday-cn ``{year}.json`` document (NateScarlet/holiday-cn schema).

    Returns the notice year, whether the notice is confirmed (it cites at least one State
    Council paper) and the exceptions it lists. Raises ``CalendarError`` on malformed input.
    """
    try:
        year = int(str(document["year"]))
        papers = document.get("papers") or []
        raw_days = document.get("days") or []
    except (KeyError, TypeError, ValueError) as exc:
        raise CalendarError(f"节假日文件格式错误：{exc}") from exc
    if not isinstance(raw_days, list) or not isinstance(papers, list):
        raise CalendarError("节假日文件格式错误：days 与 papers 必须是列表")
    days: list[OfficialDay] = []
    for index, raw in enumerate(raw_days):
        if not isinstance(raw, Mapping):
            raise CalendarError(f"节假日文件第 {index + 1} 条不是对象")
        try:
            day = dt.date.fromisoformat(str(raw["date"]))
            is_off = raw["isOffDay"]
        except (KeyError, ValueError) as exc:
            raise CalendarError(f"节假日文件第 {index + 1} 条格式错误：{exc}") from exc
        if not isinstance(is_off, bool):
            raise CalendarError(f"节假日文件第 {index + 1} 条 isOffDay 必须是 true/false")
        days.append(OfficialDay(day=day, is_day_off=is_off, name=str(raw.get("name", ""))))
    return year, bool(papers), days
