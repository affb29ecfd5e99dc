"""Password validators of the platform's policy (AUTH_PASSWORD_VALIDATORS), with Chinese
messages. Django's own validators cover the rest: similarity to the username, a minimum length
of 8 for everyone, common passwords, all digits."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


class LetterDigitValidator:
    """A password must contain at least one letter and at least one digit. (An all-digit
    password is left to Django's NumericPasswordValidator, so it gets one message.)"""

    def validate(self, password: str, user: Any = None) -> None:
        if password.isdigit():
            return
        has_letter = any(ch.isalpha() for ch in password)
        has_digit = any(ch.isdigit() for ch in password)
        if not (has_letter and has_digit):
            raise ValidationError("密码必须同时包含字母和数字。", code="password_letters_digits")

    def get_help_text(self) -> str:
        return "密码必须同时包含字母和数字。"


class StaffMinimumLengthValidator:
    """Staff passwords are longer: at least ``min_length`` (10) characters.

    Staff is known from the account (its kind, Django staff flags or, once saved, its staff
    roles); a password checked without a user is held to the staff length.
    """

    def __init__(self, min_length: int = 10) -> None:
        self.min_length = min_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) >= self.min_length or not _is_staff(user):
            return
        raise ValidationError(
            "工作人员账号的密码至少需要 %(min_length)d 个字符。",
            code="password_too_short_staff",
            params={"min_length": self.min_length},
        )

    def get_help_text(self) -> str:
        return f"工作人员账号的密码至少需要 {self.min_length} 个字符。"


def _is_staff(user: Any) -> bool:
    if user is None:
        return True
    from banhao.accounts.models import User
    from banhao.accounts.roles import Role

    if user.is_staff or user.is_superuser or getattr(user, "kind", "") == User.Kind.STAFF:
        return True
    if user.pk is None:
        return False
    return bool(user.role_set() & Role.staff_roles())
