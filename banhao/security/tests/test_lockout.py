"""Login failures: an account locks after 5 within 15 minutes, an address is throttled after
20; both for 15 minutes, configurable; every failure and lock is audited without the
password."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.test import Client, override_settings

from banhao.audit.models import AuditEntry
from banhao.security.models import LoginAttempt
from banhao.security.selectors import account_lock, address_lock

from .conftest import PASSWORD, People, actions, login_post

WRONG = "Wrong-guess-123"
LOCKED = "登录失败次数过多，请 15 分钟后再试"


def _fail(client: Client, username: str, times: int) -> None:
    for _ in range(times):
        response = login_post(client, username, WRONG)
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session


def test_five_failures_lock_the_account_for_fifteen_minutes(people: People, frozen: Any) -> None:
    client = Client()
    _fail(client, "zhangsan", 4)
    assert account_lock("zhangsan") is None
    response = login_post(client, "zhangsan", WRONG)
    assert LOCKED in response.content.decode()
    # Locked: even the right password is refused, without being checked.
    response = login_post(client, "zhangsan", PASSWORD)
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session
    frozen.shift(dt.timedelta(minutes=10))
    assert "请 5 分钟后再试" in login_post(client, "zhangsan", PASSWORD).content.decode()
    frozen.shift(dt.timedelta(minutes=5, seconds=1))
    assert login_post(client, "zhangsan", PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(people.applicant.pk)


def test_a_lock_is_per_account_and_case_insensitive(people: People) -> None:
    client = Client()
    _fail(client, "ZhangSan", 5)
    assert account_lock("zhangsan") is not None
    assert login_post(Client(), "chuangkou").status_code == 302  # another account logs in


def test_unknown_usernames_lock_like_known_ones(people: People) -> None:
    _fail(Client(), "nobody", 5)
    assert account_lock("nobody") is not None


def test_a_success_clears_the_count(people: People) -> None:
    client = Client()
    _fail(client, "zhangsan", 4)
    assert login_post(client, "zhangsan").status_code == 302
    client.post("/accounts/logout/")
    _fail(client, "zhangsan", 4)
    assert account_lock("zhangsan") is None


def test_failures_older_than_the_window_do_not_count(people: People, frozen: Any) -> None:
    client = Client()
    _fail(client, "zhangsan", 4)
    frozen.shift(dt.timedelta(minutes=16))
    _fail(client, "zhangsan", 4)
    assert account_lock("zhangsan") is None


def test_failures_and_the_lock_are_audited_without_the_password(people: People) -> None:
    client = Client(REMOTE_ADDR="10.1.2.3")
    _fail(client, "zhangsan", 5)
    login_post(client, "zhangsan", PASSWORD)  # refused while locked
    assert actions() == ["security.login_failed"] * 5 + [
        "security.account_locked",
        "security.login_refused",
    ]
    failures = AuditEntry.objects.filter(action__startswith="security.login_")
    for entry in failures:
        assert entry.actor is None
        assert entry.address == "10.1.2.3"
        assert entry.details["username"] == "zhangsan"
    locked = AuditEntry.objects.get(action="security.account_locked")
    assert locked.result == AuditEntry.Result.REFUSED
    dumped = json.dumps(list(AuditEntry.objects.values("details")), ensure_ascii=False)
    assert WRONG not in dumped and PASSWORD not in dumped


def test_twenty_failures_from_one_address_throttle_it(
    people: People, frozen: Any, no_rate_limits: Any
) -> None:
    attacker = Client(REMOTE_ADDR="10.9.9.9")
    for index in range(20):  # spread over many names: no account reaches its own limit
        login_post(attacker, f"guess{index % 10}", WRONG)
    assert address_lock("10.9.9.9") is not None
    response = login_post(attacker, "chuangkou", PASSWORD)
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in attacker.session
    # Another address is not affected.
    assert login_post(Client(REMOTE_ADDR="10.9.9.10"), "chuangkou").status_code == 302
    throttled = AuditEntry.objects.get(action="security.address_throttled")
    assert throttled.address == "10.9.9.9"
    frozen.shift(dt.timedelta(minutes=15, seconds=1))
    assert login_post(attacker, "chuangkou").status_code == 302


@override_settings(
    BANHAO_LOGIN_FAILURE_LIMIT=2,
    BANHAO_LOGIN_LOCK_MINUTES=5,
    BANHAO_LOGIN_ADDRESS_FAILURE_LIMIT=3,
)
def test_the_limits_are_configurable(people: People) -> None:
    client = Client(REMOTE_ADDR="10.0.0.7")
    _fail(client, "zhangsan", 2)
    assert "请 5 分钟后再试" in login_post(client, "zhangsan").content.decode()
    login_post(client, "someone", WRONG)  # the third failure from this address
    assert address_lock("10.0.0.7") is not None


def test_attempts_are_recorded_with_the_typed_name(people: People) -> None:
    client = Client()
    login_post(client, "  ZhangSan ", WRONG)
    login_post(client, "zhangsan")
    rows = list(LoginAttempt.objects.order_by("id").values_list("username", "result", "cleared"))
    assert rows == [("zhangsan", "failed", True), ("zhangsan", "succeeded", False)]


def test_the_admin_login_page_is_the_platforms_login(people: People) -> None:
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/"


def test_old_attempts_are_pruned_daily(people: People, frozen: Any) -> None:
    import banhao.security.tasks  # noqa: F401
    from banhao.security.services import login_attempts_prune
    from banhao.shared.jobs import periodic_registry

    login_post(Client(), "zhangsan", WRONG)
    frozen.shift(dt.timedelta(days=91))
    login_post(Client(), "zhangsan", WRONG)
    assert login_attempts_prune() == 1
    assert LoginAttempt.objects.count() == 1
    assert AuditEntry.objects.filter(action="security.login_attempts_pruned").count() == 1
    jobs = {job.name: job.every_seconds for job in periodic_registry}
    assert jobs["security.prune_login_attempts"] == 86400
