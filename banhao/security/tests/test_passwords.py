"""Passwords: Argon2 in the settings (tests themselves hash with MD5, see conftest.py), old
PBKDF2 hashes upgrade at login, and the policy's validators."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings

from banhao.accounts.models import User
from banhao.accounts.roles import Role
from banhao.security.validators import LetterDigitValidator, StaffMinimumLengthValidator

ARGON2 = "django.contrib.auth.hashers.Argon2PasswordHasher"
PBKDF2 = "django.contrib.auth.hashers.PBKDF2PasswordHasher"


def test_the_settings_hash_with_argon2_and_keep_pbkdf2_for_old_hashes() -> None:
    settings_module = importlib.import_module("banhao.config.settings")
    hashers = settings_module.PASSWORD_HASHERS
    assert hashers[0] == ARGON2
    assert PBKDF2 in hashers[1:]


def test_argon2_hashes_and_verifies() -> None:
    hasher = Argon2PasswordHasher()
    encoded = hasher.encode("Correct-horse-9", hasher.salt())
    assert encoded.startswith("argon2$argon2id$")
    assert hasher.verify("Correct-horse-9", encoded)
    assert not hasher.verify("Correct-horse-8", encoded)


@pytest.mark.django_db
def test_an_old_pbkdf2_hash_is_upgraded_to_argon2_at_login() -> None:
    with override_settings(PASSWORD_HASHERS=[PBKDF2]):
        user = User.objects.create_user("laoli", password="Old-password-1")
    assert user.password.startswith("pbkdf2_sha256$")
    with override_settings(PASSWORD_HASHERS=[ARGON2, PBKDF2]):
        assert user.check_password("Old-password-1")
        user.refresh_from_db()
        assert user.password.startswith("argon2$")
        assert user.check_password("Old-password-1")


def _problems(password: str, user: Any = None) -> list[str]:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        return list(exc.messages)
    return []


@pytest.mark.django_db
def test_the_policy_for_applicants_and_staff() -> None:
    applicant = User(username="wangwu", kind=User.Kind.PERSON)
    staff = User(username="wangwu", kind=User.Kind.STAFF)
    assert _problems("Lvse-2026", applicant) == []  # 9 characters: enough for an applicant
    assert _problems("Lvse-2026", staff) == ["工作人员账号的密码至少需要 10 个字符。"]
    assert _problems("Lvse-20261", staff) == []
    assert _problems("lvse-hongse", applicant) == ["密码必须同时包含字母和数字。"]
    assert _problems("2026-2027-88", applicant) == ["密码必须同时包含字母和数字。"]
    assert "数字" in " ".join(_problems("8264019375", applicant))  # Django's own message
    assert any("太相似" in m or "similar" in m for m in _problems("wangwu2026", applicant))
    assert _problems("password1", applicant)  # a common password


@pytest.mark.django_db
def test_a_saved_user_with_a_staff_role_needs_the_staff_length(people: Any) -> None:
    reviewer = people.clerk
    reviewer.kind = User.Kind.PERSON  # the role alone makes it staff
    assert reviewer.has_role(Role.WINDOW_CLERK)
    StaffMinimumLengthValidator().validate("Lvse-20261", reviewer)  # no error
    with pytest.raises(ValidationError):
        StaffMinimumLengthValidator().validate("Lvse-2026", reviewer)
    StaffMinimumLengthValidator().validate("Lvse-2026", people.applicant)  # no error


def test_validators_have_chinese_help_texts() -> None:
    assert "字母和数字" in LetterDigitValidator().get_help_text()
    assert "10" in StaffMinimumLengthValidator().get_help_text()
