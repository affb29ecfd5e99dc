"""The 电子证照 API (mounted at ``/api/v1/licences/``).

* ``GET /verify/{identifier}`` and ``POST /verify`` (a PDF upload) are **public** (no login;
  rate-limited per address): anyone may check a licence — the answer shows the signature and
  file checks, the status with its national code, the validity dates, the issuer and a
  **masked** holder, and the reasons when it is not valid.
* ``GET /mine``, ``GET /{identifier}``, ``GET /{identifier}/document`` need a login (bearer
  token, or session + CSRF like the case API): the holder's own licences (a company: every
  licence of its 统一社会信用代码) and the bureau's staff; another's licence is 404.
* ``POST /{identifier}/operations`` runs one lifecycle operation (审批负责人 or 局领导, else
  403); a stale ``expected_version`` or an operation the status does not allow is 409.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Router, Schema, Status, UploadedFile

from banhao.accounts.models import User
from banhao.accounts.tokens import NotAuthenticated, api_auth
from banhao.audit.services import audit_read
from banhao.licences import services
from banhao.licences.access import access_licence, holder_licences
from banhao.licences.models import Licence
from banhao.licences.selectors import (
    Verification,
    licence_events,
    licence_list_for_holder,
    licence_verify,
    licence_verify_file,
    mask_holder,
)
from banhao.shared.errors import ValidationFailed
from banhao_core.licences import Operation

router = Router(tags=["电子证照"])

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
EXAMPLE_ID = "1.2.156.3005.2.11100000000013338W013.11371681MB28505211.2026000001.001.S"


class ErrorBody(Schema):
    code: str = Field(..., examples=["not_found"])
    message: str = Field(..., examples=["找不到该证照"])
    field: str | None = None
    details: dict[str, Any] | None = None


class ErrorOut(Schema):
    error: ErrorBody


ERRORS: dict[int, type[Schema]] = {
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


class StatusOut(Schema):
    code: str = Field(..., description="证书状态代码 01–07/99", examples=["01"])
    label: str = Field(..., examples=["有效"])


class VerificationOut(Schema):
    identifier: str = Field(..., examples=[EXAMPLE_ID])
    is_valid: bool = Field(..., description="签名、文件、校验位、状态与有效期全部通过")
    reasons: list[str] = Field(..., examples=[["证照已撤销"]])
    status: StatusOut | None = None
    name: str = Field("", examples=["建筑工程施工许可证"])
    holder: str = Field(
        "", description="持证主体（自然人已脱敏）", examples=["邹平市鲁信建设工程有限公司"]
    )
    holder_code: str = Field("", description="持证主体代码（身份证号已脱敏）")
    issuer: str = Field("", examples=["邹平市行政审批服务局"])
    issuer_code: str = ""
    issued_on: dt.date | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = Field(None, description="空为长期有效")
    signature_valid: bool
    document_intact: bool
    check_character_valid: bool
    seal_key_id: str = ""
    newer_version: str = Field("", description="已有新版本时的新证照标识")


def _verification_out(result: Verification) -> dict[str, Any]:
    status = result.status
    return {
        "identifier": result.identifier,
        "is_valid": result.is_valid,
        "reasons": result.reasons,
        "status": {"code": status.value, "label": status.label} if status else None,
        "name": result.name,
        "holder": result.holder,
        "holder_code": result.holder_code,
        "issuer": result.issuer,
        "issuer_code": result.issuer_code,
        "issued_on": result.issued_on,
        "valid_from": result.valid_from,
        "valid_to": result.valid_to,
        "signature_valid": result.signature_ok,
        "document_intact": result.document_ok,
        "check_character_valid": result.check_ok,
        "seal_key_id": result.key_id,
        "newer_version": result.newer_identifier,
    }


@router.get(
    "/verify/{identifier}",
    auth=None,
    response={200: VerificationOut, **ERRORS},
    summary="验证电子证照（按证照标识，公开）",
)
def licence_verify_api(request: HttpRequest, identifier: str) -> dict[str, Any]:
    """扫描证照二维码或输入证照标识验证：校验位、签章、文件完整性、证照状态与有效期。
    无需登录；持证主体为自然人的，姓名与身份证号脱敏显示。"""
    return _verification_out(licence_verify(identifier=identifier))


@router.post(
    "/verify",
    auth=None,
    response={200: VerificationOut, **ERRORS},
    summary="验证电子证照文件（上传 PDF，公开）",
)
def licence_verify_file_api(request: HttpRequest, file: File[UploadedFile]) -> dict[str, Any]:
    """上传电子证照 PDF：验证电子印章签名（SM2/SM3）、文件是否被篡改、证照标识校验位，
    并按证照库核对状态。"""
    if file.size is None or file.size > MAX_UPLOAD_BYTES:
        raise ValidationFailed("文件过大（不超过 5 MB）", field="file")
    return _verification_out(licence_verify_file(content=file.read()))


# -- the holder's and the staff's side --------------------------------------------------------


def _user(request: HttpRequest) -> User:
    user = getattr(request, "auth", None)
    if not isinstance(user, User):  # pragma: no cover - the router's auth guarantees it
        raise NotAuthenticated("请先登录")
    return user


class LicenceOut(Schema):
    identifier: str = Field(..., examples=[EXAMPLE_ID])
    name: str = Field(..., examples=["建筑工程施工许可证"])
    number: str = Field(..., description="证照编号", examples=["2026000001"])
    version: int = Field(..., examples=[1])
    type_code: str = Field(..., examples=["11100000000013338W013"])
    holder: str
    holder_code: str = Field(..., description="自然人身份证号脱敏")
    holder_code_type: str = Field(..., description="111 公民身份号码 / 001 统一社会信用代码")
    issuer: str
    issuer_code: str
    issued_on: dt.date
    valid_from: dt.date
    valid_to: dt.date | None
    status: StatusOut
    status_reason: str
    previous: str | None = Field(None, description="关联证照标识（上一版本）")
    face: list[list[str]] = Field(..., description="照面信息（项目、内容）")
    case_number: str | None = None
    row_version: int
    document_url: str


class LicenceEventOut(Schema):
    identifier: str
    operation: str = Field(..., examples=["revoke"])
    operation_label: str = Field(..., examples=["撤销"])
    national_code: str = Field(..., description="操作类型代码 01–10", examples=["05"])
    from_status: str
    to_status: str
    reason: str
    new_version: str | None
    at: dt.datetime


class LicenceDetailOut(LicenceOut):
    events: list[LicenceEventOut]


def _licence_out(licence: Licence) -> dict[str, Any]:
    holder, holder_code = mask_holder(licence.data)
    status = licence.status_enum
    return {
        "identifier": licence.identifier,
        "name": licence.name,
        "number": licence.number,
        "version": licence.version,
        "type_code": licence.licence_type.type_code,
        "holder": holder,
        "holder_code": holder_code,
        "holder_code_type": licence.holder_code_type,
        "issuer": licence.issuer_name,
        "issuer_code": licence.issuer_code,
        "issued_on": licence.issued_on,
        "valid_from": licence.valid_from,
        "valid_to": licence.valid_to,
        "status": {"code": status.value, "label": status.label},
        "status_reason": licence.status_reason,
        "previous": licence.previous.identifier if licence.previous else None,
        "face": [[str(a), str(b)] for a, b in licence.data.get("face", [])],
        "case_number": licence.case.number if licence.case else None,
        "row_version": licence.row_version,
        "document_url": f"/api/v1/licences/{licence.identifier}/document",
    }


def _detail(licence: Licence) -> dict[str, Any]:
    return {
        **_licence_out(licence),
        "events": [
            {
                "identifier": event.licence.identifier,
                "operation": event.operation,
                "operation_label": Operation(event.operation).label,
                "national_code": event.national_code,
                "from_status": event.from_status,
                "to_status": event.to_status,
                "reason": event.reason,
                "new_version": event.new_licence.identifier if event.new_licence else None,
                "at": event.at,
            }
            for event in licence_events(licence=licence)
        ],
    }


@router.get("/mine", auth=api_auth, response={200: list[LicenceOut], **ERRORS}, summary="我的证照")
def licence_mine_api(request: HttpRequest) -> list[dict[str, Any]]:
    """本人的电子证照（法人账号：本单位统一社会信用代码的全部证照），新的在前。"""
    user = _user(request)
    rows = licence_list_for_holder(licences=holder_licences(user)).select_related(
        "previous", "case"
    )
    return [_licence_out(licence) for licence in rows]


@router.get(
    "/{identifier}", auth=api_auth, response={200: LicenceDetailOut, **ERRORS}, summary="证照详情"
)
def licence_detail_api(request: HttpRequest, identifier: str) -> dict[str, Any]:
    """持证人或窗口、审批负责人、局领导查看证照详情及全部操作记录；其他人 404。"""
    return _detail(access_licence(_user(request), identifier))


@router.get(
    "/{identifier}/document",
    auth=api_auth,
    response={200: None, **ERRORS},
    summary="下载证照文件（PDF）",
)
def licence_document_api(request: HttpRequest, identifier: str) -> HttpResponse:
    """带电子印章的证照 PDF（持证人或工作人员）。下载记入审计日志。"""
    user = _user(request)
    licence = access_licence(user, identifier)
    audit_read(actor=user, obj=licence, action="licences.download")
    response = HttpResponse(licence.document, content_type="application/pdf")
    filename = f"{licence.name}-{licence.number}-{licence.version:03d}.pdf"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


class OperationIn(Schema):
    operation: Literal[
        "change", "renew", "reissue", "suspend", "restore", "cancel", "revoke", "withdraw"
    ] = Field(..., description="变更/延续/补发/暂扣/暂扣发还/注销/撤销/吊销", examples=["revoke"])
    reason: str = Field(..., max_length=500, examples=["以欺骗手段取得许可，依法撤销"])
    changes: dict[str, str] | None = Field(
        None, description="变更：照面信息项 → 新内容", examples=[{"工程名称": "鲁信大厦二期"}]
    )
    validity_years: int | None = Field(None, ge=1, le=50, description="延续：新的有效年限")
    expected_version: int = Field(..., description="页面所见的 row_version", examples=[0])


@router.post(
    "/{identifier}/operations",
    auth=api_auth,
    response={200: LicenceDetailOut, **ERRORS},
    summary="证照业务：变更、延续、补发、暂扣、发还、注销、撤销、吊销",
)
def licence_operation_api(
    request: HttpRequest, identifier: str, payload: OperationIn
) -> Status[dict[str, Any]]:
    """审批负责人或局领导办理证照业务，须填写理由。变更、延续、补发生成新版本（版本号加一，
    关联上一版本），原版本失效；其余改变证照状态。均记入审计日志。"""
    user = _user(request)
    licence = access_licence(user, identifier)
    result = services.licence_operate(
        licence=licence,
        operation=payload.operation,
        actor=user,
        reason=payload.reason,
        changes=payload.changes,
        validity_years=payload.validity_years,
        expected_version=payload.expected_version,
    )
    return Status(200, _detail(access_licence(user, result.identifier)))
