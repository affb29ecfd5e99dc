"""banhao.shared.jobs: the periodic registry and the due-job function, without sleeping."""

from __future__ import annotations

import datetime as dt

import pytest
from django_tasks_db.models import DBTaskResult

from banhao.shared.jobs import PeriodicRegistry, enqueue_due_periodic, periodic_registry, task

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


@task()
def sweep() -> None:
    """A periodic job for these tests."""


@task()
def report() -> None:
    """Another one."""


@pytest.fixture
def registry() -> PeriodicRegistry:
    registry = PeriodicRegistry()
    registry.register("test.sweep", sweep, every_seconds=60)
    registry.register("test.report", report, every_seconds=3600)
    return registry


def enqueued_paths() -> list[str]:
    return sorted(DBTaskResult.objects.values_list("task_path", flat=True))


@pytest.mark.django_db
def test_jobs_are_enqueued_when_due(registry: PeriodicRegistry) -> None:
    last: dict[str, dt.datetime] = {}

    def due_after(seconds: int) -> list[str]:
        now = T0 + dt.timedelta(seconds=seconds)
        return enqueue_due_periodic(now=now, last_enqueued=last, registry=registry)

    assert due_after(0) == ["test.report", "test.sweep"]  # never run: all due at once
    assert due_after(59) == []
    assert due_after(60) == ["test.sweep"]
    assert due_after(119) == []
    assert due_after(3600) == ["test.report", "test.sweep"]
    module = "banhao.notifications.tests.test_periodic"
    assert enqueued_paths() == [f"{module}.report"] * 2 + [f"{module}.sweep"] * 3


@pytest.mark.django_db
def test_a_job_that_cannot_be_enqueued_is_tried_again_next_time(
    registry: PeriodicRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    last: dict[str, dt.datetime] = {}
    backend = sweep.get_backend()
    real_enqueue = backend.enqueue

    def flaky(task, args, kwargs):
        if task.func is sweep.func:
            raise ConnectionError("database unavailable")
        return real_enqueue(task, args, kwargs)

    monkeypatch.setattr(backend, "enqueue", flaky)
    assert enqueue_due_periodic(now=T0, last_enqueued=last, registry=registry) == ["test.report"]
    monkeypatch.undo()
    assert enqueue_due_periodic(
        now=T0 + dt.timedelta(seconds=1), last_enqueued=last, registry=registry
    ) == ["test.sweep"]


def test_registration_rules() -> None:
    registry = PeriodicRegistry()
    with pytest.raises(ValueError, match="positive"):
        registry.register("test.sweep", sweep, every_seconds=0)
    registry.register("test.sweep", sweep, every_seconds=60)
    registry.register("test.sweep", sweep, every_seconds=30)  # a module re-imported: fine
    assert [job.every_seconds for job in registry] == [30]
    with pytest.raises(ValueError, match="another task"):
        registry.register("test.sweep", report, every_seconds=60)


def test_notifications_register_their_stale_sweep() -> None:
    import banhao.notifications.tasks  # noqa: F401

    jobs = {job.name: job for job in periodic_registry}
    assert jobs["notifications.requeue_stale"].every_seconds == 300
