"""Public catalogue API (办事指南): ``/api/v1/catalog/…``. Read-only, no login needed.

Errors use the platform shape ``{"error": {"code", "message", …}}``: unknown item codes give
404 ``not_found``; bad query parameters give 422 ``validation_failed``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from banhao.catalog.choices import (
    BodyNature,
    CaseKind,
    CodeSystem,
    HandleArea,
    HandlingForm,
    ItemType,
    MaterialForm,
    MaterialNecessity,
    MaterialSource,
    MaterialType,
    OnlineDepth,
    ResultType,
    ReviewMode,
    ServiceObject,
    ThemeAudience,
    UseLevel,
    label_of,
)
from banhao.catalog.models import ServiceItemVersion, Theme
from banhao.catalog.selectors import item_get_published, item_list, theme_list
from banhao.catalog.snapshots import time_limit_label
from banhao.org.models import Department

router = Router(tags=["事项目录"])


# --------------------------------------------------------------------------------------------
# Schemas


class CodeLabel(Schema):
    code: str = Field(..., examples=["01"])
    label: str = Field(..., examples=["行政许可"])


class DepartmentRef(Schema):
    id: int = Field(..., examples=[3])
    name: str = Field(..., examples=["行政审批服务局（投资建设审批科）"])


class TimeLimitOut(Schema):
    amount: int | None = Field(..., description="天数；即办为 0；未填写为 null", examples=[7])
    unit: str = Field(..., examples=["working_days"])
    label: str = Field(..., description="例如“7个工作日”“即办”", examples=["7个工作日"])
    explanation: str = Field(..., examples=["发证机关应当自收到申请之日起七日内……"])


class ItemSummaryOut(Schema):
    code: str = Field(..., examples=["371681-XK-0001"])
    name: str = Field(..., examples=["建筑工程施工许可证核发"])
    parent: str | None = Field(..., description="主项名称", examples=["建筑工程施工许可证核发"])
    department: DepartmentRef
    item_type: CodeLabel
    promised_limit: str = Field(..., description="承诺办结时限", examples=["1个工作日"])
    online_depth: CodeLabel | None
    visits_required: int | None = Field(..., description="到办事现场次数", examples=[0])
    version: int = Field(..., examples=[1])


class ItemListOut(Schema):
    count: int = Field(..., examples=[1144])
    page: int = Field(..., examples=[1])
    page_size: int = Field(..., examples=[20])
    items: list[ItemSummaryOut]


#: Bounds of the list parameters: ids are database integers; pages beyond ``MAX_PAGE`` are
#: refused (422) instead of reaching the database with an overflowing offset.
MAX_ID = 2**31 - 1
MAX_PAGE = 100_000
MAX_PAGE_SIZE = 100


class ItemListQuery(Schema):
    q: str = Field("", max_length=100, description="按名称或编码搜索", examples=["施工许可"])
    department: int | None = Field(None, ge=1, le=MAX_ID, description="实施部门 ID", examples=[3])
    theme: int | None = Field(None, ge=1, le=MAX_ID, description="主题分类 ID", examples=[2])
    type: ItemType | None = Field(
        None, description="事项类型代码（GB/T 39046 A.1）", examples=["01"]
    )
    page: int = Field(1, ge=1, le=MAX_PAGE, examples=[1])
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE, examples=[20])


class MaterialOut(Schema):
    name: str = Field(..., examples=["建筑工程施工许可证申请表"])
    material_type: CodeLabel
    form: CodeLabel
    original_copies: int = Field(..., examples=[1])
    photocopy_copies: int = Field(..., examples=[0])
    necessity: CodeLabel
    source_channel: CodeLabel
    source_explanation: str
    issuing_body: str
    is_key: bool = Field(..., description="关键材料（不得容缺）")
    blank_form_url: str | None
    sample_url: str | None
    notes: str


class OptionOut(Schema):
    label: str = Field(..., examples=["委托他人办理"])
    materials: list[str] = Field(..., examples=[["授权委托书及受托人身份证明"]])


class SituationOut(Schema):
    question: str = Field(..., examples=["是否委托他人代为办理？"])
    options: list[OptionOut]


class FeeOut(Schema):
    name: str
    standard: str
    basis: str
    is_reducible: bool
    reduction_basis: str


class FaqOut(Schema):
    question: str = Field(..., examples=["哪些工程可以不办理施工许可证？"])
    answer: str


class ReviewStepOut(Schema):
    order: int = Field(..., examples=[1])
    department: DepartmentRef
    name: str = Field(..., examples=["施工图审查及质量安全监督手续核查"])


class ReviewRouteOut(Schema):
    mode: CodeLabel
    steps: list[ReviewStepOut]


class ResultOut(Schema):
    type: CodeLabel | None
    name: str = Field(..., examples=["建筑工程施工许可证"])
    sample_url: str | None


class ThemeRef(Schema):
    id: int
    name: str = Field(..., examples=["工程建设"])
    audience: CodeLabel


class ItemGuideOut(Schema):
    code: str = Field(..., examples=["371681-XK-0001"])
    code_system: CodeLabel
    catalog_code: str
    local_code: str
    name: str = Field(..., examples=["建筑工程施工许可证核发"])
    parent: str | None
    item_type: CodeLabel
    local_item_type_code: str
    department: DepartmentRef
    implementing_body_code: str
    body_nature: CodeLabel | None
    use_level: CodeLabel | None
    entrusted_department: str
    handling_body: str
    service_objects: list[CodeLabel]
    themes: list[ThemeRef]
    legal_basis: str
    legal_limit: TimeLimitOut
    promised_limit: TimeLimitOut
    case_kind: CodeLabel | None
    handling_forms: list[CodeLabel]
    accept_conditions: str
    handle_flow: str
    special_procedure: str
    quantity_limit: str
    visits_required: int | None
    visit_reason: str
    is_online: bool
    online_depth: CodeLabel | None
    online_url: str
    mobile_url: str
    is_schedule: bool
    is_pay_online: bool
    is_express: bool
    is_entry_center: bool
    handle_area: CodeLabel | None
    place: str
    hours: str
    consult_phone: str
    supervise_phone: str
    is_fee: bool
    fee_basis: str
    fees: list[FeeOut]
    result: ResultOut
    materials: list[MaterialOut]
    situations: list[SituationOut]
    faqs: list[FaqOut]
    review_route: ReviewRouteOut
    version: int = Field(..., examples=[1])
    valid_from: dt.date | None = Field(..., examples=["2026-01-05"])
    valid_to: dt.date | None = Field(..., description="自该日起不再适用", examples=[None])
    guide_url: str
    data_source: str = Field(..., examples=["demo"])


class ThemeOut(Schema):
    id: int = Field(..., examples=[2])
    name: str = Field(..., examples=["工程建设"])
    audience: CodeLabel
    item_count: int = Field(..., examples=[1])


# --------------------------------------------------------------------------------------------
# Mapping (plain functions: no logic in schemas)


def _code_label(choices: Any, value: str) -> dict[str, str] | None:
    if not value:
        return None
    return {"code": value, "label": label_of(choices, value)}


def _department(department: Department) -> dict[str, Any]:
    return {"id": department.pk, "name": department.name}


def _file_url(field: Any) -> str | None:
    return field.url if field else None


def _summary(version: ServiceItemVersion) -> dict[str, Any]:
    item = version.item
    return {
        "code": item.code,
        "name": version.name,
        "parent": item.parent.name if item.parent else None,
        "department": _department(item.department),
        "item_type": _code_label(ItemType, version.item_type),
        "promised_limit": time_limit_label(
            version.promised_limit_amount, version.promised_limit_unit
        ),
        "online_depth": _code_label(OnlineDepth, version.online_depth),
        "visits_required": version.visits_required,
        "version": version.version,
    }


def _limit(amount: int | None, unit: str, explanation: str) -> dict[str, Any]:
    return {
        "amount": amount,
        "unit": unit,
        "label": time_limit_label(amount, unit),
        "explanation": explanation,
    }


def _theme_ref(theme: Theme) -> dict[str, Any]:
    return {
        "id": theme.pk,
        "name": theme.name,
        "audience": _code_label(ThemeAudience, theme.audience),
    }


def _guide(v: ServiceItemVersion) -> dict[str, Any]:
    item = v.item
    return {
        "code": item.code,
        "code_system": _code_label(CodeSystem, item.code_system),
        "catalog_code": item.catalog_code,
        "local_code": item.local_code,
        "name": v.name,
        "parent": item.parent.name if item.parent else None,
        "item_type": _code_label(ItemType, v.item_type),
        "local_item_type_code": v.local_item_type_code,
        "department": _department(item.department),
        "implementing_body_code": v.implementing_body_code,
        "body_nature": _code_label(BodyNature, v.body_nature),
        "use_level": _code_label(UseLevel, v.use_level),
        "entrusted_department": v.entrusted_department,
        "handling_body": v.handling_body,
        "service_objects": [_code_label(ServiceObject, c) for c in v.service_objects or ()],
        "themes": [_theme_ref(theme) for theme in item.themes.all()],
        "legal_basis": v.legal_basis,
        "legal_limit": _limit(v.legal_limit_amount, v.legal_limit_unit, v.legal_limit_explanation),
        "promised_limit": _limit(
            v.promised_limit_amount, v.promised_limit_unit, v.promised_limit_explanation
        ),
        "case_kind": _code_label(CaseKind, v.case_kind),
        "handling_forms": [_code_label(HandlingForm, c) for c in v.handling_forms or ()],
        "accept_conditions": v.accept_conditions,
        "handle_flow": v.handle_flow,
        "special_procedure": v.special_procedure,
        "quantity_limit": v.quantity_limit,
        "visits_required": v.visits_required,
        "visit_reason": v.visit_reason,
        "is_online": v.is_online,
        "online_depth": _code_label(OnlineDepth, v.online_depth),
        "online_url": v.online_url,
        "mobile_url": v.mobile_url,
        "is_schedule": v.is_schedule,
        "is_pay_online": v.is_pay_online,
        "is_express": v.is_express,
        "is_entry_center": v.is_entry_center,
        "handle_area": _code_label(HandleArea, v.handle_area),
        "place": v.place,
        "hours": v.hours,
        "consult_phone": v.consult_phone,
        "supervise_phone": v.supervise_phone,
        "is_fee": v.is_fee,
        "fee_basis": v.fee_basis,
        "fees": [
            {
                "name": fee.name,
                "standard": fee.standard,
                "basis": fee.basis,
                "is_reducible": fee.is_reducible,
                "reduction_basis": fee.reduction_basis,
            }
            for fee in v.fees.all()
        ],
        "result": {
            "type": _code_label(ResultType, v.result_type),
            "name": v.result_name,
            "sample_url": _file_url(v.result_sample),
        },
        "materials": [
            {
                "name": m.name,
                "material_type": _code_label(MaterialType, m.material_type),
                "form": _code_label(MaterialForm, m.form),
                "original_copies": m.original_copies,
                "photocopy_copies": m.photocopy_copies,
                "necessity": _code_label(MaterialNecessity, m.necessity),
                "source_channel": _code_label(MaterialSource, m.source_channel),
                "source_explanation": m.source_explanation,
                "issuing_body": m.issuing_body,
                "is_key": m.is_key,
                "blank_form_url": _file_url(m.blank_form),
                "sample_url": _file_url(m.sample),
                "notes": m.notes,
            }
            for m in v.materials.all()
        ],
        "situations": [
            {
                "question": s.question,
                "options": [
                    {"label": o.label, "materials": [m.name for m in o.materials.all()]}
                    for o in s.options.all()
                ],
            }
            for s in v.situations.all()
        ],
        "faqs": [{"question": f.question, "answer": f.answer} for f in v.faqs.all()],
        "review_route": {
            "mode": _code_label(ReviewMode, v.review_mode),
            "steps": [
                {"order": s.sort_order, "department": _department(s.department), "name": s.name}
                for s in v.review_steps.all()
            ],
        },
        "version": v.version,
        "valid_from": v.valid_from,
        "valid_to": v.valid_to,
        "guide_url": v.guide_url,
        "data_source": v.data_source,
    }


# --------------------------------------------------------------------------------------------
# Operations


@router.get("/items", response=ItemListOut, summary="事项列表（检索）")
def item_list_api(request: HttpRequest, params: Query[ItemListQuery]) -> dict[str, Any]:
    """现行有效的事项，按名称或编码检索，可按部门、主题、事项类型筛选；分页返回。"""
    versions = item_list(
        query=params.q,
        department_id=params.department,
        theme_id=params.theme,
        item_type=params.type.value if params.type else None,
    )
    offset = (params.page - 1) * params.page_size
    return {
        "count": versions.count(),
        "page": params.page,
        "page_size": params.page_size,
        "items": [_summary(v) for v in versions[offset : offset + params.page_size]],
    }


@router.get("/items/{code}", response=ItemGuideOut, summary="办事指南（事项详情）")
def item_detail_api(request: HttpRequest, code: str) -> dict[str, Any]:
    """现行版本的全部实施清单要素、材料、办理情形、收费、常见问题和审查环节。"""
    return _guide(item_get_published(code=code))


@router.get("/themes", response=list[ThemeOut], summary="主题分类")
def theme_list_api(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": theme.pk,
            "name": theme.name,
            "audience": _code_label(ThemeAudience, theme.audience),
            "item_count": theme.item_count,  # type: ignore[attr-defined]
        }
        for theme in theme_list()
    ]
