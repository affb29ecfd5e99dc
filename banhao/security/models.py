"""Second factors of staff accounts and the record of login attempts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from banhao.privacy.fields import EncryptedCharField


class MfaDevice(models.Model):
    """A user's TOTP authenticator (RFC 6238: SHA-1, 6 digits, 30 seconds — what every
    authenticator app reads from the QR code).

    A device is created unconfirmed when enrolment starts and counts only once confirmed with
    a code from the app. The secret is encrypted at rest (SM4, ``banhao.privacy``): it is
    authentication data. ``last_timecode`` is the time step of the last accepted code, so a
    code cannot be used twice.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="mfa_device",
    )
    secret = EncryptedCharField(_("密钥（Base32）"), max_length=64)
    created_at = models.DateTimeField(_("创建时间"))
    confirmed_at = models.DateTimeField(_("启用时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)
    last_timecode = models.BigIntegerField(_("最近使用的时间步"), default=0)

    class Meta:
        verbose_name = _("动态口令设备")
        verbose_name_plural = _("动态口令设备")

    def __str__(self) -> str:
        state = "已启用" if self.confirmed_at else "待确认"
        return f"{self.user_id} TOTP（{state}）"


class RecoveryCode(models.Model):
    """A one-time recovery code (for a lost phone). Only a keyed hash is stored
    (HMAC-SHA256 under SECRET_KEY); the code itself is shown once, when it is generated."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="recovery_codes",
    )
    code_hash = models.CharField(_("恢复码摘要"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("生成时间"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("恢复码")
        verbose_name_plural = _("恢复码")

    def __str__(self) -> str:
        return f"{self.user_id} 恢复码{'（已使用）' if self.used_at else ''}"


class LoginAttempt(models.Model):
    """One password check at login or re-authentication, or a failed second factor.

    ``username`` is what was typed (trimmed, lower case), whether or not such an account
    exists, so that unknown names lock like known ones. A success or a security admin's
    unlock sets ``cleared`` on the account's earlier failures: they no longer count towards
    the account's lock (they still count towards the address's throttle).
    """

    class Result(models.TextChoices):
        FAILED = "failed", _("失败")
        SUCCEEDED = "succeeded", _("成功")

    at = models.DateTimeField(_("时间"))
    username = models.CharField(_("用户名"), max_length=150)
    address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    result = models.CharField(_("结果"), max_length=10, choices=Result.choices)
    cleared = models.BooleanField(_("已清除"), default=False)

    class Meta:
        verbose_name = _("登录尝试")
        verbose_name_plural = _("登录尝试")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["username", "at"], name="security_attempt_user_at"),
            models.Index(fields=["address", "at"], name="security_attempt_addr_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.result}"
