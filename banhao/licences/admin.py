"""Licences in the admin are read-only: issuing and every lifecycle operation go through the
services (seal, audit). The seal keys are not in the admin at all (``manage.py seal_keys``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from banhao.licences.models import Licence, LicenceType


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LicenceType)
class LicenceTypeAdmin(ReadOnlyAdmin):
    list_display = ("name", "type_code", "service_item", "validity_years", "is_active")
    fields = (
        "name",
        "type_code",
        "service_item",
        "defining_authority",
        "validity_years",
        "face_fields",
        "reusable_for_materials",
        "is_active",
    )
    readonly_fields = fields


@admin.register(Licence)
class LicenceAdmin(ReadOnlyAdmin):
    # No holder columns: personal data is seen in the role-gated pages, masked.
    list_display = ("identifier", "name", "version", "status", "issued_on", "valid_to")
    list_filter = ("status", "licence_type")
    search_fields = ("identifier", "number")
    fields = (
        "identifier",
        "name",
        "number",
        "version",
        "status",
        "status_reason",
        "issuer_name",
        "issued_on",
        "valid_from",
        "valid_to",
        "seal_key",
        "document_sm3",
    )
    readonly_fields = fields
