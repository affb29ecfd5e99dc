from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from banhao.org.models import ServiceCentre
from banhao.workcalendar.models import HolidayNotice

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip()


@pytest.mark.parametrize(
    ("start", "add", "first_tokens"),
    [
        ("2026-02-13", "1", ["2026-02-14", "周六"]),
        ("2026-09-30", "1", ["2026-10-08", "周四"]),
        ("2026-09-30", "5", ["2026-10-13", "周二"]),
        ("2026-02-12", "3", ["2026-02-24", "周二"]),
        ("2024-04-30", "1", ["2024-05-06", "周一"]),
        ("2026-12-30", "3", ["2027-01-05", "暂定"]),
        ("2026-11-27", "0", ["2026-11-27", "周五"]),
    ],
)
def test_workdays_command_prints_the_iso_date_first(
    holidays_loaded: None, start: str, add: str, first_tokens: list[str]
) -> None:
    output = run("workdays", "--from", start, "--add", add)
    assert output.split()[: len(first_tokens)] == first_tokens


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026/02/13", "--add", "1"], "日期格式不正确"),
        (["--from", "2026-02-30", "--add", "1"], "日期格式不正确"),
        (["--from", "2026-02-13", "--add", "-1"], "不能为负数"),
        (["--from", "2026-02-13", "--add", "x"], "必须是整数"),
        (["--from", "2026-02-13", "--add", "1", "--centre", "nope"], "找不到政务服务中心"),
    ],
)
def test_workdays_command_explains_bad_input(
    holidays_loaded: None, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        run("workdays", *args)


def test_workdays_command_counts_local_closures(holidays_loaded: None) -> None:
    centre = ServiceCentre.objects.create(code="zouping", name="邹平", area_code="371681")
    from banhao.workcalendar.services import local_closure_add

    local_closure_add(
        service_centre=centre,
        day=__import__("datetime").date(2026, 3, 9),
        reason="搬迁",
        actor=None,
    )
    assert run("workdays", "--from", "2026-03-06", "--add", "1").startswith("2026-03-09")
    assert run("workdays", "--from", "2026-03-06", "--add", "1", "--centre", "zouping").startswith(
        "2026-03-10"
    )


def test_load_holidays_command(tmp_path: Path) -> None:
    first = run("load_holidays", "--shipped")
    assert "2026 年 已发布：新增 39" in first
    assert "2027 年 未发布通知（暂定）" in first
    again = run("load_holidays", "--shipped")
    assert "新增 0，更新 0，未变化 39，删除 0" in again
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="不是有效的 UTF-8 JSON"):
        run("load_holidays", str(bad))
    with pytest.raises(CommandError, match="找不到文件"):
        run("load_holidays", str(tmp_path / "missing.json"))
    with pytest.raises(CommandError, match="请指定通知文件"):
        run("load_holidays")


def test_workdays_api(holidays_loaded: None, client: Client) -> None:
    body = client.get("/api/v1/calendar/workdays?from=2026-02-13&days=1").json()
    assert body["due"] == "2026-02-14"
    assert body["is_provisional"] is False
    assert body["day_kind"] == "makeup_workday"
    body = client.get("/api/v1/calendar/workdays?from=2026-12-30&days=3").json()
    assert (body["due"], body["is_provisional"]) == ("2027-01-05", True)


@pytest.mark.parametrize(
    ("params", "field", "status"),
    [
        ({"from": "2026-13-01", "days": 1}, "from", 422),
        ({"from": "13/02/2026", "days": 1}, "from", 422),
        ({"from": "2026-02-13", "days": -1}, "days", 422),
        ({"from": "2026-02-13", "days": "x"}, "days", 422),
        ({"days": 1}, "from", 422),
        ({"from": "2026-02-13", "days": 1, "centre": "nope"}, "centre", 404),
    ],
)
def test_workdays_api_errors_are_structured(
    holidays_loaded: None, client: Client, params: dict[str, Any], field: str, status: int
) -> None:
    response = client.get("/api/v1/calendar/workdays", params)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["field"] == field
    assert error["message"]
    assert error["code"] in {"validation_failed", "not_found"}


def test_days_api_marks_provisional_years(holidays_loaded: None, client: Client) -> None:
    october = client.get("/api/v1/calendar/days", {"year": 2026, "month": 10}).json()
    assert len(october) == 31
    assert [d["date"] for d in october if not d["is_working_day"]][:7] == [
        f"2026-10-0{i}" for i in range(1, 8)
    ]
    assert next(d for d in october if d["date"] == "2026-10-10")["kind"] == "makeup_workday"
    year_2027 = client.get("/api/v1/calendar/days", {"year": 2027}).json()
    assert len(year_2027) == 365
    assert all(d["is_provisional"] for d in year_2027)
    assert year_2027[0]["kind"] == "provisional_holiday"


def test_healthz(holidays_loaded: None, client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["calendar"]["confirmed_years"] == [2024, 2025, 2026]
    assert body["checks"]["calendar"]["provisional_years"] == [2027]


def test_healthz_is_unhealthy_without_a_calendar(client: Client) -> None:
    HolidayNotice.objects.all().delete()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"]["ok"] is True


def test_admin_can_upload_a_new_year_notice(
    holidays_loaded: None, client: Client, tmp_path: Path
) -> None:
    from banhao.accounts.models import User
    from banhao.security.testing import login_staff

    admin = User.objects.create_superuser("root", "root@example.com", "pw-Aa123456!")
    login_staff(client, admin)
    doc = {
        "year": 2027,
        "papers": ["https://www.gov.cn/x"],
        "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": True}],
    }
    path = tmp_path / "2027.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with path.open("rb") as handle:
        response = client.post("/admin/workcalendar/holidaynotice/upload/", {"file": handle})
    assert response.status_code == 302
    assert HolidayNotice.objects.get(year=2027).is_confirmed
    path.write_text("[]", encoding="utf-8")
    with path.open("rb") as handle:
        response = client.post("/admin/workcalendar/holidaynotice/upload/", {"file": handle})
    assert response.status_code == 200
    assert "顶层必须是对象" in response.content.decode()


def test_seed_and_shipped_loads_keep_a_confirmed_year(holidays_loaded: None) -> None:
    from banhao.workcalendar.services import holiday_notice_load

    doc = {
        "year": 2027,
        "papers": ["https://www.gov.cn/x"],
        "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": True}],
    }
    holiday_notice_load(document=doc, actor=None)
    output = run("load_holidays", "--shipped")
    assert "已跳过 holiday-cn_2027.json" in output
    assert HolidayNotice.objects.get(year=2027).is_confirmed


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=9999-12-30&days=5", "from"),
        ("from=1999-12-31&days=1", "from"),
        ("from=20260213&days=1", "from"),
    ],
)
def test_workdays_api_bounds_dates(
    holidays_loaded: None, client: Client, query: str, field: str
) -> None:
    response = client.get(f"/api/v1/calendar/workdays?{query}")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == field
    assert "日期" in error["details"]["errors"][0]["message"] or "不能" in error["message"]


def test_workdays_command_bounds_dates(holidays_loaded: None) -> None:
    with pytest.raises(CommandError, match="日期超出范围"):
        run("workdays", "--from", "9999-12-30", "--add", "5")


def test_calendar_page_explains_an_unknown_centre(holidays_loaded: None, client: Client) -> None:
    response = client.get("/calendar/?year=2026&month=10&centre=nope")
    assert response.status_code == 200
    assert "找不到政务服务中心" in response.content.decode()
