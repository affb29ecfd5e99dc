"""A person account and one case of theirs, made through the real services."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from banhao.accounts.models import User
from banhao.accounts.services import applicant_register
from banhao.cases.models import Case
from banhao.cases.services import ApplicantData, case_create_draft
from banhao.catalog.tests.factories import ServiceItemVersionFactory
from banhao.org.models import ServiceCentre

#: The textbook 身份证号 with an X check digit.
PERSON_ID = "11010519491231002X"
MOBILE = "13805431234"
PHONE = "13912345678"
ADDRESS = "邹平市黛溪街道黛溪五路1号"


@pytest.fixture
def person(db: Any) -> User:
    return applicant_register(
        kind=User.Kind.PERSON,
        username="zhangxm",
        password="Qing-he-2026!",
        display_name="张晓明",
        mobile=MOBILE,
        id_number=PERSON_ID.lower(),
    )


@pytest.fixture
def case(person: User) -> Case:
    centre = ServiceCentre.objects.create(code="zouping", name="政务服务中心", area_code="371681")
    version = ServiceItemVersionFactory.create(published=True)
    return case_create_draft(
        actor=person,
        item_version=version,
        service_centre=centre,
        applicant=ApplicantData(
            kind="person",
            name="张晓明",
            id_number=PERSON_ID,
            contact_name="张晓明",
            contact_phone=PHONE,
            address=ADDRESS,
        ),
        situation_answers={},
    )


def raw_row(table: str, pk: int, *columns: str) -> dict[str, Any]:
    """The stored values of one row, read with SQL (nothing decrypted)."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {names} FROM {quote(table)} WHERE id = %s", [pk])
        row = cursor.fetchone()
    return dict(zip(columns, row, strict=True))
