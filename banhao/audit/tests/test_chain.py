"""The SM3 hash chain of the audit log, its verification, retention and the append-only
triggers (run on SQLite and PostgreSQL alike)."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from banhao.accounts.models import User
from banhao.accounts.roles import Role
from banhao.accounts.services import user_create
from banhao.audit import triggers
from banhao.audit.chain import GENESIS_HASH, entry_hash, sm3_hex
from banhao.audit.models import AuditAnchor, AuditEntry, AuditHead
from banhao.audit.selectors import ChainBroken, chain_verify
from banhao.audit.services import (
    RETENTION_MIN_DAYS,
    audit_prune,
    audit_read,
    audit_record,
    prune_permit,
    retention_days,
)
from banhao.shared import clock

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
ENTRY_TABLE = AuditEntry._meta.db_table
ANCHOR_TABLE = AuditAnchor._meta.db_table


def entries(count: int, *, prefix: str = "test.step") -> list[AuditEntry]:
    return [
        audit_record(
            actor=None,
            action=f"{prefix}{i}",
            object_type="test.thing",
            object_id=str(i),
            details={"i": i, "名称": "办好"},
        )
        for i in range(count)
    ]


def verify(*args: str) -> str:
    out = io.StringIO()
    call_command("verify_audit", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def verify_fails(*args: str) -> str:
    with pytest.raises(CommandError) as info:
        call_command("verify_audit", *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert info.value.returncode == 1
    return str(info.value)


def total() -> int:
    return AuditEntry.objects.count()


def sql(statement: str, params: list[Any] | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return int(cursor.rowcount)


@contextmanager
def triggers_dropped() -> Iterator[None]:
    """Tamper as an attacker with DDL rights would (the test transaction undoes it anyway)."""
    with connection.cursor() as cursor:
        triggers.drop(cursor, connection.vendor)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            triggers.install(cursor, connection.vendor)


# -- the chain ----------------------------------------------------------------------------------


def test_sm3_is_the_gbt_32905_algorithm() -> None:
    # GB/T 32905-2016 Appendix A, example 1.
    assert sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_chain_grows_one_linked_entry_at_a_time() -> None:
    head_before = AuditHead.objects.filter(pk=1).values_list("seq", "hash").first() or (
        0,
        GENESIS_HASH,
    )
    made = entries(3)
    assert [entry.seq for entry in made] == [head_before[0] + i for i in (1, 2, 3)]
    assert made[0].prev_hash == head_before[1]
    assert made[1].prev_hash == made[0].hash
    assert made[2].prev_hash == made[1].hash
    for entry in made:
        stored = AuditEntry.objects.get(pk=entry.pk)
        assert len(stored.hash) == 64
        assert int(stored.hash, 16) >= 0
        assert stored.hash == entry.hash == stored.computed_hash()
    head = AuditHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (made[-1].seq, made[-1].hash)


def test_hash_formula_is_sm3_of_the_canonical_json_array() -> None:
    moment = dt.datetime(2026, 3, 2, 9, 2, 3, 4, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with clock.at(moment):
        entry = audit_record(
            actor=None,
            action="test.pin",
            object_type="t",
            object_id="7",
            address="192.0.2.1",
            details={"b": 1.0, "a": ["中文", {"z": None, "y": True}]},
        )
    text = (
        f'[{entry.seq},"2026-03-02T01:02:03.000004+00:00",null,"system","","test.pin","t","7",'
        f'"192.0.2.1","ok",{{"a":["中文",{{"y":true,"z":null}}],"b":1}},"{entry.prev_hash}"]'
    )
    assert entry.hash == sm3_hex(text.encode("utf-8"))


def test_entries_record_actor_roles_address_and_result() -> None:
    user = user_create(
        username="zhangsan",
        password=None,
        kind=User.Kind.PERSON,
        display_name="张三",
        roles=[Role.APPLICANT],
        actor=None,
    )
    entry = audit_record(
        actor=user,
        action="test.refused",
        obj=user,
        address="2001:DB8:0:0:0:0:0:1",
        result=AuditEntry.Result.REFUSED,
    )
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.actor_id, stored.actor_label, stored.roles) == (user.pk, "zhangsan", "applicant")
    assert (stored.object_type, stored.object_id) == ("accounts.user", str(user.pk))
    assert stored.address == "2001:db8::1"
    assert stored.result == "refused"
    assert "审计链完整" in verify()


def test_sensitive_reads_are_recorded_in_the_same_chain() -> None:
    before = entries(1)[0]
    entry = audit_read(actor=None, obj=before, action="test.view_personal_data", address="::1")
    assert entry.prev_hash == before.hash
    assert entry.result == AuditEntry.Result.OK
    assert (entry.object_type, entry.object_id) == ("audit.auditentry", str(before.pk))


def test_values_the_database_respells_still_verify() -> None:
    """PostgreSQL stores addresses as inet and details as jsonb; the hash does not depend on
    how the database spells them back."""
    for address in ("::ffff:192.0.2.7", "::192.0.2.7", "2001:0DB8::0001", "10.0.0.1", None, ""):
        audit_record(actor=None, action="test.address", address=address)
    numbers: dict[Any, Any] = {"big": 1e16, "whole": 2.0, "third": 1 / 3, "tiny": 1.5e-7, 3: "x"}
    audit_record(actor=None, action="test.numbers", details=numbers)
    assert "审计链完整" in verify()


def test_entries_stay_append_only_in_python() -> None:
    entry = entries(1)[0]
    entry.action = "changed"
    with pytest.raises(RuntimeError, match="只能追加"):
        entry.save()
    with pytest.raises(RuntimeError, match="只能追加"):
        entry.delete()
    with pytest.raises(RuntimeError, match="只能追加"):
        AuditEntry.objects.filter(pk=entry.pk).update(action="changed")
    with pytest.raises(RuntimeError, match="只能追加"):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(RuntimeError, match="audit_record"):
        AuditEntry.objects.create(
            seq=entry.seq + 1, at=clock.now(), actor_label="x", action="forged", hash="0" * 64
        )


def test_entry_rolls_back_with_the_business_write() -> None:
    last = entries(1)[0]
    with pytest.raises(ValueError, match="business failed"), transaction.atomic():
        audit_record(actor=None, action="test.rolled_back")
        raise ValueError("business failed")
    assert not AuditEntry.objects.filter(action="test.rolled_back").exists()
    assert AuditHead.objects.get(pk=1).seq == last.seq
    assert audit_record(actor=None, action="test.next").prev_hash == last.hash


def test_missing_head_is_rebuilt_from_the_last_entry() -> None:
    last = entries(2)[-1]
    AuditHead.objects.all().delete()  # as a test database flush leaves it
    entry = audit_record(actor=None, action="test.after_flush")
    assert (entry.seq, entry.prev_hash) == (last.seq + 1, last.hash)
    assert "审计链完整" in verify()


# -- verify_audit -------------------------------------------------------------------------------


def test_verify_intact_chain() -> None:
    entries(5)
    assert verify().splitlines()[0] == f"审计链完整：{total()} 条"


def test_verify_walks_in_batches() -> None:
    entries(7)
    out = io.StringIO()
    call_command("verify_audit", "--batch-size", "2", stdout=out, stderr=io.StringIO())
    assert out.getvalue().startswith(f"审计链完整：{total()} 条")


def test_verify_reports_progress_for_large_tables() -> None:
    entries(5)
    seen: list[tuple[int, int]] = []
    report = chain_verify(progress=lambda count, seq: seen.append((count, seq)), progress_every=2)
    assert report.broken is None
    assert [count for count, _ in seen] == list(range(2, report.count + 1, 2))


def test_verify_names_an_altered_entry() -> None:
    made = entries(4)
    victim = made[1]
    with triggers_dropped():
        sql(f"UPDATE {ENTRY_TABLE} SET action = %s WHERE id = %s", ["test.forged", victim.pk])
    message = verify_fails()
    assert f"第 {victim.seq} 条（id={victim.pk}）" in message
    assert "篡改" in message


def test_verify_names_an_entry_altered_in_its_details_only() -> None:
    victim = entries(3)[2]
    with triggers_dropped():
        sql(f"UPDATE {ENTRY_TABLE} SET details = %s WHERE id = %s", ['{"i": 99}', victim.pk])
    assert f"第 {victim.seq} 条" in verify_fails()


def test_verify_notices_an_altered_entry_whose_hash_was_recomputed() -> None:
    made = entries(3)
    victim = made[1]
    forged = entry_hash(
        seq=victim.seq,
        at=victim.at,
        actor_id=None,
        actor_label="system",
        roles="",
        action="test.forged",
        object_type=victim.object_type,
        object_id=victim.object_id,
        address=None,
        result="ok",
        details=victim.details,
        prev_hash=victim.prev_hash,
    )
    with triggers_dropped():
        sql(
            f"UPDATE {ENTRY_TABLE} SET action = %s, hash = %s WHERE id = %s",
            ["test.forged", forged, victim.pk],
        )
    message = verify_fails()
    assert f"第 {made[2].seq} 条" in message
    assert "前序哈希" in message


def test_verify_names_the_gap_left_by_a_deleted_entry() -> None:
    made = entries(4)
    with transaction.atomic(), prune_permit():
        sql(f"DELETE FROM {ENTRY_TABLE} WHERE id = %s", [made[1].pk])
    message = verify_fails()
    assert f"第 {made[2].seq} 条（id={made[2].pk}）之前缺少第 {made[1].seq} 条" in message
    assert "删除" in message


def test_verify_notices_a_deleted_and_renumbered_entry() -> None:
    made = entries(4)
    with transaction.atomic(), prune_permit():
        sql(f"DELETE FROM {ENTRY_TABLE} WHERE id = %s", [made[1].pk])
    with triggers_dropped():
        sql(f"UPDATE {ENTRY_TABLE} SET seq = seq - 1 WHERE seq > %s", [made[1].seq])
    message = verify_fails()
    assert f"第 {made[1].seq} 条（id={made[2].pk}）的前序哈希" in message


def test_verify_notices_deleted_newest_entries() -> None:
    made = entries(3)
    with transaction.atomic(), prune_permit():
        sql(f"DELETE FROM {ENTRY_TABLE} WHERE seq >= %s", [made[1].seq])
    message = verify_fails()
    assert f"第 {made[1].seq} 条至第 {made[2].seq} 条不存在" in message
    assert "末尾" in message


def test_verify_names_a_reordered_pair() -> None:
    made = entries(4)
    first, second = made[1], made[2]
    with triggers_dropped():  # swap their places in the chain
        sql(f"UPDATE {ENTRY_TABLE} SET seq = %s WHERE id = %s", [-1, first.pk])
        sql(f"UPDATE {ENTRY_TABLE} SET seq = %s WHERE id = %s", [first.seq, second.pk])
        sql(f"UPDATE {ENTRY_TABLE} SET seq = %s WHERE id = %s", [second.seq, first.pk])
    message = verify_fails()
    assert f"第 {first.seq} 条（id={second.pk}）的前序哈希" in message
    assert "顺序" in message


def test_verify_from_seq_starts_part_way() -> None:
    made = entries(5)
    with triggers_dropped():
        sql(f"UPDATE {ENTRY_TABLE} SET action = %s WHERE id = %s", ["test.forged", made[0].pk])
    assert f"第 {made[0].seq} 条" in verify_fails()
    out = verify("--from-seq", str(made[1].seq))
    assert out.startswith(f"审计链完整：{total() - made[1].seq + 1} 条")


def test_verify_from_a_missing_seq_fails() -> None:
    made = entries(3)
    with transaction.atomic(), prune_permit():
        sql(f"DELETE FROM {ENTRY_TABLE} WHERE id = %s", [made[0].pk])
    assert f"第 {made[0].seq} 条审计记录不存在" in verify_fails("--from-seq", str(made[1].seq))


def test_verify_warns_about_missing_triggers() -> None:
    entries(1)
    err = io.StringIO()
    with triggers_dropped():
        call_command("verify_audit", stdout=io.StringIO(), stderr=err)
    assert "触发器" in err.getvalue()


# -- database triggers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        f"UPDATE {ENTRY_TABLE} SET action = 'forged'",
        f"UPDATE {ENTRY_TABLE} SET result = 'failed', details = '{{}}'",
        f"DELETE FROM {ENTRY_TABLE}",
        f"UPDATE {ANCHOR_TABLE} SET hash = 'forged'",
        f"DELETE FROM {ANCHOR_TABLE}",
    ],
)
def test_triggers_refuse_raw_update_and_delete(statement: str) -> None:
    entries(2)
    AuditAnchor.objects.create(
        seq=0, hash="a" * 64, pruned_at=clock.now(), count=0, cutoff=clock.now()
    )
    before = list(AuditEntry.objects.order_by("seq").values_list("seq", "action", "result"))
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql(statement)
    after = list(AuditEntry.objects.order_by("seq").values_list("seq", "action", "result"))
    assert after == before
    assert AuditAnchor.objects.filter(seq=0, hash="a" * 64).exists()


def test_postgresql_refuses_truncate() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    entries(1)
    sql("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks in the way
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql(f"TRUNCATE {ENTRY_TABLE}")
    assert total() >= 1


def test_the_prune_permit_ends_with_its_block() -> None:
    made = entries(3)
    with transaction.atomic():
        with prune_permit():
            assert sql(f"DELETE FROM {ENTRY_TABLE} WHERE id = %s", [made[0].pk]) == 1
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            sql(f"DELETE FROM {ENTRY_TABLE} WHERE id = %s", [made[1].pk])
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            sql(f"UPDATE {ENTRY_TABLE} SET action = 'x' WHERE id = %s", [made[2].pk])


def test_the_permit_does_not_allow_updates() -> None:
    made = entries(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), prune_permit():
        sql(f"UPDATE {ENTRY_TABLE} SET action = 'x' WHERE id = %s", [made[0].pk])


def test_flush_refuses_to_empty_the_audit_log_in_production() -> None:
    entries(1)
    with override_settings(IS_PRODUCTION=True), pytest.raises(CommandError, match="审计日志"):
        call_command("flush", interactive=False, verbosity=0)
    assert total() >= 1


# -- retention ----------------------------------------------------------------------------------


def test_retention_defaults_to_400_days_and_never_goes_below_six_months() -> None:
    assert retention_days() == 400
    assert RETENTION_MIN_DAYS == 183
    with override_settings(BANHAO_AUDIT_RETENTION_DAYS=183):
        assert retention_days() == 183
    with override_settings(BANHAO_AUDIT_RETENTION_DAYS=182):
        with pytest.raises(ImproperlyConfigured, match="183"):
            retention_days()
        with pytest.raises(ImproperlyConfigured):
            call_command("prune_audit", stdout=io.StringIO())


def test_settings_refuse_a_retention_below_six_months() -> None:
    env = {**os.environ, "BANHAO_AUDIT_RETENTION_DAYS": "90"}
    run = subprocess.run(
        [sys.executable, "-c", "import banhao.config.settings"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode != 0
    assert "ImproperlyConfigured" in run.stderr
    assert "BANHAO_AUDIT_RETENTION_DAYS=90" in run.stderr


def test_prune_removes_expired_entries_from_the_start_and_leaves_an_anchor() -> None:
    start = clock.now() + dt.timedelta(days=1)  # after anything the migrations recorded
    with clock.at(start):
        old = entries(3, prefix="test.old")
    with clock.at(start + dt.timedelta(days=300)):
        kept = entries(1, prefix="test.kept")[0]
    with clock.at(start + dt.timedelta(days=10)):  # old, but after a kept one: stays
        late = entries(1, prefix="test.late_old")[0]
    expected = AuditEntry.objects.filter(seq__lt=kept.seq).count()
    with clock.at(start + dt.timedelta(days=410)):
        out = io.StringIO()
        call_command("prune_audit", "--dry-run", stdout=out)
        assert f"将清理 {expected} 条" in out.getvalue()
        assert AuditEntry.objects.filter(pk=old[0].pk).exists()
        call_command("prune_audit", stdout=out)
        assert f"已清理 {expected} 条" in out.getvalue()
    assert not AuditEntry.objects.filter(seq__lt=kept.seq).exists()
    assert AuditEntry.objects.filter(pk__in=[kept.pk, late.pk]).count() == 2
    anchor = AuditAnchor.objects.get()
    assert (anchor.seq, anchor.hash, anchor.count) == (old[-1].seq, old[-1].hash, expected)
    record = AuditEntry.objects.get(action="audit.prune")
    assert record.details["count"] == expected
    assert record.details["through_seq"] == old[-1].seq
    assert (record.object_type, record.object_id) == ("audit.auditanchor", str(anchor.pk))

    out_text = verify()
    assert out_text.splitlines()[0] == "审计链完整：3 条"  # kept, late, the prune itself
    assert f"第 {old[-1].seq} 条及以前已按保存期限清理" in out_text

    with clock.at(start + dt.timedelta(days=411)):
        out = io.StringIO()
        call_command("prune_audit", stdout=out)
        assert "无需清理" in out.getvalue()


def test_verify_after_prune_still_finds_tampering() -> None:
    start = clock.now() + dt.timedelta(days=1)
    with clock.at(start):
        entries(2, prefix="test.old")
    with clock.at(start + dt.timedelta(days=500)):
        recent = entries(2, prefix="test.recent")
        audit_prune()
    with triggers_dropped():
        sql(f"UPDATE {ENTRY_TABLE} SET prev_hash = %s WHERE id = %s", ["f" * 64, recent[0].pk])
    assert f"第 {recent[0].seq} 条（id={recent[0].pk}）的前序哈希与链起点" in verify_fails()


def test_prune_refuses_a_broken_chain() -> None:
    start = clock.now() + dt.timedelta(days=1)
    with clock.at(start):
        old = entries(3, prefix="test.old")
    with triggers_dropped():
        sql(f"UPDATE {ENTRY_TABLE} SET action = %s WHERE id = %s", ["forged", old[1].pk])
    with clock.at(start + dt.timedelta(days=500)):
        with pytest.raises(ChainBroken):
            audit_prune()
        with pytest.raises(CommandError, match="拒绝清理"):
            call_command("prune_audit", stdout=io.StringIO())
    assert AuditEntry.objects.filter(pk=old[0].pk).exists()
    assert not AuditAnchor.objects.exists()


def test_details_json_is_stored_as_read_back() -> None:
    details: dict[Any, Any] = {"tuple": (1, 2), 5: "five"}
    entry = audit_record(actor=None, action="test.json", details=details)
    assert entry.details == json.loads(json.dumps({"tuple": [1, 2], "5": "five"}))
    assert AuditEntry.objects.get(pk=entry.pk).details == entry.details
