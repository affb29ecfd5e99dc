"""``SessionSecurityMiddleware``: session lifetime, staff idle timeout and the staff second
factor, on every request. Goes right after ``AuthenticationMiddleware`` and
``MessageMiddleware``.

For a logged-in user, in this order:

1. a session older than SESSION_COOKIE_AGE (8 h) since its login ends, however active;
2. staff: a session idle for more than BANHAO_STAFF_IDLE_MINUTES (30) ends;
3. staff: until the second factor passed in this session, the only pages are the second
   step (or enrolment), login and logout. Any other page redirects there; the API sees an
   anonymous user (API clients with a bearer token are not affected: they have no session).

An ended session logs out (audited as ``security.session_ended``) and redirects to the login
page with a message; on the API it just becomes anonymous (401). Django admin's own login page
redirects to the platform's login, which counts failures and locks.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from banhao.accounts.models import User
from banhao.security import conf
from banhao.security.access import mfa_required
from banhao.security.models import MfaDevice
from banhao.security.web import session as sess

#: The seen-at stamp is written at most this often (seconds), not on every request.
SEEN_RESOLUTION = 60
API_PREFIX = "/api/"


def _exempt_paths() -> tuple[str, ...]:
    """Pages a staff user may open before the second factor."""
    return (
        reverse("accounts:login"),
        reverse("accounts:logout"),
        reverse("security:mfa_verify"),
        reverse("security:mfa_enrol"),
        reverse("healthz"),
    )


class SessionSecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self._check(request)
        if response is not None:
            return response
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> HttpResponse | None:
        if request.path == reverse("admin:login"):
            query = request.META.get("QUERY_STRING", "")
            return HttpResponseRedirect(reverse("accounts:login") + (f"?{query}" if query else ""))
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        ended = self._lifetime_check(request, staff=mfa_required(user))
        if ended is not None or request.user is not user:
            return ended  # ended (a redirect), or the API's request is anonymous now
        if not mfa_required(user) or sess.mfa_verified(request.session, user):
            return None
        return self._second_factor_first(request)

    def _lifetime_check(self, request: HttpRequest, *, staff: bool) -> HttpResponse | None:
        """End a session past its lifetime, or a staff session idle too long; keep the
        seen-at stamp of a staff session."""
        session = request.session
        now = sess.now_ts()
        login_at = session.get(sess.LOGIN_AT)
        if login_at is None:  # a session from before this check existed
            session[sess.LOGIN_AT] = login_at = now
        max_age = conf.session_max_age().total_seconds()
        if now - float(login_at) > max_age:
            return self._end(
                request, "expired", f"登录已超过 {round(max_age / 3600)} 小时，请重新登录"
            )
        if not staff:
            return None
        seen_at = session.get(sess.SEEN_AT)
        idle = conf.staff_idle_timeout().total_seconds()
        if seen_at is not None and now - float(seen_at) > idle:
            return self._end(
                request,
                "idle",
                f"您已超过 {round(idle / 60)} 分钟未操作，为保护账号安全已自动退出，请重新登录",
            )
        if seen_at is None or now - float(seen_at) >= SEEN_RESOLUTION:
            session[sess.SEEN_AT] = now
        return None

    def _end(self, request: HttpRequest, reason: str, message: str) -> HttpResponse | None:
        setattr(request, sess.END_REASON_ATTR, reason)
        logout(request)
        if request.path.startswith(API_PREFIX):
            return None  # anonymous now: the API answers 401
        messages.warning(request, message)
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)

    def _second_factor_first(self, request: HttpRequest) -> HttpResponse | None:
        path = request.path
        if path in _exempt_paths() or path.startswith(settings.STATIC_URL):
            return None
        if path.startswith(API_PREFIX):
            request.user = AnonymousUser()
            return None
        user: User = request.user  # type: ignore[assignment]  # authenticated: checked above
        has_device = MfaDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()
        target = reverse("security:mfa_verify" if has_device else "security:mfa_enrol")
        next_url = request.get_full_path() if request.method == "GET" else ""
        query = f"?{urlencode({'next': next_url})}" if next_url else ""
        return HttpResponseRedirect(target + query)
