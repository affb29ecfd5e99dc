"""Append-only audit log: who did what to which object, when, from where, with what result.

Rows are only ever created through ``banhao.audit.services.audit_record``; the model refuses
updates and deletes. (The SM3 hash chain of the security baseline builds on this table.)
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    class Result(models.TextChoices):
        OK = "ok", _("成功")
        REFUSED = "refused", _("被拒绝")
        FAILED = "failed", _("失败")

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

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("审计记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("审计记录只能追加，不能删除")
