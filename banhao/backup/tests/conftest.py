"""Archives made in memory with a test key, for tests of the format that need no database."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from collections.abc import Iterable
from pathlib import Path

import pytest

from banhao.backup import archive
from banhao.backup.archive import ArchiveWriter, BackupKey, Keyring

KEY = BackupKey("test-2026", bytes(range(16)))
OTHER_KEY = BackupKey("test-2026", bytes(range(16, 32)))  # same id, different secret
KEYRING = Keyring(current=KEY)
SMALL_CHUNK = archive.MIN_CHUNK_SIZE

Member = tuple[tarfile.TarInfo, bytes]


def regular(name: str, data: bytes) -> Member:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def standard_members(media: dict[str, bytes], database: bytes = b"[]") -> list[Member]:
    manifest = {
        "rows": {},
        "database": {"member": "database.json", "bytes": len(database)},
        "media": {"files": len(media), "bytes": sum(len(v) for v in media.values())},
    }
    members = [
        regular("manifest.json", json.dumps(manifest).encode()),
        regular("database.json", database),
    ]
    members += [regular(f"media/{name}", data) for name, data in media.items()]
    return members


def build_archive(
    members: Iterable[Member],
    *,
    key: BackupKey = KEY,
    chunk_size: int = SMALL_CHUNK,
    migrations: dict[str, str] | None = None,
) -> bytes:
    """An archive written exactly as backup_create writes one, with any members."""
    out = io.BytesIO()
    header = archive.build_header(
        key,
        chunk_size=chunk_size,
        extra={
            "created_at": "2026-11-27T01:30:00Z",
            "db_vendor": "sqlite",
            "migrations": migrations or {},
        },
    )
    writer = ArchiveWriter(out, key=key, header=header)
    with (
        gzip.GzipFile(fileobj=writer, mode="wb", mtime=0) as body,
        tarfile.open(fileobj=body, mode="w|", format=tarfile.PAX_FORMAT) as tar,
    ):
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if info.isreg() else None)
    writer.close()
    return out.getvalue()


@pytest.fixture
def write(tmp_path: Path):
    """Write archive bytes to a file and return its path."""
    counter = iter(range(1000))

    def _write(data: bytes) -> Path:
        path = tmp_path / f"archive-{next(counter)}.bhbak"
        path.write_bytes(data)
        return path

    return _write
