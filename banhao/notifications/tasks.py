"""Background-job entry points of notifications: thin, each calls one service.

Tasks take IDs, never objects, and are idempotent (docs/adr/0005-job-queue.md).
"""

from __future__ import annotations

from banhao.notifications.services import notification_deliver, notification_requeue_stale
from banhao.shared.jobs import register_periodic, task


@task()
def deliver_notification(notification_id: int) -> str:
    """Deliver one notification (``sent``/``failed``/``skipped``/``missing``)."""
    return notification_deliver(notification_id=notification_id)


@task()
def requeue_stale_notifications() -> int:
    """Enqueue delivery again for notifications whose delivery task was lost."""
    return notification_requeue_stale()


register_periodic("notifications.requeue_stale", requeue_stale_notifications, every_seconds=300)
