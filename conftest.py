"""Shared pytest fixtures for the Django side."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent
SHIPPED_HOLIDAYS = sorted((ROOT / "data" / "holidays").glob("holiday-cn_*.json"))


def pytest_configure(config: Any) -> None:
    """Tests hash passwords with a fast hasher; real hashing strength is not under test here."""
    if not config.pluginmanager.hasplugin("django"):
        return  # core-only runs (-p no:django) have no Django settings
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_local_caches(request: Any) -> None:
    """Every test starts with empty in-process caches, so rate-limit counters
    (banhao.shared.http) never carry over from one test to the next."""
    if not request.config.pluginmanager.hasplugin("django"):
        return
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    for cache in caches.all():
        if isinstance(cache, LocMemCache):
            cache.clear()


@pytest.fixture
def holidays_loaded(db: Any) -> None:
    """The calendar table filled from the notices shipped in data/holidays/."""
    from banhao.workcalendar.services import holiday_notice_load

    for path in SHIPPED_HOLIDAYS:
        holiday_notice_load(
            document=json.loads(path.read_text(encoding="utf-8")), actor=None, source=path.name
        )


# -- browser journeys ------------------------------------------------------------------------
# Real headless Chromium from Debian's `chromium` package (.ci/run installs it); Playwright
# drives it through executable_path, so no browser is ever downloaded.

CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str | None:
    import shutil

    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def browser() -> Any:
    import os

    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed; .ci/run must install the chromium package")
        pytest.skip("Chromium not installed (apt-get install chromium) — browser journeys skipped")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from the
    # test body are still synchronous, so allow them.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    manager = sync_playwright().start()
    instance = manager.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
    yield instance
    instance.close()
    manager.stop()


@pytest.fixture
def page(browser: Any) -> Any:
    """A fresh browser tab in the bureau's locale and time zone."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


# -- staff logins past the second factor (banhao.security.testing) ---------------------------


@pytest.fixture
def admin_client(db: Any, admin_user: Any) -> Any:
    """pytest-django's ``admin_client``, logged in as after password + TOTP: staff pages need
    a session that passed the second factor (``banhao.security.testing.login_staff``)."""
    from django.test import Client

    from banhao.security.testing import login_staff

    client = Client()
    login_staff(client, admin_user)
    return client
