"""A logging filter that masks 身份证号 and mobile numbers in every record it passes.

Installed on the console handler (``settings.LOGGING``), so that a value which slips into a
log message, its arguments or a traceback leaves the process masked: ``371681********1234``,
``138****5678``. It is the safety net, not the policy: code does not log personal data.
"""

from __future__ import annotations

import logging
import re

#: An 18-character 居民身份证号 not inside a longer run of letters or digits.
ID_NUMBER_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
#: A mainland mobile number (11 digits starting 13–19) not inside a longer run of digits.
MOBILE_IN_TEXT = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def mask_text(text: str) -> str:
    """Mask every 身份证号 and mobile number inside free text."""
    text = ID_NUMBER_IN_TEXT.sub(r"\1********\2", text)
    return MOBILE_IN_TEXT.sub(r"\1****\2", text)


class MaskPersonalDataFilter(logging.Filter):
    """Rewrites the record's message (with its arguments merged in) and exception text."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: let the handler report it as usual
            return True
        masked = mask_text(message)
        if masked != message:
            record.msg = masked
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        return True
