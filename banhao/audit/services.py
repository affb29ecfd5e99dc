"""The one way to write an audit entry, and the one way to remove expired ones."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from banhao.accounts.models import User
from banhao.audit.chain import GENESIS_HASH, canonical_address
from banhao.audit.models import AuditAnchor, AuditEntry, AuditHead
from banhao.audit.selectors import ChainBroken, chain_verify
from banhao.shared import clock

#: 网络安全法 Art.21 / 等保 level 3: network logs are kept at least six months.
RETENTION_MIN_DAYS = 183
HEAD_PK = 1


def _chain_tail() -> tuple[int, str]:
    """(seq, hash) of the last entry, or of the newest anchor, or of the genesis."""
    last = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
    if last is not None:
        return last
    anchor = AuditAnchor.objects.order_by("-seq").values_list("seq", "hash").first()
    if anchor is not None:
        return anchor
    return 0, GENESIS_HASH


def _head_locked() -> AuditHead:
    """The chain head, locked until the caller's transaction ends (PostgreSQL row lock; on
    SQLite the IMMEDIATE transaction already holds the database write lock)."""
    head = AuditHead.objects.select_for_update().filter(pk=HEAD_PK).first()
    if head is None:  # migration 0003 creates it; a test database flush removes it
        seq, digest = _chain_tail()
        AuditHead.objects.bulk_create(
            [AuditHead(pk=HEAD_PK, seq=seq, hash=digest)], ignore_conflicts=True
        )
        head = AuditHead.objects.select_for_update().get(pk=HEAD_PK)
    return head


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    result: str = AuditEntry.Result.OK,
    address: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit entry to the chain. ``actor=None`` means the system itself (a command or
    a job). Runs inside the caller's transaction: the entry commits or rolls back with the
    business write it records."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    if actor is not None:
        label = actor.username
        roles = ",".join(sorted(role.value for role in actor.role_set()))
    else:
        label, roles = "system", ""
    # Stored exactly as the database will give it back, so that the hash can be recomputed.
    stored_details = json.loads(json.dumps(details or {}))
    with transaction.atomic(savepoint=False):
        head = _head_locked()
        entry = AuditEntry(
            seq=head.seq + 1,
            at=clock.now(),
            actor=actor,
            actor_label=label,
            roles=roles,
            action=str(action),
            object_type=str(object_type),
            object_id=str(object_id),
            address=canonical_address(address),
            result=str(result),
            details=stored_details,
            prev_hash=head.hash,
        )
        entry.hash = entry.computed_hash()
        entry.save()
        AuditHead.objects.filter(pk=HEAD_PK).update(seq=entry.seq, hash=entry.hash)
    return entry


def audit_read(
    *,
    actor: User | None,
    obj: models.Model,
    action: str,
    address: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record a sensitive read (viewing personal information, downloading a file…): the same
    chain as writes, result ``ok``. For access gateways to call on every read they allow."""
    return audit_record(
        actor=actor,
        action=action,
        obj=obj,
        address=address,
        details=details,
        result=AuditEntry.Result.OK,
    )


# -- retention ---------------------------------------------------------------------------------


def retention_days() -> int:
    """The configured retention (settings.BANHAO_AUDIT_RETENTION_DAYS), never below six
    months."""
    days = int(getattr(settings, "BANHAO_AUDIT_RETENTION_DAYS", 400))
    if days < RETENTION_MIN_DAYS:
        raise ImproperlyConfigured(
            f"BANHAO_AUDIT_RETENTION_DAYS={days} 低于法定最低保存期限 {RETENTION_MIN_DAYS} 天"
            "（网络安全法第二十一条：网络日志留存不少于六个月）"
        )
    return days


@contextmanager
def prune_permit(conn: BaseDatabaseWrapper | None = None) -> Iterator[None]:
    """Let the append-only triggers allow DELETE on the audit tables for the rest of the block.
    Must run inside a transaction; the permit never outlives it.

    PostgreSQL: the transaction-local setting ``banhao.audit_prune``; SQLite: a row in
    ``audit_prune_permit``, which no other connection can see before commit and which is
    removed before the block ends."""
    conn = conn or connection
    if not conn.in_atomic_block:
        raise RuntimeError("prune_permit must be used inside transaction.atomic()")
    _permit_set(conn, on=True)
    try:
        yield
    except BaseException:
        # On PostgreSQL a failed statement has aborted the transaction, which takes the permit
        # with it; do not let the clean-up hide the original error.
        with suppress(DatabaseError):
            _permit_set(conn, on=False)
        raise
    _permit_set(conn, on=False)


def _permit_set(conn: BaseDatabaseWrapper, *, on: bool) -> None:
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(
                "SELECT set_config('banhao.audit_prune', %s, true)", ["on" if on else ""]
            )
        elif conn.vendor == "sqlite":
            if on:
                cursor.execute("INSERT OR IGNORE INTO audit_prune_permit (id) VALUES (1)")
            else:
                cursor.execute("DELETE FROM audit_prune_permit")


@dataclass(frozen=True)
class PruneResult:
    cutoff: dt.datetime
    count: int
    through_seq: int | None
    anchor: AuditAnchor | None


def audit_prune(*, actor: User | None = None, dry_run: bool = False) -> PruneResult:
    """Remove the entries older than the retention period, oldest first, stopping at the first
    entry that is still within it, so that what remains is an unbroken tail of the chain. The
    part to remove is verified first (a broken chain is never pruned); an ``AuditAnchor`` keeps
    the seq and hash of the last entry removed, and the prune is itself audited."""
    days = retention_days()
    now = clock.now()
    cutoff = now - dt.timedelta(days=days)
    first_kept = (
        AuditEntry.objects.filter(at__gte=cutoff).order_by("seq").values_list("seq", flat=True)
    ).first()
    expired = AuditEntry.objects.all()
    if first_kept is not None:
        expired = expired.filter(seq__lt=first_kept)
    last = expired.order_by("-seq").values_list("seq", "hash").first()
    if last is None:
        return PruneResult(cutoff=cutoff, count=0, through_seq=None, anchor=None)
    through, through_hash = last
    # Verified outside the transaction (old entries cannot change: the triggers), so that
    # writers are not held up while a large table is read.
    report = chain_verify(to_seq=through)
    if report.broken is not None:
        raise ChainBroken(report.broken)
    if dry_run:
        return PruneResult(cutoff=cutoff, count=report.count, through_seq=through, anchor=None)
    with transaction.atomic():
        with prune_permit(), connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {AuditEntry._meta.db_table} WHERE seq <= %s",  # noqa: S608
                [through],
            )
            count = cursor.rowcount
        if count == 0:  # a concurrent prune got there first
            return PruneResult(cutoff=cutoff, count=0, through_seq=None, anchor=None)
        anchor = AuditAnchor.objects.create(
            seq=through, hash=through_hash, pruned_at=now, count=count, cutoff=cutoff
        )
        audit_record(
            actor=actor,
            action="audit.prune",
            obj=anchor,
            details={
                "count": count,
                "through_seq": through,
                "through_hash": through_hash,
                "cutoff": cutoff.isoformat(),
                "retention_days": days,
            },
        )
    return PruneResult(cutoff=cutoff, count=count, through_seq=through, anchor=anchor)
