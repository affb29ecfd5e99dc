"""Reading the audit chain back: verification of the SM3 hash chain."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from banhao.audit import triggers
from banhao.audit.chain import GENESIS_HASH, entry_hash
from banhao.audit.models import AuditAnchor, AuditEntry, AuditHead

HEAD_PK = 1
_FIELDS = (
    "seq",
    "id",
    "at",
    "actor_id",
    "actor_label",
    "roles",
    "action",
    "object_type",
    "object_id",
    "address",
    "result",
    "details",
    "prev_hash",
    "hash",
)


@dataclass(frozen=True)
class ChainBreak:
    """The first entry at which the chain does not hold, and why."""

    seq: int
    entry_id: int | None
    reason: str  # altered | missing | relinked | tail_missing | head_behind | head_mismatch
    message: str


class ChainBroken(Exception):
    def __init__(self, broken: ChainBreak) -> None:
        super().__init__(broken.message)
        self.broken = broken


@dataclass
class VerifyReport:
    count: int = 0
    start_seq: int = 0  # the seq after which verification started (anchor or --from-seq)
    last_seq: int = 0
    anchor_seq: int | None = None
    broken: ChainBreak | None = None
    warnings: list[str] = field(default_factory=list)


def chain_verify(
    *,
    from_seq: int | None = None,
    to_seq: int | None = None,
    batch_size: int = 2000,
    progress: Callable[[int, int], None] | None = None,
    progress_every: int = 100_000,
) -> VerifyReport:
    """Walk the chain in seq order, a batch at a time (constant memory), from the newest prune
    anchor (or ``from_seq``) to the head (or ``to_seq``): recompute each entry's SM3 hash and
    check that seq numbers follow one another and that each entry links to the one before.
    Stops at the first break. Without ``to_seq`` it also checks that the chain reaches the
    head, so that removing the newest entries is noticed."""
    report = VerifyReport()
    anchor = AuditAnchor.objects.order_by("-seq").values_list("seq", "hash").first()
    base_seq, base_hash = anchor if anchor is not None else (0, GENESIS_HASH)
    report.anchor_seq = anchor[0] if anchor is not None else None
    if from_seq is not None and from_seq - 1 > base_seq:
        prior = AuditEntry.objects.filter(seq=from_seq - 1).values_list("hash", flat=True).first()
        if prior is None:
            report.broken = ChainBreak(
                seq=from_seq - 1,
                entry_id=None,
                reason="missing",
                message=f"第 {from_seq - 1} 条审计记录不存在，无法从第 {from_seq} 条开始校验",
            )
            return report
        base_seq, base_hash = from_seq - 1, prior
    report.start_seq = report.last_seq = base_seq
    walker = _Walker(
        report=report,
        last_hash=base_hash,
        to_seq=to_seq,
        batch_size=batch_size,
        progress=progress,
        progress_every=progress_every,
    )
    walker.walk()
    if report.broken is None and to_seq is None:
        walker.check_head()
    return report


class _Walker:
    def __init__(
        self,
        *,
        report: VerifyReport,
        last_hash: str,
        to_seq: int | None,
        batch_size: int,
        progress: Callable[[int, int], None] | None,
        progress_every: int,
    ) -> None:
        self.report = report
        self.last_hash = last_hash
        self.to_seq = to_seq
        self.batch_size = batch_size
        self.progress = progress
        self.progress_every = progress_every

    def walk(self) -> int:
        """Check the entries after ``report.last_seq``; the number checked."""
        report = self.report
        checked = 0
        while report.broken is None:
            rows = AuditEntry.objects.filter(seq__gt=report.last_seq).order_by("seq")
            if self.to_seq is not None:
                rows = rows.filter(seq__lte=self.to_seq)
            batch = list(rows.values_list(*_FIELDS)[: self.batch_size])
            if not batch:
                break
            for row in batch:
                report.broken = self._check(row)
                if report.broken is not None:
                    break
                report.last_seq, self.last_hash = row[0], row[-1]
                report.count += 1
                checked += 1
                if self.progress is not None and report.count % self.progress_every == 0:
                    self.progress(report.count, report.last_seq)
        return checked

    def _check(self, row: tuple[Any, ...]) -> ChainBreak | None:
        (seq, pk, at, actor_id, label, roles, action, otype, oid, address, result, details,
         prev_hash, stored) = row  # fmt: skip
        expected_seq = self.report.last_seq + 1
        if seq != expected_seq:
            gap = f"至第 {seq - 1} 条" if seq - 1 > expected_seq else ""
            return ChainBreak(
                seq=seq,
                entry_id=pk,
                reason="missing",
                message=f"审计链断裂：第 {seq} 条（id={pk}）之前缺少第 {expected_seq} 条{gap}"
                "——记录被删除",
            )
        if prev_hash != self.last_hash:
            before = f"第 {seq - 1} 条" if seq - 1 > self.report.start_seq else "链起点"
            return ChainBreak(
                seq=seq,
                entry_id=pk,
                reason="relinked",
                message=f"审计链断裂：第 {seq} 条（id={pk}）的前序哈希与{before}的哈希不符"
                "——记录被删除、替换或调换了顺序",
            )
        computed = entry_hash(
            seq=seq,
            at=at,
            actor_id=actor_id,
            actor_label=label,
            roles=roles,
            action=action,
            object_type=otype,
            object_id=oid,
            address=address,
            result=result,
            details=details,
            prev_hash=prev_hash,
        )
        if computed != stored:
            return ChainBreak(
                seq=seq,
                entry_id=pk,
                reason="altered",
                message=f"审计记录被篡改：第 {seq} 条（id={pk}）的内容与其哈希不符",
            )
        return None

    def check_head(self) -> None:
        """The chain must end at the head (seq and hash); entries appended while we walked
        are walked too."""
        report = self.report
        while report.broken is None:
            head = AuditHead.objects.filter(pk=HEAD_PK).values_list("seq", "hash").first()
            if head is None:
                if report.count:
                    report.warnings.append("审计链头记录不存在，无法确认末尾记录是否完整")
                return
            head_seq, head_hash = head
            if head_seq == report.last_seq:
                if head_hash != self.last_hash:
                    report.broken = ChainBreak(
                        seq=head_seq,
                        entry_id=None,
                        reason="head_mismatch",
                        message=f"审计链末尾不符：链头记录的哈希与第 {head_seq} 条的哈希不同",
                    )
                return
            if head_seq < report.last_seq:
                report.broken = ChainBreak(
                    seq=head_seq + 1,
                    entry_id=None,
                    reason="head_behind",
                    message=f"审计链末尾不符：链头只记录到第 {head_seq} 条，"
                    f"表中却有第 {report.last_seq} 条",
                )
                return
            if self.walk() == 0 and report.broken is None:  # nothing new: the tail is gone
                first_missing = report.last_seq + 1
                upto = f"至第 {head_seq} 条" if head_seq > first_missing else ""
                report.broken = ChainBreak(
                    seq=first_missing,
                    entry_id=None,
                    reason="tail_missing",
                    message=f"审计链断裂：链头记录到第 {head_seq} 条，但第 {first_missing} 条"
                    f"{upto}不存在——末尾记录被删除",
                )


def missing_triggers() -> list[str]:
    """The append-only triggers that are missing or disabled on the default database."""
    with connection.cursor() as cursor:
        return triggers.missing(cursor, connection.vendor)
