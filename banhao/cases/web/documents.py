"""Downloads of a case's notices (PDF) — through the access gateway like every case read."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path

from banhao.accounts.models import User
from banhao.audit.services import audit_record
from banhao.cases.access import access_case
from banhao.cases.notices import NOTICE_KINDS, notice_pdf
from banhao.shared.errors import NotFound


@login_required
def notice(request: HttpRequest, number: str, kind: str) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if kind not in NOTICE_KINDS:
        raise Http404("找不到该文书")
    try:
        case = access_case(user, number)
        filename, content = notice_pdf(case, kind, base_url=request.build_absolute_uri("/"))
    except NotFound as exc:
        raise Http404(exc.message) from exc
    audit_record(actor=user, action="cases.notice_download", obj=case, details={"kind": kind})
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    return response


urlpatterns = [
    path("<str:number>/notices/<str:kind>.pdf", notice, name="notice"),
]
