"""Reads on notifications."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from banhao.accounts.models import User
from banhao.notifications.models import Notification


def _inbox(user: User) -> QuerySet[Notification]:
    # The message box shows delivered in-app notifications; SMS/e-mail rows are the outbox.
    return Notification.objects.filter(
        recipient=user,
        channel=Notification.Channel.IN_APP,
        status=Notification.Status.SENT,
    )


def notification_list_for_user(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's in-app messages, newest first."""
    messages = _inbox(user)
    if unread_only:
        messages = messages.filter(read_at__isnull=True)
    return messages.order_by("-created_at", "-id")


def notification_unread_count(*, user: User) -> int:
    """How many of the user's in-app messages are unread."""
    return _inbox(user).filter(read_at__isnull=True).count()


def notification_ids_stale_queued(*, before: dt.datetime, limit: int = 500) -> list[int]:
    """IDs of notifications still queued that were created before ``before``, oldest first."""
    return list(
        Notification.objects.filter(status=Notification.Status.QUEUED, created_at__lt=before)
        .order_by("created_at", "id")
        .values_list("id", flat=True)[:limit]
    )
