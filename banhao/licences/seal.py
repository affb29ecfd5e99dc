"""The approval seal's signatures: SM2 (GB/T 32918) with SM3 (GB/T 32905), behind a small
interface so the library can be swapped.

Signatures are DER-encoded ``SEQUENCE {r, s}`` over ``SM3(Z ‖ message)`` with the default
signer id ``1234567812345678`` (GB/T 35276), which is what every conforming implementation
computes; ``banhao/licences/tests/test_seal.py`` proves it by verifying in both directions with
the independent pure-Python ``gmssl`` package.

Keys are bytes: the private key 32 bytes, the public key 64 bytes (x ‖ y, uncompressed without
the 04 prefix); they are stored as hex.
"""

from __future__ import annotations

import contextlib
import os
import threading
from dataclasses import dataclass
from typing import Protocol

import gmssl_pyx  # type: ignore[import-untyped]

SIGNER_ID = b"1234567812345678"  # GB/T 35276 default 用户身份标识
PRIVATE_KEY_BYTES = 32
PUBLIC_KEY_BYTES = 64


@dataclass(frozen=True)
class KeyPair:
    public_key: bytes
    private_key: bytes


class Signer(Protocol):
    """What the licence service needs from an SM2 implementation."""

    def generate(self) -> KeyPair: ...

    def sign(self, key: KeyPair, message: bytes) -> bytes: ...

    def verify(self, public_key: bytes, message: bytes, signature: bytes) -> bool: ...


_stderr_lock = threading.Lock()


@contextlib.contextmanager
def _quiet_stderr():  # type: ignore[no-untyped-def]
    """GmSSL prints a C trace to stderr when a signature does not verify; a failed check is an
    expected answer here, not an error worth a trace. (File descriptor 2 is process-wide: the
    lock keeps two threads from saving each other's redirection.)"""
    with _stderr_lock:
        saved = os.dup(2)
        try:
            with open(os.devnull, "wb") as null:
                os.dup2(null.fileno(), 2)
                yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


class GmsslPyxSigner:
    """SM2 through ``gmssl-pyx`` (bindings to the GmSSL C library: fast, maintained)."""

    def generate(self) -> KeyPair:
        public_key, private_key = gmssl_pyx.sm2_key_generate()
        return KeyPair(public_key=bytes(public_key), private_key=bytes(private_key))

    def sign(self, key: KeyPair, message: bytes) -> bytes:
        return bytes(gmssl_pyx.sm2_sign(key.private_key, key.public_key, message))

    def verify(self, public_key: bytes, message: bytes, signature: bytes) -> bool:
        if len(public_key) != PUBLIC_KEY_BYTES or not signature:
            return False
        try:
            with _quiet_stderr():
                return bool(gmssl_pyx.sm2_verify(public_key, message, signature))
        except (ValueError, TypeError, gmssl_pyx.InvalidValueError, gmssl_pyx.GmsslInnerError):
            return False


def default_signer() -> Signer:
    return GmsslPyxSigner()


def sm3_hex(data: bytes) -> str:
    """SM3 digest as 64 hex digits."""
    return bytes(gmssl_pyx.sm3_hash(data)).hex()


def public_key_from_hex(text: str) -> bytes | None:
    """64 bytes from 128 hex digits (an optional ``04`` prefix is dropped), else None."""
    value = text.strip().lower()
    if len(value) == 130 and value.startswith("04"):
        value = value[2:]
    try:
        key = bytes.fromhex(value)
    except ValueError:
        return None
    return key if len(key) == PUBLIC_KEY_BYTES else None
