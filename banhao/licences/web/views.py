"""电子证照 pages.

* 证照验证 (public, no login, rate-limited): by identifier — the page a licence's QR code opens
  — and by uploading the PDF;
* 我的证照 (login): the holder's licences (a company: every licence of its 统一社会信用代码),
  each with its details, history and the sealed PDF to download;
* 证照管理 (window clerks, approvers, leaders): the register of issued licences; approvers and
  leaders run the lifecycle operations (变更、延续、补发、暂扣、发还、注销、撤销、吊销) from the
  licence page, with a reason.

A licence is only reached through ``access.access_licence``; missing and forbidden are both 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from banhao.accounts.models import User
from banhao.accounts.roles import Role
from banhao.audit.services import audit_read
from banhao.licences.access import STAFF_ROLES, access_licence, holder_licences, visible_licences
from banhao.licences.models import Licence
from banhao.licences.selectors import (
    licence_events,
    licence_list_for_holder,
    licence_verify,
    licence_verify_file,
    mask_holder,
)
from banhao.licences.services import OPERATOR_ROLES, licence_operate
from banhao.shared.errors import BanhaoError, NotFound
from banhao_core.licences import Operation, allowed_operations

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
PAGE_SIZE = 30

View = Callable[..., HttpResponse]


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _staff_only(*roles: Role) -> Callable[[View], View]:
    """Login first (anonymous → login page), then one of ``roles`` (else 404)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            user = _user(request)
            if not user.is_active or not any(user.has_role(role) for role in roles):
                raise Http404("找不到该页面")
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


# -- public verification ------------------------------------------------------------------------


class VerifyUploadForm(forms.Form):
    file = forms.FileField(
        label="证照文件（PDF）",
        error_messages={"required": "请选择要验证的证照文件", "empty": "文件为空"},
    )


@require_safe
def verify(request: HttpRequest, identifier: str) -> HttpResponse:
    """证照验证 by identifier: what the QR code on the licence opens."""
    result = licence_verify(identifier=identifier)
    return render(request, "licences/verify.html", {"result": result})


@require_http_methods(["GET", "POST"])
def verify_upload(request: HttpRequest) -> HttpResponse:
    """证照验证 by uploading the PDF (the file is checked and discarded, never stored)."""
    form = VerifyUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            form.add_error("file", "文件过大（不超过 5 MB）")
        else:
            result = licence_verify_file(content=upload.read())
    status = 422 if request.method == "POST" and result is None else 200
    return render(
        request, "licences/verify_upload.html", {"form": form, "result": result}, status=status
    )


# -- the holder's side --------------------------------------------------------------------------


@login_required
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    """我的证照."""
    user = _user(request)
    rows = licence_list_for_holder(licences=holder_licences(user))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "licences/mine.html", {"page": page, "rows": list(page)})


class OperationForm(forms.Form):
    operation = forms.ChoiceField(
        label="业务", choices=[(op.value, op.label) for op in Operation if op.value != "issue"]
    )
    reason = forms.CharField(
        label="办理理由",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写办理理由"},
    )
    field = forms.CharField(label="变更项目", required=False, max_length=50)
    value = forms.CharField(label="变更后内容", required=False, max_length=200)
    row_version = forms.IntegerField(widget=forms.HiddenInput)


def _detail_context(request: HttpRequest, licence: Licence) -> dict[str, Any]:
    user = _user(request)
    holder, holder_code = mask_holder(licence.data)
    can_operate = any(user.has_role(role) for role in OPERATOR_ROLES)
    return {
        "licence": licence,
        "holder": holder,
        "holder_code": holder_code,
        "face": licence.data.get("face", []),
        "events": licence_events(licence=licence),
        "newer": Licence.objects.filter(previous=licence).first(),
        "can_operate": can_operate,
        "operations": [(op.value, op.label) for op in allowed_operations(licence.status_enum)]
        if can_operate
        else [],
        "face_labels": [label for label, _ in licence.data.get("face", [])],
    }


@login_required
@require_safe
def detail(request: HttpRequest, identifier: str) -> HttpResponse:
    """One licence: its face, status, history and the download."""
    try:
        licence = access_licence(_user(request), identifier)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "licences/detail.html", _detail_context(request, licence))


@login_required
@require_safe
def download(request: HttpRequest, identifier: str) -> HttpResponse:
    """The sealed licence PDF; every download is audited."""
    user = _user(request)
    try:
        licence = access_licence(user, identifier)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    audit_read(actor=user, obj=licence, action="licences.download")
    response = HttpResponse(licence.document, content_type="application/pdf")
    filename = f"{licence.name}-{licence.number}-{licence.version:03d}.pdf"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


# -- the bureau's side --------------------------------------------------------------------------


@_staff_only(*STAFF_ROLES)
@require_safe
def register(request: HttpRequest) -> HttpResponse:
    """证照管理: every licence, newest first, optionally by status."""
    rows = visible_licences(_user(request)).select_related("licence_type")
    status = request.GET.get("status", "")
    if status:
        rows = rows.filter(status=status)
    page = Paginator(rows.order_by("-created_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "licences/register.html",
        {"page": page, "rows": list(page), "status": status},
    )


@_staff_only(*OPERATOR_ROLES)
@require_POST
def operate(request: HttpRequest, identifier: str) -> HttpResponse:
    """Run one lifecycle operation from the licence page."""
    user = _user(request)
    try:
        licence = access_licence(user, identifier)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    form = OperationForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, licence)
        context["form_errors"] = [e for errors in form.errors.values() for e in errors]
        return render(request, "licences/detail.html", context, status=422)
    data = form.cleaned_data
    changes = {data["field"]: data["value"]} if data["field"] else None
    try:
        result = licence_operate(
            licence=licence,
            operation=data["operation"],
            actor=user,
            reason=data["reason"],
            changes=changes,
            expected_version=data["row_version"],
        )
    except BanhaoError as exc:
        context = _detail_context(request, licence)
        context["form_errors"] = [exc.message]
        return render(request, "licences/detail.html", context, status=exc.status_code)
    messages.success(request, f"已办理{Operation(data['operation']).label}")
    return redirect("licences:detail", identifier=result.identifier)
