"""The real thing: committed transactions, the database queue and the worker command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from banhao.accounts.models import User
from banhao.notifications.models import Notification
from banhao.notifications.services import notification_send
from banhao.shared.jobs import TaskResultStatus

pytestmark = pytest.mark.django_db(transaction=True)


class Boom(Exception):
    pass


def run_worker_batch() -> str:
    """Run ``manage.py db_worker`` until the queue is empty, as an operator would."""
    out = StringIO()
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=1, stdout=out
    )
    return out.getvalue()


def test_send_in_a_rolled_back_transaction_enqueues_nothing(applicant: User) -> None:
    with pytest.raises(Boom), transaction.atomic():
        notification_send(
            recipient=applicant, title="不会发出", body="", channels=["in_app", "sms"]
        )
        raise Boom

    assert not Notification.objects.exists()
    assert not DBTaskResult.objects.exists()
    run_worker_batch()
    assert not Notification.objects.exists()


def test_worker_delivers_after_commit(applicant: User, mobile_13812345678: str) -> None:
    with transaction.atomic():
        rows = notification_send(
            recipient=applicant,
            title="您的申请已受理",
            body="请留意审批进度。",
            link="/cases/ZP-2026-0001/",
            channels=["in_app", "sms"],
            case_number="ZP-2026-0001",
        )
        assert not DBTaskResult.objects.exists()  # enqueued only on commit
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 2

    run_worker_batch()

    for row in rows:
        row.refresh_from_db()
        assert row.status == Notification.Status.SENT
    assert {t.status for t in DBTaskResult.objects.all()} == {TaskResultStatus.SUCCESSFUL}
    assert {t.return_value for t in DBTaskResult.objects.all()} == {"sent"}

    # The same delivery enqueued again (a retry, the stale sweep) sends nothing twice.
    from banhao.notifications.tasks import deliver_notification

    sent_at = {row.pk: row.sent_at for row in rows}
    for row in rows:
        deliver_notification.enqueue(row.pk)
    run_worker_batch()
    assert {
        t.return_value for t in DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL)
    } == {"sent", "skipped"}
    for row in rows:
        row.refresh_from_db()
        assert row.sent_at == sent_at[row.pk]


def test_run_periodic_once_enqueues_the_registered_jobs_for_the_worker(applicant: User) -> None:
    out = StringIO()
    call_command("run_periodic", "--once", stdout=out)

    assert "notifications.requeue_stale" in out.getvalue()
    assert "cases.sweep_deadlines" in out.getvalue()
    jobs = {job.task_path: job for job in DBTaskResult.objects.all()}
    job = jobs["banhao.notifications.tasks.requeue_stale_notifications"]
    assert "banhao.cases.tasks.sweep_deadlines" in jobs
    run_worker_batch()
    job.refresh_from_db()
    assert job.status == TaskResultStatus.SUCCESSFUL
    assert job.return_value == 0
    sweep = jobs["banhao.cases.tasks.sweep_deadlines"]
    sweep.refresh_from_db()
    assert sweep.status == TaskResultStatus.SUCCESSFUL
    assert sweep.return_value == {"recomputed": 0, "alerted": 0}
