"""Personal data at rest: SM4-GCM encryption and the SM3-HMAC blind index (ADR 0006).

Ciphertext is a self-describing string::

    sm4gcm:v1:<key id>:<base64(nonce ‖ ciphertext ‖ tag)>

* SM4 (GB/T 32907) in GCM mode, a fresh random 96-bit nonce per value, a 128-bit tag;
* the associated data binds the header (``sm4gcm:v1:<key id>:``) and the *context* — the
  identity of the column, e.g. ``cases.Case.applicant_id_number`` — so a value copied into
  another column, or given another key id, no longer decrypts;
* the key id names the key in the key ring, so old keys keep decrypting until
  ``manage.py rotate_keys`` has re-encrypted every row with the active key.

The blind index (证件散列码, domain.md §8.4) is HMAC-SM3 over ``purpose ‖ 0x00 ‖
normalised value`` with a separate index key, as 64 hex digits: equal values (after
normalisation: NFKC, stripped, upper case) give equal indexes, so a column can be looked up
and kept unique without being readable.

Keys come from configuration only (settings ``BANHAO_DATA_KEYS``, ``BANHAO_DATA_KEY_ACTIVE``,
``BANHAO_INDEX_KEY``, filled from the environment — see the settings block), never from the
database.
"""

from __future__ import annotations

import base64
import binascii
import functools
import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SCHEME = "sm4gcm"
VERSION = "v1"
PREFIX = f"{SCHEME}:{VERSION}:"
KEY_BYTES = 16  # SM4 has 128-bit keys
NONCE_BYTES = 12  # 96-bit GCM nonce
TAG_BYTES = 16
MIN_INDEX_KEY_BYTES = 16
KEY_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,32}")


class CryptoError(Exception):
    """A value could not be encrypted or decrypted. The message never contains the value."""


class MalformedCiphertext(CryptoError):
    """Not a ``sm4gcm:v1:…`` string (or a truncated/garbled one)."""


class UnknownKey(CryptoError):
    """The ciphertext names a key id that is not configured."""


class DecryptionFailed(CryptoError):
    """Authentication failed: tampered ciphertext, wrong key or wrong context (column)."""


@dataclass(frozen=True)
class KeyRing:
    """The configured keys: data keys by id, the active one, and the blind-index key."""

    data_keys: Mapping[str, bytes] = field(repr=False)
    active_id: str
    index_key: bytes = field(repr=False)

    @property
    def active_key(self) -> bytes:
        return self.data_keys[self.active_id]


def _b64decode(text: str, *, what: str) -> bytes:
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"{what} is not valid base64") from exc


def parse_data_keys(text: str) -> dict[str, bytes]:
    """``"id1:base64key,id2:base64key"`` → ``{"id1": key, …}`` (16-byte SM4 keys)."""
    keys: dict[str, bytes] = {}
    for raw_part in text.split(","):
        part = raw_part.strip()
        if not part:
            continue
        key_id, sep, encoded = part.partition(":")
        key_id = key_id.strip()
        if not sep or not KEY_ID_PATTERN.fullmatch(key_id):
            raise ImproperlyConfigured(
                "BANHAO_DATA_KEYS must be 'id:base64key,…' with ids of 1-32 letters, digits, "
                "'_' or '-'"
            )
        if key_id in keys:
            raise ImproperlyConfigured(f"BANHAO_DATA_KEYS names key id {key_id!r} twice")
        key = _b64decode(encoded, what=f"BANHAO_DATA_KEYS key {key_id!r}")
        if len(key) != KEY_BYTES:
            raise ImproperlyConfigured(
                f"BANHAO_DATA_KEYS key {key_id!r} must be {KEY_BYTES} bytes (SM4), not {len(key)}"
            )
        keys[key_id] = key
    if not keys:
        raise ImproperlyConfigured("BANHAO_DATA_KEYS names no key")
    return keys


@functools.lru_cache(maxsize=8)
def build_keyring(data_keys: str, active_id: str, index_key: str) -> KeyRing:
    """Parse and check a key configuration (``ImproperlyConfigured`` when it is unusable)."""
    keys = parse_data_keys(data_keys)
    active = active_id.strip()
    if not active:
        if len(keys) != 1:
            raise ImproperlyConfigured(
                "BANHAO_DATA_KEY_ACTIVE must name the active key when several keys are configured"
            )
        (active,) = keys
    if active not in keys:
        raise ImproperlyConfigured(
            f"BANHAO_DATA_KEY_ACTIVE {active!r} is not one of the keys in BANHAO_DATA_KEYS"
        )
    index = _b64decode(index_key, what="BANHAO_INDEX_KEY")
    if len(index) < MIN_INDEX_KEY_BYTES:
        raise ImproperlyConfigured(
            f"BANHAO_INDEX_KEY must be at least {MIN_INDEX_KEY_BYTES} bytes (32 recommended)"
        )
    if index in keys.values():
        raise ImproperlyConfigured("BANHAO_INDEX_KEY must differ from every data key")
    return KeyRing(data_keys=keys, active_id=active, index_key=index)


def keyring() -> KeyRing:
    """The key ring of the current settings (parsed once per distinct configuration)."""
    return build_keyring(
        getattr(settings, "BANHAO_DATA_KEYS", ""),
        getattr(settings, "BANHAO_DATA_KEY_ACTIVE", ""),
        getattr(settings, "BANHAO_INDEX_KEY", ""),
    )


# -- encryption -------------------------------------------------------------------------------


def _header(key_id: str) -> str:
    return f"{PREFIX}{key_id}:"


def _associated_data(header: str, context: str) -> bytes:
    return f"{header}{context}".encode()


def encrypt(plaintext: str, *, context: str, ring: KeyRing | None = None) -> str:
    """Encrypt ``plaintext`` for the column named by ``context`` with the active key."""
    ring = ring or keyring()
    header = _header(ring.active_id)
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(ring.active_key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(_associated_data(header, context))
    body = encryptor.update(plaintext.encode()) + encryptor.finalize()
    blob = nonce + body + encryptor.tag
    return header + base64.b64encode(blob).decode("ascii")


def parse(token: str) -> tuple[str, bytes]:
    """``(key id, nonce ‖ ciphertext ‖ tag)`` of a ciphertext string, or ``MalformedCiphertext``."""
    if not token.startswith(PREFIX):
        raise MalformedCiphertext(f"not a {SCHEME}:{VERSION} ciphertext")
    key_id, sep, encoded = token[len(PREFIX) :].partition(":")
    if not sep or not KEY_ID_PATTERN.fullmatch(key_id):
        raise MalformedCiphertext("ciphertext has no valid key id")
    try:
        blob = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise MalformedCiphertext("ciphertext body is not valid base64") from exc
    if len(blob) < NONCE_BYTES + TAG_BYTES:
        raise MalformedCiphertext("ciphertext is too short")
    return key_id, blob


def key_id_of(token: str) -> str:
    """The id of the key ``token`` was encrypted with."""
    return parse(token)[0]


def is_ciphertext(value: object) -> bool:
    """Whether ``value`` looks like one of our ciphertexts (by its prefix only)."""
    return isinstance(value, str) and value.startswith(PREFIX)


def decrypt(token: str, *, context: str, ring: KeyRing | None = None) -> str:
    """The plaintext of ``token`` encrypted for ``context``.

    ``MalformedCiphertext``, ``UnknownKey`` or ``DecryptionFailed`` (tampered, wrong key or
    another column's value) otherwise.
    """
    ring = ring or keyring()
    key_id, blob = parse(token)
    key = ring.data_keys.get(key_id)
    if key is None:
        raise UnknownKey(f"data key {key_id!r} is not configured (BANHAO_DATA_KEYS)")
    nonce, body, tag = blob[:NONCE_BYTES], blob[NONCE_BYTES:-TAG_BYTES], blob[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(_associated_data(_header(key_id), context))
    try:
        plain = decryptor.update(body) + decryptor.finalize()
    except InvalidTag as exc:
        raise DecryptionFailed(
            f"ciphertext for {context} failed authentication (tampered, wrong key or column)"
        ) from exc
    try:
        return plain.decode()
    except UnicodeDecodeError as exc:  # pragma: no cover - authenticated data is our own UTF-8
        raise DecryptionFailed(f"plaintext for {context} is not UTF-8") from exc


# -- blind index ------------------------------------------------------------------------------


def normalise(value: str) -> str:
    """The form a value is indexed in: NFKC (full-width → ASCII), stripped, upper case."""
    return unicodedata.normalize("NFKC", value).strip().upper()


def blind_index(value: str, purpose: str, *, ring: KeyRing | None = None) -> str:
    """HMAC-SM3 of the normalised ``value`` for ``purpose`` as 64 hex digits; ``""`` for an
    empty value.

    ``purpose`` separates the index spaces ("id_number", "mobile"): the same value indexed
    for two purposes gives unrelated digests. Columns that share a purpose can be joined on
    their indexes (a person's cases by their 身份证号).
    """
    text = normalise(value or "")
    if not text:
        return ""
    ring = ring or keyring()
    mac = hmac.HMAC(ring.index_key, hashes.SM3())
    mac.update(purpose.encode() + b"\x00" + text.encode())
    return mac.finalize().hex()
