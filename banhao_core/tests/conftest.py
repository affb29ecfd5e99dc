"""Shared fixtures for the framework-free core: the real national calendar 2024-2027."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from banhao_core.calendar import OfficialDay, WorkCalendar, parse_holiday_cn

HOLIDAY_DIR = Path(__file__).resolve().parents[2] / "data" / "holidays"
CALENDAR_YEARS = (2024, 2025, 2026, 2027)


def load_calendar() -> WorkCalendar:
    """Build the calendar from the vendored holiday-cn files (2027: no notice yet, 暂定)."""
    days: list[OfficialDay] = []
    confirmed: list[int] = []
    for year in CALENDAR_YEARS:
        path = HOLIDAY_DIR / f"holiday-cn_{year}.json"
        notice_year, is_confirmed, year_days = parse_holiday_cn(
            json.loads(path.read_text(encoding="utf-8"))
        )
        days.extend(year_days)
        if is_confirmed:
            confirmed.append(notice_year)
    return WorkCalendar.from_official_days(days, confirmed)


@pytest.fixture(scope="session")
def calendar() -> WorkCalendar:
    return load_calendar()
