"""Where the backup key comes from: the environment in production (no development default),
a public development key elsewhere; older keys only for restoring."""

from __future__ import annotations

import base64
import os
import runpy
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from banhao.backup.archive import keyring_from_settings

SETTINGS_FILE = Path(__file__).resolve().parents[2] / "config" / "settings.py"
KEY = base64.b64encode(os.urandom(16)).decode()


def load_settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    """Run the settings module afresh with this environment (production's other required
    variables set to valid values)."""
    for name in ("BANHAO_BACKUP_KEY", "BANHAO_BACKUP_KEY_ID", "BANHAO_BACKUP_RETIRED_KEYS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BANHAO_ENV", "development")
    if env.get("BANHAO_ENV") == "production":
        monkeypatch.setenv("BANHAO_SECRET_KEY", "x" * 60)
        monkeypatch.setenv("BANHAO_DATA_KEYS", f"p1:{base64.b64encode(os.urandom(16)).decode()}")
        monkeypatch.setenv("BANHAO_INDEX_KEY", base64.b64encode(os.urandom(32)).decode())
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def test_production_requires_a_backup_key(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ImproperlyConfigured, match="BANHAO_BACKUP_KEY"):
        load_settings(monkeypatch, BANHAO_ENV="production")
    dev = base64.b64encode(b"DEV-ONLY-backup!").decode()
    with pytest.raises(ImproperlyConfigured, match="development backup key"):
        load_settings(
            monkeypatch, BANHAO_ENV="production", BANHAO_BACKUP_KEY=dev, BANHAO_BACKUP_KEY_ID="k"
        )
    loaded = load_settings(
        monkeypatch, BANHAO_ENV="production", BANHAO_BACKUP_KEY=KEY, BANHAO_BACKUP_KEY_ID="k1"
    )
    assert (loaded["BANHAO_BACKUP_KEY"], loaded["BANHAO_BACKUP_KEY_ID"]) == (KEY, "k1")


def test_development_falls_back_to_the_public_key(monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = load_settings(monkeypatch, BANHAO_ENV="development")
    assert loaded["BANHAO_BACKUP_KEY_ID"] == "dev-only"
    assert base64.b64decode(loaded["BANHAO_BACKUP_KEY"]) == b"DEV-ONLY-backup!"
    with pytest.raises(ImproperlyConfigured, match="BANHAO_BACKUP_KEY_ID must name"):
        load_settings(monkeypatch, BANHAO_BACKUP_KEY=KEY)


def test_keyring_checks_the_keys(settings: Any) -> None:
    settings.BANHAO_BACKUP_KEY, settings.BANHAO_BACKUP_KEY_ID = KEY, "k2"
    settings.BANHAO_BACKUP_RETIRED_KEYS = f"k1:{base64.b64encode(bytes(16)).decode()}"
    keyring = keyring_from_settings()
    assert keyring.current.key_id == "k2"
    retired = keyring.get("k1")
    assert retired is not None and retired.secret == bytes(16)
    assert repr(keyring.current) == "BackupKey(key_id='k2')"  # the secret never printed
    settings.BANHAO_BACKUP_KEY = base64.b64encode(bytes(15)).decode()
    with pytest.raises(ImproperlyConfigured, match="16 字节"):
        keyring_from_settings()
    settings.BANHAO_BACKUP_KEY = "not base64!"
    with pytest.raises(ImproperlyConfigured, match="base64"):
        keyring_from_settings()
    settings.BANHAO_BACKUP_KEY, settings.BANHAO_BACKUP_KEY_ID = KEY, "bad id with spaces"
    with pytest.raises(ImproperlyConfigured, match="密钥标识"):
        keyring_from_settings()
    settings.BANHAO_BACKUP_KEY_ID = "k2"
    settings.BANHAO_BACKUP_RETIRED_KEYS = "no-colon"
    with pytest.raises(ImproperlyConfigured, match="id:base64"):
        keyring_from_settings()
