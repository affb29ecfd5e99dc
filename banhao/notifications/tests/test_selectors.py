from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from banhao.accounts.models import User
from banhao.notifications.models import Notification
from banhao.notifications.selectors import notification_list_for_user, notification_unread_count
from banhao.notifications.services import (
    notification_deliver,
    notification_mark_read,
    notification_send,
)

pytestmark = pytest.mark.django_db


def deliver_all(rows: list[Notification]) -> None:
    for row in rows:
        notification_deliver(notification_id=row.pk)


def test_inbox_lists_delivered_in_app_messages_newest_first(
    applicant: User, other_user: User, mobile_13812345678: str
) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        first = notification_send(recipient=applicant, title="第一条", body="", channels=["in_app"])
    with time_machine.travel(dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC), tick=False):
        second = notification_send(
            recipient=applicant, title="第二条", body="", channels=["in_app", "sms"]
        )
    notification_send(recipient=applicant, title="尚未投递", body="")  # still queued
    someone_else = notification_send(recipient=other_user, title="别人的", body="")
    deliver_all(first + second + someone_else)

    inbox = notification_list_for_user(user=applicant)
    assert [n.title for n in inbox] == ["第二条", "第一条"]
    assert notification_unread_count(user=applicant) == 2

    notification_mark_read(notification=second[0], actor=applicant)
    assert [n.title for n in notification_list_for_user(user=applicant, unread_only=True)] == [
        "第一条"
    ]
    assert notification_unread_count(user=applicant) == 1
    assert notification_unread_count(user=other_user) == 1
