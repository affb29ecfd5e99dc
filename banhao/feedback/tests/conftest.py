"""Fixtures for 好差评 tests: the case tests' bureau (calendar, centre, one account per role,
curated catalogue) with the clock frozen on Friday 2026-11-27 09:30 (Asia/Shanghai), and a
closed case of 张三 (an online application) to rate."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from banhao.accounts.demo import DEMO_RESIDENT_ID
from banhao.cases.models import Case
from banhao.cases.services import ApplicantData
from banhao.cases.tests.conftest import (
    SHANGHAI,
    START,
    World,
    build_world,
    company_applicant,
    frozen,
)
from banhao.feedback.tests.factories import closed_case


def SHANGHAI_AT(moment: dt.datetime) -> dt.datetime:
    """A naive wall-clock moment in the bureau's time zone."""
    return moment.replace(tzinfo=SHANGHAI)


@pytest.fixture
def world(db: Any, frozen: Any) -> World:
    return build_world()


def zhangsan_applicant() -> ApplicantData:
    return ApplicantData(
        kind="person",
        name="张三",
        id_number=DEMO_RESIDENT_ID,
        contact_name="张三",
        contact_phone="13905431234",
        address="邹平市黛溪街道",
    )


@pytest.fixture
def closed(world: World) -> Case:
    """张三's construction permit, applied online and closed today (Friday 2026-11-27)."""
    return closed_case(
        world.permit, world.users, zhangsan_applicant(), owner=world.user("zhangsan")
    )


__all__ = [
    "SHANGHAI_AT",
    "START",
    "World",
    "build_world",
    "closed",
    "company_applicant",
    "frozen",
    "world",
]
