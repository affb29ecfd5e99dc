"""办件 API: ``/api/v1/cases/…`` — online applications, the window, department review and
the decision, for programs (bearer token) and for ``/api/docs`` (logged-in session + CSRF).

Who reaches what:

* every operation needs a login (``banhao.accounts.tokens.api_auth``); none → 401;
* a case or review task is reached only through ``banhao.cases.access``; one the caller may
  not see is 404, exactly like a missing one;
* a case the caller may see but a command the caller's role may not run is 403 (the state
  table's ``role_not_allowed`` / ``not_case_applicant``);
* a stale ``expected_version`` or a command the case's state does not allow is 409;
  invalid input (ours or the services') is 422.

Every error has the platform shape ``{"error": {"code", "message", "field", "details"}}``.

State changes are one endpoint per command (``POST /{number}/commands/<command>``), each with
its own request body, so OpenAPI shows exactly what each command needs. Every body carries
``expected_version`` (the ``row_version`` the client last saw) for optimistic concurrency.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile

from banhao.accounts.models import User
from banhao.accounts.roles import Role
from banhao.accounts.tokens import NotAuthenticated, api_auth
from banhao.audit.services import audit_read
from banhao.cases import services
from banhao.cases.access import access_case, access_review_task_for_reviewer
from banhao.cases.models import (
    ApplicantKind,
    Case,
    CaseEvent,
    CaseMaterial,
    Channel,
    IdType,
    ReviewTask,
)
from banhao.cases.selectors import (
    case_clock_status,
    case_list_for_applicant,
    case_timeline,
    case_view,
    review_queue,
)
from banhao.catalog.choices import MaterialNecessity
from banhao.catalog.models import ServiceItemVersion
from banhao.catalog.selectors import item_get_published
from banhao.org.models import ServiceCentre
from banhao.privacy.masking import mask_address, mask_id_number, mask_mobile, mask_name
from banhao.security.web.session import client_address
from banhao.shared.errors import Forbidden, NotFound, ValidationFailed
from banhao_core.time_limits import ClockStatus, Light
from banhao_core.workflow import (
    BusinessAction,
    CaseState,
    Command,
    Decision,
    DeliveryMethod,
    NotAcceptedGround,
    ReviewMode,
    ReviewTaskState,
    SpecialProcedureKind,
)

router = Router(tags=["办件"], auth=api_auth)


#: Roles whose holders see departments' review opinions (applicants and helpers do not).
OFFICER_ROLES = frozenset(
    {Role.WINDOW_CLERK, Role.REVIEWER, Role.APPROVER, Role.LEADER, Role.ADMIN}
)
#: State-table refusals that mean "not you" rather than "not like this" → 403.
ROLE_REFUSALS = frozenset({"role_not_allowed", "not_case_applicant"})
#: Core command → the API's command name (``POST /{number}/commands/<name>``).
API_COMMANDS: dict[Command, str] = {
    Command.SUBMIT: "submit",
    Command.RECEIVE: "receive",
    Command.REQUEST_CORRECTION: "request_correction",
    Command.RESUBMIT: "resubmit",
    Command.REFUSE_ACCEPTANCE: "refuse_acceptance",
    Command.ACCEPT: "accept",
    Command.START_SPECIAL_PROCEDURE: "start_special_procedure",
    Command.END_SPECIAL_PROCEDURE: "end_special_procedure",
    Command.EXTEND: "extend",
    Command.DECIDE_APPROVE: "decide_approve",
    Command.DECIDE_REJECT: "decide_reject",
    Command.START_DELIVERY: "deliver",
    Command.CLOSE: "close",
    Command.WITHDRAW: "withdraw",
}
_REVIEW_EVENT_KINDS = frozenset({"review_approved", "review_rejected"})


# --------------------------------------------------------------------------------------------
# Schemas: errors and references


class ErrorBody(Schema):
    code: str = Field(..., examples=["stale_case"])
    message: str = Field(
        ..., examples=["该办件已被他人处理（页面内容已过期），请刷新后查看最新状态"]
    )
    field: str | None = Field(None, description="出错的输入项", examples=["expected_version"])
    details: dict[str, Any] | None = Field(None, description="结构化的补充信息")


class ErrorOut(Schema):
    error: ErrorBody


#: The documented error responses of every operation (the handlers in banhao.config.api
#: produce them; ninja does not validate error bodies against these).
ERRORS: dict[int, type[Schema]] = {
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


class CodeLabel(Schema):
    code: str = Field(..., examples=["in_progress"])
    label: str = Field(..., examples=["办理中"])


class ItemRef(Schema):
    code: str = Field(..., description="事项实施编码", examples=["371681-XK-0001"])
    name: str = Field(..., examples=["建筑工程施工许可证核发"])
    version: int = Field(..., description="申请时适用的事项版本", examples=[1])


class CentreRef(Schema):
    code: str = Field(..., examples=["zouping"])
    name: str = Field(..., examples=["邹平市政务服务中心"])


class DepartmentRef(Schema):
    id: int = Field(..., examples=[4])
    name: str = Field(..., examples=["住房和城乡建设局"])


# --------------------------------------------------------------------------------------------
# Schemas: lists


class CaseListQuery(Schema):
    state: CaseState | None = Field(None, description="按状态筛选", examples=["in_progress"])
    page: int = Field(1, ge=1, le=100000, examples=[1])
    page_size: int = Field(20, ge=1, le=100, examples=[20])


class CaseSummaryOut(Schema):
    number: str = Field(..., description="办件编号", examples=["37168120261127000001"])
    item: ItemRef
    state: CodeLabel
    channel: CodeLabel = Field(..., description="申报来源（GB/T 39046 A.5）")
    applicant_name: str = Field(..., examples=["邹平市鲁信建设工程有限公司"])
    created_at: str = Field(..., examples=["2026-11-27T09:30:00+08:00"])
    submitted_at: str | None = Field(..., examples=["2026-11-27T09:30:00+08:00"])
    accepted_at: str | None = Field(..., examples=["2026-11-27T09:30:00+08:00"])
    promised_due: str | None = Field(..., description="承诺办结日期", examples=["2026-11-30"])
    legal_due: str | None = Field(..., description="法定办结日期", examples=["2026-12-08"])
    due_is_provisional: bool = Field(
        ..., description="到期日依赖尚未发布放假通知的年度（暂定）", examples=[False]
    )
    light: CodeLabel | None = Field(
        ..., description="时限灯（受理前为 null）：green 正常、yellow 预警、red 超期、grey 挂起"
    )
    row_version: int = Field(..., description="乐观并发版本号", examples=[3])


class CaseListOut(Schema):
    count: int = Field(..., examples=[1])
    page: int = Field(..., examples=[1])
    page_size: int = Field(..., examples=[20])
    items: list[CaseSummaryOut]


# --------------------------------------------------------------------------------------------
# Schemas: one case


class ApplicantIn(Schema):
    kind: Literal["person", "company"] = Field(
        ..., description="person 自然人；company 法人及其他组织", examples=["company"]
    )
    name: str = Field(..., max_length=200, examples=["邹平市鲁信建设工程有限公司"])
    id_number: str = Field(
        ...,
        max_length=18,
        description="居民身份证号码或统一社会信用代码（校验位会被检查）",
        examples=["91371681MA3CBH0A1C"],
    )
    contact_name: str = Field(..., max_length=100, examples=["刘经理"])
    contact_phone: str = Field(..., max_length=20, examples=["13805431234"])
    address: str = Field("", max_length=300, examples=["邹平市黛溪街道"])


class ApplicantOut(Schema):
    """The applicant as shown to every caller: personal data masked on the server (a natural
    person's name and 身份证号, the contact person, the phone, the address below 街道/镇)."""

    kind: CodeLabel
    name: str = Field(..., examples=["邹平市鲁信建设工程有限公司"])
    id_type: CodeLabel = Field(..., description="证件类型（GA/T 2000.156）")
    id_number: str = Field(
        ...,
        description="统一社会信用代码；自然人的身份证号脱敏显示（371681********1234）",
        examples=["91371681MA3CBH0A1C"],
    )
    organisation_code: str = Field(..., examples=["91371681MA3CBH0A1C"])
    contact_name: str = Field(..., description="脱敏显示", examples=["刘*理"])
    contact_phone: str = Field(..., description="脱敏显示", examples=["138****1234"])
    address: str = Field(..., description="脱敏显示（保留到街道/镇）", examples=["邹平市黛溪街道"])


Answers = dict[str, str]

_ANSWERS_DESCRIPTION = (
    "办理情形的回答：情形 ID → 选项 ID（均为字符串），见 GET /api/v1/cases/forms/{item_code}"
)


class CaseCreateIn(Schema):
    item: str = Field(..., max_length=60, description="事项实施编码", examples=["371681-XK-0001"])
    service_centre: str | None = Field(
        None,
        max_length=40,
        description="政务服务中心编码；不填为第一个（通常唯一的）中心",
        examples=["zouping"],
    )
    applicant: ApplicantIn
    situation_answers: Answers = Field(
        default_factory=dict, description=_ANSWERS_DESCRIPTION, examples=[{"1": "1", "2": "3"}]
    )
    form_data: dict[str, Any] = Field(
        default_factory=dict,
        description="申请表内容（自由格式）",
        examples=[{"project_name": "黛溪街道综合楼"}],
    )


class CaseUpdateIn(Schema):
    expected_version: int = Field(..., ge=0, examples=[0])
    situation_answers: Answers | None = Field(
        None, description=_ANSWERS_DESCRIPTION, examples=[{"1": "2", "2": "3"}]
    )
    form_data: dict[str, Any] | None = Field(
        None, examples=[{"project_name": "黛溪街道综合楼（二期）"}]
    )
    applicant: ApplicantIn | None = None


class ReceivedIn(Schema):
    material_id: int = Field(
        ..., ge=1, description="目录材料 ID（办件材料的 material_id）", examples=[12]
    )
    originals: int = Field(0, ge=0, le=99, description="收取原件份数", examples=[1])
    copies: int = Field(0, ge=0, le=99, description="收取复印件份数", examples=[1])


class WindowRegistrationIn(Schema):
    item: str = Field(..., max_length=60, examples=["371681-XK-0001"])
    applicant: ApplicantIn
    situation_answers: Answers = Field(
        default_factory=dict, description=_ANSWERS_DESCRIPTION, examples=[{"1": "1", "2": "3"}]
    )
    received: list[ReceivedIn] = Field(
        default_factory=list, max_length=200, description="窗口当场核验收取的材料"
    )
    form_data: dict[str, Any] = Field(default_factory=dict)


class FileOut(Schema):
    filename: str = Field(..., examples=["申请表.pdf"])
    content_type: str = Field(..., examples=["application/pdf"])
    size: int = Field(..., examples=[52])


class CaseMaterialOut(Schema):
    id: int = Field(..., description="办件材料 ID（上传时用）", examples=[7])
    material_id: int = Field(..., description="目录材料 ID（接件核验时用）", examples=[12])
    name: str = Field(..., examples=["建筑工程施工许可证申请表"])
    status: CodeLabel
    required: bool = Field(..., description="本件必交", examples=[True])
    key: bool = Field(..., description="关键材料（不得容缺）", examples=[True])
    file: FileOut | None
    originals_received: int = Field(..., examples=[0])
    copies_received: int = Field(..., examples=[0])
    updated_at: str | None = Field(..., examples=["2026-11-27T09:30:00+08:00"])


class ReviewTaskOut(Schema):
    id: int = Field(..., examples=[1])
    department: DepartmentRef
    step_name: str = Field(..., examples=["施工图审查及质量安全监督手续核查"])
    mode: CodeLabel = Field(..., description="会签 / 或签 / 依次")
    order: int = Field(..., examples=[1])
    state: CodeLabel
    opinion: str | None = Field(
        ..., description="审查意见；仅工作人员可见，申请人看到 null", examples=["同意"]
    )
    opened_at: str | None = Field(..., examples=["2026-11-27T09:30:00+08:00"])
    decided_at: str | None = Field(..., examples=[None])
    due: str | None = Field(..., examples=["2026-11-30"])
    row_version: int = Field(..., description="审查任务的乐观并发版本号", examples=[0])


class PauseOut(Schema):
    kind: CodeLabel = Field(..., description="特别程序种类")
    start: str = Field(..., examples=["2026-11-27"])
    end: str | None = Field(..., examples=[None])
    planned_working_days: int | None = Field(..., examples=[5])
    reason: str = Field(..., examples=["依《建筑法》第八条组织专家评审"])
    result: str = Field(..., examples=[""])


class ExtensionOut(Schema):
    working_days: int = Field(..., examples=[3])
    reason: str = Field(..., examples=["需补充征求消防意见"])
    approved_on: str = Field(..., examples=["2026-11-27"])


class CorrectionOut(Schema):
    notice_number: str = Field(..., examples=["审服补字〔2026〕第000001号"])
    items: list[str] = Field(..., examples=[["申请表缺少法定代表人签字"]])
    issued_at: str = Field(..., examples=["2026-11-27T09:30:00+08:00"])
    resolved_at: str | None = Field(..., examples=[None])


class ClockOut(Schema):
    promised_due: str | None = Field(..., examples=["2026-11-30"])
    legal_due: str | None = Field(..., examples=["2026-12-08"])
    remaining_working_days: int | None = Field(..., examples=[1])
    light: CodeLabel | None
    is_paused: bool = Field(..., examples=[False])
    paused_working_days: int = Field(..., examples=[0])
    extended_working_days: int = Field(..., examples=[0])
    is_provisional: bool = Field(..., examples=[False])
    is_overdue: bool = Field(..., examples=[False])


class CommandOut(Schema):
    code: str = Field(
        ..., description="POST /{number}/commands/<code> 的命令名", examples=["accept"]
    )
    label: str = Field(..., examples=["受理"])


class CaseDetailOut(CaseSummaryOut):
    service_centre: CentreRef
    applicant: ApplicantOut
    situation_answers: Answers = Field(..., examples=[{"1": "1", "2": "3"}])
    form_data: dict[str, Any]
    received_at: str | None = Field(..., examples=["2026-11-27T09:30:00+08:00"])
    acceptance_number: str = Field(
        ..., description="受理（或不予受理）文书编号", examples=["审服受字〔2026〕第000001号"]
    )
    accepted_with_tolerance: bool = Field(..., description="容缺受理", examples=[False])
    has_commitment_letter: bool = Field(..., examples=[False])
    decision: CodeLabel | None
    decision_reason: str = Field(..., examples=["符合条件"])
    decided_at: str | None = Field(..., examples=[None])
    delivery_method: CodeLabel | None
    tracking_number: str = Field(..., examples=[""])
    closed_at: str | None = Field(..., examples=[None])
    clock: ClockOut | None = Field(..., description="时限状态（受理前为 null）")
    materials: list[CaseMaterialOut]
    review_tasks: list[ReviewTaskOut]
    pauses: list[PauseOut]
    extensions: list[ExtensionOut]
    corrections: list[CorrectionOut]
    allowed_commands: list[CommandOut] = Field(
        ..., description="调用者现在可以执行的命令（需要输入的条件在执行时再检查）"
    )


class EventOut(Schema):
    seq: int = Field(..., examples=[1])
    kind: str = Field(..., examples=["accepted"])
    command: str = Field(..., description="本 API 的命令名（系统步骤为内部命令名）")
    from_state: CodeLabel | None
    to_state: CodeLabel | None
    action: CodeLabel = Field(..., description="业务动作（GB/T 39046 6.4）：通过 / 退回 / 其他")
    step_name: str = Field(
        ..., description="环节名称", examples=["受理（含容缺受理），出具受理通知书"]
    )
    status: CodeLabel = Field(..., description="环节办理状态（GB/T 39046 6.4）：2 已办")
    actor_name: str = Field(..., description="环节处理人", examples=["李窗口"])
    unit_name: str = Field(..., description="处理单位名称", examples=["邹平市政务服务中心"])
    unit_code: str = Field(..., description="处理单位统一社会信用代码", examples=[""])
    opinion: str | None = Field(
        ..., description="环节处理意见；部门审查意见仅工作人员可见", examples=["符合条件"]
    )
    started_at: str = Field(..., examples=["2026-11-27T09:30:00+08:00"])
    ended_at: str = Field(..., examples=["2026-11-27T09:30:00+08:00"])
    details: dict[str, Any]


# --------------------------------------------------------------------------------------------
# Schemas: the application form, commands and review


class OptionOut(Schema):
    id: int = Field(..., examples=[1])
    label: str = Field(..., examples=["是"])
    materials: list[str] = Field(..., examples=[["建设工程监理合同"]])


class SituationOut(Schema):
    id: int = Field(..., examples=[1])
    question: str = Field(..., examples=["是否委托监理？"])
    options: list[OptionOut]


class FormMaterialOut(Schema):
    material_id: int = Field(..., examples=[12])
    name: str = Field(..., examples=["建筑工程施工许可证申请表"])
    necessity: CodeLabel
    is_key: bool = Field(..., examples=[True])
    only_for_options: list[int] = Field(
        ..., description="仅在选了这些选项时需要；空表示总是需要", examples=[[]]
    )


class ApplicationFormOut(Schema):
    item: ItemRef
    service_centres: list[CentreRef]
    situations: list[SituationOut]
    materials: list[FormMaterialOut]


class VersionIn(Schema):
    expected_version: int = Field(
        ..., ge=0, description="调用者看到的 row_version；已变化时返回 409", examples=[2]
    )


class ReceiveIn(VersionIn):
    received: list[ReceivedIn] = Field(
        default_factory=list, max_length=200, description="窗口核验收取的纸质材料"
    )


class RequestCorrectionIn(VersionIn):
    items: list[str] = Field(
        ...,
        max_length=50,
        description="一次性告知需补正的全部内容",
        examples=[["申请表缺少法定代表人签字"]],
    )


class RefuseAcceptanceIn(VersionIn):
    ground: NotAcceptedGround = Field(..., description="不予受理事由", examples=["other"])
    reason: str = Field(..., max_length=2000, examples=["申请事项依法不属于本机关职权范围"])
    referral_agency: str = Field(
        "", max_length=200, description="不属本机关职权时，告知向哪个机关申请", examples=[""]
    )


class AcceptIn(VersionIn):
    tolerant: bool = Field(False, description="容缺受理", examples=[False])
    has_commitment_letter: bool = Field(False, description="已签容缺承诺书", examples=[False])


class StartSpecialProcedureIn(VersionIn):
    kind: SpecialProcedureKind = Field(..., examples=["expert_review"])
    reason: str = Field(..., max_length=2000, examples=["依《建筑法》第八条组织专家评审"])
    planned_working_days: int | None = Field(
        ..., ge=1, le=365, description="预计所需工作日（书面告知申请人）", examples=[5]
    )


class EndSpecialProcedureIn(VersionIn):
    result: str = Field(..., max_length=2000, examples=["专家评审通过"])


class ExtendIn(VersionIn):
    working_days: int = Field(..., ge=1, le=60, examples=[3])
    reason: str = Field(..., max_length=2000, examples=["需补充征求消防意见"])


class DecideApproveIn(VersionIn):
    reason: str = Field("", max_length=2000, description="决定意见", examples=["符合条件"])


class DecideRejectIn(VersionIn):
    reason: str = Field(..., max_length=2000, examples=["消防车道宽度不符合要求"])
    rights_notified: bool = Field(
        ..., description="已告知申请复议或诉讼的权利（第38条）", examples=[True]
    )


class DeliverIn(VersionIn):
    method: DeliveryMethod = Field(..., examples=["electronic"])
    tracking_number: str = Field(
        "", max_length=50, description="邮寄送达时的物流单号", examples=[""]
    )


class WithdrawIn(VersionIn):
    reason: str = Field(..., max_length=2000, examples=["项目调整，撤回申请"])


class ReviewQueueQuery(Schema):
    include_done: bool = Field(False, description="包括本部门已审查的任务", examples=[False])
    page: int = Field(1, ge=1, le=100000, examples=[1])
    page_size: int = Field(20, ge=1, le=100, examples=[20])


class ReviewCaseRef(Schema):
    number: str = Field(..., examples=["37168120261127000001"])
    item: ItemRef
    applicant_name: str = Field(..., examples=["邹平市鲁信建设工程有限公司"])
    state: CodeLabel
    accepted_at: str | None = Field(..., examples=["2026-11-27T09:30:00+08:00"])


class ReviewQueueItemOut(ReviewTaskOut):
    case: ReviewCaseRef


class ReviewQueueOut(Schema):
    count: int = Field(..., examples=[1])
    page: int = Field(..., examples=[1])
    page_size: int = Field(..., examples=[20])
    items: list[ReviewQueueItemOut]


class ReviewDecisionIn(Schema):
    approve: bool = Field(..., description="true 同意；false 不同意（须写明理由）")
    opinion: str = Field("", max_length=2000, examples=["同意"])
    expected_version: int = Field(..., ge=0, description="审查任务的 row_version", examples=[0])


# --------------------------------------------------------------------------------------------
# Helpers


def _user(request: HttpRequest) -> User:
    user = getattr(request, "auth", None)
    if not isinstance(user, User):  # pragma: no cover - the router's auth guarantees it
        raise NotAuthenticated("请先登录")
    return user


def _is_officer(user: User) -> bool:
    return bool(user.role_set() & OFFICER_ROLES)


@contextmanager
def _refusals_as_forbidden() -> Iterator[None]:
    """The state table's "not your role / not your case" is a 403, not a 422."""
    try:
        yield
    except ValidationFailed as exc:
        if exc.code in ROLE_REFUSALS:
            raise Forbidden(exc.message, code=exc.code, field=exc.field) from exc
        raise


def _iso(value: dt.date | None) -> str | None:
    """ISO 8601; moments in the bureau's time zone (``+08:00``), dates as they are."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def _label(enum: Any, value: str) -> dict[str, str] | None:
    if not value:
        return None
    return {"code": value, "label": str(enum(value).label)}


def _item(version: ServiceItemVersion) -> dict[str, Any]:
    return {"code": version.item.code, "name": version.name, "version": version.version}


def _light(status: ClockStatus | None) -> dict[str, str] | None:
    if status is None or status.light is None:
        return None
    return {"code": status.light.value, "label": Light(status.light).label}


def _is_person(case: Case) -> bool:
    return bool(case.applicant_kind == ApplicantKind.PERSON)


def _applicant_name(case: Case) -> str:
    """A natural person's name masked (张*明); a company's name as registered."""
    return mask_name(case.applicant_name) if _is_person(case) else case.applicant_name


def _id_number(case: Case) -> str:
    """A 身份证号 masked (371681********1234); a 统一社会信用代码 (public) as registered."""
    return (
        mask_id_number(case.applicant_id_number) if _is_person(case) else case.applicant_id_number
    )


def _summary(case: Case, status: ClockStatus | None) -> dict[str, Any]:
    return {
        "number": case.number,
        "item": _item(case.item_version),
        "state": _label(CaseState, case.state),
        "channel": _label(Channel, case.channel),
        "applicant_name": _applicant_name(case),
        "created_at": _iso(case.created_at),
        "submitted_at": _iso(case.submitted_at),
        "accepted_at": _iso(case.accepted_at),
        "promised_due": _iso(case.promised_due),
        "legal_due": _iso(case.legal_due),
        "due_is_provisional": case.due_is_provisional,
        "light": _light(status),
        "row_version": case.row_version,
    }


def _material(row: CaseMaterial) -> dict[str, Any]:
    return {
        "id": row.pk,
        "material_id": row.material_id,
        "name": row.name,
        "status": _label(CaseMaterial.Status, row.status),
        "required": row.is_required,
        "key": row.is_key,
        "file": {
            "filename": row.original_filename,
            "content_type": row.content_type,
            "size": row.size,
        }
        if row.file
        else None,
        "originals_received": row.originals_received,
        "copies_received": row.copies_received,
        "updated_at": _iso(row.updated_at),
    }


def _task(task: ReviewTask, *, officer: bool) -> dict[str, Any]:
    return {
        "id": task.pk,
        "department": {"id": task.department_id, "name": task.department.name},
        "step_name": task.step_name,
        "mode": _label(ReviewMode, task.mode),
        "order": task.order,
        "state": _label(ReviewTaskState, task.state),
        "opinion": task.opinion if officer else None,
        "opened_at": _iso(task.opened_at),
        "decided_at": _iso(task.decided_at),
        "due": _iso(task.due),
        "row_version": task.row_version,
    }


def _clock(status: ClockStatus | None) -> dict[str, Any] | None:
    if status is None:
        return None
    return {
        "promised_due": _iso(status.promised_due),
        "legal_due": _iso(status.legal_due),
        "remaining_working_days": status.remaining_working_days,
        "light": _light(status),
        "is_paused": status.is_paused,
        "paused_working_days": status.paused_working_days,
        "extended_working_days": status.extended_working_days,
        "is_provisional": status.is_provisional,
        "is_overdue": status.is_overdue,
    }


def _detail(case: Case, user: User) -> dict[str, Any]:
    view = case_view(case=case, user=user)
    case = view.case
    officer = _is_officer(user)
    return {
        **_summary(case, view.status),
        "service_centre": {"code": case.service_centre.code, "name": case.service_centre.name},
        "applicant": {
            "kind": _label(ApplicantKind, case.applicant_kind),
            "name": _applicant_name(case),
            "id_type": _label(IdType, case.applicant_id_type),
            "id_number": _id_number(case),
            "organisation_code": case.organisation_code,
            "contact_name": mask_name(case.contact_name),
            "contact_phone": mask_mobile(case.contact_phone),
            "address": mask_address(case.address),
        },
        "situation_answers": case.situation_answers,
        "form_data": case.form_data,
        "received_at": _iso(case.received_at),
        "acceptance_number": case.acceptance_number,
        "accepted_with_tolerance": case.accepted_with_tolerance,
        "has_commitment_letter": case.has_commitment_letter,
        "decision": _label(Decision, case.decision),
        "decision_reason": case.decision_reason,
        "decided_at": _iso(case.decided_at),
        "delivery_method": _label(DeliveryMethod, case.delivery_method),
        "tracking_number": case.tracking_number,
        "closed_at": _iso(case.closed_at),
        "clock": _clock(view.status),
        "materials": [_material(row) for row in case.materials.all()],
        "review_tasks": [_task(task, officer=officer) for task in view.tasks],
        "pauses": [
            {
                "kind": _label(SpecialProcedureKind, pause.procedure_kind),
                "start": _iso(pause.start),
                "end": _iso(pause.end),
                "planned_working_days": pause.planned_working_days,
                "reason": pause.reason,
                "result": pause.result,
            }
            for pause in case.pauses.all()
        ],
        "extensions": [
            {
                "working_days": extension.working_days,
                "reason": extension.reason,
                "approved_on": _iso(extension.approved_on),
            }
            for extension in case.extensions.all()
        ],
        "corrections": [
            {
                "notice_number": notice.notice_number,
                "items": list(notice.items),
                "issued_at": _iso(notice.issued_at),
                "resolved_at": _iso(notice.resolved_at),
            }
            for notice in case.corrections.order_by("issued_at", "id")
        ],
        "allowed_commands": [
            {"code": name, "label": command.label}
            for command, name in API_COMMANDS.items()
            if command in view.commands
        ],
    }


def _event(event: CaseEvent, *, officer: bool) -> dict[str, Any]:
    hidden = not officer and event.kind in _REVIEW_EVENT_KINDS
    try:
        command = API_COMMANDS.get(Command(event.command), event.command)
    except ValueError:
        command = event.command
    return {
        "seq": event.seq,
        "kind": event.kind,
        "command": command,
        "from_state": _label(CaseState, event.from_state),
        "to_state": _label(CaseState, event.to_state),
        "action": _label(BusinessAction, event.action),
        "step_name": event.step_name,
        "status": {"code": "2", "label": "已办"},
        "actor_name": event.actor_name,
        "unit_name": event.unit_name,
        "unit_code": event.unit_code,
        "opinion": None if hidden else event.opinion,
        "started_at": _iso(event.started_at),
        "ended_at": _iso(event.ended_at),
        "details": event.details,
    }


def _published(code: str) -> ServiceItemVersion:
    """The item's version in force; an unknown code in a request body is a 422."""
    try:
        return item_get_published(code=code)
    except NotFound as exc:
        raise ValidationFailed(exc.message, field="item", code="item_not_found") from exc


def _centre(code: str | None) -> ServiceCentre:
    centres = ServiceCentre.objects.order_by("pk")
    centre = centres.filter(code=code).first() if code else centres.first()
    if centre is None:
        raise ValidationFailed(f"找不到政务服务中心：{code or ''}", field="service_centre")
    return centre


def _applicant(data: ApplicantIn) -> services.ApplicantData:
    return services.ApplicantData(
        kind=data.kind,
        name=data.name,
        id_number=data.id_number,
        contact_name=data.contact_name,
        contact_phone=data.contact_phone,
        address=data.address,
    )


def _received(items: list[ReceivedIn]) -> list[services.ReceivedMaterial]:
    return [
        services.ReceivedMaterial(
            material_id=item.material_id, originals=item.originals, copies=item.copies
        )
        for item in items
    ]


def _require_role(user: User, roles: frozenset[Role], message: str) -> None:
    if not user.role_set() & roles:
        raise Forbidden(message)


def _command(
    request: HttpRequest, number: str, run: Callable[[Case, User], object]
) -> dict[str, Any]:
    """Reach the case, run one service write as the caller, return the case afresh."""
    user = _user(request)
    case = access_case(user, number)
    with _refusals_as_forbidden():
        run(case, user)
    return _detail(case, user)


# --------------------------------------------------------------------------------------------
# Operations. Literal paths come before ``/{number}`` (Django tries patterns in order).


@router.get("/", response={200: CaseListOut, **ERRORS}, summary="我能看到的办件（分页）")
def case_list_api(request: HttpRequest, params: Query[CaseListQuery]) -> dict[str, Any]:
    """申请人：本人（法人账号：本单位统一社会信用代码）的办件；窗口、审批负责人、局领导：本中心的
    办件；审查人员：分送本部门审查的办件。按创建时间倒序。"""
    user = _user(request)
    cases = case_list_for_applicant(user=user).prefetch_related("pauses", "extensions")
    if params.state is not None:
        cases = cases.filter(state=params.state.value)
    offset = (params.page - 1) * params.page_size
    page = list(cases[offset : offset + params.page_size])
    return {
        "count": cases.count(),
        "page": params.page,
        "page_size": params.page_size,
        "items": [_summary(case, case_clock_status(case=case)) for case in page],
    }


@router.post("/", response={201: CaseDetailOut, **ERRORS}, summary="网上申请：暂存（创建草稿）")
def case_create_api(request: HttpRequest, payload: CaseCreateIn) -> Status[dict[str, Any]]:
    """申请人或帮办代办员创建暂存申请。材料清单按办理情形的回答生成（电子证照可共享的材料
    免交）。法人账号只能以本单位统一社会信用代码申请。"""
    user = _user(request)
    _require_role(
        user, frozenset({Role.APPLICANT, Role.HELPER}), "只有申请人或帮办代办员可以网上申请"
    )
    case = services.case_create_draft(
        actor=user,
        item_version=_published(payload.item),
        service_centre=_centre(payload.service_centre),
        applicant=_applicant(payload.applicant),
        situation_answers=payload.situation_answers,
        form_data=payload.form_data,
    )
    return Status(201, _detail(case, user))


@router.get(
    "/forms/{item_code}",
    response={200: ApplicationFormOut, **ERRORS},
    summary="申请须知：事项的办理情形（含 ID）与材料",
)
def application_form_api(request: HttpRequest, item_code: str) -> dict[str, Any]:
    """创建申请或窗口登记前，取得办理情形及选项的 ID（``situation_answers`` 用）和目录材料 ID
    （窗口核验 ``received`` 用）。"""
    version = item_get_published(code=item_code)  # situations, options, materials prefetched
    situations = list(version.situations.all())
    selected_by: dict[int, list[int]] = {}
    for situation in situations:
        for option in situation.options.all():
            for material in option.materials.all():
                selected_by.setdefault(material.pk, []).append(option.pk)
    return {
        "item": _item(version),
        "service_centres": [
            {"code": c.code, "name": c.name} for c in ServiceCentre.objects.order_by("pk")
        ],
        "situations": [
            {
                "id": situation.pk,
                "question": situation.question,
                "options": [
                    {
                        "id": option.pk,
                        "label": option.label,
                        "materials": [m.name for m in option.materials.all()],
                    }
                    for option in situation.options.all()
                ],
            }
            for situation in situations
        ],
        "materials": [
            {
                "material_id": material.pk,
                "name": material.name,
                "necessity": _label(MaterialNecessity, material.necessity),
                "is_key": material.is_key,
                "only_for_options": sorted(selected_by.get(material.pk, [])),
            }
            for material in version.materials.all()
        ],
    }


@router.post(
    "/window", response={201: CaseDetailOut, **ERRORS}, summary="窗口登记（现场申请，当场收件）"
)
def window_register_api(
    request: HttpRequest, payload: WindowRegistrationIn
) -> Status[dict[str, Any]]:
    """窗口受理人员为现场申请人登记办件（一窗受理），核验收取的材料记入 ``received``；办件直接
    进入“已接件”。"""
    user = _user(request)
    _require_role(user, frozenset({Role.WINDOW_CLERK}), "只有窗口受理人员可以窗口登记")
    with _refusals_as_forbidden():
        case = services.case_register_at_window(
            actor=user,
            item_version=_published(payload.item),
            applicant=_applicant(payload.applicant),
            situation_answers=payload.situation_answers,
            received=_received(payload.received),
            form_data=payload.form_data,
        )
    return Status(201, _detail(case, user))


@router.get(
    "/review-tasks",
    response={200: ReviewQueueOut, **ERRORS},
    summary="本部门的审查待办（按期限排序）",
)
def review_queue_api(request: HttpRequest, params: Query[ReviewQueueQuery]) -> dict[str, Any]:
    """审查人员所在部门的待审查任务，期限最近的在前；``include_done`` 同时列出已审查的。"""
    user = _user(request)
    _require_role(user, frozenset({Role.REVIEWER}), "只有审查人员有审查待办")
    tasks = review_queue(user=user, include_done=params.include_done).select_related(
        "case__item_version__item"
    )
    offset = (params.page - 1) * params.page_size
    items = []
    for task in tasks[offset : offset + params.page_size]:
        case = task.case
        items.append(
            {
                **_task(task, officer=True),
                "case": {
                    "number": case.number,
                    "item": {
                        "code": case.item_version.item.code,
                        "name": case.item_version.name,
                        "version": case.item_version.version,
                    },
                    "applicant_name": _applicant_name(case),
                    "state": _label(CaseState, case.state),
                    "accepted_at": _iso(case.accepted_at),
                },
            }
        )
    return {
        "count": tasks.count(),
        "page": params.page,
        "page_size": params.page_size,
        "items": items,
    }


@router.post(
    "/review-tasks/{task_id}/decision",
    response={200: ReviewTaskOut, **ERRORS},
    summary="部门审查：同意或不同意",
)
def review_decision_api(
    request: HttpRequest, task_id: int, payload: ReviewDecisionIn
) -> dict[str, Any]:
    """本部门的审查任务作出审查意见（并联审批）。不同意须写明理由。任务已被处理或版本号过期时
    返回 409。"""
    user = _user(request)
    task = access_review_task_for_reviewer(user, task_id)
    decided = services.review_task_decide(
        task=task,
        actor=user,
        approve=payload.approve,
        opinion=payload.opinion,
        expected_version=payload.expected_version,
    )
    return _task(decided, officer=True)


@router.get("/{number}", response={200: CaseDetailOut, **ERRORS}, summary="办件详情")
def case_detail_api(request: HttpRequest, number: str) -> dict[str, Any]:
    """办件的全部信息：申请人、材料、部门审查、特别程序、延长、补正、时限状态，以及调用者现在
    可以执行的命令（``allowed_commands``）和乐观并发版本号 ``row_version``。"""
    user = _user(request)
    case = access_case(user, number)
    if user.role_set() & Role.staff_roles():
        # A staff read of an applicant's data is a sensitive read (domain.md §8.5).
        with transaction.atomic():
            audit_read(
                actor=user,
                obj=case,
                action="cases.api_view",
                address=client_address(request),
                details={"number": case.number},
            )
    return _detail(case, user)


@router.patch("/{number}", response={200: CaseDetailOut, **ERRORS}, summary="修改暂存的申请")
def case_update_api(request: HttpRequest, number: str, payload: CaseUpdateIn) -> dict[str, Any]:
    """只有申请人本人、只在“暂存”时可以修改。改变办理情形会重新生成材料清单。"""
    user = _user(request)
    case = access_case(user, number)
    if case.applicant_id != user.pk:
        raise Forbidden("只有申请人本人可以修改暂存的申请")
    services.case_update_draft(
        case=case,
        actor=user,
        situation_answers=payload.situation_answers,
        form_data=payload.form_data,
        applicant=_applicant(payload.applicant) if payload.applicant else None,
        expected_version=payload.expected_version,
    )
    return _detail(case, user)


@router.get(
    "/{number}/events",
    response={200: list[EventOut], **ERRORS},
    summary="办理过程（GB/T 39046 6.4）",
)
def case_events_api(request: HttpRequest, number: str) -> list[dict[str, Any]]:
    """每一个已记录的环节，按顺序：业务动作、环节名称、处理人、处理单位、处理意见、起止时间。"""
    user = _user(request)
    case = access_case(user, number)
    officer = _is_officer(user)
    return [_event(event, officer=officer) for event in case_timeline(case=case)]


@router.post(
    "/{number}/materials/{material_row_id}",
    response={200: CaseMaterialOut, **ERRORS},
    summary="上传材料电子件（PDF/JPG/PNG）",
)
def material_upload_api(
    request: HttpRequest, number: str, material_row_id: int, file: File[UploadedFile]
) -> dict[str, Any]:
    """multipart/form-data，字段名 ``file``。文件类型按内容识别，单个文件不超过配置的上限。
    申请人本人或本中心窗口人员可以上传；再次上传替换原文件。"""
    user = _user(request)
    case = access_case(user, number)
    if case.applicant_id != user.pk and not user.has_role(Role.WINDOW_CLERK):
        raise Forbidden("只有申请人本人或窗口人员可以上传材料")
    row = services.case_material_upload(
        case=case, material_id=material_row_id, upload=file, actor=user
    )
    return _material(row)


# -- commands ---------------------------------------------------------------------------------

_CMD = {200: CaseDetailOut, **ERRORS}


@router.post("/{number}/commands/submit", response=_CMD, summary="申报（申请人）")
def submit_api(request: HttpRequest, number: str, payload: VersionIn) -> dict[str, Any]:
    """暂存 → 已申报。必要材料须已上传，否则 422 ``materials_missing``（``details.missing``）。"""
    return _command(
        request,
        number,
        lambda case, user: services.case_submit(
            case=case, actor=user, expected_version=payload.expected_version
        ),
    )


@router.post("/{number}/commands/receive", response=_CMD, summary="接件（窗口）")
def receive_api(request: HttpRequest, number: str, payload: ReceiveIn) -> dict[str, Any]:
    """已申报 → 已接件；第32条的五日告知期开始。可同时记录核验收取的纸质材料。"""
    return _command(
        request,
        number,
        lambda case, user: services.case_receive(
            case=case,
            actor=user,
            received=_received(payload.received),
            expected_version=payload.expected_version,
        ),
    )


@router.post(
    "/{number}/commands/request_correction", response=_CMD, summary="一次性告知补正（窗口）"
)
def request_correction_api(
    request: HttpRequest, number: str, payload: RequestCorrectionIn
) -> dict[str, Any]:
    """已接件 → 补正告知。一次列明全部需补正的内容（第32条），只能告知一次。"""
    return _command(
        request,
        number,
        lambda case, user: services.case_request_correction(
            case=case, actor=user, items=payload.items, expected_version=payload.expected_version
        ),
    )


@router.post("/{number}/commands/resubmit", response=_CMD, summary="提交补正材料")
def resubmit_api(request: HttpRequest, number: str, payload: VersionIn) -> dict[str, Any]:
    """补正告知 → 已接件（申请人本人或窗口）。"""
    return _command(
        request,
        number,
        lambda case, user: services.case_resubmit(
            case=case, actor=user, expected_version=payload.expected_version
        ),
    )


@router.post("/{number}/commands/refuse_acceptance", response=_CMD, summary="不予受理（窗口）")
def refuse_acceptance_api(
    request: HttpRequest, number: str, payload: RefuseAcceptanceIn
) -> dict[str, Any]:
    """出具不予受理通知书：事由、理由；不属本机关职权时须告知有权机关（第32条）。"""
    return _command(
        request,
        number,
        lambda case, user: services.case_refuse_acceptance(
            case=case,
            actor=user,
            ground=payload.ground.value,
            reason=payload.reason,
            referral_agency=payload.referral_agency,
            expected_version=payload.expected_version,
        ),
    )


@router.post("/{number}/commands/accept", response=_CMD, summary="受理（含容缺受理，窗口）")
def accept_api(request: HttpRequest, number: str, payload: AcceptIn) -> dict[str, Any]:
    """已接件 → 办理中：计时开始，出具受理通知书，按事项的审查路线分送各部门审查。"""
    return _command(
        request,
        number,
        lambda case, user: services.case_accept(
            case=case,
            actor=user,
            tolerant=payload.tolerant,
            has_commitment_letter=payload.has_commitment_letter,
            expected_version=payload.expected_version,
        ),
    )


@router.post(
    "/{number}/commands/start_special_procedure",
    response=_CMD,
    summary="启动特别程序（暂停计时）",
)
def start_special_procedure_api(
    request: HttpRequest, number: str, payload: StartSpecialProcedureIn
) -> dict[str, Any]:
    """听证、检验、检测、鉴定、专家评审等所需时间不计入期限（第45条）；须告知所需时间。"""
    return _command(
        request,
        number,
        lambda case, user: services.case_start_special_procedure(
            case=case,
            actor=user,
            kind=payload.kind.value,
            reason=payload.reason,
            planned_working_days=payload.planned_working_days,
            expected_version=payload.expected_version,
        ),
    )


@router.post(
    "/{number}/commands/end_special_procedure",
    response=_CMD,
    summary="结束特别程序（恢复计时）",
)
def end_special_procedure_api(
    request: HttpRequest, number: str, payload: EndSpecialProcedureIn
) -> dict[str, Any]:
    """记录特别程序结果，次日恢复计时。"""
    return _command(
        request,
        number,
        lambda case, user: services.case_end_special_procedure(
            case=case, actor=user, result=payload.result, expected_version=payload.expected_version
        ),
    )


@router.post("/{number}/commands/extend", response=_CMD, summary="延长审批期限（审批负责人）")
def extend_api(request: HttpRequest, number: str, payload: ExtendIn) -> dict[str, Any]:
    """在法定上限内延长（第42条），须说明理由。"""
    return _command(
        request,
        number,
        lambda case, user: services.case_extend(
            case=case,
            actor=user,
            working_days=payload.working_days,
            reason=payload.reason,
            expected_version=payload.expected_version,
        ),
    )


@router.post(
    "/{number}/commands/decide_approve", response=_CMD, summary="作出准予许可决定（审批负责人）"
)
def decide_approve_api(
    request: HttpRequest, number: str, payload: DecideApproveIn
) -> dict[str, Any]:
    """各部门审查均已同意、材料齐全时可以准予（第38条第1款）。"""
    return _command(
        request,
        number,
        lambda case, user: services.case_decide(
            case=case,
            actor=user,
            approve=True,
            reason=payload.reason,
            expected_version=payload.expected_version,
        ),
    )


@router.post(
    "/{number}/commands/decide_reject", response=_CMD, summary="作出不予许可决定（审批负责人）"
)
def decide_reject_api(request: HttpRequest, number: str, payload: DecideRejectIn) -> dict[str, Any]:
    """须说明理由，并告知申请行政复议或提起行政诉讼的权利（第38条第2款）。"""
    return _command(
        request,
        number,
        lambda case, user: services.case_decide(
            case=case,
            actor=user,
            approve=False,
            reason=payload.reason,
            rights_notified=payload.rights_notified,
            expected_version=payload.expected_version,
        ),
    )


@router.post("/{number}/commands/deliver", response=_CMD, summary="送达（窗口）")
def deliver_api(request: HttpRequest, number: str, payload: DeliverIn) -> dict[str, Any]:
    """窗口领取、邮寄送达（须填物流单号）或电子送达（第44条）。"""
    return _command(
        request,
        number,
        lambda case, user: services.case_deliver(
            case=case,
            actor=user,
            method=payload.method.value,
            tracking_number=payload.tracking_number,
            expected_version=payload.expected_version,
        ),
    )


@router.post("/{number}/commands/close", response=_CMD, summary="办结（窗口）")
def close_api(request: HttpRequest, number: str, payload: VersionIn) -> dict[str, Any]:
    """送达中 → 办结。"""
    return _command(
        request,
        number,
        lambda case, user: services.case_close(
            case=case, actor=user, expected_version=payload.expected_version
        ),
    )


@router.post("/{number}/commands/withdraw", response=_CMD, summary="撤回申请")
def withdraw_api(request: HttpRequest, number: str, payload: WithdrawIn) -> dict[str, Any]:
    """作出决定前，申请人本人（或窗口依书面申请）撤回。"""
    return _command(
        request,
        number,
        lambda case, user: services.case_withdraw(
            case=case, actor=user, reason=payload.reason, expected_version=payload.expected_version
        ),
    )


@router.post(
    "/{number}/commands/{command}",
    response={404: ErrorOut, 401: ErrorOut},
    summary="未知命令",
    include_in_schema=False,
)
def unknown_command_api(request: HttpRequest, number: str, command: str) -> None:
    """Any other command name: 404 in the platform's error shape (not Django's HTML 404)."""
    raise NotFound(
        f"未知命令：{command}。可用命令：" + "、".join(API_COMMANDS.values()),
        code="unknown_command",
        field="command",
    )
