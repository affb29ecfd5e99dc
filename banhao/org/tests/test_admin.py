"""Organisation admin: every write is audited; a centre in use cannot be deleted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from banhao.audit.models import AuditEntry
from banhao.org.models import Department, ServiceCentre, Window
from banhao.workcalendar.models import LocalClosure

pytestmark = pytest.mark.django_db


def _actions() -> list[str]:
    return list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))


def _centre(code: str = "zouping") -> ServiceCentre:
    return ServiceCentre.objects.create(code=code, name="邹平市政务服务中心", area_code="371681")


def _window_formset(
    prefix: str = "windows", rows: list[dict[str, str]] | None = None
) -> dict[str, str]:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows or [])),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows or []):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


def test_creating_changing_and_deleting_a_department_is_audited(admin_client: Client) -> None:
    response = admin_client.post(
        reverse("admin:org_department_add"), {"name": "市场监管局", "sort_order": "10"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    department = Department.objects.get(name="市场监管局")
    admin_client.post(
        reverse("admin:org_department_change", args=[department.pk]),
        {"name": "市场监督管理局", "sort_order": "10"},
    )
    admin_client.post(reverse("admin:org_department_delete", args=[department.pk]), {"post": "yes"})
    assert not Department.objects.exists()
    assert _actions() == ["org.department_create", "org.department_change", "org.department_delete"]
    change = AuditEntry.objects.get(action="org.department_change")
    assert change.details["fields"] == ["name"]
    assert change.object_type == "org.department" and change.actor_label == "admin"
    assert (
        AuditEntry.objects.get(action="org.department_delete").details["name"] == "市场监督管理局"
    )


def test_bulk_delete_and_list_edit_of_departments_are_audited(admin_client: Client) -> None:
    first = Department.objects.create(name="甲局")
    second = Department.objects.create(name="乙局")
    changelist = reverse("admin:org_department_changelist")
    admin_client.post(
        changelist,
        {
            "form-TOTAL_FORMS": "2",
            "form-INITIAL_FORMS": "2",
            "form-0-id": str(first.pk),
            "form-0-sort_order": "1",
            "form-1-id": str(second.pk),
            "form-1-sort_order": "100",
            "_save": "保存",
        },
    )
    first.refresh_from_db()
    assert first.sort_order == 1
    admin_client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )
    assert not Department.objects.exists()
    assert _actions().count("org.department_change") == 1
    assert _actions().count("org.department_delete") == 2


def test_centre_and_its_windows_are_audited(admin_client: Client) -> None:
    data = {"code": "zouping", "name": "邹平市政务服务中心", "area_code": "371681"}
    data |= _window_formset(rows=[{"number": "A01", "name": "综合受理", "kind": "comprehensive"}])
    response = admin_client.post(reverse("admin:org_servicecentre_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    centre = ServiceCentre.objects.get()
    assert centre.windows.count() == 1
    assert _actions() == ["org.servicecentre_create", "org.window_create"]
    window = centre.windows.get()
    admin_client.post(
        reverse("admin:org_window_change", args=[window.pk]),
        {
            "service_centre": centre.pk,
            "number": "A01",
            "name": "综合受理窗口",
            "kind": "comprehensive",
            "is_active": "on",
        },
    )
    admin_client.post(reverse("admin:org_window_delete", args=[window.pk]), {"post": "yes"})
    assert not Window.objects.exists()
    assert _actions()[-2:] == ["org.window_change", "org.window_delete"]
    admin_client.post(reverse("admin:org_servicecentre_delete", args=[centre.pk]), {"post": "yes"})
    assert not ServiceCentre.objects.exists()
    assert _actions()[-1] == "org.servicecentre_delete"


@pytest.mark.parametrize("used_by", ["department", "window", "closure"])
def test_a_centre_in_use_cannot_be_deleted(admin_client: Client, used_by: str) -> None:
    centre = _centre()
    if used_by == "department":
        Department.objects.create(name="市场监管局", service_centre=centre)
    elif used_by == "window":
        Window.objects.create(service_centre=centre, number="A01", name="综合受理")
    else:
        LocalClosure.objects.create(service_centre=centre, day=dt.date(2026, 5, 6), reason="停电")
    url = reverse("admin:org_servicecentre_delete", args=[centre.pk])
    page = admin_client.get(url).content.decode()
    assert "不能删除" in page or "protected" in page.lower() or "受保护" in page
    admin_client.post(url, {"post": "yes"})
    assert ServiceCentre.objects.filter(pk=centre.pk).exists()
    admin_client.post(
        reverse("admin:org_servicecentre_changelist"),
        {"action": "delete_selected", "_selected_action": [centre.pk], "post": "yes"},
    )
    assert ServiceCentre.objects.filter(pk=centre.pk).exists()
    assert "org.servicecentre_delete" not in _actions()
    if used_by == "closure":
        assert LocalClosure.objects.filter(service_centre=centre).exists()
