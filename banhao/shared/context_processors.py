from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    """Values every page needs: the bureau's name for headers and titles."""
    return {
        "site_name": getattr(settings, "BANHAO_SITE_NAME", "办好 · 一网通办"),
        "bureau_name": getattr(settings, "BANHAO_BUREAU_NAME", "邹平市行政审批服务局"),
    }
