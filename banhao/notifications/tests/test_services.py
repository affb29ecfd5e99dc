from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

import pytest
import time_machine
from django_tasks_db.models import DBTaskResult

from banhao.accounts.models import User
from banhao.audit.models import AuditEntry
from banhao.notifications import senders
from banhao.notifications.models import Notification
from banhao.notifications.selectors import notification_unread_count
from banhao.notifications.services import (
    notification_deliver,
    notification_mark_read,
    notification_requeue_stale,
    notification_send,
)
from banhao.notifications.tasks import deliver_notification
from banhao.shared.errors import NotFound, ValidationFailed

pytestmark = pytest.mark.django_db

FULL_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
TASK_PATH = "banhao.notifications.tasks.deliver_notification"


def send(recipient: User, **overrides: Any) -> list[Notification]:
    arguments: dict[str, Any] = {
        "recipient": recipient,
        "title": "您的申请已受理",
        "body": "请留意后续审批进度。",
        "link": "/cases/ZP-2026-0001/",
        "case_number": "ZP-2026-0001",
    }
    arguments.update(overrides)
    return notification_send(**arguments)


def test_send_creates_one_queued_row_per_channel_and_enqueues_after_commit(
    applicant: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        rows = send(applicant, channels=("in_app", "sms", "email", "sms"))
        assert DBTaskResult.objects.count() == 0  # nothing before the commit

    assert [row.channel for row in rows] == ["in_app", "sms", "email"]
    assert {row.status for row in rows} == {Notification.Status.QUEUED}
    assert len(callbacks) == 3
    tasks = DBTaskResult.objects.order_by("enqueued_at")
    assert {task.task_path for task in tasks} == {TASK_PATH}
    # Tasks carry IDs, never objects.
    assert sorted(task.args_kwargs["args"][0] for task in tasks) == sorted(r.pk for r in rows)
    entries = AuditEntry.objects.filter(action="notifications.notification_send")
    assert entries.count() == 3
    assert entries.first().details["case_number"] == "ZP-2026-0001"  # type: ignore[union-attr]


def test_delivery_marks_in_app_sent_and_idempotent(
    applicant: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = send(applicant)

    assert deliver_notification.call(row.pk) == "sent"
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT
    assert row.sent_at is not None
    first_sent_at = row.sent_at

    # Redelivery (a duplicate task, a retry) changes nothing.
    assert deliver_notification.call(row.pk) == "skipped"
    row.refresh_from_db()
    assert row.sent_at == first_sent_at
    assert AuditEntry.objects.filter(action="notifications.notification_deliver").count() == 1
    assert notification_unread_count(user=applicant) == 1


def test_sms_is_sent_once_even_if_delivered_twice(
    applicant: User, mobile_13812345678: str, caplog: pytest.LogCaptureFixture
) -> None:
    (row,) = send(applicant, channels=["sms"])
    with caplog.at_level(logging.INFO, logger="banhao.notifications.outbox"):
        assert notification_deliver(notification_id=row.pk) == "sent"
        assert notification_deliver(notification_id=row.pk) == "skipped"
    assert len([r for r in caplog.records if r.name == "banhao.notifications.outbox"]) == 1


def test_sms_outbox_and_log_never_hold_a_full_mobile_number(
    applicant: User, mobile_13812345678: str, caplog: pytest.LogCaptureFixture
) -> None:
    rows = send(
        applicant,
        channels=["sms", "email"],
        title="验证手机13812345678",
        body="张三您好，如有疑问请致电13912345678，或发送邮件至 zhangsan@example.com。",
    )
    with caplog.at_level(logging.DEBUG):
        for row in rows:
            assert notification_deliver(notification_id=row.pk) == "sent"

    sms = Notification.objects.get(channel=Notification.Channel.SMS)
    assert sms.recipient_masked == "138****5678"
    assert "139****5678" in sms.body
    email = Notification.objects.get(channel=Notification.Channel.EMAIL)
    assert email.recipient_masked == "z***@example.com"
    assert "zhangsan@example.com" not in email.body

    for outbox in Notification.objects.filter(channel__in=["sms", "email"]):
        for field in outbox._meta.concrete_fields:
            value = getattr(outbox, field.attname)
            if isinstance(value, str):
                assert not FULL_MOBILE.search(value), (field.name, value)
    assert not FULL_MOBILE.search(caplog.text)
    assert "张三" not in caplog.text  # the log line carries no message content
    assert "zhangsan@example.com" not in caplog.text
    for entry in AuditEntry.objects.all():
        assert not FULL_MOBILE.search(str(entry.details))


def test_sms_without_a_mobile_number_fails_with_a_reason(applicant: User) -> None:
    (row,) = send(applicant, channels=["sms"])
    assert notification_deliver(notification_id=row.pk) == "failed"
    row.refresh_from_db()
    assert row.status == Notification.Status.FAILED
    assert row.error == "收件人未登记手机号"
    assert row.sent_at is None
    entry = AuditEntry.objects.get(action="notifications.notification_deliver")
    assert entry.result == AuditEntry.Result.FAILED
    # A failed notification is not retried by redelivery either.
    assert notification_deliver(notification_id=row.pk) == "skipped"


def test_transient_sender_error_leaves_the_notification_queued(
    applicant: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Broken(senders.Sender):
        def send(self, notification: Notification) -> senders.Delivery:
            raise ConnectionError("gateway timeout")

    previous = senders.register_sender("in_app", Broken())
    try:
        (row,) = send(applicant)
        with pytest.raises(ConnectionError):
            notification_deliver(notification_id=row.pk)
    finally:
        senders.register_sender("in_app", previous)
    row.refresh_from_db()
    assert row.status == Notification.Status.QUEUED
    assert notification_deliver(notification_id=row.pk) == "sent"


def test_delivering_a_deleted_notification_is_a_no_op() -> None:
    assert notification_deliver(notification_id=987654) == "missing"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "长" * 201}, "title"),
        ({"channels": ["fax"]}, "channels"),
        ({"channels": []}, "channels"),
        ({"link": "https://evil.example.com/"}, "link"),
        ({"link": "//evil.example.com/"}, "link"),
        ({"link": "cases/1"}, "link"),
    ],
)
def test_send_refuses_invalid_input(applicant: User, overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        send(applicant, **overrides)
    assert error.value.field == field
    assert not Notification.objects.exists()


def test_only_the_recipient_may_mark_read(applicant: User, other_user: User) -> None:
    (row,) = send(applicant)
    notification_deliver(notification_id=row.pk)

    with pytest.raises(NotFound):
        notification_mark_read(notification=row, actor=other_user)
    row.refresh_from_db()
    assert row.read_at is None
    assert notification_unread_count(user=applicant) == 1

    with time_machine.travel(dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC), tick=False):
        read = notification_mark_read(notification=row, actor=applicant)
    assert read.read_at == dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)
    assert notification_unread_count(user=applicant) == 0

    # Marking again keeps the first reading time and writes no second audit entry.
    again = notification_mark_read(notification=row, actor=applicant)
    assert again.read_at == read.read_at
    assert AuditEntry.objects.filter(action="notifications.notification_mark_read").count() == 1


def test_stale_queued_notifications_are_enqueued_again(applicant: User) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        (old,) = send(applicant)
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, 10, tzinfo=dt.UTC), tick=False):
        (recent,) = send(applicant)
        delivered, *_ = send(applicant, channels=["in_app"])
    notification_deliver(notification_id=delivered.pk)
    DBTaskResult.objects.all().delete()

    count = notification_requeue_stale(now=dt.datetime(2026, 11, 2, 9, 12, tzinfo=dt.UTC))

    assert count == 1
    (task,) = DBTaskResult.objects.all()
    assert task.task_path == TASK_PATH
    assert task.args_kwargs["args"] == [old.pk]
    assert recent.pk != old.pk
