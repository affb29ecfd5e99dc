"""The approval seal: SM2/SM3 signatures that a second, independent SM2 implementation (the
pure-Python ``gmssl``) accepts, and that it produces ours accept; key rotation."""

from __future__ import annotations

import pytest
from gmssl.sm2 import CryptSM2  # type: ignore[import-untyped]

from banhao.licences.models import SealKey
from banhao.licences.seal import GmsslPyxSigner, public_key_from_hex, sm3_hex
from banhao.licences.services import seal_key_create
from banhao_core.licences import seal_message

MESSAGE = seal_message(
    data={"identifier": "1.2.156.3005.2.x", "holder": "邹平市鲁信建设工程有限公司"},
    document_sm3="ab" * 32,
    signed_length=1234,
    key_id="seal-test",
)


def _independent(public_key: bytes, private_key: bytes | None = None) -> CryptSM2:
    return CryptSM2(
        private_key=private_key.hex() if private_key else "", public_key=public_key.hex(), asn1=True
    )


def test_our_signature_verifies_with_the_independent_implementation() -> None:
    signer = GmsslPyxSigner()
    pair = signer.generate()
    signature = signer.sign(pair, MESSAGE)
    assert _independent(pair.public_key).verify_with_sm3(signature.hex(), MESSAGE)
    assert not _independent(pair.public_key).verify_with_sm3(signature.hex(), MESSAGE + b" ")


def test_the_independent_implementations_signature_verifies_with_ours() -> None:
    signer = GmsslPyxSigner()
    pair = signer.generate()
    foreign = _independent(pair.public_key, pair.private_key).sign_with_sm3(MESSAGE)
    assert signer.verify(pair.public_key, MESSAGE, bytes.fromhex(foreign))
    assert not signer.verify(
        pair.public_key, MESSAGE.replace(b"1234", b"1235"), bytes.fromhex(foreign)
    )


def test_garbage_never_verifies() -> None:
    signer = GmsslPyxSigner()
    pair = signer.generate()
    other = signer.generate()
    signature = signer.sign(pair, MESSAGE)
    assert signer.verify(pair.public_key, MESSAGE, signature)
    assert not signer.verify(other.public_key, MESSAGE, signature)
    assert not signer.verify(pair.public_key, MESSAGE, b"")
    assert not signer.verify(pair.public_key, MESSAGE, b"\x30\x02\x00\x00")
    assert not signer.verify(b"short", MESSAGE, signature)


def test_sm3_known_answer() -> None:
    # GB/T 32905-2016 Appendix A example 1: SM3("abc")
    assert sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_public_key_parsing() -> None:
    key = GmsslPyxSigner().generate().public_key
    assert public_key_from_hex(key.hex()) == key
    assert public_key_from_hex("04" + key.hex()) == key
    assert public_key_from_hex("zz") is None
    assert public_key_from_hex("00" * 10) is None


@pytest.mark.django_db
def test_rotation_keeps_one_active_key_and_the_old_public_keys() -> None:
    first = seal_key_create(actor=None)
    second = seal_key_create(actor=None)
    first.refresh_from_db()
    assert not first.is_active and first.retired_at is not None
    assert second.is_active
    assert SealKey.objects.filter(is_active=True).count() == 1
    assert SealKey.objects.count() == 2
    # The private key is encrypted at rest (ADR 0006).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT private_key FROM licences_sealkey WHERE id = %s", [second.pk])
        (raw,) = cursor.fetchone()
    assert raw.startswith("sm4gcm:v1:") and second.private_key not in raw
