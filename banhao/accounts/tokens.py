"""API access tokens and the authentication of the JSON API.

A token is ``bh_`` + 43 URL-safe characters (256 random bits). The database keeps only its
SHA-256 and its first 8 characters (``key_prefix``, shown to people and used to find the row);
the token itself is shown once, when it is created.

The API accepts two ways in (``api_auth``, tried in this order):

* ``Authorization: Bearer bh_…`` (``BearerToken``) for programs. A token that is presented but
  unknown, revoked, expired or belongs to an inactive user is a 401 at once — it never falls
  back to a cookie. No CSRF check: browsers do not send this header on their own.
* the Django session cookie (``SessionAuthCsrf``) so that a logged-in person can use
  ``/api/docs``. Unsafe methods (POST, PATCH…) must carry the CSRF token (``X-CSRFToken``);
  without it the request is refused with 403 ``csrf_failed``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from ninja.openapi.docs import Swagger, render_template
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from banhao.accounts.models import ApiToken, User
from banhao.audit.services import audit_record
from banhao.shared import clock
from banhao.shared.errors import BanhaoError, Conflict, ValidationFailed

TOKEN_PREFIX = "bh_"  # noqa: S105 -- a marker of the format, not a secret
#: Characters of the token kept in clear (``bh_`` + 5): enough to tell tokens apart.
KEY_PREFIX_LENGTH = 8
#: ``bh_`` + ``secrets.token_urlsafe(32)`` (43 characters).
TOKEN_LENGTH = len(TOKEN_PREFIX) + 43
MAX_DAYS_VALID = 3650
#: ``last_used_at`` is written at most this often per token (a read API should not write on
#: every request).
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class NotAuthenticated(BanhaoError):
    status_code = 401
    code = "not_authenticated"


class CsrfFailed(BanhaoError):
    status_code = 403
    code = "csrf_failed"


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@transaction.atomic
def api_token_create(
    *, user: User, name: str, actor: User | None, days_valid: int | None = None
) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the row and the token (the only time it exists in
    clear). ``days_valid=None`` means no expiry. ``actor=None`` is the system (a command)."""
    clean_name = name.strip()
    if not clean_name:
        raise ValidationFailed("请填写令牌名称（用途）", field="name")
    if len(clean_name) > 100:
        raise ValidationFailed("令牌名称过长，最多 100 个字符", field="name")
    if days_valid is not None and not 1 <= days_valid <= MAX_DAYS_VALID:
        raise ValidationFailed(f"有效天数必须在 1 到 {MAX_DAYS_VALID} 之间", field="days_valid")
    if not user.is_active:
        raise ValidationFailed("该账号已停用，不能创建令牌", field="user")
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    token = ApiToken.objects.create(
        user=user,
        name=clean_name,
        key_prefix=plaintext[:KEY_PREFIX_LENGTH],
        key_hash=_digest(plaintext),
        created_at=now,
        expires_at=now + dt.timedelta(days=days_valid) if days_valid is not None else None,
    )
    audit_record(
        actor=actor,
        action="accounts.api_token_create",
        obj=token,
        details={
            "user": user.username,
            "name": clean_name,
            "prefix": token.key_prefix,
            "expires_at": token.expires_at.isoformat() if token.expires_at else None,
        },
    )
    return token, plaintext


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User | None) -> ApiToken:
    """Revoke a token at once (its next request is a 401). Revoking twice is a ``Conflict``."""
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is not None:
        raise Conflict("该令牌已经吊销", code="token_revoked")
    locked.revoked_at = clock.now()
    locked.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action="accounts.api_token_revoke",
        obj=locked,
        details={"user": locked.user.username, "name": locked.name, "prefix": locked.key_prefix},
    )
    return locked


def api_token_authenticate(raw: str) -> User | None:
    """The active user owning the token ``raw``, or ``None`` (unknown, malformed, revoked,
    expired, inactive user). The hash is compared in constant time."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) != TOKEN_LENGTH:
        return None
    digest = _digest(raw)
    now = clock.now()
    found: ApiToken | None = None
    for candidate in ApiToken.objects.select_related("user").filter(
        key_prefix=raw[:KEY_PREFIX_LENGTH]
    ):
        if hmac.compare_digest(candidate.key_hash, digest):
            found = candidate
    if found is None or found.revoked_at is not None:
        return None
    if found.expires_at is not None and found.expires_at <= now:
        return None
    if not found.user.is_active:
        return None
    if found.last_used_at is None or now - found.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=found.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_RESOLUTION)
        ).update(last_used_at=now)
    return found.user


class BearerToken(HttpBearer):
    """``Authorization: Bearer bh_…``. A presented but invalid token is a 401 at once."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = api_token_authenticate(token.strip())
        if user is None:
            raise NotAuthenticated("访问令牌无效、已吊销或已过期")
        return user


class SessionAuthCsrf(SessionAuth):
    """The Django session of a logged-in user, with the CSRF check for unsafe methods.

    Unlike ninja's ``SessionAuth``, the CSRF check runs only when there is a logged-in user,
    so an anonymous request is a 401 (not a 403), and the refusal uses the platform's error
    shape with a Chinese message.
    """

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        return super().__call__(request)

    def _get_key(self, request: HttpRequest) -> str | None:
        exempt = getattr(request, "_ninja_csrf_exempt", False)
        if self.csrf and not exempt and check_csrf(request) is not None:
            raise CsrfFailed(
                "CSRF 校验失败：使用浏览器登录会话调用写操作时，"
                "须在 X-CSRFToken 请求头中提供 CSRF 令牌",
            )
        return request.COOKIES.get(self.param_name)


#: The authentication of every protected API router: bearer token first, then the session.
api_auth = [BearerToken(), SessionAuthCsrf(csrf=True)]


class SessionSwagger(Swagger):
    """``/api/docs`` that always sends the page's CSRF token with its requests.

    ninja adds the token only when the *root* API's auth needs CSRF; ours is set per router,
    so without this "Try it out" on POST/PATCH would be refused for a logged-in user.
    Mount with ``NinjaAPI(docs=SessionSwagger(), …)``.
    """

    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {
            "swagger_settings": json.dumps(self.settings, indent=1),
            "api": api,
            "add_csrf": True,
        }
        return render_template(request, self.template, self.template_cdn, context)
