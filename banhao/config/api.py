"""The JSON API: ``/api/v1/…``, OpenAPI at ``/api/openapi.json``, docs at ``/api/docs``.

Each context owns its router (``<context>/api.py``); this module only mounts them and turns
the one error hierarchy (``banhao.shared.errors``) into one response shape::

    {"error": {"code": "validation_failed", "message": "…", "field": "days", "details": {…}}}
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from banhao.catalog.api import router as catalog_router
from banhao.org.api import router as org_router
from banhao.shared.errors import BanhaoError
from banhao.workcalendar.api import router as calendar_router

api = NinjaAPI(
    title="办好 Banhao API",
    version="1",
    description="一网通办平台接口。错误统一返回 `{\"error\": {\"code\", \"message\", \"field\", \"details\"}}`。",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)

api.add_router("/v1/catalog/", catalog_router)
api.add_router("/v1/org/", org_router)
api.add_router("/v1/calendar/", calendar_router)


@api.exception_handler(BanhaoError)
def banhao_error(request: HttpRequest, exc: BanhaoError) -> HttpResponse:
    return api.create_response(request, {"error": exc.as_dict()}, status=exc.status_code)


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    problems = [
        {
            "field": ".".join(str(part) for part in err.get("loc", ()) if part not in
                              {"query", "body", "path"}),
            "message": err.get("msg", ""),
            "type": err.get("type", ""),
        }
        for err in exc.errors
    ]
    first = problems[0]["field"] if problems else ""
    body = {
        "error": {
            "code": "validation_failed",
            "message": f"请求参数不正确：{first}" if first else "请求参数不正确",
            "field": first,
            "details": {"errors": problems},
        }
    }
    return api.create_response(request, body, status=422)


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    body = {"error": {"code": "not_authenticated", "message": "请先登录"}}
    return api.create_response(request, body, status=401)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    body = {"error": {"code": "http_error", "message": str(exc)}}
    return api.create_response(request, body, status=exc.status_code)
