"""Background jobs: the one import point for the task framework, and periodic jobs.

Tasks are Django's tasks framework (``django.tasks`` from Django 6.0; until then the
``django-tasks`` backport), run by the backend in ``settings.TASKS`` — by default rows in our
own database, executed by ``manage.py db_worker`` (docs/adr/0005-job-queue.md). Define tasks
with ``banhao.shared.jobs.task`` so that moving to ``django.tasks`` changes one import here.

Rules for every task: it is idempotent (running it twice does no harm) and it takes IDs and
plain JSON values, never model instances.

The framework has no scheduler, so periodic jobs are registered here with
``register_periodic`` (usually at import time of an app's ``tasks.py``) and ``manage.py
run_periodic`` enqueues the due ones. Run exactly one ``run_periodic`` per deployment.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from typing import Any

from django_tasks import TaskResultStatus, task
from django_tasks.base import Task

__all__ = [
    "PeriodicJob",
    "PeriodicRegistry",
    "Task",
    "TaskResultStatus",
    "enqueue_due_periodic",
    "periodic_registry",
    "register_periodic",
    "task",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    """A task without arguments that is enqueued every ``every_seconds`` seconds."""

    name: str
    task: Task[[], Any]
    every_seconds: int


class PeriodicRegistry:
    """Periodic jobs by name. One process-wide instance (``periodic_registry``); tests make
    their own."""

    def __init__(self) -> None:
        self._jobs: dict[str, PeriodicJob] = {}

    def register(self, name: str, task: Task[[], Any], every_seconds: int) -> PeriodicJob:
        if every_seconds <= 0:
            raise ValueError(f"every_seconds must be positive: {name}")
        existing = self._jobs.get(name)
        if existing is not None and existing.task.module_path != task.module_path:
            raise ValueError(f"periodic job already registered with another task: {name}")
        job = PeriodicJob(name=name, task=task, every_seconds=every_seconds)
        self._jobs[name] = job  # re-registering the same task (module re-import) is harmless
        return job

    def __iter__(self) -> Iterator[PeriodicJob]:
        return iter(sorted(self._jobs.values(), key=lambda job: job.name))

    def __len__(self) -> int:
        return len(self._jobs)


periodic_registry = PeriodicRegistry()


def register_periodic(name: str, task: Task[[], Any], every_seconds: int) -> PeriodicJob:
    """Have ``run_periodic`` enqueue ``task`` every ``every_seconds`` seconds."""
    return periodic_registry.register(name, task, every_seconds)


def enqueue_due_periodic(
    *,
    now: dt.datetime,
    last_enqueued: MutableMapping[str, dt.datetime],
    registry: PeriodicRegistry | None = None,
) -> list[str]:
    """Enqueue every job that is due at ``now``; return their names.

    A job is due when it was never enqueued (according to ``last_enqueued``, which the caller
    keeps between calls and this function updates) or when ``every_seconds`` have passed since
    it was. A runner that restarts therefore enqueues every job once at start, which idempotent
    tasks allow. A job whose enqueue fails is logged and tried again on the next call.
    """
    due: list[str] = []
    for job in registry if registry is not None else periodic_registry:
        previous = last_enqueued.get(job.name)
        if previous is not None and now - previous < dt.timedelta(seconds=job.every_seconds):
            continue
        try:
            job.task.enqueue()
        except Exception:
            logger.exception("periodic job %s could not be enqueued", job.name)
            continue
        last_enqueued[job.name] = now
        due.append(job.name)
    return due
