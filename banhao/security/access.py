"""Who is what, for the security rules."""

from __future__ import annotations

from typing import Any

from banhao.accounts.models import User
from banhao.accounts.roles import Role


def mfa_required(user: Any) -> bool:
    """Whether ``user`` must pass a second factor: every staff account (any staff role, the
    staff account kind, Django staff or superuser). Applicants are not forced to."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser or user.kind == User.Kind.STAFF:
        return True
    return bool(user.role_set() & Role.staff_roles())


def is_security_admin(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.has_role(Role.SECURITY_ADMIN))


def is_audit_admin(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.has_role(Role.AUDIT_ADMIN))
