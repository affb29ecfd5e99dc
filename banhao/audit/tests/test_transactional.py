"""Audit chain behaviour that needs real commits: concurrent writers, the command's exit status
in a separate process, the data migration, and the test-database flush."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from banhao.audit import triggers
from banhao.audit.chain import GENESIS_HASH
from banhao.audit.models import AuditEntry, AuditHead
from banhao.audit.selectors import chain_verify
from banhao.audit.services import audit_record, prune_permit
from banhao.shared import clock

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[3]


def test_concurrent_appends_keep_one_valid_chain() -> None:
    before = AuditEntry.objects.count()
    per_thread = 15
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def append(name: str) -> None:
        try:
            barrier.wait(timeout=10)
            for i in range(per_thread):
                with transaction.atomic():  # as a service does: business write + audit entry
                    audit_record(actor=None, action=f"test.{name}", object_id=str(i))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert AuditEntry.objects.count() == before + 2 * per_thread
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    report = chain_verify()
    assert report.broken is None
    assert report.count == before + 2 * per_thread


def _database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = quote(settings["USER"] or "", safe="")
    password = quote(settings["PASSWORD"] or "", safe="")
    return (
        f"postgres://{user}:{password}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


def _verify_in_a_process() -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": _database_url()}
    return subprocess.run(
        [sys.executable, "manage.py", "verify_audit"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_verify_audit_exit_status() -> None:
    made = [audit_record(actor=None, action=f"test.step{i}") for i in range(3)]
    intact = _verify_in_a_process()
    assert intact.returncode == 0, intact.stderr
    assert f"审计链完整：{AuditEntry.objects.count()} 条" in intact.stdout

    with connection.cursor() as cursor:
        triggers.drop(cursor, connection.vendor)
        try:
            cursor.execute(
                f"UPDATE {AuditEntry._meta.db_table} SET object_id = %s WHERE id = %s",
                ["forged", made[1].pk],
            )
        finally:
            triggers.install(cursor, connection.vendor)
    broken = _verify_in_a_process()
    assert broken.returncode == 1
    assert f"第 {made[1].seq} 条（id={made[1].pk}）" in broken.stderr
    assert "篡改" in broken.stderr


def test_migration_chains_existing_entries_in_id_order() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([("audit", "0001_initial")])
    try:
        old_apps = executor.loader.project_state([("audit", "0001_initial")]).apps
        old_entry = old_apps.get_model("audit", "AuditEntry")
        for i in range(5):
            old_entry.objects.create(
                at=clock.now(),
                actor_label="system",
                action=f"test.before_chain{i}",
                address="192.0.2.1" if i % 2 else None,
                details={"i": i, "文字": "中文"},
            )
        ids = list(old_entry.objects.order_by("id").values_list("id", flat=True))
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    chained = list(AuditEntry.objects.order_by("id").values_list("id", "seq", "prev_hash", "hash"))
    assert [row[0] for row in chained] == ids
    assert [row[1] for row in chained] == list(range(1, len(ids) + 1))
    assert chained[0][2] == GENESIS_HASH
    assert all(chained[i][2] == chained[i - 1][3] for i in range(1, len(chained)))
    head = AuditHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (len(ids), chained[-1][3])
    assert chain_verify().broken is None
    assert audit_record(actor=None, action="test.after_chain").seq == len(ids) + 1
    with connection.cursor() as cursor:
        assert triggers.missing(cursor, connection.vendor) == []


def test_flush_empties_the_audit_tables_outside_production() -> None:
    audit_record(actor=None, action="test.before_flush")
    call_command("flush", interactive=False, verbosity=0, stdout=io.StringIO())
    assert not AuditEntry.objects.exists()
    assert not AuditHead.objects.exists()
    entry = audit_record(actor=None, action="test.after_flush")
    assert (entry.seq, entry.prev_hash) == (1, GENESIS_HASH)


def test_prune_permit_needs_a_transaction() -> None:
    with pytest.raises(RuntimeError, match=r"transaction\.atomic"), prune_permit():
        pass
