"""Users. One model for applicants and staff; what a user may do comes from roles (Groups)."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from banhao.accounts.roles import Role
from banhao.privacy.fields import (
    BlindIndexedModel,
    BlindIndexField,
    EncryptedCharField,
    PrivacyQuerySet,
)


class UserManager(DjangoUserManager["User"]):
    """Django's user manager on a ``PrivacyQuerySet`` (``update``/``bulk_update`` keep the
    blind indexes right)."""

    def get_queryset(self) -> PrivacyQuerySet[User]:
        return PrivacyQuerySet(self.model, using=self._db)


class User(AbstractUser, BlindIndexedModel):
    class Kind(models.TextChoices):
        PERSON = "person", _("自然人")
        COMPANY = "company", _("法人")
        STAFF = "staff", _("工作人员")

    kind = models.CharField(_("用户类型"), max_length=10, choices=Kind.choices, default=Kind.PERSON)
    display_name = models.CharField(_("姓名/名称"), max_length=200, blank=True)
    # A company account acts for its 统一社会信用代码 (issue: case spine).
    organisation_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    service_centre = models.ForeignKey(
        "org.ServiceCentre",
        verbose_name=_("所属政务服务中心"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("所属部门"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    window = models.ForeignKey(
        "org.Window",
        verbose_name=_("所在窗口"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff",
    )
    # Where SMS notifications go (banhao.notifications.senders reads ``user.mobile``).
    # Personal data, encrypted at rest (ADR 0006); look it up by ``mobile_index``.
    mobile = EncryptedCharField(_("手机号"), max_length=11, blank=True)
    mobile_index = BlindIndexField(
        _("手机号散列码"), source="mobile", purpose="mobile", db_index=True
    )
    # 身份证号 of a natural person. Personal data: never logged, audited or put in a message.
    # Encrypted at rest (ADR 0006); ``id_index`` (证件散列码) finds it and keeps it unique.
    id_number = EncryptedCharField(_("身份证号"), max_length=18, blank=True)
    id_index = BlindIndexField(_("证件散列码"), source="id_number", purpose="id_number")

    objects: ClassVar[UserManager] = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            # One person account per resident ID number.
            models.UniqueConstraint(
                fields=["id_index"],
                condition=~models.Q(id_index=""),
                name="accounts_user_id_index_unique",
                violation_error_message=_("该身份证号已注册过账号"),
            ),
            # One company account per 统一社会信用代码.
            models.UniqueConstraint(
                fields=["organisation_code"],
                condition=models.Q(kind="company") & ~models.Q(organisation_code=""),
                name="accounts_user_company_code_unique",
                violation_error_message=_("该统一社会信用代码已注册过法人账号"),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    def role_set(self) -> frozenset[Role]:
        cached: frozenset[Role] | None = getattr(self, "_role_cache", None)
        if cached is None:
            names = set(self.groups.values_list("name", flat=True))
            cached = frozenset(r for r in Role if r.value in names)
            self._role_cache = cached
        return cached

    def has_role(self, role: Role) -> bool:
        return role in self.role_set()


class ApiToken(models.Model):
    """A bearer token for API clients (``Authorization: Bearer bh_…``).

    Only the SHA-256 of the token is stored; the token itself is shown once, when it is created
    (``banhao.accounts.tokens``). ``key_prefix`` (the first 8 characters) finds the row and lets
    people tell their tokens apart.
    """

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("名称"), max_length=100)
    key_prefix = models.CharField(_("令牌前缀"), max_length=8, db_index=True)
    key_hash = models.CharField(_("令牌摘要（SHA-256）"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"))
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 访问令牌")
        verbose_name_plural = _("API 访问令牌")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.key_prefix}…）"
