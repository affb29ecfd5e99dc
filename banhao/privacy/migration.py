"""Data migrations that encrypt existing plaintext columns in place (and back).

The migrations of the apps that adopt ``EncryptedCharField`` first turn the column into
``text`` (``AlterField``, the values stay as they are), then run ``encrypt_columns`` here,
which works on raw SQL with ``banhao.privacy.crypto`` directly — the historical model would
try to decrypt the plaintext. Values that are already ciphertext are left alone, so the
operation can be re-run; the reverse operation writes the plaintext back and clears the
indexes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import migrations

from banhao.privacy import crypto

BATCH_SIZE = 500


@dataclass(frozen=True)
class Column:
    """An encrypted column: its name, its context (``app.Model.field``) and, optionally, the
    column of its blind index and the index purpose."""

    name: str
    context: str
    index: str = ""
    purpose: str = ""


def _encrypted_row(values: Sequence[Any], columns: Sequence[Column]) -> dict[str, str]:
    """The changes that encrypt one row (column → new value)."""
    changes: dict[str, str] = {}
    for column, value in zip(columns, values, strict=True):
        if value is None or value == "":
            plain = ""
        elif crypto.is_ciphertext(value):
            plain = crypto.decrypt(value, context=column.context)
        else:
            plain = value
            changes[column.name] = crypto.encrypt(value, context=column.context)
        if column.index:
            changes[column.index] = crypto.blind_index(plain, column.purpose)
    return changes


def _decrypted_row(values: Sequence[Any], columns: Sequence[Column]) -> dict[str, str]:
    changes: dict[str, str] = {}
    for column, value in zip(columns, values, strict=True):
        if crypto.is_ciphertext(value):
            changes[column.name] = crypto.decrypt(value, context=column.context)
        if column.index:
            changes[column.index] = ""
    return changes


def _convert(schema_editor: Any, table: str, columns: Sequence[Column], *, encrypt: bool) -> None:
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    names = ", ".join(quote(column.name) for column in columns)
    select = f"SELECT id, {names} FROM {quote(table)} WHERE id > %s ORDER BY id"  # noqa: S608
    last = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(f"{select} LIMIT {BATCH_SIZE}", [last])
            rows = cursor.fetchall()
            for pk, *values in rows:
                if encrypt:
                    changes = _encrypted_row(values, columns)
                else:
                    changes = _decrypted_row(values, columns)
                if changes:
                    assignments = ", ".join(f"{quote(name)} = %s" for name in changes)
                    cursor.execute(
                        f"UPDATE {quote(table)} SET {assignments} WHERE id = %s",  # noqa: S608
                        [*changes.values(), pk],
                    )
        if len(rows) < BATCH_SIZE:
            return
        last = rows[-1][0]


def encrypt_columns(table: str, columns: Sequence[Column]) -> migrations.RunPython:
    """A ``RunPython`` that encrypts ``columns`` of ``table`` (reversible)."""
    columns = tuple(columns)

    def forward(apps: Any, schema_editor: Any) -> None:
        _convert(schema_editor, table, columns, encrypt=True)

    def backward(apps: Any, schema_editor: Any) -> None:
        _convert(schema_editor, table, columns, encrypt=False)

    return migrations.RunPython(forward, backward, elidable=False)
