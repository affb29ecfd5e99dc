"""Enqueue the registered periodic jobs (banhao.shared.jobs) when they are due.

manage.py run_periodic               # check every 5 seconds until stopped (Ctrl+C, SIGTERM)
manage.py run_periodic --once        # enqueue whatever is due now and exit (cron, tests)

Periodic jobs are registered by the apps' ``tasks`` modules, which are imported first. The
jobs only get enqueued here; ``manage.py db_worker`` runs them. Run one of these per
deployment.

(It lives in the notifications app only because banhao.shared has no commands package yet.)
"""

from __future__ import annotations

import datetime as dt
import signal
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils.module_loading import autodiscover_modules

from banhao.shared import clock
from banhao.shared.jobs import enqueue_due_periodic, periodic_registry


class Command(BaseCommand):
    help = "按登记的周期把定时任务放入任务队列（由 db_worker 执行）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=5.0,
            help="seconds between two checks for due jobs (default: %(default)s)",
        )
        parser.add_argument(
            "--once", action="store_true", help="enqueue the jobs due now, then exit"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        autodiscover_modules("tasks")
        names = ", ".join(f"{job.name} /{job.every_seconds}s" for job in periodic_registry)
        self.stdout.write(f"periodic jobs: {names or '(none)'}")
        last_enqueued: dict[str, dt.datetime] = {}
        if options["once"]:
            self._tick(last_enqueued)
            return
        interval = max(float(options["interval"]), 0.1)
        self._running = True
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        while self._running:
            close_old_connections()
            self._tick(last_enqueued)
            close_old_connections()
            deadline = time.monotonic() + interval
            while self._running and time.monotonic() < deadline:
                time.sleep(min(0.5, interval))

    def _tick(self, last_enqueued: dict[str, dt.datetime]) -> None:
        for name in enqueue_due_periodic(now=clock.now(), last_enqueued=last_enqueued):
            self.stdout.write(f"enqueued {name}")

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        self._running = False
