"""Login (``LoginView``, the password step) and applicant self-registration: 个人注册 and
法人注册 (``/accounts/register/?kind=…``).

On success the new applicant is logged in and sent to 我的办件 (or to a safe ``next``).
Service errors are shown in Chinese next to the field at fault; the passwords are never
rendered back, and the passwords, ID number and mobile are kept out of error reports
(``sensitive_post_parameters``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from banhao.accounts.models import User
from banhao.accounts.services import applicant_register
from banhao.accounts.web.forms import REGISTER_FORMS, LoginForm
from banhao.security.access import mfa_required
from banhao.security.selectors import mfa_device_confirmed
from banhao.security.services import login_success_record
from banhao.security.web.session import client_address
from banhao.shared.errors import BanhaoError

_MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _tab_url(kind: str, next_url: str) -> str:
    query = {"kind": kind} | ({"next": next_url} if next_url else {})
    return f"{reverse('accounts:register')}?{urlencode(query)}"


def _kind(request: HttpRequest) -> str:
    kind = request.POST.get("kind") or request.GET.get("kind") or User.Kind.PERSON
    return kind if kind in REGISTER_FORMS else User.Kind.PERSON


@never_cache
@sensitive_post_parameters("password1", "password2", "id_number", "mobile")
@require_http_methods(["GET", "POST"])
def register_view(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request)
    if request.user.is_authenticated:
        messages.info(request, _("您已登录，无需注册"))
        return redirect(next_url or reverse("cases:my_cases"))
    kind = _kind(request)
    form_class = REGISTER_FORMS[kind]
    status = 200
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                user = applicant_register(**form.registration())
            except BanhaoError as exc:
                form.add_service_error(exc)
            else:
                login(request, user, backend=_MODEL_BACKEND)
                messages.success(
                    request,
                    _("注册成功，欢迎您，%(name)s！现在可以在线申请办事了。")
                    % {"name": user.display_name},
                )
                return redirect(next_url or reverse("cases:my_cases"))
        status = 422
    else:
        form = form_class()
    tabs = [
        (_tab_url(value, next_url), label, value == kind)
        for value, label in ((User.Kind.PERSON, _("个人注册")), (User.Kind.COMPANY, _("法人注册")))
    ]
    return render(
        request,
        "accounts/register.html",
        {"form": form, "kind": kind, "tabs": tabs, "next": next_url},
        status=status,
    )


class LoginView(auth_views.LoginView):
    """The password step of every login (``LoginForm`` counts failures and locks).

    An applicant is then logged in fully. Staff are logged in but not yet verified: they go on
    to the second step — or, without a confirmed device, to enrolment — and the
    ``SessionSecurityMiddleware`` keeps them from every other page until it is passed.
    """

    form_class = LoginForm
    template_name = "accounts/login.html"

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        user: User = form.get_user()
        response = super().form_valid(form)  # logs in; redirects to the next page
        login_success_record(user=user, address=client_address(self.request))
        if not mfa_required(user):
            return response
        step = "security:mfa_verify" if mfa_device_confirmed(user) else "security:mfa_enrol"
        next_url = self.get_success_url()
        query = f"?{urlencode({'next': next_url})}" if next_url else ""
        return redirect(reverse(step) + query)
