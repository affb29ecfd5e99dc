"""Fixtures for engagement tests: the case tests' bureau (calendar, centre, one account per
role) with the clock frozen on Friday 2026-11-27 09:30 (Asia/Shanghai)."""

from __future__ import annotations

from typing import Any

import pytest

from banhao.cases.tests.conftest import START, World, build_world, frozen


@pytest.fixture
def world(db: Any, frozen: Any) -> World:
    return build_world()


__all__ = ["START", "World", "build_world", "frozen", "world"]
