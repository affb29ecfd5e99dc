"""Masking of contact data (个人信息去标识化) for the outbox and the log.

A mainland mobile number keeps its first three and last four digits (138****5678), an e-mail
address the first character of its local part (z***@example.com). Nothing that leaves the
database for a log line, and nothing stored in the SMS/e-mail outbox, carries a full number.
"""

from __future__ import annotations

import re

# 11 digits starting 13–19, not part of a longer run of digits (case numbers, ID numbers).
MOBILE_IN_TEXT = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
EMAIL_IN_TEXT = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")


def mask_mobile(number: str) -> str:
    """``13812345678`` (also ``+86 138-1234-5678``) → ``138****5678``."""
    digits = re.sub(r"\D", "", number)
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if len(digits) < 8:
        return "****"
    return f"{digits[:3]}****{digits[-4:]}"


def mask_email(address: str) -> str:
    """``zhangsan@example.com`` → ``z***@example.com``."""
    local, at, domain = address.strip().partition("@")
    if not at or not local:
        return "***"
    return f"{local[0]}***@{domain}"


def mask_text(text: str) -> str:
    """Mask every mobile number and e-mail address inside free text."""
    text = MOBILE_IN_TEXT.sub(r"\1****\3", text)
    return EMAIL_IN_TEXT.sub(r"\1***@\2", text)
