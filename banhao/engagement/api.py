"""The 民说民评与问卷 API (mounted at ``/api/v1/engagement/``).

Public (no login, ``auth=None``, POSTs rate limited per address — ``engagement_public``):

* ``GET  /public/suggestions`` — the accountability list: what was done with each suggestion
  (no raiser data, ever);
* ``POST /public/suggestions`` — submit a suggestion (anonymous allowed);
* ``GET  /public/suggestions/{number}`` — one suggestion's progress;
* ``GET  /public/surveys/{code}`` — an open survey's definition (questions, options,
  conditions);
* ``POST /public/surveys/{code}/responses`` — answer an open **anonymous** survey (identified
  surveys are answered on the site after login). The public endpoints never read the caller's
  session: nothing submitted here is tied to an account.

Staff (bearer token, or session + CSRF like ``/api/v1/cases/``): the suggestion work queue
and its commands, survey results, paper entry. A suggestion or survey the caller may not see
is 404, exactly like a missing one.

Errors have the platform shape ``{"error": {"code", "message", "field", "details"}}``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from banhao.accounts.models import User
from banhao.accounts.tokens import NotAuthenticated, api_auth
from banhao.engagement import access, selectors, services
from banhao.engagement.models import Suggestion, Survey
from banhao.org.models import Department, ServiceCentre
from banhao.shared.errors import NotFound, ValidationFailed
from banhao_core.suggestions import SuggestionStatus, allowed_commands
from banhao_core.surveys import QuestionKind

router = Router(tags=["民说民评与问卷"])


class ErrorBody(Schema):
    code: str = Field(..., examples=["serial_already_entered"])
    message: str = Field(..., examples=["流水号 msmp-2026q4-00001 的问卷已经录入过，不能重复录入"])
    field: str | None = Field(None, examples=["serial"])
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


def _user(request: HttpRequest) -> User:
    user = getattr(request, "auth", None)
    if not isinstance(user, User):  # pragma: no cover - the auth guarantees it
        raise NotAuthenticated("请先登录")
    return user


# -- schemas --------------------------------------------------------------------------------------


class CodeLabel(Schema):
    code: str = Field(..., examples=["closed"])
    label: str = Field(..., examples=["已办结"])


class PublicSuggestionOut(Schema):
    """What the public sees: never the raiser's name, phone or account."""

    number: str = Field(..., examples=["JY202611270001"])
    kind: CodeLabel
    source: CodeLabel
    title: str = Field(..., examples=["延长午间办理时间"])
    content: str
    raised_on: dt.date
    forum_theme: str | None = Field(None, examples=["优化营商环境民说民评恳谈会"])
    owner_department: str | None = Field(None, examples=["住房和城乡建设局"])
    status: CodeLabel
    deadline: dt.date | None = None
    public_summary: str = Field("", examples=["已实行午间延时服务（12:00–13:30）。"])
    closed_at: dt.datetime | None = None


class AccountabilityOut(Schema):
    total: int
    closed: int
    open: int
    declined: int
    items: list[PublicSuggestionOut]


class TimelineStep(Schema):
    at: dt.datetime
    step: str = Field(..., examples=["交办"])


class PublicSuggestionDetailOut(PublicSuggestionOut):
    timeline: list[TimelineStep]


class SuggestionIn(Schema):
    kind: Literal["suggestion", "complaint", "gripe"] = Field(..., examples=["suggestion"])
    title: str = Field(..., max_length=200, examples=["增加自助打印机"])
    content: str = Field(..., max_length=4000, examples=["大厅只有一台自助打印机，经常排队。"])
    is_anonymous: bool = Field(False, description="匿名提交：不保存姓名和电话")
    raiser_name: str = Field("", max_length=100, examples=["王五"])
    raiser_phone: str = Field("", max_length=20, examples=["13900000000"])


class StaffSuggestionOut(PublicSuggestionOut):
    light: str = Field(..., description="green / yellow / red / 空", examples=["green"])
    remaining_working_days: int | None = None
    row_version: int
    allowed_commands: list[str] = Field(..., examples=[["start", "answer", "decline"]])


class SuggestionListOut(Schema):
    items: list[StaffSuggestionOut]


class AssignIn(Schema):
    expected_version: int = Field(..., ge=0)
    department_id: int = Field(..., examples=[3])
    working_days: int = Field(5, ge=1, le=60, description="办理时限（工作日）")


class AnswerIn(Schema):
    expected_version: int = Field(..., ge=0)
    response: str = Field(..., max_length=4000, examples=["自 12 月 1 日起实行午间延时服务。"])
    public_summary: str = Field(..., max_length=1000, examples=["已实行午间延时服务。"])


class VersionIn(Schema):
    expected_version: int = Field(..., ge=0)


class OptionOut(Schema):
    code: str = Field(..., examples=["A"])
    label: str = Field(..., examples=["是"])


class ConditionOut(Schema):
    question: str = Field(..., examples=["Q1"])
    values: list[str] = Field(..., examples=[["B"]])


class QuestionOut(Schema):
    code: str = Field(..., examples=["Q2"])
    kind: CodeLabel
    text: str
    required: bool
    options: list[OptionOut]
    show_if: ConditionOut | None = None


class SurveyOut(Schema):
    code: str = Field(..., examples=["msmp-2026q4"])
    title: str
    intro: str
    anonymous: bool
    version: int
    questions: list[QuestionOut]


class AnswersIn(Schema):
    answers: dict[str, Any] = Field(
        ...,
        description="题号 → 单选：选项编码；多选：编码列表；量表：1–5；填空：文字",
        examples=[{"Q1": "B", "Q2": "材料退回两次", "Q3": ["A", "C"], "Q4": 2, "Q5": "等候久"}],
    )


class PaperAnswersIn(AnswersIn):
    serial: str = Field(..., examples=["msmp-2026q4-00001"])


class ReceivedOut(Schema):
    survey: str
    channel: CodeLabel
    survey_version: int


class TallyOut(Schema):
    shown: int
    answered: int
    counts: dict[str, int]
    mean: float | None = None


class QuestionResultOut(Schema):
    code: str
    text: str
    total: TallyOut
    paper: TallyOut
    online: TallyOut


class SurveyResultsOut(Schema):
    total: int
    paper: int
    online: int
    questions: list[QuestionResultOut]


# -- mapping --------------------------------------------------------------------------------------


def _public(s: Suggestion) -> dict[str, Any]:
    return {
        "number": s.number,
        "kind": {"code": s.kind, "label": s.get_kind_display()},
        "source": {"code": s.source, "label": s.get_source_display()},
        "title": selectors.public_text(s.title),
        "content": selectors.public_text(s.content),
        "raised_on": timezone.localdate(s.raised_at),
        "forum_theme": s.forum.theme if s.forum else None,
        "owner_department": s.owner_department.name if s.owner_department else None,
        "status": {"code": s.status, "label": s.get_status_display()},
        "deadline": s.deadline,
        "public_summary": s.public_summary,
        "closed_at": s.closed_at,
    }


def _staff_row(row: selectors.SuggestionRow, user: User) -> dict[str, Any]:
    s = row.suggestion
    commands = []
    for command in allowed_commands(SuggestionStatus(s.status)):
        if command.value == "assign" and not access.may_manage_suggestion(user, s):
            continue
        if command.value != "assign" and not access.may_handle_suggestion(user, s):
            continue
        commands.append(command.value)
    return {
        **_public(s),
        "light": row.light.value,
        "remaining_working_days": row.remaining_working_days,
        "row_version": s.row_version,
        "allowed_commands": commands,
    }


def _centre() -> ServiceCentre:
    centre = ServiceCentre.objects.order_by("id").first()
    if centre is None:
        raise NotFound("尚未设置政务服务中心")
    return centre


# -- public ---------------------------------------------------------------------------------------


@router.get(
    "/public/suggestions",
    auth=None,
    response={200: AccountabilityOut, **ERRORS},
    summary="办理公开：意见建议及办理结果（公开）",
)
def engagement_accountability_api(
    request: HttpRequest, status: str = "", limit: int = 50
) -> dict[str, Any]:
    """每条意见建议的办理进度和结果；不含提出人的任何信息。``status`` 可按状态筛选。"""
    limit = max(1, min(limit, 200))
    stats = selectors.accountability_stats()
    items = selectors.accountability_list(status=status)[:limit]
    return {
        "total": stats.total,
        "closed": stats.closed,
        "open": stats.open,
        "declined": stats.declined,
        "items": [_public(s) for s in items],
    }


@router.post(
    "/public/suggestions",
    auth=None,
    response={201: PublicSuggestionOut, **ERRORS},
    summary="提交意见建议（公开，可匿名）",
)
def engagement_suggest_api(request: HttpRequest, payload: SuggestionIn) -> Status[dict[str, Any]]:
    """登记一条网上意见建议。不匿名时须填写姓名；姓名和电话加密保存、从不公开。"""
    suggestion = services.suggestion_submit_online(
        data=services.SuggestionInput(
            kind=payload.kind,
            title=payload.title,
            content=payload.content,
            raiser_name=payload.raiser_name,
            raiser_phone=payload.raiser_phone,
            is_anonymous=payload.is_anonymous,
        ),
        centre=_centre(),
        actor=None,
    )
    return Status(201, _public(selectors.accountability_get(suggestion.number)))


@router.get(
    "/public/suggestions/{number}",
    auth=None,
    response={200: PublicSuggestionDetailOut, **ERRORS},
    summary="一条意见建议的办理进度（公开）",
)
def engagement_accountability_detail_api(request: HttpRequest, number: str) -> dict[str, Any]:
    suggestion = selectors.accountability_get(number)
    return {
        **_public(suggestion),
        "timeline": [
            {"at": at, "step": step} for at, step in selectors.public_timeline(suggestion)
        ],
    }


def _survey_out(survey: Survey) -> dict[str, Any]:
    questions = []
    for q in selectors.survey_questions(survey):
        kind = QuestionKind(q.kind)
        questions.append(
            {
                "code": q.code,
                "kind": {"code": kind.value, "label": kind.label},
                "text": q.text,
                "required": q.is_required,
                "options": [
                    {"code": str(o.get("code")), "label": str(o.get("label"))} for o in q.options
                ],
                "show_if": {"question": q.condition_question, "values": q.condition_values}
                if q.condition_question
                else None,
            }
        )
    return {
        "code": survey.code,
        "title": survey.title,
        "intro": survey.intro,
        "anonymous": survey.is_anonymous,
        "version": survey.version,
        "questions": questions,
    }


@router.get(
    "/public/surveys/{code}",
    auth=None,
    response={200: SurveyOut, **ERRORS},
    summary="问卷内容（公开，仅收集中的问卷）",
)
def engagement_survey_definition_api(request: HttpRequest, code: str) -> dict[str, Any]:
    """题目、选项和显示条件（``show_if``：某题选了列出的选项之一时才显示）。"""
    return _survey_out(access.access_open_survey(code))


@router.post(
    "/public/surveys/{code}/responses",
    auth=None,
    response={201: ReceivedOut, **ERRORS},
    summary="提交问卷答案（公开，匿名问卷）",
)
def engagement_survey_respond_api(
    request: HttpRequest, code: str, payload: AnswersIn
) -> Status[dict[str, Any]]:
    """服务端按问卷定义校验：必答题、隐藏题必须为空、选项存在、量表 1–5。不记录答卷人。"""
    survey = access.access_open_survey(code)
    if not survey.is_anonymous:
        raise ValidationFailed("实名问卷请登录网站填写", code="login_required", field="answers")
    response = services.survey_response_submit(survey=survey, answers=payload.answers, actor=None)
    return Status(
        201,
        {
            "survey": survey.code,
            "channel": {"code": response.channel, "label": response.get_channel_display()},
            "survey_version": response.survey_version,
        },
    )


# -- staff ----------------------------------------------------------------------------------------


@router.get(
    "/suggestions",
    auth=api_auth,
    response={200: SuggestionListOut, **ERRORS},
    summary="意见建议办理队列（管理人员：本中心全部；承办部门：本部门）",
)
def engagement_suggestion_list_api(request: HttpRequest, open_only: bool = True) -> dict[str, Any]:
    user = _user(request)
    qs = access.visible_suggestions(user)
    if open_only:
        qs = qs.exclude(status__in=("closed", "declined"))
    return {"items": [_staff_row(row, user) for row in selectors.suggestion_rows(qs)]}


@router.get(
    "/suggestions/{number}",
    auth=api_auth,
    response={200: StaffSuggestionOut, **ERRORS},
    summary="意见建议详情（工作人员）",
)
def engagement_suggestion_detail_api(request: HttpRequest, number: str) -> dict[str, Any]:
    user = _user(request)
    return _staff_row(selectors.suggestion_row(access.access_suggestion(user, number)), user)


@router.post(
    "/suggestions/{number}/assign",
    auth=api_auth,
    response={200: StaffSuggestionOut, **ERRORS},
    summary="交办（管理人员）",
)
def engagement_suggestion_assign_api(
    request: HttpRequest, number: str, payload: AssignIn
) -> dict[str, Any]:
    user = _user(request)
    suggestion = access.access_suggestion(user, number)
    department = Department.objects.filter(pk=payload.department_id).first()
    if department is None:
        raise ValidationFailed("承办部门不存在", field="department_id", code="unknown_department")
    done = services.suggestion_assign(
        suggestion=suggestion,
        department=department,
        working_days=payload.working_days,
        actor=user,
        expected_version=payload.expected_version,
    )
    return _staff_row(selectors.suggestion_row(done), user)


@router.post(
    "/suggestions/{number}/answer",
    auth=api_auth,
    response={200: StaffSuggestionOut, **ERRORS},
    summary="答复（承办部门）",
)
def engagement_suggestion_answer_api(
    request: HttpRequest, number: str, payload: AnswerIn
) -> dict[str, Any]:
    user = _user(request)
    done = services.suggestion_answer(
        suggestion=access.access_suggestion(user, number),
        response=payload.response,
        public_summary=payload.public_summary,
        actor=user,
        expected_version=payload.expected_version,
    )
    return _staff_row(selectors.suggestion_row(done), user)


@router.post(
    "/suggestions/{number}/close",
    auth=api_auth,
    response={200: StaffSuggestionOut, **ERRORS},
    summary="办结（承办部门；须已答复并上传佐证）",
)
def engagement_suggestion_close_api(
    request: HttpRequest, number: str, payload: VersionIn
) -> dict[str, Any]:
    user = _user(request)
    done = services.suggestion_close(
        suggestion=access.access_suggestion(user, number),
        actor=user,
        expected_version=payload.expected_version,
    )
    return _staff_row(selectors.suggestion_row(done), user)


class DeclineIn(Schema):
    expected_version: int = Field(..., ge=0)
    reason: str = Field(
        ..., max_length=1000, examples=["行政事业性收费由法律法规设定，本局无权取消。"]
    )


@router.post(
    "/suggestions/{number}/start",
    auth=api_auth,
    response={200: StaffSuggestionOut, **ERRORS},
    summary="开始办理（承办部门）",
)
def engagement_suggestion_start_api(
    request: HttpRequest, number: str, payload: VersionIn
) -> dict[str, Any]:
    user = _user(request)
    done = services.suggestion_start(
        suggestion=access.access_suggestion(user, number),
        actor=user,
        expected_version=payload.expected_version,
    )
    return _staff_row(selectors.suggestion_row(done), user)


@router.post(
    "/suggestions/{number}/decline",
    auth=api_auth,
    response={200: StaffSuggestionOut, **ERRORS},
    summary="不予采纳（理由公开）",
)
def engagement_suggestion_decline_api(
    request: HttpRequest, number: str, payload: DeclineIn
) -> dict[str, Any]:
    user = _user(request)
    done = services.suggestion_decline(
        suggestion=access.access_suggestion(user, number),
        reason=payload.reason,
        actor=user,
        expected_version=payload.expected_version,
    )
    return _staff_row(selectors.suggestion_row(done), user)


def _tally(t: Any) -> dict[str, Any]:
    return {"shown": t.shown, "answered": t.answered, "counts": t.counts, "mean": t.mean}


@router.get(
    "/surveys/{survey_id}/results",
    auth=api_auth,
    response={200: SurveyResultsOut, **ERRORS},
    summary="问卷统计（合计、纸质、网上；管理人员）",
)
def engagement_survey_results_api(request: HttpRequest, survey_id: int) -> dict[str, Any]:
    survey = access.access_survey_for_manager(_user(request), survey_id)
    results = selectors.survey_results(survey)
    return {
        "total": results.total,
        "paper": results.paper,
        "online": results.online,
        "questions": [
            {
                "code": q.code,
                "text": q.text,
                **{c: _tally(results.by_channel[c][q.code]) for c in ("total", "paper", "online")},
            }
            for q in selectors.survey_questions(survey)
        ],
    }


@router.post(
    "/surveys/{survey_id}/paper-responses",
    auth=api_auth,
    response={201: ReceivedOut, **ERRORS},
    summary="录入一份纸质问卷（按流水号，只能录入一次）",
)
def engagement_paper_entry_api(
    request: HttpRequest, survey_id: int, payload: PaperAnswersIn
) -> Status[dict[str, Any]]:
    user = _user(request)
    survey = access.access_survey_for_clerk(user, survey_id)
    response = services.survey_paper_enter(
        survey=survey, serial=payload.serial, answers=payload.answers, actor=user
    )
    return Status(
        201,
        {
            "survey": survey.code,
            "channel": {"code": response.channel, "label": response.get_channel_display()},
            "survey_version": response.survey_version,
        },
    )
