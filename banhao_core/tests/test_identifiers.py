"""GB 11643 (身份证号) and GB 32100 (统一社会信用代码) check characters."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from banhao_core.identifiers import (
    IdentifierError,
    is_valid_credit_code,
    validate_credit_code,
    validate_resident_id,
)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("11010519491231002X", None),
        ("11010519491231002x", None),  # lower-case x is normalised
        ("110105194912310021", "校验位"),
        ("11010519491331002X", "出生日期"),
        ("1101051949123100", "长度"),
        ("11010519491231002Y", "不允许的字符"),
    ],
)
def test_resident_id(value: str, message: str | None) -> None:
    if message is None:
        assert validate_resident_id(value) == value.upper()
        return
    with pytest.raises(IdentifierError, match=message):
        validate_resident_id(value)


def test_a_zouping_number_issued_after_2018_is_valid() -> None:
    """371681 (邹平市) is missing from python-stdnum's area list; the number is still valid."""
    base = "37168120190304123"
    number = base + ric.calc_check_digit(base + "0")
    assert validate_resident_id(number) == number


@given(st.integers(min_value=0, max_value=999), st.dates())
def test_any_computed_check_character_validates(sequence: int, birth: object) -> None:
    import datetime as dt

    assert isinstance(birth, dt.date)
    if birth.year < 1900:
        return
    base = f"371681{birth:%Y%m%d}{sequence:03d}"
    number = base + ric.calc_check_digit(base + "0")
    assert validate_resident_id(number) == number
    wrong = "0" if number[17] != "0" else "1"
    with pytest.raises(IdentifierError):
        validate_resident_id(number[:17] + wrong)


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("91350100M000100Y43", True),
        ("91350100m000100y43", True),
        ("91350100M000100Y44", False),
        ("9135", False),
        ("", False),
    ],
)
def test_credit_code(value: str, valid: bool) -> None:
    assert is_valid_credit_code(value) is valid
    if valid:
        assert validate_credit_code(value) == value.upper()
