"""Admin for the organisation: service centres, their windows and departments.

Every write made here is audited (``org.<model>_create/_change/_delete``), including windows
edited inline on the centre page and list edits. A centre that still has departments,
windows, staff, cases (all ``PROTECT``) or local closures (which would go by cascade) cannot
be deleted: the confirmation page lists what is in the way.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet
from django.http import HttpRequest

from banhao.audit.services import audit_record
from banhao.org.models import Department, ServiceCentre, Window


def _actor(request: HttpRequest) -> Any:
    return request.user if request.user.is_authenticated else None


def _audit(
    request: HttpRequest, obj: models.Model, verb: str, *, pk: Any = None, **details: Any
) -> None:
    """Action ``<app>.<model>_<verb>``; ``pk`` names a row that is already deleted (its
    instance has lost its pk)."""
    audit_record(
        actor=_actor(request),
        action=f"{obj._meta.app_label}.{obj._meta.model_name}_{verb}",
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk if pk is None else pk),
        details={"name": str(obj), **details},
    )


M = TypeVar("M", bound=models.Model)


class AuditedModelAdmin(admin.ModelAdmin[M]):
    """Records an audit entry (``<app>.<model>_create/_change/_delete``) for every save and
    delete made through this admin, inline rows included. (The catalogue's reference data
    admin uses it too.)"""

    def save_model(self, request: HttpRequest, obj: M, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        _audit(request, obj, "change" if change else "create", fields=list(form.changed_data))

    def delete_model(self, request: HttpRequest, obj: M) -> None:
        _audit(request, obj, "delete")
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[M]) -> None:
        for obj in queryset:
            _audit(request, obj, "delete")
        super().delete_queryset(request, queryset)

    def save_formset(
        self,
        request: HttpRequest,
        form: Any,
        formset: BaseInlineFormSet[Any, Any, Any],
        change: bool,
    ) -> None:
        """Inline rows (windows of a centre) are audited one by one."""
        deleting = {id(f.instance): f.instance.pk for f in formset.deleted_forms}
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            _audit(request, obj, "create")
        for obj, fields in formset.changed_objects:
            _audit(request, obj, "change", fields=list(fields))
        for obj in formset.deleted_objects:
            _audit(request, obj, "delete", pk=deleting.get(id(obj)))


class WindowInline(admin.TabularInline[Window, ServiceCentre]):
    model = Window
    extra = 0
    fields = ("number", "name", "kind", "is_active")


@admin.register(ServiceCentre)
class ServiceCentreAdmin(AuditedModelAdmin[ServiceCentre]):
    list_display = ("code", "name", "area_code", "phone")
    search_fields = ("code", "name")
    inlines = (WindowInline,)

    def get_deleted_objects(
        self, objs: Any, request: HttpRequest
    ) -> tuple[list[Any], dict[Any, Any], set[Any], list[Any]]:
        """Local closures are deleted by cascade; they must not vanish with the centre, so
        they are listed as protected like the ``PROTECT`` relations."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        protected = list(protected) + [
            f"{centre}：本地闭厅日 {count} 天（请先删除）"
            for centre, count in _closure_counts(objs)
            if count
        ]
        return deleted, counts, perms_needed, protected


def _closure_counts(centres: Iterable[ServiceCentre]) -> list[tuple[ServiceCentre, int]]:
    ids = [centre.pk for centre in centres]
    annotated = ServiceCentre.objects.filter(pk__in=ids).annotate(n=models.Count("closures"))
    return [(centre, centre.n) for centre in annotated]


@admin.register(Department)
class DepartmentAdmin(AuditedModelAdmin[Department]):
    list_display = ("name", "short_name", "uscc", "source_code", "service_centre", "sort_order")
    list_filter = ("service_centre",)
    search_fields = ("name", "short_name", "uscc", "source_code")
    list_editable = ("sort_order",)


@admin.register(Window)
class WindowAdmin(AuditedModelAdmin[Window]):
    list_display = ("number", "name", "kind", "service_centre", "is_active")
    list_filter = ("service_centre", "kind", "is_active")
    search_fields = ("number", "name")
