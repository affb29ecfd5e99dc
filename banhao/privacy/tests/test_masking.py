"""Display masking (GB/T 35273 7.2; domain.md §8.3)."""

from __future__ import annotations

import pytest

from banhao.privacy.masking import mask_address, mask_id_number, mask_mobile, mask_name


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("371681198503121234", "371681********1234"),
        ("11010519491231002X", "110105********002X"),
        (" 371681198503121234 ", "371681********1234"),
        ("371681850312123", "371681*****2123"),  # old 15-digit number
        ("91371681MA3CBH0A1C", "913716********0A1C"),  # same rule for any 18-character code
        ("A1234567", "******67"),
        ("1234", "****"),
        ("", ""),
    ],
)
def test_id_number_keeps_the_first_six_and_last_four(value: str, masked: str) -> None:
    assert mask_id_number(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),
        ("138-1234-5678", "138****5678"),
        ("05434321234", "054****1234"),  # fixed line with area code
        ("4321234", "***1234"),
        ("12345", "*****"),
        ("", ""),
    ],
)
def test_mobile_keeps_the_first_three_and_last_four(value: str, masked: str) -> None:
    assert mask_mobile(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("张三", "张*"),
        ("张晓明", "张*明"),
        ("欧阳娜娜", "欧**娜"),
        (" 李四 ", "李*"),
        ("王", "*"),
        ("", ""),
    ],
)
def test_name_keeps_the_surname_and_from_three_characters_the_last(value: str, masked: str) -> None:
    assert mask_name(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("邹平市黛溪街道黛溪五路1号", "邹平市黛溪街道****"),
        ("山东省滨州市邹平市长山镇东范村12号", "山东省滨州市邹平市长山镇东范村****"),
        ("邹平市好生街道北大社区3号楼2单元", "邹平市好生街道北大社区****"),
        ("某县某乡某村", "某县某乡某村"),  # nothing below the village: nothing to mask
        ("邹平市黄山二路9号", "邹平市****"),  # no township: county level
        ("镇江市京口区正东路街道1号", "镇江市京口区正东路街道****"),  # 镇江市 is no 镇
        ("黛溪五路1号", "****"),  # no division at all: everything masked
        ("", ""),
    ],
)
def test_address_keeps_the_street_or_village_level(value: str, masked: str) -> None:
    assert mask_address(value) == masked
