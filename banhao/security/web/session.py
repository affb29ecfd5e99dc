"""What the session knows about its authentication, kept under ``banhao_security_*`` keys:

* ``…login_at`` — when the password login happened (epoch seconds); set by every ``login()``;
* ``…seen_at`` — the last request of a staff session (written at most once a minute, by the
  middleware);
* ``…auth_at`` — the last full authentication: the login with every factor (the password
  for applicants, the second step for staff) or a re-authentication;
* ``…mfa_user`` / ``…mfa_device`` — the user and the device that passed the second factor.

Every ``login()`` starts over: the second factor of an earlier login in the same session does
not carry over.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest

from banhao.security.access import mfa_required
from banhao.security.models import MfaDevice
from banhao.shared import clock

LOGIN_AT = "banhao_security_login_at"
SEEN_AT = "banhao_security_seen_at"
AUTH_AT = "banhao_security_auth_at"
MFA_USER = "banhao_security_mfa_user"
MFA_DEVICE = "banhao_security_mfa_device"


def now_ts() -> float:
    return clock.now().timestamp()


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address as audited and counted for the login throttle: REMOTE_ADDR,
    or — behind ``BANHAO_TRUSTED_PROXIES`` reverse proxies — the ``X-Forwarded-For`` entry
    the outermost trusted proxy appended (the rule of ``banhao.shared.http``'s rate limits).
    ``None`` when it is not an IP address."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = int(getattr(settings, "BANHAO_TRUSTED_PROXIES", 0))
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ip)


def session_stamp_on_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """``user_logged_in`` receiver: a new login starts the clocks and forgets any second factor
    of an earlier login. An applicant is fully authenticated by the password alone."""
    session = getattr(request, "session", None)
    if session is None:
        return
    now = now_ts()
    for key in (MFA_USER, MFA_DEVICE, AUTH_AT):
        session.pop(key, None)
    session[LOGIN_AT] = now
    session[SEEN_AT] = now
    if not mfa_required(user):
        session[AUTH_AT] = now


def mark_mfa_verified(request: HttpRequest, device: MfaDevice) -> None:
    """The second factor passed: the session is fully authenticated (a new session key, as
    at any change of privilege)."""
    session = request.session
    session.cycle_key()
    session[MFA_USER] = device.user_id
    session[MFA_DEVICE] = device.pk
    session[AUTH_AT] = now_ts()


def mark_reauthenticated(request: HttpRequest) -> None:
    request.session[AUTH_AT] = now_ts()


def mfa_verified(session: SessionBase, user: Any) -> bool:
    """Whether this session passed the second factor for ``user`` with a device that is still
    confirmed (a security admin's reset ends it)."""
    if session.get(MFA_USER) != user.pk or session.get(MFA_DEVICE) is None:
        return False
    return MfaDevice.objects.filter(
        pk=session[MFA_DEVICE], user_id=user.pk, confirmed_at__isnull=False
    ).exists()


def seconds_since_auth(session: SessionBase) -> float | None:
    auth_at = session.get(AUTH_AT)
    if auth_at is None:
        return None
    return now_ts() - float(auth_at)


#: Set on the request by the middleware when it ends a session, so that the logout is audited
#: as ``security.session_ended`` with this reason ("idle" or "expired").
END_REASON_ATTR = "_banhao_session_end_reason"


def audit_logout(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """``user_logged_out`` receiver: a logout, or a session the middleware ended, is a
    security event too."""
    if user is None or not getattr(user, "is_authenticated", False):
        return
    from banhao.audit.services import audit_record

    reason = getattr(request, END_REASON_ATTR, None)
    audit_record(
        actor=user,
        action="security.session_ended" if reason else "security.logout",
        obj=user,
        address=client_address(request),
        details={"reason": reason} if reason else None,
    )
