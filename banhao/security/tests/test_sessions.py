"""Sessions: 8 hours for everyone, 30 idle minutes for staff, re-authentication before
sensitive actions (``recent_auth_required``)."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from banhao.audit.models import AuditEntry
from banhao.security.testing import login_staff
from banhao.security.web.decorators import recent_auth_required

from .conftest import PASSWORD, People, code_now, login_post

WINDOW_QUEUE = "/cases/staff/window/"
USERS = "/security/users/"
REAUTH = "/security/reauth/"


def test_sessions_last_eight_hours() -> None:
    settings_module = importlib.import_module("banhao.config.settings")
    assert settings_module.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert settings_module.BANHAO_STAFF_IDLE_MINUTES == 30


def test_a_staff_session_ends_after_thirty_idle_minutes(people: People, frozen: Any) -> None:
    client = Client()
    login_staff(client, people.clerk)
    frozen.shift(dt.timedelta(minutes=25))
    assert client.get(WINDOW_QUEUE).status_code == 200  # activity keeps it alive
    frozen.shift(dt.timedelta(minutes=25))
    assert client.get(WINDOW_QUEUE).status_code == 200
    frozen.shift(dt.timedelta(minutes=30, seconds=1))
    response = client.get(WINDOW_QUEUE)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/cases/staff/window/"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "您已超过 30 分钟未操作" in page
    ended = AuditEntry.objects.get(action="security.session_ended")
    assert ended.actor == people.clerk and ended.details == {"reason": "idle"}


def test_applicants_have_no_idle_timeout_but_the_eight_hours(people: People, frozen: Any) -> None:
    client = Client()
    assert login_post(client, "zhangsan").status_code == 302
    frozen.shift(dt.timedelta(hours=2))
    assert client.get("/cases/mine/").status_code == 200
    frozen.shift(dt.timedelta(hours=6, seconds=1))
    response = client.get("/cases/mine/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_even_an_active_session_ends_eight_hours_after_its_login(
    people: People, frozen: Any
) -> None:
    client = Client()
    login_staff(client, people.clerk)
    for _ in range(23):  # busy all day: a request every 20 minutes, 7 h 40 min
        frozen.shift(dt.timedelta(minutes=20))
        assert client.get(WINDOW_QUEUE).status_code == 200
    frozen.shift(dt.timedelta(minutes=20, seconds=1))
    response = client.get(WINDOW_QUEUE)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "登录已超过 8 小时" in client.get(response["Location"]).content.decode()
    assert AuditEntry.objects.get(action="security.session_ended").details == {"reason": "expired"}


def test_a_logout_is_audited(people: People) -> None:
    client = Client()
    login_post(client, "zhangsan")
    client.post("/accounts/logout/")
    assert AuditEntry.objects.filter(action="security.logout", actor=people.applicant).exists()


def test_sensitive_pages_ask_for_the_password_and_code_again(people: People, frozen: Any) -> None:
    client = Client()
    login_staff(client, people.security_admin)
    assert client.get(USERS).status_code == 200  # just logged in
    frozen.shift(dt.timedelta(minutes=11))
    response = client.get(USERS + "?q=chuang")
    assert response.status_code == 302
    assert response["Location"] == f"{REAUTH}?next=%2Fsecurity%2Fusers%2F%3Fq%3Dchuang"
    page = client.get(response["Location"]).content.decode()
    assert "请再次验证身份" in page and "动态口令" in page
    wrong = client.post(REAUTH, {"password": "nope-1234", "code": "000000", "next": USERS})
    assert wrong.status_code == 422 and "密码不正确" in wrong.content.decode()
    no_code = client.post(REAUTH, {"password": PASSWORD, "code": "000000", "next": USERS})
    assert no_code.status_code == 422
    ok = client.post(
        REAUTH,
        {"password": PASSWORD, "code": code_now(people.security_admin), "next": USERS},
    )
    assert ok.status_code == 302 and ok["Location"] == USERS
    assert client.get(USERS).status_code == 200
    assert AuditEntry.objects.filter(action="security.reauthenticated").count() == 1
    assert AuditEntry.objects.filter(action="security.login_failed").count() == 2


def test_a_post_is_sent_back_to_the_page_it_came_from(people: People, frozen: Any) -> None:
    client = Client()
    login_staff(client, people.security_admin)
    frozen.shift(dt.timedelta(minutes=11))
    url = f"/security/users/{people.clerk.pk}/deactivate/"
    detail = f"http://testserver/security/users/{people.clerk.pk}/"
    response = client.post(url, HTTP_REFERER=detail)
    assert response["Location"].startswith(REAUTH)
    assert "next=http%3A%2F%2Ftestserver%2Fsecurity%2Fusers%2F" in response["Location"]
    people.clerk.refresh_from_db()
    assert people.clerk.is_active  # nothing done before re-authentication


def test_the_decorator_for_an_applicant_needs_the_password_only(
    people: People, frozen: Any
) -> None:
    @recent_auth_required(minutes=5)
    def reveal(request: HttpRequest) -> HttpResponse:
        return HttpResponse("secret")

    client = Client()
    login_post(client, "zhangsan")
    request = RequestFactory().get("/reveal/")
    request.user = people.applicant
    request.session = client.session
    assert reveal(request).status_code == 200
    frozen.shift(dt.timedelta(minutes=6))
    assert reveal(request)["Location"] == f"{REAUTH}?next=%2Freveal%2F"
    page = client.get(f"{REAUTH}?next=/cases/mine/").content.decode()
    assert "动态口令" not in page
    response = client.post(REAUTH, {"password": PASSWORD, "next": "/cases/mine/"})
    assert response["Location"] == "/cases/mine/"
    request.session = client.session
    assert reveal(request).status_code == 200


def test_anonymous_users_go_to_the_login_page() -> None:
    @recent_auth_required
    def reveal(request: HttpRequest) -> HttpResponse:
        return HttpResponse("secret")

    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/reveal/")
    request.user = AnonymousUser()
    assert reveal(request)["Location"] == "/accounts/login/?next=/reveal/"
