"""A small bureau for case tests: the calendar, 邹平市政务服务中心, one account per role and
the curated catalogue, with the clock frozen on a working day."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from banhao.accounts.demo import demo_users_load
from banhao.accounts.models import User
from banhao.cases.services import ApplicantData
from banhao.catalog.demo import demo_catalogue_load
from banhao.catalog.models import ServiceItemVersion
from banhao.catalog.selectors import item_get_published
from banhao.org.models import ServiceCentre
from banhao.workcalendar.services import holiday_notice_load
from conftest import SHIPPED_HOLIDAYS

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: Friday 2026-11-27 09:30 in the bureau's time zone.
START = dt.datetime(2026, 11, 27, 9, 30, tzinfo=SHANGHAI)
CONSTRUCTION_PERMIT = "371681-XK-0001"
COMPANY_CODE = "91371681MA3CBH0A1C"


@dataclass
class World:
    centre: ServiceCentre
    users: dict[str, User]
    permit: ServiceItemVersion

    def user(self, name: str) -> User:
        return self.users[name]


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def build_world() -> World:
    """Load the calendar, the demo organisation, accounts and curated catalogue."""
    for path in SHIPPED_HOLIDAYS:
        holiday_notice_load(document=json.loads(path.read_text(encoding="utf-8")), actor=None)
    demo_catalogue_load()
    centre = ServiceCentre.objects.get(code="zouping")
    demo_users_load(centre=centre)
    users = {u.username: u for u in User.objects.all()}
    return World(centre=centre, users=users, permit=item_get_published(code=CONSTRUCTION_PERMIT))


@pytest.fixture
def world(db: Any, frozen: Any) -> World:
    return build_world()


def company_applicant() -> ApplicantData:
    return ApplicantData(
        kind="company",
        name="邹平市鲁信建设工程有限公司",
        id_number=COMPANY_CODE,
        contact_name="刘经理",
        contact_phone="13805431234",
        address="邹平市黛溪街道",
    )


def permit_answers(version: ServiceItemVersion, *, supervised: bool, agent: bool) -> dict[str, str]:
    """办理情形 answers for the construction permit by meaning, not by database ids:
    是否委托监理 (是/否) and 是否委托他人办理 (本人/委托)."""
    answers: dict[str, str] = {}
    for situation in version.situations.prefetch_related("options"):
        options = list(situation.options.all())
        if "监理" in situation.question:
            wanted = "是" if supervised else "否"
        else:
            wanted = "委托" if agent else "本人"
        chosen = next(o for o in options if o.label.startswith(wanted))
        answers[str(situation.pk)] = str(chosen.pk)
    return answers
