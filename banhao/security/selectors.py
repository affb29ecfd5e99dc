"""Reads: lock state of accounts and addresses, the security admin's user list, the audit log
search."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet

from banhao.accounts.models import User
from banhao.audit.models import AuditEntry
from banhao.security import conf
from banhao.security.models import LoginAttempt, MfaDevice, RecoveryCode
from banhao.shared import clock


def normalise_username(username: str) -> str:
    return username.strip().lower()[:150]


@dataclass(frozen=True)
class Lock:
    """A lock in force: on an account (``scope="account"``) or a client address."""

    scope: str
    until: dt.datetime

    def minutes_left(self, now: dt.datetime | None = None) -> int:
        seconds = (self.until - (now or clock.now())).total_seconds()
        return max(1, math.ceil(seconds / 60))

    @property
    def message(self) -> str:
        return f"登录失败次数过多，请 {self.minutes_left()} 分钟后再试"


def _lock_of(failures: QuerySet[LoginAttempt], *, limit: int, scope: str) -> Lock | None:
    """A lock while ``limit`` or more failures fall within the window and the last of them is
    less than the lock duration ago."""
    now = clock.now()
    recent = failures.filter(at__gt=now - conf.failure_window()).aggregate(
        count=Count("id"), last=Max("at")
    )
    if recent["count"] < limit or recent["last"] is None:
        return None
    until = recent["last"] + conf.lock_duration()
    return Lock(scope=scope, until=until) if until > now else None


def account_lock(username: str) -> Lock | None:
    """The lock on the account ``username`` (known or not), if any."""
    failures = LoginAttempt.objects.filter(
        username=normalise_username(username), result=LoginAttempt.Result.FAILED, cleared=False
    )
    return _lock_of(failures, limit=conf.account_failure_limit(), scope="account")


def address_lock(address: str | None) -> Lock | None:
    """The throttle on the client ``address``, if any."""
    if not address:
        return None
    failures = LoginAttempt.objects.filter(address=address, result=LoginAttempt.Result.FAILED)
    return _lock_of(failures, limit=conf.address_failure_limit(), scope="address")


def login_lock(username: str, address: str | None) -> Lock | None:
    """The lock that refuses a login of ``username`` from ``address`` now, if any."""
    return address_lock(address) or account_lock(username)


def mfa_device_confirmed(user: User) -> MfaDevice | None:
    return MfaDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


# -- the security admin's pages ----------------------------------------------------------------


def user_security_list(*, query: str = "", status: str = "") -> QuerySet[User]:
    """Accounts for the security admin: ``query`` matches username or name; ``status`` is
    ``staff``, ``inactive`` or ``no_mfa`` (staff without a confirmed device)."""
    users = User.objects.order_by("username").prefetch_related("groups")
    query = query.strip()
    if query:
        users = users.filter(Q(username__icontains=query) | Q(display_name__icontains=query))
    staff = Q(kind=User.Kind.STAFF) | Q(is_staff=True) | Q(is_superuser=True)
    if status == "staff":
        users = users.filter(staff)
    elif status == "inactive":
        users = users.filter(is_active=False)
    elif status == "no_mfa":
        users = users.filter(staff).exclude(mfa_device__confirmed_at__isnull=False)
    result: QuerySet[User] = users.select_related("mfa_device")
    return result


# -- the audit log ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    actor: str = ""
    result: str = ""
    object_id: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def audit_entry_search(filters: AuditFilters) -> QuerySet[AuditEntry]:
    """Audit entries, newest first: ``action`` is a prefix (``security.`` finds every security
    event), ``actor`` the actor's username, dates are in the bureau's time zone, inclusive."""
    entries = AuditEntry.objects.order_by("-at", "-id")
    if filters.action:
        entries = entries.filter(action__startswith=filters.action.strip())
    if filters.actor:
        entries = entries.filter(actor_label=filters.actor.strip())
    if filters.result:
        entries = entries.filter(result=filters.result)
    if filters.object_id:
        entries = entries.filter(object_id=filters.object_id.strip())
    if filters.date_from:
        entries = entries.filter(at__gte=_day_start(filters.date_from))
    if filters.date_to:
        entries = entries.filter(at__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    return entries


def _day_start(day: dt.date) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
