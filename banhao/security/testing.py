"""Test helpers for logging in past the second factor.

Staff pages need a session that passed TOTP (``SessionSecurityMiddleware``), so
``client.force_login(staff)`` alone now leads to the second-step page. Tests use::

    from banhao.security.testing import login_staff

    login_staff(client, world.user("chuangkou"))   # then open staff pages as before

``login_staff`` is ``force_login`` plus what a real login with password and TOTP leaves in
the session: a confirmed TOTP device for the user (created if it has none) and the session
marked as verified and freshly authenticated. For an applicant it is just ``force_login``.
The root ``conftest.py`` makes pytest-django's ``admin_client`` use it.

Browser tests type a real code: ``totp_code(user)`` is the code the user's authenticator app
would show now (the next one if the current one was already used).
"""

from __future__ import annotations

import time
from typing import Any

import pyotp
from django.contrib.auth import SESSION_KEY

from banhao.accounts.models import User
from banhao.security.access import mfa_required
from banhao.security.models import MfaDevice
from banhao.security.web import session as sess
from banhao.shared import clock


def device_for(user: User) -> MfaDevice:
    """The user's confirmed TOTP device, created (confirmed) if there is none."""
    now = clock.now()
    device, _created = MfaDevice.objects.get_or_create(
        user=user,
        defaults={"secret": pyotp.random_base32(), "created_at": now, "confirmed_at": now},
    )
    if device.confirmed_at is None:
        device.confirmed_at = now
        device.save(update_fields=["confirmed_at"])
    return device


def login_staff(client: Any, user: User) -> None:
    """Log ``user`` in on the test ``client`` as after password + TOTP (see the module doc)."""
    client.force_login(user)
    if not mfa_required(user):
        return
    device = device_for(user)
    session = client.session
    assert session[SESSION_KEY] == str(user.pk)
    session[sess.MFA_USER] = user.pk
    session[sess.MFA_DEVICE] = device.pk
    session[sess.AUTH_AT] = sess.now_ts()
    session.save()


def totp_code(user: User) -> str:
    """The code the user's authenticator app shows now — or the next time step's code if this
    one was already used (codes are accepted one step early or late, each step once)."""
    device = MfaDevice.objects.get(user=user)
    generator = pyotp.TOTP(device.secret)
    now = clock.now()
    offset = max(0, device.last_timecode - generator.timecode(now) + 1)
    if offset > 1:  # two steps ahead would be refused: wait for the next time step
        time.sleep(generator.interval - now.timestamp() % generator.interval + 0.1)
        return totp_code(user)
    return generator.at(now, counter_offset=offset)
