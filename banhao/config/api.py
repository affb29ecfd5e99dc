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
from ninja.renderers import JSONRenderer

from banhao.accounts.tokens import SessionSwagger
from banhao.cases.api import router as cases_router
from banhao.catalog.api import router as catalog_router
from banhao.engagement.api import router as engagement_router
from banhao.feedback.api import router as feedback_router
from banhao.licences.api import router as licences_router
from banhao.org.api import router as org_router
from banhao.shared.errors import BanhaoError
from banhao.workcalendar.api import router as calendar_router


class ChineseJSONRenderer(JSONRenderer):
    """UTF-8 JSON without \\u escapes, so Chinese is readable in curl and logs."""

    json_dumps_params = {"ensure_ascii": False}


# Pydantic error types → Chinese explanations for API clients.
_MESSAGES = {
    "missing": "必填",
    "int_parsing": "必须是整数",
    "int_type": "必须是整数",
    "float_parsing": "必须是数字",
    "bool_parsing": "必须是 true 或 false",
    "string_too_long": "过长，最多 {max_length} 个字符",
    "string_too_short": "过短，至少 {min_length} 个字符",
    "greater_than_equal": "不能小于 {ge}",
    "greater_than": "必须大于 {gt}",
    "less_than_equal": "不能大于 {le}",
    "less_than": "必须小于 {lt}",
    "date_from_datetime_parsing": "日期格式不正确，应为 YYYY-MM-DD",
    "date_parsing": "日期格式不正确，应为 YYYY-MM-DD",
    "date_from_datetime_inexact": "日期格式不正确，应为 YYYY-MM-DD",
    "date_type": "日期格式不正确，应为 YYYY-MM-DD",
    "datetime_parsing": "时间格式不正确，应为 ISO 8601",
    "enum": "取值不在允许范围内：{expected}",
    "literal_error": "取值不在允许范围内：{expected}",
    "json_invalid": "不是有效的 JSON",
}


def _field_name(location: object) -> str:
    """``("body", "payload", "expected_version")`` → ``expected_version``: the request part and
    the parameter's own name are dropped so the field reads like the input's name."""
    parts = [str(p) for p in location] if isinstance(location, (list, tuple)) else []
    parts = [p for p in parts if p not in {"query", "body", "path"}]
    if len(parts) > 1 and parts[0] in {"payload", "data", "file", "form"}:
        parts = parts[1:]
    return ".".join(parts)


def _chinese(err: dict[str, object]) -> str:
    template = _MESSAGES.get(str(err.get("type", "")))
    if template is None:
        return str(err.get("msg", "取值不正确"))
    ctx = err.get("ctx")
    try:
        return template.format(**ctx) if isinstance(ctx, dict) else template
    except (KeyError, IndexError):
        return template


api = NinjaAPI(
    renderer=ChineseJSONRenderer(),
    title="办好 Banhao API",
    version="1",
    description=(
        '一网通办平台接口。错误统一返回 `{"error": {"code", "message", "field", "details"}}`。'
    ),
    urls_namespace="api",
    docs_url="/docs",
    docs=SessionSwagger(),
    openapi_url="/openapi.json",
)

api.add_router("/v1/catalog/", catalog_router)
api.add_router("/v1/org/", org_router)
api.add_router("/v1/calendar/", calendar_router)
api.add_router("/v1/cases/", cases_router)
api.add_router("/v1/licences/", licences_router)
api.add_router("/v1/feedback/", feedback_router)
api.add_router("/v1/engagement/", engagement_router)


@api.exception_handler(BanhaoError)
def banhao_error(request: HttpRequest, exc: BanhaoError) -> HttpResponse:
    return api.create_response(request, {"error": exc.as_dict()}, status=exc.status_code)


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    problems = [
        {
            "field": _field_name(err.get("loc", ())),
            "message": _chinese(err),
            "type": err.get("type", ""),
        }
        for err in exc.errors
    ]
    first = problems[0] if problems else {"field": "", "message": ""}
    body = {
        "error": {
            "code": "validation_failed",
            "message": f"请求参数不正确：{first['field']} {first['message']}".strip(),
            "field": first["field"],
            "details": {"errors": problems},
        }
    }
    return api.create_response(request, body, status=422)


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    body = {"error": {"code": "not_authenticated", "message": "请先登录"}}
    return api.create_response(request, body, status=401)


#: ninja's own English messages → Chinese.
_HTTP_MESSAGES = {
    "Cannot parse request body": ("invalid_json", "请求体不是有效的 JSON"),
}


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code, message = _HTTP_MESSAGES.get(str(exc), ("http_error", str(exc)))
    body = {"error": {"code": code, "message": message}}
    return api.create_response(request, body, status=exc.status_code)
