"""``manage.py rotate_keys``: from key A to key B, in batches, idempotent."""

from __future__ import annotations

import base64
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from banhao.accounts.models import User
from banhao.audit.models import AuditEntry
from banhao.cases.models import Case
from banhao.privacy import crypto
from banhao.privacy.fields import blind_lookup, encrypted_fields
from banhao.privacy.rotation import encrypted_models
from banhao.privacy.tests.conftest import PERSON_ID

pytestmark = pytest.mark.django_db

KEY_A = base64.b64encode(b"key-A-0123456789").decode()
KEY_B = base64.b64encode(b"key-B-0123456789").decode()
INDEX_1 = base64.b64encode(b"index-key-1-0123456789abcdefghij").decode()
INDEX_2 = base64.b64encode(b"index-key-2-0123456789abcdefghij").decode()


@pytest.fixture
def key_a(settings: Any) -> Any:
    settings.BANHAO_DATA_KEYS = f"A:{KEY_A}"
    settings.BANHAO_DATA_KEY_ACTIVE = "A"
    settings.BANHAO_INDEX_KEY = INDEX_1
    return settings


@pytest.fixture
def rows_under_key_a(key_a: Any, case: Case) -> dict[tuple[str, int], dict[str, Any]]:
    """Five accounts and a case, encrypted with key A; their plaintexts by (model, pk)."""
    for n in range(4):
        User.objects.create(username=f"u{n}", mobile=f"1370000000{n}", display_name=f"用户{n}")
    return snapshot()


def snapshot() -> dict[tuple[str, int], dict[str, Any]]:
    """Every encrypted value of every row, decrypted with the current keys."""
    values = {}
    for model in encrypted_models():
        names = [f.name for f in encrypted_fields(model)]
        for row in model._base_manager.values("pk", *names):
            values[(model._meta.label, row.pop("pk"))] = row
    return values


def raw_key_ids() -> set[str]:
    """The key ids found in the raw encrypted columns of every table."""
    found: set[str] = set()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in encrypted_models():
            columns = ", ".join(quote(f.attname) for f in encrypted_fields(model))
            cursor.execute(f"SELECT {columns} FROM {quote(model._meta.db_table)}")
            for row in cursor.fetchall():
                found.update(crypto.key_id_of(value) for value in row if value)
    return found


def rotate(**options: Any) -> str:
    out = StringIO()
    call_command("rotate_keys", stdout=out, **options)
    return out.getvalue()


def test_rotation_from_key_a_to_key_b(rows_under_key_a: dict[Any, Any], settings: Any) -> None:
    assert raw_key_ids() == {"A"}
    settings.BANHAO_DATA_KEYS = f"A:{KEY_A},B:{KEY_B}"
    settings.BANHAO_DATA_KEY_ACTIVE = "B"

    output = rotate(batch_size=2)

    users = User.objects.count()
    assert f"accounts.User：{users} 行" in output
    assert "cases.Case：1 行" in output
    assert f"共 {users + 1} 行已用密钥 B 重新加密" in output
    assert raw_key_ids() == {"B"}
    assert snapshot() == rows_under_key_a
    entry = AuditEntry.objects.get(action="privacy.rotate_keys")
    assert entry.details == {"rows": users + 1, "reindex": False}

    # Idempotent: nothing left to do.
    assert "共 0 行" in rotate(batch_size=2)
    # Key A can now be retired: every value still decrypts with key B alone.
    settings.BANHAO_DATA_KEYS = f"B:{KEY_B}"
    assert snapshot() == rows_under_key_a
    # The blind indexes did not change.
    assert User.objects.filter(blind_lookup(User, "id_number", PERSON_ID)).exists()


def test_rotation_stops_on_a_key_that_is_no_longer_configured(
    rows_under_key_a: dict[Any, Any], settings: Any
) -> None:
    settings.BANHAO_DATA_KEYS = f"B:{KEY_B}"
    settings.BANHAO_DATA_KEY_ACTIVE = "B"
    with pytest.raises(CommandError, match="'A' is not configured"):
        rotate()
    settings.BANHAO_DATA_KEYS = f"A:{KEY_A},B:{KEY_B}"
    assert raw_key_ids() == {"A"}  # nothing half-done outside a committed batch
    assert snapshot() == rows_under_key_a


def test_reindex_recomputes_the_blind_indexes_with_a_new_index_key(
    rows_under_key_a: dict[Any, Any], settings: Any
) -> None:
    settings.BANHAO_INDEX_KEY = INDEX_2
    assert not User.objects.filter(blind_lookup(User, "id_number", PERSON_ID)).exists()

    output = rotate(reindex=True, batch_size=3)

    assert "并重算盲索引" in output
    assert User.objects.filter(blind_lookup(User, "id_number", PERSON_ID)).exists()
    assert Case.objects.filter(blind_lookup(Case, "applicant_id_number", PERSON_ID)).exists()
    assert User.objects.filter(blind_lookup(User, "mobile", "13700000003")).exists()
    assert snapshot() == rows_under_key_a


def test_a_batch_size_below_one_is_refused(key_a: Any) -> None:
    with pytest.raises(CommandError, match="--batch-size"):
        rotate(batch_size=0)
