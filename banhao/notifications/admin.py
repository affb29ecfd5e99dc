"""Read-only admin: the message box and the SMS/e-mail outbox. Writes go through services."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from banhao.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = [
        "id",
        "channel",
        "status",
        "recipient",
        "recipient_masked",
        "title",
        "case_number",
        "created_at",
        "sent_at",
        "read_at",
    ]
    list_filter = ["channel", "status"]
    search_fields = ["case_number", "title"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return False
