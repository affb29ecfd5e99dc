"""Django's ``flush`` with the audit tables' prune permit.

The append-only triggers refuse the DELETE (SQLite) or TRUNCATE (PostgreSQL) that ``flush``
runs, and test runs flush the database after every transactional test. Outside production
this command empties the audit tables too, under the permit; with BANHAO_ENV=production it
refuses, because the audit log must be kept (网络安全法第二十一条).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands import flush
from django.db import connections, transaction

from banhao.audit.services import prune_permit


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        if getattr(settings, "IS_PRODUCTION", False):
            raise CommandError("生产环境不能清空数据库：审计日志必须按期保存")
        database = options["database"]
        with transaction.atomic(using=database), prune_permit(connections[database]):
            super().handle(**options)
