"""Pages of the security baseline.

* ``/security/mfa/enrol/`` — staff bind an authenticator app (QR code + secret), confirm it
  with a code and get their recovery codes (shown once);
* ``/security/mfa/verify/`` — the second step of a staff login: a TOTP or recovery code;
* ``/security/reauth/`` — 请再次验证身份 before a sensitive action;
* ``/security/account/`` — one's own two-factor status, new recovery codes;
* ``/security/users/`` — the 安全管理员's account list and actions (everyone else: 404);
* ``/security/audit/`` — the 审计管理员's read-only audit log (everyone else: 404).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from banhao.accounts.models import User
from banhao.audit.services import audit_record
from banhao.security import conf, services
from banhao.security.access import is_audit_admin, is_security_admin, mfa_required
from banhao.security.models import MfaDevice
from banhao.security.selectors import (
    AuditFilters,
    account_lock,
    audit_entry_search,
    mfa_device_confirmed,
    recovery_codes_left,
    user_security_list,
)
from banhao.security.web.decorators import recent_auth_required
from banhao.security.web.forms import (
    AuditFilterForm,
    CodeForm,
    EnrolForm,
    ReauthForm,
    UserFilterForm,
)
from banhao.security.web.session import (
    client_address,
    mark_mfa_verified,
    mark_reauthenticated,
    mfa_verified,
)
from banhao.shared.errors import BanhaoError

USERS_PER_PAGE = 30
AUDIT_PER_PAGE = 50
#: Recovery codes left at which the user is told to generate new ones.
RECOVERY_CODES_LOW = 3

ViewFunc = Callable[..., HttpResponse]


def safe_next(request: HttpRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url and next_url != "/" else url


def _role_only(check: Callable[[Any], bool]) -> Callable[[ViewFunc], ViewFunc]:
    """Logged-in users for whom ``check`` fails get a 404: the page does not exist for them."""

    def decorate(view: ViewFunc) -> ViewFunc:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not check(request.user):
                raise Http404
            return view(request, *args, **kwargs)

        return login_required(wrapper)

    return decorate


security_admin_only = _role_only(is_security_admin)
audit_admin_only = _role_only(is_audit_admin)


def _locked_out(request: HttpRequest, message: str) -> HttpResponse:
    """Too many failures during a session: it ends and the lock message shows at login."""
    logout(request)
    messages.error(request, message)
    return redirect("accounts:login")


# -- second factor ----------------------------------------------------------------------------


def _qr_svg(data: str) -> str:
    """The QR code of ``data`` as inline SVG (drawn here, no outside service)."""
    svg = segno.make(data, error="m").svg_inline(scale=5, dark="#1a1a1a", light="#ffffff")
    return mark_safe(svg)  # noqa: S308 -- segno's own markup: paths of the QR modules only


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@login_required
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def mfa_enrol(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    next_url = safe_next(request)
    if not mfa_required(user):
        messages.info(request, "您的账号无需绑定动态口令")
        return redirect(next_url)
    if mfa_device_confirmed(user) is not None:
        if mfa_verified(request.session, user):
            return redirect("security:account")
        return redirect(_with_next(reverse("security:mfa_verify"), next_url))
    address = client_address(request)
    device = services.mfa_enrol_start(user=user, address=address)
    form = EnrolForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                codes = services.mfa_enrol_confirm(
                    user=user, code=form.cleaned_data["code"], address=address
                )
            except BanhaoError as exc:
                form.add_error("code", exc.message)
            else:
                device.refresh_from_db()
                mark_mfa_verified(request, device)
                return render(
                    request,
                    "security/recovery_codes.html",
                    {"codes": codes, "next": next_url, "enrolled": True},
                )
        status = 422
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": _qr_svg(services.provisioning_uri(device)),
        "secret": _grouped(device.secret),
        "issuer": conf.mfa_issuer(),
    }
    return render(request, "security/mfa_enrol.html", context, status=status)


@never_cache
@login_required
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def mfa_verify(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    next_url = safe_next(request)
    if not mfa_required(user) or mfa_verified(request.session, user):
        return redirect(next_url)
    if mfa_device_confirmed(user) is None:
        return redirect(_with_next(reverse("security:mfa_enrol"), next_url))
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                passed = services.mfa_verify(
                    user=user, code=form.cleaned_data["code"], address=client_address(request)
                )
            except services.LoginLocked as exc:
                return _locked_out(request, exc.message)
            except BanhaoError as exc:
                form.add_error("code", exc.message)
            else:
                mark_mfa_verified(request, passed.device)
                if passed.method == "recovery_code":
                    _recovery_code_notice(request, passed.recovery_codes_left)
                return redirect(next_url)
        status = 422
    return render(
        request, "security/mfa_verify.html", {"form": form, "next": next_url}, status=status
    )


def _recovery_code_notice(request: HttpRequest, left: int) -> None:
    text = f"您使用了一个恢复码登录，还剩 {left} 个恢复码。"
    if left <= RECOVERY_CODES_LOW:
        text += "请尽快在“账号安全”页面重新生成恢复码。"
    messages.warning(request, text)


@never_cache
@login_required
@sensitive_post_parameters("password", "code")
@require_http_methods(["GET", "POST"])
def reauth(request: HttpRequest) -> HttpResponse:
    """请再次验证身份: the password, and for staff a TOTP or recovery code."""
    user: User = request.user  # type: ignore[assignment]
    next_url = safe_next(request)
    needs_code = mfa_required(user)
    form = ReauthForm(request.POST or None, needs_code=needs_code)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.reauthenticate(
                    user=user,
                    password=form.cleaned_data["password"],
                    code=form.cleaned_data.get("code", ""),
                    address=client_address(request),
                )
            except services.LoginLocked as exc:
                return _locked_out(request, exc.message)
            except BanhaoError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                mark_reauthenticated(request)
                return redirect(next_url)
        status = 422
    return render(
        request,
        "security/reauth.html",
        {"form": form, "next": next_url, "needs_code": needs_code},
        status=status,
    )


# -- one's own account -------------------------------------------------------------------------


@never_cache
@login_required
def account(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    device = mfa_device_confirmed(user)
    context = {
        "needs_mfa": mfa_required(user),
        "device": device,
        "codes_left": recovery_codes_left(user) if device else 0,
    }
    return render(request, "security/account.html", context)


@never_cache
@require_POST
@login_required
@recent_auth_required(minutes=10, fallback="/security/account/")
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    try:
        codes = services.recovery_codes_regenerate(user=user, address=client_address(request))
    except BanhaoError as exc:
        messages.error(request, exc.message)
        return redirect("security:account")
    return render(
        request,
        "security/recovery_codes.html",
        {"codes": codes, "next": reverse("security:account"), "enrolled": False},
    )


# -- the security admin ------------------------------------------------------------------------


@never_cache
@security_admin_only
@recent_auth_required(minutes=10)
def user_list(request: HttpRequest) -> HttpResponse:
    form = UserFilterForm(request.GET or None)
    query, status = "", ""
    if form.is_valid():
        query, status = form.cleaned_data["q"], form.cleaned_data["status"]
    page = Paginator(user_security_list(query=query, status=status), USERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    params = {k: v for k, v in (("q", query), ("status", status)) if v}
    return render(
        request,
        "security/users.html",
        {"form": form, "page": page, "query_string": urlencode(params)},
    )


@never_cache
@security_admin_only
@recent_auth_required(minutes=10)
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    subject = get_object_or_404(User.objects.prefetch_related("groups"), pk=pk)
    device = MfaDevice.objects.filter(user=subject).first()
    context = {
        "subject": subject,
        "roles": sorted(str(r.label) for r in subject.role_set()),
        "device": device,
        "codes_left": recovery_codes_left(subject),
        "lock": account_lock(subject.username),
        "needs_mfa": mfa_required(subject),
        "is_self": subject.pk == request.user.pk,
    }
    return render(request, "security/user_detail.html", context)


_USER_ACTIONS: dict[str, tuple[Callable[..., Any], str]] = {
    "unlock": (services.account_unlock, "已解除该账号的登录锁定"),
    "mfa_reset": (services.mfa_reset, "已重置该账号的动态口令，用户下次登录时须重新绑定"),
    "deactivate": (
        functools.partial(services.user_active_set, active=False),
        "已停用该账号",
    ),
    "activate": (functools.partial(services.user_active_set, active=True), "已启用该账号"),
}


@never_cache
@require_POST
@security_admin_only
@recent_auth_required(minutes=10)
def user_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in _USER_ACTIONS:
        raise Http404
    subject = get_object_or_404(User, pk=pk)
    run, done = _USER_ACTIONS[action]
    try:
        run(user=subject, actor=request.user, address=client_address(request))
    except BanhaoError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("security:user_detail", pk=subject.pk)


# -- the audit admin --------------------------------------------------------------------------


@never_cache
@audit_admin_only
def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit log, read-only, with filters; reading it is itself audited."""
    form = AuditFilterForm(request.GET or None)
    filters = AuditFilters()
    params: dict[str, str] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = AuditFilters(
            action=data["action"],
            actor=data["actor"],
            result=data["result"],
            object_id=data["object_id"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
        params = {k: str(v) for k, v in data.items() if v}
    page = Paginator(audit_entry_search(filters), AUDIT_PER_PAGE).get_page(request.GET.get("page"))
    audit_record(
        actor=request.user,  # type: ignore[arg-type]
        action="security.audit_log_viewed",
        address=client_address(request),
        details={"filters": params, "page": page.number},
    )
    return render(
        request,
        "security/audit_log.html",
        {"form": form, "page": page, "query_string": urlencode(params)},
    )
