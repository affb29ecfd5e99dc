"""A production configuration comes entirely from the environment (docs/deployment.md) and
passes ``manage.py check --deploy`` without a single warning."""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def key(size: int) -> str:
    return base64.b64encode(secrets.token_bytes(size)).decode()


def production_environment(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """The documented production environment (docs/deployment.md) with generated secrets;
    nothing inherited from the test run except what a process needs to start."""
    env = {
        name: os.environ[name]
        for name in ("PATH", "HOME", "LANG", "SYSTEMROOT", "TMPDIR")
        if name in os.environ
    }
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "banhao.config.settings",
            "BANHAO_ENV": "production",
            "BANHAO_SECRET_KEY": secrets.token_urlsafe(64),
            "BANHAO_ALLOWED_HOSTS": "banhao.zouping.example.gov.cn",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'banhao.sqlite3'}",
            "BANHAO_DATA_DIR": str(tmp_path),
            "BANHAO_STATIC_ROOT": str(tmp_path / "static"),
            "BANHAO_PROXY_SSL_HEADER": "X-Forwarded-Proto=https",
            "BANHAO_TRUSTED_PROXIES": "1",
            # Keys as the key store would hand them over (banhao.privacy, banhao.backup).
            "BANHAO_DATA_KEYS": f"k2026:{key(16)}",
            "BANHAO_DATA_KEY_ACTIVE": "k2026",
            "BANHAO_INDEX_KEY": key(32),
            "BANHAO_BACKUP_KEY": key(16),
            "BANHAO_BACKUP_KEY_ID": "b2026",
        }
    )
    env.update(overrides)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_reports_no_issues_in_the_documented_production_environment(
    tmp_path: Path,
) -> None:
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_environment(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_notices_a_weakened_production_environment(tmp_path: Path) -> None:
    env = production_environment(
        tmp_path, BANHAO_SSL_REDIRECT="0", BANHAO_SECURE_COOKIES="0", BANHAO_HSTS_SECONDS="0"
    )
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr + result.stdout


SHOW = """
import json
from django.conf import settings as s
print(json.dumps({name: getattr(s, name, None) for name in [
    "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SAMESITE", "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD", "X_FRAME_OPTIONS", "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY", "ALLOWED_HOSTS", "BANHAO_TRUSTED_PROXIES",
]}))
"""


def settings_in(env: dict[str, str]) -> dict[str, object]:
    result = run(["-c", "import django; django.setup()\n" + SHOW], env)
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


def test_production_settings_come_from_the_environment(tmp_path: Path) -> None:
    values = settings_in(production_environment(tmp_path))
    assert values == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SAMESITE": "Lax",
        "SECURE_SSL_REDIRECT": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "ALLOWED_HOSTS": ["banhao.zouping.example.gov.cn"],
        "BANHAO_TRUSTED_PROXIES": 1,
    }


def test_development_settings_do_not_demand_https(tmp_path: Path) -> None:
    env = production_environment(tmp_path, BANHAO_ENV="development")
    for name in ("BANHAO_PROXY_SSL_HEADER", "BANHAO_TRUSTED_PROXIES"):
        env.pop(name)
    values = settings_in(env)
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SESSION_COOKIE_SECURE"] is False and values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert values["X_FRAME_OPTIONS"] == "DENY" and values["SECURE_CONTENT_TYPE_NOSNIFF"] is True


def test_production_refuses_the_development_secret_key(tmp_path: Path) -> None:
    env = production_environment(tmp_path)
    env.pop("BANHAO_SECRET_KEY")
    result = run(["manage.py", "check", "--deploy"], env)
    assert result.returncode != 0
    assert "BANHAO_SECRET_KEY must be set" in result.stderr
