from __future__ import annotations

import pytest

from banhao.notifications.masking import mask_email, mask_mobile, mask_text


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("13812345678", "138****5678"),
        ("+86 138-1234-5678", "138****5678"),
        ("8613812345678", "138****5678"),
        ("12345", "****"),
    ],
)
def test_mobile_keeps_first_three_and_last_four_digits(number: str, masked: str) -> None:
    assert mask_mobile(number) == masked


def test_email_keeps_first_character_and_domain() -> None:
    assert mask_email("zhangsan@example.com") == "z***@example.com"
    assert mask_email("not-an-address") == "***"


def test_text_masks_mobiles_and_emails_but_not_longer_digit_runs() -> None:
    text = "请致电13912345678或发邮件至wang.wu@gov.example.cn，办件编号 3716812026000001。"
    assert mask_text(text) == (
        "请致电139****5678或发邮件至w***@gov.example.cn，办件编号 3716812026000001。"
    )
