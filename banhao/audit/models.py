"""Append-only audit log: who did what to which object, when, from where, with what result.

Rows are only ever created through ``banhao.audit.services.audit_record``. Each entry carries
its place in an SM3 hash chain (``seq``, ``prev_hash``, ``hash``; the formula is in
``banhao.audit.chain``), so that ``manage.py verify_audit`` finds any row that was altered,
deleted or reordered. The model and its query sets refuse updates and deletes, and database
triggers (migration 0005) refuse them to raw SQL too; only ``manage.py prune_audit`` may delete
the oldest entries past the retention period, leaving an ``AuditAnchor`` behind.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from banhao.audit.chain import entry_hash


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise RuntimeError("审计记录只能追加，不能修改")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise RuntimeError("审计记录只能追加，不能删除（过期记录用 manage.py prune_audit 清理）")


class AuditEntry(models.Model):
    class Result(models.TextChoices):
        OK = "ok", _("成功")
        REFUSED = "refused", _("被拒绝")
        FAILED = "failed", _("失败")

    seq = models.BigIntegerField(_("序号"), unique=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人标识"), max_length=150)
    roles = models.CharField(_("角色"), max_length=200, blank=True)
    action = models.CharField(_("操作"), max_length=100, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象标识"), max_length=100, blank=True)
    address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    result = models.CharField(_("结果"), max_length=10, choices=Result.choices, default=Result.OK)
    details = models.JSONField(_("详情"), default=dict, blank=True)
    prev_hash = models.CharField(_("前序哈希"), max_length=64)
    hash = models.CharField(_("哈希（SM3）"), max_length=64)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("审计记录只能追加，不能修改")
        if not self.hash or self.hash != self.computed_hash():
            raise RuntimeError("审计记录只能通过 audit_record 追加")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("审计记录只能追加，不能删除")

    def computed_hash(self) -> str:
        """The SM3 hash of this entry's content as it stands (equal to ``hash`` if intact)."""
        return entry_hash(
            seq=self.seq,
            at=self.at,
            actor_id=self.actor_id,
            actor_label=self.actor_label,
            roles=self.roles,
            action=self.action,
            object_type=self.object_type,
            object_id=self.object_id,
            address=self.address,
            result=self.result,
            details=self.details,
            prev_hash=self.prev_hash,
        )


class AuditHead(models.Model):
    """The chain head: the last entry's seq and hash, one row (pk 1). Appending locks it
    (``select_for_update``) so that concurrent writers take turns; migration 0003 creates it
    and ``audit_record`` recreates it if a test database flush removed it."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(_("最后序号"), default=0)
    hash = models.CharField(_("最后哈希"), max_length=64)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"


class AuditAnchor(models.Model):
    """Where the chain starts after ``prune_audit`` removed its oldest entries: the seq and
    hash of the last entry removed. Append-only like the entries."""

    seq = models.BigIntegerField(_("最后清理序号"), unique=True)
    hash = models.CharField(_("最后清理哈希"), max_length=64)
    pruned_at = models.DateTimeField(_("清理时间"))
    count = models.BigIntegerField(_("清理条数"))
    cutoff = models.DateTimeField(_("清理截止时间"))

    class Meta:
        verbose_name = _("审计清理锚点")
        verbose_name_plural = _("审计清理锚点")
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"≤#{self.seq} {self.pruned_at:%Y-%m-%d %H:%M}"
