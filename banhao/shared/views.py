"""Site-wide views: the home page and the health check."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


def healthz(request: HttpRequest) -> JsonResponse:
    """200 with a small status when the database answers and calendar years are loaded."""
    from banhao.workcalendar.selectors import calendar_years_status

    checks: dict[str, object] = {}
    healthy = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = {"ok": True, "vendor": connection.vendor}
    except Exception as exc:
        healthy = False
        checks["database"] = {"ok": False, "error": exc.__class__.__name__}
    if healthy:
        years = calendar_years_status()
        checks["calendar"] = {
            "ok": bool(years["confirmed"]),
            "confirmed_years": years["confirmed"],
            "provisional_years": years["provisional"],
        }
        healthy = bool(years["confirmed"])
    return JsonResponse(
        {"status": "ok" if healthy else "unhealthy", "checks": checks},
        status=200 if healthy else 503,
        json_dumps_params={"ensure_ascii": False},
    )
