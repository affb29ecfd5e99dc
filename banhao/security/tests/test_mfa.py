"""Staff two-factor authentication: enrolment (QR + secret) → confirm → recovery codes; the
second step with a TOTP or recovery code; staff blocked until it passed, applicants never."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client, override_settings

from banhao.audit.models import AuditEntry
from banhao.security.models import MfaDevice, RecoveryCode
from banhao.security.selectors import account_lock
from banhao.security.testing import login_staff

from .conftest import PASSWORD, People, actions, code_now, login_post

WINDOW_QUEUE = "/cases/staff/window/"
ENROL = "/security/mfa/enrol/"
VERIFY = "/security/mfa/verify/"


def _enrol(client: Client, people: People) -> list[str]:
    """Log the clerk in with the password and enrol a device; returns the recovery codes."""
    response = login_post(client, "chuangkou")
    assert response.status_code == 302
    assert response["Location"] == f"{ENROL}?next=%2F"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "<path" in html  # the QR code, drawn inline
    device = MfaDevice.objects.get(user=people.clerk)
    assert device.confirmed_at is None
    grouped = " ".join(device.secret[i : i + 4] for i in range(0, len(device.secret), 4))
    assert grouped in html  # the secret in text, for manual entry
    wrong = client.post(ENROL, {"code": "000000", "next": "/"})
    assert wrong.status_code == 422 and "动态口令不正确" in wrong.content.decode()
    done = client.post(ENROL, {"code": code_now(people.clerk), "next": "/"})
    assert done.status_code == 200
    codes = re.findall(r"<li>([A-Z2-9]{5}-[A-Z2-9]{5})</li>", done.content.decode())
    assert len(codes) == 10
    return codes


def test_enrolment_confirm_then_login_with_a_code(people: People, frozen: Any) -> None:
    client = Client()
    codes = _enrol(client, people)
    assert client.get(WINDOW_QUEUE).status_code == 200  # verified by the enrolment
    device = MfaDevice.objects.get(user=people.clerk)
    assert device.confirmed_at is not None
    assert RecoveryCode.objects.filter(user=people.clerk, used_at=None).count() == 10
    # Only keyed hashes are stored; the secret is encrypted at rest.
    stored = set(RecoveryCode.objects.values_list("code_hash", flat=True))
    assert not stored & {c.replace("-", "") for c in codes} and not stored & set(codes)
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM security_mfadevice")
        (raw,) = cursor.fetchone()
    assert raw.startswith("sm4gcm:") and device.secret not in raw

    client.post("/accounts/logout/")
    frozen.shift(dt.timedelta(minutes=2))
    data_next = "/cases/staff/window/"
    response = client.post(
        f"/accounts/login/?next={data_next}", {"username": "chuangkou", "password": PASSWORD}
    )
    assert response["Location"] == f"{VERIFY}?next=%2Fcases%2Fstaff%2Fwindow%2F"
    assert client.get(WINDOW_QUEUE)["Location"].startswith(VERIFY)  # blocked until then
    wrong = client.post(VERIFY, {"code": "123456", "next": data_next})
    assert wrong.status_code == 422 and "动态口令或恢复码不正确" in wrong.content.decode()
    response = client.post(VERIFY, {"code": code_now(people.clerk), "next": data_next})
    assert response.status_code == 302 and response["Location"] == data_next
    assert client.get(WINDOW_QUEUE).status_code == 200
    assert "security.mfa_verified" in actions()


def test_a_code_works_once(people: People, frozen: Any) -> None:
    client = Client()
    _enrol(client, people)
    used_at_enrolment = code_now(people.clerk)
    client.post("/accounts/logout/")
    login_post(client, "chuangkou")
    replay = client.post(VERIFY, {"code": used_at_enrolment})
    assert replay.status_code == 422  # the same time step again
    # The next time step's code (an authenticator a little ahead) is accepted.
    assert client.post(VERIFY, {"code": code_now(people.clerk, step=1)}).status_code == 302


def test_a_recovery_code_works_once(people: People, frozen: Any) -> None:
    client = Client()
    codes = _enrol(client, people)
    client.post("/accounts/logout/")
    login_post(client, "chuangkou")
    response = client.post(VERIFY, {"code": codes[3].lower().replace("-", " ")}, follow=True)
    assert "还剩 9 个恢复码" in response.content.decode()
    assert client.get(WINDOW_QUEUE).status_code == 200
    entry = AuditEntry.objects.filter(action="security.mfa_verified").latest("id")
    assert entry.details["method"] == "recovery_code"
    assert codes[3] not in str(entry.details)
    client.post("/accounts/logout/")
    login_post(client, "chuangkou")
    assert client.post(VERIFY, {"code": codes[3]}).status_code == 422
    assert client.post(VERIFY, {"code": codes[4]}).status_code == 302


def test_wrong_codes_lock_the_account_and_end_the_session(people: People) -> None:
    login_staff(Client(), people.clerk)  # a device
    client = Client()
    login_post(client, "chuangkou")
    for _ in range(4):
        assert client.post(VERIFY, {"code": "000000"}).status_code == 422
    response = client.post(VERIFY, {"code": "000000"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session
    assert account_lock("chuangkou") is not None
    assert actions().count("security.mfa_failed") == 5


def test_a_known_password_does_not_reset_the_count_of_wrong_codes(people: People) -> None:
    login_staff(Client(), people.clerk)
    for _ in range(2):
        client = Client()
        login_post(client, "chuangkou")
        client.post(VERIFY, {"code": "000000"})
        client.post(VERIFY, {"code": "000001"})
    client = Client()
    assert login_post(client, "chuangkou").status_code == 302
    client.post(VERIFY, {"code": "000002"})
    assert account_lock("chuangkou") is not None


def test_staff_are_blocked_until_the_second_factor(people: People) -> None:
    login_staff(Client(), people.clerk)  # a device
    client = Client()
    client.force_login(people.clerk)  # the password step only
    for url in (WINDOW_QUEUE, "/", "/admin/", "/security/account/", "/items/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(VERIFY), url
    api = client.get("/api/v1/cases/")
    assert api.status_code == 401  # the API sees no session user
    assert client.get(VERIFY).status_code == 200
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session


def test_staff_without_a_device_are_sent_to_enrolment(people: People) -> None:
    client = Client()
    client.force_login(people.clerk)
    response = client.get(WINDOW_QUEUE)
    assert response["Location"] == f"{ENROL}?next=%2Fcases%2Fstaff%2Fwindow%2F"


def test_a_password_alone_cannot_enrol_another_device(people: People) -> None:
    login_staff(Client(), people.clerk)
    client = Client()
    login_post(client, "chuangkou")
    response = client.get(ENROL)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert client.post(ENROL, {"code": "123456"})["Location"].startswith(VERIFY)


def test_applicants_are_not_asked_for_a_second_factor(people: People) -> None:
    client = Client()
    response = login_post(client, "zhangsan")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/cases/mine/").status_code == 200
    assert client.get(ENROL).status_code == 302
    assert not MfaDevice.objects.exists()


def test_login_staff_helper_gives_a_verified_session(people: People) -> None:
    client = Client()
    login_staff(client, people.clerk)
    assert client.get(WINDOW_QUEUE).status_code == 200
    # And a new login in the same session forgets the second factor.
    client.force_login(people.clerk)
    assert client.get(WINDOW_QUEUE).status_code == 302


def test_own_recovery_codes_can_be_regenerated_after_reauth(people: People) -> None:
    client = Client()
    login_staff(client, people.clerk)
    old = set(RecoveryCode.objects.filter(user=people.clerk).values_list("code_hash", flat=True))
    page = client.get("/security/account/")
    assert "已启用" in page.content.decode()
    response = client.post("/security/account/recovery-codes/")
    assert response.status_code == 200
    assert len(re.findall(r"<li>[A-Z2-9]{5}-[A-Z2-9]{5}</li>", response.content.decode())) == 10
    new = set(RecoveryCode.objects.filter(user=people.clerk).values_list("code_hash", flat=True))
    assert len(new) == 10 and not new & old


def test_demo_totp_prints_a_code_outside_production(people: People) -> None:
    with pytest.raises(CommandError, match="还没有动态口令"):
        call_command("demo_totp", "chuangkou", stdout=StringIO())
    client = Client()
    login_post(client, "chuangkou")
    client.get(ENROL)  # enrolment started: a pending device
    out = StringIO()
    call_command("demo_totp", "chuangkou", stdout=out)
    assert client.post(ENROL, {"code": out.getvalue().strip()}).status_code == 200
    with override_settings(IS_PRODUCTION=True), pytest.raises(CommandError, match="生产环境"):
        call_command("demo_totp", "chuangkou", stdout=StringIO())
