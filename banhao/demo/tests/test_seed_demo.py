from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client

from banhao.accounts.demo import DEMO_PASSWORD, DEMO_USERS
from banhao.accounts.models import User
from banhao.accounts.roles import Role

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    """Rows per model; the audit log is left out because every import run is itself audited."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"accounts", "org", "workcalendar", "catalog"}
    }


def test_seed_demo_is_idempotent_and_complete() -> None:
    out = StringIO()
    call_command("seed_demo", "--cases", "20", stdout=out)
    assert "新增 1135" in out.getvalue()
    first = row_counts()
    call_command("seed_demo", "--cases", "20", stdout=StringIO())
    assert row_counts() == first
    assert User.objects.filter(username__in=[u.username for u in DEMO_USERS]).count() == len(
        DEMO_USERS
    )
    assert User.objects.get(username="zhujian").has_role(Role.REVIEWER)
    assert User.objects.get(username="admin").is_superuser


def test_demo_accounts_can_log_in(client: Client) -> None:
    call_command("seed_demo", "--skip-real-items", "--skip-cases", stdout=StringIO())
    assert client.login(username="chuangkou", password=DEMO_PASSWORD)
    response = client.post("/accounts/login/", {"username": "zhangsan", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode() or "正确" in response.content.decode()


def test_seed_demo_keeps_a_year_the_bureau_confirmed() -> None:
    from banhao.workcalendar.models import HolidayNotice
    from banhao.workcalendar.services import holiday_notice_load

    doc = {
        "year": 2027,
        "papers": ["https://www.gov.cn/x"],
        "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": True}],
    }
    holiday_notice_load(document=doc, actor=None)
    out = StringIO()
    call_command("seed_demo", "--skip-real-items", "--skip-cases", stdout=out)
    assert "已跳过 holiday-cn_2027.json" in out.getvalue()
    assert HolidayNotice.objects.get(year=2027).is_confirmed
