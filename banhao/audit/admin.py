from typing import Any, TypeVar

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from banhao.accounts.roles import Role
from banhao.audit.models import AuditAnchor, AuditEntry

M = TypeVar("M", bound=models.Model)


def _is_audit_admin(request: HttpRequest) -> bool:
    """三权分立: only the 审计管理员 reads the audit log — not the 系统管理员, even as a
    superuser (banhao.accounts.roles)."""
    user = request.user
    return bool(user.is_authenticated and user.is_active and user.has_role(Role.AUDIT_ADMIN))


class ReadOnlyAdmin(admin.ModelAdmin[M]):
    """Read-only, and only for the audit admin."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_audit_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_audit_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin[AuditEntry]):
    list_display = (
        "seq",
        "at",
        "actor_label",
        "roles",
        "action",
        "object_type",
        "object_id",
        "address",
        "result",
    )
    list_filter = ("result", "action")
    search_fields = ("actor_label", "action", "object_id")
    date_hierarchy = "at"
    readonly_fields = ("prev_hash", "hash")


@admin.register(AuditAnchor)
class AuditAnchorAdmin(ReadOnlyAdmin[AuditAnchor]):
    list_display = ("seq", "pruned_at", "count", "cutoff", "hash")
