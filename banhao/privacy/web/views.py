"""POST /privacy/reveal/<case number>/<field>/: one personal-data field of a case in full.

Only for the roles that check identity (window clerks, approvers — of the case's centre), after
a recent authentication, with a reason; every reveal is audited (``personal_data_reveal``).
Everyone else gets the 404 page, the same answer as for a missing case.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from banhao.accounts.models import User
from banhao.cases.access import access_case
from banhao.privacy.services import REVEAL_ROLES, REVEALABLE_FIELDS, personal_data_reveal
from banhao.security.web.decorators import recent_auth_required
from banhao.shared.errors import NotFound, ValidationFailed

View = Callable[..., HttpResponse]


def _not_found(request: HttpRequest) -> HttpResponse:
    message = _("找不到该页面或办件，可能链接有误，或您没有相应的办理权限。")
    return render(request, "404.html", {"message": message}, status=404)


def _reveal_roles(view: View) -> View:
    """Login required, then a role that may reveal (else 404) — before the re-authentication,
    so that someone without the role is not asked for a password."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        user = request.user
        if not user.is_active or not any(user.has_role(role) for role in REVEAL_ROLES):
            return _not_found(request)
        return view(request, *args, **kwargs)

    return wrapped


@require_POST
@never_cache
@_reveal_roles
@recent_auth_required(minutes=10)
def reveal(request: HttpRequest, number: str, field: str) -> HttpResponse:
    user = cast(User, request.user)
    try:
        case = access_case(user, number)
    except NotFound:
        return _not_found(request)
    reason = str(request.POST.get("reason", ""))
    context: dict[str, Any] = {
        "case": case,
        "field": field,
        "label": REVEALABLE_FIELDS.get(field, ""),
        "reason": reason,
    }
    try:
        context["value"] = personal_data_reveal(actor=user, case=case, field=field, reason=reason)
    except NotFound:
        return _not_found(request)
    except ValidationFailed as exc:
        context["error"] = exc.message
        return render(request, "privacy/reveal.html", context, status=422)
    response = render(request, "privacy/reveal.html", context)
    response["Cache-Control"] = "no-store"
    return response
