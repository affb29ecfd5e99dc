"""电子证照 (electronic licences): licence types per service item, the bureau's approval seal
keys, the licences with their lifecycle record, and licences attached to later applications.

Writes only in ``banhao.licences.services``; these models hold constraints, not behaviour.
Personal data (the holder's name and code, the 照面信息, the signed data and the PDF that
contains them) is encrypted at rest like every other personal column (ADR 0006).
"""

from __future__ import annotations

import base64
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from banhao.privacy.fields import (
    BlindIndexedModel,
    BlindIndexField,
    EncryptedCharField,
    PrivacyQuerySet,
)
from banhao_core.licences import STATUS_LABELS, LicenceStatus, Operation

STATUS_CHOICES = [(status.value, STATUS_LABELS[status]) for status in LicenceStatus]
OPERATION_CHOICES = [(op.value, op.label) for op in Operation]


class HolderCodeType(models.TextChoices):
    """持证主体代码类型 (GB/T 36903 附录A, domain.md §7.3)."""

    RESIDENT_ID = "111", _("公民身份号码")
    CREDIT_CODE = "001", _("统一社会信用代码")


class LicenceType(models.Model):
    """证照类型: what a service item issues on 准予, and what its face shows.

    ``face_fields`` is a list of ``{"key", "label", "source"}``: the source is
    ``case.<attribute>`` (``case.applicant_name``), ``form.<key>`` (the application form) or
    ``text:<value>`` (a fixed text). ``reusable_for_materials`` names the catalogue materials
    (by name, across versions) this licence replaces when a later application needs them.
    """

    service_item = models.ForeignKey(
        "catalog.ServiceItem",
        verbose_name=_("事项"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("证照类型名称"), max_length=100)
    type_code = models.CharField(_("证照类型代码"), max_length=21, unique=True)
    defining_authority = models.CharField(_("证照定义机构"), max_length=200)
    validity_years = models.PositiveSmallIntegerField(
        _("有效期（年）"), null=True, blank=True, help_text=_("空为长期有效")
    )
    face_fields = models.JSONField(_("照面信息项"), default=list)
    reusable_for_materials = models.JSONField(_("可免交的材料"), default=list, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("证照类型")
        verbose_name_plural = _("证照类型")
        ordering = ["type_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_item"],
                condition=models.Q(is_active=True),
                name="licences_one_active_type_per_item",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.type_code}）"


class SealKey(models.Model):
    """The bureau's one approval seal (一枚印章管审批): an SM2 key pair. The private key is
    encrypted at rest (SM4-GCM, ADR 0006); a retired key keeps its public key so licences it
    sealed still verify."""

    key_id = models.CharField(_("密钥标识"), max_length=32, unique=True)
    name = models.CharField(_("印章名称"), max_length=200)
    public_key = models.CharField(_("公钥"), max_length=128)  # x ‖ y, hex
    private_key = EncryptedCharField(_("私钥"), max_length=64)  # hex, encrypted
    is_active = models.BooleanField(_("当前使用"), default=True)
    created_at = models.DateTimeField(_("启用时间"))
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("印章密钥")
        verbose_name_plural = _("印章密钥")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="licences_one_active_seal_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.key_id}）"


class Licence(BlindIndexedModel):
    """One version of an electronic licence (GB/T 36902/36903 metadata)."""

    identifier = models.CharField(_("证照标识"), max_length=160, unique=True)
    licence_type = models.ForeignKey(
        LicenceType, verbose_name=_("证照类型"), on_delete=models.PROTECT, related_name="licences"
    )
    serial = models.CharField(_("流水号"), max_length=40)
    version = models.PositiveSmallIntegerField(_("版本号"))
    name = models.CharField(_("证照名称"), max_length=100)
    number = models.CharField(_("证照编号"), max_length=60)
    holder_name = EncryptedCharField(_("持证主体"), max_length=200)
    holder_code = EncryptedCharField(_("持证主体代码"), max_length=18)
    holder_code_type = models.CharField(
        _("持证主体代码类型"), max_length=3, choices=HolderCodeType.choices
    )
    # 证件散列码: the same purpose as accounts.User.id_index, so a person finds their licences.
    holder_code_index = BlindIndexField(
        _("证件散列码"), source="holder_code", purpose="id_number", db_index=True
    )
    # A company's 统一社会信用代码 is public registry data (as on cases.Case): its accounts find
    # their licences by it.
    organisation_code = models.CharField(
        _("统一社会信用代码"), max_length=18, blank=True, db_index=True
    )
    holder_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请账号"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    issuer_name = models.CharField(_("证照颁发机构"), max_length=200)
    issuer_code = models.CharField(_("证照颁发机构代码"), max_length=18)
    issued_on = models.DateField(_("证照颁发日期"))
    valid_from = models.DateField(_("有效期起始日期"))
    valid_to = models.DateField(_("有效期截止日期"), null=True, blank=True)
    status = models.CharField(
        _("证照状态"),
        max_length=2,
        choices=STATUS_CHOICES,
        default=LicenceStatus.VALID.value,
        db_index=True,
    )
    status_reason = models.TextField(_("状态说明"), blank=True)
    operation = models.CharField(_("产生本版本的操作"), max_length=20, choices=OPERATION_CHOICES)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("办件"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    previous = models.OneToOneField(
        "self",
        verbose_name=_("关联证照"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_version",
    )
    # The sealed document and what the seal covers (ADR 0008).
    canonical_data = EncryptedCharField(_("规范化证照数据"))
    document_b64 = EncryptedCharField(_("证照文件"))  # the final PDF, base64
    document_sm3 = models.CharField(_("未签名文件 SM3"), max_length=64)
    signed_length = models.PositiveIntegerField(_("未签名文件长度"))
    signature = models.CharField(_("签名值"), max_length=200)
    seal_key = models.ForeignKey(
        SealKey, verbose_name=_("印章密钥"), on_delete=models.PROTECT, related_name="licences"
    )
    reminder_sent_at = models.DateTimeField(_("延续提醒时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("生成时间"))
    row_version = models.PositiveIntegerField(default=0)

    objects = PrivacyQuerySet["Licence"].as_manager()

    class Meta:
        verbose_name = _("电子证照")
        verbose_name_plural = _("电子证照")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["licence_type", "serial", "version"], name="licences_serial_version"
            )
        ]
        indexes = [models.Index(fields=["status", "valid_to"])]

    def __str__(self) -> str:
        return self.identifier

    @property
    def status_enum(self) -> LicenceStatus:
        return LicenceStatus(self.status)

    @property
    def data(self) -> dict[str, Any]:
        """The signed licence data (decoded from its canonical form)."""
        value: dict[str, Any] = json.loads(self.canonical_data)
        return value

    @property
    def document(self) -> bytes:
        return base64.b64decode(self.document_b64)

    @property
    def holder_is_person(self) -> bool:
        return self.holder_code_type == HolderCodeType.RESIDENT_ID


class LicenceEvent(models.Model):
    """Append-only record of every operation on a licence (操作类型, reason, who, when)."""

    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="events")
    operation = models.CharField(_("操作"), max_length=20, choices=OPERATION_CHOICES)
    national_code = models.CharField(_("操作类型代码"), max_length=2)
    from_status = models.CharField(_("原状态"), max_length=2, blank=True)
    to_status = models.CharField(_("新状态"), max_length=2)
    reason = models.TextField(_("理由"), blank=True)
    new_licence = models.ForeignKey(
        Licence,
        verbose_name=_("新版本"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("证照操作记录")
        verbose_name_plural = _("证照操作记录")
        ordering = ["licence", "at", "id"]

    def __str__(self) -> str:
        return f"{self.licence_id} {self.get_operation_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("证照操作记录只能追加，不能修改")
        super().save(*args, **kwargs)


class SerialCounter(models.Model):
    """流水号 counters, one row per licence type and year (locked while allocating)."""

    key = models.CharField(max_length=80, unique=True)
    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("流水号计数器")
        verbose_name_plural = _("流水号计数器")

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class LicenceAttachment(models.Model):
    """A licence of this platform attached to a later application's material (信息共享免交,
    国务院令第716号第九–十一条): the applicant is not asked to upload it."""

    case_material = models.OneToOneField(
        "cases.CaseMaterial", on_delete=models.CASCADE, related_name="+"
    )
    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="attachments")
    attached_at = models.DateTimeField(_("关联时间"))

    class Meta:
        verbose_name = _("共享证照")
        verbose_name_plural = _("共享证照")
        ordering = ["case_material", "id"]

    def __str__(self) -> str:
        return f"{self.case_material_id} ← {self.licence.identifier}"
