"""The security settings, with their defaults (settings.py documents them)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings


def _int(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def account_failure_limit() -> int:
    """Failures of one account within the window that lock it."""
    return _int("BANHAO_LOGIN_FAILURE_LIMIT", 5)


def address_failure_limit() -> int:
    """Failures from one client address within the window that throttle it."""
    return _int("BANHAO_LOGIN_ADDRESS_FAILURE_LIMIT", 20)


def failure_window() -> dt.timedelta:
    return dt.timedelta(minutes=_int("BANHAO_LOGIN_FAILURE_WINDOW_MINUTES", 15))


def lock_duration() -> dt.timedelta:
    return dt.timedelta(minutes=_int("BANHAO_LOGIN_LOCK_MINUTES", 15))


def staff_idle_timeout() -> dt.timedelta:
    return dt.timedelta(minutes=_int("BANHAO_STAFF_IDLE_MINUTES", 30))


def session_max_age() -> dt.timedelta:
    """However active, a session ends this long after its login (SESSION_COOKIE_AGE)."""
    return dt.timedelta(seconds=_int("SESSION_COOKIE_AGE", 8 * 3600))


def mfa_issuer() -> str:
    """The issuer an authenticator app shows next to the account."""
    return str(getattr(settings, "BANHAO_MFA_ISSUER", "办好"))
