"""Tests of the working-day calendar against the real 2024-2027 national schedule."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from banhao_core.calendar import (
    CalendarError,
    DayKind,
    WorkCalendar,
    WorkdayResult,
    parse_holiday_cn,
)

D = dt.date
SHARED_CSV = Path("/work/shared/data/holidays/cn_workday_calendar_2024_2026.csv")


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


# -- add_working_days: examples ------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected", "provisional"),
    [
        # Fri 02-13 + 1: Sat 02-14 is a 春节 make-up working day.
        pytest.param(D(2026, 2, 13), 1, D(2026, 2, 14), False, id="2026-spring-makeup-saturday"),
        # Thu 02-12: 02-13 (1), Sat 02-14 make-up (2), 02-15..02-23 春节 off, 02-24 (3).
        pytest.param(D(2026, 2, 12), 3, D(2026, 2, 24), False, id="2026-across-spring-festival"),
        # Wed 09-30: 10-01..10-07 国庆 off, Thu 10-08 (1).
        pytest.param(D(2026, 9, 30), 1, D(2026, 10, 8), False, id="2026-national-day-1"),
        # 10-08 (1), 10-09 (2), Sat 10-10 make-up (3), Sun off, 10-12 (4), 10-13 (5).
        pytest.param(D(2026, 9, 30), 5, D(2026, 10, 13), False, id="2026-national-day-5"),
        # Tue 04-30: 05-01..05-05 劳动节 off, Mon 05-06 (1).
        pytest.param(D(2024, 4, 30), 1, D(2024, 5, 6), False, id="2024-labour-day"),
        # Sat 04-27 + 1: Sun 04-28 is a make-up day.
        pytest.param(D(2024, 4, 27), 1, D(2024, 4, 28), False, id="2024-makeup-sunday"),
        # Thu 2026-12-31: 2027-01-01 元旦 (fixed date, 暂定), 01-02/03 weekend, Mon 01-04 (1).
        pytest.param(D(2026, 12, 31), 1, D(2027, 1, 4), True, id="into-provisional-2027"),
        # Wholly inside 2027: Mon 03-01 + 5 = Mon 03-08, 暂定.
        pytest.param(D(2027, 3, 1), 5, D(2027, 3, 8), True, id="inside-2027"),
        # 0 days: the start itself (即办), even on a holiday, and nothing examined.
        pytest.param(D(2026, 10, 3), 0, D(2026, 10, 3), False, id="zero-on-holiday"),
        pytest.param(D(2027, 1, 1), 0, D(2027, 1, 1), False, id="zero-in-2027"),
        # Mon 2026-12-21: 22,23,24,25 (4), 28,29,30,31 (8), 2027: 01-01 off, 04 (9), 05 (10).
        pytest.param(D(2026, 12, 21), 10, D(2027, 1, 5), True, id="ten-days-over-new-year"),
        # Tue 2025-12-30: 12-31 (1), 2026-01-01..03 元旦 off, Sun 01-04 make-up (2).
        pytest.param(D(2025, 12, 30), 2, D(2026, 1, 4), False, id="2026-new-year-makeup"),
    ],
)
def test_add_working_days_examples(
    calendar: WorkCalendar, start: dt.date, n: int, expected: dt.date, provisional: bool
) -> None:
    assert calendar.add_working_days(start, n) == WorkdayResult(expected, provisional)


def test_add_working_days_rejects_negative(calendar: WorkCalendar) -> None:
    with pytest.raises(CalendarError):
        calendar.add_working_days(D(2026, 3, 2), -1)


# -- single days --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "kind", "name", "provisional"),
    [
        pytest.param(D(2026, 2, 14), DayKind.MAKEUP_WORKDAY, "春节", False, id="makeup-sat"),
        pytest.param(D(2024, 2, 18), DayKind.MAKEUP_WORKDAY, "春节", False, id="makeup-sun"),
        pytest.param(D(2026, 2, 16), DayKind.HOLIDAY, "春节", False, id="holiday-monday"),
        pytest.param(D(2026, 10, 4), DayKind.HOLIDAY, "国庆节", False, id="holiday-sunday"),
        pytest.param(D(2026, 3, 7), DayKind.WEEKEND, "", False, id="weekend"),
        pytest.param(D(2026, 3, 9), DayKind.WEEKDAY, "", False, id="weekday"),
        # 2027 has no notice: only the fixed-date holidays are known.
        pytest.param(D(2027, 1, 1), DayKind.PROVISIONAL_HOLIDAY, "元旦", True, id="2027-yuandan"),
        pytest.param(
            D(2027, 10, 1), DayKind.PROVISIONAL_HOLIDAY, "国庆节", True, id="2027-guoqing"
        ),
        # Mon 2027-05-03 will probably be off, but nothing says so yet.
        pytest.param(D(2027, 5, 3), DayKind.WEEKDAY, "", True, id="2027-unknown-bridge"),
        pytest.param(D(2027, 5, 1), DayKind.PROVISIONAL_HOLIDAY, "劳动节", True, id="2027-may-1"),
        pytest.param(D(2027, 2, 6), DayKind.WEEKEND, "", True, id="2027-weekend"),
    ],
)
def test_day_info(
    calendar: WorkCalendar, day: dt.date, kind: DayKind, name: str, provisional: bool
) -> None:
    info = calendar.day_info(day)
    assert (info.kind, info.name, info.is_provisional) == (kind, name, provisional)
    assert calendar.is_working_day(day) is kind.is_working


def test_local_closures(calendar: WorkCalendar) -> None:
    closed = calendar.with_local_closures(
        {D(2026, 3, 2): "系统升级闭厅", D(2026, 2, 28): "停电闭厅"}
    )
    assert closed.day_info(D(2026, 3, 2)).kind is DayKind.LOCAL_CLOSURE
    assert closed.day_info(D(2026, 3, 2)).name == "系统升级闭厅"
    # A closure also wins over an official make-up day.
    assert closed.day_info(D(2026, 2, 28)).kind is DayKind.LOCAL_CLOSURE
    # Fri 02-27: Sat 02-28 closed, Sun off, Mon 03-02 closed, Tue 03-03 (1).
    assert closed.add_working_days(D(2026, 2, 27), 1).day == D(2026, 3, 3)
    # The national calendar is untouched: Sat 02-28 is the make-up day.
    assert calendar.add_working_days(D(2026, 2, 27), 1).day == D(2026, 2, 28)
    assert calendar.day_info(D(2026, 3, 2)).kind is DayKind.WEEKDAY


@pytest.mark.parametrize(
    ("start", "n", "expected", "provisional"),
    [
        # 09-20 + 11 = Thu 10-01 (国庆 off) → next working day Thu 10-08.
        pytest.param(D(2026, 9, 20), 11, D(2026, 10, 8), False, id="roll-over-national-day"),
        # 02-12 + 3 = 02-15 (春节 off) → 02-24.
        pytest.param(D(2026, 2, 12), 3, D(2026, 2, 24), False, id="roll-over-spring-festival"),
        # 10-01 + 9 = Sat 10-10, a make-up working day: no roll.
        pytest.param(D(2026, 10, 1), 9, D(2026, 10, 10), False, id="ends-on-makeup"),
        # 03-02 + 5 = Sat 03-07 → Mon 03-09.
        pytest.param(D(2026, 3, 2), 5, D(2026, 3, 9), False, id="roll-over-weekend"),
        # 12-30 + 2 = 2027-01-01 (暂定 元旦) → Mon 2027-01-04, provisional.
        pytest.param(D(2026, 12, 30), 2, D(2027, 1, 4), True, id="roll-into-2027"),
        # 0 days: the start itself even on a day off (no period, nothing to roll).
        pytest.param(D(2026, 10, 3), 0, D(2026, 10, 3), False, id="zero"),
    ],
)
def test_add_natural_days(
    calendar: WorkCalendar, start: dt.date, n: int, expected: dt.date, provisional: bool
) -> None:
    assert calendar.add_natural_days(start, n) == WorkdayResult(expected, provisional)


def test_add_natural_days_rejects_negative(calendar: WorkCalendar) -> None:
    with pytest.raises(CalendarError):
        calendar.add_natural_days(D(2026, 3, 2), -1)


@pytest.mark.parametrize(
    ("day", "expected", "provisional"),
    [
        pytest.param(D(2026, 3, 9), D(2026, 3, 9), False, id="already-working"),
        pytest.param(D(2026, 10, 1), D(2026, 10, 8), False, id="national-day"),
        pytest.param(D(2027, 1, 1), D(2027, 1, 4), True, id="2027"),
    ],
)
def test_next_working_day(
    calendar: WorkCalendar, day: dt.date, expected: dt.date, provisional: bool
) -> None:
    assert calendar.next_working_day(day) == WorkdayResult(expected, provisional)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # (09-30, 10-13]: 10-08, 10-09, 10-10 (make-up), 10-12, 10-13.
        pytest.param(D(2026, 9, 30), D(2026, 10, 13), 5, id="national-day"),
        pytest.param(D(2026, 10, 13), D(2026, 9, 30), -5, id="reversed"),
        pytest.param(D(2026, 10, 1), D(2026, 10, 7), 0, id="inside-holiday"),
        pytest.param(D(2026, 3, 9), D(2026, 3, 9), 0, id="same-day"),
    ],
)
def test_working_days_between(
    calendar: WorkCalendar, start: dt.date, end: dt.date, expected: int
) -> None:
    assert calendar.working_days_between(start, end) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        pytest.param(D(2026, 1, 1), D(2026, 12, 31), False, id="confirmed-year"),
        pytest.param(D(2026, 12, 31), D(2027, 1, 1), True, id="into-2027"),
        pytest.param(D(2027, 1, 1), D(2026, 12, 31), True, id="reversed"),
        pytest.param(D(2027, 1, 1), D(2027, 1, 1), False, id="empty-range"),
        # The start day is not in (start, end]: 2023 (no data) only matters from 12-31 on.
        pytest.param(D(2023, 12, 31), D(2024, 1, 2), False, id="start-day-excluded"),
        pytest.param(D(2023, 12, 30), D(2024, 1, 2), True, id="unconfirmed-2023"),
    ],
)
def test_is_range_provisional(
    calendar: WorkCalendar, start: dt.date, end: dt.date, expected: bool
) -> None:
    assert calendar.is_range_provisional(start, end) is expected


# -- cross-checks against independent sources ----------------------------------------------

CSV_KINDS = {
    "weekday": DayKind.WEEKDAY,
    "weekend": DayKind.WEEKEND,
    "statutory_or_bridge_off": DayKind.HOLIDAY,
    "adjusted_workday": DayKind.MAKEUP_WORKDAY,
}


def test_cross_check_shared_csv(calendar: WorkCalendar) -> None:
    if not SHARED_CSV.exists():
        pytest.skip(f"{SHARED_CSV} not available")
    with SHARED_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 366 + 365 + 365
    mismatches = []
    for row in rows:
        day = D.fromisoformat(row["date"])
        info = calendar.day_info(day)
        expected = (CSV_KINDS[row["day_kind"]], row["is_workday"] == "1", False)
        if (info.kind, info.is_working_day, info.is_provisional) != expected:
            mismatches.append((day, row, info))
    assert mismatches == []


def test_cross_check_chinese_calendar_package(calendar: WorkCalendar) -> None:
    mismatches = [
        day
        for day in _days(D(2024, 1, 1), D(2026, 12, 31))
        if calendar.is_working_day(day) != chinese_calendar.is_workday(day)
    ]
    assert mismatches == []


# -- parse_holiday_cn ----------------------------------------------------------------------


def test_parse_holiday_cn_valid() -> None:
    year, confirmed, days = parse_holiday_cn(
        {
            "year": 2030,
            "papers": ["https://www.gov.cn/example"],
            "days": [
                {"name": "元旦", "date": "2030-01-01", "isOffDay": True},
                {"name": "春节", "date": "2030-02-09", "isOffDay": False},
            ],
        }
    )
    assert (year, confirmed) == (2030, True)
    assert [(d.day, d.is_day_off, d.name) for d in days] == [
        (D(2030, 1, 1), True, "元旦"),
        (D(2030, 2, 9), False, "春节"),
    ]


def test_parse_holiday_cn_unconfirmed_year() -> None:
    assert parse_holiday_cn({"year": "2027", "papers": [], "days": []}) == (2027, False, [])


@pytest.mark.parametrize(
    "document",
    [
        pytest.param({"papers": [], "days": []}, id="no-year"),
        pytest.param({"year": "二〇三〇", "days": []}, id="bad-year"),
        pytest.param({"year": 2030, "days": {"date": "2030-01-01"}}, id="days-not-list"),
        pytest.param({"year": 2030, "papers": "x", "days": []}, id="papers-not-list"),
        pytest.param({"year": 2030, "days": ["2030-01-01"]}, id="entry-not-object"),
        pytest.param({"year": 2030, "days": [{"isOffDay": True}]}, id="no-date"),
        pytest.param(
            {"year": 2030, "days": [{"date": "2030-02-30", "isOffDay": True}]}, id="bad-date"
        ),
        pytest.param({"year": 2030, "days": [{"date": "2030-01-01"}]}, id="no-isoffday"),
        pytest.param(
            {"year": 2030, "days": [{"date": "2030-01-01", "isOffDay": "true"}]}, id="isoffday-str"
        ),
    ],
)
def test_parse_holiday_cn_rejects_malformed(document: dict[str, object]) -> None:
    with pytest.raises(CalendarError):
        parse_holiday_cn(document)


# -- properties ----------------------------------------------------------------------------

starts = st.dates(min_value=D(2024, 1, 1), max_value=D(2027, 12, 31))
counts = st.integers(min_value=0, max_value=300)


@settings(max_examples=200, deadline=None)
@given(start=starts, n=counts)
def test_add_working_days_properties(calendar: WorkCalendar, start: dt.date, n: int) -> None:
    result = calendar.add_working_days(start, n).day
    # Round trip: exactly n working days in (start, result].
    assert calendar.working_days_between(start, result) == n
    if n == 0:
        assert result == start
        return
    # Never lands on a day off.
    assert calendar.is_working_day(result)
    # Strictly monotonic: one more day lands strictly later, on the next working day.
    following = calendar.add_working_days(start, n + 1).day
    assert following > result
    assert calendar.working_days_between(result, following) == 1
    assert calendar.add_working_days(result, 1).day == following


@settings(max_examples=200, deadline=None)
@given(
    first=starts,
    gap1=st.integers(min_value=0, max_value=200),
    gap2=st.integers(min_value=0, max_value=200),
)
def test_working_days_between_is_additive(
    calendar: WorkCalendar, first: dt.date, gap1: int, gap2: int
) -> None:
    middle = first + dt.timedelta(days=gap1)
    last = middle + dt.timedelta(days=gap2)
    total = calendar.working_days_between(first, last)
    assert total == calendar.working_days_between(first, middle) + calendar.working_days_between(
        middle, last
    )
    assert calendar.working_days_between(last, first) == -total


def test_arithmetic_at_the_end_of_time_is_a_clear_error(calendar: WorkCalendar) -> None:
    with pytest.raises(CalendarError, match="超出"):
        calendar.add_working_days(dt.date(9999, 12, 30), 5)
    with pytest.raises(CalendarError, match="超出"):
        calendar.add_natural_days(dt.date(9999, 12, 30), 5)
