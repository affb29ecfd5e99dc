from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    """Values every page needs: the bureau's name for headers and titles."""
    user = getattr(request, "user", None)
    roles: frozenset[str] = frozenset()
    if user is not None and user.is_authenticated and hasattr(user, "role_set"):
        roles = frozenset(role.value for role in user.role_set())
    return {
        "user_roles": roles,
        "site_name": getattr(settings, "BANHAO_SITE_NAME", "办好 · 一网通办"),
        "bureau_name": getattr(settings, "BANHAO_BUREAU_NAME", "邹平市行政审批服务局"),
    }
