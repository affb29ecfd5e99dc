"""Check-digit validation of Chinese identifiers (domain.md §8.4).

* 公民身份号码, GB 11643-1999: 18 characters, ISO 7064 MOD 11-2 check character.
* 统一社会信用代码, GB 32100-2015: 18 characters, MOD 31 check character.

The arithmetic is python-stdnum's (``stdnum.cn.ric`` and ``stdnum.cn.uscc``); this module only
turns its exceptions into one Chinese message per failure.
"""

from __future__ import annotations

from stdnum.cn import ric, uscc
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)


class IdentifierError(ValueError):
    """An identifier failed validation; ``str(exc)`` is a message for people."""


def _message(kind: str, exc: ValidationError) -> str:
    if isinstance(exc, InvalidLength):
        return f"{kind}长度不正确，应为 18 位"
    if isinstance(exc, InvalidChecksum):
        return f"{kind}校验位不正确，请核对"
    if isinstance(exc, InvalidComponent):
        return f"{kind}中的日期或地区码无效"
    if isinstance(exc, InvalidFormat):
        return f"{kind}含有不允许的字符"
    return f"{kind}无效"


def validate_resident_id(value: str) -> str:
    """Return the normalised 18-character 身份证号 or raise ``IdentifierError``.

    Checks length, characters, the birth date and the MOD 11-2 check character. The 6-digit
    area code is only checked for shape: python-stdnum's area list lags behind GB/T 2260 (it
    lacks e.g. 371681 邹平市, created 2018), and a number keeps the code of its issue date.
    """
    number = value.strip().upper()
    if len(number) != 18:
        raise IdentifierError("身份证号长度不正确，应为 18 位")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise IdentifierError("身份证号含有不允许的字符")
    try:
        ric.get_birth_date(number)
    except ValidationError as exc:
        raise IdentifierError("身份证号中的出生日期无效") from exc
    if ric.calc_check_digit(number) != number[17]:
        raise IdentifierError("身份证号校验位不正确，请核对")
    return number


def validate_credit_code(value: str) -> str:
    """Return the normalised 统一社会信用代码 or raise ``IdentifierError``."""
    try:
        return str(uscc.validate(value.strip().upper()))
    except ValidationError as exc:
        raise IdentifierError(_message("统一社会信用代码", exc)) from exc


def is_valid_credit_code(value: str) -> bool:
    try:
        validate_credit_code(value)
    except IdentifierError:
        return False
    return True
