"""The data migrations (accounts 0006, cases 0004) encrypt rows written before encryption
existed, and their reverse writes the plaintext back.

The operations of the real migration files run on rows whose columns were set to plaintext
with SQL (what the schema migration leaves behind), which is much faster than migrating the
test database back and forth.
"""

from __future__ import annotations

import importlib
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.db import connection

from banhao.accounts.models import User
from banhao.cases.models import Case
from banhao.privacy import crypto
from banhao.privacy.fields import blind_lookup
from banhao.privacy.tests.conftest import ADDRESS, MOBILE, PERSON_ID, PHONE, raw_row

pytestmark = pytest.mark.django_db

PLAIN_CASE = {
    "applicant_name": "张晓明",
    "applicant_id_number": PERSON_ID,
    "contact_name": "张晓明",
    "contact_phone": PHONE,
    "address": ADDRESS,
    "applicant_id_index": "",
}
PLAIN_USER = {"id_number": PERSON_ID, "mobile": MOBILE, "id_index": "", "mobile_index": ""}


def operation(module: str) -> Any:
    (op,) = importlib.import_module(module).Migration.operations
    return op


ACCOUNTS = operation("banhao.accounts.migrations.0006_encrypt_personal_data")
CASES = operation("banhao.cases.migrations.0004_encrypt_personal_data")
EDITOR = SimpleNamespace(connection=connection)


def set_raw(table: str, pk: int, values: dict[str, str]) -> None:
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(name)} = %s" for name in values)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(table)} SET {assignments} WHERE id = %s", [*values.values(), pk]
        )


def test_existing_plaintext_rows_are_encrypted_indexed_and_can_be_decrypted_back(
    case: Case,
) -> None:
    user = User.objects.get(username="zhangxm")
    set_raw("accounts_user", user.pk, PLAIN_USER)
    set_raw("cases_case", case.pk, PLAIN_CASE)

    ACCOUNTS.code(apps, EDITOR)
    CASES.code(apps, EDITOR)

    raw_user = raw_row("accounts_user", user.pk, *PLAIN_USER)
    assert raw_user["id_number"].startswith("sm4gcm:v1:") and MOBILE not in raw_user["mobile"]
    assert raw_user["id_index"] == crypto.blind_index(PERSON_ID, "id_number")
    assert raw_user["mobile_index"] == crypto.blind_index(MOBILE, "mobile")
    raw_case = raw_row("cases_case", case.pk, *PLAIN_CASE)
    assert all(raw_case[name].startswith("sm4gcm:v1:") for name in list(PLAIN_CASE)[:-1])
    assert raw_case["applicant_id_index"] == raw_user["id_index"]
    assert User.objects.get(blind_lookup(User, "id_number", PERSON_ID)).mobile == MOBILE
    fresh = Case.objects.get(blind_lookup(Case, "applicant_id_number", PERSON_ID))
    assert (fresh.applicant_name, fresh.contact_phone, fresh.address) == ("张晓明", PHONE, ADDRESS)

    # Running it again changes nothing (values already encrypted are left alone).
    ACCOUNTS.code(apps, EDITOR)
    assert raw_row("accounts_user", user.pk, *PLAIN_USER) == raw_user

    # The reverse writes the plaintext back and clears the indexes.
    CASES.reverse_code(apps, EDITOR)
    ACCOUNTS.reverse_code(apps, EDITOR)
    assert raw_row("accounts_user", user.pk, *PLAIN_USER) == PLAIN_USER
    assert raw_row("cases_case", case.pk, *PLAIN_CASE) == PLAIN_CASE


def test_empty_values_stay_empty(person: User) -> None:
    set_raw("accounts_user", person.pk, {"id_number": "", "mobile": MOBILE, "id_index": "x"})
    ACCOUNTS.code(apps, EDITOR)
    raw = raw_row("accounts_user", person.pk, "id_number", "id_index", "mobile")
    assert (raw["id_number"], raw["id_index"]) == ("", "")
    assert raw["mobile"].startswith("sm4gcm:v1:")
