"""Display masking of personal data (GB/T 35273 7.2 展示限制; domain.md §8.3 defaults).

Pure functions on plaintext, for screens, exports and paper: apply them server-side before a
value reaches a template or a response. Every function returns ``""`` for an empty value and
never raises on odd input (it masks more, not less).

| data | example |
| --- | --- |
| 身份证号 | ``371681198503121237`` → ``371681********1237`` |
| 手机号 | ``13812345678`` → ``138****5678`` |
| 姓名 | ``张三`` → ``张*``, ``张晓明`` → ``张*明`` |
| 地址 | ``邹平市黛溪街道黛溪五路 1 号`` → ``邹平市黛溪街道****`` |
"""

from __future__ import annotations

import re

STAR = "*"
#: What replaces the masked tail of an address (fixed, so its length is not revealed).
ADDRESS_TAIL = "****"
#: 乡级 (township) markers and the village/community level below them (keep up to there).
#: (Not when a county-level name follows: 镇江市, 乡城县.)
TOWNSHIP = re.compile(r"(?:街道|镇|乡|苏木)(?![市县区州旗])")
VILLAGE = re.compile(r"村|社区|居委会|嘎查")
#: County level and above, for an address without a township.
COUNTY = re.compile(r"省|自治区|市|州|盟|县|区|旗")


def mask_id_number(value: str) -> str:
    """``371681198503121237`` → ``371681********1237``: first 6 and last 4 characters kept.

    A value shorter than 11 characters keeps its last 2 only (4 or fewer: all masked).
    """
    text = value.strip()
    length = len(text)
    if length >= 11:
        return f"{text[:6]}{STAR * (length - 10)}{text[-4:]}"
    if length > 4:
        return f"{STAR * (length - 2)}{text[-2:]}"
    return STAR * length


def mask_mobile(value: str) -> str:
    """``13812345678`` → ``138****5678``: first 3 and last 4 digits kept.

    Spaces and hyphens are dropped first (``138-1234-5678``); a shorter number (a fixed line
    without area code) keeps its last 4 only when it has at least 7 digits, else is all stars.
    """
    text = re.sub(r"[\s-]", "", value)
    length = len(text)
    if length >= 8:
        return f"{text[:3]}{STAR * (length - 7)}{text[-4:]}"
    if length >= 7:
        return f"{STAR * (length - 4)}{text[-4:]}"
    return STAR * length


def mask_name(value: str) -> str:
    """``张三`` → ``张*``, ``张晓明`` → ``张*明``, ``欧阳娜娜`` → ``欧**娜``: the first character
    (the surname) is kept and, from 3 characters on, the last one. One character → ``*``."""
    text = value.strip()
    length = len(text)
    if length <= 1:
        return STAR * length
    if length == 2:
        return f"{text[0]}{STAR}"
    return f"{text[0]}{STAR * (length - 2)}{text[-1]}"


def mask_address(value: str) -> str:
    """Keep an address down to the 街道/镇/乡 level and, below it, the 村/社区; mask the rest.

    ``山东省邹平市长山镇东范村 12 号`` → ``山东省邹平市长山镇东范村****``. Without a township the
    address is kept to the county level (``邹平市黄山二路 9 号`` → ``邹平市****``); without any
    administrative division it is masked completely.
    """
    text = value.strip()
    if not text:
        return ""
    # A marker opening the address is part of a city's name (镇江市), not a township.
    township = next((m for m in TOWNSHIP.finditer(text) if m.start() > 0), None)
    if township is not None:
        end = township.end()
        village = VILLAGE.search(text, end)
        if village is not None:
            end = village.end()
    else:
        counties = list(COUNTY.finditer(text))
        if not counties:
            return ADDRESS_TAIL
        end = counties[-1].end()
    kept = text[:end]
    return kept if end >= len(text) else f"{kept}{ADDRESS_TAIL}"
