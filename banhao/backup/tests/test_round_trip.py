"""The whole round trip on the real database: the demo bureau, a case with uploaded files and
the job queue are backed up, the database and MEDIA_ROOT wiped, and the restore gives back the
same rows (compared model by model, by our full-precision dump and by Django's dumpdata), the
same files byte for byte, and an audit chain that still verifies."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from banhao.audit.models import AuditEntry, AuditHead
from banhao.audit.selectors import chain_verify
from banhao.backup.archive import ArchiveInvalid, BackupError, UnsafeMember
from banhao.backup.services import (
    backup_create,
    backup_restore,
    database_clear,
    dump_database,
    row_counts,
)
from banhao.cases.models import CaseMaterial
from banhao.cases.services import case_accept, case_create_draft, case_material_upload
from banhao.cases.tests.conftest import START, build_world, company_applicant, permit_answers
from banhao.cases.tests.test_services import PDF  # a well-formed PDF, as uploads must be
from banhao.cases.tests.test_story import register
from banhao.notifications.services import notification_send

from .conftest import KEYRING, build_archive, regular, standard_members

EXCLUDE = ["-e", "contenttypes", "-e", "auth.permission", "-e", "sessions"]


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    settings.BANHAO_BACKUP_DIR = tmp_path / "backups"
    return root


def populate(media_root: Path, *, uploads: int = 3) -> None:
    """The demo organisation, accounts and catalogue; an accepted window case; an online draft
    with uploaded PDFs; a notification queued for delivery; and a large file of our own."""
    with time_machine.travel(START, tick=False):
        world = build_world()
        case_accept(case=register(world), actor=world.user("chuangkou"))
        draft = case_create_draft(
            actor=world.user("qiye"),
            item_version=world.permit,
            service_centre=world.centre,
            applicant=company_applicant(),
            situation_answers=permit_answers(world.permit, supervised=False, agent=False),
        )
        rows = draft.materials.filter(status=CaseMaterial.Status.MISSING)[:uploads]
        for number, row in enumerate(rows):
            upload = SimpleUploadedFile(f"材料{number}.pdf", PDF)
            case_material_upload(
                case=draft, material_id=row.pk, upload=upload, actor=world.user("qiye")
            )
        # A notification, whose delivery is a row in the job queue's table.
        notification_send(recipient=world.user("qiye"), title="材料已收到", body="请等待审查。")
    extra = media_root / "手工导入" / "说明 文件.bin"
    extra.parent.mkdir(parents=True)
    extra.write_bytes(os.urandom(300_000))  # incompressible: several 64 KiB chunks


def database_state() -> dict[str, Any]:
    ours = io.StringIO()
    dump_database(ours)
    theirs = io.StringIO()
    call_command("dumpdata", "--all", "--natural-foreign", *EXCLUDE, stdout=theirs)
    return {
        "counts": row_counts(),
        "ours": json.loads(ours.getvalue()),
        "dumpdata": json.loads(theirs.getvalue()),
    }


def without_restore_marks(state: dict[str, Any]) -> dict[str, Any]:
    """The state less what a restore adds: its own audit entry and the chain head it moves."""

    def keep(obj: dict[str, Any]) -> bool:
        if obj["model"] == "audit.audithead":
            return False
        return not (
            obj["model"] == "audit.auditentry" and obj["fields"]["action"].startswith("backup.")
        )

    counts = dict(state["counts"])
    counts["audit.auditentry"] = AuditEntry.objects.exclude(action__startswith="backup.").count()
    counts.pop("audit.audithead")
    return {
        "counts": counts,
        "ours": [o for o in state["ours"] if keep(o)],
        "dumpdata": [o for o in state["dumpdata"] if keep(o)],
    }


def media_state(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        path.relative_to(root).as_posix(): (path.read_bytes(), int(path.stat().st_mtime))
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.mark.django_db(transaction=True)
def test_round_trip_gives_back_the_same_database_and_files(media_root: Path, tmp_path: Path):
    populate(media_root)
    before = database_state()
    counts = before["counts"]
    for label in (
        "accounts.user",
        "accounts.user_groups",
        "audit.auditentry",
        "cases.case",
        "cases.casematerial",
        "catalog.situationoption_materials",
        "django_tasks_database.dbtaskresult",
        "notifications.notification",
        "workcalendar.officialday",
    ):
        assert counts[label] > 0, label
    files = media_state(media_root)
    assert len(files) == 4
    head = AuditHead.objects.get()

    report = backup_create(chunk_size=64 * 1024)
    assert re.fullmatch(r"banhao-backup-\d{8}T\d{6}Z\.bhbak", report.path.name)
    assert report.path.parent == tmp_path / "backups"
    assert report.path.stat().st_mode & 0o777 == 0o600
    assert report.chunks > 4 and report.media_files == 4
    assert report.rows == counts
    assert AuditEntry.objects.filter(action="backup.create").count() == 1

    database_clear()
    assert not any(row_counts().values())
    shutil.rmtree(media_root)

    restored = backup_restore(report.path)
    assert restored.rows == {label: n for label, n in counts.items() if n}
    after = database_state()
    assert after["counts"]["audit.auditentry"] == counts["audit.auditentry"] + 1
    assert without_restore_marks(after) == without_restore_marks(before)
    assert media_state(media_root) == files
    # The chain goes on from the restored head: the restore itself is its next entry.
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None and entry.action == "backup.restore"
    assert (entry.seq, entry.prev_hash) == (head.seq + 1, head.hash)
    assert chain_verify().broken is None
    assert not list(tmp_path.glob(".banhao-restore-*"))


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_data_and_damage_and_force_replaces(
    media_root: Path, tmp_path: Path, settings: Any
):
    populate(media_root, uploads=1)
    before = database_state()
    files = media_state(media_root)
    report = backup_create(chunk_size=64 * 1024)

    with pytest.raises(BackupError, match="目标数据库已有数据"):
        backup_restore(report.path)

    # Things change after the backup; then a damaged copy is offered with --force.
    (media_root / "later.pdf").write_bytes(PDF)
    (media_root / "手工导入" / "说明 文件.bin").unlink()
    damaged = tmp_path / "damaged.bhbak"
    data = report.path.read_bytes()
    middle = len(data) // 2
    damaged.write_bytes(data[:middle] + bytes([data[middle] ^ 0x80]) + data[middle + 1 :])
    attempt = database_state()
    changed_files = media_state(media_root)
    with pytest.raises(ArchiveInvalid, match="被篡改"):
        backup_restore(damaged, force=True)
    assert database_state() == attempt
    assert media_state(media_root) == changed_files
    assert not list(tmp_path.glob(".banhao-restore-*"))

    settings.IS_PRODUCTION = True
    with pytest.raises(BackupError, match="生产环境不能用 --force"):
        backup_restore(report.path, force=True)
    settings.IS_PRODUCTION = False

    restored = backup_restore(report.path, force=True)
    assert sum(restored.replaced.values()) > 0
    assert without_restore_marks(database_state()) == without_restore_marks(before)
    assert media_state(media_root) == files
    assert chain_verify().broken is None

    database_clear()
    (media_root / "stray.txt").write_text("x")
    with pytest.raises(BackupError, match="MEDIA_ROOT"):
        backup_restore(report.path)


# -- refusals that need a database but no round trip -------------------------------------------


def test_archive_from_a_newer_program_is_refused(db: Any, media_root: Path, tmp_path: Path):
    path = tmp_path / "newer.bhbak"
    path.write_bytes(build_archive(standard_members({}), migrations={"cases": "9999_future"}))
    with pytest.raises(BackupError, match=r"更新的程序版本：迁移 cases\.9999_future"):
        backup_restore(path, keyring=KEYRING)
    path.write_bytes(build_archive(standard_members({}), migrations={"gone": "0001_initial"}))
    with pytest.raises(BackupError, match="应用 gone 在当前程序中不存在"):
        backup_restore(path, keyring=KEYRING)


def test_path_traversal_in_a_crafted_archive_writes_nothing(
    db: Any, media_root: Path, tmp_path: Path
):
    counts = row_counts()
    path = tmp_path / "crafted.bhbak"
    members = [*standard_members({"ok.pdf": PDF}), regular("media/../../evil.txt", b"pwned")]
    path.write_bytes(build_archive(members))
    with pytest.raises(UnsafeMember, match="路径越界"):
        backup_restore(path, keyring=KEYRING)
    assert not (tmp_path / "evil.txt").exists()
    assert not media_root.exists() or not any(media_root.iterdir())
    assert row_counts() == counts
    assert not list(tmp_path.glob(".banhao-restore-*"))


def test_backup_and_restore_commands(db: Any, media_root: Path, tmp_path: Path):
    media_root.mkdir()
    (media_root / "a.pdf").write_bytes(PDF)
    out = io.StringIO()
    call_command("backup", output=tmp_path / "elsewhere", stdout=out)
    lines = out.getvalue().splitlines()
    path = Path(lines[0])
    assert path.parent == tmp_path / "elsewhere" and path.is_file()
    assert lines[1].startswith("大小：") and f"（{path.stat().st_size} 字节）" in lines[1]

    out = io.StringIO()
    call_command("restore", str(path), verify_only=True, stdout=out)
    assert "校验通过" in out.getvalue()
    with pytest.raises(CommandError, match="目标数据库已有数据"):  # the backup's audit entry
        call_command("restore", str(path))
    with pytest.raises(CommandError, match="找不到备份文件"):
        call_command("restore", str(tmp_path / "missing.bhbak"))

    (media_root / "a.pdf").write_bytes(b"changed")
    out = io.StringIO()
    call_command("restore", str(path), force=True, stdout=out)
    assert "恢复完成" in out.getvalue()
    assert (media_root / "a.pdf").read_bytes() == PDF
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["backup.restore"]
