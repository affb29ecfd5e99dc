"""Banhao settings. Everything deployment-specific comes from environment variables.

| variable | default | meaning |
| --- | --- | --- |
| BANHAO_DEBUG | 0 | Django DEBUG |
| BANHAO_ENV | development | `production` refuses development defaults |
| BANHAO_SECRET_KEY | a development-only key (refused in production) | Django SECRET_KEY |
| DATABASE_URL | sqlite:///<repo>/var/banhao.sqlite3 | any dj-database-url URL (sqlite, postgres) |
| BANHAO_ALLOWED_HOSTS | 127.0.0.1,localhost | comma-separated |
| BANHAO_TIME_ZONE | Asia/Shanghai | the bureau's time zone; every time shown uses it |
| BANHAO_DATA_DIR | <repo>/var | uploads and the SQLite file |
| BANHAO_BUREAU_NAME | 邹平市行政审批服务局 | the bureau on every page and notice |
| BANHAO_RECONSIDERATION_BODY | 邹平市人民政府 | 行政复议机关 named in refusals |
| BANHAO_TASKS_BACKEND | django_tasks_db.DatabaseBackend | the job queue backend (ADR 0005) |
| BANHAO_MAX_UPLOAD_MB | 10 | size limit of one uploaded material file |
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

django_stubs_ext.monkeypatch()  # lets admin.ModelAdmin[Model] etc. be subscripted at run time

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DEBUG = env_bool("BANHAO_DEBUG", default=False)
DATA_DIR = Path(os.environ.get("BANHAO_DATA_DIR", BASE_DIR / "var"))

# BANHAO_ENV=production turns on the checks a real deployment needs (see docs/deployment.md).
ENVIRONMENT = os.environ.get("BANHAO_ENV", "development")
IS_PRODUCTION = ENVIRONMENT == "production"

_DEV_SECRET = "banhao-development-only-secret-key-do-not-use-in-production-0123456789"  # noqa: S105
SECRET_KEY = os.environ.get("BANHAO_SECRET_KEY", _DEV_SECRET)
if IS_PRODUCTION and SECRET_KEY == _DEV_SECRET:
    raise ImproperlyConfigured("BANHAO_SECRET_KEY must be set when BANHAO_ENV=production.")

ALLOWED_HOSTS = env_list("BANHAO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "banhao.shared",
    "banhao.audit",
    "banhao.accounts",
    "banhao.org",
    "banhao.workcalendar",
    "banhao.catalog",
    "banhao.cases",
    "banhao.demo",
    "banhao.notifications",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "banhao.config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "banhao" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "banhao.shared.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "banhao.config.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'banhao.sqlite3'}"),
        conn_max_age=int(os.environ.get("BANHAO_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database lives in DATA_DIR, which a fresh clone does not have yet.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL and a busy timeout so that the embedded database copes with a web server and a
    # management command at the same time.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests use a file, not shared-cache memory, so concurrent-writer tests see the same
    # locking (busy timeout, IMMEDIATE transactions) as the embedded production database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test_banhao.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = os.environ.get("BANHAO_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "banhao" / "locale"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "banhao" / "static"]
STATIC_ROOT = Path(os.environ.get("BANHAO_STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"

# Files of the bureau's own data that ship with the product (copied from ../shared with licences).
PRODUCT_DATA_DIR = BASE_DIR / "data"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("BANHAO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
    },
}

# Timeliness lights (domain.md §9.3 recommended defaults); per-item values override these.
BANHAO_LIGHT_MIN_WORKING_DAYS = int(os.environ.get("BANHAO_LIGHT_MIN_WORKING_DAYS", "2"))
BANHAO_LIGHT_FRACTION_PERCENT = int(os.environ.get("BANHAO_LIGHT_FRACTION_PERCENT", "20"))

NINJA_PAGINATION_PER_PAGE = 20

# Background jobs (docs/adr/0005-job-queue.md): Django's tasks framework through the
# django-tasks backport. The default backend keeps jobs as rows in our own database and
# `manage.py db_worker` runs them (`manage.py run_periodic` enqueues the periodic ones).
# BANHAO_TASKS_BACKEND swaps the backend by dotted path without a code change.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("BANHAO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    },
}

BANHAO_BUREAU_NAME = os.environ.get("BANHAO_BUREAU_NAME", "邹平市行政审批服务局")
BANHAO_RECONSIDERATION_BODY = os.environ.get("BANHAO_RECONSIDERATION_BODY", "邹平市人民政府")
# 文书编号 prefix (机关代字), e.g. 邹 → 邹审服受字〔2026〕第000123号.
BANHAO_DOCUMENT_PREFIX = os.environ.get("BANHAO_DOCUMENT_PREFIX", "邹")

# Uploaded material files: size limit per file (MB).
BANHAO_MAX_UPLOAD_MB = int(os.environ.get("BANHAO_MAX_UPLOAD_MB", "10"))
