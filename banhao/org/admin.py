"""Admin for the organisation: service centres, their windows and departments."""

from __future__ import annotations

from django.contrib import admin

from banhao.org.models import Department, ServiceCentre, Window


class WindowInline(admin.TabularInline[Window, ServiceCentre]):
    model = Window
    extra = 0
    fields = ("number", "name", "kind", "is_active")


@admin.register(ServiceCentre)
class ServiceCentreAdmin(admin.ModelAdmin[ServiceCentre]):
    list_display = ("code", "name", "area_code", "phone")
    search_fields = ("code", "name")
    inlines = (WindowInline,)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin[Department]):
    list_display = ("name", "short_name", "uscc", "source_code", "service_centre", "sort_order")
    list_filter = ("service_centre",)
    search_fields = ("name", "short_name", "uscc", "source_code")
    list_editable = ("sort_order",)


@admin.register(Window)
class WindowAdmin(admin.ModelAdmin[Window]):
    list_display = ("number", "name", "kind", "service_centre", "is_active")
    list_filter = ("service_centre", "kind", "is_active")
    search_fields = ("number", "name")
