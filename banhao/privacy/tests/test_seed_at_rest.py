"""After ``seed_demo`` the database file holds no 身份证号 or phone number of a case in plain
text: not in the encrypted columns, not in form data, not in notification bodies, not in
the audit log."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from banhao.accounts.models import User
from banhao.cases.models import Case


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="reads the embedded database's file; PostgreSQL stores the same ciphertext columns",
)
@pytest.mark.django_db(transaction=True)
def test_the_seeded_database_file_has_no_plaintext_personal_data() -> None:
    call_command("seed_demo", "--skip-real-items", "--cases", "20")
    secrets = set()
    for case in Case.objects.all():
        secrets.add(case.contact_phone)
        # A company's 统一社会信用代码 is public (and the organisation_code column looks cases up).
        if case.applicant_kind == "person":
            secrets.update({case.applicant_id_number, case.applicant_id_number.lower()})
    for user in User.objects.all():
        secrets.update({user.mobile, user.id_number})
    secrets.discard("")
    assert len(secrets) >= 10
    assert any(len(s) == 18 for s in secrets)  # some 身份证号 among them
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(FULL)")
    connection.close()

    name = Path(settings.DATABASES["default"]["NAME"])
    assert name.is_file()
    raw = name.read_bytes()
    wal = name.with_name(name.name + "-wal")
    if wal.exists():
        raw += wal.read_bytes()
    assert b"zouping" in raw  # the file is the seeded database
    leaked = sorted(s for s in secrets if s.encode() in raw)
    assert leaked == [], _where(raw, leaked[0])


def _where(raw: bytes, secret: str) -> str:
    at = raw.find(secret.encode())
    return raw[max(0, at - 200) : at + 60].decode("utf-8", "replace")
