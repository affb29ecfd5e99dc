"""A few accounts for the security tests: an applicant, a window clerk, and the three
administrators of 三权分立 — with the clock frozen on a working morning."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pyotp
import pytest
import time_machine
from django.test import Client
from django.test.utils import override_settings

from banhao.accounts.models import User
from banhao.accounts.roles import Role
from banhao.accounts.services import user_create
from banhao.audit.models import AuditEntry
from banhao.org.models import ServiceCentre
from banhao.security.models import MfaDevice
from banhao.shared import clock

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = dt.datetime(2026, 11, 27, 9, 30, tzinfo=SHANGHAI)
PASSWORD = "Secure-pass-2026"


@dataclass
class People:
    centre: ServiceCentre
    applicant: User
    clerk: User
    system_admin: User
    security_admin: User
    audit_admin: User


def make_user(
    username: str, roles: tuple[Role, ...], centre: ServiceCentre | None, **extra: Any
) -> User:
    staff = bool(set(roles) & Role.staff_roles())
    return user_create(
        username=username,
        password=PASSWORD,
        kind=User.Kind.STAFF if staff else User.Kind.PERSON,
        display_name=username,
        roles=roles,
        actor=None,
        service_centre=centre if staff else None,
        **extra,
    )


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def people(db: Any, frozen: Any) -> People:
    centre = ServiceCentre.objects.create(
        code="zouping", name="邹平市政务服务中心", area_code="371681"
    )
    return People(
        centre=centre,
        applicant=make_user("zhangsan", (Role.APPLICANT,), None),
        clerk=make_user("chuangkou", (Role.WINDOW_CLERK,), centre),
        system_admin=make_user("admin", (Role.ADMIN,), centre, is_superuser=True),
        security_admin=make_user("anquan", (Role.SECURITY_ADMIN,), centre),
        audit_admin=make_user("shenji", (Role.AUDIT_ADMIN,), centre),
    )


@pytest.fixture
def no_rate_limits() -> Any:
    """The per-address request rate limit (banhao.shared.http) off, so that a test can make
    more login attempts a minute than it allows. Use new ``Client``s inside."""
    with override_settings(BANHAO_RATE_LIMITS=[]):
        yield


def login_post(client: Client, username: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def code_now(user: User, *, step: int = 0) -> str:
    """The TOTP code of the user's device now (``step`` time steps later)."""
    device = MfaDevice.objects.get(user=user)
    return pyotp.TOTP(device.secret).at(clock.now(), counter_offset=step)


def actions(prefix: str = "security.") -> list[str]:
    return list(
        AuditEntry.objects.filter(action__startswith=prefix)
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
