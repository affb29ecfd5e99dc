"""Notifications: one row per recipient and channel.

In-app rows are the user's message box. SMS and e-mail rows are the outbox: no gateway exists
yet, so a sender records the delivery (status, time, masked recipient) and the log line. Rows
are written only by ``banhao.notifications.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Channel(models.TextChoices):
        IN_APP = "in_app", _("站内消息")
        SMS = "sms", _("短信")
        EMAIL = "email", _("电子邮件")

    class Status(models.TextChoices):
        QUEUED = "queued", _("待发送")  # created; a delivery task is (or will be) enqueued
        SENT = "sent", _("已发送")  # the channel's sender accepted it (in-app: delivered)
        FAILED = "failed", _("发送失败")  # permanent failure, reason in ``error``

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    # A path inside the platform ("/cases/…"), never an external URL.
    link = models.CharField(_("链接"), max_length=500, blank=True)
    # 办件编号; a plain string until the cases app exists.
    case_number = models.CharField(_("办件编号"), max_length=64, blank=True, db_index=True)
    # Where an SMS or e-mail went, masked (138****5678); the full address is never stored here.
    recipient_masked = models.CharField(_("接收地址（脱敏）"), max_length=100, blank=True)
    error = models.CharField(_("失败原因"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息通知")
        verbose_name_plural = _("消息通知")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient", "channel", "status", "read_at"],
                name="notif_inbox_idx",
            ),
            models.Index(fields=["status", "created_at"], name="notif_status_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="notif_sent_has_sent_at",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=["in_app", "sms", "email"]),
                name="notif_channel_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} #{self.pk} {self.title}"
