"""Writes on notifications: send, deliver (the worker's side), mark read, requeue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import partial

from django.db import transaction

from banhao.accounts.models import User
from banhao.audit.models import AuditEntry
from banhao.audit.services import audit_record
from banhao.notifications.masking import mask_text
from banhao.notifications.models import Notification
from banhao.notifications.selectors import notification_ids_stale_queued
from banhao.notifications.senders import DeliveryFailed, sender_for
from banhao.shared import clock
from banhao.shared.errors import NotFound, ValidationFailed

#: A queued notification older than this has lost its delivery task (e.g. the process died
#: between commit and enqueue); the periodic sweep enqueues it again.
STALE_AFTER = dt.timedelta(minutes=5)

_OUTBOX_CHANNELS = frozenset({Notification.Channel.SMS, Notification.Channel.EMAIL})


def _enqueue_delivery(notification_id: int) -> None:
    # tasks.py sits above services (it calls them); importing it here, at call time, keeps
    # the module graph acyclic at import time.
    from banhao.notifications.tasks import deliver_notification

    deliver_notification.enqueue(notification_id)


def _clean_channels(channels: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    for channel in channels:
        if channel not in Notification.Channel.values:
            raise ValidationFailed(f"未知的发送渠道：{channel}", field="channels")
        if channel not in cleaned:
            cleaned.append(channel)
    if not cleaned:
        raise ValidationFailed("至少需要一个发送渠道", field="channels")
    return cleaned


def _clean_link(link: str) -> str:
    link = link.strip()
    # Only paths inside the platform: an absolute URL or "//host" would make a message an
    # open redirect to another site.
    if link and (not link.startswith("/") or link.startswith("//") or "\\" in link):
        raise ValidationFailed("链接必须是本平台内的路径（以 / 开头）", field="link")
    return link


@transaction.atomic
def notification_send(
    *,
    recipient: User,
    title: str,
    body: str,
    link: str = "",
    channels: Iterable[str] = ("in_app",),
    case_number: str = "",
    actor: User | None = None,
) -> list[Notification]:
    """Create one notification per channel and deliver each through the job queue after the
    surrounding transaction commits (nothing is delivered if it rolls back).

    SMS and e-mail rows are outbox records: mobile numbers and e-mail addresses inside their
    title and body are masked. Raises ``ValidationFailed`` for an empty title, an unknown
    channel or a link that is not a path inside the platform.
    """
    title = title.strip()
    if not title:
        raise ValidationFailed("标题不能为空", field="title")
    if len(title) > 200:
        raise ValidationFailed("标题不能超过 200 个字符", field="title")
    cleaned_channels = _clean_channels(channels)
    link = _clean_link(link)
    now = clock.now()
    created: list[Notification] = []
    for channel in cleaned_channels:
        outbox = channel in _OUTBOX_CHANNELS
        notification = Notification.objects.create(
            recipient=recipient,
            channel=channel,
            title=mask_text(title) if outbox else title,
            body=mask_text(body) if outbox else body,
            link=link,
            case_number=case_number.strip(),
            created_at=now,
        )
        audit_record(
            actor=actor,
            action="notifications.notification_send",
            obj=notification,
            details={
                "recipient_id": recipient.pk,
                "channel": channel,
                "case_number": notification.case_number,
            },
        )
        transaction.on_commit(partial(_enqueue_delivery, notification.pk), robust=True)
        created.append(notification)
    return created


def notification_deliver(*, notification_id: int) -> str:
    """Deliver one notification through its channel's sender, at most once.

    Returns the outcome: ``"sent"``, ``"failed"`` (``DeliveryFailed``: recorded with its
    reason), ``"skipped"`` (already sent or failed — redelivery is a no-op) or ``"missing"``.
    The row stays locked while the sender runs, so two workers cannot both send it. Any other
    exception propagates, rolls back and leaves the notification queued for the stale sweep.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None:
            return "missing"
        if notification.status != Notification.Status.QUEUED:
            return "skipped"
        try:
            delivery = sender_for(notification.channel).send(notification)
        except DeliveryFailed as exc:
            notification.status = Notification.Status.FAILED
            notification.error = mask_text(str(exc))[:500]
            result = AuditEntry.Result.FAILED
        else:
            notification.status = Notification.Status.SENT
            notification.sent_at = clock.now()
            notification.recipient_masked = delivery.recipient_masked
            result = AuditEntry.Result.OK
        notification.save(update_fields=["status", "error", "sent_at", "recipient_masked"])
        audit_record(
            actor=None,
            action="notifications.notification_deliver",
            obj=notification,
            result=result,
            details={
                "channel": notification.channel,
                "to": notification.recipient_masked,
                "error": notification.error,
            },
        )
        return notification.status


@transaction.atomic
def notification_mark_read(*, notification: Notification, actor: User) -> Notification:
    """Mark a notification read. Only its recipient may; for anyone else it does not exist
    (``NotFound``). Marking twice keeps the first reading time."""
    locked = Notification.objects.select_for_update().filter(pk=notification.pk).first()
    if locked is None or locked.recipient_id != actor.pk:
        raise NotFound("消息不存在")
    if locked.read_at is None:
        locked.read_at = clock.now()
        locked.save(update_fields=["read_at"])
        audit_record(actor=actor, action="notifications.notification_mark_read", obj=locked)
    return locked


def notification_requeue_stale(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Enqueue delivery again for notifications queued longer than ``STALE_AFTER``; returns
    how many. Safe to repeat: delivery is idempotent."""
    before = (now or clock.now()) - STALE_AFTER
    ids = notification_ids_stale_queued(before=before, limit=limit)
    for notification_id in ids:
        _enqueue_delivery(notification_id)
    return len(ids)
