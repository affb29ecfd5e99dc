"""Cases in the admin are read-only: state changes only happen through the services (the
state table, the clock, the audit). The admin is for looking things up."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from banhao.cases.models import Case, CaseEvent, CaseMaterial, ReviewTask


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline[Any, Any]):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MaterialInline(ReadOnlyInline):
    model = CaseMaterial
    fields = ("name", "is_required", "is_key", "status", "originals_received", "copies_received")
    readonly_fields = fields


class TaskInline(ReadOnlyInline):
    model = ReviewTask
    fields = ("department", "mode", "order", "state", "opinion", "decided_at", "due")
    readonly_fields = fields


class EventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ("seq", "step_name", "action", "actor_name", "unit_name", "opinion", "ended_at")
    readonly_fields = fields
    ordering = ("seq",)


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "item_version",
        "state",
        "channel",
        "applicant_name",
        "submitted_at",
        "promised_due",
    )
    list_filter = ("state", "channel", "service_centre")
    search_fields = ("number",)
    date_hierarchy = "created_at"
    list_select_related = ("item_version",)
    inlines = (MaterialInline, TaskInline, EventInline)
