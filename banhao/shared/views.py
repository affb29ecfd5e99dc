"""Site-wide views: the home page and the health check."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from banhao.catalog.choices import LimitUnit, ThemeAudience, time_limit_label
from banhao.catalog.selectors import (
    department_list_with_counts,
    item_type_counts,
    theme_list,
    version_list_in_force,
)


def home(request: HttpRequest) -> HttpResponse:
    """Entry page: search, themes, departments, item types and 热门事项.

    热门事项 are the curated, fully described demo items (``data_source == "demo"``, see
    ``banhao.catalog.demo``) in force today.
    """
    themes = [theme for theme in theme_list() if theme.item_count]  # type: ignore[attr-defined]
    types = item_type_counts()
    departments = sorted(
        (d for d in department_list_with_counts() if d.item_count),  # type: ignore[attr-defined]
        key=lambda d: (-d.item_count, d.sort_order, d.name),  # type: ignore[attr-defined]
    )[:8]
    popular = []
    for version in (
        version_list_in_force()
        .filter(data_source="demo")
        .select_related("item", "item__department")
        .order_by("item__code")[:9]
    ):
        promise = time_limit_label(version.promised_limit_amount, version.promised_limit_unit)
        if promise and version.promised_limit_unit != LimitUnit.IMMEDIATE:
            promise = _("承诺 %(limit)s") % {"limit": promise}
        popular.append((version, promise))
    context = {
        "person_themes": [t for t in themes if t.audience == ThemeAudience.PERSON],
        "legal_person_themes": [t for t in themes if t.audience == ThemeAudience.LEGAL_PERSON],
        "item_types": types,
        "total_items": sum(row.count for row in types),
        "departments": departments,
        "popular": popular,
    }
    return render(request, "home.html", context)


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
