"""Masking filters for templates (``{% load privacy %}``), applied on the server.

    {{ case.applicant_id_number|mask_id:case.applicant_kind }}   371681********1234
    {{ case.contact_phone|mask_mobile }}                          138****5678
    {{ case.applicant_name|mask_name:case.applicant_kind }}       张*明
    {{ case.address|mask_address }}                               邹平市黛溪街道****

``mask_id`` and ``mask_name`` take an optional applicant kind: for anything but ``"person"``
(a company's name and 统一社会信用代码 are public registration data) the value is shown as is.
Without the argument they always mask.
"""

from __future__ import annotations

from django import template

from banhao.privacy import masking

register = template.Library()

PERSON = "person"


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _applies(kind: object) -> bool:
    return kind is None or kind == "" or str(kind) == PERSON


@register.filter
def mask_id(value: object, kind: object = None) -> str:
    text = _text(value)
    return masking.mask_id_number(text) if _applies(kind) else text


@register.filter
def mask_mobile(value: object) -> str:
    return masking.mask_mobile(_text(value))


@register.filter
def mask_name(value: object, kind: object = None) -> str:
    text = _text(value)
    return masking.mask_name(text) if _applies(kind) else text


@register.filter
def mask_address(value: object) -> str:
    return masking.mask_address(_text(value))
