"""The backup archive: one file ``banhao-backup-<UTC timestamp>.bhbak``.

Layout (all integers big-endian)::

    b"BHBAK1\\n"                       magic line
    <header JSON, UTF-8, one line>\\n   plaintext header (at most 64 KiB)
    record 0, record 1, … record n-1   the encrypted body, record n-1 flagged final
    trailer                            54 bytes, right after the final record; nothing follows

The **header** is a JSON object (keys sorted) that says what the archive is without the key::

    format "BHBAK1", version 1, created_at (UTC, ISO 8601), key_id,
    key_check {nonce, tag}, cipher "SM4-GCM", chunk_size, body "tar+gzip", digest "SM3",
    db_vendor, migrations {app_label: latest applied migration}, django, producer

It holds no personal data. ``header_hash`` = SM3(magic line + header line), exactly as stored.

The **body** is a gzip-compressed tar stream (PAX format) of regular files only::

    manifest.json    rows per model, media file count and bytes (written first)
    database.json    Django's JSON serialisation of every model (see services.dump_database)
    media/<path>     each file under MEDIA_ROOT

cut into chunks of ``chunk_size`` bytes (1 MiB by default; the last one shorter) and encrypted
with **SM4-GCM** (GB/T 32907 block cipher, GCM as in RFC 8998; the ``cryptography`` package,
``algorithms.SM4`` + ``modes.GCM`` on OpenSSL). Each record is::

    flag (1 byte: 0 = chunk, 1 = final) | nonce (12 random bytes) | length (4 bytes) |
    ciphertext + 16-byte GCM tag (``length`` bytes)

and is authenticated with the associated data::

    b"BHBAK1/chunk" | header_hash (32) | index (8) | flag (1)  [| trailer (54), final only]

so a record cannot be moved to another place or another archive, the header cannot be edited,
and an archive cut short has no final record. The **trailer** is::

    b"BHEND1" | record count (8) | plaintext body length (8) | SM3 of the plaintext body (32)

and is authenticated by the final record's tag. The SM3 digest lets anyone holding the key
check the decrypted body with any SM3 tool as well.

**Wrong key** is told apart from damage by ``key_check``: the GCM tag of an empty message under
the archive's key with the header's random nonce and the associated data
``b"BHBAK1/key-check" | key_id``. The key itself never leaves the deployment's key storage:
``BANHAO_BACKUP_KEY`` (base64 of 16 bytes) names it ``BANHAO_BACKUP_KEY_ID``;
``BANHAO_BACKUP_RETIRED_KEYS`` keeps older keys for restoring older archives.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import io
import json
import os
import re
import struct
import tarfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

MAGIC = b"BHBAK1\n"
FORMAT = "BHBAK1"
FORMAT_VERSION = 1
CIPHER = "SM4-GCM"
SUFFIX = ".bhbak"
CHUNK_SIZE = 1024 * 1024
MIN_CHUNK_SIZE = 4 * 1024
MAX_CHUNK_SIZE = 16 * 1024 * 1024
MAX_HEADER_BYTES = 64 * 1024
KEY_BYTES = 16
NONCE_BYTES = 12
TAG_BYTES = 16
FLAG_CHUNK = 0
FLAG_FINAL = 1
CHUNK_AAD = b"BHBAK1/chunk"
KEY_CHECK_AAD = b"BHBAK1/key-check"
RECORD_HEAD = struct.Struct(">B12sI")
TRAILER_MAGIC = b"BHEND1"
TRAILER = struct.Struct(">6sQQ32s")
INDEX = struct.Struct(">QB")
KEY_ID_RE = re.compile(r"[A-Za-z0-9._-]{1,64}")

MANIFEST_MEMBER = "manifest.json"
DATABASE_MEMBER = "database.json"
MEDIA_PREFIX = "media/"


class BackupError(Exception):
    """An archive that cannot be written, read or restored; ``message`` is for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ArchiveInvalid(BackupError):
    """Not an archive, damaged, tampered with or cut short."""


class WrongKey(BackupError):
    """The configured keys cannot open this archive."""


class UnsafeMember(BackupError):
    """A tar member that could write outside its place (path traversal, links, devices)."""


# -- keys ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupKey:
    key_id: str
    secret: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if not KEY_ID_RE.fullmatch(self.key_id):
            raise ValueError("key id: 1–64 characters of A–Z a–z 0–9 . _ -")
        if len(self.secret) != KEY_BYTES:
            raise ValueError("an SM4 key is 16 bytes")


@dataclass(frozen=True)
class Keyring:
    """The key new archives are written with, and the retired ones restore still accepts."""

    current: BackupKey
    retired: tuple[BackupKey, ...] = ()

    def get(self, key_id: str) -> BackupKey | None:
        for key in (self.current, *self.retired):
            if key.key_id == key_id:
                return key
        return None


def parse_key(key_id: str, encoded: str, *, setting: str) -> BackupKey:
    """A key from its id and base64 text; ImproperlyConfigured naming ``setting`` if bad."""
    from django.core.exceptions import ImproperlyConfigured

    try:
        secret = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"{setting} 不是有效的 base64 文本") from None
    try:
        return BackupKey(key_id=key_id.strip(), secret=secret)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{setting}：备份密钥必须是 16 字节 SM4 密钥的 base64 编码，"
            f"密钥标识只能由 1–64 个字母、数字、点、下划线或连字符组成（{exc}）"
        ) from None


def keyring_from_settings() -> Keyring:
    """BANHAO_BACKUP_KEY / _KEY_ID (settings provide the development key outside production)
    and BANHAO_BACKUP_RETIRED_KEYS ("id:base64,id:base64")."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    encoded = getattr(settings, "BANHAO_BACKUP_KEY", "")
    key_id = getattr(settings, "BANHAO_BACKUP_KEY_ID", "")
    if not encoded or not key_id:
        raise ImproperlyConfigured(
            "未配置备份密钥：请设置 BANHAO_BACKUP_KEY 和 BANHAO_BACKUP_KEY_ID"
        )
    current = parse_key(key_id, encoded, setting="BANHAO_BACKUP_KEY")
    retired: list[BackupKey] = []
    for item in str(getattr(settings, "BANHAO_BACKUP_RETIRED_KEYS", "") or "").split(","):
        if not item.strip():
            continue
        old_id, sep, old_key = item.partition(":")
        if not sep:
            raise ImproperlyConfigured("BANHAO_BACKUP_RETIRED_KEYS 的格式是 id:base64,id:base64")
        retired.append(parse_key(old_id, old_key, setting="BANHAO_BACKUP_RETIRED_KEYS"))
    return Keyring(current=current, retired=tuple(retired))


# -- primitives ----------------------------------------------------------------------------------


def sm3(data: bytes) -> bytes:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def sm4_gcm_encrypt(key: bytes, nonce: bytes, aad: bytes, plaintext: bytes) -> bytes:
    """Ciphertext followed by the 16-byte tag."""
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad)
    body = encryptor.update(plaintext) + encryptor.finalize()
    return body + encryptor.tag


def sm4_gcm_decrypt(key: bytes, nonce: bytes, aad: bytes, data: bytes) -> bytes:
    """The plaintext, only once the tag has been verified (InvalidTag otherwise)."""
    if len(data) < TAG_BYTES:
        raise InvalidTag
    decryptor = Cipher(
        algorithms.SM4(key), modes.GCM(nonce, data[-TAG_BYTES:], min_tag_length=TAG_BYTES)
    ).decryptor()
    decryptor.authenticate_additional_data(aad)
    return decryptor.update(data[:-TAG_BYTES]) + decryptor.finalize()


def key_check_tag(key: BackupKey, nonce: bytes) -> bytes:
    return sm4_gcm_encrypt(key.secret, nonce, KEY_CHECK_AAD + key.key_id.encode(), b"")


def _chunk_aad(header_hash: bytes, index: int, flag: int, trailer: bytes = b"") -> bytes:
    return CHUNK_AAD + header_hash + INDEX.pack(index, flag) + trailer


# -- the header ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArchiveHeader:
    fields: Mapping[str, Any]
    raw: bytes  # magic line + header line, exactly as stored

    @property
    def hash(self) -> bytes:
        return sm3(self.raw)

    @property
    def key_id(self) -> str:
        return str(self.fields["key_id"])

    @property
    def chunk_size(self) -> int:
        return int(self.fields["chunk_size"])

    @property
    def created_at(self) -> str:
        return str(self.fields.get("created_at", ""))

    @property
    def migrations(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in dict(self.fields.get("migrations", {})).items()}

    @property
    def db_vendor(self) -> str:
        return str(self.fields.get("db_vendor", ""))


def build_header(key: BackupKey, *, chunk_size: int, extra: Mapping[str, Any]) -> ArchiveHeader:
    if not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE:
        raise ValueError("chunk size out of range")
    nonce = os.urandom(NONCE_BYTES)
    fields: dict[str, Any] = dict(extra)
    fields.update(
        format=FORMAT,
        version=FORMAT_VERSION,
        cipher=CIPHER,
        chunk_size=chunk_size,
        body="tar+gzip",
        digest="SM3",
        key_id=key.key_id,
        key_check={"nonce": nonce.hex(), "tag": key_check_tag(key, nonce).hex()},
    )
    line = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    raw = MAGIC + line.encode("utf-8") + b"\n"
    if len(raw) > MAX_HEADER_BYTES:
        raise ValueError("header too large")
    return ArchiveHeader(fields=fields, raw=raw)


def read_header(stream: BinaryIO) -> ArchiveHeader:
    """Parse and sanity-check the plaintext header (no key needed)."""
    magic = stream.read(len(MAGIC))
    if magic != MAGIC:
        raise ArchiveInvalid("这不是办好（Banhao）备份文件：文件开头不是 BHBAK1")
    line = stream.readline(MAX_HEADER_BYTES)
    broken = ArchiveInvalid("备份文件头已损坏，无法读取")
    if not line.endswith(b"\n"):
        raise broken
    try:
        fields = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise broken from None
    if not isinstance(fields, dict) or fields.get("format") != FORMAT:
        raise broken
    if fields.get("version") != FORMAT_VERSION:
        raise ArchiveInvalid(
            f"不支持的备份格式版本 {fields.get('version')!r}（本程序支持版本 {FORMAT_VERSION}），"
            "请用生成该备份的程序版本或更新的版本恢复"
        )
    if fields.get("cipher") != CIPHER or fields.get("body") != "tar+gzip":
        raise ArchiveInvalid(f"不支持的备份加密或打包方式：{fields.get('cipher')}")
    chunk_size = fields.get("chunk_size")
    check = fields.get("key_check")
    if (
        not isinstance(chunk_size, int)
        or not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE
        or not isinstance(fields.get("key_id"), str)
        or not isinstance(check, dict)
        or not isinstance(check.get("nonce"), str)
        or not isinstance(check.get("tag"), str)
        or not isinstance(fields.get("migrations", {}), dict)
    ):
        raise broken
    return ArchiveHeader(fields=fields, raw=magic + line)


def select_key(header: ArchiveHeader, keyring: Keyring) -> BackupKey:
    """The key this archive was written with, proven by ``key_check`` — or WrongKey."""
    key = keyring.get(header.key_id)
    if key is None:
        raise WrongKey(
            f"找不到这个备份使用的密钥（密钥标识：{header.key_id}；当前密钥：{keyring.current.key_id}）。"
            "请在 BANHAO_BACKUP_KEY_ID/BANHAO_BACKUP_KEY 或 BANHAO_BACKUP_RETIRED_KEYS 中配置它"
        )
    check = header.fields["key_check"]
    try:
        nonce = bytes.fromhex(check["nonce"])
        tag = bytes.fromhex(check["tag"])
    except ValueError:
        raise ArchiveInvalid("备份文件头已损坏，无法读取") from None
    if len(nonce) != NONCE_BYTES or not hmac.compare_digest(key_check_tag(key, nonce), tag):
        raise WrongKey(
            f"密钥不正确：配置的密钥（密钥标识：{key.key_id}）解不开这个备份，"
            "或者备份文件头已被篡改"
        )
    return key


# -- writing ---------------------------------------------------------------------------------------


class ArchiveWriter:
    """A write-only binary stream: what is written becomes the encrypted body of an archive.
    ``close()`` writes the final record and the trailer; without it the archive is invalid."""

    def __init__(self, out: BinaryIO, *, key: BackupKey, header: ArchiveHeader) -> None:
        if header.key_id != key.key_id:
            raise ValueError("header and key disagree")
        self._out = out
        self._key = key.secret
        self._header_hash = header.hash
        self._chunk_size = header.chunk_size
        self._buffer = bytearray()
        self._index = 0
        self._length = 0
        self._digest = hashes.Hash(hashes.SM3())
        self._closed = False
        self.bytes_written = len(header.raw)
        out.write(header.raw)

    def write(self, data: bytes | bytearray | memoryview) -> int:
        if self._closed:
            raise ValueError("archive already closed")
        view = bytes(data)
        self._digest.update(view)
        self._length += len(view)
        self._buffer += view
        # Keep at least one byte back so that the final record is never empty unless the
        # whole body is.
        while len(self._buffer) > self._chunk_size:
            self._emit(bytes(self._buffer[: self._chunk_size]), FLAG_CHUNK)
            del self._buffer[: self._chunk_size]
        return len(view)

    def flush(self) -> None:
        self._out.flush()

    def close(self) -> bytes:
        """Write the final record and the trailer; return the SM3 digest of the body."""
        if self._closed:
            raise ValueError("archive already closed")
        self._closed = True
        digest = self._digest.finalize()
        trailer = TRAILER.pack(TRAILER_MAGIC, self._index + 1, self._length, digest)
        self._emit(bytes(self._buffer), FLAG_FINAL, trailer)
        self._buffer.clear()
        self._out.write(trailer)
        self.bytes_written += len(trailer)
        self._out.flush()
        return digest

    @property
    def chunks(self) -> int:
        return self._index

    def _emit(self, plaintext: bytes, flag: int, trailer: bytes = b"") -> None:
        nonce = os.urandom(NONCE_BYTES)
        aad = _chunk_aad(self._header_hash, self._index, flag, trailer)
        sealed = sm4_gcm_encrypt(self._key, nonce, aad, plaintext)
        record = RECORD_HEAD.pack(flag, nonce, len(sealed)) + sealed
        self._out.write(record)
        self.bytes_written += len(record)
        self._index += 1


# -- reading ---------------------------------------------------------------------------------------


class ArchiveReader:
    """A read-only binary stream of the verified plaintext body.

    Each chunk is released only after its GCM tag checked out; ``read`` returns ``b""`` only
    after the final record, the trailer (record count, length, SM3 digest) and the end of the
    file have been verified, so a caller that reads to the end has read an intact archive.
    """

    def __init__(self, stream: BinaryIO, keyring: Keyring) -> None:
        self._in = stream
        self.header = read_header(stream)
        self.key = select_key(self.header, keyring)
        self._header_hash = self.header.hash
        self._max_record = self.header.chunk_size + TAG_BYTES
        self._buffer = b""
        self._offset = 0
        self._index = 0
        self._length = 0
        self._digest = hashes.Hash(hashes.SM3())
        self.verified = False
        self.digest = b""

    @property
    def chunks(self) -> int:
        return self._index

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            parts = [self._take(len(self._buffer) - self._offset)]
            while self._fill():
                parts.append(self._take(len(self._buffer) - self._offset))
            return b"".join(parts)
        if size == 0:
            return b""
        if self._offset >= len(self._buffer) and not self._fill():
            return b""
        return self._take(size)

    def readable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        raise io.UnsupportedOperation("an archive body is read once, front to back")

    def drain(self) -> None:
        """Read (and verify) everything that is left."""
        while self._fill():
            self._offset = len(self._buffer)

    def _take(self, size: int) -> bytes:
        data = self._buffer[self._offset : self._offset + size]
        self._offset += len(data)
        return data

    def _fill(self) -> bool:
        """Decrypt the next record into the buffer; False at the (verified) end."""
        while not self.verified:
            plaintext = self._next_record()
            if plaintext:
                self._buffer, self._offset = plaintext, 0
                return True
        return False

    def _read_exact(self, size: int) -> bytes:
        data = self._in.read(size)
        if len(data) != size:
            raise ArchiveInvalid(
                f"备份文件不完整（被截断）：第 {self._index + 1} 块之后没有结束块，"
                "文件可能没有写完或复制不全"
            )
        return data

    def _next_record(self) -> bytes:
        index = self._index
        flag, nonce, length = RECORD_HEAD.unpack(self._read_exact(RECORD_HEAD.size))
        if flag not in (FLAG_CHUNK, FLAG_FINAL) or not TAG_BYTES <= length <= self._max_record:
            raise ArchiveInvalid(f"备份文件已损坏或被篡改：第 {index + 1} 块的块头无效")
        sealed = self._read_exact(length)
        trailer = self._read_exact(TRAILER.size) if flag == FLAG_FINAL else b""
        aad = _chunk_aad(self._header_hash, index, flag, trailer)
        try:
            plaintext = sm4_gcm_decrypt(self.key.secret, nonce, aad, sealed)
        except InvalidTag:
            raise ArchiveInvalid(
                f"备份文件已损坏或被篡改：第 {index + 1} 块校验失败（SM4-GCM 认证标签不符）"
            ) from None
        if flag == FLAG_CHUNK and len(plaintext) != self.header.chunk_size:
            raise ArchiveInvalid(f"备份文件已损坏或被篡改：第 {index + 1} 块长度不符")
        self._index += 1
        self._length += len(plaintext)
        self._digest.update(plaintext)
        if flag == FLAG_FINAL:
            self._finish(trailer)
        return plaintext

    def _finish(self, trailer: bytes) -> None:
        magic, count, length, digest = TRAILER.unpack(trailer)
        computed = self._digest.finalize()
        if magic != TRAILER_MAGIC or count != self._index or length != self._length:
            raise ArchiveInvalid("备份文件已损坏或被篡改：结束块与内容不符")
        if not hmac.compare_digest(computed, digest):
            raise ArchiveInvalid("备份内容的 SM3 摘要与结束块中记录的不符")
        if self._in.read(1):
            raise ArchiveInvalid("备份文件已损坏或被篡改：结束块之后还有多余的数据")
        self.digest = computed
        self.verified = True


# -- tar members -----------------------------------------------------------------------------------


def check_member_name(name: str) -> str:
    """The member's name if it is one the archive may contain, else UnsafeMember.

    Allowed: ``manifest.json``, ``database.json`` and ``media/<relative path>`` whose parts are
    neither empty, ``.`` nor ``..`` (no absolute paths, no way out of MEDIA_ROOT)."""
    if not name or "\x00" in name or name.startswith("/"):
        raise UnsafeMember(f"备份中含有不安全的路径：{name!r}（绝对路径或空路径）")
    parts = name.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise UnsafeMember(f"备份中含有不安全的路径：{name!r}（路径越界）")
    if name in (MANIFEST_MEMBER, DATABASE_MEMBER):
        return name
    if parts[0] == MEDIA_PREFIX.rstrip("/") and len(parts) >= 2:
        return name
    raise UnsafeMember(f"备份中含有不认识的条目：{name!r}")


def check_member(member: tarfile.TarInfo) -> str:
    """Only regular files with safe names: links, devices, FIFOs and directories are refused."""
    name = check_member_name(member.name)
    if not member.isreg():
        kind = "链接" if member.issym() or member.islnk() else "非普通文件"
        raise UnsafeMember(f"备份中含有不允许的条目：{member.name!r}（{kind}；只允许普通文件）")
    return name


def media_relative(name: str) -> PurePosixPath:
    """``media/a/b.pdf`` → ``a/b.pdf`` (the name must have passed check_member_name)."""
    return PurePosixPath(name[len(MEDIA_PREFIX) :])


def tarinfo_for(name: str, size: int, mtime: float) -> tarfile.TarInfo:
    """A regular-file member with no owner names or ids (they mean nothing elsewhere)."""
    check_member_name(name)
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(mtime)
    info.mode = 0o600
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def parse_records(data: bytes) -> tuple[bytes, list[bytes], bytes]:
    """Split an archive's bytes into (header bytes, records, trailer) without the key.
    For inspection and tests; trusts nothing and verifies nothing."""
    header_end = data.index(b"\n", len(MAGIC)) + 1
    position, records = header_end, []
    while position < len(data):
        flag, _nonce, length = RECORD_HEAD.unpack_from(data, position)
        end = position + RECORD_HEAD.size + length
        records.append(data[position:end])
        position = end
        if flag == FLAG_FINAL:
            break
    return data[:header_end], records, data[position:]


def join_records(header: bytes, records: Iterable[bytes], trailer: bytes) -> bytes:
    return header + b"".join(records) + trailer
