"""Shared pytest fixtures for the Django side."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent
SHIPPED_HOLIDAYS = sorted((ROOT / "data" / "holidays").glob("holiday-cn_*.json"))


@pytest.fixture
def holidays_loaded(db: Any) -> None:
    """The calendar table filled from the notices shipped in data/holidays/."""
    from banhao.workcalendar.services import holiday_notice_load

    for path in SHIPPED_HOLIDAYS:
        holiday_notice_load(
            document=json.loads(path.read_text(encoding="utf-8")), actor=None, source=path.name
        )
