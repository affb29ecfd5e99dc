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
    "banhao.licences",
    "banhao.feedback",
    "banhao.engagement",
    "banhao.demo",
    "banhao.notifications",
    "banhao.privacy",
    "banhao.security",
    "banhao.backup",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # HTTP security block below: CSP + Permissions-Policy, then per-address rate limits
    # (before sessions, so refused requests cost no database work).
    "banhao.shared.http.SecurityHeadersMiddleware",
    "banhao.shared.http.RateLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Session lifetime, staff idle timeout and the staff second factor (banhao.security).
    "banhao.security.web.middleware.SessionSecurityMiddleware",
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

# Argon2id first; PBKDF2 hashes of older accounts still verify and are re-hashed with Argon2 at
# the next login. (Tests swap in a fast hasher: see conftest.py.)
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
# Password policy: at least 8 characters (staff 10), letters and digits mixed, not like the
# username, not a common password (banhao.security.validators; Chinese messages).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "banhao.security.validators.StaffMinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "banhao.security.validators.LetterDigitValidator"},
]
# A session ends 8 hours after its login however active (banhao.security's middleware also
# enforces this from the login time); staff sessions end after 30 idle minutes (below).
SESSION_COOKIE_AGE = 8 * 60 * 60

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
    # Personal data never leaves the process unmasked (banhao.privacy.logging).
    "filters": {"mask_personal_data": {"()": "banhao.privacy.logging.MaskPersonalDataFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_personal_data"],
        }
    },
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

# --- banhao.privacy: personal-data encryption keys (docs/adr/0006) -- BEGIN -------------------
# | BANHAO_DATA_KEYS | dev key (refused in production) | "id1:base64,id2:base64", 16-byte SM4 keys |
# | BANHAO_DATA_KEY_ACTIVE | the only key | id of the key new values are encrypted with |
# | BANHAO_INDEX_KEY | dev key (refused in production) | base64, >= 16 bytes (32 recommended) |
# Keys come from the deployment's key storage (KMS/HSM/密码机 → environment), never the DB.
# Old keys stay in BANHAO_DATA_KEYS until `manage.py rotate_keys` has re-encrypted every row.
# DEVELOPMENT-ONLY keys, public in this repository: used only when BANHAO_ENV != production.
_DEV_DATA_KEY = "REVWLU9OTFktc200LWtleQ=="  # b"DEV-ONLY-sm4-key"
_DEV_INDEX_KEY = "REVWLU9OTFktYmFuaGFvLWJsaW5kLWluZGV4LWtleSE="  # b"DEV-ONLY-banhao-blind-…"
BANHAO_DATA_KEYS = os.environ.get("BANHAO_DATA_KEYS", "").strip()
BANHAO_DATA_KEY_ACTIVE = os.environ.get("BANHAO_DATA_KEY_ACTIVE", "").strip()
BANHAO_INDEX_KEY = os.environ.get("BANHAO_INDEX_KEY", "").strip()
if IS_PRODUCTION:
    if not BANHAO_DATA_KEYS or not BANHAO_INDEX_KEY:
        raise ImproperlyConfigured(
            "BANHAO_DATA_KEYS and BANHAO_INDEX_KEY must be set when BANHAO_ENV=production."
        )
    if _DEV_DATA_KEY in BANHAO_DATA_KEYS or _DEV_INDEX_KEY in BANHAO_INDEX_KEY:
        raise ImproperlyConfigured("The development data keys must not be used in production.")
else:
    BANHAO_DATA_KEYS = BANHAO_DATA_KEYS or f"dev1:{_DEV_DATA_KEY}"
    BANHAO_INDEX_KEY = BANHAO_INDEX_KEY or _DEV_INDEX_KEY
# --- banhao.privacy -- END --------------------------------------------------------------------

# --- banhao.audit -- BEGIN --------------------------------------------------------------------
# Audit log retention (等保 level 3; 网络安全法第二十一条: network logs kept ≥ six months).
# BANHAO_AUDIT_RETENTION_DAYS (default 400, at least 183): `manage.py prune_audit` removes
# entries older than this, oldest first, and leaves an anchor for `manage.py verify_audit`.
BANHAO_AUDIT_RETENTION_MIN_DAYS = 183
BANHAO_AUDIT_RETENTION_DAYS = int(os.environ.get("BANHAO_AUDIT_RETENTION_DAYS", "400"))
if BANHAO_AUDIT_RETENTION_DAYS < BANHAO_AUDIT_RETENTION_MIN_DAYS:
    raise ImproperlyConfigured(
        f"BANHAO_AUDIT_RETENTION_DAYS={BANHAO_AUDIT_RETENTION_DAYS} is below the legal minimum "
        f"of {BANHAO_AUDIT_RETENTION_MIN_DAYS} days (网络安全法第二十一条: at least six months)."
    )
# --- banhao.audit -- END ----------------------------------------------------------------------

# --- HTTP security (banhao.shared.http, docs/deployment.md) -- BEGIN -------------------------
# | BANHAO_SECURE_COOKIES | 1 in production | session and CSRF cookies only over HTTPS |
# | BANHAO_SSL_REDIRECT | 1 in production | redirect http:// to https:// (except /healthz) |
# | BANHAO_PROXY_SSL_HEADER | unset | `X-Forwarded-Proto=https`: the header the TLS proxy sets |
# | BANHAO_HSTS_SECONDS | 31536000 in production, else 0 | Strict-Transport-Security max-age |
# | BANHAO_HSTS_INCLUDE_SUBDOMAINS | 1 | HSTS includeSubDomains |
# | BANHAO_HSTS_PRELOAD | 1 in production | HSTS preload |
# | BANHAO_TRUSTED_PROXIES | 0 | reverse proxies in front; >0: rate limits use X-Forwarded-For |
# | BANHAO_CACHE_BACKEND | django.core.cache.backends.locmem.LocMemCache | Django cache backend |
# | BANHAO_CACHE_LOCATION | banhao | cache location (table name, redis:// URL, …) |
# | BANHAO_RATE_LIMIT_LOGIN | 10 | POST /accounts/login/ per address per minute |
# | BANHAO_RATE_LIMIT_REGISTER | 5 | POST /accounts/register/ per address per minute |
# | BANHAO_RATE_LIMIT_SECOND_FACTOR | 10 | POST /security/mfa/…, /security/reauth/ per address/min |
# | BANHAO_RATE_LIMIT_PUBLIC_API | 120 | /api/v1/catalog/ and /api/v1/calendar/ per address/min |
# | BANHAO_RATE_LIMIT_ENGAGEMENT_PUBLIC | 10 | POST of public suggestions, answers per address/min |


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


SESSION_COOKIE_SECURE = env_bool("BANHAO_SECURE_COOKIES", default=IS_PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # forms carry the token; no script reads the cookie
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

SECURE_SSL_REDIRECT = env_bool("BANHAO_SSL_REDIRECT", default=IS_PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the proxy's plain-HTTP health probe
if os.environ.get("BANHAO_PROXY_SSL_HEADER", "").strip():
    _header, _, _value = os.environ["BANHAO_PROXY_SSL_HEADER"].partition("=")
    if not _value.strip():
        raise ImproperlyConfigured("BANHAO_PROXY_SSL_HEADER must read like X-Forwarded-Proto=https")
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + _header.strip().upper().replace("-", "_"),
        _value.strip(),
    )
SECURE_HSTS_SECONDS = _env_int("BANHAO_HSTS_SECONDS", 31536000 if IS_PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("BANHAO_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("BANHAO_HSTS_PRELOAD", default=IS_PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (banhao.shared.http.SecurityHeadersMiddleware): no inline script or
# style anywhere, the Swagger UI at /api/docs included (ninja serves it from our static files
# and it runs under this policy unchanged; banhao/shared/tests/test_csp_browser.py checks it).
BANHAO_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Per path prefix, directives that replace the policy's (none needed today), e.g.
# {"/some/page": {"style-src": ["'self'", "'unsafe-inline'"]}}.
BANHAO_CSP_PATH_OVERRIDES: dict[str, dict[str, list[str]]] = {}

# Rate limits per client address (banhao.shared.http.RateLimitMiddleware), counted in the
# cache below. With several worker processes use a shared cache (database or Redis): the
# default LocMemCache counts per process.
CACHES = {
    "default": {
        "BACKEND": os.environ.get(
            "BANHAO_CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"
        ),
        "LOCATION": os.environ.get("BANHAO_CACHE_LOCATION", "banhao"),
    }
}
BANHAO_RATE_LIMIT_CACHE = "default"
BANHAO_TRUSTED_PROXIES = _env_int("BANHAO_TRUSTED_PROXIES", 0)
BANHAO_RATE_LIMITS = [
    {
        "name": "login",
        "methods": ["POST"],
        "paths": ["/accounts/login/"],
        "limit": _env_int("BANHAO_RATE_LIMIT_LOGIN", 10),
        "period": 60,
    },
    {
        "name": "register",
        "methods": ["POST"],
        "paths": ["/accounts/register/"],
        "limit": _env_int("BANHAO_RATE_LIMIT_REGISTER", 5),
        "period": 60,
    },
    {
        # one-time codes (TOTP, recovery codes) at login, enrolment and re-authentication
        "name": "second_factor",
        "methods": ["POST"],
        "paths": ["/security/mfa/", "/security/reauth/"],
        "limit": _env_int("BANHAO_RATE_LIMIT_SECOND_FACTOR", 10),
        "period": 60,
    },
    {
        "name": "public_api",
        "paths": ["/api/v1/catalog/", "/api/v1/calendar/"],
        "limit": _env_int("BANHAO_RATE_LIMIT_PUBLIC_API", 120),
        "period": 60,
    },
    {
        # 民说民评: public suggestion and questionnaire submissions (pages and API)
        "name": "engagement_public",
        "methods": ["POST"],
        "paths": ["/engagement/suggest/", "/engagement/s/", "/api/v1/engagement/public/"],
        "limit": _env_int("BANHAO_RATE_LIMIT_ENGAGEMENT_PUBLIC", 10),
        "period": 60,
    },
]
# --- HTTP security -- END ----------------------------------------------------------------------

# --- banhao.backup: encrypted backups (docs/adr/0007-backups.md) -- BEGIN ----------------------
# | BANHAO_BACKUP_KEY | dev key (refused in production) | base64 of a 16-byte SM4 key |
# | BANHAO_BACKUP_KEY_ID | dev-only | the key's name, written into every archive's header |
# | BANHAO_BACKUP_RETIRED_KEYS | (none) | "id:base64,id:base64": older keys restore accepts |
# | BANHAO_BACKUP_DIR | <BANHAO_DATA_DIR>/backups | where `manage.py backup` writes |
# The key comes from the deployment's key storage and is kept apart from the archives.
# DEVELOPMENT-ONLY key, public in this repository: used only when BANHAO_ENV != production.
_DEV_BACKUP_KEY = "REVWLU9OTFktYmFja3VwIQ=="  # b"DEV-ONLY-backup!"
BANHAO_BACKUP_KEY = os.environ.get("BANHAO_BACKUP_KEY", "").strip()
BANHAO_BACKUP_KEY_ID = os.environ.get("BANHAO_BACKUP_KEY_ID", "").strip()
BANHAO_BACKUP_RETIRED_KEYS = os.environ.get("BANHAO_BACKUP_RETIRED_KEYS", "").strip()
BANHAO_BACKUP_DIR = Path(os.environ.get("BANHAO_BACKUP_DIR", DATA_DIR / "backups"))
if BANHAO_BACKUP_KEY and not BANHAO_BACKUP_KEY_ID:
    raise ImproperlyConfigured("BANHAO_BACKUP_KEY_ID must name BANHAO_BACKUP_KEY.")
if IS_PRODUCTION:
    if not BANHAO_BACKUP_KEY:
        raise ImproperlyConfigured(
            "BANHAO_BACKUP_KEY and BANHAO_BACKUP_KEY_ID must be set when BANHAO_ENV=production."
        )
    if _DEV_BACKUP_KEY in f"{BANHAO_BACKUP_KEY},{BANHAO_BACKUP_RETIRED_KEYS}":
        raise ImproperlyConfigured("The development backup key must not be used in production.")
elif not BANHAO_BACKUP_KEY:
    BANHAO_BACKUP_KEY, BANHAO_BACKUP_KEY_ID = _DEV_BACKUP_KEY, "dev-only"
# --- banhao.backup -- END -----------------------------------------------------------------------

# --- banhao.security: accounts and sessions (等保2.0 level 3) -- BEGIN ------------------------
# | BANHAO_LOGIN_FAILURE_LIMIT | 5 | failed logins of one account within the window that lock it |
# | BANHAO_LOGIN_ADDRESS_FAILURE_LIMIT | 20 | failures from one client address that throttle it |
# | BANHAO_LOGIN_FAILURE_WINDOW_MINUTES | 15 | the window failures are counted in |
# | BANHAO_LOGIN_LOCK_MINUTES | 15 | how long a lock or throttle lasts after the last failure |
# | BANHAO_STAFF_IDLE_MINUTES | 30 | a staff session idle this long ends |
# | BANHAO_MFA_ISSUER | 办好 | the issuer authenticator apps show next to the account |
# Client addresses follow BANHAO_TRUSTED_PROXIES (see the HTTP security block).
BANHAO_LOGIN_FAILURE_LIMIT = int(os.environ.get("BANHAO_LOGIN_FAILURE_LIMIT", "5"))
BANHAO_LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("BANHAO_LOGIN_ADDRESS_FAILURE_LIMIT", "20"))
BANHAO_LOGIN_FAILURE_WINDOW_MINUTES = int(
    os.environ.get("BANHAO_LOGIN_FAILURE_WINDOW_MINUTES", "15")
)
BANHAO_LOGIN_LOCK_MINUTES = int(os.environ.get("BANHAO_LOGIN_LOCK_MINUTES", "15"))
BANHAO_STAFF_IDLE_MINUTES = int(os.environ.get("BANHAO_STAFF_IDLE_MINUTES", "30"))
BANHAO_MFA_ISSUER = os.environ.get("BANHAO_MFA_ISSUER", "办好")
# --- banhao.security -- END -------------------------------------------------------------------

# --- banhao.licences: 电子证照 (docs/licences.md, docs/adr/0008-licence-seal.md) -- BEGIN -------
# | BANHAO_BUREAU_USCC | 11371681MB28505211 (demo) | issuer's USCC (证照颁发机构代码) |
# | BANHAO_PUBLIC_URL | http://127.0.0.1:8000 | base of the verification URL in the QR code |
# | BANHAO_LICENCE_RENEWAL_LEAD_DAYS | 30 | days before expiry when the holder is reminded once |
# | BANHAO_SEAL_NAME | <bureau>行政审批专用章 | the name of the bureau's one approval seal |
# | BANHAO_RATE_LIMIT_LICENCE_VERIFY | 60 | public verification (page and API) per address/min |
BANHAO_BUREAU_USCC = os.environ.get("BANHAO_BUREAU_USCC", "11371681MB28505211")
BANHAO_PUBLIC_URL = os.environ.get("BANHAO_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
BANHAO_LICENCE_RENEWAL_LEAD_DAYS = int(os.environ.get("BANHAO_LICENCE_RENEWAL_LEAD_DAYS", "30"))
BANHAO_SEAL_NAME = os.environ.get("BANHAO_SEAL_NAME", f"{BANHAO_BUREAU_NAME}行政审批专用章")
BANHAO_RATE_LIMITS.append(
    {
        "name": "licence_verify",
        "paths": ["/licences/verify/", "/api/v1/licences/verify"],
        "limit": _env_int("BANHAO_RATE_LIMIT_LICENCE_VERIFY", 60),
        "period": 60,
    }
)
# --- banhao.licences -- END ---------------------------------------------------------------------
