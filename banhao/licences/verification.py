"""Checking a sealed licence file without the database (offline, ADR 0008).

``check_file(pdf, trusted_keys)`` answers, for the bytes of a licence PDF:

1. the seal block can be read and the file is exactly the signed bytes plus that block
   (``documents.licence.read_seal``) — otherwise 文件被篡改;
2. the SM3 digest of the signed bytes equals the one in the block — otherwise 文件被篡改;
3. the block's public key is one of ``trusted_keys`` (key id → public key hex) — otherwise
   印章公钥不受信任 (anyone can make a key pair; trust comes from the list);
4. the SM2 signature over ``seal_message(data, digest, length, key id)`` verifies;
5. the identifier's MOD 37,36 check character is right.

The licence's *status* (撤销, 暂扣 …) is not in the file; only the online check knows it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from banhao.documents.licence import SealReadError, read_seal
from banhao.licences.seal import default_signer, public_key_from_hex, sm3_hex
from banhao_core.licences import (
    Finding,
    LicenceIdentifierError,
    Verdict,
    parse_identifier,
    seal_message,
    verdict,
)


@dataclass(frozen=True)
class FileCheck:
    """What a sealed file says and which checks it passed."""

    readable: bool
    identifier: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    key_id: str = ""
    signature: str = ""
    check_ok: bool = False
    key_trusted: bool = False
    signature_ok: bool = False
    document_ok: bool = False
    problem: str = ""  # why the seal block could not be read

    def verdict(self, *, today: dt.date) -> Verdict:
        """The offline verdict (no status: validity dates only)."""
        if not self.readable:
            return Verdict(status=None, findings=(Finding.TAMPERED_DOCUMENT,))
        return verdict(
            check_ok=self.check_ok,
            key_trusted=self.key_trusted,
            signature_ok=self.signature_ok,
            document_ok=self.document_ok,
            status=None,
            valid_from=_date(self.data.get("valid_from")),
            valid_to=_date(self.data.get("valid_to")),
            today=today,
        )


def _date(value: object) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def check_file(pdf: bytes, trusted_keys: Mapping[str, str]) -> FileCheck:
    """Check ``pdf`` against the trusted public keys (key id → hex)."""
    try:
        prefix, payload = read_seal(pdf)
    except SealReadError as exc:
        return FileCheck(readable=False, problem=str(exc))
    data = payload.get("data")
    key_id = str(payload.get("key_id", ""))
    signature_hex = str(payload.get("signature", ""))
    if not isinstance(data, dict):
        return FileCheck(readable=False, problem="电子印章签名信息格式错误")
    identifier = str(data.get("identifier", ""))
    try:
        parse_identifier(identifier)
        check_ok = True
    except LicenceIdentifierError:
        check_ok = False
    digest = sm3_hex(prefix)
    document_ok = digest == payload.get("document_sm3")
    embedded = public_key_from_hex(str(payload.get("public_key", "")))
    trusted = trusted_keys.get(key_id)
    trusted_key = public_key_from_hex(trusted) if trusted else None
    key_trusted = trusted_key is not None and embedded == trusted_key
    signature_ok = False
    if trusted_key is not None or embedded is not None:
        try:
            message = seal_message(
                data=data,
                document_sm3=str(payload.get("document_sm3", "")),
                signed_length=int(payload.get("signed_length", 0)),
                key_id=key_id,
            )
            signature = bytes.fromhex(signature_hex)
        except (TypeError, ValueError):
            signature_ok = False
        else:
            key = trusted_key or embedded
            assert key is not None
            signature_ok = default_signer().verify(key, message, signature)
    return FileCheck(
        readable=True,
        identifier=identifier,
        data=data,
        key_id=key_id,
        signature=signature_hex,
        check_ok=check_ok,
        key_trusted=key_trusted,
        signature_ok=signature_ok,
        document_ok=document_ok,
    )
