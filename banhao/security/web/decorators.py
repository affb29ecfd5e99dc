"""``recent_auth_required``: sensitive actions need a recent authentication.

    from banhao.security.web.decorators import recent_auth_required

    @recent_auth_required(minutes=10)
    def reveal_id_number(request, pk): ...

A user whose last full authentication (the login with every factor, or a re-authentication)
is older than ``minutes`` is sent to the 请再次验证身份 page (password, and TOTP for staff) and
then back: to the same page for a GET, to the page the form was on (or ``fallback``) for
other methods — the action is submitted again from there. Anonymous users go to the login
page. Put role checks outside it (``@role_required(...)`` above ``@recent_auth_required``), so
that someone without the role gets a 404, not a password prompt.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast, overload

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from banhao.security.web.session import seconds_since_auth

View = TypeVar("View", bound=Callable[..., HttpResponse])


def _return_to(request: HttpRequest, fallback: str) -> str:
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = str(request.META.get("HTTP_REFERER", ""))
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return fallback or "/"


def reauth_url(next_url: str) -> str:
    return f"{reverse('security:reauth')}?{urlencode({'next': next_url})}"


@overload
def recent_auth_required(view: View, *, minutes: int = ..., fallback: str = ...) -> View: ...


@overload
def recent_auth_required(
    view: None = None, *, minutes: int = ..., fallback: str = ...
) -> Callable[[View], View]: ...


def recent_auth_required(
    view: View | None = None, *, minutes: int = 10, fallback: str = ""
) -> View | Callable[[View], View]:
    """Decorate a view (``@recent_auth_required`` or ``@recent_auth_required(minutes=5)``)."""

    def decorate(func: View) -> View:
        @functools.wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            age = seconds_since_auth(request.session)
            if age is None or age > minutes * 60:
                return HttpResponseRedirect(reauth_url(_return_to(request, fallback)))
            return func(request, *args, **kwargs)

        return cast(View, wrapper)

    if view is not None:
        return decorate(view)
    return decorate
