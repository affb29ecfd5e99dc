"""The archive format on its own: SM4-GCM and SM3 are the real algorithms, an intact archive
reads back, and every kind of damage, a wrong key and unsafe members are refused with a
Chinese message before anything is written. No database needed."""

from __future__ import annotations

import base64
import io
import os
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from banhao.backup import archive
from banhao.backup.archive import (
    ArchiveInvalid,
    ArchiveReader,
    ArchiveWriter,
    BackupKey,
    Keyring,
    UnsafeMember,
    WrongKey,
)
from banhao.backup.services import archive_verify, read_archive

from .conftest import (
    KEY,
    KEYRING,
    OTHER_KEY,
    SMALL_CHUNK,
    Member,
    build_archive,
    regular,
    standard_members,
)

MEDIA = {
    "case-materials/2026/11/37168120261127000001-1.pdf": b"%PDF-1.4\n" + os.urandom(3000),
    "手工导入/说明 文件.bin": os.urandom(20_000),  # incompressible: several 4 KiB chunks
}


@pytest.fixture(scope="module")
def good() -> bytes:
    return build_archive(standard_members(MEDIA, database=b'[{"model": "x"}]'))


# -- the primitives -------------------------------------------------------------------------------


def test_sm4_gcm_is_the_rfc_8998_algorithm() -> None:
    """Test vector of RFC 8998 (SM4-GCM in TLS 1.3), appendix A.1."""
    key = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
    nonce = bytes.fromhex("00001234567800000000ABCD")
    aad = bytes.fromhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2")
    plaintext = bytes.fromhex(
        "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD"
        "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA"
    )
    sealed = archive.sm4_gcm_encrypt(key, nonce, aad, plaintext)
    assert sealed[:-16].hex().upper() == (
        "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
        "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"
    )
    assert sealed[-16:].hex().upper() == "83DE3541E4C2B58177E065A9BF7B62EC"
    assert archive.sm4_gcm_decrypt(key, nonce, aad, sealed) == plaintext


def test_sm3_is_the_gb_t_32905_algorithm() -> None:
    assert archive.sm3(b"abc").hex() == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )


# -- intact archives ------------------------------------------------------------------------------


@pytest.mark.parametrize("length", [0, 1, SMALL_CHUNK - 1, SMALL_CHUNK, SMALL_CHUNK + 1, 50_000])
def test_body_reads_back_exactly(length: int) -> None:
    body = os.urandom(length)
    out = io.BytesIO()
    header = archive.build_header(KEY, chunk_size=SMALL_CHUNK, extra={"migrations": {}})
    writer = ArchiveWriter(out, key=KEY, header=header)
    for start in range(0, length, 1000):  # written in odd pieces
        writer.write(body[start : start + 1000])
    digest = writer.close()
    reader = ArchiveReader(io.BytesIO(out.getvalue()), KEYRING)
    assert reader.read(7) + reader.read() == body
    assert reader.verified and reader.digest == digest == archive.sm3(body)
    assert reader.chunks == max(1, -(-length // SMALL_CHUNK))


def test_intact_archive_verifies_and_extracts(good: bytes, tmp_path: Path) -> None:
    reader = ArchiveReader(io.BytesIO(good), KEYRING)
    assert reader.header.key_id == KEY.key_id
    contents = read_archive(reader, tmp_path / "staged")
    assert contents.media_files == len(MEDIA) and contents.chunks > 3
    for name, data in MEDIA.items():
        assert (tmp_path / "staged" / "media" / name).read_bytes() == data
    assert (tmp_path / "staged" / "database.json").read_bytes() == b'[{"model": "x"}]'


def test_header_is_readable_plaintext_without_the_key(good: bytes) -> None:
    first, line, _rest = good.split(b"\n", 2)
    assert first == b"BHBAK1"
    header = archive.read_header(io.BytesIO(good))
    assert header.fields["cipher"] == "SM4-GCM" and header.fields["digest"] == "SM3"
    assert header.fields["chunk_size"] == SMALL_CHUNK
    assert header.raw == first + b"\n" + line + b"\n"


def test_a_retired_key_still_opens_old_archives(good: bytes) -> None:
    rotated = Keyring(current=BackupKey("new-key", os.urandom(16)), retired=(KEY,))
    assert read_archive(ArchiveReader(io.BytesIO(good), rotated), None).media_files == 2


# -- damage and wrong keys -----------------------------------------------------------------------


def refused(data: bytes, keyring: Keyring = KEYRING) -> str:
    with pytest.raises(archive.BackupError) as info:
        read_archive(ArchiveReader(io.BytesIO(data), keyring), None)
    return info.value.message


def flip(data: bytes, position: int) -> bytes:
    return data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1 :]


def test_flipped_byte_anywhere_in_the_body_is_refused(good: bytes) -> None:
    header, records, _trailer = archive.parse_records(good)
    assert "校验失败" in refused(flip(good, len(good) // 2))
    for position in (len(header) + 20, len(header) + len(records[0]) + 40, len(good) - 60):
        assert "被篡改" in refused(flip(good, position))


def test_flipped_byte_in_the_trailer_is_refused(good: bytes) -> None:
    message = refused(flip(good, len(good) - 5))  # inside the SM3 digest
    assert "被篡改" in message


def test_edited_header_is_refused(good: bytes) -> None:
    edited = good.replace(
        b'"created_at":"2026-11-27T01:30:00Z"', b'"created_at":"2026-11-28T01:30:00Z"'
    )
    assert edited != good
    assert "第 1 块校验失败" in refused(edited)


@pytest.mark.parametrize(
    "cut",
    [
        pytest.param(lambda d, h, r: d[: len(d) // 2], id="middle"),
        pytest.param(lambda d, h, r: d[: len(h) + len(r[0])], id="after-first-record"),
        pytest.param(lambda d, h, r: d[: len(d) - 54], id="trailer-missing"),
        pytest.param(lambda d, h, r: d[:-1], id="last-byte"),
        pytest.param(lambda d, h, r: d[: len(h)], id="header-only"),
    ],
)
def test_truncated_archive_is_refused(good: bytes, cut) -> None:
    header, records, _trailer = archive.parse_records(good)
    assert "不完整" in refused(cut(good, header, records))


def test_reordered_dropped_or_repeated_chunks_are_refused(good: bytes) -> None:
    header, records, trailer = archive.parse_records(good)
    assert len(records) >= 4
    swapped = [records[0], records[2], records[1], *records[3:]]
    assert "第 2 块校验失败" in refused(archive.join_records(header, swapped, trailer))
    dropped = [records[0], *records[2:]]
    assert "第 2 块校验失败" in refused(archive.join_records(header, dropped, trailer))
    repeated = [records[0], records[0], *records[1:]]
    assert "第 2 块校验失败" in refused(archive.join_records(header, repeated, trailer))


def test_final_record_cannot_be_dropped_to_hide_the_end(good: bytes) -> None:
    header, records, _trailer = archive.parse_records(good)
    assert "不完整" in refused(archive.join_records(header, records[:-1], b""))


def test_records_from_another_archive_are_refused(good: bytes) -> None:
    other = build_archive(standard_members(MEDIA))
    header, records, trailer = archive.parse_records(good)
    _h, foreign, _t = archive.parse_records(other)
    spliced = [records[0], foreign[1], *records[2:]]
    assert "第 2 块校验失败" in refused(archive.join_records(header, spliced, trailer))


def test_trailing_data_is_refused(good: bytes) -> None:
    assert "多余的数据" in refused(good + b"\x00")


def test_wrong_key_is_told_apart_from_damage(good: bytes) -> None:
    with pytest.raises(WrongKey, match="密钥不正确"):
        ArchiveReader(io.BytesIO(good), Keyring(current=OTHER_KEY))
    with pytest.raises(WrongKey, match="找不到这个备份使用的密钥"):
        ArchiveReader(io.BytesIO(good), Keyring(current=BackupKey("other", bytes(16))))


def test_not_an_archive_is_refused() -> None:
    with pytest.raises(ArchiveInvalid, match="不是办好"):
        ArchiveReader(io.BytesIO(b"PK\x03\x04 a zip file"), KEYRING)
    with pytest.raises(ArchiveInvalid, match="文件头已损坏"):
        ArchiveReader(io.BytesIO(b"BHBAK1\n{not json\n"), KEYRING)
    newer = b'BHBAK1\n{"format":"BHBAK1","version":2}\n'
    with pytest.raises(ArchiveInvalid, match="不支持的备份格式版本 2"):
        ArchiveReader(io.BytesIO(newer), KEYRING)


# -- unsafe members -----------------------------------------------------------------------------


def link(name: str, target: str, kind: bytes = tarfile.SYMTYPE) -> Member:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    return info, b""


def directory(name: str) -> Member:
    info = tarfile.TarInfo(name)
    info.type = tarfile.DIRTYPE
    return info, b""


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ([regular("media/../../evil.txt", b"x")], "路径越界"),
        ([regular("../evil.txt", b"x")], "路径越界"),
        ([regular("media/a/../../../evil.txt", b"x")], "路径越界"),
        ([regular("/tmp/evil.txt", b"x")], "绝对路径"),
        ([regular("media//evil.txt", b"x")], "路径越界"),
        ([regular("media/./evil.txt", b"x")], "路径越界"),
        ([regular("evil.txt", b"x")], "不认识的条目"),
        ([regular("media", b"x")], "不认识的条目"),
        ([link("media/passwd", "/etc/passwd")], "链接"),
        ([link("media/hard", "database.json", tarfile.LNKTYPE)], "链接"),
        ([directory("media/dir")], "非普通文件"),
        ([regular("media/a", b"x"), regular("media/a", b"y")], "重复的条目"),
        ([regular("media/a", b"x"), regular("media/a/b", b"y")], "互相冲突"),
    ],
)
def test_unsafe_members_are_refused_and_nothing_escapes(
    tmp_path: Path, extra: list[Member], message: str
) -> None:
    members = [*standard_members({}), *extra]
    data = build_archive(members)
    staged = tmp_path / "work" / "staged"
    staged.parent.mkdir()
    with pytest.raises(UnsafeMember, match=message):
        read_archive(ArchiveReader(io.BytesIO(data), KEYRING), staged)
    assert not (tmp_path / "evil.txt").exists()
    assert not (tmp_path / "work" / "evil.txt").exists()
    with pytest.raises(UnsafeMember, match=message):  # verify-only refuses the same way
        read_archive(ArchiveReader(io.BytesIO(data), KEYRING), None)


def test_manifest_must_come_first_and_match(tmp_path: Path) -> None:
    members = standard_members({"a.pdf": b"%PDF-"})
    with pytest.raises(ArchiveInvalid, match="缺少清单"):
        read_archive(ArchiveReader(io.BytesIO(build_archive(members[1:])), KEYRING), None)
    short = [*members[:2]]  # the manifest lists one media file that is not there
    with pytest.raises(ArchiveInvalid, match="与清单不符"):
        read_archive(ArchiveReader(io.BytesIO(build_archive(short)), KEYRING), None)


# -- the command, without a database -----------------------------------------------------------


def test_verify_only_command_passes_an_intact_archive(good: bytes, write, settings) -> None:
    settings.BANHAO_BACKUP_KEY = base64.b64encode(KEY.secret).decode()
    settings.BANHAO_BACKUP_KEY_ID = KEY.key_id
    out = io.StringIO()
    call_command("restore", str(write(good)), verify_only=True, stdout=out)
    assert "校验通过" in out.getvalue() and "未写入任何数据" in out.getvalue()
    assert archive_verify(write(good), keyring=KEYRING).media_files == 2


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: flip(d, len(d) // 2), "被篡改"),
        (lambda d: d[: len(d) * 2 // 3], "不完整"),
        (lambda d: d, "密钥不正确"),  # the configured key is not the archive's
    ],
)
def test_restore_command_exits_1_with_a_chinese_message(
    good: bytes, write, settings, capsys, damage, message: str
) -> None:
    configured = OTHER_KEY if message == "密钥不正确" else KEY
    settings.BANHAO_BACKUP_KEY = base64.b64encode(configured.secret).decode()
    settings.BANHAO_BACKUP_KEY_ID = KEY.key_id
    path = write(damage(good))
    from banhao.backup.management.commands.restore import Command

    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(["manage.py", "restore", str(path), "--verify-only"])
    assert exit_info.value.code == 1
    assert message in capsys.readouterr().err
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(path), verify_only=True)
